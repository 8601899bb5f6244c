"""What a project's own files in the build context say, for the rules that advise on how it is
installed and run: the scripts a `package.json` runs when its dependencies are installed, the
settings of a Java properties file (TorchServe's `config.properties`), whether the build reads the
git history, and which requirements files are the Python package's own dependency list.

`npm ci`, `npm install` (without names), `yarn install` and `pnpm install` run the root project's
`preinstall`, `install`, `postinstall` and `prepare` scripts once the dependencies are in place
(npm's documentation: "npm install" and "npm ci" run these life-cycle scripts; yarn and pnpm do the
same). Such a script reads the project's files (`patch-package` its `patches/`, a workspace's
`postinstall` the other packages' folders), so an install that runs one needs more than the
manifest and its lock.

Files are read only through `context.BuildContext` (inside the context, regular files, bounded).
"""

from __future__ import annotations

from typing import cast

from dflint.model import Dockerfile

# the root project's scripts an install of its dependencies runs (npm-scripts: "Life Cycle Operation
# Order", npm ci and npm install; yarn and pnpm run the same ones)
INSTALL_SCRIPTS = ("preinstall", "install", "postinstall", "prepare")


def _context_text(context_dir: str | None, relative: str) -> str | None:
    """The text of a file in the build context (`context.BuildContext`: inside the context, a regular
    file, bounded), or None when there is no context or the file cannot be read."""
    if context_dir is None:
        return None
    from dflint.context import BuildContext, ContextError

    try:
        return BuildContext.at(context_dir).read_text(relative)
    except ContextError:
        return None


def install_scripts(dockerfile: Dockerfile, relative: str) -> tuple[str, ...] | None:
    """The install scripts (`postinstall` …) the `package.json` at `relative` in the build context
    declares, in `INSTALL_SCRIPTS` order; None when the file cannot be read (no context, missing, not
    JSON, outside the context). Read once per file and path."""
    key = ("package.json install scripts", relative)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _read_install_scripts(dockerfile.context_dir, relative)
    return cast("tuple[str, ...] | None", dockerfile.memo[key])


def _read_install_scripts(context_dir: str | None, relative: str) -> tuple[str, ...] | None:
    text = _context_text(context_dir, relative)
    if text is None:
        return None
    import json

    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError):
        return None
    scripts = manifest.get("scripts") if isinstance(manifest, dict) else None
    if not isinstance(scripts, dict):
        return ()
    return tuple(name for name in INSTALL_SCRIPTS if isinstance(scripts.get(name), str) and scripts[name].strip())


def properties(dockerfile: Dockerfile, relative: str) -> dict[str, str] | None:
    """The settings of a Java properties file at `relative` in the build context (`config.properties`,
    TorchServe's configuration: `key=value`, `key: value` or `key value`, `#` and `!` comments); None
    when the file cannot be read. Read once per file and path."""
    key = ("properties", relative)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _read_properties(dockerfile.context_dir, relative)
    return cast("dict[str, str] | None", dockerfile.memo[key])


def _read_properties(context_dir: str | None, relative: str) -> dict[str, str] | None:
    text = _context_text(context_dir, relative)
    if text is None:
        return None
    import re

    settings: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        parts = re.split(r"\s*[=:]\s*|\s+", line, maxsplit=1)
        settings[parts[0]] = parts[1].strip() if len(parts) > 1 else ""
    return settings


# what computes a Python project's version from its git history when it is built or installed
# (setuptools-scm, hatch-vcs, versioneer, versioningit, dunamai, pbr, poetry-/uv-dynamic-versioning)
_VCS_VERSIONING = r"setuptools[_-]scm|hatch-vcs|versioneer|versioningit|dunamai|\bpbr\b|dynamic-versioning"
_PYTHON_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
# a Makefile line that asks git about the history (`VERSION ?= $(shell git describe --tags)`)
_GIT_QUESTIONS = r"\bgit\s+(?:describe|rev-parse|rev-list|log|show|symbolic-ref|status|diff|tag|branch)\b"
_MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
# a Rust crate a build script uses to stamp the git commit (text-generation-inference's router: vergen)
_RUST_GIT_STAMPS = r'(?m)^name = "(?:vergen|vergen-git2|vergen-gitcl|vergen-gix|git-version|shadow-rs)"$'


def version_from_history(dockerfile: Dockerfile) -> str | None:
    """The file at the build context's root that makes the Python project's version come from its
    git history (a `[tool.setuptools_scm]` table, `hatch-vcs`, versioneer …), or None. Read once."""
    return _says(dockerfile, "version from history", _PYTHON_PROJECT_FILES, _VCS_VERSIONING)


def makefile_asks_git(dockerfile: Dockerfile) -> str | None:
    """The Makefile at the build context's root when it runs git to read the history (`git
    describe`, `git rev-parse HEAD`), or None. Read once."""
    return _says(dockerfile, "makefile asks git", _MAKEFILES, _GIT_QUESTIONS)


def cargo_stamps_git(dockerfile: Dockerfile) -> str | None:
    """`Cargo.lock` at the build context's root when it locks a crate that stamps the git commit
    into the build (`vergen`, `git-version`, `shadow-rs`), or None. Read once."""
    return _says(dockerfile, "cargo stamps git", ("Cargo.lock",), _RUST_GIT_STAMPS)


def _says(dockerfile: Dockerfile, what: str, names: tuple[str, ...], pattern: str) -> str | None:
    key = (what, None)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _first_saying(dockerfile.context_dir, names, pattern)
    return cast("str | None", dockerfile.memo[key])


def _first_saying(context_dir: str | None, names: tuple[str, ...], pattern: str) -> str | None:
    import re

    return next((name for name in names if re.search(pattern, _context_text(context_dir, name) or "")), None)


# a quoted path of a requirements file in a packaging file (`"requirements/_requirements.txt"` in
# setup.py, `dependencies = {file = ["requirements.txt"]}` in pyproject.toml, `file: requirements.txt`
# in setup.cfg)
_REQUIREMENTS_PATH = r"""(?:[fF]?["']|\bfile:\s*)((?:[\w.{}()-]+/)*[\w.{}()-]+\.(?:txt|in))\b"""
_PACKAGING_FILES = ("setup.py", "pyproject.toml", "setup.cfg")


def package_requirements(dockerfile: Dockerfile) -> frozenset[str]:
    """The requirements files (paths in the build context, or `fnmatch` patterns for an f-string's
    placeholders: `f'requirements/runtime_{device}.txt'` is `requirements/runtime_*.txt`, lmdeploy)
    that the Python project at the context's root reads as its own dependencies: named in its
    `setup.py` (`install_requires=read_requirements("requirements/_requirements.txt", …)`, Roboflow
    Inference), `pyproject.toml` (setuptools' `dependencies = {file = [...]}`) or `setup.cfg`
    (`install_requires = file: …`). A package's dependency list holds ranges on purpose; an image
    installed from it is pinned with a constraints file. Read once per model."""
    key = ("package requirements", None)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _read_package_requirements(dockerfile.context_dir)
    return cast("frozenset[str]", dockerfile.memo[key])


def _read_package_requirements(context_dir: str | None) -> frozenset[str]:
    import posixpath
    import re

    found: set[str] = set()
    for name in _PACKAGING_FILES:
        text = _context_text(context_dir, name)
        if text is None:
            continue
        found.update(
            posixpath.normpath(re.sub(r"\{[^{}]*\}", "*", path))
            for path in re.findall(_REQUIREMENTS_PATH, text)
            if "requirement" in path.lower()
        )
    return frozenset(found)


def is_package_requirements(dockerfile: Dockerfile, path: str | None) -> bool:
    """Whether a requirements file (a path in the build context) is the project's own dependency
    list (`package_requirements`)."""
    import fnmatch

    return path is not None and any(fnmatch.fnmatchcase(path, pattern) for pattern in package_requirements(dockerfile))


# a Python launcher that starts its servers through a shell, some in the background (`os.system("redis-server
# & celery worker & gunicorn app && fg")`, Roboflow Inference's parallel entrypoint)
_BACKGROUND_LAUNCH = r"""(?s)\b(?:os\.system|subprocess\.(?:run|call|Popen|check_call))\s*\((?:(?!\n\S).){0,4000}?[^&]&(?!&)"""


def background_launcher(dockerfile: Dockerfile, relative: str) -> bool:
    """Whether the Python script at `relative` in the build context starts processes in the background
    through a shell (`os.system("a & b & c && fg")`): as PID 1 it has no SIGTERM handler, and the exec
    form would not get the signal to the servers either. Read once per script and model."""
    key = ("background launcher", relative)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _launches_in_background(dockerfile.context_dir, relative)
    return cast("bool", dockerfile.memo[key])


def _launches_in_background(context_dir: str | None, relative: str) -> bool:
    import re

    text = _context_text(context_dir, relative)
    return text is not None and re.search(_BACKGROUND_LAUNCH, text) is not None
