"""Real datasets (../shared/corpora): counts equal tiktoken's, the cookbook overrun, stats and report."""

from __future__ import annotations

import json
from io import StringIO

import pytest

from helpers import CORPORA, corpus, lint
from jsonl_lint import tokens
from jsonl_lint.cli import main

pytestmark = pytest.mark.slow


def _corpus_files():
    from helpers import settings_for
    from jsonl_lint.engine import discover

    corpus(".")  # skips when absent
    return discover([str(CORPORA)], settings_for())


@pytest.mark.parametrize("model,encoding", [("gpt-4o-mini-2024-07-18", "o200k_base"),
                                            ("gpt-3.5-turbo-0125", "cl100k_base")])
def test_counts_equal_tiktoken_on_every_corpus(model, encoding, reference_encoding, no_network):
    from jsonl_lint.reader import open_binary, read_records

    ref = reference_encoding(encoding)
    counter = tokens.target(model).counter
    texts = 0
    for path in _corpus_files():
        with open_binary(path) as f:
            for record in read_records(f, path):
                if record.example is None:
                    continue
                for turn in record.example.all_turns:
                    assert counter.count(turn.text) == len(ref.encode_ordinary(turn.text)), (path, record.line)
                    texts += 1
    assert texts > 40000
    assert no_network == []


def test_cookbook_overrun_names_record_count_and_cut():
    path = corpus("openai-cookbook", "toy_chat_fine_tuning.RECONSTRUCTED.jsonl")
    text = path.read_text(encoding="utf-8")
    found = [d for d in lint(text, ["JL601"], model="gpt-3.5-turbo-0613", filename=str(path)) if d.code == "JL601"]
    assert len(found) == 1
    d = found[0]
    assert d.location.line == 5
    # system 3+1+13, user 3+1+4, assistant 3+1+8,000 ("Eat a banana!" x 2,000), +3 = 8,032 (cl100k)
    assert d.message.startswith("example has 8,032 tokens, over the training limit of gpt-3.5-turbo-0613 (4,096) "
                                "by 3,936; training truncates from the end and would cut 3,932 of its 8,000 "
                                "trained assistant tokens, starting in the assistant message at /messages/2")
    assert d.pointer == "/messages/2/content"
    # the highlighted text starts where training cuts: 8,000 - 3,932 = 4,068 tokens survive, 13 chars per 4 tokens
    record = json.loads(text.splitlines()[4])
    content = record["messages"][2]["content"]
    assert d.end_location.column - d.location.column == len(content) - 4068 // 4 * 13
    # with the default model (65,536 tokens) nothing is over
    assert not [x for x in lint(text, ["JL601"], filename=str(path)) if x.code == "JL601"]


def test_stats_and_report_work_on_every_corpus(tmp_path):
    for path in _corpus_files():
        out, err = StringIO(), StringIO()
        assert main(["stats", "--isolated", path, "--output-format", "json", "--no-per-example"], out, err) == 0, \
            (path, err.getvalue())
        d = json.loads(out.getvalue())
        assert d["exact"] and d["records"] > 0
    page = tmp_path / "all.html"
    # every corpus in one report; the selection keeps other bands' slow dataset rules out of this test
    assert main(["report", "--isolated", "--select", "JL0,JL1,JL6", str(CORPORA), "-o", str(page)],
                StringIO(), StringIO()) == 0
    html = page.read_text()
    assert "Tokens per example" in html and "toy_chat_fine_tuning.RECONSTRUCTED.jsonl" in html
