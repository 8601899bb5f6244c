"""## What it does
Flags `EXPOSE 22` (also `22/tcp`, a range that contains 22, or a variable that resolves to 22) in a
shipped stage.

## Why is this bad?
Port 22 means an SSH server runs in the container: another daemon to patch, host keys and
credentials baked into or generated in the image, and a way in that bypasses the orchestrator's
access control and audit. To get a shell in a running container use `docker exec` or
`kubectl exec`; to copy files, `docker cp` or `kubectl cp`. An inference image should expose only
its serving port.

This is Trivy's DS-0004 and Checkov's CKV_DOCKER_1.

A notebook or workbench image (a Jupyter or RStudio server, as the model decides) is not checked
either: it is a remote workstation, and on the GPU clouds it is made for (RunPod, Lambda,
latitude.sh) SSH with the user's key is how its users get in: they have no `docker exec`. On the
shared corpus both DF627 findings of that kind (axolotl's `Dockerfile-cloud` images: Jupyter on 8888,
an entrypoint that starts sshd from `PUBLIC_KEY`) were judged wrong by reviewers reading the files.

A training image (`dflint/purpose.py`: one that installs MPI and exposes no port but 22, or sets a
SageMaker training module, …) is not checked: mpirun starts the workers of a multi-node job over
SSH, so each node runs sshd (Horovod's and SageMaker's multi-node set-ups).

## Example
```dockerfile
FROM python:3.11-slim
EXPOSE 22 8000
```

## Use instead
```dockerfile
FROM python:3.11-slim
EXPOSE 8000
```

## References
- [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
- [Trivy DS-0004](https://avd.aquasec.com/misconfig/ds004)
- [Horovod in Docker: running on multiple machines (sshd in each container)](https://github.com/horovod/horovod/blob/master/docs/docker.rst)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dflint.model import Dockerfile
from dflint.rule import Finding, RuleMeta, Severity

META = RuleMeta(
    code="DF627",
    name="expose-ssh",
    severity=Severity.WARNING,
    summary="The image exposes the SSH port 22",
    skip_images_nobody_deploys=True,
    needs=("EXPOSE",),
)

_PORT = re.compile(r"(\d+)(?:-(\d+))?(?:/(tcp|udp|sctp))?", re.IGNORECASE)


def check(dockerfile: Dockerfile, options: None) -> Iterator[Finding]:
    if dockerfile.purpose is not None and dockerfile.purpose.kind in ("training", "notebook"):
        return  # mpirun reaches the other nodes of a training job over SSH
    for stage in dockerfile.shipped_stages():
        for instruction in stage.instructions_of("EXPOSE"):
            for word in instruction.words:
                match = _PORT.fullmatch(word.value or "")
                if match is None or (match.group(3) or "tcp").lower() != "tcp":
                    continue
                low = int(match.group(1))
                high = int(match.group(2) or low)
                if low <= 22 <= high:
                    yield Finding(
                        META,
                        word.span,
                        f"{stage.label} exposes port 22 (SSH): use `docker exec` / `kubectl exec` for a shell instead of an SSH"
                        " server in the image",
                        stage=stage.name,
                    )
