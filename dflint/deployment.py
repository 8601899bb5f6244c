"""How the repository runs the image it builds from this Dockerfile, where its own files say.

A compose file that builds the Dockerfile (found as for the build context: from the Dockerfile's
folder up to the repository root, `context_discovery.compose_services_building`) is how the project
runs it, and a service's `user:` is who the container runs as there, whatever the image's last USER
says (text-generation-webui's compose files run its images as `${APP_RUNTIME_UID:-6972}`). The
variables are filled in as Compose fills them: from the environment, else the default written.

A Kubernetes workload in the repository's manifests that runs the image is how it is deployed too,
and a container's `securityContext.runAsUser` (or its pod's) is the user it runs as there (Kubeflow's
web apps and Katib run theirs as `runAsUser: 1000` from `manifests/…/deployment.yaml`). The image is
the one the repository builds from the Dockerfile (`context_discovery.image_names_built`: the
`-t` of a build command in a workflow, Makefile or script, a compose service's `image:`), matched
whole, or by the part a build writes literally (`${REGISTRY}/katib-db-manager` matches
`ghcr.io/kubeflow/katib/katib-db-manager`). `runAsNonRoot: true` alone is no evidence: with no
`runAsUser`, the kubelet refuses to start an image whose user is root, so the image needs the USER.
Manifests are looked for in folders named for them (`manifests`, `deploy`, `k8s`, `kubernetes`,
`config` …) beside the Dockerfile's folder and each folder above it up to the repository root,
bounded (`MAX_MANIFEST_FILES`, `MAX_MANIFEST_DEPTH`, small regular files only, no links followed,
YAML with the safe loader); Helm templates (`{{ … }}`) do not parse and are not read.

`runs_as_non_root` is the evidence that every such service or workload runs the image as a user
other than root; None when none is found, when one compose service sets no user (it runs as the
image's), when a user is root or unknown (a variable with no value and no default), or when one
workload's container gives no `runAsUser`. Read once per model.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from dflint.model import Dockerfile, split_image

if TYPE_CHECKING:
    from dflint.readme_runs import ReadmeRun


@dataclass(frozen=True, slots=True)
class ComposeRun:
    """A compose service that builds the Dockerfile, and the user it sets (None: none, or unknown)."""

    service: str
    compose_file: str  # as shown: relative to the repository's parent
    user: str | None
    shell_session: bool = False  # `command: bash` with `tty: true` or `stdin_open: true`
    drives_host: bool = False  # `privileged: true`, or the Docker daemon's socket mounted
    mounts_context: str | None = None  # the volume that bind mounts the build context (`.:/app`)
    attached: bool = False  # `tty: true` and `stdin_open: true`: a terminal attached, as `docker run -it`

    def describe(self) -> str:
        return f"service '{self.service}' in {self.compose_file} runs it as `{self.user}`"


def compose_runs(dockerfile: Dockerfile) -> tuple[ComposeRun, ...]:
    """The compose services of the repository that build this Dockerfile."""
    key = ("compose runs", None)
    if key not in dockerfile.memo:
        runs: tuple[ComposeRun, ...] = ()
        if dockerfile.path not in ("", "-"):
            from dflint.context_discovery import compose_services_building

            runs = tuple(
                ComposeRun(
                    build.service,
                    build.compose_file,
                    build.user,
                    build.shell_session,
                    build.drives_host,
                    build.mounts_context,
                    build.attached,
                )
                for build in compose_services_building(dockerfile.path)
            )
        dockerfile.memo[key] = runs
    return cast("tuple[ComposeRun, ...]", dockerfile.memo[key])


@dataclass(frozen=True, slots=True)
class WorkloadRun:
    """A container of a Kubernetes workload that runs the image, and the user it runs as (None: no
    `runAsUser`, so the image's own)."""

    manifest: str  # as shown: relative to the repository's parent
    line: int
    kind: str
    container: str
    user: int | None

    def describe(self) -> str:
        return f"{self.kind} container '{self.container}' in {self.manifest}:{self.line} runs it as UID {self.user}"


def drives_the_host(dockerfile: Dockerfile) -> ComposeRun | None:
    """A compose service that runs the image privileged or with the Docker daemon's socket mounted
    (ragflow's sandbox executor manager starts containers through it): root by design, since the
    socket is root:docker 0660 and `privileged` gives the host's root anyway. None when none does."""
    return next((run for run in compose_runs(dockerfile) if run.drives_host), None)


def runs_a_shell_session(dockerfile: Dockerfile) -> ComposeRun | None:
    """A compose service that runs the image as an interactive shell (`command: bash`, `tty: true`:
    LLaMA-Factory's images, a workbench its user trains in), when every service that builds it does;
    None otherwise."""
    runs = compose_runs(dockerfile)
    return runs[0] if runs and all(run.shell_session for run in runs) else None


def runs_attached(dockerfile: Dockerfile) -> ComposeRun | None:
    """A compose service that runs the image with a terminal attached (`tty: true` and `stdin_open:
    true`, as `docker run -it`), when every service that builds it does: a local app its user
    starts and stops from that terminal (text-generation-webui's images), whose Ctrl-C reaches the
    whole foreground process group; None otherwise."""
    runs = compose_runs(dockerfile)
    return runs[0] if runs and all(run.attached for run in runs) else None


def documented_runs_choose_user(dockerfile: Dockerfile) -> ReadmeRun | None:
    """A README `docker run` of the image (`dflint.readme_runs`) that decides who runs it, when every
    one the repository documents does: with capabilities added (`--cap-add SYS_RESOURCE`, for mlock in
    llama-cpp-python's quick-start images) or `--privileged`, which only root can use, or with a
    non-root `--user`; None otherwise."""
    from dflint.readme_runs import readme_runs

    runs = readme_runs(dockerfile)
    decided = [run for run in runs if run.privileged or run.cap_add or _non_root(run.user)]
    return decided[0] if runs and len(decided) == len(runs) else None


def runs_from_mounted_source(dockerfile: Dockerfile) -> ComposeRun | None:
    """A compose service that bind mounts the image's build context into the container (`.:/app`),
    when every service that builds it does: the source is edited on the host and run from there, a
    development setup (NVIDIA's community RAG examples, a Hugo docs preview); None otherwise."""
    runs = compose_runs(dockerfile)
    return runs[0] if runs and all(run.mounts_context for run in runs) else None


def runs_as_non_root(dockerfile: Dockerfile) -> ComposeRun | WorkloadRun | None:
    """Evidence that the repository runs the image as a user other than root wherever it runs it:
    every compose service that builds it sets a non-root `user:`, or, with no compose service, every
    Kubernetes workload container that runs it sets a non-zero `runAsUser` (see the module's doc)."""
    runs = compose_runs(dockerfile)
    if runs:
        return runs[0] if all(_non_root(run.user) for run in runs) else None
    workloads = workload_runs(dockerfile)
    if workloads and all(run.user is not None and run.user > 0 for run in workloads):
        return workloads[0]
    return None


MANIFEST_DIRECTORIES = frozenset(
    ("manifests", "manifest", "deploy", "deploys", "deployment", "deployments", "k8s", "kubernetes", "kustomize", "config")
)
MAX_MANIFEST_FILES = 400
MAX_MANIFEST_DEPTH = 6
MAX_MANIFEST_BYTES = 256 * 1024
_WORKLOADS = frozenset(("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"))


def workload_runs(dockerfile: Dockerfile) -> tuple[WorkloadRun, ...]:
    """The Kubernetes workload containers in the repository's manifests that run the image the
    repository builds from this Dockerfile."""
    key = ("workload runs", None)
    if key not in dockerfile.memo:
        found: tuple[WorkloadRun, ...] = ()
        if dockerfile.path not in ("", "-"):
            from dflint.context_discovery import image_names_built, repository_root

            names = image_names_built(dockerfile.path)
            if names:
                folder = os.path.dirname(os.path.realpath(dockerfile.path))
                root, in_repository = repository_root(folder)
                if in_repository:
                    found = tuple(_workloads(folder, root, names))
        dockerfile.memo[key] = found
    return cast("tuple[WorkloadRun, ...]", dockerfile.memo[key])


def _workloads(folder: str, root: str, names: tuple[str, ...]) -> Iterator[WorkloadRun]:
    patterns = [pattern for pattern in (_image_pattern(name) for name in names) if pattern is not None]
    if not patterns:
        return
    for path in _manifest_files(folder, root):
        text = _read(path, root)
        if text is None or "image:" not in text:
            continue
        if not any(needle in text for _, needle in patterns):
            continue
        shown = os.path.relpath(path, os.path.dirname(root))
        for offset, document in _documents(text):
            yield from _containers(document, offset, shown, patterns)


def _image_pattern(name: str) -> tuple[re.Pattern[str], str] | None:
    """What a manifest's image must be to be this build: the name whole, or its literal tail after a
    variable (`${REGISTRY}/katib-db-manager` → any registry, then `/katib-db-manager`); with the text
    to look for first. A tail of fewer than two path parts' worth (a bare `app`) is too common to trust."""
    if "$" not in name:
        return re.compile(re.escape(name)), name
    tail = re.split(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\([A-Za-z_][A-Za-z0-9_.-]*\)", name)[-1]
    if not tail.startswith("/") or len(tail) < 6:
        return None
    return re.compile(r"[^\s]*" + re.escape(tail)), tail


def _manifest_files(folder: str, root: str) -> Iterator[str]:
    seen: set[str] = set()
    count = 0
    current = folder
    while True:
        for name in _names(current):
            if name.lower() in MANIFEST_DIRECTORIES and _is_directory(os.path.join(current, name)):
                for path in _walk(os.path.join(current, name), 0):
                    if path not in seen:
                        seen.add(path)
                        count += 1
                        yield path
                        if count >= MAX_MANIFEST_FILES:
                            return
        if current == root:
            return
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent


def _walk(directory: str, depth: int) -> Iterator[str]:
    if depth > MAX_MANIFEST_DEPTH:
        return
    for name in _names(directory):
        path = os.path.join(directory, name)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, depth + 1)
        elif stat.S_ISREG(mode) and name.endswith((".yaml", ".yml")):
            yield path


def _is_directory(path: str) -> bool:
    """A directory itself, not a link to one (a link could lead out of the repository)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _names(directory: str) -> list[str]:
    try:
        return sorted(os.listdir(directory))
    except OSError:
        return []


def _read(path: str, root: str) -> str | None:
    from dflint.reading import ReadError, read_file

    try:  # a regular file inside the repository, opened without following a link swapped in
        data = read_file(path, limit=MAX_MANIFEST_BYTES, boundary=root).data
        return data.decode("utf-8")
    except (ReadError, UnicodeDecodeError):
        return None


def _documents(text: str) -> Iterator[tuple[int, Any]]:
    """Each YAML document of a manifest with the line it starts on; one that does not parse (a Helm
    template) is skipped."""
    import yaml

    from dflint import safe_yaml

    start = 0
    lines = text.splitlines(keepends=True)
    chunks: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        if line.rstrip() == "---" or line.startswith("--- "):
            chunks.append((start, "".join(lines[start:number])))
            start = number + 1
    chunks.append((start, "".join(lines[start:])))
    for offset, chunk in chunks:
        if "image:" not in chunk or "{{" in chunk:
            continue
        try:
            data, _node = safe_yaml.parse(chunk)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict):
            yield offset, data


def _containers(
    document: dict[str, Any], offset: int, shown: str, patterns: list[tuple[re.Pattern[str], str]]
) -> Iterator[WorkloadRun]:
    kind = document.get("kind")
    if kind not in _WORKLOADS:
        return
    spec = document.get("spec")
    if kind == "CronJob":
        spec = _get(_get(spec, "jobTemplate"), "spec")
    pod = spec if kind == "Pod" else _get(_get(spec, "template"), "spec")
    if not isinstance(pod, dict):
        return
    pod_user = _user(_get(pod, "securityContext"))
    for field in ("containers", "initContainers"):
        containers = pod.get(field)
        if not isinstance(containers, list):
            continue
        for container in containers:
            image = container.get("image") if isinstance(container, dict) else None
            if not isinstance(image, str):
                continue
            name = split_image(image)[0]
            if not any(pattern.fullmatch(name) for pattern, _ in patterns):
                continue
            own = _user(container.get("securityContext"))
            user = own if own is not None else pod_user
            yield WorkloadRun(shown, offset + 1, str(kind), str(container.get("name", "?")), user)


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _user(context: Any) -> int | None:
    value = _get(context, "runAsUser")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _non_root(user: str | None) -> bool:
    if user is None:
        return False
    name = user.split(":", 1)[0].strip()
    return name not in ("", "0", "root")
