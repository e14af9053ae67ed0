"""End-to-end tests of `jsonl-lint server` over stdio (pytest-lsp drives the real process)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as T
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio

CONFIG = """\
select = ["JL001", "JL104", "JL116", "JL301"]
preview = true  # JL116 is a preview rule
"""

GOOD = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}'
HUMAN = '{"messages": [{"role": "User", "content": "Hi 😀 there"}, {"role": "assistant", "content": "Hey"}]}'


def good(i: int) -> str:
    return GOOD.replace("Hello!", f"Hello {i}!")


BROKEN = '{"messages": [{"role": "user", "content": "oops"}'


@pytest.fixture
def ws(tmp_path, monkeypatch):
    (tmp_path / ".jsonl-lint.toml").write_text(CONFIG)
    monkeypatch.setenv("JSONL_LINT_TEST_WS", str(tmp_path))
    return tmp_path


@pytest_lsp.fixture(config=ClientServerConfig(
    server_command=[sys.executable, "-m", "jsonl_lint", "server", "--stdio"],
    server_env={**os.environ, "PYTHONUNBUFFERED": "1"}))
async def client(lsp_client: LanguageClient, ws):
    record_versions(lsp_client)
    lsp_client.registrations = []

    lsp_client.lens_refreshes = 0

    @lsp_client.feature(T.CLIENT_REGISTER_CAPABILITY)
    def register(params: T.RegistrationParams):
        lsp_client.registrations.extend(params.registrations)

    @lsp_client.feature(T.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None):
        lsp_client.lens_refreshes += 1

    lsp_client.set_configuration({"datasetDelay": 50, "debounce": 10}, section="jsonlLint")
    await lsp_client.initialize_session(T.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=ws.as_uri(),
        workspace_folders=[T.WorkspaceFolder(uri=ws.as_uri(), name="ws")]))
    yield
    await lsp_client.shutdown_session()


def uri_of(ws: Path, name: str = "train.jsonl") -> str:
    return (ws / name).as_uri()


async def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    Path(uri.removeprefix("file://")).write_text(text)
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(
        uri=uri, language_id="jsonl", version=version, text=text)))


async def diagnostics_for(client: LanguageClient, uri: str, version: int, pred=lambda ds: True,
                          timeout: float = 60.0) -> list[T.Diagnostic]:
    """Wait for a publish of ``version`` whose diagnostics satisfy ``pred``."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if client.diagnostic_versions.get(uri) == version and pred(list(client.diagnostics.get(uri, ()))):
            return list(client.diagnostics[uri])
        await asyncio.sleep(0.02)
    raise AssertionError(f"no matching diagnostics for version {version}: "
                         f"{[(d.code, d.range.start.line) for d in client.diagnostics.get(uri, ())]}")


def record_versions(client: LanguageClient) -> None:
    """Keep the version of every publish (pytest-lsp keeps only the diagnostics)."""
    features = client.protocol.fm.features
    original = features[T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    client.diagnostic_versions = {}
    client.publish_count = {}

    def publish(params: T.PublishDiagnosticsParams):
        client.diagnostic_versions[params.uri] = params.version
        client.publish_count[params.uri] = client.publish_count.get(params.uri, 0) + 1
        return original(params)

    features[T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish


def command_of(action) -> dict:
    """The command of a code action. lsprotocol's client-side hook structures any
    ``CodeAction`` that has a ``command`` as a ``Command`` (stringifying the nested
    command), so the test client needs this; VS Code reads the action as sent."""
    import ast

    if isinstance(action, T.Command):
        return ast.literal_eval(action.command)
    return {"command": action.command.command, "arguments": action.command.arguments}


def codes(ds):
    return sorted((d.code, d.range.start.line) for d in ds)


def change(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int],
           text: str) -> None:
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[T.TextDocumentContentChangePartial(
            range=T.Range(T.Position(*start), T.Position(*end)), text=text)]))


async def test_diagnostics_codes_links_and_utf16_positions(client, ws):
    uri = uri_of(ws)
    await open_doc(client, uri, "\n".join([GOOD, HUMAN, BROKEN]) + "\n")
    ds = await diagnostics_for(client, uri, 1, lambda ds: len(ds) >= 2)
    assert codes(ds) == [("JL001", 2), ("JL104", 1)]
    human = next(d for d in ds if d.code == "JL104")
    assert (human.range.start.character, human.range.end.character) == (HUMAN.index('"User"'), HUMAN.index('"User"') + 6)
    assert human.severity == T.DiagnosticSeverity.Error
    assert human.source == "jsonl-lint"
    assert human.code_description.href.endswith("JL104.md")
    assert '"User"' in human.message


async def test_positions_after_astral_characters_are_utf16(client, ws):
    uri = uri_of(ws)
    line = '{"messages": [{"role": "user", "content": "😀😀 hi   "}, {"role": "assistant", "content": "ok"}]}'
    await open_doc(client, uri, line + "\n")
    ds = await diagnostics_for(client, uri, 1, lambda ds: any(d.code == "JL116" for d in ds))
    d = next(d for d in ds if d.code == "JL116")
    # the trailing spaces of "😀😀 hi   ": code point index + 2 (each emoji is 2 UTF-16 units)
    cp = line.index(' hi   "') + 3
    assert d.range.start.character == cp + 2


async def test_edit_relints_only_that_record_and_keeps_positions(client, ws):
    uri = uri_of(ws)
    lines = [good(i) for i in range(200)] + [HUMAN] + [good(i) for i in range(200, 250)]  # no duplicates
    await open_doc(client, uri, "\n".join(lines) + "\n")
    ds = await diagnostics_for(client, uri, 1, lambda ds: any(d.code == "JL104" for d in ds))
    assert codes(ds) == [("JL104", 200)]
    # break line 10, then insert a line at the top: the finding moves down by one
    change(client, uri, 2, (10, 0), (10, 1), "")
    ds = await diagnostics_for(client, uri, 2, lambda ds: len(ds) == 2)
    assert codes(ds) == [("JL001", 10), ("JL104", 200)]
    change(client, uri, 3, (0, 0), (0, 0), good(1000) + "\n")
    ds = await diagnostics_for(client, uri, 3, lambda ds: len(ds) == 2 and ds[0].range.start.line != 10)
    assert codes(ds) == [("JL001", 11), ("JL104", 201)]
    # fix the role by editing inside the line: "User" -> "user"
    start = HUMAN.index('"User"') + 1
    change(client, uri, 4, (201, start), (201, start + 1), "u")
    ds = await diagnostics_for(client, uri, 4, lambda ds: len(ds) == 1)
    assert codes(ds) == [("JL001", 11)]


async def test_quick_fix_suppress_and_fix_all(client, ws):
    uri = uri_of(ws)
    untrimmed = '{"messages": [{"role": "user", "content": " padded   "}, {"role": "assistant", "content": "ok"}]}'
    text = "\n".join([HUMAN, untrimmed, GOOD]) + "\n"
    await open_doc(client, uri, text)
    ds = await diagnostics_for(client, uri, 1, lambda ds: len(ds) >= 2)
    human = next(d for d in ds if d.code == "JL104")
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), range=human.range,
        context=T.CodeActionContext(diagnostics=[human])))
    titles = [a.title for a in actions]
    assert any("Rename role" in t and "JL104" in t for t in titles), titles
    fix = next(a for a in actions if "Rename role" in a.title)
    assert fix.kind == T.CodeActionKind.QuickFix
    (edit,) = fix.edit.changes[uri]
    assert edit.new_text == '"user"'
    assert (edit.range.start.line, edit.range.start.character) == (0, HUMAN.index('"User"'))

    # fix all: both the role and the whitespace fixes, in one edit set
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), range=T.Range(T.Position(0, 0), T.Position(0, 0)),
        context=T.CodeActionContext(diagnostics=[], only=["source.fixAll.jsonl-lint"])))
    (fix_all,) = actions
    assert fix_all.kind == "source.fixAll.jsonl-lint"
    new_texts = sorted(e.new_text for e in fix_all.edit.changes[uri])
    assert new_texts == ["", "", '"user"']

    # suppress: writes the baseline entry, and the finding disappears
    sup = next(a for a in (await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), range=human.range,
        context=T.CodeActionContext(diagnostics=[human])))) if "Suppress" in a.title)
    command = command_of(sup)
    assert command["command"] == "jsonl-lint.suppress"
    await client.workspace_execute_command_async(T.ExecuteCommandParams(
        command=command["command"], arguments=command["arguments"]))
    baseline = json.loads((ws / ".jsonl-lint-baseline.json").read_text())
    assert baseline["version"] == 1
    assert baseline["suppressions"] == [{"file": "train.jsonl", "code": "JL104", "fingerprint": human.data["fp"]}]
    ds = await diagnostics_for(client, uri, 1, lambda ds: not any(d.code == "JL104" for d in ds))
    assert [d.code for d in ds] == ["JL116"]


async def test_hover_on_record_and_on_finding(client, ws):
    uri = uri_of(ws)
    await open_doc(client, uri, "\n".join([GOOD, HUMAN]) + "\n")
    ds = await diagnostics_for(client, uri, 1, lambda ds: len(ds) >= 1)
    h = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=T.Position(0, 3)))
    text = h.contents.value
    assert "record 1" in text and "openai" in text and "user → assistant" in text
    assert "tokens" in text and "trained" in text
    human = next(d for d in ds if d.code == "JL104")
    h = await client.text_document_hover_async(T.HoverParams(
        text_document=T.TextDocumentIdentifier(uri=uri), position=human.range.start))
    assert "**JL104** unknown-role: Message role is not allowed" in h.contents.value
    assert "JL104.md" in h.contents.value and "record 2" in h.contents.value


async def test_dataset_rules_related_lens_and_partner_jump(client, ws):
    uri = uri_of(ws)
    other = GOOD.replace("Hello!", "Something else")
    await open_doc(client, uri, "\n".join([GOOD, other, GOOD]) + "\n")
    ds = await diagnostics_for(client, uri, 1, lambda ds: any(d.code == "JL301" for d in ds))
    dup = next(d for d in ds if d.code == "JL301")
    assert dup.range.start.line == 2
    (rel,) = dup.related_information
    assert rel.location.uri == uri and rel.location.range.start.line == 0
    assert client.lens_refreshes >= 1  # the summary changed after the dataset pass: lenses re-read
    # the dataset-wide pass reports work-done progress: begin ... end
    kinds = [[type(r).__name__ for r in reports] for reports in client.progress_reports.values()]
    assert any(k and k[0] == "WorkDoneProgressBegin" and k[-1] == "WorkDoneProgressEnd" for k in kinds), kinds
    assert any(r.method == "workspace/didChangeWatchedFiles" for r in client.registrations)
    lenses = await client.text_document_code_lens_async(T.CodeLensParams(
        text_document=T.TextDocumentIdentifier(uri=uri)))
    summary = lenses[0]
    assert summary.range.start.line == 0
    assert summary.command.title.startswith("jsonl-lint: 3 records · 0 errors, 1 warnings")
    assert "tokens" in summary.command.title
    jump = next(lens for lens in lenses if lens.range.start.line == 2)
    assert "go to line 1" in jump.command.title
    await client.workspace_execute_command_async(T.ExecuteCommandParams(
        command=jump.command.command, arguments=jump.command.arguments))
    shown = client.shown_documents[-1]
    assert shown.uri == uri and shown.selection.start.line == 0
    # an edit above moves both the finding and its partner link
    change(client, uri, 2, (0, 0), (0, 0), "\n")
    ds = await diagnostics_for(client, uri, 2, lambda ds: any(d.code == "JL301" and d.range.start.line == 3
                                                                 for d in ds))
    dup = next(d for d in ds if d.code == "JL301")
    assert dup.related_information[0].location.range.start.line == 1


async def test_configuration_file_reload(client, ws):
    uri = uri_of(ws)
    await open_doc(client, uri, "\n".join([GOOD, HUMAN]) + "\n")
    await diagnostics_for(client, uri, 1, lambda ds: any(d.code == "JL104" for d in ds))
    (ws / ".jsonl-lint.toml").write_text('select = ["JL001", "JL104"]\nignore = ["JL104"]\n')
    client.workspace_did_change_watched_files(T.DidChangeWatchedFilesParams(changes=[
        T.FileEvent(uri=(ws / ".jsonl-lint.toml").as_uri(), type=T.FileChangeType.Changed)]))
    await diagnostics_for(client, uri, 1, lambda ds: not ds)


async def test_editor_settings_on_top_of_config(client, ws):
    uri = uri_of(ws)
    await open_doc(client, uri, "\n".join([GOOD, HUMAN, BROKEN]) + "\n")
    await diagnostics_for(client, uri, 1, lambda ds: len(ds) == 2)
    client.set_configuration({"ignore": ["JL001"]}, section="jsonlLint")
    client.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings=None))
    ds = await diagnostics_for(client, uri, 1, lambda ds: len(ds) == 1)
    assert [d.code for d in ds] == ["JL104"]


async def test_close_clears_diagnostics(client, ws):
    uri = uri_of(ws)
    await open_doc(client, uri, BROKEN + "\n")
    await diagnostics_for(client, uri, 1, lambda ds: len(ds) == 1)
    client.text_document_did_close(T.DidCloseTextDocumentParams(T.TextDocumentIdentifier(uri=uri)))
    await diagnostics_for(client, uri, None, lambda ds: not ds)



@pytest_lsp.fixture(config=ClientServerConfig(
    server_command=[sys.executable, "-m", "jsonl_lint", "server", "--stdio"],
    server_env={**os.environ, "PYTHONUNBUFFERED": "1"}))
async def pull_client(lsp_client: LanguageClient, ws):
    """A client that supports pull diagnostics (LSP 3.17) and diagnostic refresh."""
    record_versions(lsp_client)
    lsp_client.set_configuration({"datasetDelay": 50, "debounce": 10}, section="jsonlLint")
    caps = client_capabilities("visual-studio-code")
    caps.text_document.diagnostic = T.DiagnosticClientCapabilities(dynamic_registration=False)
    caps.workspace.diagnostics = T.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    caps.workspace.code_lens = None
    caps.workspace.did_change_watched_files = None
    await lsp_client.initialize_session(T.InitializeParams(capabilities=caps, root_uri=ws.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def wait_for_refresh(client: LanguageClient, count: int, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while client.diagnostic_refresh_count < count and loop.time() < end:
        await asyncio.sleep(0.05)


async def test_pull_diagnostics_when_the_client_supports_them(pull_client, ws):
    client = pull_client
    uri = uri_of(ws)
    await open_doc(client, uri, "\n".join([GOOD, HUMAN, good(1), GOOD]) + "\n")
    doc = T.TextDocumentIdentifier(uri=uri)
    report = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(text_document=doc))
    assert report.kind == "full"
    if ("JL104", 1) not in codes(report.items):  # a slow start: the pull gave up waiting, a refresh follows
        await wait_for_refresh(client, 1)
        report = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(text_document=doc))
    assert ("JL104", 1) in codes(report.items)
    # the dataset-wide pass lands later: the server asks the client to pull again
    end = asyncio.get_running_loop().time() + 30
    while ("JL301", 3) not in codes(report.items) and asyncio.get_running_loop().time() < end:
        await wait_for_refresh(client, client.diagnostic_refresh_count + 1)
        report = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(text_document=doc))
    assert client.diagnostic_refresh_count >= 1
    assert ("JL301", 3) in codes(report.items)
    again = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(
        text_document=doc, previous_result_id=report.result_id))
    assert again.kind == "unchanged"
    # an edit: the next pull waits for that version's lint
    start = HUMAN.index('"User"') + 1
    change(client, uri, 2, (1, start), (1, start + 1), "u")
    report = await client.text_document_diagnostic_async(T.DocumentDiagnosticParams(
        text_document=doc, previous_result_id=report.result_id))
    assert report.kind == "full" and ("JL104", 1) not in codes(report.items)
    assert uri not in client.diagnostics  # nothing pushed to a pull client


async def test_untitled_and_crlf_documents(client, ws):
    uri = "untitled:Untitled-1"
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(
        uri=uri, language_id="jsonl", version=1, text=GOOD + "\r\n" + BROKEN + "\r\n" + HUMAN + "\r\n")))
    ds = await diagnostics_for(client, uri, 1, lambda ds: len(ds) == 2)
    assert codes(ds) == [("JL001", 1), ("JL104", 2)]
    human = next(d for d in ds if d.code == "JL104")
    assert human.range.start.character == HUMAN.index('"User"')


async def test_large_file_runs_dataset_rules_on_open_and_save_only(client, ws):
    client.set_configuration({"largeFileSize": 10, "datasetDelay": 50, "debounce": 10}, section="jsonlLint")
    client.workspace_did_change_configuration(T.DidChangeConfigurationParams(settings=None))
    uri = uri_of(ws)
    await open_doc(client, uri, "\n".join([GOOD, good(1), good(2)]) + "\n")
    loop = asyncio.get_running_loop()
    end = loop.time() + 60
    while not any(r and type(r[-1]).__name__ == "WorkDoneProgressEnd" for r in client.progress_reports.values()):
        assert loop.time() < end, "no dataset pass on open"
        await asyncio.sleep(0.05)
    passes = len(client.progress_reports)
    change(client, uri, 2, (2, 0), (2, len(good(2))), GOOD)  # line 3 now duplicates line 1
    await diagnostics_for(client, uri, 2)
    await asyncio.sleep(1.0)  # far past datasetDelay: a small file would have had its pass
    assert len(client.progress_reports) == passes
    assert not any(d.code == "JL301" for d in client.diagnostics[uri])
    client.text_document_did_save(T.DidSaveTextDocumentParams(T.TextDocumentIdentifier(uri=uri)))
    ds = await diagnostics_for(client, uri, 2, lambda ds: any(d.code == "JL301" for d in ds))
    assert [d.range.start.line for d in ds if d.code == "JL301"] == [2]
    # a save without edits since: the findings shown are of this text, no pass runs
    client.text_document_did_save(T.DidSaveTextDocumentParams(T.TextDocumentIdentifier(uri=uri)))
    await asyncio.sleep(1.0)
    assert len(client.progress_reports) == passes + 1
