"""What the image a Dockerfile builds is for, decided once from evidence in the file.

- `devcontainer`: a development container or image (a target or final stage named `devcontainer`,
  `dev`, `dev-envs`…; a file under `.devcontainer/`, named `.gitpod.Dockerfile` or `Dockerfile.dev`;
  a devcontainers or Gitpod workspace base image; an image with no port whose command is a shell or a
  prompt, or none, and that gives its user sudo: a sudo group or a line in /etc/sudoers; or every
  compose service of the repository that builds it bind mounts its build context into the container,
  `.:/app`: the source is edited on the host and run from there);
- `ci`: a CI or test image (a target or final stage named `test`, `ci`, `lint`, `check`…; a file
  kept with the tests, benchmarks or the CI configuration: `tests/…/Dockerfile`, `benchmarks/…`, `.circleci/…`, `ci/…`, or named
  `Dockerfile.test`, `Dockerfile-ci`, `Dockerfile.QA`, `test.Dockerfile`; or a command that runs
  tests: `pytest`, `tox`, `nox`, `go test`, `npm test`, `make test`; or, with no port and no command
  but a shell, a package installed with its test extras: `peft[test]@git+…`, `accelerate[testing]`,
  or a tool that runs a repository's checks: `dnf install … pre-commit`);
- `training`: it trains models. Its command launches training (`torchrun`, `deepspeed`,
  `accelerate launch`, `horovodrun`, `mpirun`, `llamafactory-cli train`,
  `python -m torch.distributed.run`), whatever ports it exposes; or, when it exposes no port but
  SSH's 22 and its command runs no known server (`uvicorn`, `tritonserver` …): it sets
  `SAGEMAKER_TRAINING_MODULE` (a SageMaker training image), it installs MPI and exposes 22 (mpirun
  reaches the other nodes of a job over SSH), it installs a library that exists to train models
  (`megatron-core`, `megatron-bridge`, `apex`, `trl`, `torchtune`, `horovod`), a RUN starts a
  training launcher (`horovodrun --check-build`), its command runs a training script
  (`python3 -u run_trial.py`, `train.py`, `trainer.py`, `finetune.py`), or a folder named
  `training`/`train`/`finetune`/`trial-images` (Kubeflow Katib's hyperparameter-tuning trials) or a
  file name word (`Dockerfile.train`) says so; and, for an image whose command is a bare shell,
  a training library even with ports exposed (they are for tools started by hand). MPI without
  port 22 is not enough: inference servers use it to spread a model over GPUs;
- `notebook`: a notebook or workbench (a Jupyter or Kubeflow notebook base, an RStudio Server base
  of the rocker project (`rocker/rstudio`, `rocker/verse` …), a `jupyter`,
  `start-notebook`, `code-server` or `rstudio-server` command, `EXPOSE 8888` with no command but a
  shell (a prompt, or one whose `-c` script starts a notebook program: not `sh -c "/bin/apiserver …"`,
  Kubeflow Pipelines' API server) or with a Jupyter server installed (`pip install jupyterlab`), or a Jupyter server
  configuration file or start script copied into the image: `jupyter_notebook_config.py`,
  `jupyter_server_config.json`, `start-notebook.sh`, `start-singleuser.sh`, whatever port it exposes);
- `service`: it runs a service (a port is exposed, or the command is a program other than a shell or
  an interpreter's prompt; port 22 alone with a shell command and a user given sudo is a development
  environment, with MPI a training image);
  With no command and no port, a file or folder named for notebooks (`example-notebook-servers/`,
  `jupyter-scipy/`, `Dockerfile.notebook`) says it too when the base is a build argument
  (`FROM ${BASE_IMG}`): such images take their command from the notebook base it names. On a literal
  base that runs no notebook (`FROM nvidia/cuda:…`, gpu-jupyter's header fragment) it does not.
- `tool`: a command-line tool given its arguments on each run: it exposes no port and its default
  command only prints the program's help or version (`CMD ["python", "-m", "agent", "--help"]`,
  `ENTRYPOINT ["feast"]` with `CMD ["--help"]`), so nothing runs until a user names a task, or its
  command runs a program known to be such a tool (`ludwig`, `lightgbm`, `ruff`, `dockerfilelint`:
  `command_line_tools` in the data, each with the docs that run it with a task and bind mounts); it
  ships, but runs no service (DF620 leaves it alone);
- `job`: a one-shot job run to completion: it exposes no port, and its command or final stage names a
  migration, seed data, a backfill or an initializer (`spanner_migration`, `kserve_migration.sh`,
  Kubeflow Trainer's `python -m pkg.initializers.dataset`, which downloads the data and exits before
  training), or a folder of its path does (`seed-data/`, `initialization/`), and its command starts no server (`migrate && gunicorn
  …` serves); it ships, but runs no service (DF620 leaves it alone: `job_words` in the data, with the
  reviewed files);
- `sidecar`: a container run beside a workload in its pod, sharing its volumes and processes (a file
  or folder named `sidecar`, `metricscollector`: Kubeflow Katib's metrics collectors, which signal the
  trial's training process, and vLLM production-stack's sidecar, which writes into the volume it
  shares with the root vLLM container): who it runs as follows the pod, so DF620 leaves it alone;
- `example`: a documentation sample: under a documentation folder's samples or examples
  (`docs/samples/…/Dockerfile`, `doc/…/examples/`), or in any folder below a docs folder
  (`docs/kfp/Dockerfile`, `docs/using/recipe_code/pip_install.dockerfile`; not `docs/Dockerfile`
  itself, often the site's image): what a walkthrough has its reader build to try the project, not an
  image the project deploys, so the rules for deployed images leave it alone (`Purpose.ships`). In
  reviewed samples of default findings, 1 of 32 drawn on such files was judged worth telling its
  author (19 were on samples nobody maintains; the others judged recipes by a deployed image's
  standard);
- `toolchain`: an interactive or build image: its command is a shell or a bare interpreter
  (`CMD ["bash"]`, `CMD ["python3"]`, `CMD ["php", "-a"]`); or, when it has no command and exposes
  no port, its name says it is a build environment (a final stage, file or folder named `builder`,
  `buildenv`, `toolchain`, `devel`, `Dockerfile.sdk`) or its base is a toolchain image
  (`buildpack-deps`, `gcc`, `golang`, `rust`, `nvidia/cuda:*-devel-*`, `pytorch/pytorch:*-devel`,
  manylinux);
- `docs`: a documentation builder, run to write the docs and deployed by nobody: a file named for
  docs (`Dockerfile.docs`, `docs.Dockerfile`), or a Dockerfile under a `docs`/`doc` folder whose
  command runs a docs generator (`sphinx-build`, `mkdocs`, `hugo`, a program named `*-docs`, a
  `make …-docs` target) or that installs one (Sphinx, MkDocs, pandoc); an image whose command is a
  server (the built site behind nginx) is a service. A docs folder alone is not enough: it also holds
  sample servers;
- `testdata`: a Dockerfile kept as a test's input, not an image anyone builds (under `testdata/`,
  `testfiles/`, `test-data/`, or a data folder below a test folder: `tests/…/resources/`,
  `test/examples/`, `tests/…/fixtures/`); the engine runs no rule on it unless selected by code or name;
- `unknown`: no command, no port, no name says it (a base image, or one whose command the deployment
  gives).

An image that serves (service, notebook) also gets the platform it is built for when the file names
one (`Purpose.platform`): SageMaker, from a `com.amazonaws.sagemaker.*` label, a `SAGEMAKER_*`
setting, a SageMaker toolkit installed, or a final stage named for it. SageMaker runs containers as
root and its toolkits need it (`Purpose.platform_runs_as_root`).

The path is read below the repository root (the directory holding `.git`), so where a checkout lives
never counts; without a repository, below the current directory (a relative path as given, an
absolute one under the current directory alike), else at most three directory levels are read. The base images and
path words this module knows are in `dflint/data/image_purposes.json`, each with its source or
reason.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections.abc import Iterator
from functools import cache
from typing import Any, cast

from dflint.model import Dockerfile, Instruction, Purpose, Stage, normalise_image, split_image

SERVICE = "service"
NOTEBOOK = "notebook"
CI = "ci"
DEVCONTAINER = "devcontainer"
TOOLCHAIN = "toolchain"
TESTDATA = "testdata"
DOCS = "docs"
TRAINING = "training"
TOOL = "tool"
JOB = "job"
SIDECAR = "sidecar"
EXAMPLE = "example"
UNKNOWN = "unknown"

_DEVCONTAINER_NAME = re.compile(r"(?:^|[-_.])(?:dev-?containers?|dev|devenv|dev-envs?|development)(?:$|[-_.])", re.IGNORECASE)
_DEVELOPMENT_FILE_WORDS = frozenset({"dev", "devcontainer", "development"})
_CI_NAME = re.compile(r"(?:^|[-_.])(?:tests?|testing|ci|lint|linter|check|checks|e2e|integration)(?:$|[-_.])", re.IGNORECASE)
_TEST_RUNNERS = frozenset({"pytest", "py.test", "tox", "nox"})
_NOTEBOOK_PROGRAMS = re.compile(
    r"(?:jupyter(?:-\S+)?|jupyterhub-singleuser|start-notebook(?:\.py|\.sh)?|start-singleuser(?:\.py|\.sh)?|voila|code-server|rstudio-server)"
)
_NOTEBOOK_PORT = "8888"  # Jupyter's default port
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "fish", "pwsh", "powershell", "cmd", "cmd.exe"})
_PROMPTS = re.compile(r"(?:python[0-9.]*|node|nodejs|irb|ruby|php|R|julia|ipython[0-9]*|jshell|ghci|lua)")
_CODE_OPTIONS = frozenset({"-c", "-m", "-e", "-r", "-p", "-f", "--eval", "--print", "--require", "--file"})
_DOCKERFILE_WORDS = frozenset({"dockerfile", "containerfile"})
_PATH_LEVELS_WITHOUT_REPOSITORY = 3
_EXTRAS = re.compile(r"([A-Za-z0-9_.-]+)\[([A-Za-z0-9_.,\s-]+)\]")  # `name[test,dev]`, also in `#egg=name[test]`
# a docs/ folder also holds sample servers, an sdk/ folder a package's servers; Dockerfile.docs builds the
# docs, Dockerfile.sdk an SDK to develop against
_FILE_ONLY_WORDS = frozenset({"docs", "sdk"})


def decide(dockerfile: Dockerfile, target: str | None = None) -> Purpose:
    """The purpose of the image the final (or `target`) stage builds, the evidence for it, and the
    platform that runs it when the file names one."""
    purpose = _decide(dockerfile, target)
    final = dockerfile.final_stage(target)
    if final is None or not purpose.serves:
        return purpose  # the platform matters for what serves (DF620); a training job's is not looked for
    found = _platform(dockerfile.ancestry(final), final, target)
    if found is None:
        return purpose
    name, evidence, root = found
    return Purpose(purpose.kind, purpose.evidence, platform=name, platform_evidence=evidence, platform_runs_as_root=root)


def undeployed_stages(dockerfile: Dockerfile) -> frozenset[str]:
    """The names of the stages built only for tests, CI or development: a stage that does not ship
    (not the final stage, nothing of it copied into the image) whose name says so: a CI word
    (`ci-runtime`, `test`, `e2e`: a word of `path_evidence.ci_file_words` after splitting at `-`, `_`
    and `.`), as text-generation-inference's `ci-runtime` stage ("used only for the CI/CD"), or a
    development one (`dev`, `development`, `devcontainer`), as the `dev` stage of Docker's voting app,
    which a developer targets for file-watching reloads. Decided once per file; the engine does not
    report what a rule for deployed images finds in such a stage."""
    key = ("undeployed stages", None)
    if key not in dockerfile.memo:
        shipped = {stage.index for stage in dockerfile.shipped_stages()}
        words = _data()["path_evidence"]["ci_file_words"]["words"]
        dockerfile.memo[key] = frozenset(
            stage.name
            for stage in dockerfile.stages
            if stage.name
            and stage.index not in shipped
            and (_says(stage.name.lower(), words) or _DEVCONTAINER_NAME.search(stage.name) is not None)
        )
    return cast("frozenset[str]", dockerfile.memo[key])


def _platform(chain: tuple[Stage, ...], final: Stage, target: str | None) -> tuple[str, str, bool] | None:
    """The platform the shipped image is built for (`data/image_purposes.json` `platforms`): a label
    it reads, a setting it passes, its toolkit installed, or the final stage named for it."""
    for name, entry in _data()["platforms"].items():
        root = bool(entry.get("runs_as_root", False))
        for stage_name in _names(final, target):
            words = re.split(r"[-_.]", stage_name.lower())
            for word in entry["stage_words"]:
                if word in words:
                    return name, f"the stage is named '{stage_name}'", root
        for stage in chain:
            for instruction in stage.instructions_of("LABEL", "ENV"):
                prefixes = entry["label_prefixes"] if instruction.keyword == "LABEL" else entry["env_prefixes"]
                for pair in instruction.pairs:
                    if pair.key.startswith(tuple(prefixes)):
                        return name, f"it sets `{pair.key}` ({instruction.keyword})", root
            for op in stage.package_ops(verb="install"):
                for requirement in op.packages:
                    if requirement.name in entry["packages"]:
                        return name, f"it installs `{requirement.name}`", root
    return None


def _decide(dockerfile: Dockerfile, target: str | None = None) -> Purpose:
    final = dockerfile.final_stage(target)
    if final is None:
        return Purpose(UNKNOWN, "no stage")
    chain = dockerfile.ancestry(final)
    root = _root_image(chain)
    command = _command(chain)
    program, arguments = command_program(chain)
    folders, file_words = _path_words(dockerfile.path)
    evidence = _test_data(folders)
    if evidence is not None:
        return Purpose(TESTDATA, evidence)
    if program is not None:
        kind = _not_a_program(program)
        if kind is not None:  # nothing runs as a Linux user: no service to judge
            return Purpose(UNKNOWN, f"its command names {kind} (`{program}`), not a program")
    evidence = _docs_builder(chain, command, program, folders, file_words)
    if evidence is not None:
        return Purpose(DOCS, evidence)
    evidence = _docs_sample(folders)
    if evidence is not None:
        return Purpose(EXAMPLE, evidence)
    for name in _names(final, target):
        if _DEVCONTAINER_NAME.search(name):
            return Purpose(DEVCONTAINER, f"the stage is named '{name}'")
    if "/.devcontainer/" in "/" + dockerfile.path.replace("\\", "/"):
        return Purpose(DEVCONTAINER, "the Dockerfile is under .devcontainer/")
    if posixpath.basename(dockerfile.path.replace("\\", "/")).lower() == ".gitpod.dockerfile":
        return Purpose(DEVCONTAINER, "the file is a Gitpod workspace image (.gitpod.Dockerfile)")
    for word in file_words:
        if word in _DEVELOPMENT_FILE_WORDS:
            return Purpose(DEVCONTAINER, f"the file name says '{word}' (a development image)")
    mounted = _runs_from_mounted_source(dockerfile)
    if mounted is not None:
        return Purpose(DEVCONTAINER, mounted)
    known = _known(root, "devcontainer")
    if known is not None:
        return Purpose(DEVCONTAINER, f"the base image `{root}` is a development container image")
    for name in _names(final, target):
        if _CI_NAME.search(name):
            return Purpose(CI, f"the stage is named '{name}'")
    evidence = _path_evidence(folders, file_words, "ci")
    if evidence is not None:
        return Purpose(CI, evidence)
    if program is not None and _runs_tests(program, arguments):
        return Purpose(CI, f"its command runs `{' '.join((program, *arguments[:1]))}`")
    evidence = _path_evidence(folders, file_words, "sidecar")
    if evidence is not None:
        return Purpose(SIDECAR, f"{evidence}: a sidecar, run beside its workload in the same pod")
    if program is None or (program in _SHELLS and not _runs_script(arguments)):
        if not any(True for _ in exposed_ports(chain)):
            extra = _test_extras(dockerfile)
            if extra is not None:
                return Purpose(CI, f"it installs a package's test extras (`{extra}`) and runs no service")
            tool = _check_tool(chain)
            if tool is not None:
                return Purpose(CI, f"it installs `{tool}`, which runs a repository's checks, and runs no service")
    launcher = _launcher(program, arguments) if program is not None else None
    if launcher is not None:
        return Purpose(TRAINING, f"its command launches training (`{launcher}`)")
    if _known(root, "notebook") is not None:
        return Purpose(NOTEBOOK, f"the base image `{root}` is a notebook image")
    if program is not None and _NOTEBOOK_PROGRAMS.fullmatch(program):
        return Purpose(NOTEBOOK, f"its command runs `{program}`")
    server_file = _notebook_server_file(chain)
    if server_file is not None:  # a workbench whose own entrypoint starts Jupyter (ml-workspace: EXPOSE 8080)
        return Purpose(NOTEBOOK, f"it copies in a Jupyter server's configuration or start script (`{server_file}`)")
    ports = list(exposed_ports(chain))
    ssh = set(_data()["training"]["ssh_ports"]["ports"])
    serving = [port for port in ports if port not in ssh]
    if _NOTEBOOK_PORT in ports and (program is None or (program in _SHELLS and _runs_notebook_or_prompt(arguments))):
        # `ENTRYPOINT ["/operator"]` on 8888 serves, and so does `sh -c "/bin/apiserver …"` (Kubeflow Pipelines' API server)
        return Purpose(NOTEBOOK, f"it exposes port {_NOTEBOOK_PORT} (Jupyter)")
    if _NOTEBOOK_PORT in ports:
        server = _installs_notebook_server(dockerfile)
        if server is not None:  # a start script that launches the Jupyter it installs (axolotl's cloud image)
            return Purpose(NOTEBOOK, f"it exposes port {_NOTEBOOK_PORT} (Jupyter) and installs `{server}`")
    interactive = (
        program is None
        or (program in _SHELLS and not _runs_script(arguments))
        or (_PROMPTS.fullmatch(program) is not None and _only_options(arguments))
    )
    grant = _sudo_grant(chain) if interactive and not serving else None
    if grant is not None:
        return Purpose(DEVCONTAINER, f"it gives its user sudo (`{grant}`) and runs no service: a development environment")
    if program is None or program not in _servers():
        evidence = None
        if not serving:
            evidence = _training(
                dockerfile,
                chain,
                ssh_only=bool(ports),
                folders=folders,
                file_words=file_words,
                script=_script(program, arguments),
            )
        elif interactive:  # a bare shell: the ports are for what a user starts by hand
            library = _training_library(chain)
            if library is not None:
                evidence = f"its command is a shell and it installs `{library}`, a library for training models"
        if evidence is not None:
            return Purpose(TRAINING, evidence)
    if ports and program is None and _platform(chain, final, target) is None:
        default = _known(root, "interactive_defaults")
        if default is not None:  # traefik's web-UI build image: EXPOSE 8080 on node, run with `yarn build:prod`
            return Purpose(
                UNKNOWN,
                f"it sets no command, and its base `{root}` starts {default['what']} (`{default['command']}`): what it runs"
                f" on port {ports[0]} is the command it is started with",
            )
    if ports:
        return Purpose(SERVICE, f"it exposes port {ports[0]}")
    evidence = _one_shot_job(final, program, arguments, folders, file_words)
    if evidence is not None:
        return Purpose(JOB, evidence)
    asked = _prints_help(chain)
    if asked is not None:
        return Purpose(TOOL, f"its command only prints the program's help or version (`{asked}`) and it exposes no port")
    if program is not None and program in _data()["command_line_tools"]["programs"]:
        return Purpose(
            TOOL, f"its command runs `{program}`, a command-line tool given its task on each run, and it exposes no port"
        )
    if program is not None:
        if program in _SHELLS and not _runs_script(arguments):
            return Purpose(TOOLCHAIN, f"its command is a shell (`{program}`)")
        if _PROMPTS.fullmatch(program) and _only_options(arguments):
            return Purpose(TOOLCHAIN, f"its command is an interpreter's prompt (`{' '.join((program, *arguments))}`)")
        return Purpose(SERVICE, f"its command runs `{program}`")
    return _build_environment(final, target, folders, file_words, root, chain[-1].base)


def _runs_from_mounted_source(dockerfile: Dockerfile) -> str | None:
    """Every compose service of the repository that builds the image bind mounts its build context
    into the container (`dflint.deployment.runs_from_mounted_source`): a development setup."""
    if dockerfile.path in ("", "-"):
        return None
    from dflint.deployment import runs_from_mounted_source

    run = runs_from_mounted_source(dockerfile)
    if run is None:
        return None
    return (
        f"service '{run.service}' in {run.compose_file} mounts its build context into the container"
        f" (`{run.mounts_context}`): a development setup"
    )


def _docs_builder(
    chain: tuple[Stage, ...],
    command: Instruction | None,
    program: str | None,
    folders: tuple[str, ...],
    file_words: tuple[str, ...],
) -> str | None:
    """A documentation builder: a file named for docs (`Dockerfile.docs`, `docs.Dockerfile`), or, under a
    docs folder, an image whose command runs a docs generator or that installs one; a known server in
    the command (the built site served by nginx) is a service."""
    evidence = _data()["docs_builders"]
    if program is not None and (program in _servers() or program in evidence["web_servers"]):
        return None  # it serves (the built site, behind nginx): a service
    for word in file_words:
        if word in evidence["file_words"]:
            return f"the file name says '{word}' (it builds documentation)"
    folder = next((folder for folder in folders if folder in evidence["folders"]), None)
    if folder is None:
        return None
    generators = set(evidence["commands"])
    if command is not None:
        text = command.arguments
        for word in re.findall(r"[A-Za-z0-9_./${}-]+", text):
            base = posixpath.basename(word)
            if base in generators:
                return f"it is under a '{folder}' folder and its command runs `{base}`"
            if re.fullmatch(r"[A-Za-z0-9_.${}-]+-docs?", base):
                if base == program:
                    return f"it is under a '{folder}' folder and its command runs `{base}`"
                if re.search(r"\bmake\b", text):
                    return f"it is under a '{folder}' folder and its command runs `make {base}`"
        if program is not None and re.fullmatch(r"[A-Za-z0-9_.-]+-docs?", program):
            return f"it is under a '{folder}' folder and its command runs `{program}`"
    packages = set(evidence["packages"])
    for stage in chain:
        for op in stage.package_ops(verb="install"):
            for requirement in op.packages:
                if requirement.name in packages:
                    return f"it is under a '{folder}' folder and installs the docs generator `{requirement.name}`"
    return None


_USER_VALUE_OPTIONS = frozenset(
    {"-c", "-d", "-e", "-f", "-g", "-G", "-k", "-K", "-l", "-p", "-R", "-P", "-s", "-u", "-Z", "--gid", "--groups"}
)


def _sudo_grant(chain: tuple[Stage, ...]) -> str | None:
    """A command that gives a user sudo: a sudo group (`usermod -aG sudo u`, `useradd -G sudo u`,
    `adduser u sudo`, `gpasswd -a u sudo`) or a line written into /etc/sudoers or /etc/sudoers.d/."""
    from dflint.commands import operands, short_options
    from dflint.filesystem import command_writes

    groups = set(_data()["sudo_groups"]["names"])
    for stage in chain:
        for instruction in stage.instructions_of("RUN"):
            for command in instruction.commands:
                name = command.name
                if name in ("useradd", "usermod"):
                    for option, _, value in short_options(command.argv, _USER_VALUE_OPTIONS):
                        if option in ("-g", "-G", "--gid", "--groups") and groups & set((value or "").split(",")):
                            return f"{name} {option} {value}"
                elif name in ("adduser", "gpasswd"):
                    words = [word.value for word in operands(command.argv, frozenset({"-a", "-d"} if name == "gpasswd" else ()))]
                    added = [option for option, _, _ in short_options(command.argv, frozenset({"-a", "-d"}))]
                    if name == "adduser" and len(words) == 2 and words[1] in groups:
                        return f"adduser {words[0]} {words[1]}"
                    if name == "gpasswd" and "-a" in added and words and words[-1] in groups:
                        return f"gpasswd -a … {words[-1]}"
                for path, _ in command_writes(command):
                    if path is not None and (path == "/etc/sudoers" or path.startswith("/etc/sudoers.d/")):
                        return f"{name or '…'} writing {path}"
    return None


def _launcher(program: str, arguments: tuple[str, ...]) -> str | None:
    """A training launcher the command starts: `torchrun …`, `accelerate launch …`, `python -m torch.distributed.run …`."""
    for launcher in _data()["training"]["launchers"]["commands"]:
        first, *rest = launcher.split()
        if first == "python":
            matched = re.fullmatch(r"python[0-9.]*", program) is not None
        else:
            matched = program == first
        if matched and list(arguments[: len(rest)]) == rest:
            return str(launcher)
    return None


def _training(
    dockerfile: Dockerfile,
    chain: tuple[Stage, ...],
    ssh_only: bool,
    folders: tuple[str, ...],
    file_words: tuple[str, ...],
    script: str | None = None,
) -> str | None:
    """What says that an image serving nothing (no port but SSH's) trains: a SageMaker training
    module, MPI, a training library, a training platform's environment image as its base
    (`determinedai/environments`), a training script in the command (`python3 -u run_trial.py`), or a
    folder or file name."""
    evidence = _data()["training"]
    names = set(evidence["environment"]["names"])
    for stage in chain:
        for instruction in stage.instructions_of("ENV"):
            for pair in instruction.pairs:
                if pair.key in names:
                    return f"it sets `{pair.key}`, the training module SageMaker's training toolkit runs"
    mpi = _mpi(chain) if ssh_only else None
    if mpi is not None:
        return f"it installs MPI (`{mpi}`) and exposes only SSH's port 22, which mpirun reaches the other nodes over"
    library = _training_library(chain)
    if library is not None:
        return f"it installs `{library}`, a library for training models, and runs no service"
    launcher = _launcher_run(chain)
    if launcher is not None:
        return f"it runs the training launcher `{launcher}` and no service"
    root = _root_image(chain)
    if root is not None and any(fnmatch.fnmatchcase(_plain(root), pattern) for pattern in evidence["bases"]["patterns"]):
        return f"it is built on `{_plain(root)}`, a training platform's environment image, and runs no service"
    if script is not None:
        stem = _word_key(posixpath.splitext(posixpath.basename(script))[0])
        if stem in {_word_key(name) for name in evidence["scripts"]["names"]}:
            return f"its command runs the training script `{posixpath.basename(script)}`"
    words = evidence["path_words"]["words"]
    for folder in folders:
        if folder in words:
            return f"the Dockerfile is under a '{folder}' folder"
    for word in file_words:
        if word in words:
            return f"the file name says '{word}'"
    return None


def _word_key(name: str) -> str:
    """A script name compared without case, `_` or `-`: run_trial, RunTrial and run-trial are one."""
    return re.sub(r"[-_]", "", name.lower())


def _script(program: str | None, arguments: tuple[str, ...]) -> str | None:
    """The Python script a command runs (`python3 -u run_trial.py` → run_trial.py); None for a module
    (`-m`), code (`-c`) or a program that is no Python interpreter."""
    if program is None or re.fullmatch(r"python[0-9.]*", program) is None:
        return None
    for argument in arguments:
        if argument in ("-m", "-c"):
            return None
        if not argument.startswith("-"):
            return argument if argument.lower().endswith(".py") else None
    return None


def _launcher_run(chain: tuple[Stage, ...]) -> str | None:
    """A RUN that starts a launcher that exists only for training (`horovodrun --check-build`); not
    mpirun or mpiexec, which inference servers use too."""
    mpi = set(_data()["training"]["mpi"]["commands"])
    names = {launcher.split()[0] for launcher in _data()["training"]["launchers"]["commands"]} - mpi - {"python"}
    for stage in chain:
        for instruction in stage.instructions_of("RUN"):
            for command in instruction.commands:
                if command.name in names:
                    return command.name
    return None


def _mpi(chain: tuple[Stage, ...]) -> str | None:
    """MPI in the image: a package, a command run to check it (`mpirun --version`, `horovodrun --check-build`),
    or an Open MPI or MPICH archive or prefix named in a RUN or ENV."""
    evidence = _data()["training"]["mpi"]
    commands = set(evidence["commands"])
    packages = set(evidence["packages"])
    words = re.compile("|".join(re.escape(word) for word in evidence["words"]), re.IGNORECASE)
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.keyword == "RUN":
                for op in instruction.packages:
                    if op.verb in ("install", "sync"):
                        for requirement in op.packages:
                            if requirement.name in packages:
                                return requirement.name
                for command in instruction.commands:
                    if command.name in commands:
                        return command.name
            if instruction.keyword in ("RUN", "ENV"):
                found = words.search(instruction.arguments)
                if found is not None:
                    return found.group(0)
    return None


def _training_library(chain: tuple[Stage, ...]) -> str | None:
    """A Python package that exists to train models (training_images.json `training_packages`)."""
    from dflint.data import load

    names = set(load("training_images")["training_packages"]["names"])
    squashed: dict[str, str] = {re.sub(r"[-_.]", "", name): str(name) for name in names}
    for stage in chain:
        for instruction in stage.instructions:
            for op in instruction.packages:
                if op.verb != "install":
                    continue
                for requirement in op.named_requirements():  # a requirements file from the context names it too
                    if requirement.name in names:
                        return requirement.name
                    if requirement.kind == "path" and requirement.raw:
                        # `pip install -e .` in the clone of one (`WORKDIR /workspace/axolotl`)
                        path = posixpath.join(instruction.workdir or "/", requirement.raw.split("[", 1)[0])
                        found = squashed.get(re.sub(r"[-_.]", "", posixpath.basename(posixpath.normpath(path)).lower()))
                        if found is not None:
                            return found
    return None


@cache
def _servers() -> frozenset[str]:
    """Programs that serve (training_images.json `servers`): a command that runs one is a service."""
    from dflint.data import load

    return frozenset(load("training_images")["servers"]["names"])


def _check_tool(chain: tuple[Stage, ...]) -> str | None:
    """A tool that runs a repository's checks (`pre-commit`), installed by any package manager."""
    names = set(_data()["check_tools"]["names"])
    for stage in chain:
        for op in stage.package_ops():
            if op.verb in ("install", "sync"):
                for requirement in op.packages:
                    if requirement.name in names:
                        return requirement.name
    return None


def _test_extras(dockerfile: Dockerfile) -> str | None:
    """A Python package installed with its test extras (`peft[test]@git+…`, `…#egg=diffusers[test]`), in any stage."""
    words = _data()["test_extras"]["names"]
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            for op in instruction.packages:
                if op.manager not in ("pip", "uv", "conda", "pipenv", "pipx") or op.verb not in ("install", "sync"):
                    continue
                for requirement in op.packages:
                    for name, group in _EXTRAS.findall(requirement.raw or ""):
                        if any(extra.strip().lower() in words for extra in group.split(",")):
                            return f"{name}[{group}]"
    return None


def _installs_notebook_server(dockerfile: Dockerfile) -> str | None:
    """A Jupyter server a pip/uv/conda install puts in the image (`jupyterlab`, `notebook`)."""
    names = _data()["notebook_server_packages"]["names"]
    for stage in dockerfile.stages:
        for instruction in stage.instructions_of("RUN"):
            for op in instruction.packages:
                if op.manager in ("pip", "uv", "conda", "pipx") and op.verb == "install":
                    for requirement in op.packages:
                        if requirement.name in names:
                            return requirement.name
    return None


def _notebook_server_file(chain: tuple[Stage, ...]) -> str | None:
    """A Jupyter server configuration file or notebook start script a COPY/ADD puts in the image."""
    names = _data()["notebook_server_files"]["names"]
    for stage in chain:
        for instruction in stage.instructions:
            if instruction.copy is None:
                continue
            for source in instruction.copy.sources:
                base = posixpath.basename((source or "").rstrip("/"))
                if base in names:
                    return base
    return None


def _build_environment(
    final: Stage, target: str | None, folders: tuple[str, ...], file_words: tuple[str, ...], root: str | None, written: str
) -> Purpose:
    """An image with no command and no port: a build environment when a name or its base says so."""
    words = _data()["path_evidence"]["toolchain_words"]["words"]
    for name in _names(final, target):
        if _says(name.lower(), words):
            return Purpose(TOOLCHAIN, f"it has no command or port, and the stage is named '{name}'")
    evidence = _path_evidence(folders, file_words, "toolchain")
    if evidence is not None:
        return Purpose(TOOLCHAIN, f"it has no command or port, and {evidence}")
    evidence = _path_evidence(folders, file_words, "notebook") if "$" in written else None
    if evidence is not None:  # the command comes from the notebook base a build argument names (`FROM ${BASE_IMG}`)
        return Purpose(NOTEBOOK, f"it has no command or port, and {evidence}")
    if root is not None and _toolchain_image(root):
        return Purpose(TOOLCHAIN, f"it has no command or port, and its base `{root}` is a toolchain image")
    return Purpose(UNKNOWN, "no command, exposed port or telling name")


def _one_shot_job(
    final: Stage, program: str | None, arguments: tuple[str, ...], folders: tuple[str, ...], file_words: tuple[str, ...]
) -> str | None:
    """A one-shot job (no port): its command or final stage names a migration, seed data or a backfill,
    or a folder of its path does (`job_words`), and its command starts no server."""
    words = _data()["job_words"]
    tokens = [token for word in (program or "", *arguments) for token in re.split(r"[^a-z0-9]+", word.lower()) if token]
    if any(token in words["servers"] for token in tokens):
        return None
    for token in tokens:
        if token in words["command"]:
            return f"it exposes no port and its command names a one-shot task ('{token}')"
    for token in re.split(r"[^a-z0-9]+", (final.name or "").lower()):
        if token in words["command"]:
            return f"it exposes no port and the stage is named '{final.name}', a one-shot task"
    for folder in folders:
        if folder in words["folders"]:
            return f"it exposes no port and the Dockerfile is in a folder named '{folder}', a one-shot task"
    for word in file_words:
        if word in words["folders"]:
            return f"it exposes no port and the file name says '{word}', a one-shot task"
    return None


def repository_path(path: str) -> str:
    """`path` below its repository root as the purpose is read from it (the folders `_below_repository`
    gives, then the file name), in lower case with `/` between the parts."""
    located = _located(path)
    return "/".join((*located[0], located[1])).lower() if located is not None else ""


def _located(path: str) -> tuple[list[str], str] | None:
    """The folders of `path` below its repository root and its file name; None for an empty path."""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".", "..")]
    return (_below_repository(path, parts[:-1]), parts[-1]) if parts else None


def _path_words(path: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The folder names (lower case) of `path` below its repository root, and the words of its file
    name that say something: `Dockerfile.test.cpu` → (test, cpu); `ci.Dockerfile` → (ci,)."""
    located = _located(path)
    if located is None:
        return (), ()
    folders, file_name = located
    name = file_name.lower()
    words: tuple[str, ...] = ()
    pieces = re.split(r"[._-]", name)
    if pieces[0] in _DOCKERFILE_WORDS:  # Dockerfile.test.cpu, Dockerfile-tests, Containerfile_ci
        words = tuple(piece for piece in pieces[1:] if piece)
        suffix = name[len(pieces[0]) + 1 :]
        if suffix and suffix not in words:
            words += (suffix,)  # a word with a separator in it: Dockerfile.build-env
    else:
        stem, dot, kind = name.rpartition(".")
        if dot and kind in _DOCKERFILE_WORDS and stem:
            words = (stem,)  # the whole prefix only: ci.Dockerfile, not cuda-devel.Dockerfile
    return tuple(folder.lower() for folder in folders), words


def _below_repository(path: str, folders: list[str]) -> list[str]:
    """The folders of `path` below its repository root; without one, the folders as given for a
    relative path, below the current directory for an absolute path under it (so `dflint
    tests/x/Dockerfile` and `dflint $PWD/tests/x/Dockerfile` read the same folders), else the last few."""
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        real = None
    if real is not None and os.path.isabs(real):
        from dflint.context_discovery import repository_root

        top, in_repository = repository_root(os.path.dirname(real))
        if in_repository:
            relative = os.path.relpath(os.path.dirname(real), top)
            return [] if relative == "." else [part for part in relative.split(os.sep) if part not in ("", ".", "..")]
    if os.path.isabs(path):
        try:
            below = os.path.relpath(os.path.dirname(path), os.getcwd())
        except (OSError, ValueError):  # another drive on Windows, or no current directory
            below = os.pardir
        if below != os.pardir and not below.startswith(os.pardir + os.sep):
            return [] if below == os.curdir else [part for part in below.split(os.sep) if part]
        return folders[-_PATH_LEVELS_WITHOUT_REPOSITORY:]
    return folders


def _test_data(folders: tuple[str, ...]) -> str | None:
    """A folder that holds a test's input files (`testdata/`, `testfiles/`), or a data folder below a
    test folder (`tests/…/resources/`, `test/examples/`)."""
    evidence = _data()["path_evidence"]["test_data_directories"]
    for index, folder in enumerate(folders):
        if folder in evidence["names"] or folder.startswith(tuple(evidence["prefixes"])):
            return f"the Dockerfile is test data (under a '{folder}' folder)"
        if folder in evidence["below_tests"] and any(earlier in ("test", "tests") for earlier in folders[:index]):
            return f"the Dockerfile is test data (under a tests' '{folder}' folder)"
    return None


def _docs_sample(folders: tuple[str, ...]) -> str | None:
    """A documentation folder's samples (`docs/samples/…`, `docs/…/examples/`): a walkthrough's sample;
    or any Dockerfile in a folder below a docs folder (`docs/kfp/Dockerfile`,
    `docs/using/recipe_code/pip_install.dockerfile`): a recipe the docs show. A Dockerfile right in
    the docs folder (`docs/Dockerfile`, often the site's own image) is not one."""
    evidence = _data()["path_evidence"]["docs_sample_directories"]
    for index, folder in enumerate(folders):
        if folder in evidence["samples"] and any(earlier in evidence["docs"] for earlier in folders[:index]):
            return f"the Dockerfile is a documentation sample (under a docs' '{folder}' folder)"
    for index, folder in enumerate(folders[:-1]):
        if folder in evidence["docs"]:
            return f"the Dockerfile is a documentation sample (under '{folder}/{folders[index + 1]}')"
    return None


def _path_evidence(folders: tuple[str, ...], file_words: tuple[str, ...], kind: str) -> str | None:
    evidence = _data()["path_evidence"]
    if kind == "ci":
        directories = evidence["ci_directories"]["names"]
        for folder in folders:
            if folder in directories:
                return f"the Dockerfile is under a '{folder}' folder"
        words = evidence["ci_file_words"]["words"]
    else:
        words = evidence[f"{kind}_words"]["words"]
        for folder in folders:
            if folder not in _FILE_ONLY_WORDS and _says(folder, words):
                return f"the Dockerfile is under a '{folder}' folder"
    for word in file_words:
        if word in words:
            return f"the file name says '{word}'"
    return None


def _says(name: str, words: list[str]) -> bool:
    """`gh-builder`, `base-builder`, `build-env`: the name or one of its words is in `words`."""
    return name in words or any(piece in words for piece in re.split(r"[._-]", name) if piece not in _FILE_ONLY_WORDS)


def _toolchain_image(image: str) -> bool:
    name = _plain(image)
    tag = split_image(image)[1] or "latest"
    for entry in _data()["toolchain"]:
        if fnmatch.fnmatchcase(name, entry["pattern"]) and re.fullmatch(entry.get("tag_pattern", ".*"), tag):
            return True
    return False


def _only_options(arguments: tuple[str, ...]) -> bool:
    """`php -a`, `python3 -u`: options that keep the interpreter interactive (no code, module or file)."""
    return all(argument.startswith("-") and argument not in _CODE_OPTIONS for argument in arguments)


def base_workdir(image: str | None) -> str | None:
    """The WORKDIR a known base image sets, or None when it sets none or is not known."""
    if image is None:
        return None
    name = _plain(image)
    for entry in _data()["sets_workdir"]:
        if fnmatch.fnmatchcase(name, entry["pattern"]):
            return str(entry["workdir"])
    return None


@cache
def _data() -> dict[str, Any]:
    from dflint.data import load

    data: dict[str, Any] = load("image_purposes")
    return data


def _plain(image: str) -> str:
    name = normalise_image(split_image(image)[0].lower())
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/library/", "index.docker.io/", "library/"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _known(image: str | None, kind: str) -> dict[str, Any] | None:
    if image is None:
        return None
    name = _plain(image)
    for entry in _data()[kind]:
        if fnmatch.fnmatchcase(name, entry["pattern"]):
            return dict(entry)
    return None


def _root_image(chain: tuple[Stage, ...]) -> str | None:
    root = chain[-1]
    return root.base_resolved if root.base_stage is None else None


def _names(final: Stage, target: str | None) -> Iterator[str]:
    if target:
        yield target
    if final.name:
        yield final.name


def command_program(chain: tuple[Stage, ...]) -> tuple[str | None, tuple[str, ...]]:
    """The program the image runs (its base name, lower case; an entrypoint script hands over to the
    CMD) and its arguments, or (None, ()) when the chain has no command."""
    command = _command(chain)
    if command is None:
        return None, ()
    program, arguments = _program(command)
    if command.keyword == "ENTRYPOINT" and command.json_args is not None:
        cmd = _cmd_with(chain)
        if cmd is not None:  # `ENTRYPOINT ["python"]` + `CMD ["serve.py"]` runs `python serve.py`
            arguments = (*arguments, *_words(cmd))
    return program, arguments


def _cmd_with(chain: tuple[Stage, ...]) -> Instruction | None:
    """The CMD an exec-form ENTRYPOINT is given as arguments: the last CMD of the nearest stage that
    has one, unless a nearer stage sets an ENTRYPOINT and no CMD (an ENTRYPOINT resets the CMD a base
    set; a CMD of its own stage, before or after it, stays)."""
    for stage in chain:
        commands = list(stage.instructions_of("CMD"))
        if commands:
            return commands[-1]
        if any(True for _ in stage.instructions_of("ENTRYPOINT")):
            return None
    return None


def _words(instruction: Instruction) -> tuple[str, ...]:
    words = list(instruction.json_args) if instruction.json_args is not None else instruction.arguments.split()
    return tuple(word.strip("\"'") for word in words if word.strip("\"'"))


def last_along(chain: tuple[Stage, ...], keyword: str) -> Instruction | None:
    """The instruction in force at the end of a FROM chain (nearest stage first): the last `keyword`
    of the nearest stage that has one (`ENTRYPOINT`, `CMD`)."""
    for stage in chain:
        instructions = list(stage.instructions_of(keyword))
        if instructions:
            return instructions[-1]
    return None


def _command(chain: tuple[Stage, ...]) -> Instruction | None:
    """The ENTRYPOINT, else the CMD, that the image runs: the last one along the chain. An entrypoint
    script (`docker-entrypoint.sh`) hands over to the CMD, so the CMD says what runs."""
    found: dict[str, Instruction] = {}
    for keyword in ("ENTRYPOINT", "CMD"):
        instruction = last_along(chain, keyword)
        if instruction is not None:
            found[keyword] = instruction
    entrypoint = found.get("ENTRYPOINT")
    if (
        entrypoint is not None
        and "CMD" in found
        and "entrypoint" in (_program(entrypoint)[0] or "entrypoint")
        and not _only_arguments(found["CMD"])
    ):
        return found["CMD"]  # an entrypoint script, or a bare wrapper (`tini --`), runs the CMD
    return entrypoint or found.get("CMD")


def _not_a_program(program: str) -> str | None:
    """What a command's file is when it is not a Linux program (`kafka.wasm`, `app.apk`), from
    `image_purposes.json` `not_programs`."""
    for extension, kind in _data()["not_programs"]["extensions"].items():
        if program.endswith(extension):
            return str(kind).split(",")[0]
    return None


def _only_arguments(instruction: Instruction) -> bool:
    """A CMD that starts with an option (`CMD ["--json-output"]`): arguments for the entrypoint, not a program."""
    words = list(instruction.json_args) if instruction.json_args is not None else instruction.arguments.split()
    return bool(words) and words[0].strip("\"'").startswith("-")


def command_words(instruction: Instruction) -> tuple[str, ...]:
    """The words a CMD/ENTRYPOINT runs, as written (quotes removed), past what only starts them: an
    init and its options (`tini -g --`, `dumb-init`), `exec`, `env` and its `NAME=value` words."""
    if instruction.json_args is not None:
        words = list(instruction.json_args)
    else:
        words = instruction.arguments.split()
    words = [word.strip("\"'") for word in words if word.strip("\"'")]
    wrapped = False
    while words and (
        posixpath.basename(words[0]) in ("exec", "env", "tini", "tini-static", "dumb-init", "--")
        or "=" in words[0]
        or (wrapped and words[0].startswith("-"))  # the wrapper's own options: `tini -g --`
    ):
        wrapped = wrapped or posixpath.basename(words[0]) in ("tini", "tini-static", "dumb-init")
        words = words[1:]
    return tuple(words)


def _program(instruction: Instruction) -> tuple[str | None, tuple[str, ...]]:
    """The program a CMD/ENTRYPOINT runs (its base name, lower case) and its arguments."""
    words = command_words(instruction)
    if not words:
        return None, ()
    return posixpath.basename(words[0]).lower(), words[1:]


_HELP_WORDS = frozenset({"--help", "-h", "help", "--usage", "--version", "-V", "version"})


def _prints_help(chain: tuple[Stage, ...]) -> str | None:
    """The help or version word the default command ends with (`CMD ["python", "-m", "agent", "--help"]`,
    `ENTRYPOINT ["tool"]` with `CMD ["--help"]`): run with no arguments, the container prints how to use
    the program and exits, so it is a command-line tool given its arguments on each run."""
    for stage in chain:  # nearest first: the CMD the image runs
        commands = list(stage.instructions_of("CMD"))
        if not commands and any(True for _ in stage.instructions_of("ENTRYPOINT")):
            return None  # an ENTRYPOINT resets the CMD a base stage set
        if commands:
            words = list(commands[-1].json_args) if commands[-1].json_args is not None else commands[-1].arguments.split()
            words = [word.strip("\"'") for word in words if word.strip("\"'")]
            return words[-1] if words and words[-1] in _HELP_WORDS else None
    return None


def _runs_notebook_or_prompt(arguments: tuple[str, ...]) -> bool:
    """A shell that is a prompt (`bash`), or whose `-c` script starts a notebook program (`sh -c
    "jupyter lab …"`); not one whose script runs another program (`sh -c "/bin/apiserver …"`)."""
    if not _runs_script(arguments):
        return True
    for index, argument in enumerate(arguments[:-1]):
        if argument in ("-c", "-lc", "-ec", "-exc"):
            words = [word for word in arguments[index + 1].split() if "=" not in word.split("/")[0]]
            first = posixpath.basename(words[0]) if words else ""
            return first in ("exec", "") or _NOTEBOOK_PROGRAMS.fullmatch(first) is not None
    return True  # `sh start.sh`: the script is unknown here


def _runs_script(arguments: tuple[str, ...]) -> bool:
    """A shell given a script (`bash -c "…"`, `sh start.sh`) runs something; a bare shell is a prompt."""
    for index, argument in enumerate(arguments):
        if not argument.startswith("-"):
            return True
        if argument in ("-c", "-lc", "-ec", "-exc") and index + 1 < len(arguments):
            return True  # `bash -c` with nothing after it runs whatever command the container is given
    return False


def _runs_tests(program: str, arguments: tuple[str, ...]) -> bool:
    if program in _TEST_RUNNERS:
        return True
    if re.fullmatch(r"python[0-9.]*", program) and arguments[:2] in (("-m", "pytest"), ("-m", "tox"), ("-m", "unittest")):
        return True
    if program in ("go", "npm", "yarn", "pnpm", "make", "cargo") and arguments[:1] == ("test",):
        return True
    return False


def exposed_ports(chain: tuple[Stage, ...]) -> Iterator[str]:
    """The ports the EXPOSE instructions along a FROM chain name (values expanded, protocol dropped)."""
    for stage in chain:
        for instruction in stage.instructions_of("EXPOSE"):
            for port in (instruction.expand(instruction.arguments) or instruction.arguments).split():
                yield port.split("/")[0]
