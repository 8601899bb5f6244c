"""The one answer to "what ships" (dflint/shipping.py): final candidates, layers, COPY --from as of
the end of the source stage."""

from __future__ import annotations

from dataclasses import dataclass

from dflint.model import Dockerfile, Instruction, ShellCommand
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


def test_fate_tells_a_removal_in_the_same_run_from_one_in_a_later_run() -> None:
    from dflint.filesystem import fate

    dockerfile = _parse(
        "FROM alpine:3.20 AS build\nRUN touch /opt/a && rm -rf /opt/a\nRUN touch /opt/b\nRUN rm -rf /opt\n"
        "RUN touch /opt/c\nFROM alpine:3.20\nCOPY --from=build /opt /opt\n"
    )
    build = dockerfile.stages[0]
    runs = build.instructions
    same = fate(dockerfile, build, runs[0], "/opt/a", runs[0].commands[0])
    assert same.removed is not None and same.removed.same_run and not same.in_layer and not same.ships
    later = fate(dockerfile, build, runs[1], "/opt/b", runs[1].commands[0])
    assert later.removed is not None and not later.removed.same_run and later.removed.instruction is runs[2]
    assert later.in_layer and not later.ships  # the copy takes the stage's final state
    kept = fate(dockerfile, build, runs[3], "/opt/c", runs[3].commands[0])
    assert kept.removed is None and kept.ships
    assert kept.layer is dockerfile.stages[1].instructions[0]


def test_fate_in_a_shipped_stage_is_its_own_layer_even_when_a_later_run_removes_it() -> None:
    from dflint.filesystem import fate

    dockerfile = _parse("FROM alpine:3.20\nRUN touch /srv/x\nRUN rm -f /srv/x\n")
    stage = dockerfile.stages[0]
    result = fate(dockerfile, stage, stage.instructions[0], "/srv/x", stage.instructions[0].commands[0])
    assert result.removed is not None and not result.removed.same_run and result.removed.certain
    assert result.layer is stage.instructions[0]


def test_an_unknown_removal_is_a_maybe_and_keeps_a_copy_from_shipping() -> None:
    from dflint.filesystem import fate

    dockerfile = _parse(
        "FROM alpine:3.20 AS build\nRUN touch /opt/x\nRUN rm -rf $UNKNOWN\nFROM alpine:3.20\nCOPY --from=build /opt /opt\n"
    )
    build = dockerfile.stages[0]
    result = fate(dockerfile, build, build.instructions[0], "/opt/x", build.instructions[0].commands[0])
    assert result.removed is not None and not result.removed.certain
    assert not result.ships


def test_a_copy_into_a_build_stage_ships_only_when_that_stage_is_copied_on() -> None:
    dockerfile = _parse(
        "FROM alpine:3.20 AS a\nRUN touch /opt/x\nFROM alpine:3.20 AS b\nCOPY --from=a /opt /opt\n"
        "FROM alpine:3.20 AS c\nCOPY --from=a /opt /opt\nFROM alpine:3.20\nCOPY --from=b /srv /srv\nCOPY --from=c /opt/x /x\n"
    )
    a = dockerfile.stages[0]
    reach = reaches(dockerfile, a, a.instructions[0], "/opt/x")
    assert reach is not None and reach.layer is dockerfile.stages[3].instructions[1]
    assert reach.via is not None and reach.via.source.name == "c"


def test_install_write_is_the_prefix_the_packages_go_into() -> None:
    from dflint.filesystem import SYSTEM_SITE_PACKAGES, USER_SITE, install_write

    dockerfile = _parse(
        "FROM python:3.11 AS build\nENV PATH=/opt/venv/bin:$PATH\nRUN pip install numpy==2.1.0\n"
        "RUN pip install --target=/deps six==1.16.0\nRUN pip install --user rich==13.8.0\n"
        "RUN /usr/bin/pip3 install attrs==24.2.0\nRUN mamba install -y -n serve numpy=1.26.4\nRUN apt-get install -y gcc\n"
    )
    stage = dockerfile.stages[0]
    written = [
        install_write(dockerfile, stage, instruction, op) for instruction in stage.instructions for op in instruction.packages
    ]
    assert written == [("/opt/venv",), ("/deps",), USER_SITE, SYSTEM_SITE_PACKAGES, ("/opt/venv/envs/serve",), ()]


def test_a_written_tree_overlaps_a_copy_of_a_part_of_it() -> None:
    from dflint.shipping import overlaps

    assert overlaps("/opt/venv/lib", "/opt/venv", tree=True)
    assert not overlaps("/opt/venv/lib", "/opt/venv")
    assert overlaps("/opt", "/opt/venv")
    assert overlaps("/usr/local/lib", "/usr/local/lib/python*", tree=True)
    assert overlaps("/usr/local/lib/python3.11/site-packages", "/usr/local/lib/python*")
    assert overlaps("/app/.venv/lib/python3.11/site-packages/x", "/**/site-packages", tree=True)
    assert not overlaps("/app/.venv", "/**/site-packages", tree=True)
    assert not overlaps("/srv", "/usr/lib/python*", tree=True)


def test_a_toolkits_bin_first_on_path_is_not_a_python_environment() -> None:
    # Roboflow Inference's Jetson images put CUDA's bin first; `uv pip install --system` names the
    # system interpreter whatever venv is active
    from dflint.filesystem import SYSTEM_SITE_PACKAGES, install_write

    dockerfile = _parse(
        "FROM ubuntu:22.04 AS build\nENV PATH=/usr/local/cuda/bin:/opt/venv/bin:$PATH\nRUN pip install numpy==2.1.0\n"
        "ENV PATH=/usr/local/cuda/bin:$PATH\nRUN pip install six==1.16.0\n"
        "ENV VIRTUAL_ENV=/opt/venv\nRUN uv pip install --system attrs==24.2.0\n"
        "FROM ubuntu:22.04\nENV PATH=/root/.local/bin:$PATH\nRUN pip install rich==13.8.0\n"
    )
    stage = dockerfile.stages[0]
    written = [
        install_write(dockerfile, stage, instruction, op) for instruction in stage.instructions for op in instruction.packages
    ]
    assert written == [("/opt/venv",), SYSTEM_SITE_PACKAGES, SYSTEM_SITE_PACKAGES]
    [run] = dockerfile.stages[1].instructions_of("RUN")
    assert install_write(dockerfile, dockerfile.stages[1], run, run.packages[0]) == SYSTEM_SITE_PACKAGES


def test_a_glob_copy_takes_only_what_its_glob_can_match() -> None:
    from dflint.shipping import glob_may_take

    assert not glob_may_take("/usr/local/lib/libgdal*", "/usr/local/lib/python*")
    assert not glob_may_take("/usr/local/cuda/targets/aarch64-linux/lib/libcupti*.so.*", "/usr/local/lib/python*")
    assert glob_may_take("/usr/local/lib/python3*", "/usr/local/lib/python*")
    assert glob_may_take("/usr/local/lib/py*", "/usr/local/lib/python3.10/dist-packages")
    assert glob_may_take("/opt/*.whl", "/**/site-packages")
    assert not glob_may_take("/wheels/*.whl", "/wheels/requirements.txt")
    dockerfile = _parse(
        "FROM ubuntu:22.04 AS builder\nRUN pip3 install opencv-python==4.10.0.84\n"
        'FROM ubuntu:22.04\nCOPY --from=builder /usr/local/lib/libgdal* /usr/local/lib/\nCMD ["python3"]\n'
    )
    from dflint.filesystem import SYSTEM_SITE_PACKAGES, ships

    stage = dockerfile.stages[0]
    assert ships(dockerfile, stage, next(iter(stage.instructions_of("RUN"))), SYSTEM_SITE_PACKAGES, tree=True) is None


def _touched(instruction: Instruction) -> list[_Touched]:
    """A leftover for every `touch PATH` of a RUN, grouped by the path."""
    return [
        _Touched(instruction, position, command.args[0] or "")
        for position, command in enumerate(instruction.commands)
        if command.name == "touch"
    ]


@dataclass(frozen=True, slots=True)
class _Touched:
    instruction: Instruction
    position: int
    path: str

    @property
    def group(self) -> str:
        return self.path

    def cleans(self, command: ShellCommand, instruction: Instruction) -> bool | None:
        from dflint.filesystem import removes

        return removes(command, (self.path,))


def test_late_cleanups_name_every_earlier_run_whose_leftover_a_command_hides() -> None:
    from dflint.filesystem import late_cleanups

    dockerfile = _parse(
        "FROM alpine:3.20 AS base\nRUN touch /opt/a\nRUN touch /opt/b && rm -f /opt/b\n"
        "FROM base\nRUN touch /opt/a\nRUN touch /srv/c && rm -rf /opt /srv/c\nRUN rm -rf $UNKNOWN /srv\n"
    )
    (chain,) = layer_chains(dockerfile)
    found = [
        (cleanup.stage.index, cleanup.instruction.span.line, [w.instruction.span.line for w in cleanup.removed])
        for cleanup in late_cleanups(chain, _touched)
    ]
    # /opt/b goes in its own RUN; /srv/c too, and the command that removes it also removes /opt/a,
    # so it cleans its own RUN; a maybe (`$UNKNOWN`) is not a cleanup.
    assert found == []
    dockerfile = _parse("FROM alpine:3.20 AS base\nRUN touch /opt/a\nFROM base\nRUN touch /opt/a\nRUN rm -rf /opt\n")
    (chain,) = layer_chains(dockerfile)
    found = [
        (cleanup.stage.index, cleanup.instruction.span.line, [w.instruction.span.line for w in cleanup.removed])
        for cleanup in late_cleanups(chain, _touched)
    ]
    assert found == [(1, 5, [2, 4])]


def test_late_removals_name_the_last_earlier_install_of_each_removed_package() -> None:
    from dflint.build_deps import late_removals

    dockerfile = _parse(
        "FROM python:3.11-slim AS base\nRUN apk add --virtual .Build-Deps gcc\nRUN pip install six==1.16.0\n"
        "FROM base\nRUN pip install six==1.16.0\nRUN pipx install poetry==1.8.3\n"
        "RUN pip install attrs==24.2.0 && pip uninstall -y attrs six && apk del .build-deps\n"
        "RUN pipx uninstall poetry && pip install rich==13.8.0 && pip uninstall -y rich\n"
        "RUN apt-get update && apt-get install -y make && apt-mark auto make && apt-get purge -y --auto-remove\n"
        "RUN apt-get purge -y make\n"
    )
    (chain,) = layer_chains(dockerfile)
    found = [
        (removal.instruction.span.line, removal.command.name, [(i.name, i.instruction.span.line) for i in removal.removed])
        for removal in late_removals(chain)
    ]
    # attrs is this RUN's own install; rich too; make went in its own RUN (`apt-mark auto` and
    # `--auto-remove`); a virtual group is a package of its own, named in any case.
    assert found == [
        (7, "pip", [("six", 5)]),
        (7, "apk", [(".build-deps", 2)]),
        (8, "pipx", [("poetry", 6)]),
    ]
