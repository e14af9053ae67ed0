"""Schema rules skip the messages of plain records (rules/schema/_messages.plain): on
records plain or nearly so, every finding is the one the full check of the messages gives."""

from __future__ import annotations

import io
import json

from helpers import settings_for
from jsonl_lint.engine import Engine
from jsonl_lint.reader import read_records
from jsonl_lint.rules.schema._messages import PLAIN_DIALECTS

SHORTCUT_RULES = ("JL102", "JL103", "JL104", "JL111", "JL113")

VARIANTS = [
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "weight": 1}]},
    {"messages": [{"role": "user", "content": "Hi", "name": "ann"}, {"role": "assistant", "content": "Yo"}],
     "system": "Be brief."},
    {"messages": []},
    {"messages": [{"role": "user", "content": 3}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": None}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": "Hi", "mood": "ok"}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": "Hi", "name": 5}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user"}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"content": "Hi"}, {"role": "assistant", "content": "x"}]},
    {"messages": ["Hi", {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "x"}],
     "tools": [{"type": "function", "function": {"name": "f"}}]},
    {"messages": [{"role": "bot", "content": "Hi"}, {"role": "assistant", "content": "x"}]},
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "x", "weight": 2}]},
    {"messages": [{"role": "system", "content": "Hi"}, {"role": "assistant", "content": "x", "weight": 2}],
     "system": "Be brief."},
    {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]},
    {"conversations": [{"from": "human", "value": "Hi"}, {"from": "robot", "value": "x", "weight": 3}]},
    {"conversations": [{"from": "human", "value": "Hi", "content": "x"}, {"from": "gpt", "value": "Hello"}]},
    {"conversations": [{"from": "human", "value": ["Hi"]}, {"from": "gpt", "value": "Hello"}]},
    {"conversations": [{"from": "human", "value": "Hi"}, {"from": "function_call", "value": "{}"}]},
]


def _findings(engine, record, ctx, full: bool) -> list[tuple]:
    if full:
        record.__dict__["plain"] = None  # as if not plain: the rules read every message
    rules = [r for r in engine.pack.record_rules if r.code in SHORTCUT_RULES]
    return [(r.code, f.message, f.pointer) for r in rules for f in r.check(record, ctx)]


def test_plain_records_give_the_findings_of_the_full_check(tmp_path):
    engine = Engine(settings_for(SHORTCUT_RULES))
    data = "".join(json.dumps(v) + "\n" for v in VARIANTS).encode()
    ctx = engine.context("t.jsonl")
    fast = [_findings(engine, r, ctx, False) for r in read_records(io.BytesIO(data), "t.jsonl")]
    full = [_findings(engine, r, ctx, True) for r in read_records(io.BytesIO(data), "t.jsonl")]
    assert fast == full
    assert sum(map(len, full)) >= 12  # the variants that are not plain have something to report
    plain = [r for r in read_records(io.BytesIO(data), "t.jsonl") if r.plain is not None]
    assert len(plain) >= 8  # and the shortcut is taken for the plain ones
    for record in plain:  # whose one message list is in the dialect the shortcuts assume
        assert [d for _, _, d in record.message_lists] == [PLAIN_DIALECTS[record.format]]
