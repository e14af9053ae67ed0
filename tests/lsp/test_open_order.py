"""At open, the dataset pass starts once the first batch of lines is checked, beside the
rest of the per-record pass, rather than after it (on two cores the two overlap)."""

import json

import pytest

from jsonl_lint.lsp import server as srv


def _lines(n: int) -> str:
    return "".join(json.dumps({"messages": [{"role": "user", "content": f"Question {i}?"},
                                            {"role": "assistant", "content": f"Answer {i}."}]}) + "\n"
                   for i in range(n))


async def _open(tmp_path, monkeypatch, text: str) -> tuple[list, srv.DocState]:
    ls = srv.JsonlLanguageServer()
    ls.config_ready.set()
    path = tmp_path / "train.jsonl"
    st = srv.DocState(srv.Document.open(path.as_uri(), str(path), 1, text, "utf-16"))
    calls: list = []
    monkeypatch.setattr(ls, "dataset_later", lambda st, reason: calls.append((reason, st.doc.complete)))
    monkeypatch.setattr(ls, "publish", lambda st: None)
    await ls._lint(st, 0.0)
    return calls, st


@pytest.mark.asyncio
async def test_the_dataset_pass_starts_before_every_line_is_checked(tmp_path, monkeypatch):
    calls, st = await _open(tmp_path, monkeypatch, _lines(srv.FIRST_BATCH + 50))
    assert calls == [("open", False)]  # once, while lines were still unchecked
    assert st.doc.complete and not st.initial


@pytest.mark.asyncio
async def test_an_empty_document_still_gets_its_dataset_pass(tmp_path, monkeypatch):
    calls, st = await _open(tmp_path, monkeypatch, "")
    assert [reason for reason, _ in calls] == ["open"]
