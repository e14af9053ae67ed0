"""A safe fix never destroys text, for every rule that offers fixes (built-in and shipped
styles). Applied alone, it changes only the value its finding points at, and:

- the only visible characters it removes are ones the finding names (inside its span and
  quoted in its message, or the whole value, quoted);
- it never removes a C1 control character (U+0080-U+009F): those are bytes of text decoded
  with the wrong codec ("â\x80\x94" is an em dash), which only re-decoding restores;
- it never removes a backspace or form feed before an ASCII letter without putting
  something in its place: that is a swallowed backslash ("\x0crac" is "\frac") or a page
  break between words.

Whitespace and other control characters may go.

Data: generated records full of what the fixable rules look for (controls, swallowed
escapes, mojibake, untrimmed turns, misspelled roles, placeholder inputs, brand terms,
blank lines, mixed line endings, a BOM), plus each fixable rule's own documented example.
"""

from __future__ import annotations

import difflib
import json
import unicodedata

from hypothesis import HealthCheck, example, given, settings, strategies as st

from helpers import settings_for
from jsonl_lint.engine import Engine
from jsonl_lint.fixer import apply_fixes
from jsonl_lint.positions import SourceMap
from jsonl_lint.registry import all_rules

STYLES = ["AIBoilerplate", "BrandVoice", "Placeholders"]
SETTINGS = settings_for(styles=STYLES)
FIXABLE = [r for r in all_rules(SETTINGS) if r.fixable != "never"]
ENGINE = Engine(settings_for([r.code for r in FIXABLE], styles=STYLES))
# Rules whose fixes change meaning (delete records, rewrite personal data, re-decode text):
# always unsafe. The sweep below checks that none of them ever offers a safe fix.
UNSAFE_ONLY = {"JL301", "JL303", "JL304", "JL703", "JL704", "JL705", "JL801", "JL805", "JL809"}

PIECES = [
    "hello", "Café", "don't", "x", "42", " ", "  ", "\t", "\n", "\r\n", "e-mail", "web site", "Acme Inc.",
    "N/A", "<noinput>", "No input", "\u0007", "\u0000", "\u001b[0m", "\u0085", "\u007f", "\x0crac{1}{2}",
    "$\x08eta$", "\x08cat\x08", "so\tau_1", "\theta", "C:\temp\new.txt", "\x0bec", "â€™", "Ã©", "Ã\x89poque",
    "â\x80\x94", "(415) 867-5309", "maria.k@gmail.com", "{{name}}", "\\frac", "ü", "\u200b", "\ufeff",
]
text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=8).map("".join)
roles = st.sampled_from(["user", "assistant", "asistant", "Assistant", "usr", "system", "sytem"])


@st.composite
def record(draw) -> str:
    shape = draw(st.sampled_from(["chat", "alpaca", "sharegpt"]))
    if shape == "chat":
        value = {"messages": [{"role": draw(roles), "content": draw(text)}, {"role": draw(roles), "content": draw(text)}]}
    elif shape == "alpaca":
        value = {"instruction": draw(text), "input": draw(st.one_of(text, st.sampled_from(["<noinput>", " No input. "]))),
                 "output": draw(text)}
    else:
        value = {"conversations": [{"from": "human", "value": draw(text)}, {"from": "gpt", "value": draw(text)}]}
    return json.dumps(value, ensure_ascii=draw(st.booleans()))


@st.composite
def dataset(draw) -> bytes:
    lines = draw(st.lists(st.one_of(record(), record(), st.sampled_from(["", "  "])), min_size=1, max_size=5))
    body = "".join(line + draw(st.sampled_from(["\n", "\n", "\r\n"])) for line in lines)
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + body.encode()


def invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def scalars(value, pointer=""):
    """(pointer, value) of every scalar and key of a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield f"{pointer}/{k}#key", k
            yield from scalars(v, f"{pointer}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from scalars(v, f"{pointer}/{i}")
    else:
        yield pointer, value


def records(data: bytes) -> list[tuple[int, dict]]:
    """(line number, scalars) of each record."""
    lines = data.decode().lstrip("\ufeff").split("\n")
    return [(n, dict(scalars(json.loads(line)))) for n, line in enumerate(lines, 1) if line.strip()]


def named_span(data: bytes, d) -> tuple[int, int] | None:
    """The decoded characters of the value at ``d.pointer`` that the finding highlights
    (None: the whole value)."""
    line = data.decode().lstrip("\ufeff").split("\n")[d.location.line - 1].rstrip("\r")
    node = SourceMap(line).nodes.get(d.pointer)
    start, end = d.location.column - 1, d.end_location.column - 1
    if node is None or line[node.value_start] != '"' or start <= node.value_start or d.end_location.line != d.location.line:
        return None
    first = len(json.loads('"' + line[node.value_start + 1:start] + '"'))
    return first, first + len(json.loads('"' + line[start:end] + '"'))


def removed(before: str, after: str):
    """(start, end) ranges of ``before`` that are not in ``after``."""
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    return [(i1, i2, j2 > j1) for tag, i1, i2, j1, j2 in ops if tag in ("delete", "replace")]


def carries_text(before: str, i1: int, i2: int, replaced: bool) -> bool:
    """Whether invisible characters removed from ``before[i1:i2]`` held text."""
    for i in range(i1, i2):
        ch = before[i]
        if "\x80" <= ch <= "\x9f":
            return True
        if ch in "\x08\x0c" and not replaced and before[i + 1:i + 2].isascii() and before[i + 1:i + 2].isalpha():
            return True
    return False


def edited_window(before: str, after: str, span: tuple[int, int] | None) -> tuple[int, str, str]:
    """(offset, before piece, after piece) of the fix's edit: only the finding's span when the
    text around it is kept, so that an ambiguous diff alignment cannot place a removal outside
    it ("Acme Inc. " -> "Acme " deletes the span's " Inc.", which difflib aligns as "Inc. ")."""
    if span is not None:
        head, tail = before[:span[0]], before[span[1]:]
        if after.startswith(head) and after.endswith(tail) and len(after) >= len(head) + len(tail):
            return span[0], before[span[0]:span[1]], after[len(head):len(after) - len(tail)]
    return 0, before, after


def check_safe_fix(data: bytes, d) -> None:
    fixed = apply_fixes(data, [d.fix]).data
    old, new = records(data), records(fixed)
    assert len(old) == len(new), (d.code, "a safe fix must not add or remove records")
    span = named_span(data, d)
    for (line, a), (_, b) in zip(old, new):
        assert a.keys() == b.keys(), (d.code, "a safe fix must not add or remove fields")
        for pointer, before in a.items():
            after = b[pointer]
            if after == before:
                continue
            assert line == d.location.line and pointer == d.pointer, (d.code, d.message, pointer, before, after)
            assert isinstance(before, str) and isinstance(after, str), (d.code, before, after)
            offset, old_piece, new_piece = edited_window(before, after, span)
            for i1, i2, replaced in removed(old_piece, new_piece):
                i1, i2 = i1 + offset, i2 + offset
                lost = before[i1:i2]
                if all(invisible(ch) for ch in lost):
                    assert not carries_text(before, i1, i2, replaced), (d.code, d.message, repr(before), repr(after))
                    continue
                in_span = span is not None and span[0] <= i1 and i2 <= span[1]
                named = (in_span and before[span[0]:span[1]] in d.message) or (
                    span is None and before.strip() in d.message)
                assert named, (d.code, d.message, repr(before), repr(after), f"removed {lost!r}")
    if old == new:  # file-level fixes (BOM, blank lines, line endings): only invisible characters go
        shown = lambda raw: "".join(ch for ch in raw.decode() if not invisible(ch))  # noqa: E731
        assert shown(data) == shown(fixed), d.code


def safe_fixes(data: bytes):
    report = ENGINE.run_text(data, "train.jsonl")
    return [d for d in report.diagnostics if d.fix is not None and d.fix.applicability.value == "safe"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(dataset())
@example(b'{"instruction": "", "input": "", "output": "Acme Inc. "}\n')  # removal aligned past the span
def test_safe_fixes_only_remove_what_the_finding_names(data):
    for d in safe_fixes(data):
        check_safe_fix(data, d)


def test_every_fixable_rule_is_covered():
    """Each fixable rule's own documented example, and a fixed sample of generated data:
    every rule that is not unsafe-only offers a safe fix somewhere, and each one keeps text."""
    seen: dict[str, int] = {}
    samples = [("\n".join(r.doc_examples("Example")) + "\n").encode() for r in FIXABLE]
    samples += [b"\xef\xbb\xbf" + json.dumps({"messages": [{"role": "asistant", "content": " e-mail\x07 "}]}).encode()
                + b"\r\n\n" + json.dumps({"instruction": "A", "input": "No input", "output": "\x0crac"}).encode() + b"\n"]
    for data in samples:
        for d in safe_fixes(data):
            check_safe_fix(data, d)
            seen[d.code] = seen.get(d.code, 0) + 1
    expected = {r.code for r in FIXABLE} - UNSAFE_ONLY
    assert expected <= seen.keys(), f"fixable rules never exercised: {sorted(expected - seen.keys())}"
    assert not (seen.keys() & UNSAFE_ONLY), "a rule listed as unsafe-only offered a safe fix"
