"""What an image is for, decided once in the model from its command, ports, names and base."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.model import Purpose
from dflint.parse import Options, parse
from dflint.purpose import base_workdir


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('FROM python:3.11-slim\nEXPOSE 8000\nCMD ["uvicorn", "app:api"]\n', Purpose("service", "it exposes port 8000")),
        ('FROM python:3.11-slim\nCMD ["uvicorn", "app:api"]\n', Purpose("service", "its command runs `uvicorn`")),
        ("FROM python:3.11-slim\nCMD exec gunicorn app:api\n", Purpose("service", "its command runs `gunicorn`")),
        (
            'FROM node:22\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["node", "server.js"]\n',
            Purpose("service", "its command runs `node`"),
        ),
        (
            'FROM debian:12\nCOPY entrypoint.sh entrypoint.sh\nENTRYPOINT ["./entrypoint.sh"]\nCMD ["--json-output"]\n',
            Purpose("service", "its command runs `entrypoint.sh`"),
        ),
        (
            'FROM scratch\nCOPY target/etl.wasm /etl.wasm\nENTRYPOINT ["etl.wasm"]\n',
            Purpose(
                "unknown",
                "its command names a WebAssembly module (`etl.wasm`), not a program",
            ),
        ),
        ('FROM ubuntu:24.04\nENTRYPOINT ["bash", "-c"]\n', Purpose("toolchain", "its command is a shell (`bash`)")),
        ('FROM python:3.11-slim\nCMD ["python3"]\n', Purpose("toolchain", "its command is an interpreter's prompt (`python3`)")),
        # an exec-form ENTRYPOINT is given the CMD as arguments: `python kservedeployer.py` runs a program
        (
            'FROM python:3.11-slim\nENTRYPOINT ["python"]\nCMD ["kservedeployer.py"]\n',
            Purpose("service", "its command runs `python`"),
        ),
        (
            'FROM python:3.11-slim\nCMD ["serve.py"]\nENTRYPOINT ["python", "-u"]\n',
            Purpose("service", "its command runs `python`"),
        ),
        (
            'FROM python:3.11-slim AS base\nCMD ["serve.py"]\nFROM base\nENTRYPOINT ["python"]\n',
            Purpose("toolchain", "its command is an interpreter's prompt (`python`)"),
        ),
        ('FROM ubuntu:24.04\nCMD ["/bin/bash"]\n', Purpose("toolchain", "its command is a shell (`bash`)")),
        ('FROM ubuntu:24.04\nCMD ["bash", "-c", "exec ./serve"]\n', Purpose("service", "its command runs `bash`")),
        ("FROM python:3.11-slim\nRUN true\n", Purpose("unknown", "no command, exposed port or telling name")),
        (
            "FROM determinedai/environments:cuda-11.3-pytorch-1.10-gpu-0.19.4\nRUN pip install --no-cache-dir deepspeed==0.9.5\n",
            Purpose(
                "training",
                "it is built on `determinedai/environments`, a training platform's environment image, and runs no service",
            ),
        ),
        (
            'FROM determinedai/environments:py-3.8-pytorch-1.10-cpu-0.19.4\nEXPOSE 8080\nCMD ["python3", "serve.py"]\n',
            Purpose("service", "it exposes port 8080"),
        ),
        ('FROM python:3.11-slim\nCMD ["pytest", "-q"]\n', Purpose("ci", "its command runs `pytest -q`")),
        ('FROM python:3.11-slim\nCMD ["python", "-m", "pytest"]\n', Purpose("ci", "its command runs `python -m`")),
        ("FROM python:3.11-slim AS unit-tests\nRUN true\n", Purpose("ci", "the stage is named 'unit-tests'")),
        (
            'FROM python:3.11\nRUN pip install --no-cache-dir "peft[test]@git+https://github.com/huggingface/peft"\nCMD ["/bin/bash"]\n',
            Purpose(
                "ci",
                "it installs a package's test extras (`peft[test]`) and runs no service",
            ),
        ),
        (
            "FROM python:3.11\nRUN uv pip install --system 'git+https://github.com/huggingface/diffusers.git@main#egg=diffusers[test]'\n",
            Purpose(
                "ci",
                "it installs a package's test extras (`diffusers[test]`) and runs no service",
            ),
        ),
        (
            'FROM python:3.11\nRUN pip install --no-cache-dir "mypkg[test]==1.0"\nCMD ["uvicorn", "app:api"]\n',
            Purpose("service", "its command runs `uvicorn`"),
        ),
        (
            'FROM python:3.11\nRUN pip install --no-cache-dir "mypkg[test]==1.0"\nEXPOSE 8000\n',
            Purpose(
                "unknown",
                "it sets no command, and its base `python:3.11` starts Python's prompt (`python3`): what it runs"
                " on port 8000 is the command it is started with",
            ),
        ),
        (
            "FROM quay.io/jupyter/base-notebook:2024-10-07\nRUN true\n",
            Purpose("notebook", "the base image `quay.io/jupyter/base-notebook:2024-10-07` is a notebook image"),
        ),
        (
            'ARG BASE="mltooling/ml-workspace:latest"\nFROM $BASE\nRUN pip install --no-cache-dir pycuda\n',
            Purpose("notebook", "the base image `mltooling/ml-workspace:latest` is a notebook image"),
        ),
        (
            # an RStudio Server image of the rocker project (CMD /init starts it); r-ver alone is base R
            "ARG R_VERSION=latest\nFROM rocker/verse:${R_VERSION}\nRUN apt-get update && apt-get install -y build-essential\n",
            Purpose("notebook", "the base image `rocker/verse:latest` is a notebook image"),
        ),
        ("FROM rocker/r-ver:4.4.1\nRUN true\n", Purpose("unknown", "no command, exposed port or telling name")),
        ('FROM python:3.11-slim\nCMD ["jupyter", "lab"]\n', Purpose("notebook", "its command runs `jupyter`")),
        ("FROM python:3.11-slim\nEXPOSE 8888\n", Purpose("notebook", "it exposes port 8888 (Jupyter)")),
        (
            'FROM ubuntu:20.04\nCOPY resources/jupyter/start-notebook.sh /usr/local/bin/\nEXPOSE 8080\nCMD ["python", "/entry.py"]\n',
            Purpose("notebook", "it copies in a Jupyter server's configuration or start script (`start-notebook.sh`)"),
        ),
        (
            'FROM python:3.11-slim\nCOPY jupyter_server_config.py /etc/jupyter/\nEXPOSE 8080\nCMD ["python", "app.py"]\n',
            Purpose("notebook", "it copies in a Jupyter server's configuration or start script (`jupyter_server_config.py`)"),
        ),
        (
            'FROM python:3.11-slim\nCOPY notebook.py /app/\nEXPOSE 8080\nCMD ["python", "app.py"]\n',
            Purpose("service", "it exposes port 8080"),
        ),
        (
            'FROM python:3.11\nRUN pip install jupyterlab notebook\nEXPOSE 8888\nENTRYPOINT ["/root/cloud-entrypoint.sh"]\n',
            Purpose("notebook", "it exposes port 8888 (Jupyter) and installs `jupyterlab`"),
        ),
        ('FROM golang:1.22\nEXPOSE 8888\nENTRYPOINT ["/operator"]\n', Purpose("service", "it exposes port 8888")),
        (
            "FROM mcr.microsoft.com/devcontainers/python:3.11\nRUN true\n",
            Purpose(
                "devcontainer", "the base image `mcr.microsoft.com/devcontainers/python:3.11` is a development container image"
            ),
        ),
        ("FROM python:3.11 AS devcontainer\nEXPOSE 8000\n", Purpose("devcontainer", "the stage is named 'devcontainer'")),
        # a user given sudo, no port, a shell or a prompt (or no command): a development environment
        (
            'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN useradd -m dev && usermod -aG sudo dev\nUSER dev\nCMD ["/bin/bash"]\n',
            Purpose("devcontainer", "it gives its user sudo (`usermod -G sudo`) and runs no service: a development environment"),
        ),
        (
            "FROM rockylinux:9\nRUN useradd -m -G wheel dev\n",
            Purpose("devcontainer", "it gives its user sudo (`useradd -G wheel`) and runs no service: a development environment"),
        ),
        (
            'FROM ubuntu:22.04\nRUN adduser --disabled-password dev && adduser dev sudo\nCMD ["python3"]\n',
            Purpose("devcontainer", "it gives its user sudo (`adduser dev sudo`) and runs no service: a development environment"),
        ),
        (
            "FROM ubuntu:22.04\nRUN echo 'dev ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/dev\nCMD [\"bash\"]\n",
            Purpose(
                "devcontainer",
                "it gives its user sudo (`echo writing /etc/sudoers.d/dev`) and runs no service: a development environment",
            ),
        ),
        # a service keeps its purpose whatever its user may do; a group that is not a sudo group is nothing
        (
            'FROM python:3.11-slim\nRUN useradd -G sudo app\nCMD ["uvicorn", "app:api"]\n',
            Purpose("service", "its command runs `uvicorn`"),
        ),
        (
            'FROM ubuntu:24.04\nRUN usermod -aG video dev\nCMD ["/bin/bash"]\n',
            Purpose("toolchain", "its command is a shell (`bash`)"),
        ),
    ],
)
def test_purpose(text: str, expected: Purpose) -> None:
    assert parse(text, "Dockerfile").purpose == expected


def test_the_target_decides_which_stage_is_judged() -> None:
    text = 'FROM python:3.11 AS devcontainer\nRUN true\nFROM python:3.11-slim AS runtime\nCMD ["uvicorn", "app:api"]\n'
    assert parse(text, "Dockerfile").purpose == Purpose("service", "its command runs `uvicorn`")
    chosen = parse(text, "Dockerfile", Options(target="devcontainer")).purpose
    assert chosen is not None and chosen.kind == "devcontainer"


def test_a_dockerfile_under_devcontainer_is_a_development_container() -> None:
    purpose = parse("FROM python:3.11\nEXPOSE 8000\n", "repo/.devcontainer/Dockerfile").purpose
    assert purpose == Purpose("devcontainer", "the Dockerfile is under .devcontainer/")


def test_purpose_properties() -> None:
    assert Purpose("notebook", "").serves and Purpose("service", "").serves and not Purpose("unknown", "").serves
    assert Purpose("toolchain", "").for_development and not Purpose("service", "").for_development


@pytest.mark.parametrize(
    ("image", "workdir"),
    [
        ("golang:1.22", "/go"),
        ("public.ecr.aws/lambda/python:3.12", "/var/task"),
        ("registry.access.redhat.com/ubi9/python-311:1", "/opt/app-root/src"),
        ("docker.io/library/golang:1.22-alpine", "/go"),
        ("quay.io/jupyter/scipy-notebook", "/home/jovyan"),
        ("python:3.11", None),
        (None, None),
    ],
)
def test_known_base_workdirs(image: str | None, workdir: str | None) -> None:
    assert base_workdir(image) == workdir


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("repo/tests/docker/Dockerfile", Purpose("ci", "the Dockerfile is under a 'tests' folder")),
        ("repo/.circleci/images/Dockerfile.python3.6", Purpose("ci", "the Dockerfile is under a '.circleci' folder")),
        ("repo/Dockerfile.test.cpu", Purpose("ci", "the file name says 'test'")),
        ("repo/docker/Dockerfile-tests", Purpose("ci", "the file name says 'tests'")),
        ("repo/Dockerfile.QA", Purpose("ci", "the file name says 'qa'")),
        ("repo/docs/check.Dockerfile", Purpose("ci", "the file name says 'check'")),
        ("repo/docker/Dockerfile.dev", Purpose("devcontainer", "the file name says 'dev' (a development image)")),
        ("repo/.gitpod.Dockerfile", Purpose("devcontainer", "the file is a Gitpod workspace image (.gitpod.Dockerfile)")),
        # A word inside a longer name is not evidence: only the whole prefix of `X.Dockerfile` counts.
        ("repo/contest-app.Dockerfile", Purpose("service", "it exposes port 8000")),
        ("repo/latest/Dockerfile", Purpose("service", "it exposes port 8000")),
        (
            "repo/cmd/metricscollector/v1beta1/file-metricscollector/Dockerfile",
            Purpose(
                "sidecar",
                "the Dockerfile is under a 'metricscollector' folder: a sidecar, run beside its workload in the same pod",
            ),
        ),
        (
            "repo/docker/Dockerfile.sidecar",
            Purpose("sidecar", "the file name says 'sidecar': a sidecar, run beside its workload in the same pod"),
        ),
        ("repo/sidecars-docs/Dockerfile", Purpose("service", "it exposes port 8000")),  # not a word of the name
    ],
)
def test_purpose_from_the_path(path: str, expected: Purpose) -> None:
    text = 'FROM python:3.11-slim\nEXPOSE 8000\nCMD ["python", "-m", "app"]\n'
    assert parse(text, path).purpose == expected


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        (
            "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN make\n",
            "Dockerfile",
            Purpose(
                "toolchain", "it has no command or port, and its base `nvidia/cuda:12.4.1-devel-ubuntu22.04` is a toolchain image"
            ),
        ),
        (
            "FROM buildpack-deps:bookworm-scm\nRUN make\n",
            "Dockerfile",
            Purpose("toolchain", "it has no command or port, and its base `buildpack-deps:bookworm-scm` is a toolchain image"),
        ),
        (
            "FROM ubuntu:24.04 AS base-builder\nRUN make\n",
            "Dockerfile",
            Purpose("toolchain", "it has no command or port, and the stage is named 'base-builder'"),
        ),
        (
            "FROM ubuntu:24.04\nRUN make\n",
            "repo/docker/gh-builder/Dockerfile",
            Purpose("toolchain", "it has no command or port, and the Dockerfile is under a 'gh-builder' folder"),
        ),
        (
            "FROM ubuntu:24.04\nRUN make\n",
            "repo/Dockerfile.devel-gpu",
            Purpose("toolchain", "it has no command or port, and the file name says 'devel'"),
        ),
        (
            "FROM ubuntu:24.04\nRUN make\n",
            "repo/docs/Dockerfile.docs",
            Purpose("docs", "the file name says 'docs' (it builds documentation)"),
        ),
        (
            "FROM ubuntu:24.04\nRUN make\n",
            "repo/Dockerfile.sdk",
            Purpose("toolchain", "it has no command or port, and the file name says 'sdk'"),
        ),
        (
            "FROM python:3.11-slim\nRUN pip install --no-cache-dir feast==0.40.1\n",
            "repo/sdk/python/feast/infra/feature_servers/multicloud/Dockerfile",
            Purpose("unknown", "no command, exposed port or telling name"),
        ),
        # a docs/ folder also holds sample servers: only a file name says "docs"; its samples are examples
        (
            "FROM ubuntu:24.04\nRUN make\n",
            "repo/docs/samples/Dockerfile",
            Purpose("example", "the Dockerfile is a documentation sample (under a docs' 'samples' folder)"),
        ),
        (
            "FROM ubuntu:24.04\nRUN make\n",
            "repo/docs/Dockerfile",
            Purpose("unknown", "no command, exposed port or telling name"),
        ),
        # the runtime flavour is not a toolchain, and a devel base with a command that serves is a service
        (
            "FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04\nRUN true\n",
            "Dockerfile",
            Purpose("unknown", "no command, exposed port or telling name"),
        ),
        (
            'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nCMD ["python3", "serve.py"]\n',
            "Dockerfile",
            Purpose("service", "its command runs `python3`"),
        ),
        (
            'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nCMD ["python3", "serve.py"]\n',
            "repo/Dockerfile.devel",
            Purpose("service", "its command runs `python3`"),
        ),
    ],
)
def test_build_environments(text: str, path: str, expected: Purpose) -> None:
    assert parse(text, path).purpose == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('CMD ["php", "-a"]', Purpose("toolchain", "its command is an interpreter's prompt (`php -a`)")),
        ('CMD ["python3", "-m", "http.server"]', Purpose("service", "its command runs `python3`")),
        ('ENTRYPOINT ["tini", "-g", "--", "start.sh"]', Purpose("service", "its command runs `start.sh`")),
        ('ENTRYPOINT ["/usr/bin/tini", "--"]\nCMD ["pytest"]', Purpose("ci", "its command runs `pytest`")),
    ],
)
def test_commands_behind_wrappers_and_prompt_options(command: str, expected: Purpose) -> None:
    assert parse(f"FROM python:3.11-slim\n{command}\n", "Dockerfile").purpose == expected


def test_the_path_is_read_below_the_repository_root(tmp_path: Path) -> None:
    """A checkout that lives under a `ci/` or `tests/` folder is not a CI image."""
    repository = tmp_path / "ci" / "tests" / "project"
    (repository / "docker").mkdir(parents=True)
    (repository / ".git").mkdir()
    dockerfile = repository / "docker" / "Dockerfile"
    text = 'FROM python:3.11-slim\nCMD ["python", "-m", "app"]\n'
    dockerfile.write_text(text)
    assert parse(text, str(dockerfile)).purpose == Purpose("service", "its command runs `python`")
    (repository / "tests").mkdir()
    inside = repository / "tests" / "Dockerfile"
    inside.write_text(text)
    assert parse(text, str(inside)).purpose == Purpose("ci", "the Dockerfile is under a 'tests' folder")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "frontend/dockerfile/parser/testfiles/health/Dockerfile",
            Purpose("testdata", "the Dockerfile is test data (under a 'testfiles' folder)"),
        ),
        ("pkg/testdata/Dockerfile", Purpose("testdata", "the Dockerfile is test data (under a 'testdata' folder)")),
        ("parser/testfile-line/Dockerfile", Purpose("testdata", "the Dockerfile is test data (under a 'testfile-line' folder)")),
        (
            "tests/dockerfile/checks/example_UpdateNotAlone/failure/Dockerfile",
            Purpose("testdata", "the Dockerfile is test data (under a tests' 'checks' folder)"),
        ),
        ("test/examples/Dockerfile.misc", Purpose("testdata", "the Dockerfile is test data (under a tests' 'examples' folder)")),
        ("fixtures/examples/inference.Dockerfile", Purpose("service", "its command runs `python`")),  # no test folder above
        ("examples/Dockerfile", Purpose("service", "its command runs `python`")),
        ("test/e2e/Dockerfile", Purpose("ci", "the Dockerfile is under a 'test' folder")),
        ("benchmarks/fp8/ms_amp/Dockerfile", Purpose("ci", "the Dockerfile is under a 'benchmarks' folder")),
    ],
)
def test_test_data_by_its_folder(path: str, expected: Purpose) -> None:
    assert parse('FROM python:3.11-slim\nCMD ["python", "-m", "app"]\n', path).purpose == expected


def test_no_rule_runs_on_test_data_unless_selected_by_code() -> None:
    from dflint.engine import Settings, lint_source, selected_rules

    text = "FROM ubuntu:22.04\nRUN apt-get install curl\n"  # no -y: DF305, a rule that judges every image
    settings = Settings()
    built = lint_source(text, "app/Dockerfile", settings, selected_rules(settings), None)
    assert "DF305" in {finding.code for finding in built.findings}
    data = lint_source(text, "tests/dockerfile/checks/example/failure/Dockerfile", settings, selected_rules(settings), None)
    assert data.findings == ()
    named = Settings(select=("DF305",))
    again = lint_source(text, "tests/dockerfile/checks/example/failure/Dockerfile", named, selected_rules(named), None)
    assert [finding.code for finding in again.findings] == ["DF305"]


def test_purpose_ships() -> None:
    assert not Purpose("ci", "").ships and not Purpose("devcontainer", "").ships and not Purpose("testdata", "").ships
    assert not Purpose("docs", "").ships and Purpose("docs", "").for_development
    assert not Purpose("example", "").ships and not Purpose("example", "").for_development
    assert Purpose("testdata", "").test_data and not Purpose("ci", "").test_data
    assert Purpose("service", "").ships and Purpose("toolchain", "").ships and Purpose("unknown", "").ships


def test_rules_that_judge_a_deployed_image_do_not_run_on_a_test_image() -> None:
    from dflint.engine import Settings, lint_source, selected_rules

    text = 'FROM python:3.11-slim\nRUN pip install pytest onnxruntime\nCMD ["python", "-m", "app"]\n'
    settings = Settings(select=("DF3", "DF4"))
    rules = selected_rules(settings)
    shipped = lint_source(text, "app/Dockerfile", settings, rules, None)
    assert sorted(finding.code for finding in shipped.findings) == ["DF301", "DF401"]
    tested = lint_source(text, "app/tests/Dockerfile", settings, rules, None)
    assert tested.findings == ()
    # selected by its own code or name, a rule runs on every image
    named = Settings(select=("DF301", "unpinned-package"))
    again = lint_source(text, "app/tests/Dockerfile", named, selected_rules(named), None)
    assert sorted(finding.code for finding in again.findings) == ["DF301", "DF401"]


def test_the_output_says_what_the_image_is_for_and_what_that_changed(tmp_path: Path) -> None:
    """A file the engine left unchecked is never a silent "All checks passed": the summary counts it,
    --verbose says why, and the JSON names the purpose and its evidence."""
    import json

    from click.testing import CliRunner

    from dflint.cli import main

    (tmp_path / ".git").mkdir()
    for folder in ("testdata", "ci"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "Dockerfile").write_text('FROM python:3.11\nRUN pip install torch\nCMD ["python", "app.py"]\n')
    paths = [str(tmp_path / "testdata" / "Dockerfile"), str(tmp_path / "ci" / "Dockerfile")]
    text = CliRunner().invoke(main, ["--verbose", *paths]).output
    assert f"{paths[0]}: the Dockerfile is test data (under a 'testdata' folder); no rule ran on it unless selected" in text
    assert f"{paths[1]}: ci image (the Dockerfile is under a 'ci' folder); rules that judge a deployed image did not run" in text
    assert text.rstrip().endswith("All checks passed (2 files); 1 test-data file not checked (see --verbose).")
    document = json.loads(CliRunner().invoke(main, ["--format", "json", *paths]).output)
    assert [(entry["purpose"], entry["purpose_evidence"]) for entry in document["files"]] == [
        ("testdata", "the Dockerfile is test data (under a 'testdata' folder)"),
        ("ci", "the Dockerfile is under a 'ci' folder"),
    ]
    selected = CliRunner().invoke(main, ["--select", "DF401", paths[0]]).output
    assert "DF401" in selected and "not checked" not in selected


_MPI = (
    "RUN curl -fsSLO https://download.open-mpi.org/release/open-mpi/v4.1/openmpi-4.1.6.tar.gz"
    " && tar xf openmpi-4.1.6.tar.gz && cd openmpi-4.1.6 && ./configure --prefix=/opt/openmpi && make install\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a training launcher in the command decides it, whatever the ports
        (
            'FROM pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime\nEXPOSE 29500\nCMD ["torchrun", "--nproc_per_node=8", "train.py"]\n',
            Purpose("training", "its command launches training (`torchrun`)"),
        ),
        (
            'FROM python:3.11\nENTRYPOINT ["accelerate", "launch", "train.py"]\n',
            Purpose("training", "its command launches training (`accelerate launch`)"),
        ),
        (
            'FROM python:3.11\nCMD ["python3", "-m", "torch.distributed.run", "--nproc_per_node=2", "train.py"]\n',
            Purpose("training", "its command launches training (`python -m torch.distributed.run`)"),
        ),
        (
            'FROM python:3.11\nCMD ["llamafactory-cli", "train", "examples/sft.yaml"]\n',
            Purpose("training", "its command launches training (`llamafactory-cli train`)"),
        ),
        # the same programs doing something else are not launching training
        ('FROM python:3.11\nCMD ["accelerate", "config"]\n', Purpose("service", "its command runs `accelerate`")),
        (
            'FROM python:3.11\nEXPOSE 8000\nCMD ["llamafactory-cli", "api"]\n',
            Purpose("service", "it exposes port 8000"),
        ),
        # SageMaker's training module, with no port but SSH's and no server
        (
            "FROM python:3.11\nENV SAGEMAKER_TRAINING_MODULE=sagemaker_pytorch_container.training:main\nEXPOSE 22\n"
            'ENTRYPOINT ["bash", "-m", "start_with_right_hostname.sh"]\nCMD ["/bin/bash"]\n',
            Purpose("training", "it sets `SAGEMAKER_TRAINING_MODULE`, the training module SageMaker's training toolkit runs"),
        ),
        (  # a SageMaker image that also serves (scikit-learn, XGBoost) stays a service
            "FROM python:3.11\nENV SAGEMAKER_TRAINING_MODULE=sagemaker_sklearn_container.training:main\nEXPOSE 8080\n",
            Purpose("service", "it exposes port 8080", "sagemaker", "it sets `SAGEMAKER_TRAINING_MODULE` (ENV)", True),
        ),
        (
            'FROM python:3.11\nENV SAGEMAKER_TRAINING_MODULE=m.training:main\nCMD ["uvicorn", "app:api"]\n',
            Purpose("service", "its command runs `uvicorn`", "sagemaker", "it sets `SAGEMAKER_TRAINING_MODULE` (ENV)", True),
        ),
        # MPI and SSH's port 22 only: a multi-node training image; either alone is not
        (
            "FROM ubuntu:22.04\n" + _MPI + 'EXPOSE 22\nCMD ["/bin/bash"]\n',
            Purpose(
                "training",
                "it installs MPI (`open-mpi`) and exposes only SSH's port 22, which mpirun reaches the other nodes over",
            ),
        ),
        (
            "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y openmpi-bin openssh-server\nEXPOSE 22\n",
            Purpose(
                "training",
                "it installs MPI (`openmpi-bin`) and exposes only SSH's port 22, which mpirun reaches the other nodes over",
            ),
        ),
        ("FROM ubuntu:22.04\n" + _MPI + 'CMD ["/bin/bash"]\n', Purpose("toolchain", "its command is a shell (`bash`)")),
        (
            "FROM ubuntu:22.04\n" + _MPI + 'EXPOSE 22 8000\nCMD ["python3", "-m", "server"]\n',
            Purpose("service", "it exposes port 22"),
        ),
        ('FROM ubuntu:22.04\nEXPOSE 22\nCMD ["/bin/bash"]\n', Purpose("service", "it exposes port 22")),
        (  # port 22 and a user given sudo, no server: a development environment, as with no port
            'FROM ubuntu:22.04\nRUN useradd -m -G sudo dev\nEXPOSE 22\nCMD ["/bin/bash"]\n',
            Purpose("devcontainer", "it gives its user sudo (`useradd -G sudo`) and runs no service: a development environment"),
        ),
        # a library that exists to train models, in an image that serves nothing
        (
            "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN pip install --no-cache-dir trl==0.9.6 peft==0.11.1\n",
            Purpose("training", "it installs `trl`, a library for training models, and runs no service"),
        ),
        (  # a local install of the clone of one (axolotl's image: `pip install -e .` in /workspace/axolotl)
            "FROM winglian/axolotl-base:main-base\nWORKDIR /workspace\n"
            "RUN git clone --depth=1 https://github.com/axolotl-ai-cloud/axolotl.git\nWORKDIR /workspace/axolotl\n"
            "RUN pip install -e .[deepspeed,flash-attn]\n",
            Purpose("training", "it installs `axolotl`, a library for training models, and runs no service"),
        ),
        (  # ... or whose command is a bare shell, whatever it exposes: the ports are for tools started by hand
            'FROM ubuntu:24.04\nRUN pip install --no-cache-dir "megatron-core==0.13.1"\nEXPOSE 7860 8000\nCMD ["bash"]\n',
            Purpose("training", "its command is a shell and it installs `megatron-core`, a library for training models"),
        ),
        (
            'FROM ubuntu:24.04\nRUN pip install --no-cache-dir "megatron-core==0.13.1"\nEXPOSE 8000\nCMD ["python3", "serve.py"]\n',
            Purpose("service", "it exposes port 8000"),
        ),
        (
            'FROM python:3.11\nRUN pip install --no-cache-dir trl==0.9.6\nCMD ["gunicorn", "app:api"]\n',
            Purpose("service", "its command runs `gunicorn`"),
        ),
        # a RUN that starts a launcher that exists only for training; mpirun alone is not one
        (
            "FROM ubuntu:20.04\nRUN pip install --no-cache-dir /dist/horovod-0.28.1.tar.gz && horovodrun --check-build\n",
            Purpose("training", "it runs the training launcher `horovodrun` and no service"),
        ),
        (
            "FROM ubuntu:20.04\nRUN apt-get update && apt-get install -y libopenmpi-dev && mpirun --version\n",
            Purpose("unknown", "no command, exposed port or telling name"),
        ),
        # a tool that runs a repository's checks, with no port and no command: a CI image
        (
            "FROM registry.fedoraproject.org/fedora:41\nRUN dnf install -y golang make pre-commit && dnf clean all\n",
            Purpose("ci", "it installs `pre-commit`, which runs a repository's checks, and runs no service"),
        ),
        (
            'FROM python:3.11\nRUN pip install --no-cache-dir pre-commit==3.7.1\nCMD ["bash"]\n',
            Purpose("ci", "it installs `pre-commit`, which runs a repository's checks, and runs no service"),
        ),
        (
            'FROM python:3.11\nRUN pip install --no-cache-dir pre-commit==3.7.1\nEXPOSE 8000\nCMD ["python", "app.py"]\n',
            Purpose("service", "it exposes port 8000"),
        ),
    ],
)
def test_training_and_check_images(text: str, expected: Purpose) -> None:
    assert parse(text, "Dockerfile").purpose == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("repo/containers/pytorch/training/gpu/Dockerfile", Purpose("training", "the Dockerfile is under a 'training' folder")),
        ("repo/docker/Dockerfile.train", Purpose("training", "the file name says 'train'")),
        ("repo/finetune.Dockerfile", Purpose("training", "the file name says 'finetune'")),
        # a folder name is matched whole: an application named for training is not a training image
        (
            "repo/medical-device-training-assistant/evaluation/Dockerfile",
            Purpose("unknown", "no command, exposed port or telling name"),
        ),
    ],
)
def test_training_from_the_path(path: str, expected: Purpose) -> None:
    assert parse("FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\n", path).purpose == expected


@pytest.mark.parametrize(
    ("path", "command", "expected"),
    [
        # Kubeflow Katib's hyperparameter-tuning trials: each is a training run
        (
            "katib/examples/v1beta1/trial-images/pytorch-mnist/Dockerfile.cpu",
            '["python3", "/opt/pytorch-mnist/mnist.py"]',
            Purpose("training", "the Dockerfile is under a 'trial-images' folder"),
        ),
        (
            "repo/Dockerfile",
            '["python3", "-u", "run_trial.py"]',
            Purpose("training", "its command runs the training script `run_trial.py`"),
        ),
        (
            "repo/Dockerfile",
            '["python3", "-u", "RunTrial.py"]',
            Purpose("training", "its command runs the training script `RunTrial.py`"),
        ),
        ("repo/Dockerfile", "python train.py --epochs 3", Purpose("training", "its command runs the training script `train.py`")),
        (
            "repo/Dockerfile",
            '["python3", "/app/fine-tune.py"]',
            Purpose("training", "its command runs the training script `fine-tune.py`"),
        ),
        # other scripts, a module, or a server are not training; a folder named like a trial is matched whole
        ("repo/Dockerfile", '["python3", "serve.py"]', Purpose("service", "its command runs `python3`")),
        ("repo/Dockerfile", '["python3", "-m", "train"]', Purpose("service", "its command runs `python3`")),
        ("repo/Dockerfile", '["python3", "train_server.py"]', Purpose("service", "its command runs `python3`")),
        ("repo/trial-images-server/Dockerfile", '["python3", "app.py"]', Purpose("service", "its command runs `python3`")),
    ],
)
def test_training_from_the_script_or_a_trial_folder(path: str, command: str, expected: Purpose) -> None:
    text = f"FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.4.0\nCMD {command}\n"
    assert parse(text, path).purpose == expected


def test_a_training_script_with_a_port_is_a_service() -> None:
    text = 'FROM python:3.11-slim\nEXPOSE 8080\nCMD ["python3", "train.py"]\n'
    assert parse(text, "repo/trial-images/x/Dockerfile").purpose == Purpose("service", "it exposes port 8080")


def test_a_path_does_not_make_a_server_a_training_image() -> None:
    text = 'FROM python:3.11-slim\nCMD ["uvicorn", "app:api"]\n'
    assert parse(text, "repo/training/Dockerfile").purpose == Purpose("service", "its command runs `uvicorn`")
    served = parse("FROM nvcr.io/nvidia/tritonserver:24.04-py3\nEXPOSE 8000\n", "repo/training/Dockerfile").purpose
    assert served == Purpose("service", "it exposes port 8000")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # no command of its own on a base whose command is a prompt: what it serves is given at run time
        (
            "FROM node:24-alpine3.22\nCOPY . /src\nEXPOSE 8080\n",
            Purpose(
                "unknown",
                "it sets no command, and its base `node:24-alpine3.22` starts Node's prompt (`node`): what it runs"
                " on port 8080 is the command it is started with",
            ),
        ),
        ('FROM node:24-alpine3.22\nEXPOSE 8080\nCMD ["node", "server.js"]\n', Purpose("service", "it exposes port 8080")),
        # a base dflint does not know to start a prompt or a shell: its own command may serve
        ("FROM nvcr.io/nvidia/tritonserver:24.04-py3\nEXPOSE 8000\n", Purpose("service", "it exposes port 8000")),
    ],
)
def test_no_command_on_an_interactive_base(text: str, expected: Purpose) -> None:
    assert parse(text, "Dockerfile").purpose == expected


def test_training_purpose_properties() -> None:
    training = Purpose("training", "")
    assert training.ships  # pulled to every node: the cache, layer and pinning rules still run
    assert not training.serves  # a job, not a service (DF620)
    assert not training.for_development
    assert training.keeps_build_tools and training.builds_as_it_works  # DF101, DF102, DF201, DF202
    assert Purpose("toolchain", "").keeps_build_tools and not Purpose("notebook", "").keeps_build_tools
    assert Purpose("notebook", "").builds_as_it_works and not Purpose("service", "").keeps_build_tools


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        (
            'FROM python:3.12-slim\nCOPY kserve_migration.sh /\nENTRYPOINT ["/kserve_migration.sh"]\n',
            "repo/hack/kserve_migration/Dockerfile",
            Purpose("job", "it exposes no port and its command names a one-shot task ('migration')"),
        ),
        (
            'FROM debian:12-slim AS sysdb-migration\nCMD ["sh", "-c", "exec ./spanner_migration"]\n',
            "repo/Dockerfile",
            Purpose("job", "it exposes no port and its command names a one-shot task ('migration')"),
        ),
        (
            'FROM python:3.12-slim\nCOPY . /seed\nCMD ["/seed/generate-votes.sh"]\n',
            "repo/seed-data/Dockerfile",
            Purpose("job", "it exposes no port and the Dockerfile is in a folder named 'seed-data', a one-shot task"),
        ),
        (
            'FROM python:3.14-slim\nWORKDIR /app\nENTRYPOINT ["python", "-m", "pkg.initializers.dataset"]\n',
            "repo/cmd/initializers/dataset/Dockerfile",
            Purpose("job", "it exposes no port and its command names a one-shot task ('initializers')"),
        ),
        (
            "FROM golang:1.25 AS sysdb-migration\nRUN go build ./cmd/migrate\n",
            "repo/go/Dockerfile.migration",
            Purpose("job", "it exposes no port and the stage is named 'sysdb-migration', a one-shot task"),
        ),
        # a migration before the server is a service; a port says so too
        (
            'FROM python:3.12-slim\nCMD ["sh", "-c", "python manage.py migrate && gunicorn app.wsgi"]\n',
            "repo/Dockerfile",
            Purpose("service", "its command runs `sh`"),
        ),
        (
            'FROM python:3.12-slim\nEXPOSE 8000\nCMD ["python", "seed.py"]\n',
            "repo/Dockerfile",
            Purpose("service", "it exposes port 8000"),
        ),
    ],
)
def test_one_shot_jobs(text: str, path: str, expected: Purpose) -> None:
    purpose = parse(text, path).purpose
    assert purpose == expected
    assert purpose is not None and purpose.ships and purpose.serves == (expected.kind == "service")


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        (
            "FROM python:3.12-slim\nRUN pip install --no-cache-dir sphinx==7.4.7\nEXPOSE 8000\n",
            "repo/docs/Dockerfile.docs",
            Purpose("docs", "the file name says 'docs' (it builds documentation)"),
        ),
        (
            "FROM alpine:3.20\nRUN apk add --no-cache py3-pip && pip3 install mkdocs==1.6.1\n",
            "repo/docs/docs.Dockerfile",
            Purpose("docs", "the file name says 'docs' (it builds documentation)"),
        ),
        (
            'FROM golang:1.25\nRUN go build\nENTRYPOINT ["./gen-crd-api-reference-docs"]\nCMD ["-out-file", "./apidocs/README.md"]\n',
            "repo/docs/apis/Dockerfile",
            Purpose("docs", "it is under a 'docs' folder and its command runs `gen-crd-api-reference-docs`"),
        ),
        (
            "FROM golang:1.25\nRUN apt-get update && apt-get install -y pandoc\nCMD cp -a /src /work && make remote-${OS}-docs\n",
            "repo/docs/Containerfile",
            Purpose("docs", "it is under a 'docs' folder and its command runs `make remote-${OS}-docs`"),
        ),
        (
            'FROM python:3.12-slim\nRUN pip install --no-cache-dir sphinx==7.4.7\nCMD ["sphinx-build", "docs", "_build"]\n',
            "repo/doc/Dockerfile",
            Purpose("docs", "it is under a 'doc' folder and its command runs `sphinx-build`"),
        ),
        # a sample server kept with the docs' samples is a walkthrough's example: it ships, but serves nobody
        (
            'FROM python:3.12-slim\nRUN pip install --no-cache-dir kserve==0.14.0\nENTRYPOINT ["python", "-m", "model"]\n',
            "repo/docs/samples/transformer/Dockerfile",
            Purpose("example", "the Dockerfile is a documentation sample (under a docs' 'samples' folder)"),
        ),
        (
            'FROM python:3.12-slim\nEXPOSE 6566\nENTRYPOINT ["feast"]\nCMD ["--help"]\n',
            "repo/doc/guide/examples/feast/Dockerfile",
            Purpose("example", "the Dockerfile is a documentation sample (under a docs' 'examples' folder)"),
        ),
        # any folder below docs/ holds what the docs show (jupyter's `docs/using/recipe_code/`); a server
        # right in docs/, or samples outside docs/, stays a service
        (
            'FROM python:3.12-slim\nENTRYPOINT ["python", "-m", "model"]\n',
            "repo/docs/server/Dockerfile",
            Purpose("example", "the Dockerfile is a documentation sample (under 'docs/server')"),
        ),
        (
            "ARG BASE_IMAGE=quay.io/jupyter/base-notebook\nFROM $BASE_IMAGE\nRUN pip install --no-cache-dir jupyterlab-git\n",
            "repo/docs/using/recipe_code/pip_install.dockerfile",
            Purpose("example", "the Dockerfile is a documentation sample (under 'docs/using')"),
        ),
        (
            'FROM python:3.12-slim\nENTRYPOINT ["python", "-m", "model"]\n',
            "repo/docs/Dockerfile",
            Purpose("service", "its command runs `python`"),
        ),
        (
            'FROM python:3.12-slim\nENTRYPOINT ["python", "-m", "model"]\n',
            "repo/samples/server/Dockerfile",
            Purpose("service", "its command runs `python`"),
        ),
        # the built site served by a web server ships
        (
            'FROM nginx:1.27-alpine\nCOPY site /usr/share/nginx/html\nEXPOSE 8080\nCMD ["nginx", "-g", "daemon off;"]\n',
            "repo/docs/Dockerfile.docs",
            Purpose("service", "it exposes port 8080"),
        ),
    ],
)
def test_documentation_builders(text: str, path: str, expected: Purpose) -> None:
    purpose = parse(text, path).purpose
    assert purpose == expected
    assert purpose is not None and purpose.ships == (expected.kind not in ("docs", "example"))


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        (
            'FROM ubuntu:22.04\nLABEL com.amazonaws.sagemaker.capabilities.multi-models=true\nEXPOSE 8080\nCMD ["serve"]\n',
            "it sets `com.amazonaws.sagemaker.capabilities.multi-models` (LABEL)",
        ),
        (
            'FROM python:3.11-slim\nENV SAGEMAKER_BIND_TO_PORT=8080\nCMD ["python", "serve.py"]\n',
            "it sets `SAGEMAKER_BIND_TO_PORT` (ENV)",
        ),
        (
            'FROM python:3.11-slim\nRUN pip install sagemaker-inference==1.10.1\nCMD ["python", "serve.py"]\n',
            "it installs `sagemaker-inference`",
        ),
        (
            'FROM python:3.11-slim AS base\nRUN true\nFROM base AS vllm-sagemaker\nCMD ["python", "serve.py"]\n',
            "the stage is named 'vllm-sagemaker'",
        ),
    ],
)
def test_the_sagemaker_platform(text: str, evidence: str) -> None:
    purpose = parse(text, "Dockerfile").purpose
    assert purpose is not None and purpose.kind == "service"
    assert (purpose.platform, purpose.platform_evidence, purpose.platform_runs_as_root) == ("sagemaker", evidence, True)


def test_no_platform_without_evidence() -> None:
    text = 'FROM python:3.11-slim AS for-sagemaker\nCMD ["serve"]\nFROM python:3.11-slim AS ec2\nCMD ["python", "serve.py"]\n'
    purpose = parse(text, "Dockerfile").purpose
    assert purpose is not None and purpose.platform is None and not purpose.platform_runs_as_root
    # the target decides which image is judged
    targeted = parse(text, "Dockerfile", Options(target="for-sagemaker")).purpose
    assert targeted is not None and targeted.platform == "sagemaker"


def test_the_output_names_the_platform_and_a_docs_builder(tmp_path: Path) -> None:
    """--verbose and JSON say which platform a serving image is built for, and that a docs builder is not deployed;
    the JSON stays valid against its schema."""
    import json

    import jsonschema
    from click.testing import CliRunner

    from dflint.cli import main

    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "serve").mkdir()
    (tmp_path / "docs" / "Dockerfile.docs").write_text("FROM python:3.12-slim\nRUN pip install sphinx\n")
    (tmp_path / "serve" / "Dockerfile").write_text(
        'FROM ubuntu:22.04\nLABEL com.amazonaws.sagemaker.capabilities.multi-models=true\nEXPOSE 8080\nCMD ["serve"]\n'
    )
    paths = [str(tmp_path / "docs" / "Dockerfile.docs"), str(tmp_path / "serve" / "Dockerfile")]
    text = CliRunner().invoke(main, ["--verbose", *paths]).output
    assert f"{paths[0]}: docs image (the file name says 'docs' (it builds documentation)); rules that judge" in text
    assert (
        f"{paths[1]}: service image (it exposes port 8080), built for sagemaker"
        " (it sets `com.amazonaws.sagemaker.capabilities.multi-models` (LABEL))" in text
    )
    document = json.loads(CliRunner().invoke(main, ["--format", "json", *paths]).output)
    schema = json.loads((Path(__file__).resolve().parent.parent / "docs" / "json-output.schema.json").read_text())
    jsonschema.validate(document, schema)
    assert [(entry["purpose"], entry.get("platform")) for entry in document["files"]] == [
        ("docs", None),
        ("service", "sagemaker"),
    ]
    assert "DF401" not in {finding["code"] for finding in document["findings"]}
    assert "DF620" not in {finding["code"] for finding in document["findings"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'FROM ubuntu:24.04\nCOPY . /app\nCMD ["python", "-m", "workflow_agent", "--help"]\n',
            Purpose("tool", "its command only prints the program's help or version (`--help`) and it exposes no port"),
        ),
        (
            'FROM python:3.12-slim\nENTRYPOINT ["mytool"]\nCMD ["-h"]\n',
            Purpose("tool", "its command only prints the program's help or version (`-h`) and it exposes no port"),
        ),
        (
            "FROM golang:1.23\nCMD mytool version\n",
            Purpose("tool", "its command only prints the program's help or version (`version`) and it exposes no port"),
        ),
        # a port: the help is a default the deployment replaces (`feast serve`)
        (
            'FROM python:3.12-slim\nEXPOSE 6566\nENTRYPOINT ["feast"]\nCMD ["--help"]\n',
            Purpose("service", "it exposes port 6566"),
        ),
        # an ENTRYPOINT in a later stage resets the CMD its base stage set
        (
            'FROM python:3.12-slim AS base\nCMD ["--help"]\nFROM base\nENTRYPOINT ["uvicorn", "app:api"]\n',
            Purpose("service", "its command runs `uvicorn`"),
        ),
        # help somewhere else in the command is an option of a running program, not the whole command
        ('FROM python:3.12-slim\nCMD ["serve", "--help-url", "x"]\n', Purpose("service", "its command runs `serve`")),
        # a program known to be a command-line tool (LightGBM's CLI image: `docker run … lightgbm-cli config=…`)
        (
            'FROM ubuntu:24.04\nCOPY lightgbm /usr/local/bin/lightgbm\nWORKDIR /data\nENTRYPOINT ["lightgbm"]\n',
            Purpose(
                "tool", "its command runs `lightgbm`, a command-line tool given its task on each run, and it exposes no port"
            ),
        ),
        # the same program behind a port serves
        ('FROM ubuntu:24.04\nEXPOSE 8000\nENTRYPOINT ["lightgbm", "serve"]\n', Purpose("service", "it exposes port 8000")),
        # Ludwig installed is a training library, whatever the command (`ludwig[full]==${LUDWIG_VERSION}`: its
        # name is known, only its version comes from a build argument)
        (
            'FROM python:3.12-slim\nARG LUDWIG_VERSION\nRUN pip install --no-cache-dir "ludwig[full]==${LUDWIG_VERSION}"\n'
            'ENTRYPOINT ["ludwig"]\n',
            Purpose("training", "it installs `ludwig`, a library for training models, and runs no service"),
        ),
    ],
)
def test_a_command_line_tool(text: str, expected: Purpose) -> None:
    purpose = parse(text, "repo/Dockerfile").purpose
    assert purpose == expected
    assert purpose is not None and purpose.ships and (purpose.serves == (expected.kind == "service"))


def test_a_stage_built_only_for_ci_gets_no_finding_of_the_rules_for_deployed_images() -> None:
    from dflint.engine import Settings, lint_source, selected_rules
    from dflint.purpose import undeployed_stages

    text = (
        "FROM python:3.12-slim AS runtime\n"
        "RUN pip install --no-cache-dir onnxruntime\n"
        'CMD ["python", "-m", "server"]\n'
        "# used only for the CI\n"
        "FROM runtime AS ci-runtime\n"
        "RUN pip install --no-cache-dir pytest torch\n"
        "FROM runtime AS final\n"
        'CMD ["python", "-m", "server"]\n'
    )
    assert undeployed_stages(parse(text, "Dockerfile")) == frozenset({"ci-runtime"})
    default = Settings()
    found = lint_source(text, "Dockerfile", default, selected_rules(default), None).findings
    assert [f.span.line for f in found if f.code == "DF401"] == [2]
    # selected by its own code, the rule reports the CI stage too; the target makes it the image
    named = Settings(select=("DF401",))
    found = lint_source(text, "Dockerfile", named, selected_rules(named), None).findings
    assert [(f.code, f.span.line) for f in found] == [("DF401", 2), ("DF401", 6)]
    targeted = parse(text, "Dockerfile", Options(target="ci-runtime"))
    assert undeployed_stages(targeted) == frozenset()


def test_a_development_stage_nobody_ships_is_not_judged_as_deployed() -> None:
    from dflint.purpose import undeployed_stages

    text = (
        "FROM python:3.11-slim AS base\n"
        "RUN pip install --no-cache-dir flask==3.0.3\n"
        "FROM base AS dev\n"
        "RUN pip install --no-cache-dir watchdog\n"
        'CMD ["python", "app.py"]\n'
        "FROM base AS final\n"
        'CMD ["gunicorn", "app:app"]\n'
    )
    assert undeployed_stages(parse(text, "Dockerfile")) == frozenset({"dev"})
    # the same stage shipped (the final one, or targeted) is judged
    assert undeployed_stages(parse(text, "Dockerfile", Options(target="dev"))) == frozenset()
    assert undeployed_stages(parse(text.replace("AS dev", "AS devel-tools"), "Dockerfile")) == frozenset()


def test_an_absolute_path_under_the_current_directory_reads_the_folders_a_relative_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no repository above: the folders below the current directory count, however the path is written
    deep = tmp_path / "tests" / "dockerfile" / "checks" / "example" / "failure"
    deep.mkdir(parents=True)
    (deep / "Dockerfile").write_text("FROM alpine:3.20\nRUN true\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    text = (deep / "Dockerfile").read_text(encoding="utf-8")
    relative = parse(text, "tests/dockerfile/checks/example/failure/Dockerfile").purpose
    absolute = parse(text, str(deep / "Dockerfile")).purpose
    assert relative is not None and relative.kind == "testdata"
    assert absolute == relative
    # run from the Dockerfile's own folder, nothing above it is read, as for `dflint Dockerfile` there
    monkeypatch.chdir(deep)
    elsewhere = parse(text, str(deep / "Dockerfile")).purpose
    assert elsewhere is not None and elsewhere.kind != "testdata"


def test_a_notebook_folder_names_a_notebook_only_when_a_build_argument_names_the_base() -> None:
    path = "repo/components/example-notebook-servers/jupyter-scipy/Dockerfile"
    from_argument = "ARG BASE_IMG\nFROM $BASE_IMG\nRUN pip install --no-cache-dir scipy==1.14.1\n"
    assert parse(from_argument, path).purpose == Purpose(
        "notebook", "it has no command or port, and the Dockerfile is under a 'example-notebook-servers' folder"
    )
    # a literal base that runs no notebook (gpu-jupyter's header fragment on nvidia/cuda): no telling name
    literal = "FROM nvidia/cuda:12.9.1-cudnn-runtime-ubuntu24.04\nRUN chmod 1777 /tmp\n"
    purpose = parse(literal, "repo/gpu-jupyter/custom/header.Dockerfile").purpose
    assert purpose is not None and purpose.kind != "notebook"


def test_a_training_library_named_in_a_requirements_file_makes_a_training_image(tmp_path: Path) -> None:
    # Kubeflow Trainer's torchtune image: `pip install -r requirements.txt` holding `torchtune==0.6.1`;
    # the build tools it keeps are what torch compiles kernels with as it trains
    (tmp_path / "requirements.txt").write_text("torchao==0.15.0\ntorchtune==0.6.1\n", encoding="utf-8")
    text = (
        "FROM pytorch/pytorch:2.9.1-cuda12.8-cudnn9-runtime\nWORKDIR /workspace\n"
        "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    )
    purpose = parse(text, str(tmp_path / "Dockerfile"), Options(context_dir=str(tmp_path))).purpose
    assert purpose == Purpose("training", "it installs `torchtune`, a library for training models, and runs no service")


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        ('CMD ["/bin/sh", "-c", "jupyter lab --ip 0.0.0.0"]', "notebook"),
        ('CMD ["bash"]', "notebook"),
        # Kubeflow Pipelines' API server: the shell runs another program, which serves on 8888
        ('CMD ["/bin/sh", "-c", "/bin/apiserver --config=/config -logtostderr=true"]', "service"),
    ],
)
def test_port_8888_is_jupyter_only_when_the_shell_starts_a_notebook_or_a_prompt(command: str, kind: str) -> None:
    assert parse(f"FROM debian:bookworm-slim\nEXPOSE 8888\n{command}\n", "Dockerfile").purpose.kind == kind
