"""The configured targets' verdicts on the editor's line-1 summary lens."""

from __future__ import annotations

import pytest
from lsprotocol import types as T

from test_server import GOOD, client, diagnostics_for, open_doc, uri_of  # noqa: F401 (fixtures)

pytestmark = pytest.mark.asyncio


@pytest.fixture
def ws(tmp_path, monkeypatch):
    (tmp_path / ".jsonl-lint.toml").write_text('select = ["JL902"]\ntarget = ["together", "openai"]\n')
    monkeypatch.setenv("JSONL_LINT_TEST_WS", str(tmp_path))
    return tmp_path


async def test_summary_lens_shows_each_targets_verdict(client, ws):  # noqa: F811
    uri = uri_of(ws)
    twice = GOOD.replace('{"role": "user", "content": "Hi"}',
                         '{"role": "user", "content": "Hi"}, {"role": "user", "content": "Hi?"}')
    await open_doc(client, uri, "\n".join([GOOD, twice]) + "\n")
    ds = await diagnostics_for(client, uri, 1, lambda ds: any(d.code == "JL902" for d in ds))
    assert [d.range.start.line for d in ds if d.code == "JL902"] == [1]
    lenses = await client.text_document_code_lens_async(T.CodeLensParams(
        text_document=T.TextDocumentIdentifier(uri=uri)))
    assert "targets: together needs changes (1 error), openai ready" in lenses[0].command.title
