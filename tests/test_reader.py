"""Reading with exact positions: JSONL line splitting, JSON arrays, escapes."""

from __future__ import annotations

import io
import json

import pytest

from helpers import lint
from jsonl_lint import reader
from jsonl_lint.engine import span_of
from jsonl_lint.diagnostics import Finding
from jsonl_lint.positions import SourceMap
from jsonl_lint.reader import read_records


def records(data: bytes, path="t.jsonl"):
    return list(read_records(io.BytesIO(data), path))


def test_unicode_line_separators_are_not_line_breaks():
    data = '{"a": "x\u2028y\u2029z\u0085w"}\n{"b": 1}\r\n{"c": 2}'.encode()
    recs = records(data)
    assert [r.ref.line for r in recs] == [1, 2, 3]
    assert recs[0].value == {"a": "x\u2028y\u2029z\u0085w"}
    assert [r.newline for r in recs] == ["\n", "\r\n", ""]
    assert recs[2].ref.offset == data.index(b'{"c"')


def test_byte_offsets_and_lengths_address_each_record():
    data = '{"é": 1}\n\n{"b": "ü"}\n'.encode()
    for r in records(data):
        assert data[r.ref.offset:r.ref.offset + r.ref.length].decode() == r.text


def test_json_array_elements_get_their_own_positions():
    text = '[\n  {"a": 1},\n  {"b": [1,\n    2]}, {"c": "é"}\n]\n'
    recs = records(text.encode(), "d.json")
    assert [(r.ref.line, r.ref.column, r.text) for r in recs] == [
        (2, 3, '{"a": 1}'), (3, 3, '{"b": [1,\n    2]}'), (4, 10, '{"c": "é"}')]
    data = text.encode()
    for r in recs:
        assert data[r.ref.offset:r.ref.offset + r.ref.length].decode() == r.text
    # A finding inside a multi-line element resolves to the right line and column.
    b = recs[1]
    s, _ = span_of(b, Finding("", "/b/1"))
    assert b.position(s) == (4, 5)


def test_json_array_across_buffer_chunks(monkeypatch):
    monkeypatch.setattr(reader, "_CHUNK", 64)
    items = [{"instruction": f"task {i} ✓", "output": "x" * (i % 50)} for i in range(300)]
    text = json.dumps(items, indent=2, ensure_ascii=False)
    recs = records(text.encode(), "big.json")
    assert [r.value for r in recs] == items
    lines = text.split("\n")
    data = text.encode()
    for r in recs[::37]:
        assert lines[r.ref.line - 1][r.ref.column - 1] == "{"
        assert data[r.ref.offset:r.ref.offset + r.ref.length].decode() == r.text


def test_json_array_syntax_error_is_a_finding_with_position():
    diags = lint('[\n  {"a": 1},\n  {"b": tru}\n]\n', ["JL001"], filename="d.json")
    assert [(d.location.line, d.location.column) for d in diags] == [(3, 9)]


def test_unclosed_json_array_is_reported():
    diags = lint('[\n  {"a": 1},\n', ["JL001"], filename="d.json")
    assert len(diags) == 1 and "not closed" in diags[0].message


def test_json_file_holding_jsonl_is_read_as_lines():
    recs = records(b'{"a": 1}\n{"b": 2}\n', "x.json")
    assert [r.value for r in recs] == [{"a": 1}, {"b": 2}]


@pytest.mark.parametrize("raw,decoded_span,expected", [
    ('"plain text"', (6, 10), "text"),
    ('"a\\nb\\"c"', (2, 4), 'b\\"'),
    ('"\\u00e9t\\u00e9 ok"', (4, 6), "ok"),
    ('"smile \\ud83d\\ude00 now"', (6, 7), "\\ud83d\\ude00"),
    ('"smile 😀 now"', (8, 11), "now"),
])
def test_decoded_spans_map_to_raw_text_across_escapes(raw, decoded_span, expected):
    text = '{"k": ' + raw + "}"
    sm = SourceMap(text)
    s, e = sm.string_span(sm.nodes["/k"], decoded_span)
    assert text[s:e] == expected


def test_pointers_with_escaped_keys():
    text = '{"a/b": {"~x": [10, {"y": "z"}]}}'
    sm = SourceMap(text)
    node = sm.nodes["/a~1b/~0x/1/y"]
    assert text[node.value_start:node.value_end] == '"z"'
    assert text[node.key_start:node.key_end] == '"y"'


def test_crlf_line_endings_do_not_shift_columns():
    text = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "asistant", "content": "x"}]}\r\n'
    d = lint(text, ["JL104"])[0]
    assert (d.location.line, d.location.column, d.end_location.column) == (1, 59, 69)


def test_string_values_walks_every_string_with_an_escaped_pointer():
    line = b'{"a/b": ["x", {"c~d": "y", "n": 1}], "e": "z"}\n'
    record = next(read_records(io.BytesIO(line), "x.jsonl"))
    assert record.string_values == [("/a~1b/0", "x"), ("/a~1b/1/c~0d", "y"), ("/e", "z")]
    assert record.string_values is record.string_values  # cached: the secrets and hygiene rules share it


def test_record_nested_100000_deep_is_a_finding_at_its_line_not_a_recursion():
    from helpers import lint

    deep = "[" * 100_000 + "]" * 100_000
    text = '{"prompt": "a", "completion": "b"}\n' + deep + "\n" + '{"a":' * 70 + "1" + "}" * 70 + "\n"
    found = [(d.code, d.location.line, d.location.column) for d in lint(text, ["JL0"]) if d.code == "JL001"]
    assert found == [("JL001", 2, 65), ("JL001", 3, 321)]  # at the bracket that goes one level too far


def test_max_depth_setting_and_brackets_inside_strings():
    from helpers import lint

    nested = '{"a":' * 10 + '"[[[[[[[[[[[[{{{{{{"' + "}" * 10
    assert not [d for d in lint(nested + "\n", ["JL001"], max_depth=10)]
    assert [d.location.column for d in lint(nested + "\n", ["JL001"], max_depth=9)] == [46]


def test_escaped_lone_surrogates_are_reported_at_the_escape():
    from helpers import lint
    from jsonl_lint.reader import lone_surrogate

    line = '{"messages": [{"role": "user", "content": "a\\ud800b"}, {"role": "assistant", "content": "ok"}]}'
    (d,) = lint(line + "\n", ["JL005"])
    assert (d.location.line, d.location.column) == (1, line.index("\\ud800") + 1)
    assert "lone surrogate \\ud800" in d.message
    assert lone_surrogate('"\\ud83d\\ude00 \\\\ud800"') is None  # a pair, and an escaped backslash
    assert lone_surrogate('"x \\udc00"') == 3
    assert lone_surrogate('"\\ud83d x"') == 1
