"""Bad input never raises: random records built from every format's vocabulary go
through every rule without an exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import settings_for
from jsonl_lint.engine import Engine

KEYS = ["messages", "role", "content", "type", "text", "value", "from", "conversations", "prompt", "completion",
        "instruction", "input", "output", "chosen", "rejected", "preferred_output", "non_preferred_output",
        "tools", "tool_calls", "function", "arguments", "name", "id", "tool_call_id", "weight", "image_url",
        "url", "system", "history", "functions", "function_call", "parameters", "loss_weight", "label"]
ROLES = ["user", "assistant", "system", "tool", "human", "gpt", "function_call", "observation", "developer"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, width=32),
                    st.sampled_from(ROLES), st.text(max_size=20), st.just('{"a": 1}'), st.just("{{name}}"))
values = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=5)), max_leaves=25)
records = st.dictionaries(st.sampled_from(KEYS), values, min_size=1, max_size=5)

ENGINE = Engine(settings_for(["ALL"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records, min_size=1, max_size=12))
def test_random_records_never_raise(batch):
    text = "\n".join(json.dumps(r) for r in batch) + "\n"
    for d in ENGINE.run_text(text, "fuzz.jsonl").diagnostics:
        assert d.location.line >= 1 and d.location.column >= 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.binary(max_size=60), st.sampled_from([b"{", b"[", b'{"messages": [', b"\xef\xbb\xbf{}",
                                                                 b'{"a": "\\ud800"}', b"\r", b'{"a": NaN}'])),
                max_size=8),
       st.sampled_from(["fuzz.jsonl", "fuzz.json"]))
def test_random_bytes_never_raise(lines, filename):
    for d in ENGINE.run_text(b"\n".join(lines), filename).diagnostics:
        assert d.location.line >= 1
