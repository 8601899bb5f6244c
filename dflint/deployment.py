"""How the repository runs the image it builds from this Dockerfile, where its own files say.

A compose file that builds the Dockerfile (found as for the build context: from the Dockerfile's
folder up to the repository root, `context_discovery.compose_services_building`) is how the project
runs it, and a service's `user:` is who the container runs as there, whatever the image's last USER
says (text-generation-webui's compose files run its images as `${APP_RUNTIME_UID:-6972}`). The
variables are filled in as Compose fills them: from the environment, else the default written.

`runs_as_non_root` is the evidence that every such service runs the image as a user other than root;
None when no compose file builds it, when one service sets no user (it runs as the image's), or when
a user is root or unknown (a variable with no value and no default). Read once per model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from dflint.model import Dockerfile


@dataclass(frozen=True, slots=True)
class ComposeRun:
    """A compose service that builds the Dockerfile, and the user it sets (None: none, or unknown)."""

    service: str
    compose_file: str  # as shown: relative to the repository's parent
    user: str | None

    def describe(self) -> str:
        return f"service '{self.service}' in {self.compose_file} runs it as `{self.user}`"


def compose_runs(dockerfile: Dockerfile) -> tuple[ComposeRun, ...]:
    """The compose services of the repository that build this Dockerfile."""
    key = ("compose runs", None)
    if key not in dockerfile.memo:
        runs: tuple[ComposeRun, ...] = ()
        if dockerfile.path not in ("", "-"):
            from dflint.context_discovery import compose_services_building

            runs = tuple(ComposeRun(*found) for found in compose_services_building(dockerfile.path))
        dockerfile.memo[key] = runs
    return cast("tuple[ComposeRun, ...]", dockerfile.memo[key])


def runs_as_non_root(dockerfile: Dockerfile) -> ComposeRun | None:
    """A compose service that runs the image as a user other than root, when every service that
    builds it does (see the module's doc); None otherwise."""
    runs = compose_runs(dockerfile)
    if not runs or any(not _non_root(run.user) for run in runs):
        return None
    return runs[0]


def _non_root(user: str | None) -> bool:
    if user is None:
        return False
    name = user.split(":", 1)[0].strip()
    return name not in ("", "0", "root")
