"""Shared helpers for the JL7xx rules, which scan every string of a record (:func:`texts`).

The rules read every string value of the JSON record (not only turns): secrets
hide in tool outputs, metadata and system prompts as often as in answers. They read
the object keys too: a token pasted as a key is as much in the data, and every output
that quotes a key (an unknown-key finding, an excerpt) must mask it. A cheap test on
the raw line decides first whether a record can contain a candidate at all, so the
common case costs one regex search over the line.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Iterator

from ...positions import resolve_pointer


def texts(record) -> Iterator[tuple[str, str, bool]]:
    """(pointer, text, on_key) of every string the JL7xx rules search: each string value,
    then each object key (its pointer is its member's)."""
    for pointer, text in record.string_values:
        yield pointer, text, False
    for pointer, key in record.object_keys:
        yield pointer, key, True


_DIGIT_SHAPE = bytes.maketrans(b"123456789 .", b"000000000--")
# Every byte but the UTF-8 lead bytes of the non-ASCII characters ``\\d`` matches (Arabic-Indic,
# Devanagari, fullwidth, ... digits; a test derives the list from the regex).
_NOT_DIGIT_LEADS = bytes(b for b in range(256) if b not in b"\xd9\xdb\xdf\xe0\xe1\xea\xef\xf0")


def digit_shape(text: str) -> bytes | None:
    """The text's UTF-8 with every digit written as ``0`` and every separator of a number
    (space, dot, dash) as ``-``, so that a digit pattern is a substring test instead of a
    regex search (several times faster); the bytes of other non-ASCII characters (0x80 and
    up) are neither. None for text that may hold a non-ASCII digit, which ``\\d`` matches."""
    if text.isascii():
        return text.encode("ascii").translate(_DIGIT_SHAPE)
    data = text.encode("utf-8", "surrogatepass")
    # Curly quotes, dashes and accents (the usual non-ASCII of English text) keep the shape.
    return None if data.translate(None, _NOT_DIGIT_LEADS) else data.translate(_DIGIT_SHAPE)


def line_digit_shape(record) -> bytes | None:
    """:func:`digit_shape` of the raw line, found once per record (JL704, JL705)."""
    extra = record.extra
    if "digit shape" not in extra:
        extra["digit shape"] = digit_shape(record.text)
    return extra["digit shape"]


def where(pointer: str, on_key: bool = False) -> str:
    """Where a secret sits, for a message; a key's own pointer would quote the key."""
    if on_key:
        parent = pointer.rsplit("/", 1)[0]
        return f"in a key of {parent}" if parent else "in a top-level key"
    return f"at {pointer}" if pointer else "in the record"


# The rejected side of a preference pair and the chosen side it shares its leading text with.
_SIDES = (("/rejected_messages", "/chosen_messages"), ("/non_preferred_output", "/preferred_output"),
          ("/rejected", "/chosen"))


def reported_on_chosen(record, pointer: str, end: int, on_key: bool = False) -> bool:
    """Whether characters [.., end) of the string at ``pointer`` (a rejected side) are the
    same text at the same offsets of the chosen side: context both sides share, as in
    hh-rlhf transcripts. Such text is reported once, on the chosen side. A key is shared
    when the chosen side has the same member."""
    for rejected, chosen in _SIDES:
        if pointer == rejected or pointer.startswith(rejected + "/"):
            found, other = resolve_pointer(record.value, chosen + pointer[len(rejected):])
            if on_key:
                return found
            text = resolve_pointer(record.value, pointer)[1]
            return (found and isinstance(other, str) and isinstance(text, str) and len(other) >= end
                    and other[:end] == text[:end])
    return False


def in_tool_schema(record, pointer: str) -> bool:
    """Whether ``pointer`` lies in the record's tool definitions (`tools`, `functions`,
    also as a JSON string): a schema documents an interface, its defaults and examples
    are not a person's data."""
    example = record.example
    keys = (example.tools_pointer,) if example is not None and example.tools_pointer else (
        "/tools", "/functions", "/input/tools")
    return any(pointer == k or pointer.startswith(k + "/") for k in keys)


def mask(value: str, keep_start: int, keep_end: int = 0) -> str:
    """Keep at most a quarter of the value visible; the rest becomes '…'."""
    budget = max(len(value) // 4, 1)
    keep_start = min(keep_start, budget)
    keep_end = min(keep_end, max(budget - keep_start, 0))
    tail = value[len(value) - keep_end:] if keep_end else ""
    return f"{value[:keep_start]}…{tail}"


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def looks_random(body: str, min_entropy: float = 3.0) -> bool:
    """True for machine-made strings; False for placeholders such as 'sk-xxxx',
    'your-api-key-here' or '1234567890abcdef...'."""
    low = body.lower()
    if any(w in low for w in ("xxxx", "your", "example", "placeholder", "dummy", "redacted", "insert", "here",
                              "replace", "sample", "fake", "secret", "token", "apikey", "api_key", "key_")):
        return False
    classes = any(c.isdigit() for c in body) + any(c.islower() for c in body) + any(c.isupper() for c in body)
    if classes < 2:
        return False
    for run in range(len(body) - 5):
        if body[run] * 6 == body[run:run + 6]:
            return False
    return entropy(body) >= min_entropy


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def replace_fix(record, pointer: str, span: tuple[int, int], replacement: str, title: str):
    """An unsafe fix replacing a decoded span of the string at ``pointer``."""
    import orjson

    from ...diagnostics import Applicability, Edit, Fix

    sm = record.source_map
    node = sm.nodes.get(pointer)
    if node is None or record.text[node.value_start:node.value_start + 1] != '"':
        return None
    start, end = sm.string_span(node, span)
    return Fix(title, (Edit(start, end, orjson.dumps(replacement).decode()[1:-1]),), Applicability.UNSAFE)
