"""The editor's "Convert this file for TARGET…" source action: it writes the converted file
next to the open one (never over it) and opens it."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types as T

from test_server import GOOD, client, command_of, diagnostics_for, open_doc, uri_of  # noqa: F401 (fixtures)

pytestmark = pytest.mark.asyncio


@pytest.fixture
def ws(tmp_path, monkeypatch):
    (tmp_path / ".jsonl-lint.toml").write_text('select = ["JL001"]\ntarget = ["bedrock-nova"]\n')
    monkeypatch.setenv("JSONL_LINT_TEST_WS", str(tmp_path))
    return tmp_path


async def test_convert_action_writes_next_to_the_file_and_opens_it(client, ws):  # noqa: F811
    uri = uri_of(ws)
    twice = GOOD.replace('{"role": "user", "content": "Hi"}',
                         '{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hi?"}')
    text = "\n".join([GOOD, twice]) + "\n"
    await open_doc(client, uri, text)
    await diagnostics_for(client, uri, 1)
    actions = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), range=T.Range(T.Position(0, 0), T.Position(0, 0)),
        context=T.CodeActionContext(diagnostics=[], only=["source.convert.jsonl-lint"])))
    (action,) = actions
    assert action.title == "Convert this file for bedrock-nova… (writes train.bedrock-nova.jsonl)"
    command = command_of(action)
    result = await client.workspace_execute_command_async(T.ExecuteCommandParams(
        command=command["command"], arguments=command["arguments"]))
    assert result["converted"] == 2 and result["losses"] == {"JL955": 1}
    out = ws / "train.bedrock-nova.jsonl"
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[1]["messages"][0] == {"role": "user", "content": [{"text": "Hi\n\nHi?"}]}
    assert (ws / "train.jsonl").read_text() == text
    assert [d.uri for d in client.shown_documents] == [out.as_uri()]
    assert "converted 2 of 2 records for bedrock-nova" in client.messages[-1].message


async def test_without_configured_targets_the_command_asks_which(client, ws):  # noqa: F811
    (ws / ".jsonl-lint.toml").write_text('select = ["JL001"]\n')
    uri = uri_of(ws, "chat.jsonl")
    await open_doc(client, uri, GOOD + "\n")
    await diagnostics_for(client, uri, 1)
    asked = []

    @client.feature(T.WINDOW_SHOW_MESSAGE_REQUEST)
    def choose(params: T.ShowMessageRequestParams):
        asked.append([a.title for a in params.actions])
        return T.MessageActionItem(title="vertex-gemini")

    (action,) = await client.text_document_code_action_async(T.CodeActionParams(
        text_document=T.TextDocumentIdentifier(uri=uri), range=T.Range(T.Position(0, 0), T.Position(0, 0)),
        context=T.CodeActionContext(diagnostics=[], only=["source.convert"])))
    assert action.title == "Convert this file for a target…"
    command = command_of(action)
    result = await client.workspace_execute_command_async(T.ExecuteCommandParams(
        command=command["command"], arguments=command["arguments"]))
    assert "together" in asked[0] and result["output"].endswith("chat.vertex-gemini.jsonl")
    assert json.loads((ws / "chat.vertex-gemini.jsonl").read_text())["contents"][1]["role"] == "model"
