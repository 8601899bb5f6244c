"""The language server: documents in, diagnostics, code actions and hovers out.

- Diagnostics on open and save at once, on change once typing pauses (`lintDelayMs`, 150 ms by
  default), for Dockerfiles and compose files.
- One `Resolver` per workspace folder, kept for the server's life, so rules and configuration files
  load once; it is dropped (and open buffers linted again) when a configuration file changes: a
  watched-files event, a save in the editor, or, at the next lint, a changed modification time.
- Client settings (`dflint` section) add target, build args and select/ignore over the files'.
- Positions in the encoding negotiated at initialize (UTF-16 unless the client offers another).
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from dflint import __version__
from dflint.config import CONFIG_NAMES, PYPROJECT, ConfigError, Resolver
from dflint.engine import SelectionError
from dflint.pathmatch import PatternError
from dflint.positions import UTF16
from dflint.registry import RuleLoadError
from dflint.server import actions, hover
from dflint.server.diagnostics import SOURCE, Placed, diagnostics
from dflint.server.documents import Linted, fix_text, lint_text, lintable
from dflint.server.settings import ClientSettings, SettingsError, parse

log = logging.getLogger("dflint.server")
CONFIG_FILES = (*CONFIG_NAMES, PYPROJECT)
SETUP_ERRORS = (ConfigError, SelectionError, RuleLoadError, PatternError)  # what the command line reports and exits 2 for
WATCHERS = [lsp.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_FILES]


@dataclass(frozen=True, slots=True)
class State:
    """The last lint of a buffer: for its version, what was published and what produced it."""

    version: int | None
    linted: Linted
    placed: tuple[Placed, ...]


class DflintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("dflint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.settings = ClientSettings()  # pushed by the client, for every folder
        self.folder_settings: dict[str, ClientSettings] = {}  # pulled per folder (workspace/configuration)
        self.resolvers: dict[str | None, Resolver] = {}
        self.config_stamps: dict[str, tuple[int, int] | None] = {}  # configuration file → (mtime_ns, size) when loaded
        self.states: dict[str, State] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}

    # -- where a buffer stands ------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        value = self.workspace.position_encoding
        return str(getattr(value, "value", value) or UTF16)

    def folders(self) -> list[str]:
        paths = [to_fs_path(folder.uri) for folder in self.workspace.folders.values()]
        if not paths and self.workspace.root_uri:
            paths = [to_fs_path(self.workspace.root_uri)]
        return [os.path.abspath(path) for path in paths if path]

    def folder_of(self, path: str) -> str | None:
        inside = [folder for folder in self.folders() if path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)]
        return max(inside, key=len) if inside else None

    def path_of(self, uri: str, language_id: str | None) -> str | None:
        """The file a buffer stands for; an unsaved Dockerfile stands for `Dockerfile` in the first folder."""
        if uri.startswith("file:"):
            path = to_fs_path(uri)
            return os.path.abspath(path) if path else None
        if language_id in ("dockerfile", "containerfile"):
            folders = self.folders()
            return os.path.join(folders[0] if folders else os.getcwd(), "Dockerfile")
        return None

    def resolver_for(self, path: str) -> Resolver:
        folder = self.folder_of(path)
        resolver = self.resolvers.get(folder)
        if resolver is None:
            settings = self.folder_settings.get(folder or "", self.settings)
            resolver = self.resolvers[folder] = Resolver(settings.overrides())
        return resolver

    # -- configuration --------------------------------------------------------------------------

    def forget_configuration(self) -> None:
        self.resolvers.clear()
        self.config_stamps.clear()

    def _stale_configuration(self, path: str) -> bool:
        """Whether the configuration file that applies to `path` changed since it was loaded."""
        try:
            config = self.resolver_for(path).config_for(path)
        except ConfigError:
            return False
        if config is None:
            return False
        stamp = _stamp(config.path)
        known = self.config_stamps.setdefault(config.path, stamp)
        return known != stamp

    def apply_settings(self, raw: object, folder: str | None = None) -> None:
        try:
            settings = parse(raw)
        except SettingsError as error:
            self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"dflint: settings ignored: {error}"))
            return
        if folder is None:
            self.settings = settings
        else:
            self.folder_settings[folder] = settings
        self.forget_configuration()

    # -- linting --------------------------------------------------------------------------------

    def lint(self, uri: str) -> State | None:
        """Lint a buffer now and publish its diagnostics; None when it is not a Dockerfile or compose file."""
        self._cancel(uri)
        document = self.workspace.get_text_document(uri)
        path = self.path_of(uri, document.language_id)
        if path is None or not lintable(path, document.language_id):
            return None
        if self._stale_configuration(path):
            self.forget_configuration()
        source = document.source
        try:
            linted = lint_text(path, source, self.resolver_for(path))
            placed = tuple(diagnostics(linted, self.encoding))
        except SETUP_ERRORS as error:
            linted = Linted(path, source, (), ())
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            where = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
            placed = (
                Placed(lsp.Diagnostic(where, f"dflint: {message}", severity=lsp.DiagnosticSeverity.Error, source=SOURCE), None),
            )
        state = State(document.version, linted, placed)
        self.states[uri] = state
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri, [item.diagnostic for item in placed], version=document.version)
        )
        return state

    def current(self, uri: str) -> State | None:
        """The lint of the buffer as it is now (linting it again when it changed since)."""
        state = self.states.get(uri)
        document = self.workspace.get_text_document(uri)
        if state is not None and state.version == document.version and state.linted.text == document.source:
            return state
        return self.lint(uri)

    def lint_later(self, uri: str) -> None:
        self._cancel(uri)
        path = self.path_of(uri, None)
        settings = self.folder_settings.get(self.folder_of(path) or "", self.settings) if path else self.settings
        delay = settings.lint_delay_ms / 1000
        self.pending[uri] = asyncio.get_running_loop().call_later(delay, self.lint, uri)

    def lint_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.lint(uri)

    def _cancel(self, uri: str) -> None:
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _is_config(uri: str) -> bool:
    return os.path.basename(to_fs_path(uri) or uri) in CONFIG_FILES


def _supports(server: DflintServer, *names: str) -> bool:
    """Whether the client declares a capability (a path of attribute names under `capabilities`)."""
    value: object = server.client_capabilities
    for name in names:
        value = getattr(value, name, None)
        if value is None:
            return False
    return bool(value)


def build() -> DflintServer:
    server = DflintServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: DflintServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options
        if options:
            ls.apply_settings(options.get("settings", options) if isinstance(options, dict) else options)

    @server.feature(lsp.INITIALIZED)
    async def initialized(ls: DflintServer, params: lsp.InitializedParams) -> None:
        if _supports(ls, "workspace", "did_change_watched_files", "dynamic_registration"):
            registration = lsp.Registration(
                "dflint-configuration-files",
                lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                lsp.DidChangeWatchedFilesRegistrationOptions(watchers=WATCHERS),
            )
            await ls.client_register_capability_async(lsp.RegistrationParams([registration]))
        await pull_settings(ls)

    async def pull_settings(ls: DflintServer) -> None:
        """Per-folder settings, when the client answers `workspace/configuration`."""
        if not _supports(ls, "workspace", "configuration"):
            return
        folders = ls.folders()
        items = [lsp.ConfigurationItem(scope_uri=_uri(folder), section="dflint") for folder in folders]
        items = items or [lsp.ConfigurationItem(section="dflint")]
        try:
            answers = await ls.workspace_configuration_async(lsp.ConfigurationParams(items))
        except Exception as error:  # a client that declared the capability but fails the request
            log.warning("workspace/configuration failed: %s", error)
            return
        scopes: list[str | None] = list(folders) or [None]
        for folder, answer in zip(scopes, answers or []):
            if answer:
                ls.apply_settings(answer, folder)
        ls.lint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: DflintServer, params: lsp.DidChangeConfigurationParams) -> None:
        if params.settings:
            ls.apply_settings(params.settings)
        else:
            ls.forget_configuration()
        ls.folder_settings.clear()
        await pull_settings(ls)
        ls.lint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: DflintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        if any(_is_config(change.uri) for change in params.changes):
            ls.forget_configuration()
            ls.lint_all()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(ls: DflintServer, params: lsp.DidChangeWorkspaceFoldersParams) -> None:
        ls.forget_configuration()
        ls.lint_all()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: DflintServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: DflintServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.lint_later(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: DflintServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if _is_config(params.text_document.uri):
            ls.forget_configuration()
            ls.lint_all()
        else:
            ls.lint(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: DflintServer, params: lsp.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls._cancel(uri)
        if ls.states.pop(uri, None) is not None:
            ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri, []))

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=actions.KINDS))
    def code_action(ls: DflintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
        uri = params.text_document.uri
        state = ls.current(uri)
        if state is None:
            return None
        only = params.context.only
        found: list[lsp.CodeAction] = []
        if actions.wants(only, lsp.CodeActionKind.QuickFix):
            found += actions.quick_fixes(uri, state.version, state.linted.text, state.placed, params.range, ls.encoding)
        if actions.wants(only, actions.FIX_ALL) and not state.linted.compose:
            path = state.linted.path
            try:
                outcome = fix_text(path, state.linted.text, ls.resolver_for(path))
            except SETUP_ERRORS:
                outcome = None
            found += actions.fix_all(uri, state.version, outcome, ls.encoding)
        return found

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: DflintServer, params: lsp.HoverParams) -> lsp.Hover | None:
        state = ls.current(params.text_document.uri)
        return hover.hover(state.placed, params.position) if state is not None else None

    return server


def _uri(path: str) -> str:
    from pygls.uris import from_fs_path

    return from_fs_path(path) or path
