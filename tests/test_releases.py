"""Which release a Dockerfile's path names (`dflint.releases.named_in_path`): DF108 leaves a variant
kept for its release."""

from datetime import date

import pytest

from dflint.releases import EndOfLife, named_in_path


@pytest.mark.parametrize(
    ("release", "path", "named"),
    [
        ("Python 3.6", "docker/advanced-dockerfiles/dockerfile.base.ubuntu_16_04.py3_6", "py3_6"),
        ("Ubuntu 16.04 (xenial)", "docker/advanced-dockerfiles/dockerfile.base.ubuntu_16_04.py3_6", "16_04"),
        ("Debian 11 (bullseye)", "24/bullseye/dockerfile", "bullseye"),
        ("Node.js 14", "14/alpine3.16/dockerfile", "14"),
        ("Alpine 3.16", "14/alpine3.16/dockerfile", "alpine3.16"),
        ("Python 3.9", "3.9/slim/dockerfile", "3.9"),
        ("Python 3.9", "v3.9/dockerfile", None),  # a project's own version, not Python's
        ("Python 3.9", "docker/dockerfile", None),
        ("Debian 10 (buster)", "docker/busterbot/dockerfile", None),  # a word that only contains it
        ("Ubuntu 20.04 (focal)", "cuda/12.0/dockerfile", None),
    ],
)
def test_a_path_that_names_the_release(release: str, path: str, named: str | None) -> None:
    assert named_in_path(EndOfLife(release, date(2020, 1, 1), "support", "source"), path) == named
