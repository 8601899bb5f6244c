"""What a client may set (`initializationOptions`, `workspace/didChangeConfiguration` or
`workspace/configuration`, section `dflint`), turned into the command line's `Overrides`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from dflint.config import Overrides

DEFAULT_DELAY_MS = 150  # how long typing must pause before a changed buffer is linted


class SettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """What the client's settings (`initializationOptions`, `workspace/didChangeConfiguration`) set."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    config: str | None = None
    isolated: bool = False
    lint_delay_ms: int = DEFAULT_DELAY_MS

    def overrides(self) -> Overrides:
        return Overrides(
            select=self.select,
            extend_select=self.extend_select,
            ignore=self.ignore,
            target=self.target,
            build_args=self.build_args,
            config=self.config,
            isolated=self.isolated,
        )


def _codes(value: object, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise SettingsError(f"`{key}` must be a list of rule codes, names or prefixes")
    return tuple(code.strip() for item in items for code in item.split(",") if code.strip())


def _text(raw: Mapping[str, object], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise SettingsError(f"`{key}` must be a string")
    return value or None


def parse(raw: object) -> ClientSettings:
    """Settings from the client's JSON (`{"dflint": {...}}` or the inner object); unknown keys are
    ignored, wrong types raise SettingsError."""
    if raw is None:
        return ClientSettings()
    if isinstance(raw, Mapping) and isinstance(raw.get("dflint"), Mapping):
        raw = raw["dflint"]
    if not isinstance(raw, Mapping):
        raise SettingsError("settings must be an object")
    defaults = ClientSettings()
    select = _codes(raw["select"], "select") or None if raw.get("select") is not None else defaults.select
    extend_select = _codes(raw["extendSelect"], "extendSelect") if raw.get("extendSelect") is not None else ()
    ignore = _codes(raw["ignore"], "ignore") if raw.get("ignore") is not None else ()
    build_args = defaults.build_args
    if raw.get("buildArgs") is not None:
        args = raw["buildArgs"]
        if not isinstance(args, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in args.items()):
            raise SettingsError("`buildArgs` must map names to string values")
        build_args = MappingProxyType(dict(args))
    isolated = raw.get("isolated")
    if isolated is not None and not isinstance(isolated, bool):
        raise SettingsError("`isolated` must be true or false")
    delay = raw.get("lintDelayMs")
    if delay is not None and (not isinstance(delay, int) or isinstance(delay, bool) or delay < 0):
        raise SettingsError("`lintDelayMs` must be a non-negative integer")
    return ClientSettings(
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        target=_text(raw, "target"),
        build_args=build_args,
        config=_text(raw, "config"),
        isolated=bool(isolated),
        lint_delay_ms=delay if isinstance(delay, int) else DEFAULT_DELAY_MS,
    )
