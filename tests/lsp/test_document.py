"""The server's line model: incremental edits, kept results, line mapping, units."""

from hypothesis import given, settings
from hypothesis import strategies as st

from rawclient import editor_index


def test_document_model_keeps_untouched_lines():
    from jsonl_lint.lsp.document import Document

    doc = Document.open("file:///x.jsonl", "/x.jsonl", 1, "a\nb😀c\nd\n", "utf-16")
    doc.results = ["A", "B", "D", "E"]
    doc.apply(2, (1, 3), (1, 4), "X")  # replaces "c" after the emoji (2 UTF-16 units)
    assert doc.lines == ["a", "b😀X", "d", ""]
    assert doc.results == ["A", None, "D", "E"]
    doc.results = ["A", "B", "D", "E"]
    doc.apply(3, (1, 0), (1, 0), "new\n")  # Enter at a line start: one line inserted
    assert doc.lines == ["a", "new", "b😀X", "d", ""]
    assert doc.results == ["A", None, "B", "D", "E"]
    # dataset findings map through the server's own edit count (1, 2), not client versions
    assert doc.edit_count == 2
    assert doc.map_line(2, since=1) == 3 and doc.map_line(1, since=0) is None


def test_unit_conversion_round_trips():
    from jsonl_lint.lsp.document import from_units, to_units

    line = 'a😀bé"'
    for cp in range(len(line) + 1):
        for enc in ("utf-16", "utf-8", "utf-32"):
            assert from_units(line, to_units(line, cp, enc), enc) == cp
    assert to_units(line, 2, "utf-16") == 3 and to_units(line, 2, "utf-8") == 5


def test_dirty_and_flagged_lines_follow_edits():
    from jsonl_lint.lsp.document import Document, LineResult

    doc = Document.open("file:///x.jsonl", "/x.jsonl", 1, "a\nb\nc\nd", "utf-16")
    assert doc.dirty == [0, 1, 2, 3] and not doc.complete
    idx, keys = doc.missing(10)
    assert idx == [0, 1, 2, 3] and keys[0] == (1, "a") and keys[3] == (2, "d")  # first / last-line flags
    flag = LineResult(("finding",), None)  # any non-empty diagnostics tuple
    doc.store(keys, [LineResult((), None), flag, LineResult((), None), flag])
    assert doc.complete and doc.flagged == [1, 3]
    doc.apply(2, (1, 0), (1, 0), "new\n")  # insert a line above "b"
    assert doc.lines == ["a", "new", "b", "c", "d"]
    assert doc.flagged == [2, 4] and doc.dirty == [1]
    idx, keys = doc.missing(10)
    assert idx == [1] and keys == [(0, "new")]
    doc.apply(3, (4, 0), (4, 1), "e")  # edit the last line: its finding goes until re-linted
    assert doc.flagged == [2] and doc.dirty == [1, 4]
    doc.store([(0, "new"), (2, "e")], [LineResult((), None), LineResult((), None)])
    assert doc.complete and doc.flagged == [2]
    assert doc.size == len(doc.text) + 1


def test_linter_selects_rules_as_the_engine_does():
    """The server's per-line linter uses the engine's selection: rules whose options leave
    nothing to check (JL604 without a maximum, JL605) are not run, so none of them fails."""
    from helpers import settings_for
    from jsonl_lint.engine import Engine
    from jsonl_lint.lsp.document import Linter
    from jsonl_lint.rule import LEVELS

    settings = settings_for(["ALL"])
    linter = Linter(settings, "/ws/train.jsonl")
    engine = Engine(settings)
    line = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}'
    result = linter.check((3, line))
    assert linter.errors == []
    assert [d.code for d in result.diagnostics] == \
        [d.code for d in engine.run_text(line, "/ws/train.jsonl", dataset_rules=False).diagnostics]
    ran = {r.code for r in linter.engine.active_rules("/ws/train.jsonl", LEVELS)[0]}
    assert "JL604" not in ran and "JL605" not in ran
    assert [r.code for r in linter.dataset_rules] == [r.code for r in engine.active_rules("/ws/train.jsonl")[1]]


PIECES = ["a", "é", "😀", "\n", "\r", "\r\n", "{}", " ", '"x"']


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12),
       st.lists(st.tuples(st.integers(-2, 8), st.integers(-2, 6), st.integers(-2, 8), st.integers(-2, 6),
                          st.lists(st.sampled_from(PIECES), max_size=4)), max_size=8))
def test_edits_follow_the_lsp_line_rule(pieces, edits):
    """Random edits (positions with lone CRs, CRLF, astral characters, out of range) leave
    the server's text equal to the editor's, and positions round-trip."""
    from jsonl_lint.lsp.document import Document

    text = "".join(pieces)
    doc = Document.open("untitled:x", "x.jsonl", 1, text, "utf-16")
    for version, (sl, sc, el, ec, new) in enumerate(edits, start=2):
        a, b = editor_index(text, sl, sc), editor_index(text, el, ec)
        text = text[:a] + "".join(new) + text[max(a, b):]
        doc.apply(1, (sl, sc), (el, ec), "".join(new))  # the same client version every time
        assert doc.text == text
        assert doc.edit_count == version - 1
    import re

    lines = re.split(r"\r\n|\r|\n", text)
    assert doc.editor_lines == len(lines)
    for line, content in enumerate(lines):
        units = len(content.encode("utf-16-le")) // 2
        rec, off = doc.to_record(line, units)
        assert doc.to_editor(rec, off) == (line, units)
        assert doc.to_record(line, 0) == doc.to_record(line, -5)


def test_a_lone_cr_inside_a_record_moves_the_editor_lines_after_it():
    from jsonl_lint.lsp.document import Document

    doc = Document.open("untitled:x", "x.jsonl", 1, '{"a":\r1}\n{"b": 2}\n', "utf-16")
    assert doc.lines == ['{"a":\r1}', '{"b": 2}', ""]  # the CLI's records
    assert doc.editor_lines == 4
    assert doc.editor_line(1) == 2 and doc.to_editor(0, 6) == (1, 0) and doc.to_record(2, 3) == (1, 3)
    doc.apply(2, (1, 1), (1, 1), " ")  # typed on the record's second editor line
    assert doc.lines[0] == '{"a":\r1 }'


def test_server_check_reports_the_version_for_the_extension():
    import io
    import json

    from jsonl_lint import __version__
    from jsonl_lint.cli import main

    out, err = io.StringIO(), io.StringIO()
    assert main(["server", "--check"], out, err) == 0
    assert json.loads(out.getvalue())["version"] == __version__

