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
