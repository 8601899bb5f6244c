"""The build invocation checked against the Dockerfile, as `docker build` would: a `--target` (or a
compose service's `target`) that names no stage is an error (the build would fail); a
`--build-arg` that no ARG declares is a warning (BuildKit's "build-args were not consumed")."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from dflint.model import Dockerfile
from dflint.source import InputError


@cache
def known_build_args() -> frozenset[str]:
    """Arguments Docker and BuildKit accept without an ARG (`dflint/data/build_args.json`)."""
    from dflint.data import load

    data = load("build_args")
    return frozenset(data["predefined"]) | frozenset(data["buildkit"])


def _hint(word: str, candidates: Iterable[str]) -> str:
    import difflib  # only for a mistyped name: kept off the start-up path

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def unknown_target(dockerfile: Dockerfile, target: str | None) -> InputError | None:
    if not target or not dockerfile.stages or dockerfile.stage_by_key(target) is not None:
        return None
    names = [stage.name for stage in dockerfile.stages if stage.name]
    known = f"; its stages: {', '.join(names)}" if names else "; no stage has a name (FROM … AS name)"
    return InputError(dockerfile.path, 1, f"target stage '{target}' not found{_hint(target, names)}{known}")


def declared_args(dockerfile: Dockerfile) -> frozenset[str]:
    """Every name an ARG declares, before the first FROM or in a stage."""
    return frozenset(
        pair.key for instruction in dockerfile.instructions if instruction.keyword == "ARG" for pair in instruction.pairs
    )


def unused_build_args(dockerfile: Dockerfile, names: Iterable[str]) -> list[InputError]:
    declared = declared_args(dockerfile)
    warnings: list[InputError] = []
    for name in sorted(set(names) - declared - known_build_args()):
        warnings.append(
            InputError(
                dockerfile.path,
                1,
                f"warning: build argument '{name}' is not declared by any ARG; the build ignores it{_hint(name, declared)}",
            )
        )
    return warnings
