"""## What it does
Flags a RUN that runs a script straight from the network: `curl … | sh`, `wget -qO- … | bash`,
`curl … | sudo -E bash -`, `curl … | python3 -`, `sh -c "$(curl …)"`, `bash <(curl …)` and
`eval "$(wget -O- …)"`.

## Why is this bad?
Whatever the server returns at build time runs as root in the image, unseen: a compromised or
changed installer, a truncated download (the shell runs the part it received), or an HTML error
page. Nothing pins what was run, so two builds of the same commit can install different things.

Download the script to a file, check it against a checksum you recorded (or use
`ADD --checksum=sha256:…`), then run it, ideally with a pinned version argument. Better still,
install the tool from a package manager or a release archive with a published checksum.

For a well-known installer the message gives that tool's own way to pin it instead
(`dflint/data/pinning.json`, `install_scripts`, with sources): uv's `astral.sh/uv/install.sh` → copy
the binaries from `ghcr.io/astral-sh/uv:<version>` or use the versioned installer; rustup's
`sh.rustup.rs` → the toolchain pinned (`sh -s -- -y --default-toolchain <version>`, which it accepts as
below; a reviewer found the earlier advice, `rustup-init` checked against its `.sha256`, left the
toolchain floating), with the checksum check or a `rust:<version>` build stage in the detail.
NodeSource's `deb.nodesource.com/setup_lts.x` (or `setup_current.x`) → its signed apt repository of one
release line (the keyring and a `signed-by` source line, as its manual installation gives them), since a
checksum of a setup script the vendor keeps updating would break the build (reviewers judged the
checksum advice unusable there). Its `setup_<major>.x` names the release line and is not reported: the
script only adds that same signed repository (its key fetched from the same host over HTTPS), so the
manual steps would verify nothing more (reviewers judged 11 of 13 draws of such findings not worth telling).
Istio's `istio.io/downloadIstio` downloads the release `ISTIO_VERSION` names (`| ISTIO_VERSION=1.24.0
sh -`, or the variable from ENV, ARG or an `export`) and is not reported when it is set; without
it, the message says to set it. A versioned uv installer (`https://astral.sh/uv/0.9.26/install.sh`) is what uv's documentation
advises for a pinned install and is not reported; nor is rustup given the toolchain it installs
(`sh -s -- -y --default-toolchain 1.85.1`, or `none`, which leaves the toolchain to the project's
`rust-toolchain.toml`): what floats then is only the installer, fetched over HTTPS from the Rust
project's own host. So is rustup run after a COPY/ADD of the project's toolchain file
(`COPY rust-toolchain.toml rust-toolchain.toml`, as text-embeddings-inference does): rustup reads it in
the directory it runs in, so it names the toolchain (`pinned_by_files`; a reviewer); and so is one
copied after rustup but before the stage's first command that builds with the toolchain (`cargo`,
`rustc`, `maturin`: rustup's proxies read the file where they run; Chroma copies it just before
`maturin build`, and a reviewer found the finding wrong there). PyPA's `get-pip.py` (`bootstrap.pypa.io`, over HTTPS like any `pip install`)
is not reported either: what it leaves unpinned is pip itself (with setuptools and wheel on
Python 3.11 and older), which DF401 too leaves unpinned unless `include-installers` is set, and
the script changes with every pip release, so a recorded checksum would break the build; pass
`pip==<version>` to it to pin pip (its README). The facts are in `dflint/data/pinning.json`
(`install_scripts`, with sources).

A script whose URL names the release or commit it fetches in its path is pinned the same way and is not
reported (`https://raw.githubusercontent.com/nvm-sh/nvm/v0.37.2/install.sh`, nvm's documented
install; a `…/releases/download/v1.2.3/…` asset; a 40-hex commit): what runs is that release's script,
not whatever a branch holds today (`…/WasmEdge/master/utils/install.sh` is reported). Two reviewers
judged the finding on Kubeflow Pipelines' tag-pinned nvm installer not worth telling.

One installer run in several stages is one decision (pin it once, with one version argument): the
places become one finding on the first, which says how many more there are in the file and lists
their lines (JSON `also`). A well-known installer is the same installer whatever URL form it is
fetched by; another script is the same one when its URL is written the same way. On the shared
corpus the AWS vLLM images run uv's installer in three stages each; reviewers judged the second and
third findings duplicates of the first.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN curl -fsSL https://example.com/install.sh | sh
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/install-1.4.2.sh /tmp/install.sh
RUN sh /tmp/install.sh --version 1.4.2 && rm /tmp/install.sh
```

## References
- [Docker: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
- [Docker: Dockerfile best practices, ADD or COPY](https://docs.docker.com/build/building/best-practices/#add-or-copy)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from dflint.commands import SHELLS, all_runs, covering, pipelines
from dflint.model import Dockerfile, Instruction, ShellCommand, Span, Stage
from dflint.rule import Finding, Group, RuleMeta, Severity, clip

META = RuleMeta(
    code="DF623",
    name="pipe-to-shell",
    severity=Severity.WARNING,
    summary="A script downloaded and run in one step, unverified",
    skip_images_nobody_deploys=True,
)

_DOWNLOADERS = frozenset({"curl", "wget", "fetch", "aria2c"})
_INTERPRETERS = re.compile(r"(?:python[0-9.]*|perl|ruby|node|php)")
_SUBSTITUTION = re.compile(r"(?:\$\(|`|<\()\s*(?:\S*/)?(?:curl|wget)\b")


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    for stage, instruction in all_runs(dockerfile):
        for pipeline in pipelines(instruction.commands):
            for position, command in enumerate(pipeline[:-1]):
                if command.name not in _DOWNLOADERS:
                    continue
                runner = next((later for later in pipeline[position + 1 :] if _reads_script_from_stdin(later)), None)
                if runner is not None:
                    if _names_a_release(command):
                        break  # the URL names the release or commit it runs (`…/nvm-sh/nvm/v0.37.2/install.sh`)
                    script = _known_script(command)
                    if script is not None and (script.versioned or script.pinned(runner, instruction.env)):
                        break  # the installer's own pinned form, as its documentation gives it
                    if script is not None and _pinned_by_a_copied_file(dockerfile, stage, instruction, script.pinned_by_files):
                        break  # a toolchain file copied in first names what it installs (`rust-toolchain.toml`)
                    if script is not None and script.installs_installer:
                        break  # PyPA's bootstrap of pip: pip's version is DF401's `include-installers`
                    span = covering(command.span, runner.span)
                    yield _finding(
                        stage.label,
                        stage.name,
                        span,
                        command.name or "",
                        runner,
                        script.advice if script is not None else None,
                        script.detail if script is not None else None,
                        _group(script, command),
                    )
                    break
        for command in instruction.commands:
            if _runs_substitution(command):
                yield _finding(stage.label, stage.name, command.span, "a download", command)


def _finding(
    label: str,
    stage: str | None,
    span: Span,
    source: str,
    runner: ShellCommand,
    advice: str | None = None,
    detail: str | None = None,
    group: Group | None = None,
) -> Finding:
    program = runner.name or "a shell"
    if advice is not None:
        return Finding(
            META,
            span,
            f"{label} pipes `{clip(source)}` into `{clip(program)}` unverified; {advice}",
            stage=stage,
            detail=f"{label} runs what `{source}` downloads with `{program}`, unverified and unpinned: {detail or advice}",
            group=group,
        )
    return Finding(
        META,
        span,
        f"{label} pipes `{clip(source)}` into `{clip(program)}` unverified; check its sha256 before running it",
        stage=stage,
        detail=f"{label} runs what `{source}` downloads with `{program}`, unverified: save it to a file, check its sha256"
        " (or use `ADD --checksum`), then run it",
        group=group,
    )


def _group(script: _Script | None, download: ShellCommand) -> Group | None:
    """One decision per file: the same installer run in several stages (uv's in `build`, `deps`
    and `runtime`) is pinned once, with one version argument. A well-known installer is itself; any
    other script is the same one when its URL is written the same way."""
    if script is not None:
        return Group(f"installer:{script.key}", "this file")
    urls = [word.text for word in download.argv[1:] if word.value and re.match(r"(?i)https?://", word.value)]
    return Group(f"url:{urls[0]}", "this file") if len(urls) == 1 else None


@dataclass(frozen=True, slots=True)
class _Script:
    """A well-known installer script: how to pin it, more detail, whether its URL names a version, the
    arguments that pin what it installs, and whether what it installs is a package installer (pip)."""

    key: str  # the entry's URL pattern: which installer it is
    advice: str
    detail: str | None
    versioned: bool
    pinned_by_arguments: str | None = None
    installs_installer: bool = False
    pinned_by_environment: str | None = None
    pinned_by_files: tuple[str, ...] = ()

    def pinned(self, runner: ShellCommand, env: Mapping[str, str | None]) -> bool:
        """`sh -s -- -y --default-toolchain 1.85.1`: the arguments given to the script pin what it
        installs; `ISTIO_VERSION=1.24.0 sh -` (or the variable from ENV, ARG or an `export`): the
        environment the script runs with does. A build argument without a default counts (the build
        passes the version); a value known to be empty does not."""
        if self.pinned_by_arguments is not None:
            written = " ".join(word.text for word in runner.argv[1:])
            if re.search(self.pinned_by_arguments, written) is not None:
                return True
        name = self.pinned_by_environment
        if name is None:
            return False
        for assigned, word in runner.assignments:
            if assigned == name:
                return word.value != ""
        if name in runner.exports:
            return runner.exports[name] != ""
        return name in env and env[name] != ""


_TOOLCHAIN_PROGRAMS = frozenset({"cargo", "rustc", "maturin"})


def _builds_with_toolchain(command: ShellCommand) -> bool:
    """`cargo build`, `rustc`, `maturin build` or `python -m maturin …`: a command that runs the toolchain."""
    if command.name in _TOOLCHAIN_PROGRAMS:
        return True
    values = [word.value for word in command.argv[1:3]]
    return bool(command.name and _INTERPRETERS.fullmatch(command.name)) and values[:1] == ["-m"] and values[1:2] == ["maturin"]


def _pinned_by_a_copied_file(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, names: tuple[str, ...]) -> bool:
    """A COPY/ADD puts a file of one of these names in (`COPY rust-toolchain.toml rust-toolchain.toml`)
    before the installer, in its stage or one it is built FROM (the installer reads it), or later in
    the stage but before the first RUN that builds with the toolchain (`cargo`, `rustc`, `maturin`:
    rustup's proxies read the file where they run, so the toolchain that builds is the one it names;
    Chroma copies it after running rustup and before `maturin build`, a reviewer)."""
    if not names:
        return False
    first_use = next(
        (
            later.index
            for later in stage.instructions_of("RUN")
            if later.index > instruction.index and any(_builds_with_toolchain(command) for command in later.commands)
        ),
        None,
    )
    for ancestor in dockerfile.ancestry(stage):
        for earlier in ancestor.instructions_of("COPY", "ADD"):
            if ancestor is stage and earlier.index >= instruction.index and (first_use is None or earlier.index > first_use):
                continue
            spec = earlier.copy
            sources = spec.sources if spec is not None else ()
            if any(source is not None and source.rstrip("/").rsplit("/", 1)[-1] in names for source in sources):
                return True
    return False


def _known_script(download: ShellCommand) -> _Script | None:
    """The well-known installer a download fetches (`dflint/data/pinning.json`, `install_scripts`)."""
    urls = [word.value for word in download.argv[1:] if word.value and re.match(r"(?i)https?://", word.value)]
    for entry in _install_scripts():
        for url in urls:
            versioned = entry.get("versioned_url_pattern")
            if versioned and re.match(versioned, url):
                return _Script(entry["url_pattern"], entry["advice"], entry.get("detail"), True)
            if re.match(entry["url_pattern"], url):
                pinning, installer = entry.get("pinned_by_arguments"), bool(entry.get("installs_installer"))
                return _Script(
                    entry["url_pattern"],
                    entry["advice"],
                    entry.get("detail"),
                    False,
                    pinning,
                    installer,
                    entry.get("pinned_by_environment"),
                    tuple(entry.get("pinned_by_files", ())),
                )
    return None


# a path segment naming a release (`v0.37.2`, `0.9.26`, `1.2.3-rc1`) or a commit (`3f1c…`, 40 hex digits)
_RELEASE_SEGMENT = re.compile(r"(?i)v?\d+(?:\.\d+)+(?:[-+][\w.]+)?|[0-9a-f]{40}")


def _names_a_release(download: ShellCommand) -> bool:
    """The script's URL names the release or commit it fetches in its path
    (`https://raw.githubusercontent.com/nvm-sh/nvm/v0.37.2/install.sh`, nvm's documented install;
    `…/releases/download/v1.2.3/install.sh`), as uv's versioned installer does: what runs is that
    release's script, not whatever the branch holds today (`…/WasmEdge/master/utils/install.sh`)."""
    for word in download.argv[1:]:
        value = word.value or ""
        match = re.match(r"(?i)https?://[^/]+(/[^?#]*)", value)
        if match is not None and any(_RELEASE_SEGMENT.fullmatch(part) for part in match.group(1).split("/")[:-1]):
            return True
    return False


@cache
def _install_scripts() -> tuple[dict[str, str], ...]:
    from dflint.data import load

    return tuple(load("pinning")["install_scripts"])


def _reads_script_from_stdin(command: ShellCommand) -> bool:
    name = command.name
    if name is None:
        return False
    arguments = [value for value in command.args]
    if name in SHELLS:
        if any(
            value is not None and value.startswith("-") and not value.startswith("--") and "c" in value[1:] for value in arguments
        ):
            return False
        operands = [value for value in arguments if value is not None and not value.startswith(("-", "+"))]
        return not operands or "-s" in arguments or arguments[:1] == ["-"]
    if _INTERPRETERS.fullmatch(name):
        if any(value in ("-c", "-m", "-e") for value in arguments):
            return False
        inputs = [value for value in arguments if value is None or not value.startswith("-")]
        return not inputs or "-" in arguments
    return False


def _runs_substitution(command: ShellCommand) -> bool:
    """`sh -c "$(curl …)"`, `bash <(curl …)`, `source <(wget -O- …)`, `eval "$(curl …)"`."""
    name = command.name
    if name not in SHELLS and name not in ("eval", "source", "."):
        return False
    return any(_SUBSTITUTION.search(word.text) for word in command.argv[1:])
