"""Helpers shared by the JL8xx rules: code spans, raw-text edits, turn scopes."""

from __future__ import annotations

import re

from ...diagnostics import Edit

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^`\s]*)", re.M)
_INLINE = re.compile(r"`[^`\n]+`")


def code_spans(text: str) -> list[tuple[int, int]]:
    """Fenced and inline code in a turn (placeholders there are usually real syntax).

    A fence with a language (```scala) inside an open block opens a nested one, as
    generated answers do when a Markdown block quotes code; a bare fence closes the
    innermost block. An unclosed block runs to the end of the text."""
    if "`" not in text and "~~~" not in text:
        return []
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    for m in _FENCE.finditer(text):
        if depth == 0:
            depth, start = 1, m.start()
        elif m.group(2):
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                spans.append((start, m.end()))
    if depth:
        spans.append((start, len(text)))
    prose = 0
    for a, b in spans + [(len(text), len(text))]:
        spans.extend(m.span() for m in _INLINE.finditer(text, prose, a))
        prose = b
    return sorted(spans)


def inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


def segment_end(turn, start: int) -> tuple[str, int, int] | None:
    """(pointer, value offset of ``start``, value length end) for the segment holding ``start``."""
    for seg in turn.segments:
        if seg.turn_offset <= start <= seg.turn_offset + seg.length:
            return seg.pointer, seg.value_offset + start - seg.turn_offset, seg.value_offset + seg.length
    return None


def raw_edit(record, pointer: str, span: tuple[int, int], text: str) -> Edit | None:
    """An edit replacing decoded characters ``span`` of the string at ``pointer`` with
    ``text`` (already JSON-escaped), in raw record coordinates."""
    sm = record.source_map
    node = sm.nodes.get(pointer)
    if node is None or record.text[node.value_start:node.value_start + 1] != '"':
        return None
    start, end = sm.string_span(node, span)
    return Edit(start, end, text)


def whole_value_edit(record, pointer: str, json_text: str) -> Edit | None:
    """An edit replacing the whole JSON value at ``pointer`` with ``json_text``."""
    node = record.source_map.nodes.get(pointer)
    if node is None:
        return None
    return Edit(node.value_start, node.value_end, json_text)


def excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` in double quotes with control characters spelled as \\uXXXX escapes."""
    return '"' + _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text.replace('"', '\\"')) + '"'
