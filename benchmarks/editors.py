"""dflint's language server, alone and beside rcjsuen's dockerfile-language-server-nodejs in Neovim.

Usage (from the repository root; Neovim and npm on PATH for the editor section)::

    .venv/bin/python benchmarks/editors.py                 # server figures and the Neovim side by side
    .venv/bin/python benchmarks/editors.py --skip-neovim   # the server figures only (no npm, no Neovim)

Three measurements, each on the same Dockerfiles (the corpus median by size and two more, from
`$DFLINT_CORPUS` or `../shared/corpus/files` next to the repository; a synthetic file without it):

- **in process**: `dflint.server.documents.lint_text` on a buffer after a first lint (the warm
  re-lint the server does on every change: rules and configuration already loaded), median;
- **over the protocol**: `dflint server` driven by pygls's client with `lintDelayMs: 0`: from
  spawning the process to the first `publishDiagnostics` after `didOpen`, and from each
  `didChange` to the next `publishDiagnostics`, medians;
- **in Neovim**: headless Neovim 0.7+ with the harness of `tests/test_neovim.py` and the set-up of
  `editors/neovim/lua/dflint.lua`, once with `dflint server` and once with `docker-langserver
  --stdio`, alternating: from `:edit` to the first diagnostics (which includes starting the
  server), and from each edit to the next diagnostics, medians. The npm package is installed here,
  by this script, into a cache directory (`$XDG_CACHE_HOME/dflint-benchmarks`), never by CI.

The report is Markdown on stdout; `docs/editors.md` and `benchmarks/README.md` hold a copy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from compare import ms, table  # the same figures and tables as the other benchmarks

ROOT = Path(__file__).resolve().parents[1]
FILES = (
    "anibali__docker-pytorch/dockerfiles/1.10.2-nocuda-ubuntu20.04/Dockerfile",  # the corpus median by size
    "determined-ai__determined/master/Dockerfile",
    "NVIDIA__NeMo/Dockerfile",
)
PEER_PACKAGE = "dockerfile-language-server-nodejs"
SYNTHETIC = """\
FROM python:3.11-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt torch==2.4.0
CMD ["python", "serve.py"]
"""


def corpus_files() -> list[Path]:
    configured = os.environ.get("DFLINT_CORPUS")
    corpus = Path(configured) if configured else ROOT.parent / "shared" / "corpus" / "files"
    return [corpus / name for name in FILES if (corpus / name).is_file()]


# -- in process -------------------------------------------------------------------------------------


def in_process(file: Path, repeat: int) -> tuple[float, float, float]:
    """(first lint, median warm re-lint wall time, median warm re-lint CPU time) of a buffer, in
    seconds, as the server lints it. CPU time is what the lint costs when the machine is busy."""
    from dflint.config import Overrides, Resolver
    from dflint.server.documents import lint_text

    text = file.read_text(encoding="utf-8")
    resolver = Resolver(Overrides())
    started = time.perf_counter()
    lint_text(str(file), text, resolver)
    first = time.perf_counter() - started
    warm: list[float] = []
    cpu: list[float] = []
    for n in range(repeat):
        edited = text + f"# edit {n}\n"  # a new text each time, as typing makes it
        started, started_cpu = time.perf_counter(), time.process_time()
        lint_text(str(file), edited, resolver)
        warm.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return first, statistics.median(warm), statistics.median(cpu)


# -- over the protocol ------------------------------------------------------------------------------


async def _protocol(file: Path, edits: int) -> tuple[float, list[float]]:
    from lsprotocol import types as lsp
    from pygls.lsp.client import LanguageClient
    from pygls.uris import from_fs_path

    client = LanguageClient("dflint-benchmark", "1")
    published: asyncio.Queue[float] = asyncio.Queue()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: lsp.PublishDiagnosticsParams) -> None:
        published.put_nowait(time.perf_counter())

    text = file.read_text(encoding="utf-8")
    uri = from_fs_path(str(file)) or ""
    started = time.perf_counter()
    await client.start_io(sys.executable, "-m", "dflint", "server", cwd=str(file.parent))
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=from_fs_path(str(file.parent)),
            initialization_options={"settings": {"lintDelayMs": 0}},
        )
    )
    client.initialized(lsp.InitializedParams())
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "dockerfile", 1, text)))
    first = await asyncio.wait_for(published.get(), 60) - started
    relints: list[float] = []
    lines = text.count("\n")
    for n in range(edits):
        sent = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(version=n + 2, uri=uri),
                [
                    lsp.TextDocumentContentChangePartial(
                        range=lsp.Range(lsp.Position(lines + n, 0), lsp.Position(lines + n, 0)), text=f"# edit {n}\n"
                    )
                ],
            )
        )
        relints.append(await asyncio.wait_for(published.get(), 60) - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first, relints


def protocol(file: Path, runs: int, edits: int) -> tuple[float, float]:
    """(median time to first diagnostics, median re-lint) over `runs` fresh servers, in seconds."""
    firsts: list[float] = []
    relints: list[float] = []
    for _ in range(runs):
        first, warm = asyncio.run(_protocol(file, edits))
        firsts.append(first)
        relints.extend(warm)
    return statistics.median(firsts), statistics.median(relints)


# -- in Neovim --------------------------------------------------------------------------------------


def install_peer() -> tuple[list[str], str] | None:
    """`docker-langserver --stdio` from the npm package, installed into a cache directory."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dflint-benchmarks" / "npm"
    binary = cache / "node_modules" / ".bin" / "docker-langserver"
    if not binary.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund", PEER_PACKAGE],
            check=True,
            capture_output=True,
            timeout=600,
        )
    manifest = json.loads((cache / "node_modules" / PEER_PACKAGE / "package.json").read_text())
    return [str(binary), "--stdio"], f"{PEER_PACKAGE} {manifest['version']}"


def neovim_run(
    nvim: str, command: Sequence[str], file: Path, edits: int, settings: dict[str, Any], scratch: Path
) -> dict[str, Any]:
    out = scratch / "out.json"
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "HARNESS_FILE": str(file),
        "HARNESS_OUT": str(out),
        "HARNESS_RUNTIME": str(ROOT / "editors" / "neovim"),
        "HARNESS_CMD": json.dumps(list(command)),
        "HARNESS_SETTINGS": json.dumps(settings),
        "HARNESS_EDITS": str(edits),
        "XDG_CACHE_HOME": str(scratch / "cache"),
        "XDG_STATE_HOME": str(scratch / "state"),
        "XDG_DATA_HOME": str(scratch / "data"),
        "XDG_CONFIG_HOME": str(scratch / "config"),
    }
    harness = ROOT / "tests" / "editors" / "neovim_harness.lua"
    subprocess.run(
        [nvim, "--headless", "--clean", "-c", f"luafile {harness}"],
        env=env,
        cwd=file.parent,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=300,
        check=False,
    )
    result: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {"error": "no result"}
    if "error" in result:
        raise RuntimeError(f"{command[0]} on {file}: {result['error']}")
    return result


def neovim(
    nvim: str, servers: dict[str, list[str]], files: Sequence[Path], runs: int, edits: int, scratch: Path
) -> dict[str, dict[str, tuple[float, float, int]]]:
    """server → file → (median ms to first diagnostics, median ms edit → diagnostics, diagnostics on open)."""
    firsts: dict[tuple[str, str], list[float]] = {}
    relints: dict[tuple[str, str], list[float]] = {}
    counts: dict[tuple[str, str], int] = {}
    for _ in range(runs):
        for file in files:
            for name, command in servers.items():  # alternating, so that both see the same machine load
                settings = {"lintDelayMs": 0} if name == "dflint" else {}
                result = neovim_run(nvim, command, file, edits, settings, scratch)
                key = (name, str(file))
                firsts.setdefault(key, []).append(result["first_ms"])
                relints.setdefault(key, []).extend(result["relint_ms"])
                counts[key] = len(result.get("diagnostics") or [])
    report: dict[str, dict[str, tuple[float, float, int]]] = {}
    for (name, file), values in firsts.items():
        report.setdefault(name, {})[file] = (
            statistics.median(values),
            statistics.median(relints[(name, file)]),
            counts[(name, file)],
        )
    return report


# -- the report -------------------------------------------------------------------------------------


def server_section(files: Sequence[Path], repeat: int, runs: int) -> str:
    rows = []
    for file in files:
        first, warm, cpu = in_process(file, repeat)
        open_first, relint = protocol(file, runs, repeat)
        rows.append(
            [
                f"`{file.relative_to(file.parents[2]) if len(file.parents) > 2 else file.name}` ({file.read_text().count(chr(10))} lines)",
                ms(first),
                ms(warm),
                ms(cpu),
                ms(open_first),
                ms(relint),
            ]
        )
    return "\n".join(
        [
            f"### dflint server ({repeat} re-lints per file in process and per server; {runs} servers started per file)",
            "",
            table(
                [
                    "file",
                    "first lint in process, ms",
                    "warm re-lint in process, median ms",
                    "… CPU time, median ms",
                    "spawn → first diagnostics, median ms",
                    "didChange → diagnostics, median ms",
                ],
                rows,
            ),
            "",
            "Warm re-lint target: ≤ 10 ms median. Wall times grow with the machine's load (its load average is "
            "above); CPU time does not. Over the protocol with `lintDelayMs: 0`; in normal use the 150 ms "
            "debounce comes on top of the change → diagnostics time.",
        ]
    )


def neovim_section(files: Sequence[Path], runs: int, edits: int, scratch: Path) -> str:
    nvim = shutil.which("nvim")
    if nvim is None:
        return "### In Neovim\n\nSkipped: `nvim` is not installed (apt-get install neovim)."
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True, check=False).stdout.splitlines()[0]
    servers = {"dflint": [sys.executable, "-m", "dflint", "server"]}
    peer = install_peer()
    peer_label = "not installed (no npm)"
    if peer is not None:
        servers[PEER_PACKAGE] = peer[0]
        peer_label = peer[1]
    results = neovim(nvim, servers, files, runs, edits, scratch)
    rows = []
    for file in files:
        for name in servers:
            first, relint, count = results[name][str(file)]
            rows.append([f"`{file.parent.name}/{file.name}`", name, ms(first / 1000), ms(relint / 1000), str(count)])
    return "\n".join(
        [
            f"### In Neovim ({version}; {runs} editor runs per server and file, {edits} edits each; alternating)",
            "",
            f"Peer: {peer_label}.",
            "",
            table(
                [
                    "file",
                    "server",
                    ":edit → first diagnostics, median ms",
                    "edit → diagnostics, median ms",
                    "diagnostics on open",
                ],
                rows,
            ),
            "",
            "`:edit → first diagnostics` includes starting the server process. Neovim sends every change at once "
            "(`debounce_text_changes = 0`); dflint runs with `lintDelayMs: 0`, the peer with its defaults.",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="re-lints per file (in process and over the protocol)")
    parser.add_argument("--runs", type=int, default=5, help="servers started (or editor runs) per file")
    parser.add_argument("--edits", type=int, default=10, help="edits per editor run")
    parser.add_argument("--skip-neovim", action="store_true")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dflint-editors-") as scratch:
        work = Path(scratch)
        files = corpus_files()
        if not files:
            synthetic = work / "project" / "Dockerfile"
            synthetic.parent.mkdir()
            synthetic.write_text(SYNTHETIC, encoding="utf-8")
            files = [synthetic]
        print(
            f"## Results\n\n- Date: {time.strftime('%Y-%m-%d %H:%M')}; {os.cpu_count()} CPUs, {platform.system()} "
            f"{platform.release()}; load average at start {os.getloadavg()[0]:.2f}; Python {platform.python_version()}\n",
            flush=True,
        )
        print(server_section(files, options.repeat, options.runs) + "\n", flush=True)
        if not options.skip_neovim:
            print(neovim_section(files, options.runs, options.edits, work) + "\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
