"""A coverage-guided fuzzer (atheris, libFuzzer) for long runs outside the test suite.

    .venv/bin/pip install atheris          # not a dependency: only for this script
    mkdir -p /tmp/dflint-fuzz              # new inputs go to the first directory: never the shared corpus
    .venv/bin/python tests/fuzz_atheris.py /tmp/dflint-fuzz "${DFLINT_CORPUS:-../shared/corpus/files}" -max_total_time=600

Every input goes through decoding, parsing and every rule (opt-in ones included), with the same
checks as `tests/test_fuzz.py`: no exception, findings and fix edits inside the file. A crash
stops the run and leaves `crash-<sha1>` in the working directory; add its content to
`REGRESSIONS` in `tests/test_fuzz.py`.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports(include=["dflint"]):
    from dflint.engine import Settings, lint_bytes
    from dflint.registry import all_rules

    RULES = list(all_rules())  # rule modules are imported here, so they are instrumented too

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.test_fuzz import check_result

SETTINGS = Settings(select=tuple(rule.meta.code for rule in RULES), max_bytes=0)
CONTEXT = tempfile.mkdtemp(prefix="dflint-fuzz-context-")
with open(os.path.join(CONTEXT, "requirements.txt"), "w", encoding="utf-8") as handle:
    handle.write("torch\nnumpy==1.26.4\n-r requirements.txt\n")


def test_one_input(data: bytes) -> None:
    result = lint_bytes(data, "Dockerfile", SETTINGS, RULES, CONTEXT)
    check_result(result, result.dockerfile.text if result.dockerfile is not None else None)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
