"""## What it does
Flags a Python package installed on the command line without an exact version: `pip install`
(also `pip3`, `python -m pip`, a venv's `bin/pip`), `uv pip install`, `uv tool install`,
`pipenv install`, `pipx install` and `conda` / `mamba` / `micromamba install` or `create`, in any
stage.

A pin is `==` or `===` with one version (`torch==2.4.0`, `torch==2.4.0+cpu`), a local wheel or
directory, a file URL, or a VCS URL that names a full 40-character commit or a release tag
(`@v1.0.32`, `@2.4.0`, `@name-2.22.0`; not a branch such as `@main` or `@release-2.1`). Ranges (`>=`, `~=`,
`<`, `!=`), wildcards (`==2.*`; a minor series such as `==1.9.*` is treated below), bare names, extras without a version (`transformers[torch]`),
URLs at a branch or a moving tag (`@main`, `@v1`) and branch archives are not. For conda, `name=1.26.4` (a full version) and
`name==1.26.4` count as pins, `name=1.26` does not (a series, treated below; conda splits a version at dots and
underscores, so R's `r-png=0.1_8` is a full version too); the interpreter's series (`python=3.11`)
is accepted.

By default it reports the names of an install command that float what the image runs: a framework,
runtime or GPU wheel (torch, tensorflow, onnxruntime, opencv-python, `flash-attn`, `nvidia-*`, a
`-gpu`/`-cu12` name: `dflint/imagesize.py` `heavy_package`, from `dflint/data/heavy_frameworks.json`)
or a VCS or URL install at a branch or moving tag (`_pins.substance`, which DF402 asks of requirements
files too). Helpers (`pip install botocore requests`, `uvloop`, `twine`) are left alone, whether or not
the same command pins something else: in two rounds of three reviewers, each drawing 50 default
findings on the shared corpus and on 18 ML serving repositories, 26 of the 28 DF401 findings drawn
were judged not worth the author's time (a pin nobody needs: a telemetry SDK refreshed with each
security rebuild, a profiler, a package with one release, floors kept on purpose), and both findings
judged worth were a runtime or a branch install; in two later rounds, 23 of the 27 drawn were judged
not worth it either, most of them helpers left bare by a command that pinned its main packages
(`uvloop` beside an exact `tensorrt_llm`, `py-libnuma` beside `triton==3.2.0`): authors pin what
breaks them and let helpers float. Set `check-every-package` to report every unpinned name, as hadolint's DL3013 does.

A name pinned by a constraints file (`-c constraints.txt`, read from the build context) or by a
requirements file of the same command counts as pinned. Nothing is reported when the value is
unknown (`pip install $PKG`), or when a constraints file cannot be read or `PIP_CONSTRAINT` is
set. Requirements files (`-r`) are checked by DF402.

A later pip install in the same stage settles the version too: a name that a later command pins
exactly (`einops==0.8.0`, by name), or that a later requirements file pins, ends up at that version whatever the earlier
install resolved (pip replaces it), so it is not reported (`pip install einops`, then
`pip install -r requirements_cuda.txt` holding `einops==0.8.0`, as Text Generation Inference's
images do). When a later requirements file cannot be read (not found in the build context), it may
pin any of them, and nothing of the earlier install is reported: dflint cannot tell. A later
constraints file installs nothing by itself, and an install into another tree (`--prefix`,
`--target`, `--root`), conda, pipx and `uv tool` leave the earlier install as it was. On the shared
corpus (whose files come without their build context) this leaves 15 of 97 findings, among them the
`einops` of seven TGI images that reviewers checked against the requirements file at each release's
tag (pinned every time).

Upgrading the installers themselves (`pip install --upgrade pip setuptools wheel`, `uv`, `conda-lock`, which installs a lock file's pins) is not
flagged, nor are the build helpers a later install needs to build from source (`packaging`,
`ninja`, `cmake`, a PEP 517 back-end such as `hatchling`: `dflint/data/build_tools.json`
`python_build_helpers`; not Cython, whose 3.0 release broke unpinned builds), unless
`include-installers` is set. A package named with `-U`/`--upgrade` (`pip install -U transformers`)
asks for the newest release in so many words: a deliberate float, not an oversight, and not
reported unless `check-upgrades` is set.

One finding per install command: its span runs from the first to the last unpinned package, the
message names them, and the detail says for each why it is not a pin. Pinning is one decision per
command (pin them all, or install from a lock file), and a file that leaves a long list unpinned
on purpose (a notebook stack that follows the newest releases, a CI image testing against them)
gets one finding for it rather than one per name. The install commands of one RUN are one edit too
(`uv tool install austin-dist && uv tool install austin-tui && uv tool install py-spy`, ragflow's base
image): one finding, on the first, that names the others (JSON `also`; a reviewer counted three
findings for it as duplicates). Set `each-package` for one finding per package,
each on its own name, as before. A name is told once per stage: `pip install fschat` and then
`pip install "fschat[model_worker,webui]"` (FastChat's image) is one decision, reported on the first.

Lower bounds set on purpose are left alone (set `report-floors` to report them too):
- a lone lower bound (`"grpcio>=1.79.3"`) in a command that pins every other package it names
  exactly (`==`): a security floor written next to the pins (the AWS Deep Learning Containers raise
  `cryptography>=…` and `starlette>=…` this way to take in CVE fixes while the framework stays
  pinned); a command with a bare name, a range with an upper bound or a wildcard beside the floor
  gets them all reported, floor included;
- every lower bound (`"pillow>=12.1.1"`, also with an upper bound: `"protobuf>=3.20.0,<=3.20.3"`)
  of a RUN under a comment that says it patches security issues (`# Patch CVEs`, `# Security
  patches`: a comment right above the RUN or inside it naming CVEs, GHSA or CWE identifiers,
  security or vulnerabilities). An exact pin there would freeze out the next fix; bare names and
  upper bounds alone in the same command are still reported;
- a command that installs nothing but lone `>=` bounds, right after another install in the same RUN
  (`pip install requests botocore && pip install "urllib3>=2.7.0"`): a dependency of what was just
  installed, raised to a fixed release.
A floor with no such evidence (`pip install "transformers>=4.40"` on its own) is reported.

A cap, a version given only by upper bounds and excluded releases (`"numpy<1.24.0"`,
`"kernels<0.15"`, `"Pillow!=8.3.0"`), is set on purpose and left alone (set `report-caps` to report
it): its author named the release that breaks the image, not the one they want (the corpus's caps
carry comments such as `# kernels<0.15: 0.15.x breaks transformers …` or a link to the upstream issue),
and the pip versions of hadolint's DL3013 accept any version operator as a pin. A range with a lower
bound too (`"numpy>=1.24,<2.0"`) is a choice of versions like a series and is reported as above. On
the shared corpus of 776 real Dockerfiles 15 DF401 findings named caps alone (and 2 more named one
beside bare names); of the 5 drawn in six random samples of 50 default findings, reviewers reading
the files judged none worth telling. A bare name or a lower bound beside a cap in the same command is
still reported.

A range that closes a release line that will get no further release (`"protobuf>=3.18.3,<4"`: the
3.x line ended with 3.20.3; `dflint/data/pinning.json` `closed_release_lines`, with sources) resolves
to that last release on every build, as a pin does, and is left alone (a reviewer found "every
rebuild may install different code" false for it). So is a range whose upper bound is inclusive and
names a full release (`boto3>=1.40.0,<=1.41.5`): pip takes the newest release it allows, that one, on
every build.

A package that a later RUN of the stage, or of a stage built FROM it, uninstalls (`pip uninstall -y
typing`) is not reported: the image does not keep it, whatever version came (the AWS XGBoost
container installs the `typing` backport to build a wheel and removes it in its final stage; a
reviewer).

A companion whose every release requires one exact release of a partner is left alone when the
partner is pinned exactly in the same install: `pip install torch==2.4.0 torchvision torchaudio`
resolves the one torchvision and torchaudio built for torch 2.4.0 (their setup.py files require
`torch==<version>`; `dflint/data/pinning.json` `locked_companions`, with sources).

A build stage's own tools are left alone: an install, in a stage the build runs but whose layers do not
ship, into a tree that no copy takes into the image (the builder's site-packages while only `--prefix
/install` or a built wheel is copied on; a venv of build tools such as meson, while only what they build
is) cannot change what the image holds (set `check-build-stages` to report them). An install whose tree
is copied on (`COPY --from=builder /opt/venv /opt/venv`), or whose tree is unknown, is reported as in a
shipped stage, and so is one in a stage the build does not run at all (another `--target`'s). On the
shared corpus this leaves out three findings (maturin's helpers in Chroma's builder, Poetry's export
plugin in MLServer's wheel builder, `cargo-zigbuild` in Ruff's build stage); reviewers had judged the
one they drew, four times, not worth telling: the versions never reach the image.

An install inside an `if` branch that the build being linted does not take is not reported, as for
DF201 and DF202 (`dflint/build_deps.py`, `branch_not_taken`: each test compares a build argument or the
target platform with a literal; in a PowerShell RUN, `if ($env:NAME -eq 'value') { … }`, as Chroma's
Windows image rebuilds hnswlib only when asked); lint that build with `--build-arg` to see it.

A companion that a partner pinned exactly in the same install holds to the partner's own minor
series is treated as such a series (below): TensorFlow 2.6 to 2.15 requires the `keras`,
`tensorboard` and `tensorflow-estimator` of its own release (`tensorflow-cpu==2.9.2 keras` resolves a
keras 2.9.x; `dflint/data/pinning.json` `series_companions`, from TensorFlow's setup.py); from 2.16
TensorFlow takes any Keras 3, and a bare `keras` beside it is reported.

A release series named on purpose is left alone unless `report-series` is set: a minor series
(`pytorch==1.9.*`, `feast~=0.30.0` which PEP 440 reads as `>=0.30.0, ==0.30.*`, a range inside one
minor series such as `>=0.13,<0.14`, conda `ipython=7.24.*` or `cudatoolkit=11.2`), where the author
chose the series and lets its patch releases in; and a conda metapackage that only selects which builds of
other packages are installed (`cpuonly`, `nomkl`: `dflint/data/pinning.json`), which has no code to
pin. A major series (`torch==2.*`, `torch~=2.2`) is reported. On the shared corpus the two such findings a
reviewer judged (ml-workspace's `ipython=7.24.*`, `notebook=6.4.*` … with TODO comments saying why,
and `pytorch==1.9.*` with `cpuonly`) were deliberate and not worth telling.

Pre-releases and nightlies asked for on purpose are left alone unless `check-prereleases` is set:
an install with `--pre`, from an index or find-links URL of nightly builds
(`https://download.pytorch.org/whl/nightly/…`), of a package published as nightlies (`tf-nightly`,
`ort-nightly-gpu`), and every install in a stage whose base is a nightly image (a `nightly` word in
its name or tag: `pytorch/torchserve-kfs-nightly:latest-gpu`, `rayproject/ray:nightly-gpu`). Such an
image exists to follow the newest builds; pinning them defeats it.

A notebook or workbench image (as the model decides: `dflint/purpose.py`) is an interactive
environment whose users install what they need on top, and notebook stacks float their toolkits on
purpose (jupyter/docker-stacks leaves every package unpinned by policy; gpu-jupyter, generated from
it, pins TensorFlow and PyTorch in their own commands and floats some 40 packages in the others).
There DF401 reports only an install command that pins some of its packages exactly and leaves others
without a version (`mamba install altair bokeh==3.9.0 …`): the bare names beside the pins are an
oversight. A command that pins none of its packages is the stack's choice and is left alone. On the
shared corpus of 776 real Dockerfiles this keeps 2 of the 31 findings DF401 gave on notebook images
(kubeflow's jupyter-scipy, 16 bare names among 14 pins in one `mamba install`; a Spark and Jupyter
image that pins `transformers==4.27.4` beside ten bare names). In six random samples of 50 default
findings, reviewers reading the files judged the jupyter-scipy finding worth telling (both times it
was drawn) and the six others drawn on notebook images (ml-workspace, gpu-jupyter, the Jupyter
stages of two NVIDIA examples) deliberate floating, not worth telling. Set `check-notebook-images`
to check a notebook image as any other.

A toolchain or training image in which no Python or conda package is pinned anywhere (and no
requirements or constraints file is read) follows the newest releases on purpose, and is left alone:
a build or interactive environment, a training image built on a library's newest release or its main
branch. A service, or an image whose purpose the file does not say, is reported all the same: what it
serves changes under it with each rebuild. Where the file pins some packages, such an image is judged
as a notebook image is: only an install command that pins some of its names and leaves others bare
is reported (`pip install accelerate datasets==4.1.1`); a command of bare names beside the pinned
stack is the author's choice (Google Cloud's Hugging Face training containers pin the Hugging Face
libraries through build arguments and float the Google Cloud SDKs in their own command; LLaMA-Factory's
Megatron image installs a library from its main branch, as its README says to). In samples of 50
default findings, reviewers reading the files judged 2 of the 23 DF401 findings drawn on training and
toolchain images worth telling, both the same finding, which this leaves out (an AWS training
container's `uv pip install deepspeed liger-kernel bitsandbytes`); on the shared corpus it leaves out 9
of 16 such findings. Set `check-files-without-pins` to report those images as any other.

## Why is this bad?
An unpinned install resolves to whatever is newest on the day of the build. Two builds of the same
Dockerfile then ship different code: a new torch or transformers release can change numerical
results, break the model-loading code, or pull a different CUDA build several gigabytes larger.
Reproducible inference images need every dependency fixed, and a rebuild for a security fix should
change only what was meant to change.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch "transformers>=4.40"
CMD ["python", "-m", "server"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir torch==2.4.0 transformers==4.44.2
CMD ["python", "-m", "server"]
```

## Options
- `include-installers` (default `false`): also flag unpinned `pip`, `setuptools`, `wheel`, `uv` and the
  build helpers (`packaging`, `ninja`, …).
- `check-upgrades` (default `false`): also flag packages named with `-U`/`--upgrade`.
- `each-package` (default `false`): one finding per unpinned package instead of one per install command.
- `check-files-without-pins` (default `false`): check toolchain and training images as any other: those
  that pin no Python or conda package at all, and every install command in the others.
- `check-notebook-images` (default `false`): in a notebook or workbench image, also report the install
  commands that pin none of their packages (and an image that pins nothing at all), as in any other image.
- `report-floors` (default `false`): also report the lower bounds set on purpose described above.
- `report-caps` (default `false`): also report caps, versions given only by upper bounds and excluded
  releases (`<1.24.0`, `!=8.3.0`).
- `report-series` (default `false`): also report minor series (`==1.9.*`, conda `=7.24.*`) and conda's
  build selectors (`cpuonly`, `nomkl`).
- `check-prereleases` (default `false`): also report pre-release and nightly installs and the installs
  on a nightly base.
- `check-build-stages` (default `false`): also report a build stage's own tools, installed where no
  copy takes them into the image.
- `check-every-package` (default `false`): also report helpers, the unpinned names that are no
  framework, runtime, GPU wheel or branch install.

## References
- [pip: Repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
- [PEP 440: Version matching](https://peps.python.org/pep-0440/#version-matching)
- [conda: Package match specifications](https://docs.conda.io/projects/conda-build/en/latest/resources/package-spec.html#package-match-specifications)
- [hadolint DL3013](https://github.com/hadolint/hadolint/wiki/DL3013)
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from dflint.build_deps import branch_not_taken, python_build_helper, python_installer
from dflint.commands import covering
from dflint.data import load
from dflint.filesystem import install_write, ships
from dflint.model import Dockerfile, Instruction, PackageOp, Requirement, Stage, split_image
from dflint.rule import Finding, Group, RuleMeta, Severity, clip

from ._pins import (
    VERSION_BOUND,
    Pins,
    capped,
    closed_line,
    invocation,
    pinned,
    pins_for,
    python_installs,
    reads_pip_files,
    release,
    requirement_files,
    series_pin,
    substance,
    why_not,
)

META = RuleMeta(
    code="DF401",
    name="unpinned-package",
    severity=Severity.WARNING,
    summary="A Python package is installed without an exact version",
    skip_images_nobody_deploys=True,
)


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: installers and build helpers, upgrades, one finding per package, files without pins,
    notebook images, security floors, caps, series pins, pre-release installs."""

    include_installers: bool = False
    check_upgrades: bool = False
    each_package: bool = False
    check_files_without_pins: bool = False
    check_notebook_images: bool = False
    report_floors: bool = False
    report_caps: bool = False
    report_series: bool = False
    check_prereleases: bool = False
    check_build_stages: bool = False
    check_every_package: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    if not options.check_files_without_pins and _floats_on_purpose(dockerfile):
        return  # an image that follows the newest releases on purpose
    nightly = _nightly_stages(dockerfile) if not options.check_prereleases else frozenset()
    kind = dockerfile.purpose.kind if dockerfile.purpose is not None else None
    # an interactive or training environment floats on purpose: only a command that pins some names and
    # leaves others bare is an oversight there
    mixed_only = (kind == "notebook" and not options.check_notebook_images) or (
        kind in _FLOATING_KINDS and not options.check_files_without_pins
    )
    removals = _removals(dockerfile)  # read once: most files uninstall nothing
    shipped = {stage.index for stage in dockerfile.shipped_stages()}
    built = dockerfile.shipping().built
    for stage in dockerfile.stages:
        if stage.index in nightly:
            continue  # a stage built on a nightly image follows the nightlies on purpose
        build_only = stage.index in built and stage.index not in shipped and not options.check_build_stages
        later = _later_pins(stage)
        reported: set[str] = set()  # a name told once per stage: `pip install fschat` then `fschat[webui]`
        for instruction in stage.instructions_of("RUN"):
            security = not options.report_floors and _under_security_comment(dockerfile, instruction)
            earlier = False
            for op in python_installs(instruction):
                follows = earlier
                earlier = earlier or bool(op.packages)
                if not op.packages:
                    continue
                if branch_not_taken(stage, instruction, op) is not None:
                    continue  # an `if` branch this build does not take (`[ "$TF_PACKAGE" = tf-nightly ]`)
                if not options.check_prereleases and _prerelease_install(op):
                    continue
                if mixed_only and not _pins_a_package(op):
                    continue  # a notebook stack or a training image floats what this command installs on purpose
                if build_only and _stays_in_build_stage(dockerfile, stage, instruction, op):
                    continue  # tools of a build stage, installed where nothing is copied out of
                after = later.get(id(op), _NOTHING_LATER)
                if after.unknown:
                    continue  # a later install reads a requirements file that may pin these names
                removed = _uninstalled_after(dockerfile, removals, stage, instruction) if removals else frozenset()
                unpinned = [
                    requirement
                    for requirement in _unpinned(op, instruction, options, security=security, follows=follows)
                    if requirement.name not in after.names
                    and requirement.name not in reported
                    and requirement.name not in removed
                ]
                if not unpinned:
                    continue
                if not options.check_every_package:
                    unpinned = [requirement for requirement in unpinned if substance(requirement)]
                    if not unpinned:
                        continue  # helpers only (`botocore`, `uvloop`, `requests`): a pin nobody needs
                reported.update(requirement.name for requirement in unpinned if requirement.name)
                if options.each_package:
                    for requirement in unpinned:
                        yield _one(requirement, op, stage.label, stage.name)
                    continue
                # the install commands of one RUN are one edit (`uv tool install a && uv tool install b`)
                run = Group(f"run {instruction.index}", "this RUN", "install")
                if len(unpinned) == 1:
                    yield dataclasses.replace(_one(unpinned[0], op, stage.label, stage.name), group=run)
                else:
                    yield dataclasses.replace(_grouped(unpinned, op, stage.label, stage.name), group=run)


def _stays_in_build_stage(dockerfile: Dockerfile, stage: Stage, instruction: Instruction, op: PackageOp) -> bool:
    """The install writes its packages into a tree that no copy takes into the shipped image (the
    build stage's own site-packages or a tool environment, while only `/install` or a built wheel is
    copied on). Unknown when the tree is unknown: then it may ship."""
    trees = install_write(dockerfile, stage, instruction, op)
    return bool(trees) and ships(dockerfile, stage, instruction, trees, tree=True) is None


def _version_pin(requirement: Requirement) -> bool:
    """The requirement pins one version by name (`einops==0.8.0`); a VCS or URL install of the same
    project does not replace an installed release of the same version."""
    return requirement.name is not None and requirement.kind == "name" and bool(requirement.pinned)


_NOTHING_LATER = Pins(frozenset(), unknown=False)


def _uninstalled_after(
    dockerfile: Dockerfile, removals: tuple[tuple[Stage, int, str], ...], stage: Stage, instruction: Instruction
) -> frozenset[str]:
    """The Python packages a later RUN of the stage, or of a stage built FROM it, uninstalls (`pip
    uninstall -y typing`: `removals`, from `_removals`): whatever version was installed, the image
    built on it does not keep it."""
    names: set[str] = set()
    for other, index, name in removals:
        if other.index == stage.index:
            if index > instruction.index:
                names.add(name)
        elif stage.index in {ancestor.index for ancestor in dockerfile.ancestry(other)[1:]}:
            names.add(name)
    return frozenset(names)


def _removals(dockerfile: Dockerfile) -> tuple[tuple[Stage, int, str], ...]:
    """Every `pip`/`uv` uninstall of the file: its stage, its RUN's index and the name it removes."""
    return tuple(
        (stage, run.index, requirement.name)
        for stage in dockerfile.stages
        for run in stage.instructions_of("RUN")
        for op in run.packages
        if op.manager in ("pip", "uv") and op.verb == "remove"
        for requirement in op.packages
        if requirement.name
    )


def _later_pins(stage: Stage) -> dict[int, Pins]:
    """For each pip install of the stage (by `id`), what the pip installs after it in the stage pin:
    a name a later command pins exactly, or a later requirements file pins, ends up at that version
    whatever the earlier install resolved (pip replaces it); a later requirements file that cannot be
    read may pin any of them (`unknown`). A constraints file installs nothing by itself, and conda,
    pipx and `uv tool` keep their own environments, so neither counts."""
    ops = [op for instruction in stage.instructions_of("RUN") for op in python_installs(instruction) if reads_pip_files(op)]
    result: dict[int, Pins] = {}
    names: frozenset[str] = frozenset()
    unknown = False
    for op in reversed(ops):
        result[id(op)] = Pins(names, unknown)
        if op.has_flag("--prefix", "--target", "-t", "--root"):
            continue  # installs into another tree: what the earlier install put in place stays
        pinned_here = {r.name for r in op.packages if r.name is not None and _version_pin(r)}
        for file in requirement_files(op):
            if file.status == "read":
                pinned_here.update(r.name for r in file.requirements if r.name is not None and _version_pin(r))
            else:
                unknown = True
        names = names | pinned_here
    return result


_FLOATING_KINDS = frozenset({"toolchain", "training"})  # a service, or an image whose purpose is unknown, is checked


def _floats_on_purpose(dockerfile: Dockerfile) -> bool:
    """A toolchain or training image in which no Python or conda package is pinned (a pinned
    installer counts: the author pins what matters to them; conda's `python=3.11` chooses the
    interpreter, not a package's version, and does not)."""
    if dockerfile.purpose is None or dockerfile.purpose.kind not in _FLOATING_KINDS:
        return False
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            for op in python_installs(instruction):
                if _pins_a_package(op):
                    return False
                if op.files:
                    return False  # a requirements or constraints file may pin them
    return True


def _pins_a_package(op: PackageOp) -> bool:
    """The command names a package with an exact version (conda's `python=3.11` chooses the
    interpreter and does not count)."""
    return any(
        pinned(requirement, op.manager) is True and requirement.kind == "name" and requirement.name != "python"
        for requirement in op.packages
    )


def _unpinned(
    op: PackageOp, instruction: Instruction, options: Options, *, security: bool = False, follows: bool = False
) -> Iterator[Requirement]:
    pins = pins_for(op, instruction)
    floors = () if options.report_floors else _security_floors(op, security=security, follows=follows)
    upgrade = op.has_flag("-U", "--upgrade")
    locked = _locked_companions(op)
    series_bound = _series_companions(op)
    for requirement in op.packages:
        if requirement in floors or requirement in locked:
            continue
        if op.command.cut_by_output(requirement.span) is not None:
            continue  # `numba>=0.57.1` unquoted: the shell cut the range off, DF408's finding (one per word)
        if not options.report_series and (
            series_pin(requirement, op.manager) or _variant_selector(requirement, op.manager) or requirement in series_bound
        ):
            continue
        if not options.report_caps and capped(requirement):
            continue
        if closed_line(requirement):
            continue  # `protobuf>=3.18.3,<4`: the 3.x line ended with 3.20.3, so every build gets that one
        if requirement.span is None or requirement.name is None and requirement.kind == "name":
            continue
        if pinned(requirement, op.manager) is not False:
            continue
        if python_installer(requirement.name) or python_build_helper(requirement.name):
            if not options.include_installers:
                continue
        elif upgrade and not options.check_upgrades:
            continue
        if pins.unknown or (requirement.name is not None and requirement.name in pins.names):
            continue
        yield requirement


_FLOOR = re.compile(r">=\s*[0-9][0-9A-Za-z.+!-]*")  # one lower bound, nothing else: `>=1.79.3`
_SECURITY_WORDS = re.compile(r"\b(?:CVEs?|CVE-\d{4}-\d+|GHSA-[0-9a-z-]+|CWE-\d+|security|vulnerab\w*)\b", re.IGNORECASE)


def _bounded_floor(spec: str) -> bool:
    """A lower bound, alone or with upper bounds and exclusions beside it, in any order:
    `>=12.1.1`, `>=3.20.0,<=3.20.3`, `<82,>=78.1.1`."""
    operators = []
    for part in (spec or "").split(","):
        match = VERSION_BOUND.fullmatch(part)
        if match is None:
            return False
        operators.append(match.group(1))
    return ">=" in operators


def _under_security_comment(dockerfile: Dockerfile, instruction: Instruction) -> bool:
    """The comment right above the RUN (or one inside it) says it patches security issues: `# Patch
    CVEs`, `# Security patches — Python packages`."""
    return any(_SECURITY_WORDS.search(text) for text in dockerfile.comments_about(instruction))


def _locked_companions(op: PackageOp) -> frozenset[Requirement]:
    """The bare companions whose every release requires one exact release of a partner pinned exactly
    in the same install: `torch==2.4.0 torchvision torchaudio` (`data/pinning.json`
    `locked_companions`)."""
    partners = _companions()
    exact = {r.name.lower() for r in op.packages if r.name is not None and pinned(r, op.manager) is True}
    return frozenset(
        r for r in op.packages if r.name is not None and not r.spec and r.kind == "name" and partners.get(r.name.lower()) in exact
    )


def _series_companions(op: PackageOp) -> frozenset[Requirement]:
    """The bare companions a partner pinned exactly in the same install holds to its own minor series:
    `tensorflow-cpu==2.9.2 keras` resolves a keras 2.9.x (`data/pinning.json` `series_companions`)."""
    facts = load("pinning")["series_companions"]["packages"]
    exact = {
        r.name.lower(): r.spec.lstrip("=").strip()
        for r in op.packages
        if r.name is not None and r.kind == "name" and pinned(r, op.manager) is True
    }
    bound: list[Requirement] = []
    for requirement in op.packages:
        entry = facts.get((requirement.name or "").lower()) if requirement.kind == "name" and not requirement.spec else None
        if entry is None:
            continue
        low, high = release(entry["from"]), release(entry["before"])
        for partner in entry["partners"]:
            version = release(exact.get(partner, ""))
            if version is not None and low is not None and high is not None and low <= version < high:
                bound.append(requirement)
                break
    return frozenset(bound)


@cache
def _companions() -> dict[str, str]:
    return dict(load("pinning")["locked_companions"]["packages"])


def _variant_selector(requirement: Requirement, manager: str) -> bool:
    """A conda metapackage that selects which build of other packages is installed (`cpuonly`, `nomkl`):
    it has no code whose version matters (`data/pinning.json`)."""
    if manager != "conda" or requirement.spec or requirement.name is None:
        return False
    return requirement.name in _variant_selectors()


@cache
def _variant_selectors() -> frozenset[str]:
    return frozenset(load("pinning")["conda_variant_selectors"]["names"])


def _prerelease_install(op: PackageOp) -> bool:
    """An install that asks for pre-releases or nightlies on purpose: `pip install --pre`, an index or
    find-links URL of nightly builds, or a package published as nightlies (`tf-nightly`)."""
    if op.manager in ("pip", "uv") and op.has_flag("--pre"):
        return True
    if any(index.url is not None and "nightly" in index.url.lower() for index in op.indexes):
        return True
    return any(requirement.name is not None and "nightly" in requirement.name.split("-") for requirement in op.packages)


def _nightly_stages(dockerfile: Dockerfile) -> frozenset[int]:
    """The stages whose FROM chain starts from an image whose name or tag says it is a nightly build
    (`pytorch/torchserve-kfs-nightly:latest-gpu`, `rayproject/ray:nightly-gpu`): what is installed on
    top follows it. One pass: a stage built FROM another inherits its answer."""
    nightly: set[int] = set()
    for stage in dockerfile.stages:
        if stage.base_stage is not None:
            if stage.base_stage in nightly:
                nightly.add(stage.index)
        elif stage.base_resolved is not None:
            name, tag, _ = split_image(stage.base_resolved)
            if "nightly" in re.split(r"[-_.:/]", f"{name}:{tag or ''}".lower()):
                nightly.add(stage.index)
    return frozenset(nightly)


def _security_floors(op: PackageOp, *, security: bool = False, follows: bool = False) -> tuple[Requirement, ...]:
    """Lower bounds set on purpose, left alone unless `report-floors` is set:
    - under a comment that says the RUN patches security issues, every lower bound (`>=`, also with an
      upper bound beside it) of the command;
    - the lone `>=` bounds of a command that installs nothing else, after an earlier install in the
      same RUN: a dependency of what was just installed raised to a fixed release;
    - the lone `>=` bounds of a command whose every other package is pinned exactly (at least one).
    Bare names and upper bounds alone are never floors."""
    if security:
        return tuple(
            requirement for requirement in op.packages if requirement.kind == "name" and _bounded_floor(requirement.spec)
        )
    floors: list[Requirement] = []
    exact = 0
    for requirement in op.packages:
        if python_installer(requirement.name):
            continue
        if requirement.kind == "name" and _FLOOR.fullmatch(requirement.spec.strip()):
            floors.append(requirement)
        elif pinned(requirement, op.manager) is True:
            exact += 1
        else:
            return ()
    return tuple(floors) if exact or (follows and floors) else ()


def _one(requirement: Requirement, op: PackageOp, label: str, stage: str | None) -> Finding:
    assert requirement.span is not None
    problem, action = why_not(requirement, op.manager)
    raw = requirement.raw or requirement.name or "?"
    return Finding(
        META,
        requirement.span,
        f"`{clip(raw)}` {problem} in {label}; {action}",
        stage=stage,
        detail=f"`{raw}` {problem} (`{invocation(op)}` in {label}): every rebuild may install"
        f" different code; {action}, e.g. from a lock file ({_lockers(op.manager)})",
    )


def _grouped(unpinned: list[Requirement], op: PackageOp, label: str, stage: str | None) -> Finding:
    spans = [requirement.span for requirement in unpinned if requirement.span is not None]
    raws = [requirement.raw or requirement.name or "?" for requirement in unpinned]
    names = ", ".join(f"`{raw}`" for raw in raws)
    reasons = "; ".join(f"`{raw}` {why_not(requirement, op.manager)[0]}" for raw, requirement in zip(raws, unpinned))
    return Finding(
        META,
        covering(spans[0], spans[-1]),
        f"{len(unpinned)} packages without an exact version in `{invocation(op)}` in {label} ({clip(names, 48)}); pin each",
        stage=stage,
        detail=f"`{invocation(op)}` in {label} installs {len(unpinned)} packages without an exact version: {reasons}."
        f" Every rebuild may install different code; pin each with `==`, e.g. from a lock file ({_lockers(op.manager)})",
    )


def _lockers(manager: str) -> str:
    """The tools that write a lock file for the installer: conda-lock for conda, mamba and micromamba
    environments, pip-compile and uv for the Python installers."""
    return "conda-lock" if manager == "conda" else "pip-compile, `uv pip compile`"
