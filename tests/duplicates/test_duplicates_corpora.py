"""Duplicate rules on real datasets (skipped when ../shared/corpora is absent)."""

from __future__ import annotations

import collections
import json

import pytest

from helpers import corpus, settings_for
from jsonl_lint.engine import Engine

pytestmark = pytest.mark.slow


def run(path, select):
    return Engine(settings_for(select)).run([str(path)]).diagnostics


def test_alpaca_demo_exact_duplicates():
    path = corpus("llamafactory", "alpaca_en_demo.json")
    diags = [d for d in run(path, ["JL301"])]
    assert len(diags) == 14
    data = json.loads(path.read_text(encoding="utf-8"))
    for d in diags:  # each later copy really equals the record it points at
        assert data[d.record.index] == data[_index_at(data, path, d.related[0].location.line)]


def _index_at(data, path, line):
    from jsonl_lint.reader import read_records

    with open(path, "rb") as f:
        for r in read_records(f, str(path)):
            if r.ref.line == line:
                return r.ref.index
    raise AssertionError(line)


def test_fastchat_templated_clusters():
    path = corpus("fastchat", "dummy_conversation.json")
    diags = run(path, ["JL301", "JL303"])
    assert not [d for d in diags if d.code == "JL301"]  # no exact duplicates in this file
    near = [d for d in diags if d.code == "JL303"]
    clusters = collections.Counter(d.related[0].location.line for d in near)
    assert len(near) > 400 and len(clusters) >= 10
    assert max(clusters.values()) > 100  # the "What is up? / Who are you?" template family


def test_toolformer_preamble_is_not_similarity():
    """Every prompt carries a long tool preamble: whole-text ratio puts ~70% of the
    records near another; with the boilerplate filter the count is close to what the
    dataset's authors removed with their own 0.9 similarity filter (~1,700)."""
    folder = ("alpaca-cleaned",)
    path = corpus(*folder, "toolformer-dedupe-only-dataset.json")
    diags = run(path, ["JL303"])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(diags) < 0.35 * len(data)
    kept = json.loads(corpus(*folder, "toolformer-similarity-0.9-dataset.json").read_text(encoding="utf-8"))
    key = lambda r: (r["instruction"], r.get("input", ""), r["output"])  # noqa: E731
    removed = {i for i, r in enumerate(data) if key(r) not in set(map(key, kept))}
    flagged = {d.record.index for d in diags}
    assert len(flagged & removed) > 0.6 * len(flagged)


def test_reworded_answers_and_tool_variants_are_not_conflicts():
    """FastChat's reworded identity answers, identity.json's Chinese greetings, glaive's
    refusals under different tools and toolformer's call phrasings agree with each other."""
    for folder, name in (("fastchat", "dummy_conversation.json"), ("llamafactory", "identity.json"),
                         ("llamafactory", "glaive_toolcall_en_demo.json"),
                         ("alpaca-cleaned", "toolformer-similarity-0.9-dataset.json")):
        assert not run(corpus(folder, name), ["JL302"]), name
