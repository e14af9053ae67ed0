"""JL4xx on real datasets (../shared/corpora; skipped when absent)."""

from __future__ import annotations

import pytest

from helpers import corpus, settings_for
from jsonl_lint.engine import Engine

pytestmark = pytest.mark.slow


def _run(path, select=("JL4",)):
    return Engine(settings_for(select=list(select))).run([str(path)], jobs=1).diagnostics


def test_json_mode_dataset_is_format_consistent():
    """Every reply is a JSON object: no structure, system-prompt or language finding, and
    only a handful of findings in all."""
    diags = _run(corpus("anthropic-cookbook", "json_mode_dataset.jsonl"))
    codes = [d.code for d in diags]
    assert not {"JL404", "JL405", "JL406", "JL407", "JL408", "JL409"} & set(codes), codes
    assert len(diags) <= 5, [d.message for d in diags]


def test_toolformer_extra_key_is_schema_drift():
    diags = _run(corpus("alpaca-cleaned", "toolformer-similarity-0.6-dataset.json"), ["JL409"])
    assert len(diags) == 1
    assert diags[0].pointer == "/example_input" and "2,395 of 2,396" in diags[0].message


def test_templated_dataset_is_quiet():
    assert not _run(corpus("fastchat", "dummy_conversation.json"))


def test_replies_in_the_prompts_language_are_not_language_findings():
    """LLaMA-Factory's Chinese identity block answers Chinese prompts in Chinese."""
    diags = _run(corpus("llamafactory", "v1_sft_demo.jsonl"), ["JL405", "JL406"])
    assert not diags, [d.message for d in diags]


def test_requested_formats_are_not_structure_outliers():
    """Alpaca asks for JSON, HTML, tables, code and arrays; the audit found 42 such JL404s."""
    diags = _run(corpus("alpaca", "alpaca_5000.json"), ["JL404"])
    assert len(diags) <= 3, [d.message for d in diags]


def test_tone_of_requested_voices_is_not_an_outlier():
    """Role-play personas, adverts and tweets: the audit found 16 + 22 JL401s in these files."""
    for path in (corpus("alpaca-cleaned", "roleplay-simple-deduped-roleplay-dataset.json"),
                 corpus("alpaca", "alpaca_5000.json")):
        diags = _run(path, ["JL401", "JL402"])
        assert len(diags) <= 2, [d.message for d in diags]
