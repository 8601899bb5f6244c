"""## What it does
Flags `COPY . <dest>` and `ADD . <dest>` — a copy of the whole build context — when the context has
no `.dockerignore` (nor a `<Dockerfile>.dockerignore` next to the Dockerfile), or when its
`.dockerignore` does not exclude the paths that commonly weigh down ML projects:

- `.git`;
- model checkpoints and weights: `**/*.pt`, `**/*.ckpt`, `**/*.safetensors`, `**/*.bin`;
- virtual environments: `.venv`, `venv`;
- `**/__pycache__`;
- a `data` directory.

The finding names what is missing. `--exclude` flags on the `COPY` count as exclusions too. The rule
is silent when dflint does not know the build context (input from stdin without `--context`).

Neither hadolint nor BuildKit has this check (hadolint never reads the build context).

Silent when the build context is only a fallback (nothing names it and no directory up to the
repository root holds the COPY/ADD sources, or the whole context is copied from a folder that holds
nothing but Dockerfiles, such as `.devops/` or `docker/`, which is not what the image is built from): whether that directory has a `.dockerignore` says
nothing about the one the image is built with (`dflint -v` shows the choice; `--context` sets it).

## Why is this bad?
Docker sends the whole context to the builder and `COPY . .` puts all of it in a layer: the git
history, a local virtualenv, `__pycache__`, and — in ML repositories — checkpoints, exported models
and datasets that are often gigabytes. The image grows by that much, every change to any of those
files invalidates the layer cache, and files that were never meant to ship (credentials in `.git`,
private data) end up in the image.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
```

## Use instead
Add a `.dockerignore` next to the Dockerfile, for example:

```dockerignore
.git
.venv
venv
**/__pycache__
**/*.pt
**/*.ckpt
**/*.safetensors
**/*.bin
data
```

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
```

or copy only what the image needs:

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml requirements.txt ./
COPY src/ ./src/
```

## Options
- `expected-exclusions` (default: the list above): the `.dockerignore` patterns a whole-context copy
  should be covered by. Each is checked by asking the `.dockerignore` about a sample path
  (`**/*.pt` → `model.pt` and `sub/model.pt`), so any pattern that excludes those paths counts.

## References
- [Docker: .dockerignore files](https://docs.docker.com/build/concepts/context/#dockerignore-files)
- [Dockerfile reference: COPY --exclude](https://docs.docker.com/reference/dockerfile/#copy---exclude)
- [Docker: Exclude with .dockerignore](https://docs.docker.com/build/building/best-practices/#exclude-with-dockerignore)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dflint.dockerignore import Matcher, clean
from dflint.model import Dockerfile, Instruction, Stage
from dflint.rule import Finding, RuleMeta, Severity, clip
from dflint.shipping import reaches

from ._copies import copies

META = RuleMeta(
    code="DF504",
    name="copy-context-without-dockerignore",
    severity=Severity.WARNING,
    summary="`COPY . …` with no `.dockerignore`, or one that lets `.git`, checkpoints or virtualenvs in",
    skip_images_nobody_deploys=True,
)

DEFAULT_EXCLUSIONS = (".git", "**/*.pt", "**/*.ckpt", "**/*.safetensors", "**/*.bin", ".venv", "venv", "**/__pycache__", "data")


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: the paths a `.dockerignore` is expected to exclude."""

    expected_exclusions: tuple[str, ...] = DEFAULT_EXCLUSIONS


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    if dockerfile.context_dir is None or (dockerfile.context is not None and dockerfile.context.unknown):
        return  # no context, or only a fallback where the COPY sources are missing: its .dockerignore says nothing
    if dockerfile.dockerignore_unread:
        return  # a .dockerignore that could not be read (an input error): what it excludes is unknown
    expected = tuple(options.expected_exclusions if options is not None else DEFAULT_EXCLUSIONS)
    for stage in dockerfile.stages:
        for parts in copies(dockerfile, stage, may_copy_context_root):
            whole = next(
                (word for word in parts.context_sources() if word.value is not None and clean(word.value) in (".", "/")), None
            )
            if whole is None:
                continue
            keyword = parts.instruction.keyword
            excludes = [flag.value for flag in parts.instruction.flags if flag.name == "exclude" and flag.value]
            if dockerfile.dockerignore is None and not excludes:
                yield Finding(
                    META,
                    whole.span,
                    f"`{keyword} {clip(whole.text, 20)}` in {stage.label}{_where(dockerfile, stage, parts.instruction)} copies the"
                    " whole context, which has no .dockerignore; add one",
                    stage=stage.name,
                    detail=f"`{keyword} {whole.text}` in {stage.label} copies the whole build context, which has no"
                    " .dockerignore: .git, virtualenvs, caches and any checkpoints or datasets in it go into the image; add"
                    " a .dockerignore",
                )
                continue
            matcher = Matcher((*(dockerfile.dockerignore or ()), *excludes))
            missing = [pattern for pattern in expected if not all(matcher.excludes(path) for path in _samples(pattern))]
            if not missing:
                continue
            listed = ", ".join(f"`{pattern}`" for pattern in missing)
            yield Finding(
                META,
                whole.span,
                f"`{keyword} {clip(whole.text, 20)}` in {stage.label}: .dockerignore does not exclude {clip(listed, 50)};"
                f" add {'it' if len(missing) == 1 else 'them'}",
                stage=stage.name,
                detail=f"`{keyword} {whole.text}` in {stage.label} copies the whole build context, and .dockerignore does"
                f" not exclude {listed}; add {'it' if len(missing) == 1 else 'them'} to .dockerignore",
            )


def _where(dockerfile: Dockerfile, stage: Stage, instruction: Instruction) -> str:
    """A note when the copied context does not reach the image (a build stage whose exports do not
    hold it): it still fills that stage's layers and the build cache, so the finding stays."""
    spec = instruction.copy
    destination = spec.destination if spec is not None else None
    if destination is None or reaches(dockerfile, stage, instruction, destination.rstrip("/") or "/") is not None:
        return ""
    return " (not shipped)"


def may_copy_context_root(instruction: Instruction) -> bool:
    """A cheap look at the words as written: could a source be the context root?"""
    words = instruction.json_args if instruction.json_args is not None else instruction.arguments.split()
    return any("$" in word or clean(word.strip("\"'")) in (".", "/") for word in words[:-1])


def _samples(pattern: str) -> tuple[str, ...]:
    """Paths a pattern is meant to exclude: `**/*.pt` → `model.pt` and `sub/model.pt`; `.git` → `.git`."""
    pattern = pattern.strip().lstrip("/")
    if "**/" not in pattern:
        return (pattern.replace("*", "model"),)
    head, tail = pattern.split("**/", 1)
    tail = tail.replace("*", "model")
    return (head + tail, f"{head}sub/{tail}")
