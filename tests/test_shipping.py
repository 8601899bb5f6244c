"""The one answer to "what ships" (dflint/shipping.py): final candidates, layers, COPY --from as of
the end of the source stage."""

from __future__ import annotations

from dflint.model import Dockerfile
from dflint.parse import Options, parse
from dflint.shipping import chains, layer_chains, reaches


def _parse(text: str, **build_args: str) -> Dockerfile:
    return parse(text, "Dockerfile", Options(build_args=build_args))


def test_unresolvable_final_base_makes_every_fitting_stage_a_candidate() -> None:
    dockerfile = _parse(
        "ARG FLAVOUR\nFROM python:3.11 AS install-from-pypi\nFROM python:3.11 AS install-from-wheel\n"
        "FROM python:3.11 AS tools\nFROM install-from-${FLAVOUR}\n"
    )
    final = dockerfile.stages[-1]
    assert final.base_stage is None
    assert final.base_candidates == (0, 1)
    assert [stage.name for stage in dockerfile.shipped_stages()] == ["install-from-pypi", "install-from-wheel", None]
    assert [[stage.name for stage in chain] for chain in layer_chains(dockerfile)] == [
        ["install-from-pypi", None],
        ["install-from-wheel", None],
    ]


def test_a_build_argument_with_a_value_picks_one_stage() -> None:
    dockerfile = _parse(
        "ARG FLAVOUR\nFROM alpine:3.20 AS from-a\nFROM alpine:3.20 AS from-b\nFROM from-${FLAVOUR}\n", FLAVOUR="b"
    )
    assert dockerfile.stages[-1].base_stage == 1
    assert dockerfile.stages[-1].base_candidates == ()


def test_platform_arguments_have_their_defaults_and_plus_words_are_optional() -> None:
    dockerfile = _parse(
        "ARG DEBUG\nFROM alpine:3.20 AS kit-linux\nFROM alpine:3.20 AS kit-linux-debug\nFROM alpine:3.20 AS kit-base\n"
        "FROM kit-$TARGETOS${DEBUG:+-debug}\n"
    )
    assert dockerfile.stages[-1].base_candidates == (0, 1)
    assert len(chains(dockerfile, dockerfile.stages[-1])) == 2


def test_a_base_made_only_of_a_variable_names_no_stage() -> None:
    dockerfile = _parse("ARG BASE\nFROM alpine:3.20 AS build\nFROM ${BASE}\n")
    assert dockerfile.stages[-1].base_candidates == ()


def test_copy_from_takes_the_final_state_of_the_source_stage() -> None:
    dockerfile = _parse(
        "FROM alpine:3.20 AS build\nRUN touch /opt/x/cache\nRUN rm -rf /opt/x/cache\n"
        "FROM alpine:3.20\nCOPY --from=build /opt/x /opt/x\n"
    )
    build = dockerfile.stages[0]
    writer = build.instructions[0]
    copy = dockerfile.stages[1].instructions[0]

    def removes(later: object) -> bool:
        return later is build.instructions[1]

    assert reaches(dockerfile, build, writer, "/opt/x/cache", removes) is None
    reach = reaches(dockerfile, build, writer, "/opt/x/cache")
    assert reach is not None and reach.layer is copy and reach.via is not None
    assert reaches(dockerfile, build, writer, "/srv/other") is None


def test_a_shipped_layer_keeps_what_a_later_run_removes() -> None:
    dockerfile = _parse("FROM alpine:3.20\nRUN touch /opt/cache\nRUN rm -rf /opt/cache\n")
    stage = dockerfile.stages[0]
    reach = reaches(dockerfile, stage, stage.instructions[0], "/opt/cache", lambda later: True)
    assert reach is not None and reach.layer is stage.instructions[0] and reach.via is None


def test_copy_spec_resolves_sources_destination_and_stage() -> None:
    dockerfile = _parse(
        "FROM alpine:3.20 AS build\nFROM alpine:3.20\nWORKDIR /app\nARG D=lib\nCOPY --from=build /src/$D ./out/\n"
    )
    spec = dockerfile.stages[1].instructions[-1].copy
    assert spec is not None
    assert (spec.sources, spec.destination, spec.source_stage) == (("/src/lib",), "/app/out/", 0)


def test_a_glob_under_a_system_tree_is_not_the_whole_tree() -> None:
    dockerfile = _parse(
        "FROM debian:12 AS build\nRUN apt-get install -y clang\nFROM debian:12\n"
        "COPY --from=build /usr/lib/libggml*.so /usr/lib/\n"
    )
    assert [stage.index for stage in dockerfile.shipped_stages()] == [1]
    whole = _parse("FROM debian:12 AS build\nFROM debian:12\nCOPY --from=build /usr/local/ /usr/local/\n")
    assert [stage.index for stage in whole.shipped_stages()] == [0, 1]


def test_last_write_finds_redirects_clones_and_copies_in_order() -> None:
    from dflint.filesystem import last_write

    dockerfile = _parse(
        "FROM alpine:3.20\nWORKDIR /app\n"
        "RUN git clone --depth 1 -b main https://example.com/tools.git && echo x > /tmp/r.txt\n"
        "COPY tools/requirements.txt /app/tools/requirements.txt\n"
        "RUN pip install -r /tmp/r.txt -r tools/requirements.txt\n"
    )
    stage = dockerfile.stages[0]
    install = stage.instructions[-1].commands[0]
    redirect = last_write(dockerfile, stage, "/tmp/r.txt", install)
    assert redirect is not None and redirect.command is not None and redirect.command.name == "echo"
    copied = last_write(dockerfile, stage, "/app/tools/requirements.txt", install)
    assert copied is not None and copied.command is None and copied.from_context
    clone = last_write(dockerfile, stage, "/app/tools/README", stage.instructions[2])
    assert clone is not None and clone.command is not None and clone.command.name == "git"
    assert last_write(dockerfile, stage, "/srv/x", install) is None
