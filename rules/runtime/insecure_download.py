"""## What it does
Flags switches that turn off TLS certificate or package signature checks:

- downloads: `curl -k` / `--insecure` (bundled forms such as `-fsSLk` too), `wget --no-check-certificate`,
  `git -c http.sslVerify=false`, `git config … http.sslVerify false`;
- Python: `pip --trusted-host`, `uv --allow-insecure-host`, `pip config set … trusted-host`;
- system packages: `apk --allow-untrusted`, `apt-get --allow-unauthenticated` /
  `--allow-insecure-repositories` / `--force-yes` / `-o Acquire::https::Verify-Peer=false`,
  `yum` / `dnf --nogpgcheck` / `--setopt=sslverify=0` / `--setopt=gpgcheck=0`, `rpm --nosignature` /
  `--nodigest`;
- npm: `npm config set strict-ssl false`, `--strict-ssl=false`;
- environment (ENV, ARG defaults, `VAR=… cmd`, `export`): `PYTHONHTTPSVERIFY=0`,
  `NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY`, `PIP_TRUSTED_HOST`, `UV_INSECURE_HOST`,
  `NPM_CONFIG_STRICT_SSL=false`, and an empty `CURL_CA_BUNDLE` (an old way to make `requests` skip
  verification).

A switch on a command-line that a comment about the RUN names (`# ToDo: Remove --no-check-certificate;
temporarily added to bypass jmeter-plugins.org's expired certificate`, right above it) is left alone:
the author turned the check off knowingly and says why (reviewers judged the finding not worth
telling there, twice).

## Why is this bad?
Certificate and signature checks are what stop a network attacker, a hijacked mirror or a
misconfigured proxy from handing the build a different model, wheel or package. With them off, the
image contains whatever arrived, runs it as root, and nothing records that it was not verified. An
ENV setting is worse: it also disables verification at run time, for every request the model
server makes.

When a corporate proxy re-signs TLS, add its CA certificate to the image (`COPY corp-ca.crt
/usr/local/share/ca-certificates/` and `update-ca-certificates`, or `PIP_CERT` / `REQUESTS_CA_BUNDLE`)
instead of turning checks off.

The same switch written several times in a stage (`pip install --trusted-host mirror …` in each of
five installs of a RUN, or `--trusted-host ${PYPI_TRUSTED_HOST}` in three RUNs) is one finding, on
the first (`dflint/grouping.py`), whose message says how many more the stage holds: it is one
decision (a reviewer called the second of three identical findings a duplicate). A pragma silences
the place it covers, not the others.

This covers Checkov's CKV2_DOCKER_2 to CKV2_DOCKER_16.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir --trusted-host pypi.example.com --index-url http://pypi.example.com/simple torch==2.4.0
```

## Use instead
```dockerfile
FROM python:3.11-slim
COPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt
RUN update-ca-certificates
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
RUN pip install --no-cache-dir --index-url https://pypi.example.com/simple torch==2.4.0
```

## References
- [pip: --trusted-host](https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-trusted-host)
- [curl: --insecure](https://curl.se/docs/manpage.html#-k)
- [Checkov Dockerfile policies](https://www.checkov.io/5.Policy%20Index/dockerfile.html)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.commands import all_runs, short_options
from dflint.model import Dockerfile, ShellCommand, Span
from dflint.rule import Finding, Group, RuleMeta, Severity

META = RuleMeta(
    code="DF626",
    name="insecure-download",
    severity=Severity.WARNING,
    summary="TLS certificate or package signature checks turned off",
)

_CURL_VALUES = frozenset(
    [
        "-A",
        "-b",
        "-c",
        "-C",
        "-d",
        "-D",
        "-e",
        "-E",
        "-F",
        "-H",
        "-K",
        "-m",
        "-o",
        "-P",
        "-Q",
        "-r",
        "-T",
        "-u",
        "-U",
        "-w",
        "-x",
        "-X",
        "-y",
        "-Y",
        "-z",
        "-t",
    ]
    + [
        "--user-agent",
        "--cookie",
        "--cookie-jar",
        "--data",
        "--header",
        "--output",
        "--user",
        "--proxy",
        "--request",
        "--max-time",
        "--config",
        "--cacert",
        "--cert",
        "--url",
        "--retry",
        "--connect-timeout",
        "--write-out",
        "--range",
        "--referer",
        "--form",
    ]
)
_FLAGS = {
    "wget": {"--no-check-certificate": "skips the server certificate check"},
    "apk": {"--allow-untrusted": "accepts packages without a trusted signature"},
    "apt-get": {
        "--allow-unauthenticated": "accepts packages whose signature is missing or fails",
        "--allow-insecure-repositories": "accepts repositories whose signature is missing or fails",
        "--force-yes": "forces through unauthenticated packages (and worse)",
    },
    "rpm": {
        "--nosignature": "skips package signature checks",
        "--nodigest": "skips package digest checks",
        "--nogpg": "skips package signature checks",
    },
    "pip": {"--trusted-host": "trusts a host without a valid certificate"},
    "uv": {"--allow-insecure-host": "trusts a host without a valid certificate"},
}
_RPM_FRONTENDS = frozenset({"yum", "dnf", "dnf5", "microdnf", "tdnf"})
_FALSY = frozenset({"0", "false", "no", "off"})


def _remedy(problem: str) -> str:
    """What to do instead: a package signature needs the repository's key, a TLS check the CA."""
    if "TLS" in problem:
        return "add the CA certificate, or import the repository's signing key"
    if any(word in problem for word in ("signature", "digest", "unauthenticated")):
        return "import the repository's signing key: apt's `signed-by=`, apk's `/etc/apk/keys`, `rpm --import`"
    return "add the CA certificate"


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        exported: set[str] = set()
        explained = " ".join(dockerfile.comments_about(instruction))
        for command in instruction.commands:
            for span, problem in _command_problems(command):
                if _named_in(command, span, explained):
                    continue  # the comment above names the switch: the author turned it off knowingly
                yield Finding(
                    META,
                    span,
                    f"{problem} in {stage.label}; keep verification on",
                    stage=stage.name,
                    detail=f"{problem} in {stage.label}; keep verification on ({_remedy(problem)} instead)",
                    # the same switch again in the stage (`--trusted-host mirror` in each of five installs, or
                    # in three RUNs) is one decision: the engine makes it one finding, on the first
                    group=Group(f"{stage.index}:{problem}", "this stage"),
                )
        for command in instruction.commands:
            for name, word in command.assignments:
                unsafe = _variable_problem(name, word.value)
                if unsafe is not None:
                    yield Finding(META, word.span, f"`{name}` {unsafe} in {stage.label}", stage=stage.name)
            for name, value in command.exports.items():
                unsafe = _variable_problem(name, value)
                if unsafe is not None and name not in exported:
                    exported.add(name)
                    shown = command.name or "the next command"
                    yield Finding(
                        META, command.span, f"`{name}` exported before `{shown}` {unsafe} in {stage.label}", stage=stage.name
                    )
    instructions = list(dockerfile.global_args) + [i for stage in dockerfile.stages for i in stage.instructions_of("ENV", "ARG")]
    for instruction in instructions:
        for pair in instruction.pairs:
            if pair.literal is None:
                continue
            unsafe = _variable_problem(pair.key, pair.literal)
            if unsafe is not None:
                owner = dockerfile.stage_of(instruction)
                where = owner.label if owner is not None else "the global ARGs"
                runtime = " (an ENV also applies when the container runs)" if instruction.keyword == "ENV" else ""
                yield Finding(
                    META,
                    pair.key_span,
                    f"{instruction.keyword} `{pair.key}` {unsafe} in {where}",
                    stage=owner.name if owner is not None else None,
                    detail=f"{instruction.keyword} `{pair.key}` {unsafe} in {where}{runtime}",
                )


def _named_in(command: ShellCommand, span: Span, comments: str) -> bool:
    """A comment about the RUN names the long option the finding is on (`# ToDo: Remove
    --no-check-certificate; temporarily added to bypass an expired certificate`)."""
    word = next((word for word in command.argv if word.span == span), None)
    option = (word.value or "").partition("=")[0] if word is not None else ""
    return option.startswith("--") and option in comments


def _command_problems(command: ShellCommand) -> Iterator[tuple[Span, str]]:
    name = command.name
    if name is None:
        return
    if name == "curl":
        for option, word, _ in short_options(command.argv, _CURL_VALUES):
            if option in ("-k", "--insecure"):
                yield word.span, "`curl -k` skips the server certificate check"
        return
    family = "apt-get" if name in ("apt-get", "apt", "aptitude") else "rpm" if name in _RPM_FRONTENDS | {"rpm"} else name
    if re.fullmatch(r"pip[0-9.]*", name) or (re.fullmatch(r"python[0-9.]*", name) and _has(command, "pip")):
        family = "pip"
    for word in command.argv[1:]:
        value = word.value
        if value is None:
            continue
        option = value.partition("=")[0]
        reason = _FLAGS.get(family, {}).get(option)
        if reason is not None:
            yield word.span, f"`{'pip' if family == 'pip' else name} {option}` {reason}"
        elif family == "rpm" and option == "--nogpgcheck":
            yield word.span, f"`{name} --nogpgcheck` installs packages without checking their signatures"
        elif family == "rpm" and option == "--setopt" and _disables_rpm_check(value):
            yield word.span, f"`{name} {value}` turns off a signature or TLS check"
        elif family == "apt-get" and _disables_apt_check(value):
            yield word.span, f"`{name} -o {value}` turns off a signature or TLS check"
    yield from _git_npm_pip_config(command)


def _has(command: ShellCommand, value: str) -> bool:
    return any(word.value == value for word in command.argv)


def _disables_rpm_check(value: str) -> bool:
    setting = value.partition("=")[2].lower().replace(" ", "")
    key, _, flag = setting.partition("=")
    return key.rsplit(".", 1)[-1] in ("sslverify", "gpgcheck", "repo_gpgcheck") and flag in _FALSY


def _disables_apt_check(value: str) -> bool:
    key, _, flag = value.partition("=")
    key = key.lower()
    flag = flag.strip("\"'").lower()
    if key.endswith(("verify-peer", "verify-host")) and flag in _FALSY:
        return True
    return key.endswith(("allowunauthenticated", "allowinsecurerepositories")) and flag in ("1", "true", "yes")


def _git_npm_pip_config(command: ShellCommand) -> Iterator[tuple[Span, str]]:
    values = [word.value or "" for word in command.argv]
    name = command.name
    lowered = [value.lower() for value in values]
    if name == "git":
        for index, value in enumerate(lowered):
            if value.startswith("http.sslverify=") and value.partition("=")[2] in _FALSY:
                yield command.argv[index].span, "`git -c http.sslVerify=false` skips the server certificate check"
            if value == "http.sslverify" and index + 1 < len(lowered) and lowered[index + 1] in _FALSY:
                yield command.argv[index].span, "`git config http.sslVerify false` skips the server certificate check"
    if name in ("npm", "yarn", "pnpm"):
        for index, value in enumerate(lowered):
            setting = value in ("strict-ssl", "strict-ssl=false") and ("config" in lowered or "set" in lowered)
            if setting or value in ("--strict-ssl", "--strict-ssl=false"):
                following = lowered[index + 1] if index + 1 < len(lowered) else ""
                if value.endswith("=false") or following in _FALSY:
                    yield command.argv[index].span, f"`{name}` with `strict-ssl` false skips the registry certificate check"
    if name is not None and (name.startswith("pip") or name == "uv") and "config" in lowered:
        for index, value in enumerate(lowered):
            if value.endswith(".trusted-host") or value == "trusted-host":
                yield command.argv[index].span, "`pip config … trusted-host` trusts a host without a valid certificate"


def _variable_problem(name: str, value: str | None) -> str | None:
    upper = name.upper()
    text = (value or "").strip().lower()
    if upper == "PYTHONHTTPSVERIFY" and text == "0":
        return "turns off certificate checks in Python's urllib/http.client"
    if upper == "NODE_TLS_REJECT_UNAUTHORIZED" and text == "0":
        return "turns off certificate checks in Node.js"
    if upper == "GIT_SSL_NO_VERIFY" and text not in ("", *_FALSY):
        return "turns off git's certificate checks"
    if upper in ("PIP_TRUSTED_HOST", "UV_INSECURE_HOST") and text:
        return "trusts a package index without a valid certificate"
    if upper == "NPM_CONFIG_STRICT_SSL" and text in _FALSY:
        return "turns off the npm registry certificate check"
    if upper == "CURL_CA_BUNDLE" and value is not None and text == "":
        return "set to an empty value makes older `requests` versions skip certificate checks"
    return None
