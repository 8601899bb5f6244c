"""Shell commands → package-manager operations (installs, removals, updates, cache cleaning).

Covers apt-get/apt/aptitude, apk, yum/dnf/microdnf, pip/pip3/`python -m pip`/`uv pip`, uv,
conda/mamba/micromamba, poetry, pipenv, pipx, npm and yarn. Requirement strings are parsed with
`packaging` (PEP 508), imported on first use.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from dflint.model import PackageOp, Requirement, RequirementsFile, ShellCommand, Span, Word

Resolver = Callable[[str, bool], RequirementsFile]

_PYTHON = re.compile(r"python(?:\d+(?:\.\d+)?)?")
_PIP = re.compile(r"pip(?:\d+(?:\.\d+)?)?")
_FULL_COMMIT = re.compile(r"[0-9a-f]{40}")
# A release tag: `v1.0.32`, `2.4.0`, `1.2.0rc1`, or a project's `name-2.22.0` (three components: a
# `release-2.1` branch has two). Tags can be moved, but a release's is not by convention, unlike a branch.
_RELEASE_TAG = re.compile(r"v?\d+(?:\.\d+)+(?:[-.+]?[A-Za-z0-9]+)*|[A-Za-z][A-Za-z0-9_-]*-v?\d+\.\d+\.\d+(?:[-.+]?[A-Za-z0-9]+)*")
_SIMPLE_PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([A-Za-z0-9._,\s-]*)\])?\s*(?:(===?|~=|!=|<=|>=|<|>)\s*([^\s;,]+))?")

_APT_VERBS = {
    "install": "install",
    "reinstall": "install",
    "remove": "remove",
    "purge": "remove",
    "autoremove": "remove",
    "update": "update",
    "upgrade": "upgrade",
    "dist-upgrade": "upgrade",
    "full-upgrade": "upgrade",
    "clean": "clean",
    "autoclean": "clean",
    "build-dep": "install",
    "source": "other",
}
_APK_VERBS = {"add": "install", "del": "remove", "update": "update", "upgrade": "upgrade", "cache": "clean", "fix": "other"}
_RPM_VERBS = {
    "install": "install",
    "groupinstall": "install",
    "localinstall": "install",
    "reinstall": "install",
    "remove": "remove",
    "erase": "remove",
    "autoremove": "remove",
    "groupremove": "remove",
    "update": "upgrade",
    "upgrade": "upgrade",
    "distro-sync": "upgrade",
    "makecache": "update",
    "clean": "clean",
}
_PIP_VERBS = {
    "install": "install",
    "uninstall": "remove",
    "download": "other",
    "wheel": "other",
    "sync": "sync",
    "compile": "other",
    "cache": "clean",
}
_CONDA_VERBS = {
    "install": "install",
    "create": "install",
    "update": "upgrade",
    "upgrade": "upgrade",
    "remove": "remove",
    "uninstall": "remove",
    "clean": "clean",
}

# Options that take a value, per manager family (the value is not a package).
_VALUE_OPTIONS = {
    "apt": {"-o", "--option", "-t", "--target-release", "-c", "--config-file", "-a", "--host-architecture"},
    "apk": {
        "--virtual",
        "-t",
        "--repository",
        "-X",
        "--root",
        "-p",
        "--keys-dir",
        "--repositories-file",
        "--arch",
        "--cache-dir",
    },
    "rpm": {
        "--setopt",
        "--enablerepo",
        "--disablerepo",
        "--installroot",
        "--releasever",
        "-c",
        "--config",
        "--repo",
        "--repofrompath",
        "--exclude",
        "-x",
        "--nodocs=",
        "--best=",
    },
    "pip": {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--trusted-host",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--cache-dir",
        "--src",
        "--global-option",
        "--install-option",
        "--config-settings",
        "-C",
        "--progress-bar",
        "--log",
        "--timeout",
        "--retries",
        "--proxy",
        "--upgrade-strategy",
        "--only-binary",
        "--no-binary",
        "--python",
        "-p",
        "--index-strategy",
        "--extra",
        "--keyring-provider",
        "--exclude-newer",
        "--resolution",
        "--prerelease",
        "--link-mode",
        "--cert",
        "--client-cert",
        "--report",
        "--group",
        "--override",
        "--build-constraint",
        "--index",
        "--default-index",
        "--torch-backend",
        "-d",
        "--dest",
        "-w",
        "--wheel-dir",
        "--log-file",
        "--exists-action",
    },
    "conda": {
        "-c",
        "--channel",
        "-n",
        "--name",
        "-p",
        "--prefix",
        "--file",
        "--override-channels=",
        "--solver",
        "--repodata-fn",
        "-f",
    },
    "poetry": {"--with", "--without", "--only", "-E", "--extras", "-C", "--directory", "--group", "-G", "--source", "--python"},
    "pipenv": {"--python", "--categories", "-r", "--requirements", "--extra-pip-args", "--pypi-mirror"},
    "npm": {"--prefix", "--registry", "--cache", "--omit", "--include", "-w", "--workspace"},
}


def extract(command: ShellCommand, resolve: Resolver) -> list[PackageOp]:
    """The package operations a command performs (usually zero or one)."""
    name = command.name
    if name is None:
        return []
    words = list(command.argv[1:])
    if name in ("apt-get", "apt", "aptitude"):
        return _simple(command, "apt", name, words, _APT_VERBS, _VALUE_OPTIONS["apt"], _apt_requirement)
    if name == "apk":
        return _simple(command, "apk", name, words, _APK_VERBS, _VALUE_OPTIONS["apk"], _apk_requirement)
    if name in ("yum", "dnf", "microdnf", "dnf5", "tdnf"):
        manager = "dnf" if name in ("dnf5", "tdnf") else name
        return _simple(command, manager, name, words, _RPM_VERBS, _VALUE_OPTIONS["rpm"], _rpm_requirement)
    if _PIP.fullmatch(name):
        return _pip(command, "pip", name, words, resolve)
    if _PYTHON.fullmatch(name):
        return _python_module(command, name, words, resolve)
    if name == "uv":
        return _uv(command, words, resolve)
    if name in ("conda", "mamba", "micromamba"):
        return _conda(command, name, words, resolve)
    if name in ("poetry", "pipenv", "pipx", "npm", "yarn", "pnpm"):
        return _other(command, name, words)
    return []


def _verb_index(words: list[Word], value_options: set[str]) -> int | None:
    skip = False
    for position, word in enumerate(words):
        if skip:
            skip = False
            continue
        value = word.value
        if value is None:
            return None
        if value.startswith("-"):
            skip = value in value_options
            continue
        return position
    return None


def _split(words: list[Word], value_options: set[str]) -> tuple[list[Word], set[str], list[tuple[str, Word | None]]]:
    """Operands, flag names, and (option, value word) pairs."""
    operands: list[Word] = []
    flags: set[str] = set()
    valued: list[tuple[str, Word | None]] = []
    position = 0
    only_operands = False
    while position < len(words):
        word = words[position]
        value = word.value
        if value is None or only_operands or not value.startswith("-") or value == "-":
            operands.append(word)
            position += 1
            continue
        if value == "--":
            only_operands = True
            position += 1
            continue
        name, equals, attached = value.partition("=")
        if not value.startswith("--") and len(name) > 2 and name[:2] not in value_options:
            # bundled short options: -yq, -qqy; one that takes a value ends the bundle and takes the
            # rest of it, or the next word when it is last (`conda create -yn env`, as getopt reads it)
            flags.add(name)
            for index, char in enumerate(name[1:], 1):
                option = f"-{char}"
                flags.add(option)
                if option in value_options:
                    if value[index + 1 :]:
                        valued.append((option, Word(word.text, value[index + 1 :].removeprefix("="), word.span)))
                    else:
                        valued.append((option, words[position + 1] if position + 1 < len(words) else None))
                        position += 1
                    break
            position += 1
            continue
        if not value.startswith("--") and len(name) > 2 and name[:2] in value_options:
            flags.add(name[:2])
            valued.append((name[:2], Word(word.text, name[2:], word.span)))
            position += 1
            continue
        flags.add(name)
        if equals:
            valued.append((name, Word(word.text, attached, word.span)))
        elif name in value_options:
            following = words[position + 1] if position + 1 < len(words) else None
            valued.append((name, following))
            position += 1
        position += 1
    return operands, flags, valued


def _simple(
    command: ShellCommand,
    manager: str,
    program: str,
    words: list[Word],
    verbs: dict[str, str],
    value_options: set[str],
    requirement: Callable[[Word], Requirement],
) -> list[PackageOp]:
    at = _verb_index(words, value_options)
    if at is None:
        return []
    verb_word = words[at]
    verb_text = verb_word.value or ""
    if manager == "apk" and verb_text == "cache":
        sub = words[at + 1].value if at + 1 < len(words) else None
        verb = "clean" if sub in ("clean", "purge") else "other"
    else:
        verb = verbs.get(verb_text, "other")
    operands, flags, valued = _split(words[:at] + words[at + 1 :], value_options)
    if manager in ("yum", "dnf", "microdnf") and verb == "clean":
        operands = []  # `clean all`: the operand is a cache kind
    if manager == "apk" and verb == "clean":
        operands = []
    packages = tuple(requirement(word) for word in operands) if verb in ("install", "remove", "upgrade") else ()
    virtual = next((value.value for option, value in valued if option in ("--virtual", "-t") and value is not None), None)
    if manager != "apk":
        virtual = None
    elif virtual is not None:
        flags.add("--virtual")
    return [PackageOp(manager, verb, packages, frozenset(flags), command, program, verb_word, virtual=virtual)]


def _python_module(command: ShellCommand, name: str, words: list[Word], resolve: Resolver) -> list[PackageOp]:
    position = 0
    while position < len(words) and (words[position].value or "").startswith("-") and words[position].value != "-m":
        position += 1
    if position + 1 < len(words) and words[position].value == "-m":
        module = words[position + 1].value
        if module == "pip":
            return _pip(command, "pip", f"{name} -m pip", words[position + 2 :], resolve)
        if module == "uv":
            return _uv(command, words[position + 2 :], resolve)
        if module == "pipx":
            return _other(command, "pipx", words[position + 2 :])
        if module == "conda":
            return _conda(command, "conda", words[position + 2 :], resolve)
    return []


def _uv(command: ShellCommand, words: list[Word], resolve: Resolver) -> list[PackageOp]:
    at = _verb_index(words, _VALUE_OPTIONS["pip"])
    if at is None:
        return []
    sub = words[at].value
    if sub == "pip":
        return _pip(command, "uv", "uv pip", words[at + 1 :], resolve)
    if sub in ("add", "sync", "tool", "run", "lock", "remove"):
        verb = {"add": "install", "sync": "sync", "remove": "remove"}.get(sub or "", "other")
        rest = words[at + 1 :]
        if sub == "tool":
            inner = _verb_index(rest, _VALUE_OPTIONS["pip"])
            if inner is None or rest[inner].value != "install":
                return []
            verb, rest = "install", rest[:inner] + rest[inner + 1 :]
        operands, flags, _ = _split(rest, _VALUE_OPTIONS["pip"])
        packages = tuple(pip_requirement(word) for word in operands) if verb == "install" and sub != "run" else ()
        return [PackageOp("uv", verb, packages, frozenset(flags), command, f"uv {sub}", words[at])]
    return []


def _pip(command: ShellCommand, manager: str, program: str, words: list[Word], resolve: Resolver) -> list[PackageOp]:
    options = _VALUE_OPTIONS["pip"]
    at = _verb_index(words, options)
    if at is None:
        return []
    verb_word = words[at]
    verb = _PIP_VERBS.get(verb_word.value or "", "other")
    operands, flags, valued = _split(words[:at] + words[at + 1 :], options)
    if verb == "clean":
        operands = []
    packages: list[Requirement] = []
    if verb in ("install", "remove", "other", "sync"):
        packages = [pip_requirement(word) for word in operands]
    files: list[RequirementsFile] = []
    for option, value in valued:
        if option in ("-e", "--editable") and value is not None:
            packages.append(Requirement(None, value.value, kind="path", pinned=True, span=value.span))
        # uv's `--override FILE` pins what it lists whatever the other requirements ask: a
        # constraints file for what it says about versions
        if option in ("-r", "--requirement", "-c", "--constraint") or (option == "--override" and manager == "uv"):
            constraint = option in ("-c", "--constraint", "--override")
            if value is None or value.value is None:
                files.append(
                    RequirementsFile(None, None, "unresolved", "the file name depends on an unknown variable", constraint)
                )
                continue
            if "://" in value.value:  # pip downloads `-r https://…` itself at build time
                files.append(
                    RequirementsFile(
                        value.value, None, "not-from-context", f"'{value.value}' is a URL pip downloads at build time", constraint
                    )
                )
                continue
            if not value.value.startswith("/") and command.cwd is None:
                files.append(
                    RequirementsFile(
                        value.value, None, "unresolved", "the working directory depends on an unknown variable", constraint
                    )
                )
                continue
            files.append(resolve(_image_path(value.value, command.cwd), constraint))
    if verb == "sync" and manager == "uv":
        for word in operands:
            if word.value is not None:
                files.append(resolve(_image_path(word.value, command.cwd), False))
        packages = []
    return [PackageOp(manager, verb, tuple(packages), frozenset(flags), command, program, verb_word, tuple(files))]


def _image_path(path: str, cwd: str | None) -> str:
    if path.startswith("/"):
        return posixpath.normpath(path)
    from dflint.model import BASE_WORKDIR

    return posixpath.normpath(posixpath.join(cwd or BASE_WORKDIR, path))


def _conda(command: ShellCommand, name: str, words: list[Word], resolve: Resolver) -> list[PackageOp]:
    options = _VALUE_OPTIONS["conda"]
    at = _verb_index(words, options)
    if at is None:
        return []
    verb_word = words[at]
    sub = verb_word.value or ""
    rest = words[at + 1 :]
    if sub == "env":  # conda env create -f environment.yml / conda env update
        inner = _verb_index(rest, options)
        if inner is None:
            return []
        sub = rest[inner].value or ""
        rest = rest[:inner] + rest[inner + 1 :]
    verb = _CONDA_VERBS.get(sub, "other")
    operands, flags, valued = _split(rest, options)
    packages = tuple(conda_requirement(word) for word in operands) if verb in ("install", "remove", "upgrade") else ()
    files = tuple(
        resolve(_image_path(value.value, command.cwd), False)
        for option, value in valued
        if option in ("--file", "-f") and value is not None and value.value is not None and value.value.endswith(".txt")
    )
    return [PackageOp("conda", verb, packages, frozenset(flags), command, name, verb_word, files)]


def _other(command: ShellCommand, name: str, words: list[Word]) -> list[PackageOp]:
    options = _VALUE_OPTIONS.get(name, set())
    at = _verb_index(words, options)
    if at is None:
        verb = "install" if name == "yarn" else ""
        if not verb:
            return []
        verb_word = None
        rest = words
    else:
        verb_word = words[at]
        rest = words[:at] + words[at + 1 :]
        text = verb_word.value or ""
        verb = {
            "install": "install",
            "i": "install",
            "add": "install",
            "ci": "install",
            "sync": "sync",
            "remove": "remove",
            "uninstall": "remove",
            "rm": "remove",
            "update": "upgrade",
            "upgrade": "upgrade",
        }.get(text, "clean" if text == "cache" else "other")
    operands, flags, _ = _split(rest, options)
    if name == "pipx" or (name == "pipenv" and verb == "install"):
        packages = tuple(pip_requirement(word) for word in operands)
    else:
        packages = (
            tuple(Requirement(w.value, w.value, kind="name", span=w.span) for w in operands)
            if verb in ("install", "remove")
            else ()
        )
    return [PackageOp(name, verb, packages, frozenset(flags), command, name, verb_word)]


# -- requirement strings --------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """PEP 503 normalisation: `Opencv_Python` → `opencv-python`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_requirement(word: Word) -> Requirement:
    if word.value is None:
        named = _named_with_unknown_version(word)
        if named is not None:
            return named
    return parse_pip_requirement(word.value, span=word.span)


# `"ludwig[full]==${LUDWIG_VERSION}"`: the name is written, only the version comes from a variable
_NAME_WITH_VARIABLE_VERSION = re.compile(
    r"""["']?([A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9._,\s-]*\])?\s*(?:===?|~=|>=|<=|!=|<|>)\s*\$\{?[A-Za-z_][A-Za-z0-9_]*\}?["']?"""
)


def _named_with_unknown_version(word: Word) -> Requirement | None:
    """A requirement whose name is written and whose version is one unresolved variable: the package
    is known, whether it is pinned is not."""
    match = _NAME_WITH_VARIABLE_VERSION.fullmatch(word.text)
    if match is None:
        return None
    extras = tuple(e.strip().lower() for e in match.group(2)[1:-1].split(",") if e.strip()) if match.group(2) else ()
    return Requirement(normalise_name(match.group(1)), None, "", extras, "name", None, word.span)


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a requirement is written: its span in the Dockerfile, or its requirements file and line."""

    span: Span | None
    file: str | None
    line: int | None

    def requirement(
        self,
        name: str | None,
        raw: str | None,
        spec: str = "",
        extras: tuple[str, ...] = (),
        kind: str = "name",
        pinned: bool | None = None,
    ) -> Requirement:
        return Requirement(name, raw, spec, extras, kind, pinned, self.span, self.file, self.line)


def parse_pip_requirement(
    text: str | None, span: Span | None = None, file: str | None = None, line: int | None = None
) -> Requirement:
    """A pip requirement (PEP 508, a path, a URL or a VCS reference) with whether it is pinned."""
    where = _Where(span, file, line)
    if text is None:
        return where.requirement(None, None, kind="unknown", pinned=None)
    raw = text.strip()
    if "$" in raw:
        return where.requirement(None, raw, kind="unknown", pinned=None)
    lowered = raw.lower()
    vcs = re.match(r"(?:([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*@\s*)?(git|hg|svn|bzr)\+", raw)
    if vcs:
        reference = raw.split("#", 1)[0]
        commit = reference.rsplit("@", 1)[-1] if reference.count("@") >= (2 if vcs.group(1) else 1) else ""
        name = vcs.group(1) or _egg(raw)
        return where.requirement(
            normalise_name(name) if name else None,
            raw,
            extras=_extras(vcs.group(2)),
            kind="vcs",
            pinned=bool(_FULL_COMMIT.fullmatch(commit) or _RELEASE_TAG.fullmatch(commit)),
        )
    if "://" in raw or raw.startswith((".", "/", "~")) or lowered.endswith((".whl", ".tar.gz", ".zip", ".tar.bz2")):
        direct = re.match(r"([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*@", raw)  # `name[extras] @ url` (PEP 508)
        name_part = direct.group(1) if direct else None
        if (
            "://" in raw
            and not lowered.split("#")[0].endswith((".whl", ".tar.gz", ".zip", ".tar.bz2"))
            and "#sha256=" not in lowered
        ):
            extras = _extras(direct.group(2)) if direct else ()
            return where.requirement(
                normalise_name(name_part) if name_part else None, raw, extras=extras, kind="url", pinned=False
            )
        name = name_part or _wheel_name(raw)
        extras = _extras(direct.group(2)) if direct else ()
        kind = "url" if "://" in raw else "path"
        return where.requirement(normalise_name(name) if name else None, raw, extras=extras, kind=kind, pinned=True)
    parsed = _parse_pep508(raw)
    if parsed is None:
        return where.requirement(None, raw, kind="unknown", pinned=None)
    name, extras, specifier = parsed
    return where.requirement(name, raw, specifier, extras, "name", is_exact_pin(specifier))


def _extras(written: str | None) -> tuple[str, ...]:
    """`[torch,st]` → ("st", "torch")."""
    return tuple(sorted(extra.strip() for extra in (written or "").strip("[]").split(",") if extra.strip()))


def is_exact_pin(specifier: str) -> bool:
    """`==1.2.3` or `===x`: one version. `==1.*`, ranges and several clauses are not pins."""
    clauses = [clause.strip() for clause in specifier.split(",") if clause.strip()]
    if len(clauses) != 1:
        return False
    clause = clauses[0]
    if clause.startswith("==="):
        return True
    return clause.startswith("==") and "*" not in clause


@lru_cache(maxsize=4096)
def _parse_pep508(text: str) -> tuple[str, tuple[str, ...], str] | None:
    simple = _SIMPLE_PIN.fullmatch(text)
    if simple:
        extras = _extras(simple.group(2))
        specifier = f"{simple.group(3)}{simple.group(4)}" if simple.group(3) else ""
        return normalise_name(simple.group(1)), extras, specifier
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as Pep508

    try:
        requirement = Pep508(text)
    except InvalidRequirement:
        return None
    if requirement.url:
        return None
    return normalise_name(requirement.name), tuple(sorted(requirement.extras)), str(requirement.specifier)


def _egg(text: str) -> str | None:
    match = re.search(r"#egg=([A-Za-z0-9._-]+)", text)
    return match.group(1) if match else None


def _wheel_name(text: str) -> str | None:
    base = text.rstrip("/").rsplit("/", 1)[-1]
    if base.endswith(".whl"):
        return base.split("-", 1)[0]
    return None


def conda_requirement(word: Word) -> Requirement:
    """`numpy=1.26`, `numpy==1.26.4`, `conda-forge::numpy=1.26.4=py311h…`, `"numpy>=1.26"`."""
    text = word.value
    if text is None or "$" in text:
        return Requirement(None, text, kind="unknown", pinned=None, span=word.span)
    spec_text = text.split("::", 1)[-1]
    match = re.match(r"([A-Za-z0-9._-]+)\s*(.*)", spec_text)
    if not match:
        return Requirement(None, text, kind="unknown", pinned=None, span=word.span)
    name, spec = match.group(1), match.group(2).strip()
    pinned = bool(re.fullmatch(r"==?[^=<>!~*,|\s]+(=[^=\s]+)?", spec)) and "*" not in spec
    if spec.startswith("=") and not spec.startswith("==") and re.fullmatch(r"=[^=]+", spec):
        pinned = False  # `numpy=1.26` is fuzzy (1.26.*) in conda's match spec
    return Requirement(name.lower(), text, spec, (), "name", pinned, word.span)


def _apt_requirement(word: Word) -> Requirement:
    text = word.value
    if text is None or "$" in text:
        # `intel-deep-learning-essentials=${DL_ESSENTIALS_VER}`: the package is known, its version is not
        match = re.fullmatch(r"([a-z0-9][a-z0-9+.-]+)=\S*\$\S*", word.text.strip("\"'"))
        if match is not None:
            return Requirement(match.group(1), text, kind="name", pinned=None, span=word.span)
        return Requirement(None, text, kind="unknown", pinned=None, span=word.span)
    if text.endswith(".deb") or text.startswith(("/", "./")):
        return Requirement(posixpath.basename(text).split("_", 1)[0], text, kind="path", pinned=True, span=word.span)
    name, _, version = text.partition("=")
    name = name.split("/", 1)[0].split(":", 1)[0]
    return Requirement(name.lower(), text, f"={version}" if version else "", (), "name", bool(version), word.span)


def _apk_requirement(word: Word) -> Requirement:
    text = word.value
    if text is None or "$" in text:
        return Requirement(None, text, kind="unknown", pinned=None, span=word.span)
    match = re.match(r"([^=<>~]+)(.*)", text)
    name, spec = (match.group(1), match.group(2)) if match else (text, "")
    return Requirement(name.lower(), text, spec, (), "name", spec.startswith("="), word.span)


def _rpm_requirement(word: Word) -> Requirement:
    text = word.value
    if text is None or "$" in text:
        return Requirement(None, text, kind="unknown", pinned=None, span=word.span)
    if text.endswith(".rpm") or "://" in text:
        return Requirement(posixpath.basename(text), text, kind="path", pinned=True, span=word.span)
    match = re.match(r"(.+?)-(\d[\w.+~^]*(?:-[\w.+~^]+)?)$", text)
    if match and not text.startswith("@"):
        return Requirement(match.group(1).lower(), text, f"-{match.group(2)}", (), "name", True, word.span)
    return Requirement(text.lower(), text, "", (), "group" if text.startswith("@") else "name", False, word.span)


# -- requirements files ----------------------------------------------------------------------------


def parse_requirements_text(text: str, file: str) -> tuple[list[Requirement], list[tuple[str, bool, int]]]:
    """Requirement lines and nested `-r`/`-c` includes (path, is_constraint, line). Each requirement
    keeps the comments its author wrote about it: on its lines, and the comment lines right above it."""
    requirements: list[Requirement] = []
    includes: list[tuple[str, bool, int]] = []
    logical = ""
    start_line = 0
    above: list[str] = []  # comment lines since the last entry or blank line
    said: list[str] = []  # the comments about the entry being read
    for number, line in enumerate(text.splitlines(), start=1):
        comment = re.search(r"(?:^|\s)#(.*)$", line)
        stripped = re.sub(r"(^|\s)#.*$", "", line).rstrip()
        if not logical:
            start_line = number
            if not stripped.strip():  # a comment line or a blank one, between entries
                above = [*above, comment.group(1).strip()] if comment is not None else []
                continue
            said, above = above, []
        if comment is not None:
            said = [*said, comment.group(1).strip()]
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        logical = (logical + stripped).strip()
        if not logical:
            continue
        entry, logical = logical, ""
        note = " ".join(part for part in said if part)
        option = re.match(r"(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)", entry)
        if option:
            includes.append((option.group(2), option.group(1) in ("-c", "--constraint"), start_line))
            continue
        if entry.startswith(("-e ", "--editable")):
            target = entry.split(None, 1)[1] if " " in entry else entry.split("=", 1)[-1]
            requirement = parse_pip_requirement(target, file=file, line=start_line)
            requirements.append(dataclasses.replace(requirement, comment=note) if note else requirement)
            continue
        if entry.startswith("-"):
            continue  # --index-url, --find-links, --pre …
        hashed = "--hash" in entry
        requirement_text = entry.split(" --", 1)[0].strip()
        requirement = parse_pip_requirement(requirement_text, file=file, line=start_line)
        if hashed and requirement.kind == "name":
            requirement = dataclasses.replace(requirement, pinned=True, span=None, file=file, file_line=start_line)
        requirements.append(dataclasses.replace(requirement, comment=note) if note else requirement)
    return requirements, includes
