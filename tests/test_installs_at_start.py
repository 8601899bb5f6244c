"""What says the shipped image pip-installs packages when it starts or loads a model
(`dflint.build_deps.installs_at_start`): each kind of evidence, and its absence."""

from __future__ import annotations

from pathlib import Path

import pytest

from dflint.build_deps import installs_at_start
from dflint.parse import Options, parse

_CUDA = "FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\n"


def _why(text: str, context: Path | None = None, files: dict[str, str] | None = None) -> str | None:
    if context is not None:
        for name, body in (files or {}).items():
            (context / name).write_text(body)
    df = parse(text, str((context or Path(".")) / "Dockerfile"), Options(context_dir=str(context) if context else None))
    return installs_at_start(df)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_CUDA + "RUN pip install sagemaker-inference==1.10.0\n", "the SageMaker inference toolkit"),
        (_CUDA + "RUN scripts/install_djl_serving.sh 0.33.0\n", "DJL Serving (`install_djl_serving.sh` at line 2)"),
        (_CUDA + "RUN djl-serving -i ai.djl:basicdataset:0.33.0\n", "DJL Serving (`djl-serving` at line 2)"),
        (_CUDA + 'CMD ["djl-serving"]\n', "its command runs DJL Serving (`djl-serving`)"),
        (_CUDA + "ENV TS_INSTALL_PY_DEP_PER_MODEL=true\n", "`TS_INSTALL_PY_DEP_PER_MODEL=true`"),
    ],
)
def test_evidence_in_the_dockerfile(text: str, expected: str) -> None:
    why = _why(text)
    assert why is not None and expected in why


@pytest.mark.parametrize(
    "text",
    [
        _CUDA + "RUN pip install --no-cache-dir torch==2.4.0\n",
        _CUDA + "ENV TS_INSTALL_PY_DEP_PER_MODEL=false\n",
        # a build stage that runs the installer ships nothing of it
        "FROM ubuntu:22.04 AS build\nRUN scripts/install_djl_serving.sh 0.33.0\n" + _CUDA + 'CMD ["python3", "serve.py"]\n',
    ],
)
def test_no_evidence(text: str) -> None:
    assert _why(text) is None


def test_a_torchserve_configuration_copied_from_the_context(tmp_path: Path) -> None:
    text = 'FROM pytorch/torchserve:0.12.0-cpu\nCOPY config.properties /home/model-server/\nCMD ["torchserve", "--start"]\n'
    why = _why(text, tmp_path, {"config.properties": "# comment\ninstall_py_dep_per_model : TRUE\nload_models=all\n"})
    assert why == (
        "`config.properties` copied at line 2 sets `install_py_dep_per_model=true`, so TorchServe pip-installs each"
        " model's requirements when it loads it"
    )
    assert _why(text, tmp_path, {"config.properties": "install_py_dep_per_model=false\n"}) is None
    assert _why(text) is None  # no context: the file is not read


def test_a_start_script_that_installs(tmp_path: Path) -> None:
    text = _CUDA + 'COPY entrypoint.sh /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\n'
    script = '#!/bin/bash\n[ -f /opt/ml/model/requirements.txt ] && pip install -r /opt/ml/model/requirements.txt\nexec "$@"\n'
    assert _why(text, tmp_path, {"entrypoint.sh": script}) == (
        "its start script `entrypoint.sh` runs `pip install` when the container starts"
    )
    assert _why(text, tmp_path, {"entrypoint.sh": '#!/bin/sh\nexec "$@"\n'}) is None
