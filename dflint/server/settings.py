"""What a client may set (`initializationOptions`, `workspace/didChangeConfiguration` or
`workspace/configuration`, section `dflint`), turned into the command line's `Overrides`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from dflint.config import Overrides

DEFAULT_DELAY_MS = 150  # how long typing must pause before a changed buffer is linted


class SettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ClientSettings:
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


def _codes(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SettingsError(f"`{key}` must be a list of rule codes, names or prefixes")
    return tuple(code.strip() for item in value for code in item.split(",") if code.strip())


def parse(raw: Any) -> ClientSettings:
    """Settings from the client's JSON (`{"dflint": {...}}` or the inner object); unknown keys are
    ignored, wrong types raise SettingsError."""
    if raw is None:
        return ClientSettings()
    if isinstance(raw, Mapping) and isinstance(raw.get("dflint"), Mapping):
        raw = raw["dflint"]
    if not isinstance(raw, Mapping):
        raise SettingsError("settings must be an object")
    kwargs: dict[str, Any] = {}
    if raw.get("select") is not None:
        kwargs["select"] = _codes(raw["select"], "select") or None
    for key, name in (("extendSelect", "extend_select"), ("ignore", "ignore")):
        if raw.get(key) is not None:
            kwargs[name] = _codes(raw[key], key)
    for key, name in (("target", "target"), ("config", "config")):
        if raw.get(key) is not None:
            if not isinstance(raw[key], str):
                raise SettingsError(f"`{key}` must be a string")
            kwargs[name] = raw[key] or None
    if raw.get("buildArgs") is not None:
        args = raw["buildArgs"]
        if not isinstance(args, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in args.items()):
            raise SettingsError("`buildArgs` must map names to string values")
        kwargs["build_args"] = MappingProxyType(dict(args))
    if raw.get("isolated") is not None:
        if not isinstance(raw["isolated"], bool):
            raise SettingsError("`isolated` must be true or false")
        kwargs["isolated"] = raw["isolated"]
    if raw.get("lintDelayMs") is not None:
        delay = raw["lintDelayMs"]
        if not isinstance(delay, int) or isinstance(delay, bool) or delay < 0:
            raise SettingsError("`lintDelayMs` must be a non-negative integer")
        kwargs["lint_delay_ms"] = delay
    return ClientSettings(**kwargs)
