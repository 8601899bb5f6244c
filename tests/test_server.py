"""`dflint server` over stdio, driven by pygls's own language client: initialize, open, change,
save, diagnostics, quick fixes, fix-all, hover, configuration, compose files, shutdown."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls", reason="the server extra (pygls) is part of the test extras")

from lsprotocol import types as lsp  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from dflint.config import Overrides, Resolver  # noqa: E402
from dflint.engine import lint_source  # noqa: E402
from dflint.fix import fix_source  # noqa: E402
from dflint.rule import Finding  # noqa: E402
from tests.helpers import imported_modules  # noqa: E402

DOCKERFILE = (
    "FROM python:3.11-slim AS runtime\n"
    "RUN pip install transformers==4.44.2\n"  # DF301 (safe fix: --no-cache-dir)
    'CMD ["python", "serve.py"]\n'
)
TIMEOUT = 30


class Client(LanguageClient):
    """A pygls client that records what the server publishes."""

    def __init__(self) -> None:
        super().__init__("dflint-tests", "1")
        self.published: list[lsp.PublishDiagnosticsParams] = []
        self.messages: list[lsp.ShowMessageParams] = []
        self.changed = asyncio.Event()
        self.registrations: list[lsp.Registration] = []
        self.configuration: dict[str, Any] | None = None

        @self.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            self.published.append(params)
            self.changed.set()

        @self.feature(lsp.WINDOW_SHOW_MESSAGE)
        def shown(params: lsp.ShowMessageParams) -> None:
            self.messages.append(params)

        @self.feature(lsp.CLIENT_REGISTER_CAPABILITY)
        def register(params: lsp.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)

        @self.feature(lsp.WORKSPACE_CONFIGURATION)
        def configuration(params: lsp.ConfigurationParams) -> list[Any]:
            return [self.configuration for _ in params.items]

    async def diagnostics(self, uri: str, version: int | None = None, after: int = 0) -> lsp.PublishDiagnosticsParams:
        """The first publication for `uri` (at `version`, when given) among those after the `after`-th."""

        async def wait() -> lsp.PublishDiagnosticsParams:
            while True:
                for params in self.published[after:]:
                    if params.uri == uri and (version is None or params.version == version):
                        return params
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(asyncio.wait_for(test(), 120))


@asynccontextmanager
async def server(
    root: Path,
    *,
    options: dict[str, Any] | None = None,
    encodings: list[str] | None = None,
    watch: bool = False,
    configuration: dict[str, Any] | None = None,
) -> AsyncIterator[tuple[Client, lsp.InitializeResult]]:
    client = Client()
    client.configuration = configuration
    await client.start_io(sys.executable, "-m", "dflint", "server", cwd=str(root))
    capabilities = lsp.ClientCapabilities(
        general=lsp.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        workspace=lsp.WorkspaceClientCapabilities(
            configuration=configuration is not None,
            did_change_watched_files=lsp.DidChangeWatchedFilesClientCapabilities(dynamic_registration=watch),
        ),
        text_document=lsp.TextDocumentClientCapabilities(
            publish_diagnostics=lsp.PublishDiagnosticsClientCapabilities(version_support=True)
        ),
    )
    result = await asyncio.wait_for(
        client.initialize_async(
            lsp.InitializeParams(
                capabilities=capabilities,
                root_uri=from_fs_path(str(root)),
                workspace_folders=[lsp.WorkspaceFolder(from_fs_path(str(root)), root.name)],
                initialization_options=options,
            )
        ),
        TIMEOUT,
    )
    client.initialized(lsp.InitializedParams())
    try:
        yield client, result
    finally:
        await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
        client.exit(None)
        await asyncio.wait_for(client.stop(), TIMEOUT)


def open_document(client: Client, path: Path, text: str, language: str = "dockerfile", version: int = 1) -> str:
    uri = from_fs_path(str(path))
    assert uri is not None
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, language, version, text)))
    return uri


def codes(params: lsp.PublishDiagnosticsParams) -> list[str]:
    return sorted(str(d.code) for d in params.diagnostics)


def by_code(params: lsp.PublishDiagnosticsParams, code: str) -> lsp.Diagnostic:
    found = [d for d in params.diagnostics if d.code == code]
    assert len(found) == 1, codes(params)
    return found[0]


def apply(text: str, edits: list[lsp.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions, all ASCII text here) to a text."""
    lines = text.split("\n")

    def offset(position: lsp.Position) -> int:
        return sum(len(line) + 1 for line in lines[: position.line]) + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def document_edits(action: lsp.CodeAction) -> list[lsp.TextEdit]:
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = action.edit.document_changes
    assert isinstance(change, lsp.TextDocumentEdit)
    return [edit for edit in change.edits if isinstance(edit, lsp.TextEdit)]


def test_initialize_declares_what_the_server_does(tmp_path: Path) -> None:
    async def test() -> None:
        async with server(tmp_path) as (_, result):
            capabilities = result.capabilities
            assert result.server_info is not None and result.server_info.name == "dflint"
            assert capabilities.position_encoding == lsp.PositionEncodingKind.Utf16
            assert capabilities.hover_provider
            provider = capabilities.code_action_provider
            assert isinstance(provider, lsp.CodeActionOptions)
            assert list(provider.code_action_kinds or ()) == [lsp.CodeActionKind.QuickFix, "source.fixAll.dflint"]
            sync = capabilities.text_document_sync
            assert isinstance(sync, lsp.TextDocumentSyncOptions)
            assert sync.open_close and sync.change == lsp.TextDocumentSyncKind.Incremental and sync.save

    run(test)


def test_open_publishes_diagnostics_with_code_link_severity_and_stage(tmp_path: Path) -> None:
    async def test() -> None:
        async with server(tmp_path) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
            params = await client.diagnostics(uri, version=1)
            pip = by_code(params, "DF301")
            assert pip.range == lsp.Range(lsp.Position(1, 4), lsp.Position(1, 36))
            assert pip.severity == lsp.DiagnosticSeverity.Warning
            assert pip.source == "dflint"
            assert pip.code_description is not None
            assert pip.code_description.href == "https://github.com/dflint/dflint/blob/main/docs/rules/DF301.md"
            assert pip.message == finding(tmp_path, DOCKERFILE, "DF301").message
            assert pip.data == {"name": "pip-cache", "stage": "runtime", "fix": "safe"}
            assert pip.related_information is not None
            (stage,) = pip.related_information
            assert stage.message == "in stage runtime"
            assert stage.location.uri == uri and stage.location.range.start == lsp.Position(0, 0)

    run(test)


def test_a_decision_in_several_places_is_one_diagnostic_that_links_them(tmp_path: Path) -> None:
    text = "FROM python:3.11-slim\nRUN pip install transformers==4.44.2\nRUN pip install numpy==2.1.0\n"

    async def test() -> None:
        async with server(tmp_path) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", text)
            params = await client.diagnostics(uri, version=1)
            (pip,) = [d for d in params.diagnostics if d.code == "DF301"]
            assert "(and 1 more in this stage)" in pip.message
            assert pip.related_information is not None
            stage, other = pip.related_information
            assert stage.message == "in stage 0"
            assert other.message == "the same here"
            assert other.location.uri == uri and other.location.range.start == lsp.Position(2, 4)

    run(test)


def test_change_is_debounced_and_save_lints_at_once(tmp_path: Path) -> None:
    async def test() -> None:
        async with server(tmp_path, options={"settings": {"lintDelayMs": 300}}) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
            await client.diagnostics(uri, version=1)
            seen = len(client.published)
            for version, text in ((2, "--no-cache-dir "), (3, "tensorflow "), (4, "numpy ")):
                client.text_document_did_change(
                    lsp.DidChangeTextDocumentParams(
                        lsp.VersionedTextDocumentIdentifier(version=version, uri=uri),
                        [
                            lsp.TextDocumentContentChangePartial(
                                range=lsp.Range(lsp.Position(1, 16), lsp.Position(1, 16)), text=text
                            )
                        ],
                    )
                )
            latest = await client.diagnostics(uri, version=4, after=seen)
            assert [params.version for params in client.published[seen:] if params.uri == uri] == [
                4
            ]  # one lint for three changes
            assert "DF301" not in codes(latest)  # `--no-cache-dir` went in with the first change
            assert "DF401" in codes(latest)  # `tensorflow` and `numpy` are unpinned
            seen = len(client.published)
            client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
            saved = await client.diagnostics(uri, after=seen)
            assert codes(saved) == codes(latest)

    run(test)


def test_quick_fixes_mark_unsafe_fixes_and_prefer_only_safe_ones(tmp_path: Path) -> None:
    text = "FROM python:3.11-slim\nRUN pip install --no-cache-dir transformers==4.44.2\nENTRYPOINT python serve.py\n"  # DF601: unsafe fix

    async def test() -> None:
        async with server(tmp_path) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", text)
            params = await client.diagnostics(uri, version=1)
            shell_form = by_code(params, "DF601")
            found = await client.text_document_code_action_async(
                lsp.CodeActionParams(
                    lsp.TextDocumentIdentifier(uri),
                    shell_form.range,
                    lsp.CodeActionContext([shell_form], only=[lsp.CodeActionKind.QuickFix]),
                )
            )
            assert found is not None
            (action,) = [a for a in found if isinstance(a, lsp.CodeAction)]
            assert action.kind == lsp.CodeActionKind.QuickFix
            assert action.title.startswith("DF601: ") and action.title.endswith("(unsafe fix)")
            assert action.is_preferred is False
            assert action.diagnostics is not None and action.diagnostics[0].code == "DF601"
            fixed = apply(text, document_edits(action))
            assert (
                fixed
                == 'FROM python:3.11-slim\nRUN pip install --no-cache-dir transformers==4.44.2\nENTRYPOINT ["python", "serve.py"]\n'
            )

    run(test)


def test_quick_fix_and_fix_all_apply_what_dflint_fix_applies(tmp_path: Path) -> None:
    async def test() -> None:
        async with server(tmp_path) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
            params = await client.diagnostics(uri, version=1)
            pip = by_code(params, "DF301")
            everything = await client.text_document_code_action_async(
                lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), pip.range, lsp.CodeActionContext([pip]))
            )
            assert everything is not None
            quick = [a for a in everything if isinstance(a, lsp.CodeAction) and a.kind == lsp.CodeActionKind.QuickFix]
            assert [a.title for a in quick] == ["DF301: Add `--no-cache-dir`"]
            assert quick[0].is_preferred is True
            assert apply(DOCKERFILE, document_edits(quick[0])) == DOCKERFILE.replace("install ", "install --no-cache-dir ")
            whole = lsp.Range(lsp.Position(0, 0), lsp.Position(3, 0))
            only_fix_all = await client.text_document_code_action_async(
                lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri), whole, lsp.CodeActionContext([], only=["source.fixAll"]))
            )
            assert only_fix_all is not None
            (fix_all,) = only_fix_all
            assert isinstance(fix_all, lsp.CodeAction) and fix_all.kind == "source.fixAll.dflint"
            expected = fix_source(DOCKERFILE, str(tmp_path / "Dockerfile"), *_settings(tmp_path), str(tmp_path)).fixed
            assert expected != DOCKERFILE
            assert apply(DOCKERFILE, document_edits(fix_all)) == expected

    run(test)


def _settings(root: Path) -> tuple[Any, Any]:
    return Resolver(Overrides()).settings_for(str(root / "Dockerfile"))


def finding(root: Path, text: str, code: str) -> Finding:
    """The finding the command line reports for `code` in `text`, linted as `root/Dockerfile`."""
    settings, rules = _settings(root)
    (found,) = [f for f in lint_source(text, str(root / "Dockerfile"), settings, rules, str(root)).findings if f.code == code]
    return found


def test_hover_on_a_finding_shows_the_rule_documentation(tmp_path: Path) -> None:
    async def test() -> None:
        async with server(tmp_path) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
            await client.diagnostics(uri, version=1)
            found = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(1, 8)))
            assert found is not None and isinstance(found.contents, lsp.MarkupContent)
            assert found.contents.kind == lsp.MarkupKind.Markdown
            pip = finding(tmp_path, DOCKERFILE, "DF301")
            assert found.contents.value.startswith(f"**DF301** {pip.message}")
            assert pip.detail is None or pip.detail in found.contents.value
            assert "# DF301 pip-cache" in found.contents.value
            assert "## Why is this bad?" in found.contents.value
            nothing = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(2, 2)))
            assert nothing is None

    run(test)


EMOJI_LINE = "FROM python:3.11-slim\nRUN echo 🙂 && pip install transformers==4.44.2\n"


@pytest.mark.parametrize(
    ("encodings", "negotiated", "start"),
    [
        (None, lsp.PositionEncodingKind.Utf16, 4 + len("echo ") + 2 + len(" && ")),
        ([lsp.PositionEncodingKind.Utf8, lsp.PositionEncodingKind.Utf16], lsp.PositionEncodingKind.Utf8, 4 + 5 + 4 + 4),
        ([lsp.PositionEncodingKind.Utf32], lsp.PositionEncodingKind.Utf32, 4 + 5 + 1 + 4),
    ],
)
def test_positions_count_the_negotiated_code_units(
    tmp_path: Path, encodings: list[str] | None, negotiated: str, start: int
) -> None:
    async def test() -> None:
        async with server(tmp_path, encodings=encodings) as (client, result):
            assert result.capabilities.position_encoding == negotiated
            uri = open_document(client, tmp_path / "Dockerfile", EMOJI_LINE)
            params = await client.diagnostics(uri, version=1)
            pip = by_code(params, "DF301")
            assert pip.range.start == lsp.Position(1, start)

    run(test)


def test_configuration_per_folder_reloads_when_the_file_changes(tmp_path: Path) -> None:
    config = tmp_path / ".dflint.yaml"
    config.write_text("ignore: [DF301]\n")

    async def test() -> None:
        async with server(tmp_path, watch=True) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
            first = await client.diagnostics(uri, version=1)
            assert "DF301" not in codes(first) and codes(first)
            assert [r.method for r in client.registrations] == [lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES]
            config.write_text("ignore: [DF620]\n")
            seen = len(client.published)
            client.workspace_did_change_watched_files(
                lsp.DidChangeWatchedFilesParams([lsp.FileEvent(from_fs_path(str(config)) or "", lsp.FileChangeType.Changed)])
            )
            second = await client.diagnostics(uri, after=seen)
            assert "DF301" in codes(second) and "DF620" not in codes(second)
            config.write_text("select: [DF999]\n")
            seen = len(client.published)
            client.text_document_did_save(
                lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(from_fs_path(str(config)) or ""))
            )
            broken = await client.diagnostics(uri, after=seen)
            (error,) = broken.diagnostics
            assert error.severity == lsp.DiagnosticSeverity.Error
            assert error.message.startswith("dflint: .dflint.yaml:1: ")

    run(test)


def test_per_file_ignores_apply_to_the_buffers_path(tmp_path: Path) -> None:
    (tmp_path / ".dflint.yaml").write_text("per-file-ignores:\n  'services/**': [pip-cache]\n")
    (tmp_path / "services" / "api").mkdir(parents=True)

    async def test() -> None:
        async with server(tmp_path) as (client, _):
            ignored = open_document(client, tmp_path / "services" / "api" / "Dockerfile", DOCKERFILE)
            kept = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
            assert "DF301" in codes(await client.diagnostics(kept, version=1))
            found = codes(await client.diagnostics(ignored, version=1))
            assert found and "DF301" not in found

    run(test)


def test_a_dockerfile_under_docker_is_linted_with_the_context_the_command_line_finds(tmp_path: Path) -> None:
    """`docker/Dockerfile` built from the root: the root requirements file is read, as `dflint docker/Dockerfile` reads it."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "docker").mkdir()
    (tmp_path / "requirements.txt").write_text("torch==2.5.1\n")
    text = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"

    async def test() -> None:
        async with server(tmp_path) as (client, _):
            uri = open_document(client, tmp_path / "docker" / "Dockerfile", text)
            found = codes(await client.diagnostics(uri, version=1))
            assert "DF203" in found and "DF402" not in found, found

    run(test)


def test_a_loaded_configuration_edited_behind_the_servers_back_is_read_again_at_the_next_lint(tmp_path: Path) -> None:
    config = tmp_path / ".dflint.yaml"
    config.write_text("ignore: [DF301]\n")

    async def test() -> None:
        async with server(tmp_path) as (client, _):  # no file watching: the client cannot tell the server
            uri = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
            assert "DF301" not in codes(await client.diagnostics(uri, version=1))
            config.write_text("ignore: [DF620]\n")
            stamp = config.stat().st_mtime + 10
            os.utime(config, (stamp, stamp))
            seen = len(client.published)
            client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
            again = await client.diagnostics(uri, after=seen)
            assert "DF301" in codes(again) and "DF620" not in codes(again)

    run(test)


def test_client_settings_select_target_and_build_args(tmp_path: Path) -> None:
    text = "ARG BASE=python:3.11\nFROM ${BASE} AS build\nRUN pip install transformers==4.44.2\nFROM python:3.11-slim AS runtime\n"
    settings = {"dflint": {"select": ["DF1", "DF301"], "target": "build", "buildArgs": {"BASE": "python:3.11-slim"}}}

    async def test() -> None:
        async with server(tmp_path, options={"settings": {"lintDelayMs": 0}}, configuration=settings) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", text)
            while True:  # the pulled settings arrive after initialize: wait for the lint that uses them
                params = await client.diagnostics(uri, after=len(client.published) - 1 if client.published else 0)
                if all(str(code).startswith(("DF1", "DF301")) for code in codes(params)) and "DF301" in codes(params):
                    break
            assert "DF102" not in codes(params)  # python:3.11-slim from buildArgs, not the default python:3.11
            assert by_code(params, "DF301").data["stage"] == "build"  # DF301 fires only in shipped stages: target=build

    run(test)


def test_bad_client_settings_are_reported_and_ignored(tmp_path: Path) -> None:
    async def test() -> None:
        async with server(tmp_path, options={"settings": {"select": 3}}) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
            params = await client.diagnostics(uri, version=1)
            assert "DF301" in codes(params)
            assert [m.message for m in client.messages] == [
                "dflint: settings ignored: `select` must be a list of rule codes, names or prefixes"
            ]

    run(test)


def test_an_unknown_rule_in_the_client_settings_is_one_error_diagnostic(tmp_path: Path) -> None:
    async def test() -> None:
        async with server(tmp_path, options={"settings": {"select": ["DF999"]}}) as (client, _):
            uri = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
            params = await client.diagnostics(uri, version=1)
            (error,) = params.diagnostics
            assert error.severity == lsp.DiagnosticSeverity.Error
            assert error.range == lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
            assert error.message == "dflint: unknown rule code or name 'DF999' (see `dflint rules`)"

    run(test)


def test_compose_file_services_are_linted_from_the_buffer(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text(DOCKERFILE)
    compose = (
        "services:\n"
        "  api:\n"
        "    build: ./api\n"
        "  inline:\n"
        "    build:\n"
        "      context: .\n"
        "      dockerfile_inline: |\n"
        "        FROM python:3.11-slim\n"
        "        RUN pip install transformers==4.44.2\n"
    )

    async def test() -> None:
        async with server(tmp_path, options={"settings": {"select": ["DF301"]}}) as (client, _):
            uri = open_document(client, tmp_path / "compose.yaml", compose, language="yaml")
            params = await client.diagnostics(uri, version=1)
            api, inline = sorted(params.diagnostics, key=lambda d: d.range.start.line)
            assert api.code == "DF301" and api.range.start == lsp.Position(2, 0)
            assert api.message == "Dockerfile:2: service 'api': " + finding(tmp_path / "api", DOCKERFILE, "DF301").message
            assert api.related_information is not None
            there = api.related_information[0].location
            assert there.uri == from_fs_path(str(tmp_path / "api" / "Dockerfile"))
            assert there.range == lsp.Range(lsp.Position(1, 4), lsp.Position(1, 36))
            assert inline.code == "DF301" and inline.range == lsp.Range(lsp.Position(8, 12), lsp.Position(8, 44))
            assert inline.message.startswith("service 'inline': ")

    run(test)


def test_close_clears_the_diagnostics_and_shutdown_exits_cleanly(tmp_path: Path) -> None:
    async def test() -> None:
        client = Client()
        await client.start_io(sys.executable, "-m", "dflint", "server", cwd=str(tmp_path))
        await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
        client.initialized(lsp.InitializedParams())
        uri = open_document(client, tmp_path / "Dockerfile", DOCKERFILE)
        assert (await client.diagnostics(uri, version=1)).diagnostics
        seen = len(client.published)
        client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
        assert list((await client.diagnostics(uri, after=seen)).diagnostics) == []
        await client.shutdown_async(None)
        client.exit(None)
        await asyncio.wait_for(client.stop(), TIMEOUT)
        assert client._server is not None and client._server.returncode == 0

    run(test)


def test_server_without_pygls_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import dflint.server
    from dflint.cli import main

    monkeypatch.setattr(dflint.server, "available", lambda: False)
    result = CliRunner().invoke(main, ["server"])
    assert result.exit_code == 2
    assert result.output.strip() == "dflint: error: the language server needs pygls and lsprotocol: pip install 'dflint[server]'"


def test_linting_never_imports_the_server_libraries(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(DOCKERFILE)
    imported = imported_modules(str(dockerfile), cwd=tmp_path, codes=(1,))
    assert any(name.startswith("dflint.rules.") for name in imported)  # it linted
    assert not {name for name in imported if name.split(".")[0] in ("pygls", "lsprotocol", "cattrs", "attrs")}
