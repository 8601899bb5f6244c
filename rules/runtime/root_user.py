"""## What it does
Flags an image that runs as root: the last `USER` of the final stage (or of the stages it is built
FROM) is `root` or `0`, or there is no `USER` at all. Only the final stage matters, so a build stage
may stay root. It stays silent when:

Only images that run a service are checked: the model decides what an image is for (`dflint/purpose.py`), and a base image with no command or port, a CI or test image, a development container, a toolchain whose command is a shell or an interpreter's prompt, a training image (a job, often run as root for its GPU, network and MPI set-up, not a service), a sidecar (a file or folder named `sidecar` or `metricscollector`: it runs in its workload's pod and shares its volumes and processes, so who it runs as follows the pod; reviewers found the advice broke Kubeflow Katib's metrics collectors, which signal the trial's process, and vLLM production-stack's sidecar, which writes into a volume of the root vLLM container), a one-shot job (no port, and its command, final stage or folder names a migration, seed data or a backfill: chroma's `spanner_migration` target, the example voting app's `seed-data`; reviewers judged all four such corpus findings not worth telling) or a command-line tool (no port, and a default command that only prints the program's help or version: `CMD ["python", "-m", "agent", "--help"]`; users run it with a task each time) or a documentation sample (under a docs folder's `samples/` or `examples/`, or another folder below it: what a walkthrough has its reader build, not what the project deploys; reviewed samples of dflint's findings judged DF620 on such files not worth telling in 4 of 4, e.g. kserve's `docs/samples/…`, whose product images do set a USER) is left alone. A Windows container (`dflint/windows.py`) is left alone too: its users are ContainerUser and ContainerAdministrator, with no `useradd` to create one.

- the user comes from a variable whose value is unknown (`USER $APP_USER` without a default);
- there is no USER and the base image is not one known to run as root: `scratch`, the Docker
  official OS and language images (`debian`, `ubuntu`, `alpine`, `python`, `node`, `golang` …) and the
  usual ML bases (`nvidia/cuda`, `pytorch/pytorch`, `tensorflow/tensorflow`, NGC framework images,
  conda images), none of which sets a USER. Another base may set its own user (many vendor images
  do), so dflint cannot tell; list such bases in `root-images` to have them checked;
- a tag says the base runs as non-root (distroless `:nonroot`, `:debug-nonroot`), or the base is
  listed in `non-root-images`;
- the ENTRYPOINT or CMD drops privileges itself (`gosu`, `su-exec`, `setpriv`, `runuser`,
  `chroot --userspec`), or runs a server whose root master starts its workers as the user its
  configuration names (`php-fpm`, `nginx`, `httpd`: `dflint/data/image_users.json`
  `drops_privileges`; the official php-fpm images work this way);
- the command runs a program that needs root to do its work (`ldconfig`, which writes
  `/etc/ld.so.cache`; `sysctl`, `modprobe`, `iptables`, `mount`; NVIDIA's `nvidia-device-plugin`, which
  serves its socket in the kubelet's root-only `/var/lib/kubelet/device-plugins/`: `dflint/data/image_users.json`
  `needs_root`, with sources);
- the image ships a host agent, a program that starts containers through the Docker daemon's socket
  mounted into it (Determined's `determined-agent`, copied into `/usr/bin`: its documentation says
  the agent container must bind mount `/var/run/docker.sock`, which is root:docker 0660;
  `dflint/data/image_users.json` `host_agents`, with the source);
- the script the image starts with, read from the build context (`COPY prepare.sh /usr/bin/` and
  `ENTRYPOINT ["tini", "--", "/usr/bin/prepare.sh"]`: `dflint/start_script.py`), installs packages
  into the system's directories when the container starts (`apt-get install`, `apk add`, `conda
  install`, a `pip install` without `--user`) or runs one of those programs: dask's image installs
  the packages its users name in `EXTRA_APT_PACKAGES` and `EXTRA_CONDA_PACKAGES` that way, and a USER
  alone would break it; so does a script that builds code when the container starts (`make build`,
  CMake, a compiler: `StartScript.builds`, as DF201 and DF202 decide it), which writes the build into
  the image's directories (llama-cpp-python's `run.sh` runs `make build`, a `pip install -e .` into
  the system's site-packages; a reviewer); so does a script that raises the locked-memory limit
  (`ulimit -l unlimited`, llama-cpp-python's `start_server.sh` "for mlock support"): without `-S` it
  sets the hard limit too, which only a process with `CAP_SYS_RESOURCE` may raise (setrlimit(2)), a
  capability the container's root is given with `--cap-add SYS_RESOURCE` and a user never has
  (`dflint/data/image_users.json` `raises_limits`; two reviewers judged DF620 there not worth telling,
  root being the author's choice);
- the image runs a model server whose start pip-installs the model's own `requirements.txt` into the
  system's site-packages: the Hugging Face inference toolkit installed or copied into a shipped stage
  (its `entrypoint.sh` runs `pip install -r ${HF_MODEL_DIR}/requirements.txt`, no `--user`;
  `into_system` in `dflint/data/build_tools.json`'s `installs_at_start`, as the model decides in
  `dflint/build_deps.py`). Reviewers judged DF620 on Google Cloud's Hugging Face inference images
  wrong or not worth telling (3 of 3): their entrypoint also writes the model under `/opt`;
- the command passes `--allow-root` (Jupyter refuses to start as root without it), or the image
  names root as its notebook user (`ENV NB_USER=root`, the variable the Jupyter Docker Stacks name
  their notebook user with; ml-workspace sets it with `HOME=/root`), or is built FROM a base that
  does so itself (`mltooling/ml-workspace`: `root_by_design` in `dflint/data/image_users.json`):
  root is chosen in so many words;
- the model says the image is built for a platform that runs containers as root and needs it: SageMaker
  (a `com.amazonaws.sagemaker.*` label, a `SAGEMAKER_*` setting, a SageMaker toolkit installed, or
  a final stage named for it, as in the AWS deep learning containers' `*-sagemaker` stages;
  `dflint/data/image_purposes.json` `platforms`). SageMaker's inference contract needs root
  (aws/sagemaker-inference-toolkit#72), so a USER would break the image where it is deployed;
- the image exposes a port below 1024, or sets `PORT` to one at the end of its final stage (`ENV
  PORT=80`, the variable text-generation-inference and Cloud Run's contract read for the port to
  listen on) (unless `check-privileged-ports` is set). Root is then how it
  binds the port: a non-root process may bind it only where `net.ipv4.ip_unprivileged_port_start`
  allows it (Docker Engine sets it to 0 in containers since 20.10, moby/moby#41030; Kubernetes leaves
  the kernel's 1024) or with `CAP_NET_BIND_SERVICE`, so a USER alone breaks the service. On the shared
  corpus of 776 Dockerfiles this leaves out 3 findings: traefik's `EXPOSE 80` (a reverse proxy,
  judged root by design and not worth telling in a reviewed sample) and the two port-80 front ends of
  Docker's example voting app. With the option set, the message says to listen above 1023 as well.

When the image starts with a script copied from the build context and the context does not hold it
(a Dockerfile linted away from its repository, or with the wrong `--context`), what the container
does when it starts is unknown, and so is whether a USER would break it: DF620 says nothing
(`start_script.unread_start_script`). On the shared corpus, where each Dockerfile stands without its
repository, this leaves out 14 findings, among them five judged wrong in reviewed samples: dask's
`prepare.sh` and AWS's Ray `dockerd_entrypoint.sh` install packages at start, and Google Cloud's TGI
TPU `entrypoint.sh` raises the locked-memory limit; in the repositories the scripts are read.

It stays silent, too, when the repository runs the image as a user other than root: every compose
service of the repository that builds this Dockerfile (found as for the build context, from the
Dockerfile's folder up to the repository root: `dflint/deployment.py`) sets `user:` to one
(text-generation-webui's compose files run its images as `${APP_RUNTIME_UID:-6972}`, a variable's
default taken as Compose takes it). One service without `user:`, or with root or a variable with no
value, and the image's own user is what runs: reported. With no compose service, the same holds for
the repository's Kubernetes manifests (YAML in folders named `manifests`, `deploy`, `k8s` … beside the
Dockerfile's folder or a folder above it): every workload container that runs the image the
repository builds from this Dockerfile (the `-t` of its build command in a Makefile, script or
workflow) sets a non-zero `runAsUser`, its own or its pod's. Kubeflow's Jupyter, volumes and
tensorboards web apps and Katib's UI, DB manager and controller run so (`runAsUser: 1000`;
reviewers had judged DF620 on four of them deliberate or not worth telling). `runAsNonRoot: true`
alone is not enough: the kubelet then refuses to start an image whose user is root, so the image
needs the USER this rule asks for. An image every compose service of the repository runs as an
interactive shell (`command: bash` with `tty: true` or `stdin_open: true`) is a workbench its user
works in, not a service, and is left alone too (LLaMA-Factory's CUDA, ROCm and NPU images; a reviewer
judged DF620 there not worth telling). So is an image a compose service runs with `privileged: true` or
the Docker daemon's socket mounted (`/var/run/docker.sock`): it drives the host, as root by design (the
socket is root:docker 0660; ragflow's sandbox executor manager starts its sandboxes through it, and a
reviewer found a USER would break it). So is an image every `docker run` of which in the repository's
READMEs adds capabilities (`--cap-add SYS_RESOURCE`), which only root's processes hold, or runs it
`--privileged`, or names a non-root `--user`: the README's code blocks build the Dockerfile under a tag
(`cd ./openblas_simple`, `docker build -t openblas_simple .`) and run that tag
(`dflint/readme_runs.py`; llama-cpp-python's quick-start images, whose mlock needs the capability:
reviewers judged DF620 there not worth telling, ten times).

An image nobody deploys is not checked either: the engine skips DF620 on CI and test images,
development containers, documentation builders and documentation samples (`Purpose.ships`).

## Why is this bad?
A process running as root in a container is root on the host's kernel: a bug in the model server,
a malicious pickle in a model file or a vulnerable dependency then has the most it can get, and a
container escape lands as root. Kubernetes clusters that enforce the "restricted" Pod Security
Standard refuse to start such images (`runAsNonRoot`).

Create a user and switch to it at the end of the final stage; give it the files it must write
(model cache, logs) with `COPY --chown` or `chown` in the same RUN that creates them: the detail
says so, since a server that writes under a root-owned directory when it starts (a model directory
under `/opt`) fails as another user. On an AMD ROCm or Intel oneAPI base, or with Vulkan's loader or drivers
installed (`libvulkan1`, `mesa-vulkan-drivers`), the GPU's devices (`/dev/kfd`, `/dev/dri`) belong
to the host's `video` and `render` groups (Debian's udev rules: render nodes `render`, mode 0660),
which a non-root user reaches only when the container runs with them added: the message says so,
and the detail gives the flags by the host's numbers (`--group-add $(getent group render | cut -d:
-f3)`), since the image may not define these names or may number them otherwise
(`dflint/data/image_users.json` `device_groups`, with sources). NVIDIA's container toolkit
opens its devices to any user, so a CUDA image needs nothing of the kind. When the image
runs something from root's home (its command's program is under `/root`, or an `ENV PATH` entry
leads there: `/root/.local/bin`, a pipx venv), the message says to move it too: `/root` is readable by
root alone (mode 700 in the Debian, Ubuntu and Alpine images), so a USER by itself would break the
image. So does what a COPY or ADD puts under /root for a program to find through HOME (Roboflow's
Jetson images copy Triton's toolchain into `/root/.triton` from their builder; a reviewer judged the
advice without it wrong), a shell's own dotfiles (`/root/.bashrc`) aside. So does a model a RUN downloads at build time into Hugging Face's default cache (`from_pretrained`,
`snapshot_download`, `huggingface-cli download` with no `HF_HOME` set: `/root/.cache/huggingface`):
the message says to set `HF_HOME` outside /root before the download (NeMo-Guardrails' jailbreak
detection image; two reviewers). So does nltk's data downloaded with no directory given (`nltk.download('punkt')`):
nltk puts it in the first directory of its search path that exists and is writable, else `~/nltk_data`
(its `Downloader.default_download_dir`), root's in a fresh image (NeMo-Guardrails' AlignScore image; a reviewer). A base with no
shell cannot create a user: on `scratch` the message suggests a numeric `USER 65532:65532` (a uid
needs no `/etc/passwd` entry), on a distroless base the `nonroot` user it provides
(`dflint/data/image_users.json`, `no_shell`). A base that creates a non-root user of its own gets
that user named (`USER node` on the official node images: `provided_users`). A flattened image
(`FROM scratch` and `COPY --from=base / /`, as Roboflow Inference's images are made) still runs as
root, since USER is not part of a filesystem, but it holds the copied stage's filesystem, `useradd`
included: the advice follows that stage's base (`dflint/imagerefs.py`, `flattened_from`). Where the
base is made of build arguments, the detail names it as written and as the defaults make it.

This is hadolint's DL3002, Trivy's DS-0002 and Checkov's CKV_DOCKER_3 / CKV_DOCKER_8.

## Example
```dockerfile
FROM python:3.11-slim
COPY app /app
CMD ["python", "/app/serve.py"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 app
COPY --chown=app app /app
USER app
CMD ["python", "/app/serve.py"]
```

## Options
- `root-images` (default `[]`): more base images (names without tag) known to run as root.
- `non-root-images` (default `[]`): base images (names without tag, such as
  `cgr.dev/chainguard/python`) known to run as a non-root user, so no USER is needed.
- `check-privileged-ports` (default `false`): also report an image that exposes a port below 1024,
  telling it to listen above 1023 as well.

## References
- [Docker: Dockerfile best practices, USER](https://docs.docker.com/build/building/best-practices/#user)
- [Kubernetes: Pod Security Standards, restricted](https://kubernetes.io/docs/concepts/security/pod-security-standards/)
- [distroless: nonroot tags](https://github.com/GoogleContainerTools/distroless#debug-images)
- [hadolint DL3002](https://github.com/hadolint/hadolint/wiki/DL3002), [Trivy DS-0002](https://avd.aquasec.com/misconfig/ds002)
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from dflint.build_deps import installs_into_system_at_start
from dflint.data import load
from dflint.deployment import documented_runs_choose_user, drives_the_host, runs_a_shell_session, runs_as_non_root
from dflint.imagerefs import flattened_from
from dflint.model import Dockerfile, Instruction, ShellCommand, Stage, normalise_image, split_image
from dflint.purpose import command_program, exposed_ports
from dflint.rule import Finding, RuleMeta, Severity
from dflint.shipping import chains
from dflint.start_script import unread_start_script
from dflint.windows import builds_windows

META = RuleMeta(
    code="DF620",
    name="root-user",
    severity=Severity.WARNING,
    summary="The image runs as root: no USER, or the last USER is root",
    skip_images_nobody_deploys=True,
)

_ROOT = frozenset({"root", "0"})
_DROPS_PRIVILEGES = ("gosu", "su-exec", "setpriv", "runuser", "--userspec", "s6-setuidgid", "chpst")


@dataclass(frozen=True, slots=True)
class Options:
    """Rule options: images known to run as root or as another user."""

    root_images: tuple[str, ...] = ()
    non_root_images: tuple[str, ...] = ()
    check_privileged_ports: bool = False


def check(dockerfile: Dockerfile, options: Options | None) -> Iterator[Finding]:
    options = options or Options()
    final = dockerfile.final_stage()
    if final is None or (dockerfile.purpose is not None and not dockerfile.purpose.serves):
        return  # a base, CI, toolchain or development image: who it runs as is the user's choice
    if dockerfile.purpose is not None and dockerfile.purpose.platform_runs_as_root:
        return  # SageMaker runs the container as root and its toolkits need it
    if builds_windows(dockerfile, final):
        return  # a Windows container: its users are ContainerUser/ContainerAdministrator, not useradd's
    if _start_script_needs_root(dockerfile) or installs_into_system_at_start(dockerfile) is not None:
        return  # it installs packages into the system or runs a root-only program when the container starts
    if unread_start_script(dockerfile) is not None:
        return  # it starts with a script the build context does not hold: what that needs is unknown
    # one chain, unless the final base is unresolvable (`FROM install-from-${FLAVOUR}`): then each
    # candidate may be what ships, and the first one that runs as root is reported
    for chain in chains(dockerfile, final):
        finding = _check_chain(dockerfile, final, chain, options)
        if finding is not None:
            if runs_as_non_root(dockerfile) is not None:
                return  # the repository's compose file runs it as a user: `user:` is its choice there
            if runs_a_shell_session(dockerfile) is not None:
                return  # its compose services open a shell in it (`command: bash`, `tty: true`): a workbench
            if drives_the_host(dockerfile) is not None:
                return  # its compose service runs it privileged or with the Docker socket: root by design
            if documented_runs_choose_user(dockerfile) is not None:
                return  # the README's `docker run` adds capabilities (root's) or names the user
            yield finding
            return


def _shown(stage: Stage) -> str:
    """The base image, and as written when build arguments make it up (`node:${NODE_VERSION}-alpine`):
    with an argument that has no default, the resolved name alone (`node:-alpine`) names no image."""
    resolved = stage.base_resolved or stage.base
    if "$" not in stage.base or resolved == stage.base:
        return f"`{resolved}`"
    return f"`{stage.base}`, `{resolved}` with the build arguments' defaults"


def _check_chain(dockerfile: Dockerfile, final: Stage, chain: tuple[Stage, ...], options: Options) -> Finding | None:
    if _drops_privileges(chain) or _root_on_purpose(chain):
        return None
    flattened = flattened_from(dockerfile, chain)  # `FROM scratch` + `COPY --from=base / /`: base's filesystem
    reference = flattened or chain[-1].base_resolved
    port, port_note = _privileged_port(chain)
    if port and not options.check_privileged_ports:
        return None  # it listens below 1024: root is how it binds the port where that needs privileges
    user = _last_user(chain)
    if user is not None:
        value = user.expand(user.arguments.strip())
        if value is None or value.split(":", 1)[0].strip() not in _ROOT:
            return None
        created = _created_user(chain)
        base = _no_shell(reference) or _provided_user(reference)
        home, home_note = _root_home(chain)
        gpu, gpu_note = _device_groups(chain)
        return Finding(
            META,
            user.arguments_span,
            f"{final.label} ends as `USER {value}`: the container runs as root; {_switch(created, base)}{port}{home}{gpu}",
            stage=final.name,
            detail=f"the last USER of {final.label} is `{value}`, so the container runs as root; {_advice(base)}{port_note}"
            f"{home_note}{gpu_note}",
        )
    root = chain[-1].base_resolved
    if root is None or chain[-1].base_candidates or _runs_as_non_root(root, options) or not _runs_as_root(root, options):
        return None
    created = _created_user(chain)
    base = _no_shell(reference) or _provided_user(reference)
    home, home_note = _root_home(chain)
    gpu, gpu_note = _device_groups(chain)
    whose = f"`{flattened}`, whose whole filesystem the stage copies in" if flattened else _shown(chain[-1])
    return Finding(
        META,
        final.from_instruction.keyword_span,
        f"{final.label} runs as root (no USER); {_switch(created, base)}{port}{home}{gpu}",
        stage=final.name,
        detail=f"{final.label} sets no USER, so the container runs as root (the user of {whose}); {_advice(base)}"
        f"{port_note}{home_note}{gpu_note}",
    )


def _root_on_purpose(chain: tuple[Stage, ...]) -> bool:
    """The command says root is meant: it passes `--allow-root` (Jupyter refuses to start as root
    without it), it is a server whose root master starts workers as a configured user (php-fpm,
    nginx, httpd: `data/image_users.json` `drops_privileges`), or a program that needs root to do
    its work (`ldconfig`, `sysctl`, `iptables`: `needs_root`)."""
    for stage in chain:
        for instruction in stage.instructions_of("ENTRYPOINT", "CMD"):
            if "--allow-root" in instruction.arguments:
                return True
    final_env = chain[0].end_env if chain else {}
    if (final_env.get("NB_USER") or "").strip() in _ROOT:
        return True  # the notebook user is root by name (`ENV NB_USER=root`, the Jupyter stacks' user variable)
    root = (chain[-1].base_resolved or "").lower() if chain else ""
    if any(root.startswith(entry["prefix"]) for entry in load("image_users")["root_by_design"]["images"]):
        return True  # a base that names root as its user (ml-workspace sets `NB_USER=root` itself)
    program, _ = command_program(chain)
    users = load("image_users")
    if program is not None and (program in users["drops_privileges"]["programs"] or program in users["needs_root"]["programs"]):
        return True
    return _ships_host_agent(chain, frozenset(users["host_agents"]["programs"]))


def _ships_host_agent(chain: tuple[Stage, ...], agents: frozenset[str]) -> bool:
    """A COPY or ADD of the chain puts a host agent's program into the image (`COPY determined-agent
    /usr/bin/determined-agent`): an agent that starts containers through the Docker daemon's socket
    (`data/image_users.json` `host_agents`), whatever script its ENTRYPOINT starts it from."""
    for stage in chain:
        for instruction in stage.instructions_of("COPY", "ADD"):
            spec = instruction.copy
            if spec is None:
                continue
            names = {posixpath.basename(source.rstrip("/")) for source in spec.sources if source}
            if spec.destination:
                names.add(posixpath.basename(spec.destination.rstrip("/")))
            if names & agents:
                return True
    return False


def _start_script_needs_root(dockerfile: Dockerfile) -> bool:
    """The script the image starts with (read from the build context: `dflint/start_script.py`)
    installs packages into the system's directories when the container starts (dask's `prepare.sh`:
    `apt install -y $EXTRA_APT_PACKAGES`, `conda install`, a `pip install` without `--user`), or runs a
    program that needs root (`needs_root`): a USER alone breaks it."""
    if dockerfile.context_dir is None:
        return False  # no build context: no script to read
    from dflint.start_script import start_script

    script = start_script(dockerfile)
    if script is None:
        return False
    if script.system_install() is not None or script.builds() is not None:
        return True  # `make build` (llama-cpp-python's `run.sh`: `pip install -e .`) writes into the image too
    python = script.python_install()
    if python is not None and not python.has_flag("--user", "--target", "-t", "--prefix"):
        return True
    users = load("image_users")
    needs_root = users["needs_root"]["programs"]
    return any(
        command.name in needs_root or _raises_hard_limit(command, users["raises_limits"]["options"])
        for command in script.commands
    )


def _raises_hard_limit(command: ShellCommand, options: list[str]) -> bool:
    """`ulimit -l unlimited`: a limit raised to unlimited without `-S` sets the hard limit too, which
    needs `CAP_SYS_RESOURCE` (`data/image_users.json` `raises_limits`)."""
    if command.name != "ulimit":
        return False
    words = [value or "" for value in command.args]
    flags = "".join(word[1:] for word in words if word.startswith("-"))
    return "unlimited" in words and "S" not in flags and any(option.lstrip("-") in flags for option in options)


def _root_home(chain: tuple[Stage, ...]) -> tuple[str, str]:
    """What the image runs from root's home: its command's program (`ENTRYPOINT ["/root/gateway"]`), a
    file its command names (`ENTRYPOINT ["python", "/root/python_side_metrics.py"]`, mosec's monitor
    example), a PATH entry (`ENV PATH=/root/.local/bin:$PATH`), or what a COPY puts there for a
    program to find through HOME (`COPY --from=builder /root/.triton/nvidia /root/.triton/nvidia`). /root is readable by root alone (mode 700 in the
    Debian, Ubuntu and Alpine images), so another user cannot run it until it moves."""
    found: tuple[str, int] | None = None
    for stage in chain:  # nearest first
        for instruction in stage.instructions_of("ENTRYPOINT", "CMD"):
            words = list(instruction.json_args) if instruction.json_args is not None else instruction.arguments.split()
            for word in words:  # the program, or a script or file it is given (`python /root/metrics.py`)
                if _IN_ROOT_HOME.match(word.strip("\"'")):
                    found = found or (word.strip("\"'"), instruction.span.line)
        for instruction in stage.instructions_of("ENV"):
            for pair in instruction.pairs:
                if pair.key != "PATH":
                    continue
                for entry in (pair.value or pair.literal or "").split(":"):
                    if _IN_ROOT_HOME.match(entry):
                        found = found or (entry, instruction.span.line)
        for instruction in stage.instructions_of("COPY", "ADD"):
            # what the image brings into root's home for a program to find there at run time (Triton's
            # toolchain in `/root/.triton`, found through HOME); a shell's own dotfiles are not that
            words = [word.value for word in instruction.words if word.value is not None]
            target = words[-1] if len(words) >= 2 else ""
            if _IN_ROOT_HOME.match(target) and not _SHELL_DOTFILE.match(target):
                found = found or (target.rstrip("/"), instruction.span.line)
        if found is not None:
            break
    found = found or _model_cache_in_root_home(chain)
    if found is None:
        return "", ""
    path, line = found
    if path == _NLTK_ROOT_DATA:
        return (
            f", and download nltk's data outside /root (line {line})",
            f". The RUN on line {line} downloads nltk's data with no directory given, so it goes to `{path}`, which only"
            " root can read (mode 700), and nltk looks in the new user's home instead: pass"
            " `download_dir='/usr/local/share/nltk_data'` (or `-d` to `nltk.downloader`), a directory nltk searches for"
            " every user",
        )
    if path == _HF_ROOT_CACHE:
        return (
            f", and set `HF_HOME` outside /root before the download (line {line})",
            f". The model line {line} downloads goes to Hugging Face's default cache, `{path}`, which only root can"
            " read (mode 700), and the server loads it from there: set `ENV HF_HOME=/opt/hf` (or another directory"
            " the user can read) before that RUN",
        )
    return (
        f", and move `{path}` (line {line}) out of /root",
        f". The image runs `{path}` (line {line}) from /root, which only root can read (mode 700):"
        " install it elsewhere (`/opt`, `/usr/local`) or in the new user's home",
    )


_IN_ROOT_HOME = re.compile(r"/root/\S")
_SHELL_DOTFILE = re.compile(r"/root/\.(?:bashrc|profile|bash_profile|zshrc|inputrc|vimrc|gitconfig|ssh)(?:/|$)")
# a RUN that downloads a Hugging Face model or dataset at build time (into HF_HOME, by default
# ~/.cache/huggingface: `data/caches.json` `huggingface`)
_HF_DOWNLOAD = re.compile(
    r"\b(?:from_pretrained|snapshot_download|hf_hub_download)\s*\(|\b(?:huggingface-cli|hf)\s+download\b|\bload_dataset\s*\("
)
_HF_ROOT_CACHE = "/root/.cache/huggingface"
# a RUN that downloads nltk's data with no directory given: nltk takes the first directory of its search
# path that exists and is writable, else `~/nltk_data` (`Downloader.default_download_dir`), which in
# a fresh image is root's
_NLTK_DOWNLOAD = re.compile(r"\bnltk\.download\s*\(|\bnltk\.downloader\b")
_NLTK_DIRECTORY = re.compile(r"\bdownload_dir\b|\bnltk\.downloader\b.*\s(?:-d|--dir)[\s=]")
_NLTK_ROOT_DATA = "/root/nltk_data"
_HF_HOMES = ("HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE", "XDG_CACHE_HOME")


def _model_cache_in_root_home(chain: tuple[Stage, ...]) -> tuple[str, int] | None:
    """A RUN of the chain (root's, before any USER) that downloads a Hugging Face model into the default
    cache, `/root/.cache/huggingface`, with no HF_HOME (or hub cache) set elsewhere: the server loads it
    from there, and another user cannot read /root (NeMo-Guardrails' jailbreak-detection image bakes
    gpt2-large that way; two reviewers)."""
    for stage in reversed(chain):  # root first: the order the RUNs ran in
        for instruction in stage.instructions:
            if instruction.keyword == "USER":
                return None  # the downloads from here on run as that user, into its home
            if instruction.keyword != "RUN":
                continue
            env = instruction.env
            if _HF_DOWNLOAD.search(instruction.text) is not None and not any(env.get(name) for name in _HF_HOMES):
                return _HF_ROOT_CACHE, instruction.span.line
            if (
                _NLTK_DOWNLOAD.search(instruction.text) is not None
                and not _NLTK_DIRECTORY.search(instruction.text)
                and not env.get("NLTK_DATA")
            ):
                return _NLTK_ROOT_DATA, instruction.span.line
    return None


def _device_groups(chain: tuple[Stage, ...]) -> tuple[str, str]:
    """The groups a GPU's device files belong to, when the image is built for such a GPU (an AMD ROCm
    or Intel oneAPI base, or Vulkan's loader or drivers installed: `/dev/kfd` and `/dev/dri` belong to
    the host's `video` and `render` groups): a non-root user reaches the GPU only when the container
    runs with them added (`data/image_users.json` `device_groups`)."""
    root = chain[-1].base_resolved if chain else None
    installed = _system_packages(chain)
    for entry in load("image_users")["device_groups"]["images"]:
        if "pattern" in entry and root and re.search(entry["pattern"], root.lower()):
            why = f"Its base `{root}` is built for {entry['gpu']} GPUs, whose"
        else:
            found = next((name for name in entry.get("packages", ()) if name in installed), None)
            if found is None:
                continue
            why = f"It installs `{found}` for {entry['gpu']} GPUs, whose"
        groups = " and ".join(f"`{group}`" for group in entry["groups"])
        flags = " ".join(f"--group-add $(getent group {group} | cut -d: -f3)" for group in entry["groups"])
        return (
            f"; run it with the host's {groups} groups added",
            f". {why} devices ({entry['devices']}) belong to the host's {groups} groups: a non-root user reaches"
            f" them only when the container runs with those groups added, by the host's numbers (`docker run {flags}`,"
            " Kubernetes `supplementalGroups`); the image may not define these names, or give them other numbers",
        )
    return "", ""


def _system_packages(chain: tuple[Stage, ...]) -> frozenset[str]:
    """The names the image's stages install with the system's package manager."""
    return frozenset(
        requirement.name
        for stage in chain
        for op in stage.package_ops(verb="install")
        if op.manager in ("apt", "apk", "dnf", "yum", "microdnf")
        for requirement in op.packages
        if requirement.name
    )


def _listen_ports(chain: tuple[Stage, ...]) -> Iterator[tuple[str, str]]:
    """The ports the image says it listens on, with how it says so: its EXPOSE instructions, and the
    `PORT` variable at the end of the final stage (`ENV PORT=80`, the port servers such as
    text-generation-inference and Cloud Run's contract read)."""
    for port in exposed_ports(chain):
        yield port, "exposes port"
    value = chain[0].end_env.get("PORT") if chain else None
    if value:
        yield value.strip(), "sets `PORT` to"


def _privileged_port(chain: tuple[Stage, ...]) -> tuple[str, str]:
    """A port below 1024 the image listens on: a non-root user must move off it, or be allowed to bind it."""
    for port, said in _listen_ports(chain):
        if port.isdigit() and 0 < int(port) < 1024:
            return (
                f", and listen on a port above 1023 (not {port})",
                f". It {said} {port}: a non-root process may bind it only where"
                " `net.ipv4.ip_unprivileged_port_start` allows (Docker sets it to 0, Kubernetes does not) or with"
                " `CAP_NET_BIND_SERVICE`; listening on a port above 1023 works everywhere",
            )
    return "", ""


def _switch(created: str | None, base: tuple[str, str] | None) -> str:
    if created:
        return f"end with `USER {created}`, the user this file creates"
    if base is not None:
        image, user = base
        if user[:1].isdigit():
            return f"end with `USER {user}` (`{image}` has no useradd)"
        return f"end with `USER {user}`, the user `{image}` provides"
    return "create a user and end with `USER <name>`"


def _advice(base: tuple[str, str] | None) -> str:
    if base is None:
        return (
            "create a user, give it the files and directories the server writes when it runs (a model cache, logs:"
            " `COPY --chown`, or `chown` in the RUN that creates them), and end with `USER <name>`"
        )
    image, user = base
    if user[:1].isdigit():
        return (
            f"`{image}` has no shell to create a user in, but a numeric USER needs no passwd entry: end with `USER {user}`"
            f" and give that uid the files it must write (`COPY --chown={user}`)"
        )
    nonroot_tag = " (or use its `:nonroot` tag)" if image.startswith("gcr.io/distroless/") else ""
    return f"`{image}` provides the non-root user `{user}`: end with `USER {user}`{nonroot_tag}"


def _no_shell(reference: str | None) -> tuple[str, str] | None:
    """(the base, the user to end with) when the shipped chain's filesystem is a base with no shell,
    where no user can be created (`scratch`, distroless: `data/image_users.json`, `no_shell`)."""
    return _base_user(reference, "no_shell")


def _provided_user(reference: str | None) -> tuple[str, str] | None:
    """(the base, its user) when the shipped chain's filesystem is an image that creates a non-root
    user of its own (`node` in the official node images: `data/image_users.json`, `provided_users`)."""
    return _base_user(reference, "provided_users")


def _base_user(reference: str | None, table: str) -> tuple[str, str] | None:
    """(the base, the user a `data/image_users.json` table gives it) for the image the chain's
    filesystem is: its root image, or the one a flattened chain copies whole (`flattened_from`)."""
    if reference is None:
        return None
    name = normalise_image(split_image(reference)[0].lower())
    for group in load("image_users").get(table, {}).values():
        if name in group.get("images", ()) or any(name.startswith(prefix) for prefix in group.get("prefixes", ())):
            return name, str(group["user"])
    return None


def _created_user(chain: tuple[Stage, ...]) -> str | None:
    """The last user a `useradd`/`adduser` in the shipped chain creates, if its name is known."""
    found: str | None = None
    for stage in reversed(chain):  # the chain runs from the final stage back to the root
        for _instruction, command in stage.commands():
            if command.name not in ("useradd", "adduser"):
                continue
            args = command.args
            skip = False
            name: str | None = None
            for word in args:
                if skip:
                    skip = False
                    continue
                if word is None:
                    name = None
                    continue
                if word.startswith("-"):
                    skip = "=" not in word and word in _VALUED_OPTIONS
                    continue
                name = word
            if name and _USER_NAME.fullmatch(name):
                found = name
    return found


_USER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_VALUED_OPTIONS = frozenset(
    "-u --uid -g --gid -G --groups -d --home -d --home-dir -s --shell -c --comment --gecos -e --expiredate -f --inactive"
    " -k --skel -K --key -p --password -h -R --root -P --prefix -Z --selinux-user --ingroup".split()
)


def _last_user(chain: tuple[Stage, ...]) -> Instruction | None:
    for stage in chain:
        users = list(stage.instructions_of("USER"))
        if users:
            return users[-1]
    return None


def _drops_privileges(chain: tuple[Stage, ...]) -> bool:
    """The command steps down to another user, or the image installs a step-down tool (gosu, su-exec)
    for its entrypoint script to use, as the official postgres, redis and mongo images do."""
    for stage in chain:
        for instruction in stage.instructions_of("ENTRYPOINT", "CMD"):
            if any(word in instruction.arguments for word in _DROPS_PRIVILEGES):
                return True
        for instruction in stage.instructions_of("RUN"):
            for command in instruction.commands:
                if (
                    command.name in _STEP_DOWN_TOOLS
                    or any(wrapper in _STEP_DOWN_TOOLS for wrapper in command.wrappers)  # `gosu nobody true`
                    or any(word.rsplit("/", 1)[-1] in _STEP_DOWN_TOOLS for word in command.args if word)  # wget -O …/gosu
                ):
                    return True
    return False


_STEP_DOWN_TOOLS = frozenset({"gosu", "su-exec"})


def _runs_as_root(reference: str, options: Options) -> bool:
    name = normalise_image(split_image(reference)[0].lower())
    for prefix in ("docker.io/", "index.docker.io/"):
        name = name.removeprefix(prefix)
    return name in _image_users("root") or name in {normalise_image(image.lower()) for image in options.root_images}


def _runs_as_non_root(reference: str, options: Options) -> bool:
    name, tag, _ = split_image(reference)
    name = normalise_image(name.lower())
    if tag and "nonroot" in tag.lower():
        return True
    return name in _image_users("non_root") or name in {normalise_image(image.lower()) for image in options.non_root_images}


@cache
def _image_users(kind: str) -> frozenset[str]:
    """Images dflint's data says run as root (`root`) or as another user (`non_root`) with no USER."""
    groups = load("image_users")[kind]
    return frozenset(image for group in groups.values() for image in group["images"])
