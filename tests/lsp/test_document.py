"""The server's line model: incremental edits, kept results, line mapping, units."""
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
    assert doc.map_line(2, since=2) == 3 and doc.map_line(1, since=1) is None


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
