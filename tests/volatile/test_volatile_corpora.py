"""Volatile-fact rules on the real corpora (skipped when ../shared/corpora is absent)."""

from __future__ import annotations

import re

import pytest

from helpers import corpus, settings_for
from jsonl_lint.engine import lint_paths


def _run(path, select=("JL501", "JL502")):
    report = lint_paths([str(path)], settings_for(list(select)), jobs=1)
    return [d for d in report.diagnostics if d.code in select]


@pytest.mark.slow
def test_json_mode_historical_dates_are_not_flagged():
    path = corpus("anthropic-cookbook", "json_mode_dataset.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    diags = _run(path)
    flagged = {d.location.line for d in diags}
    titanic = [i + 1 for i, line in enumerate(lines) if "1912" in line and "itanic" in line]
    assert titanic, "the Titanic record is expected in this corpus"
    assert not flagged & set(titanic)
    # Historical records (Moby-Dick 1851, Washington 1789, Titanic 1912) are not flagged, and no
    # flagged phrase is itself a historical date.
    for needle in ("Moby", "George Washington", "itanic"):
        rows = [i + 1 for i, line in enumerate(lines) if needle in line and "1" in line]
        assert rows and not flagged & set(rows), needle
    for d in diags:
        quoted = d.message.split('"')[1]
        assert not [y for y in re.findall(r"\b(1[0-9]{3})\b", quoted)], d.message
    # And the share stays small: this corpus is mostly stable trivia.
    assert len(flagged) / len(lines) < 0.05


@pytest.mark.slow
def test_gsm8k_word_problems_are_not_flagged():
    path = corpus("alpaca-cleaned", "gsm_8k_train.json")
    diags = _run(path)
    assert len({d.location.line for d in diags}) <= 5


@pytest.mark.slow
def test_alpaca_sample_has_a_few_volatile_records():
    path = corpus("alpaca", "alpaca_5000.json")
    diags = _run(path)
    records = {d.record.index for d in diags}
    # Some real volatile facts exist in Alpaca ("The newest iPhone model is ..."), but few.
    assert 10 <= len(records) <= 250
    messages = " ".join(d.message for d in diags)
    assert "newest iPhone" in messages or "latest" in messages
