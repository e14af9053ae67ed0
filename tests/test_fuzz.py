"""Bad input never raises: random records built from every format's vocabulary go
through every rule without an exception."""

from __future__ import annotations

import io
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


# -- hostile files: every hostile feature, a finding at each bad line, never an exception ----

def _deep(n: int) -> str:
    return '{"messages": ' + "[" * n + "]" * n + "}"


# (feature, line builder from a valid record's JSON text and a size, code expected at the line or None)
HOSTILE = [
    ("deep", lambda text, n: _deep(65 + n * 7), "JL001"),
    ("deeper than any parser", lambda text, n: "[" * (1100 + n * 97) + "]" * (1100 + n * 97), "JL001"),
    ("deep json inside a string", lambda text, n: text[:-1] + ', "s": "' + "[" * (70 + n) + '"}', None),
    ("lone high surrogate", lambda text, n: text[:-1] + ', "z": "a\\ud800b"}', "JL005"),
    ("lone low surrogate", lambda text, n: text[:-1] + ', "z": "\\udc00"}', "JL005"),
    ("surrogate pair", lambda text, n: text[:-1] + ', "z": "\\ud83d\\ude00"}', None),
    ("escaped backslash before u", lambda text, n: text[:-1] + ', "z": "\\\\ud800"}', None),
    ("invalid utf-8", lambda text, n: text[:-1] + ', "z": "caf\udce9"}', "JL005"),
    ("truncated", lambda text, n: text[: max(1, len(text) * (n % 9 + 1) // 10)], "JL001"),
    ("NaN", lambda text, n: text[:-1] + ', "z": NaN}', "JL001"),
    ("python repr", lambda text, n: repr(json.loads(text)), "JL001"),
    ("blank", lambda text, n: " " * (n % 3), "JL003"),
    ("not an object", lambda text, n: ["42", '"text"', "[1, 2]", "null", "true"][n % 5], "JL002"),
    ("byte order mark mid-file", lambda text, n: "\ufeff" + text, "JL001"),
    ("raw control character", lambda text, n: text[:-1] + ', "z": "a\x00b"}', "JL001"),
    ("lone carriage return", lambda text, n: text.replace(", ", ",\r", 1), None),
    ("line separator", lambda text, n: text[:-1] + ', "z": "a\u2028b"}', None),
    ("duplicate key", lambda text, n: text[:-1] + ', "dup": 1, "dup": 2}', "JL006"),
    ("long line", lambda text, n: text[:-1] + ', "z": "' + "x" * 20_000 + '"}', None),
]
valid_records = records.filter(lambda r: "Infinity" not in json.dumps(r))  # json.dumps writes inf as Infinity
hostile_lines = st.lists(st.tuples(valid_records, st.sampled_from(range(len(HOSTILE))), st.integers(0, 40)),
                         min_size=1, max_size=10)


def _build(items) -> tuple[bytes, dict[int, str]]:
    """A JSONL file of hostile lines and {line: code the line must get}."""
    out, expected = [], {}
    for n, (record, feature, size) in enumerate(items, start=1):
        _, build, code = HOSTILE[feature]
        line = build(json.dumps(record), size)
        out.append(line.encode("utf-8", "surrogateescape"))
        if code and line.startswith("\ufeff") and n == 1:
            code = "JL004"  # at the start of the file it is the file's byte order mark
        if code:
            expected[n] = code
    return b"\n".join(out) + b"\n", expected


def _strict_stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")  # as a UTF-8 terminal


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_lines)
def test_hostile_files_get_a_finding_at_every_bad_line(items):
    data, expected = _build(items)
    diagnostics = ENGINE.run_text(data, "hostile.jsonl").diagnostics
    found = {(d.location.line, d.code) for d in diagnostics}
    missing = {line: code for line, code in expected.items() if (line, code) not in found}
    assert not missing, f"no finding at {missing}; found {sorted(found)}"
    assert all(d.location.line <= len(items) + 1 for d in diagnostics)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_lines, st.sampled_from(["full", "json", "sarif", "github"]))
def test_hostile_files_through_the_cli_never_raise(tmp_path_factory, items, fmt):
    from jsonl_lint.cli import main

    path = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    path.write_bytes(_build(items)[0])
    out, err = _strict_stream(), _strict_stream()
    code = main(["check", str(path), "--isolated", "--select", "ALL", "--output-format", fmt, "--no-group"],
                out, err)
    out.flush()
    assert code in (0, 1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(valid_records, st.sampled_from([0, 1, 3, 4, 5])), min_size=1, max_size=8))
def test_hostile_json_array_elements_each_get_their_finding(items):
    """JSON-array datasets: a too-deep or lone-surrogate element is reported at its line and
    the elements after it are still read."""
    lines, expected = [], {}
    for n, (record, feature) in enumerate(items, start=2):  # line 1 is "["
        _, build, code = HOSTILE[feature]
        lines.append(build(json.dumps(record), n))
        if code:
            expected[n] = code
    data = "[\n" + ",\n".join(lines) + "\n]\n"
    diagnostics = ENGINE.run_text(data, "hostile.json").diagnostics
    found = {(d.location.line, d.code) for d in diagnostics}
    assert all((line, code) in found for line, code in expected.items()), (expected, sorted(found))
    assert ENGINE.run_text(data, "hostile.json").files[0].records == len(items)
