"""What a project's own files in the build context say, for the rules that advise on how it is
installed and run: the scripts a `package.json` runs when its dependencies are installed, and the
settings of a Java properties file (TorchServe's `config.properties`).

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


def install_scripts(dockerfile: Dockerfile, relative: str) -> tuple[str, ...] | None:
    """The install scripts (`postinstall` …) the `package.json` at `relative` in the build context
    declares, in `INSTALL_SCRIPTS` order; None when the file cannot be read (no context, missing, not
    JSON, outside the context). Read once per file and path."""
    key = ("package.json install scripts", relative)
    if key not in dockerfile.memo:
        dockerfile.memo[key] = _read_install_scripts(dockerfile.context_dir, relative)
    return cast("tuple[str, ...] | None", dockerfile.memo[key])


def _read_install_scripts(context_dir: str | None, relative: str) -> tuple[str, ...] | None:
    if context_dir is None:
        return None
    import json

    from dflint.context import BuildContext, ContextError

    try:
        manifest = json.loads(BuildContext.at(context_dir).read_text(relative))
    except (ContextError, ValueError, RecursionError):
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
    if context_dir is None:
        return None
    import re

    from dflint.context import BuildContext, ContextError

    try:
        text = BuildContext.at(context_dir).read_text(relative)
    except ContextError:
        return None
    settings: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        parts = re.split(r"\s*[=:]\s*|\s+", line, maxsplit=1)
        settings[parts[0]] = parts[1].strip() if len(parts) > 1 else ""
    return settings
