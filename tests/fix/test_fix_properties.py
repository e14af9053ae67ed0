"""Property-based tests of --fix on generated datasets: untouched records keep their
exact bytes, no record is lost unless an unsafe fix was asked for, and a second
run changes nothing."""

from __future__ import annotations

import json
import os
import tempfile

from hypothesis import HealthCheck, given, settings, strategies as st

from fixrules import pack_for
from helpers import settings_for
from jsonl_lint import fixer
from jsonl_lint.engine import Engine

SELECT = ("JLT01", "JLT02", "JL003", "JL004", "JL007")
_settings = settings_for(SELECT)
ENGINE = Engine(_settings, pack_for(_settings))

text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
pad = st.sampled_from(["", " ", "  ", "\n", "\t "])
turn_text = st.tuples(pad, text, pad).map("".join)
spacing = st.sampled_from([(", ", ": "), (",", ":"), (" , ", " : ")])


@st.composite
def record(draw):
    sep, colon = draw(spacing)
    value = {"messages": [{"role": "user", "content": draw(turn_text)},
                          {"role": "assistant", "content": draw(turn_text)}]}
    return json.dumps(value, ensure_ascii=draw(st.booleans()), separators=(sep, colon))


@st.composite
def dataset(draw):
    records = draw(st.lists(record(), min_size=1, max_size=8))
    lines: list[str] = []
    for _ in range(draw(st.integers(len(records), len(records) + 4))):
        kind = draw(st.sampled_from(["record", "record", "record", "copy", "blank"]))
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", "  ", "\t"])))
        elif kind == "copy" and lines:
            lines.append(draw(st.sampled_from([line for line in lines if line.strip()] or [records[0]])))
        else:
            lines.append(records[len(lines) % len(records)])
    endings = [draw(st.sampled_from(["\n", "\n", "\r\n"])) for _ in lines]
    if draw(st.booleans()):
        endings[-1] = ""
    data = "".join(line + end for line, end in zip(lines, endings)).encode()
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


def run(data: bytes, unsafe: bool) -> tuple[bytes, fixer.FixResult]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "train.jsonl")
        with open(path, "wb") as f:
            f.write(data)
        report = ENGINE.run([path])
        result = fixer.fix_files(ENGINE, [path], report, unsafe=unsafe)
        assert result.write() == {}
        with open(path, "rb") as f:
            return f.read(), _first_report_touched(report, data)


def _first_report_touched(report, data):
    """Indexes of records whose own text a fix in the first report would edit."""
    touched = set()
    for d in report.diagnostics:
        if d.fix is None or d.fix.record is None:
            continue
        for e in d.fix.record_edits:
            if e.delete_record or (e.start < d.fix.record.length and e.end > 0):
                touched.add(d.fix.record.index)
    return touched


def bodies(data: bytes) -> list[bytes]:
    """Record texts as the reader sees them: no BOM, no line break."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line[:-1] if line.endswith(b"\r") else line for line in lines]


def values(data: bytes) -> list:
    return [json.loads(b) for b in bodies(data) if b.strip()]


def trimmed(value):
    return {"messages": [{**m, "content": m["content"].strip() if m["content"].strip() else m["content"]}
                         for m in value["messages"]]}


PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(dataset(), st.booleans())
def test_untouched_records_keep_their_bytes(data, unsafe):
    fixed, touched = run(data, unsafe)
    before = bodies(data)
    untouched = [b for i, b in enumerate(before) if i not in touched and b.strip()]
    after = iter(bodies(fixed))
    # the untouched records appear in the output, byte for byte, in the same order
    assert all(any(b == a for a in after) for b in untouched)


@PROFILE
@given(dataset())
def test_safe_fixes_never_lose_a_record(data):
    fixed, _ = run(data, unsafe=False)
    assert [trimmed(v) for v in values(fixed)] == [trimmed(v) for v in values(data)]


@PROFILE
@given(dataset())
def test_unsafe_fixes_lose_only_copies(data):
    fixed, _ = run(data, unsafe=True)
    out = bodies(fixed)
    nonblank = [b for b in out if b.strip()]
    assert len(nonblank) == len(set(nonblank))  # the copies are gone ...
    kept = [trimmed(v) for v in values(fixed)]
    for v in values(data):  # ... and every record is still there once
        assert trimmed(v) in kept


@PROFILE
@given(dataset(), st.booleans())
def test_fix_is_idempotent(data, unsafe):
    once, _ = run(data, unsafe)
    twice, _ = run(once, unsafe)
    assert twice == once
    # and what is left has no applicable fix
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "train.jsonl")
        with open(path, "wb") as f:
            f.write(once)
        report = ENGINE.run([path])
    assert not [d for d in report.diagnostics if fixer.wanted(d.fix, unsafe)]
