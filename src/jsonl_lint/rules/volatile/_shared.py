"""Shared per-record analysis for the JL5xx rules (computed once per record per run)."""

from __future__ import annotations

from ...volatile import Analysis, analyze

_EMPTY = Analysis((), ())
_KEY = "volatile.analysis"

LABELS = {
    "price": "price",
    "rate": "rate",
    "market": "market price",
    "office": "office holder",
    "count": "headcount",
    "version": "latest version",
    "weather": "weather",
    "schedule": "schedule",
    "wait": "waiting or processing time",
    "availability": "stock or availability",
    "record": "record or ranking",
    "as-of": "dated claim",
    "relative-time": "relative time",
    "question": "current-state question",
}


def analysis_of(record) -> Analysis:
    """The record's volatile analysis, memoised on the record for the other JL5xx rules
    (the engine runs each rule over a chunk of records before the next rule)."""
    result = record.extra.get(_KEY)
    if result is None:
        example = record.example
        result = record.extra[_KEY] = analyze(example) if example is not None else _EMPTY
    return result


def quote(phrase: str, limit: int = 80) -> str:
    phrase = " ".join(phrase.split())
    return phrase if len(phrase) <= limit else phrase[: limit - 1] + "…"
