"""RowTable: dataset rules' per-record rows in columns give back exactly what was added."""

import pickle
from typing import NamedTuple

from jsonl_lint.diagnostics import RecordRef, lines_shifted
from jsonl_lint.similarity.refs import RowTable


class Row(NamedTuple):
    pointer: str
    count: int
    grade: object
    evidence: dict


def _items(n: int, start: int = 0) -> list[tuple[RecordRef, Row]]:
    out = []
    for i in range(start, start + n):
        ref = RecordRef(f"f{i % 2}.jsonl", i, i + 1, 1, 100 * i, 99)
        grade = None if i % 3 == 0 else (True if i % 3 == 1 else 1)  # 1 and True stay apart
        evidence = {} if i % 4 else {"emoji": ("/messages/1/content", (0, 2), ("x",)), "list": [i]}
        row = Row(f"/messages/{i % 3}/content", i << 40 if i == 35 else i, grade, evidence)
        out.append((ref, row))
    return out


def test_rows_come_back_equal_with_their_types():
    items = _items(10_000)  # rows 35 and on: the count column widens to 64 bits
    table = RowTable(Row)
    for item in items:
        table.append(item)
    assert len(table) == len(items)
    assert list(table) == items
    assert [type(r.grade) for _, r in table] == [type(r.grade) for _, r in items]
    assert list(table.rows()) == [r for _, r in items]
    assert table[7] == items[7] and table[-1] == items[-1]
    for field in Row._fields:  # pending rows included
        assert table.column(field) == [getattr(r, field) for _, r in items]


def test_extend_and_pickle_keep_rows_and_shift_lines():
    first, second = _items(30), _items(30, start=30)
    a, b = RowTable(Row), RowTable(Row)
    for item in first:
        a.append(item)
    for item in second:  # row 35's count needs 64 bits: a wide int column meets a narrow one
        b.append(item)
    with lines_shifted(0):
        b = pickle.loads(pickle.dumps(b))
    a.extend(b)
    assert list(a) == first + second
    with lines_shifted(10):
        shifted = pickle.loads(pickle.dumps(a))
    assert [ref for ref, _ in shifted] == [ref._replace(index=ref.index + 10, line=ref.line + 10)
                                           for ref, _ in first + second]
    shifted.append(first[0])  # appending after unpickling reuses the distinct values
    assert shifted[-1][1] == first[0][1]
    assert len(shifted.columns[0].values) == 3
