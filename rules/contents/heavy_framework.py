"""## What it does
Flags a full machine-learning framework installed in a stage that ships when a lighter package does
the job for inference (the pairs, sizes and caveats come from `dflint/data/heavy_frameworks.json`):

- `tensorflow` → `ai-edge-litert` (or `tensorflow-cpu` on an image without a GPU); `tensorflow-gpu`
  is a deprecated placeholder → `tensorflow` or `tensorflow-cpu`;
- `opencv-python` / `opencv-contrib-python` → the `-headless` builds;
- CUDA `torch` (also `torchvision`, `torchaudio`, `sentence-transformers`, `transformers[torch]`,
  which pull it) on an image without a GPU → the CPU wheels from `https://download.pytorch.org/whl/cpu`;
- `onnxruntime-gpu`, `xgboost`, `paddlepaddle-gpu`, `mxnet-cu*` on an image without a GPU → their
  CPU packages; `transformers[all]`/`[dev]` → `transformers` with only the framework it uses.

Inline installs (`pip`, `pip3`, `python -m pip`, a venv's `bin/pip`, `uv pip`) and requirements
files read from the build context (`-r requirements.txt`) are checked; a finding for a file names
`file:line`. An image counts as GPU-capable when its base is a CUDA/GPU image (`nvidia/cuda`,
`nvcr.io/…`, `pytorch/pytorch`, a `-gpu`/`cuda` tag …), it sets `NVIDIA_VISIBLE_DEVICES` or
`CUDA_HOME`, or installs CUDA packages (`nvidia-*` wheels, `cuda-*` packages, a `+cu121` build or a
`/cu121` index). GPU-dependent advice is skipped when the base image is unknown, or when it comes from
a build argument that a comment of the file sets to a GPU image (`FROM ${BASE_IMAGE}` under `# For GPU:
--build-arg BASE_IMAGE=nvidia/cuda:…`, KServe's TorchServe sample): the one install serves the CPU and
the GPU build, and a CPU index would break the GPU one. Torch from a
`/cpu` index (or a `+cpu` build) is never flagged, nor torch from PyTorch's Intel GPU index
(`https://download.pytorch.org/whl/xpu`): the XPU build is neither the CUDA build nor the CPU one. On a GPU image, where the only lighter option left
is LiteRT, `tensorflow` is reported at `info` severity. Notebook images (a Jupyter base image, a
`jupyter`/`start-notebook` command, `EXPOSE 8888`) are workbenches for the full frameworks and are
not checked. A training image (`dflint/purpose.py`) needs the full framework to train, so only a
CUDA torch pulled onto a CPU image is reported there.

The platform counts. PyPI's torch is the CUDA build on x86_64 Linux only, so nothing is reported for a
stage built for arm64: by `FROM --platform`, by `--build-arg TARGETPLATFORM`, or because the file
shows it (`dflint/platform.py`, `evident_platform`: an NVIDIA L4T base, or arm64's
`/usr/lib/aarch64-linux-gnu/` named and no other architecture's; reviewers found the CUDA claim false
on lmdeploy's Ascend and Roboflow's Jetson images). An alternative published for x86_64 only
(`machines` in the data: tensorflow-cpu has no Linux aarch64 wheel) is not offered when the file
tests for another architecture (`[ "$TARGETARCH" = "arm64" ]`: it is built for that one too, as
Katib's images are), and with no drop-in alternative left nothing is reported.

`opencv-python` and `opencv-contrib-python` are not reported when a package installed beside them
requires a GUI build of OpenCV itself (`gui_opencv_dependents` in the data, each checked on its
wheel's Requires-Dist: ultralytics, python-doctr, rf-groundingdino, trackers, insightface …): the
dependency brings the GUI build back whatever variant is written, and every variant is the same `cv2`
(Roboflow Inference's images install trackers; reviewers found the headless advice saved nothing there).

The torch sizes were measured for one release (the data's `version`). A torch pinned to another
release gets none; nor does an unpinned torch on a Python too old for that release, where pip
resolves an older one (the newest release per Python, from PyPI, is in the data's
`newest_by_python`: Python 3.8 gets torch 2.4.1; on 3.6, `ubuntu:18.04`'s python3, a 1.x release
with other sizes). The stage's Python is what its root image says: the `python:X.Y` tag, a Python the tag names (`base-cpu-py3.6`), or the
python3 of the distribution release its tag names (`dflint/releases.py`, `stage_python`), and is
unknown when the stage installs another Python (conda, pyenv, deadsnakes, `python3.X` packages).

## Why is this bad?
Inference images are pulled on every scale-up, so their size is cold-start latency and cost. The
full frameworks are several times larger than what inference needs: the tensorflow wheel is about
572 MB against 22 MB for LiteRT, and a plain `pip install torch` on Linux downloads the CUDA build
(about 527 MB, plus about 2.2 GB of nvidia-* wheels) even on an image that will never see a GPU,
where the CPU wheel is about 192 MB. `opencv-python` also needs `libGL`, which drags in Mesa.

Each lighter option has a caveat, and the message says it: LiteRT runs converted `.tflite` models
only and cannot train, ONNX Runtime needs an exported model and may lack some ops, the headless
OpenCV builds have no `imshow` windows.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch==2.4.0 opencv-python==4.10.0.84
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.4.0 \
    && pip install --no-cache-dir opencv-python-headless==4.10.0.84
```

## Fix safety
Unsafe: replacing `opencv-python` with `opencv-python-headless` removes the GUI functions
(`cv2.imshow`, `cv2.namedWindow`, `cv2.waitKey`); code that calls them fails at run time, and a
dependency that requires `opencv-python` installs it again next to the headless build. The fix is
offered only when the package word is the bare name, optionally with a version specifier.

## References
- [PyTorch: Get started locally (CPU wheels)](https://pytorch.org/get-started/locally/)
- [LiteRT: Migrate from TensorFlow Lite](https://ai.google.dev/edge/litert/migration)
- [opencv-python: headless packages](https://github.com/opencv/opencv-python#installation-and-usage)
- [ONNX Runtime: install](https://onnxruntime.ai/docs/install/)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from dflint.build_deps import Install, removed_in_same_run, shipped_installs, where
from dflint.data import load
from dflint.gpu import gpu_stage
from dflint.indexes import torch_variant
from dflint.model import Dockerfile, Requirement, Stage
from dflint.platform import DEFAULT_PLATFORM, machine, tested_architectures
from dflint.releases import stage_python
from dflint.rule import Edit, Finding, Fix, RuleMeta, Savings, Severity, clip
from dflint.wheels import download_mb, pinned_elsewhere

from ._workload import serves_notebooks

META = RuleMeta(
    code="DF203",
    name="heavy-framework",
    severity=Severity.WARNING,
    summary="A full ML framework is installed where a lighter inference runtime does the job",
    fixable=True,
    skip_images_nobody_deploys=True,
)

_TORCH_FAMILY = ("torch", "torchvision", "torchaudio", "transformers[torch]")
_HEADLESS_FIX = {"opencv-python": "opencv-python-headless", "opencv-contrib-python": "opencv-contrib-python-headless"}


@dataclass(frozen=True, slots=True)
class _Entry:
    """A heavy framework's entry in the data, by its key."""

    key: str
    facts: Any


@cache
def _frameworks() -> dict[str, Any]:
    frameworks: dict[str, Any] = load("heavy_frameworks")["pip"]
    return frameworks


@cache
def _lookup() -> tuple[dict[str, str], dict[tuple[str, str], str], tuple[tuple[str, str], ...]]:
    """Plain names → key, (name, extra) → key, (pattern, key)."""
    plain: dict[str, str] = {}
    extras: dict[tuple[str, str], str] = {}
    patterns: list[tuple[str, str]] = []
    for key, facts in _frameworks().items():
        for written in (key, *facts.get("aliases", ())):
            name, _, extra = written.partition("[")
            if extra:
                extras[(name, extra.rstrip("]"))] = key
            else:
                plain.setdefault(name, key)
        for pattern in facts.get("patterns", ()):
            patterns.append((pattern, key))
    return plain, extras, tuple(patterns)


def _entry(requirement: Requirement) -> _Entry | None:
    name = requirement.name
    if name is None or requirement.kind not in ("name", "url", "path"):
        return None
    plain, extras, patterns = _lookup()
    for extra in requirement.extras:
        key = extras.get((name, extra.lower()))
        if key is not None:
            return _Entry(key, _frameworks()[key])
    key = plain.get(name)
    if key is None:
        key = next((k for pattern, k in patterns if re.fullmatch(pattern, name)), None)
    if key is None:
        return None
    return _Entry(key, _frameworks()[key])


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if serves_notebooks(dockerfile):
        return  # a notebook image is a workbench for the full frameworks, not an inference server
    training = dockerfile.purpose is not None and dockerfile.purpose.kind == "training"
    cpu_torch: set[int] = set()  # stages (by index) where a torch that is not the CUDA build is already installed
    gpu_by_stage: dict[int, bool | None] = {}  # gpu_stage reads the whole chain: once per stage, not per install

    def gpu_of(stage: Stage) -> bool | None:
        if stage.index not in gpu_by_stage:
            gpu_by_stage[stage.index] = gpu_stage(dockerfile, stage)
        return gpu_by_stage[stage.index]

    for install_group in _groups(dockerfile):
        first = install_group[0]
        stage, instruction, op = first.stage, first.instruction, first.op
        gpu = gpu_of(stage)
        if first.via is not None and first.via.stage_index is not None and gpu is not True:
            gpu = gpu_of(dockerfile.stages[first.via.stage_index])  # the image it is copied into
        variant = torch_variant(op, instruction.env)  # cpu on a CPU index, or from PyPI off x86_64
        torch_family: list[tuple[Install, _Entry]] = []
        for install in install_group:
            entry = _entry(install.requirement)
            if entry is None or removed_in_same_run(install) or _predates_alternatives(entry, install.requirement):
                continue
            if entry.key in _TORCH_FAMILY:
                if entry.key == "torch" or not op.has_flag("--no-deps"):  # with --no-deps nothing pulls torch
                    torch_family.append((install, entry))
                continue
            if training:
                continue  # training needs the full framework; only a CUDA torch on a CPU image (below) is waste
            if entry.key in _GUI_OPENCV and _gui_opencv_dependent(dockerfile) is not None:
                continue  # a package beside it requires a GUI build of OpenCV: a headless one changes nothing
            finding = _finding(dockerfile, install, entry, gpu)
            if finding is not None:
                yield finding
        chain = {s.index for s in dockerfile.ancestry(stage)}
        if variant in ("cpu", "xpu") or any(_cpu_build(install.requirement) for install, _ in torch_family):
            cpu_torch.add(stage.index)  # an XPU build is no CUDA build either: what pulls torch later gets it
            continue
        if torch_family and gpu is False and variant == "cuda" and not (chain & cpu_torch):
            yield _torch_finding(torch_family, stage, stage_python(dockerfile, stage))


_GUI_OPENCV = frozenset(("opencv-python", "opencv-contrib-python"))


def _gui_opencv_dependent(dockerfile: Dockerfile) -> str | None:
    """A package installed in what ships whose own requirements name a GUI build of OpenCV
    (`gui_opencv_dependents`: ultralytics, python-doctr, rf-groundingdino, trackers … require
    `opencv-python`): it brings that build back whatever variant is written beside it, and every
    variant provides the same `cv2`. None when there is none. Decided once per file."""
    key = ("gui opencv dependent", None)
    if key not in dockerfile.memo:
        dependents = load("heavy_frameworks").get("gui_opencv_dependents", {}).get("packages", {})
        dockerfile.memo[key] = next(
            (
                install.name
                for install in shipped_installs(dockerfile, managers=("pip", "uv", "pipenv"), files=True)
                if install.name in dependents and not removed_in_same_run(install)
            ),
            None,
        )
    return cast("str | None", dockerfile.memo[key])


def _predates_alternatives(entry: _Entry, requirement: Requirement) -> bool:
    """`tensorflow-gpu==1.15`: before 2.1 the plain tensorflow wheel had no GPU support, so the
    advice to use it does not hold for pins that old."""
    if entry.key != "tensorflow-gpu":
        return False
    match = re.fullmatch(r"===?\s*(\d+)\.(\d+)(?:\.[\w.*]+)?", requirement.spec.strip())
    return match is not None and (int(match.group(1)), int(match.group(2))) < (2, 1)


def _groups(dockerfile: Dockerfile) -> Iterator[list[Install]]:
    """Python package installs that ship, grouped by operation, in order."""
    current: list[Install] = []
    for install in shipped_installs(dockerfile, managers=("pip", "uv", "pipenv"), files=True):
        if current and install.op is not current[0].op:
            yield current
            current = []
        current.append(install)
    if current:
        yield current


def _cpu_build(requirement: Requirement) -> bool:
    text = (requirement.raw or "").lower()
    return "+cpu" in text or "/cpu/" in text


def _alternatives(facts: Any, gpu: bool | None) -> list[Any]:
    chosen = []
    for alternative in facts.get("alternatives", ()):
        when = alternative.get("when", "always")
        if when == "always" or (when == "non_cuda_base" and gpu is False):
            chosen.append(alternative)
    return chosen


def _builds_everywhere(alternative: Any, dockerfile: Dockerfile, install: Install) -> bool:
    """Is the alternative published for every machine the image is built for: the stage's platform
    and each architecture the file tests for (`[ "$TARGETARCH" = "arm64" ]`: Katib's images are built
    for arm64 too, where no tensorflow-cpu wheel exists)? `machines` in the data; none listed: any."""
    machines = alternative.get("machines")
    if not machines:
        return True
    key = ("tested architectures", None)
    if key not in dockerfile.memo:  # one read of the file's text, whatever the number of installs
        dockerfile.memo[key] = frozenset(machine(f"linux/{arch}") for arch in tested_architectures(dockerfile.text))
    tested = cast("frozenset[str]", dockerfile.memo[key])
    return {machine(install.op.platform or DEFAULT_PLATFORM), *tested} <= set(machines)


def _savings(facts: Any, alternative: Any | None, source: str) -> Savings | None:
    heavy = download_mb(facts)
    light = download_mb(alternative) if alternative is not None else None
    if heavy is None or light is None or heavy <= light:
        return None
    return Savings(round(heavy - light, 1), f"download size difference ({heavy:g} MB vs {light:g} MB); {source}")


def _torch_savings(torch: Any, cpu: Any, source: str) -> Savings | None:
    """What the CPU build saves: the CUDA build's download with its nvidia-*/triton wheels (the
    number the message gives) minus the CPU wheel."""
    closure, light = torch.get("closure_mb"), download_mb(cpu)
    if not isinstance(closure, (int, float)) or light is None or closure <= light:
        return None
    return Savings(
        round(closure - light, 1),
        f"download size difference: torch {torch['version']} with its nvidia-*/triton wheels ({closure:g} MB)"
        f" vs torch {cpu['version']} ({light:g} MB); {torch.get('source', '')}; {source}",
    )


def _finding(dockerfile: Dockerfile, install: Install, entry: _Entry, gpu: bool | None) -> Finding | None:
    facts = entry.facts
    when = facts.get("when", "always")
    if when == "non_cuda_base" and gpu is not False:
        return None
    candidates = _alternatives(facts, gpu)
    alternatives = [alternative for alternative in candidates if _builds_everywhere(alternative, dockerfile, install)]
    if not alternatives or (
        any(alternative.get("drop_in") for alternative in candidates) and not any(a.get("drop_in") for a in alternatives)
    ):
        # the drop-in replacement is not published for every architecture the image is built for
        # (tensorflow-cpu: x86_64 only); what is left needs the code changed, not worth telling alone
        return None
    best = next((a for a in alternatives if a.get("drop_in")), alternatives[0])
    source = best.get("source") or facts.get("source", "")
    other_version = pinned_elsewhere(facts, install.requirement.spec)
    savings = _savings(facts, best, source) if other_version is None else None
    origin = where(install)
    written = install.requirement.raw or install.name
    subject = f"`{written}`" + (f" (from {origin})" if origin else "")
    heavy = download_mb(facts)
    size = f", a {heavy:g} MB download" if heavy is not None and savings is not None else ""
    if other_version is not None and heavy is not None:
        size = f" (its size for {other_version} is unknown; {facts['version']} downloads {heavy:g} MB)"
    context = " on an image without a GPU" if when == "non_cuda_base" else ""
    if facts.get("status") == "deprecated placeholder":
        last = facts.get("last_wheel", {}).get("version")
        context = ", a deprecated placeholder package" + (f" (last wheel {last})" if last else "")
    options = "; or ".join(_describe(alternative) for alternative in alternatives)
    message = f"{subject}{size}{context} in {install.stage.label}{install.via_note}: use {options}"
    short_size = f" (~{savings.mb:.0f} MB to save)" if savings is not None else ""
    short = f"`{clip(written)}` in {install.stage.label}{short_size}; use `{clip(best['name'])}`" + (
        f" from {best['index_url']}" if best.get("index_url") else ""
    )
    span = install.op.command.span if origin or install.requirement.span is None else install.requirement.span
    # On a GPU image the only lighter option left is an interpreter for converted models: a hint, not a warning.
    severity = Severity.INFO if gpu is True and not any(a.get("drop_in") for a in alternatives) else None
    return Finding(
        META,
        span,
        short,
        fix=_headless_fix(dockerfile, install, entry),
        savings=savings,
        severity=severity,
        stage=install.stage.name,
        detail=message,
    )


def _describe(alternative: Any) -> str:
    name = alternative["name"]
    size = alternative.get("wheel_mb")
    where_from = f" from {alternative['index_url']}" if alternative.get("index_url") else ""
    size_text = f" ({size:g} MB)" if isinstance(size, (int, float)) else ""
    caveat = alternative.get("caveat", "").rstrip(".")
    return (
        f"`{name}`{where_from}{size_text} — {caveat[:1].lower() + caveat[1:]}" if caveat else f"`{name}`{where_from}{size_text}"
    )


def _headless_fix(dockerfile: Dockerfile, install: Install, entry: _Entry) -> Fix | None:
    target = _HEADLESS_FIX.get(entry.key)
    span = install.requirement.span
    if target is None or span is None or install.requirement.file is not None or install.requirement.extras:
        return None
    text = dockerfile.text[span.offset : span.end_offset]
    match = re.fullmatch(
        r"(opencv[-_.](?:contrib[-_.])?python)((?:===?|~=|!=|<=|>=|<|>)[A-Za-z0-9.*+!-]+(?:,(?:===?|~=|!=|<=|>=|<|>)[A-Za-z0-9.*+!-]+)*)?",
        text,
        re.IGNORECASE,
    )
    if match is None or match.group(1).lower().replace("_", "-").replace(".", "-") != entry.key:
        return None
    if entry.key == "opencv-contrib-python" and match.group(2):
        return None  # the contrib headless build trails the contrib releases: a pinned version may not exist
    start = span.offset
    return Fix.unsafe(f"Replace `{match.group(1)}` with `{target}`", Edit(start, start + len(match.group(1)), target))


def _older_torch(torch: Any, python: str | None) -> str | None:
    """What a plain install resolves on a Python too old for the release the sizes were measured
    for (`data/heavy_frameworks.json` `newest_by_python`): "torch 2.4.1, the newest for Python 3.8"; None when
    the sizes hold (a recent or unknown Python)."""
    table = torch.get("newest_by_python") or {}
    floor = table.get("sizes_hold_from")
    if python is None or not isinstance(floor, str):
        return None
    version = tuple(int(part) for part in python.split("."))
    if version >= tuple(int(part) for part in floor.split(".")):
        return None
    newest = table.get(python)
    return (
        f"torch {newest}, the newest for Python {python}" if isinstance(newest, str) else f"the older torch Python {python} gets"
    )


def _torch_finding(family: list[tuple[Install, _Entry]], stage: Stage, python: str | None = None) -> Finding:
    family.sort(key=lambda pair: _TORCH_FAMILY.index(pair[1].key))
    install, entry = family[0]
    torch = _frameworks()["torch"]
    cpu = next(a for a in torch["alternatives"] if a.get("index_url"))
    source = cpu.get("source") or torch.get("source", "")
    other_version = pinned_elsewhere(torch, install.requirement.spec) if entry.key == "torch" else None
    older = _older_torch(torch, python) if other_version is None and not install.requirement.spec else None
    if older is not None:  # Python 3.6 on ubuntu:18.04 resolves an older torch: its sizes are not these
        other_version = older
    savings = _torch_savings(torch, cpu, source) if other_version is None else None  # sizes were measured for one version
    names = ", ".join(f"`{i.requirement.raw or i.name}`" + (f" (from {where(i)})" if where(i) else "") for i, _ in family)
    pulls = "" if entry.key == "torch" else " (which pulls torch)"
    if other_version is None:
        sizes = f" ({torch['wheel_mb']:g} MB, about {torch['closure_mb']:g} MB with its nvidia-* wheels)"
        cpu_size = f" ({cpu['wheel_mb']:g} MB)"
        short_size = f" (~{torch['closure_mb']:.0f} MB)"
    else:  # the sizes were measured for another release: none is given for this one
        sizes = f" (sizes measured for torch {torch['version']}, not {other_version})"
        cpu_size = short_size = ""
    message = (
        f"{names}{pulls} in {stage.label}{install.via_note} installs the CUDA build of torch from PyPI"
        f"{sizes} on an image without a GPU:"
        f" install it from {cpu['index_url']}{cpu_size} with `--index-url`;"
        f" {cpu['caveat'][:1].lower() + cpu['caveat'][1:].rstrip('.')}"
    )
    origin = where(install)
    span = install.op.command.span if origin or install.requirement.span is None else install.requirement.span
    first = clip(install.requirement.raw or install.name, 30)
    short = f"`{first}` in {stage.label} pulls CUDA torch{short_size} on a CPU image; use `--index-url {cpu['index_url']}`"
    return Finding(META, span, short, savings=savings, stage=stage.name, detail=message)
