"""## What it does
Flags ARG and ENV instructions (global ARGs included) that carry a secret. A global ARG (before the
first FROM) whose name alone looks like a secret is reported only when a stage declares it again: no
build step sees it otherwise, so nothing stores it.

- by name: `HF_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `OPENAI_API_KEY` and any name with a
  secret-like word between underscores (`…_TOKEN`, `…_SECRET`, `…_PASSWORD`, `…_API_KEY`,
  `…_PRIVATE_KEY`, `…_CREDENTIALS`), but not `…_PUBLIC_KEY`, `GPG_KEY`, or names that point at a
  secret rather than hold it (`HF_TOKEN_PATH`, `…_FILE`, `…_URL`, `…_DIR`);
- by value, whatever the name: a GitHub token (`ghp_…`, `github_pat_…`), a Hugging Face token
  (`hf_…`), an AWS access key id (`AKIA…`), an OpenAI or Anthropic key (`sk-…`), a Slack, GitLab or
  npm token, a private key block, or a URL with a password in it (`https://user:pass@host`).
  A literal secret is reported as an error.

An ENV whose value is empty or a file path is not flagged. The message never repeats the value.
A name that only looks like a secret is reported where the image stores it: in a stage that ships
(a build stage's `ARG` is in neither the image nor its history), once for `ARG X` followed by
`ENV X=$X` (on the ENV, which keeps it), and for an ENV the advice is to give it at run time: a
setting the server reads when it starts (`JUPYTER_TOKEN`) has no build step to mount a secret into.
A literal secret is reported wherever it is written: it is in the Dockerfile and its git history.

## Why is this bad?
ARG and ENV values are stored in the image: `docker history` shows build arguments used by RUN and
`docker inspect` shows every ENV, to anyone who can pull the image, for as long as any copy of it
exists. A token written in the Dockerfile is also in the git history. For model downloads during the
build, pass the token as a BuildKit secret, which is mounted for one RUN and never stored; at run
time, give it to the container from the orchestrator's secret store.

This is hadolint's DL3064, BuildKit's SecretsUsedInArgOrEnv and Trivy's DS-0031.

## Example
```dockerfile
FROM python:3.11-slim
ARG HF_TOKEN
RUN HF_TOKEN=$HF_TOKEN python -c "from huggingface_hub import snapshot_download; snapshot_download('org/model')"
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN --mount=type=secret,id=hf_token,env=HF_TOKEN \
    python -c "from huggingface_hub import snapshot_download; snapshot_download('org/model')"
```

Build with `docker build --secret id=hf_token,env=HF_TOKEN .`.

## References
- [Docker: Build secrets](https://docs.docker.com/build/building/secrets/)
- [BuildKit check SecretsUsedInArgOrEnv](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
- [hadolint DL3064](https://github.com/hadolint/hadolint/wiki/DL3064), [Trivy DS-0031](https://avd.aquasec.com/misconfig/ds031)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.model import Dockerfile, Instruction, KeyValue
from dflint.rule import Finding, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF621",
    name="secret-in-arg-or-env",
    severity=Severity.WARNING,
    summary="A secret in an ARG or ENV is stored in the image",
)

_KNOWN = frozenset(
    [
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "HUGGINGFACE_TOKEN",
        "HF_API_TOKEN",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SESSION_TOKEN",
        "AZURE_CLIENT_SECRET",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "GITLAB_TOKEN",
        "CI_JOB_TOKEN",
        "NPM_TOKEN",
        "NPM_AUTH_TOKEN",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "WANDB_API_KEY",
        "COHERE_API_KEY",
        "MISTRAL_API_KEY",
        "GROQ_API_KEY",
        "REPLICATE_API_TOKEN",
        "PINECONE_API_KEY",
        "NGC_API_KEY",
        "NVIDIA_API_KEY",
        "KAGGLE_KEY",
        "DOCKER_PASSWORD",
        "DOCKERHUB_PASSWORD",
    ]
)
_SECRET_WORDS = frozenset(
    {"password", "passwd", "pword", "secret", "token", "apikey", "credential", "credentials", "privatekey", "pat"}
)
_KEY_OWNERS = frozenset(
    {
        "api",
        "private",
        "secret",
        "access",
        "client",
        "encryption",
        "signing",
        "master",
        "license",
        "auth",
        "app",
        "application",
        "account",
        "service",
        "session",
        "sas",
        "storage",
    }
)
_POINTERS = frozenset(
    [
        "file",
        "path",
        "dir",
        "url",
        "uri",
        "endpoint",
        "name",
        "names",
        "type",
        "mode",
        "enabled",
        "enable",
        "disabled",
        "length",
        "limit",
        "size",
        "count",
        "id",
        "ids",
        "version",
        "env",
        "var",
        "header",
        "fingerprint",
        "hash",
        "sum",
        "server",
        "host",
        "port",
        "region",
        "provider",
        "method",
        "scope",
        "expiry",
        "ttl",
        "timeout",
        "format",
        "kind",
        "max",
        "min",
        "prefix",
        "suffix",
        "location",
        "store",
        "helper",
        "index",
        "ref",
        "arn",
        "user",
        "username",
    ]
)
_SWITCHES = frozenset({"disable", "disabled", "enable", "enabled", "allow", "skip", "require", "required", "verify", "use", "no"})
_POINTER_EXCEPTIONS = frozenset({"AWS_ACCESS_KEY_ID"})
_VALUE_SHAPES = (
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}"), "a GitHub token"),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,}"), "a GitHub token"),
    (re.compile(r"\bhf_[A-Za-z0-9]{30,}"), "a Hugging Face token"),
    (re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"), "an AWS access key id"),
    (re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}"), "an OpenAI or Anthropic API key"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}"), "a GitLab token"),
    (re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), "an npm token"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@$]+:[^/\s@$]+@"), "a URL with a password"),
)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    instructions = list(dockerfile.global_args) + [
        instruction for stage in dockerfile.stages for instruction in stage.instructions_of("ARG", "ENV")
    ]
    # a global ARG (before the first FROM) reaches a build step, and the image's history, only through a
    # stage that declares it again (`ARG NAME`); one no stage declares is seen by FROM lines alone
    shipped = {stage.index for stage in dockerfile.shipped_stages()}
    redeclared = {
        pair.key
        for stage in dockerfile.stages
        if stage.index in shipped
        for arg in stage.instructions_of("ARG")
        for pair in arg.pairs
    }
    global_args = {id(instruction) for instruction in dockerfile.global_args}
    # `ARG X` then `ENV X=$X` in one stage: one value, one finding, on the ENV that stores it
    carried = {
        (stage.index, pair.key)
        for stage in dockerfile.stages
        for env in stage.instructions_of("ENV")
        for pair in env.pairs
        if pair.raw_value is not None and re.fullmatch(r"\$\{?" + re.escape(pair.key) + r"\}?", pair.raw_value.strip("\"'"))
    }
    for instruction in instructions:
        stage = dockerfile.stage_of(instruction)
        for pair in instruction.pairs:
            shape = _secret_value(pair.literal)
            where = f"{instruction.keyword} {pair.key}"
            if shape is not None:
                yield Finding(
                    META,
                    pair.key_span,
                    f"{clip(where, 40)} holds what looks like {shape}; revoke it, pass it with `RUN --mount=type=secret`",
                    severity=Severity.ERROR,
                    stage=stage.name if stage is not None else None,
                    detail=f"{where} holds what looks like {shape}, written in the Dockerfile and stored in the image;"
                    " revoke it and pass it with `RUN --mount=type=secret` instead",
                )
            elif (
                _secret_name(pair.key)
                and not _harmless_value(instruction, pair)
                and (id(instruction) not in global_args or pair.key in redeclared)
                and (stage is None or stage.index in shipped)  # a build stage's ARG is not in the image
                and not (instruction.keyword == "ARG" and stage is not None and (stage.index, pair.key) in carried)
            ):
                mount = f"`RUN --mount=type=secret,id={pair.key.lower()},env={pair.key}`"
                if instruction.keyword == "ENV":  # a run-time setting: no build step to mount a secret into
                    message = f"stored in the image; give it at run time (`-e {pair.key}`)"
                    detail = (
                        "ENV values are stored in the image, for `docker inspect` to show; give it to the container at"
                        f" run time (`docker run -e {pair.key}`, the orchestrator's secret store), and to a build step"
                        f" that needs it with {mount}"
                    )
                else:
                    message = "kept in the image history; use `RUN --mount=type=secret`"
                    detail = f"ARG values are stored in the image and its history; use {mount} for build steps that need it"
                yield Finding(
                    META,
                    pair.key_span,
                    f"{where} looks like a secret, {message}",
                    stage=stage.name if stage is not None else None,
                    detail=f"{where} looks like a secret: {detail}",
                )


def _secret_name(name: str) -> bool:
    upper = name.upper()
    if upper in _KNOWN:
        return True
    words = [word for word in re.split(r"[_\-.]+", name.lower()) if word]
    if not words or "public" in words or "pub" in words:
        return False
    if words[-1] in _POINTERS and upper not in _POINTER_EXCEPTIONS:
        return False
    if any(word in _SWITCHES for word in words):
        return False  # `TS_DISABLE_TOKEN_AUTHORIZATION`: a setting about secrets, not one
    if any(word in _SECRET_WORDS for word in words):
        return True
    for index, word in enumerate(words):
        if word == "key" and (len(words) == 1 or (index > 0 and words[index - 1] in _KEY_OWNERS)):
            return True
    return words[-1] == "auth" and len(words) > 1


def _harmless_value(instruction: Instruction, pair: KeyValue) -> bool:
    """An ENV set to nothing, or to a path: it holds no secret."""
    if instruction.keyword != "ENV" or pair.literal is None:
        return False
    value = pair.literal.strip()
    return value == "" or value.startswith(("/", "~/", "./")) or value.lower() in ("none", "null", "false", "true", "0", "1")


def _secret_value(value: str | None) -> str | None:
    if not value:
        return None
    for pattern, shape in _VALUE_SHAPES:
        if pattern.search(value):
            return shape
    return None
