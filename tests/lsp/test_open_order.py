"""At open, the lint thread checks the first batch of lines; the other lines wait for the
open pass, which runs every rule at once on the dataset worker (the per-record rules
with the dataset-wide ones, each record read once): the thread does not check them
again, and what the editor shows is what checking every line on the thread shows."""

import asyncio
import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_dataset_pass import dataset_lines

from jsonl_lint.config import load_settings
from jsonl_lint.engine import Engine
from jsonl_lint.lsp import dataset
from jsonl_lint.lsp import server as srv
from jsonl_lint.lsp.dataset import dataset_pass, line_counts, open_pass


def _lines(n: int) -> str:
    return "".join(json.dumps({"messages": [{"role": "user", "content": f"Question {i}?"},
                                            {"role": "assistant", "content": f"Answer {i}."}]}) + "\n"
                   for i in range(n))


def _server(monkeypatch, select=("ALL",)) -> tuple[srv.JsonlLanguageServer, list]:
    """A server whose lint thread counts the lines it checks (no client: publishes go nowhere)."""
    ls = srv.JsonlLanguageServer()
    ls.config_ready.set()
    checked: list = []
    make = ls.make_linter

    def make_linter(settings, path):
        linter = make(settings, path)
        check_many = linter.check_many
        linter.check_many = lambda keys: (checked.extend(keys), check_many(keys))[1]
        return linter

    monkeypatch.setattr(ls, "make_linter", make_linter)
    monkeypatch.setattr(ls, "settings_for", lambda path: load_settings(isolated=True).updated(select=select))
    return ls, checked


async def _open(tmp_path, monkeypatch, text: str, select=("ALL",)) \
        -> tuple[srv.JsonlLanguageServer, list, srv.DocState, list]:
    ls, checked = _server(monkeypatch, select)
    path = tmp_path / "train.jsonl"
    st = srv.DocState(srv.Document.open(path.as_uri(), str(path), 1, text, "utf-16"))
    calls: list = []  # (reason, whether every line had a result, lines the thread had checked)
    monkeypatch.setattr(ls, "dataset_later", lambda st, reason: calls.append((reason, st.doc.complete, len(checked))))
    monkeypatch.setattr(ls, "publish", lambda st: None)
    await ls._lint(st, 0.0)
    return ls, calls, st, checked


def _thread_results(st: srv.DocState) -> list:
    """Every line checked on the lint thread, as before the open pass."""
    return [st.linter.check(st.doc.key(i)) for i in range(len(st.doc.lines))]


@pytest.mark.asyncio
async def test_the_lines_after_the_first_batch_come_from_the_open_pass(tmp_path, monkeypatch):
    text = "\n".join(dataset_lines()) + "\n"
    ls, calls, st, checked = await _open(tmp_path, monkeypatch, text)
    assert calls == [("open", False, 0)]  # once, beside the first batch (not after it)
    assert len(checked) == srv.FIRST_BATCH and st.doc.held and not st.doc.dirty and st.initial
    lines = list(st.doc.lines)
    found, results = open_pass(st.linter.settings, st.doc.path, text)
    assert open_pass(st.linter.settings, st.doc.path, text.encode()) == (found, results)  # as the server sends it
    # the findings, where they are, and what hovers show but the token counts, which come after
    assert results == [_uncounted(r) for r in _thread_results(st)]
    assert found == dataset_pass(st.linter.settings, st.doc.path, text)
    st.doc.fill(lines, results)
    await ls._lint(st, 0.0)
    assert st.doc.complete and not st.initial and len(checked) == srv.FIRST_BATCH  # none checked twice
    st.doc.add_counts(lines, line_counts(st.linter.settings, st.doc.path, text))
    assert st.doc.results == _thread_results(st)
    assert sum(1 for r in st.doc.results if r.info is not None and r.info.tokens) > len(lines) // 2


def _uncounted(r):
    if r is None or r.info is None:
        return r
    return dataclasses.replace(r, info=dataclasses.replace(r.info, tokens=None, trained=None, billed=None,
                                                           estimated=False))


@pytest.mark.parametrize("parallel", [1, 10 ** 9])
def test_token_counts_after_the_open_pass_are_the_thread_paths(tmp_path, monkeypatch, parallel):
    monkeypatch.setattr(dataset, "PARALLEL_MIN_LINES", parallel)
    monkeypatch.setattr(dataset, "CUT_EVERY", 16)  # several ranges for a small text
    path = str(tmp_path / "train.jsonl")
    settings = load_settings(isolated=True).updated(select=("ALL",), jobs=2)
    linter = srv.Linter(settings, path)
    for text in ("\n".join(dataset_lines()) + "\n", "\n".join(dataset_lines()), "", "\n"):
        lines = text.split("\n")
        counts = line_counts(settings, path, text)
        assert line_counts(settings, path, text.encode()) == counts
        assert len(counts) == len(lines)
        doc = srv.Document.open("file:///x", path, 1, text, "utf-16")
        expected = [linter.check(doc.key(i)).info for i in range(len(lines))]
        assert counts == [None if i is None or i.tokens is None else (i.tokens, i.trained, i.billed, i.estimated)
                          for i in expected]


@pytest.mark.asyncio
async def test_lines_edited_during_the_open_pass_are_checked_on_the_thread(tmp_path, monkeypatch):
    text = _lines(srv.FIRST_BATCH + 50)
    ls, _, st, checked = await _open(tmp_path, monkeypatch, text)
    lines = list(st.doc.lines)
    row = srv.FIRST_BATCH + 10
    st.doc.apply(2, (row, 0), (row, 1), "")  # breaks a held line's JSON
    await ls._lint(st, 0.0)
    assert [line for _, line in checked[srv.FIRST_BATCH:]] == [st.doc.lines[row]] and st.doc.held  # the others wait
    st.doc.fill(lines, open_pass(st.linter.settings, st.doc.path, text)[1])  # of the text before the edit
    await ls._lint(st, 0.0)
    st.doc.add_counts(lines, line_counts(st.linter.settings, st.doc.path, text))
    assert st.doc.complete and len(checked) == srv.FIRST_BATCH + 1
    assert st.doc.results == _thread_results(st)
    assert [d.code for d in st.doc.results[row].diagnostics] == ["JL001"]


@pytest.mark.asyncio
async def test_an_empty_document_still_gets_its_dataset_pass(tmp_path, monkeypatch):
    _, calls, st, _ = await _open(tmp_path, monkeypatch, "")
    assert [reason for reason, _, _ in calls] == ["open"]
    assert st.doc.complete and not st.initial
    # and the passes themselves run on an empty text (a negative reduce-partition count broke them)
    codes = [d.code for d in dataset_pass(st.linter.settings, st.doc.path, "")]
    assert codes and [d.code for d in open_pass(st.linter.settings, st.doc.path, "")[0]] == codes


@pytest.mark.asyncio
async def test_without_dataset_rules_no_line_waits_for_an_open_pass(tmp_path, monkeypatch):
    _, calls, st, checked = await _open(tmp_path, monkeypatch, _lines(srv.FIRST_BATCH + 50), select=("JL001",))
    assert st.doc.complete and not st.doc.held and len(checked) == len(st.doc.lines)


@pytest.mark.asyncio
async def test_what_the_server_shows_after_open_is_the_thread_path_and_the_cli(tmp_path, monkeypatch):
    """The whole open through the server (its dataset worker a thread here), on forked
    pass workers: the diagnostics equal those of every line checked on the thread with the
    dataset pass's findings, and the CLI's findings."""
    monkeypatch.setattr(dataset, "PARALLEL_MIN_LINES", 1)
    monkeypatch.setattr(dataset, "_kept", {})
    ls, checked = _server(monkeypatch)
    monkeypatch.setattr(srv.JsonlLanguageServer, "encoding", "utf-16")  # not initialized by a client
    ls._procs = ThreadPoolExecutor(1)
    text = "\n".join(dataset_lines())  # no final newline: the last line is read without one
    path = tmp_path / "train.jsonl"
    st = ls.open_doc(path.as_uri(), 1, text)
    for _ in range(600):
        await asyncio.sleep(0.1)
        if not st.initial and not st.ds_running and st.task.done():
            break
    assert st.doc.complete and st.doc.dataset_edit == 0 and len(checked) == srv.FIRST_BATCH
    assert st.doc.results == _thread_results(st) and not st.counting  # the token counts came after
    shown = ls.current(st)

    old = srv.DocState(srv.Document.open(path.as_uri(), str(path), 1, text, "utf-16"))
    old.linter, old.settings = st.linter, st.settings
    _, keys = old.doc.missing(len(old.doc.lines))
    old.doc.store(keys, st.linter.check_many(keys))
    old.doc.dataset = dataset_pass(st.linter.settings, str(path), text)
    assert shown == ls.current(old)

    cli = Engine(st.settings.updated(baseline=str(tmp_path / "none.json"))).run_text(text, str(path)).diagnostics
    assert sorted((x["code"], x["range"]["start"]["line"]) for x in shown) == \
        sorted((d.code, d.location.line - 1) for d in cli)
    ls._procs.shutdown()


@pytest.mark.asyncio
async def test_the_summary_lens_waits_for_the_token_counts(tmp_path, monkeypatch):
    from jsonl_lint.lsp.hover import summary_title

    text = _lines(srv.FIRST_BATCH + 50)
    ls, _, st, _ = await _open(tmp_path, monkeypatch, text)
    lines = list(st.doc.lines)
    st.doc.fill(lines, open_pass(st.linter.settings, st.doc.path, text)[1])
    await ls._lint(st, 0.0)
    st.counting = True  # the lines from the open pass have no counts yet: no partial total
    title = summary_title(ls, st)
    assert "counting tokens…" in title and "to train" not in title
    st.doc.add_counts(lines, line_counts(st.linter.settings, st.doc.path, text))
    st.counting = False
    title = summary_title(ls, st)
    every = sum(r.info.tokens for r in _thread_results(st) if r.info is not None and r.info.tokens)
    assert "counting" not in title and f"· {every:,} tokens · ≈$" in title
