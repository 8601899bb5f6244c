"""Docker Compose files: lint each service's Dockerfile as the service builds it.

`dflint compose.yaml` reads `services.*.build` (a context string, or a mapping with `context`,
`dockerfile`, `dockerfile_inline`, `target` and `args`) with `safe_yaml.parse` (the safe
loader, aliases and nesting bounded), interpolates
variables by Compose's rules (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
`${VAR:+alt}`, `${VAR+alt}`, `${VAR:?error}`, `${VAR?error}`, nesting in defaults, `$$` for a
dollar) from the environment and the project's `.env` file (the environment wins, as in Compose),
and yields one `Service` per local build. A service's `env_file:` is not read: Compose uses it
for the container's environment, never to interpolate the compose file. Services with only an `image`, or a remote (URL or git) context, are
skipped. A missing Dockerfile, a context outside the compose project directory, or an unreadable
compose file is an `InputError` pointing at the compose file's line.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from dflint import safe_yaml
from dflint.reading import inside
from dflint.source import InputError, excerpt, text_line

COMPOSE_PATTERNS = (
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
    "compose.*.yaml",
    "compose.*.yml",
    "docker-compose.*.yaml",
    "docker-compose.*.yml",
)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)


def is_compose_file(path: str) -> bool:
    name = os.path.basename(path)
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in COMPOSE_PATTERNS)


@dataclass(frozen=True, slots=True)
class Inline:
    """Where a `dockerfile_inline` block sits in the compose file, to map findings back onto it."""

    line: int  # 1-based compose line of the Dockerfile's first line
    indent: int  # columns to add; 0 with `exact` False means "point at the value's start"
    exact: bool  # a literal block (`|`): lines and columns map one to one


@dataclass(frozen=True, slots=True)
class Service:
    """A compose service that builds an image: its context, Dockerfile or inline text, target and arguments."""

    name: str
    compose_path: str
    context: str  # absolute
    dockerfile: str | None  # absolute path, or None for `dockerfile_inline`
    inline_text: str | None = None
    inline: Inline | None = None
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    line: int = 1  # the compose file's line of the service's `build` key


class InterpolationError(ValueError):
    """`${VAR:?message}` (or `${VAR?message}`) with VAR missing: Compose stops with the message."""


def interpolate(value: str, environ: Mapping[str, str]) -> str | None:
    """Compose-style interpolation; None when a variable is unset and has no default. Raises
    InterpolationError for a required variable (`${V:?err}`, `${V?err}`) that is missing."""
    result, unresolved = _interpolate(value, environ)
    return None if unresolved else result


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _interpolate(value: str, environ: Mapping[str, str]) -> tuple[str, bool]:
    out: list[str] = []
    unresolved = False
    i = 0
    while i < len(value):
        char = value[i]
        if char != "$" or i + 1 == len(value):
            out.append(char)
            i += 1
            continue
        following = value[i + 1]
        if following == "$":
            out.append("$")
            i += 2
            continue
        if following != "{":
            name = _NAME.match(value, i + 1)
            if name is None:
                out.append("$")
                i += 1
                continue
            if name.group() in environ:
                out.append(environ[name.group()])
            else:
                unresolved = True
            i = name.end()
            continue
        close = _closing_brace(value, i + 2)
        if close is None:  # `${` never closed: Compose rejects it; nothing here can be trusted
            return value, True
        text, missing = _braced(value[i + 2 : close], environ)
        out.append(text)
        unresolved = unresolved or missing
        i = close + 1
    return "".join(out), unresolved


def _closing_brace(value: str, start: int) -> int | None:
    depth = 0
    i = start
    while i < len(value):
        if value.startswith("${", i):
            depth += 1
            i += 2
            continue
        if value[i] == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return None


def _braced(body: str, environ: Mapping[str, str]) -> tuple[str, bool]:
    """The inside of `${…}`: a name, then nothing or an operator and its word."""
    name = _NAME.match(body)
    if name is None:
        return "", True
    rest = body[name.end() :]
    current = environ.get(name.group())
    if not rest:
        return (current, False) if current is not None else ("", True)
    for op in (":-", ":?", ":+", "-", "?", "+"):
        if rest.startswith(op):
            word = rest[len(op) :]
            break
    else:
        return "", True  # `${VAR/x/y}` and the like: not Compose syntax
    empty_counts = op.startswith(":")
    missing = current is None or (empty_counts and current == "")
    if op.endswith("-"):
        return _interpolate(word, environ) if missing else (current or "", False)
    if op.endswith("+"):
        return _interpolate(word, environ) if not missing else ("", False)
    if missing:
        message, _ = _interpolate(word, environ)
        raise InterpolationError(
            f"required variable {name.group()} is {'unset' if current is None else 'empty'}" + (f": {message}" if message else "")
        )
    return current or "", False


MAX_ENV_FILE = 1_000_000  # bytes read from a .env file


def read_env_file(path: str, environ: Mapping[str, str], *, required: bool = False) -> dict[str, str]:
    """A Compose `.env` file: `NAME=value` lines (`export ` allowed, `#` comments), values
    unquoted (interpolated, ` #…` comment cut), in single quotes (literal) or double quotes
    (interpolated, `\\n` `\\"` escapes). A variable may use the ones above it and `environ`.
    A file that cannot be read gives nothing, or with `required` (`--env-file`) an EnvFileError."""
    from dflint.reading import ReadError, read_file

    try:  # a regular file in the compose project only (a `.env` linked to a secret is not read)
        data = read_file(path, limit=MAX_ENV_FILE, boundary=os.path.dirname(os.path.abspath(path)), what="the .env file").data
    except ReadError as error:
        if required:
            raise EnvFileError(path, "no such file" if error.status == "missing" else error.reason) from None
        return {}
    text = data.decode("utf-8", errors="replace")
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        name, equals, rest = line.partition("=")
        name = name.strip()
        if not equals or not _NAME.fullmatch(name):
            continue
        rest = rest.strip()
        scope = {**values, **environ}
        if rest[:1] == "'" and rest.rfind("'") > 0:
            values[name] = rest[1 : rest.rfind("'")]
        elif rest[:1] == '"' and rest.rfind('"') > 0:
            inner = rest[1 : rest.rfind('"')]
            inner = inner.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
            values[name] = _interpolate(inner, scope)[0]
        else:
            value = re.split(r"\s+#", rest, maxsplit=1)[0].strip()
            values[name] = _interpolate(value, scope)[0]
    return values


class EnvFileError(ValueError):
    """An `--env-file` that cannot be read (Compose stops too)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason


def project_environment(project: str, environ: Mapping[str, str], env_files: Sequence[str] | None = None) -> dict[str, str]:
    """What Compose interpolates with: the project's `.env` (or, as `docker compose --env-file`,
    the files given, later ones winning), overridden by the environment."""
    if env_files:
        values: dict[str, str] = {}
        for env_file in env_files:
            values.update(read_env_file(env_file, {**values, **environ}, required=True))
        return {**values, **environ}
    return {**read_env_file(os.path.join(project, ".env"), environ), **environ}


def services(
    path: str, environ: Mapping[str, str] | None = None, *, text: str | None = None, env_files: Sequence[str] | None = None
) -> Iterator[Service | InputError]:
    """Each service with a local build, or an InputError for a problem in the compose file.
    `text` is the compose file's content when it is already in memory (an editor's buffer)."""
    import yaml

    project = os.path.dirname(os.path.abspath(path))
    from dflint.config import MAX_CONFIG_BYTES, yaml_problem
    from dflint.reading import ReadError, read_file

    try:
        environ = project_environment(project, os.environ if environ is None else environ, env_files)
    except EnvFileError as error:
        yield InputError(error.path, 1, f"cannot read the env file: {error.reason}")
        return
    if text is None:
        try:
            text = read_file(path, limit=MAX_CONFIG_BYTES, what="the compose file").data.decode("utf-8-sig")
        except ReadError as error:
            yield InputError(path, 1, "no such file or directory" if error.status == "missing" else error.reason)
            return
        except UnicodeDecodeError as error:
            yield InputError(path, text_line(error), "the compose file is not UTF-8 text")
            return
    try:
        data, root = safe_yaml.parse(text)
    except yaml.YAMLError as error:
        line, problem = yaml_problem(error)  # no text of an unparsable file is quoted
        yield InputError(path, line, f"invalid YAML in the compose file: {problem}")
        return
    found = data.get("services") if isinstance(data, dict) else None
    if not isinstance(found, dict):
        yield InputError(path, 1, "not a compose file: no `services` mapping")
        return
    for name, service in found.items():
        if not isinstance(service, dict) or service.get("build") is None:
            continue
        try:
            item = _service(path, project, str(name), service["build"], root, text, environ)
        except InterpolationError as error:
            item = InputError(path, _line(root, "services", str(name), "build"), f"service '{name}': {error}")
        if item is not None:
            yield item


def _node(root: Any, *keys: str) -> Any:
    import yaml

    current = root
    for key in keys:
        if not isinstance(current, yaml.MappingNode):
            return current
        for key_node, value_node in current.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                current = value_node
                break
        else:
            return current
    return current


def _line(root: Any, *keys: str) -> int:
    node = _node(root, *keys)
    return int(node.start_mark.line) + 1 if node is not None else 1


def _service(
    path: str, project: str, name: str, build: Any, root: Any, text: str, environ: Mapping[str, str]
) -> Service | InputError | None:
    where = ("services", name, "build")
    spec: dict[str, Any] = {"context": build} if isinstance(build, str) else build if isinstance(build, dict) else {}
    if not isinstance(build, (str, dict)):
        return InputError(path, _line(root, *where), f"service '{name}': `build` must be a path or a mapping")
    raw_context = str(spec.get("context", "."))
    context_value = interpolate(raw_context, environ)
    if context_value is None:
        return InputError(
            path,
            _line(root, *where, "context"),
            f"service '{name}': build context '{raw_context}' uses a variable that is not set",
        )
    if _REMOTE.match(context_value):
        return None  # a remote context cannot be read here: the service is skipped
    context = os.path.normpath(os.path.join(project, context_value))
    real_project = os.path.realpath(project)
    real_context = os.path.realpath(context)
    if not inside(real_context, real_project):
        return InputError(
            path,
            _line(root, *where, "context") if isinstance(build, dict) else _line(root, *where),
            f"service '{name}': build context '{context_value}' is outside the compose project directory; not linted",
        )
    if not os.path.isdir(context):
        return InputError(
            path,
            _line(root, *where, "context") if isinstance(build, dict) else _line(root, *where),
            f"service '{name}': build context '{context_value}' is not a directory",
        )
    args = _args(spec.get("args"), environ)
    target = interpolate(str(spec["target"]), environ) if spec.get("target") is not None else None
    if "dockerfile_inline" in spec:
        inline_text = str(spec["dockerfile_inline"])
        return Service(
            name,
            path,
            context,
            None,
            inline_text,
            _inline(root, text, *where, "dockerfile_inline"),
            target,
            MappingProxyType(args),
            _line(root, *where),
        )
    raw_dockerfile = str(spec.get("dockerfile", "Dockerfile"))
    dockerfile_value = interpolate(raw_dockerfile, environ)
    if dockerfile_value is None:
        return InputError(
            path,
            _line(root, *where, "dockerfile"),
            f"service '{name}': dockerfile '{raw_dockerfile}' uses a variable that is not set",
        )
    dockerfile = os.path.normpath(os.path.join(context, dockerfile_value))
    if not inside(os.path.realpath(dockerfile), real_project):
        return InputError(
            path,
            _line(root, *where, "dockerfile") if "dockerfile" in spec else _line(root, *where),
            f"service '{name}': Dockerfile '{excerpt(dockerfile_value, 200)}' is outside the compose project directory; not linted",
        )
    if not os.path.isfile(dockerfile):
        line = _line(root, *where, "dockerfile") if "dockerfile" in spec else _line(root, *where)
        shown = os.path.relpath(dockerfile, project)
        return InputError(
            path,
            line,
            f"service '{name}': Dockerfile '{shown}' not found (`dockerfile` is relative to the build context '{context_value}')",
        )
    return Service(name, path, context, dockerfile, None, None, target, MappingProxyType(args), _line(root, *where))


def _args(args: Any, environ: Mapping[str, str]) -> dict[str, str]:
    """`args:` as a mapping or a list of `NAME=VALUE` / `NAME`; a value-less name comes from the
    environment, and an unset one stays unknown (left out)."""
    pairs: list[tuple[str, Any]] = []
    if isinstance(args, dict):
        pairs = [(str(key), value) for key, value in args.items()]
    elif isinstance(args, list):
        for item in args:
            name, equals, value = str(item).partition("=")
            pairs.append((name, value if equals else None))
    result: dict[str, str] = {}
    for name, value in pairs:
        if value is None:
            if name in environ:
                result[name] = environ[name]
            continue
        text = str(value).lower() if isinstance(value, bool) else str(value)
        resolved = interpolate(text, environ)
        if resolved is not None:
            result[name] = resolved
    return result


def _inline(root: Any, text: str, *keys: str) -> Inline:
    node = _node(root, *keys)
    if node is None:
        return Inline(1, 0, False)
    if getattr(node, "style", None) == "|":
        lines = text.splitlines()
        first = int(node.start_mark.line) + 1  # 0-based index of the block's first content line
        content = next((lines[n] for n in range(first, len(lines)) if lines[n].strip()), "")
        return Inline(first + 1, len(content) - len(content.lstrip(" ")), True)
    return Inline(int(node.start_mark.line) + 1, int(node.start_mark.column), False)
