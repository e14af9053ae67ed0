"""Source maps for one JSON record: JSON pointer -> raw text spans.

Python's JSON parsers report no positions, so this module re-scans a record's
raw text, but only when a finding needs a precise range (or when the cheap
duplicate-key test says a record has duplicate keys). All offsets are Python
``str`` indices (Unicode code points) relative to the record text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# String bodies use the unrolled form [^"\\]*(?:\\.[^"\\]*)*: 8x faster than (?:[^"\\]|\\.)* in re.
_TOKEN = re.compile(
    r'[ \t\r\n]*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|([{}\[\],:])|(-?[0-9][0-9.eE+-]*|true|false|null|NaN|-?Infinity))',
    re.DOTALL,
)
# Counts object keys in raw text: every string token followed by a colon. Strings are
# matched whole from left to right, so quotes inside strings cannot confuse it.
_STRING_THEN_COLON = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"([ \t\r\n]*:)?', re.DOTALL)
_QUOTE_SPACE_COLON = re.compile(r'"[ \t\r\n]+:')  # a key token's end when whitespace precedes the colon


@dataclass(frozen=True, slots=True)
class Node:
    value_start: int
    value_end: int
    key_start: int = -1  # -1 when the value is not an object member
    key_end: int = -1


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    pointer: str  # pointer of the later (winning) member
    key: str
    first: Node
    second: Node


class SourceMap:
    """Pointer -> :class:`Node` for every value in a record."""

    def __init__(self, text: str):
        self.text = text
        self.nodes: dict[str, Node] = {}
        self.duplicates: list[DuplicateKey] = []
        self._tokens = [(m.start(1) - 1 if m.group(1) is not None else m.start(m.lastindex), m.end(), m)
                        for m in _TOKEN.finditer(text)]
        self._i = 0
        if self._tokens:
            self._value("")

    # -- recursive descent over the token list --------------------------------------
    def _value(self, pointer: str) -> Node:
        start, end, m = self._tokens[self._i]
        punct = m.group(2)
        if punct == "{":
            self._i += 1
            seen: dict[str, Node] = {}
            while True:
                tstart, tend, tm = self._tokens[self._i]
                if tm.group(2) == "}":
                    self._i += 1
                    node = Node(start, tend)
                    break
                if tm.group(2) == ",":
                    self._i += 1
                    continue
                key = decode_string(tm.group(1))
                self._i += 2  # key and colon
                child_pointer = f"{pointer}/{escape_pointer(key)}"
                child = self._value(child_pointer)
                member = Node(child.value_start, child.value_end, tstart, tend)
                if key in seen:
                    self.duplicates.append(DuplicateKey(child_pointer, key, seen[key], member))
                seen[key] = member
                self.nodes[child_pointer] = member
        elif punct == "[":
            self._i += 1
            index = 0
            while True:
                tstart, tend, tm = self._tokens[self._i]
                if tm.group(2) == "]":
                    self._i += 1
                    node = Node(start, tend)
                    break
                if tm.group(2) == ",":
                    self._i += 1
                    continue
                child_pointer = f"{pointer}/{index}"
                child = self._value(child_pointer)
                self.nodes.setdefault(child_pointer, child)
                index += 1
        else:
            self._i += 1
            node = Node(start, end)
        self.nodes.setdefault(pointer, node)
        return node

    def find(self, pointer: str) -> Node | None:
        """The node at ``pointer``, or its nearest existing ancestor."""
        while True:
            node = self.nodes.get(pointer)
            if node is not None or not pointer:
                return node or self.nodes.get("")
            pointer = pointer.rsplit("/", 1)[0]

    def string_span(self, node: Node, span: tuple[int, int], key: bool = False) -> tuple[int, int]:
        """Map a [start, end) range of decoded characters of the string at ``node`` (of
        its member's key with ``key``) to raw record offsets, across escapes such as
        ``\\n``, ``\\"`` and ``\\uXXXX``."""
        start, end = (node.key_start, node.key_end) if key else (node.value_start, node.value_end)
        raw = self.text[start + 1: end - 1]
        base = start + 1
        if "\\" not in raw:
            return base + span[0], base + span[1]
        starts = _decoded_offsets(raw)

        def at(i: int) -> int:
            return base + (starts[i] if i < len(starts) else len(raw))

        return at(span[0]), at(span[1])


def _decoded_offsets(raw: str) -> list[int]:
    """Raw offset of each decoded character of a JSON string body."""
    out: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        out.append(i)
        if raw[i] != "\\":
            i += 1
            continue
        if raw[i + 1] != "u":
            i += 2
            continue
        code = int(raw[i + 2:i + 6], 16)
        i += 6
        # A surrogate pair decodes to one character; a lone surrogate stays one.
        if 0xD800 <= code < 0xDC00 and raw.startswith("\\u", i):
            low = int(raw[i + 2:i + 6], 16)
            if 0xDC00 <= low < 0xE000:
                i += 6
    return out


def decode_string(body: str) -> str:
    if "\\" not in body:
        return body
    import json

    return json.loads(f'"{body}"')


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def iter_strings(value, pointer: str = ""):
    """(pointer, text) of every string value inside a parsed JSON value, depth first."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (str, dict, list)):
                yield from iter_strings(v, f"{pointer}/{escape_pointer(str(k))}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, (str, dict, list)):
                yield from iter_strings(v, f"{pointer}/{i}")


def iter_keys(value, pointer: str = ""):
    """(member pointer, key) of every object key inside a parsed JSON value, depth first."""
    if isinstance(value, dict):
        for k, v in value.items():
            child = f"{pointer}/{escape_pointer(str(k))}"
            yield child, str(k)
            if isinstance(v, (dict, list)):
                yield from iter_keys(v, child)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, (dict, list)):
                yield from iter_keys(v, f"{pointer}/{i}")


def pointer_tokens(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def resolve_pointer(value: Any, pointer: str) -> tuple[bool, Any]:
    """(found, value) at ``pointer`` in a parsed JSON value."""
    for token in pointer_tokens(pointer):
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return False, None
    return True, value


def join_pointer(*tokens: object) -> str:
    return "".join(f"/{escape_pointer(str(t))}" for t in tokens)


def count_keys(value: object) -> int:
    """Number of object members in a parsed JSON value (recursively; a plain loop, as
    sum() over a generator per container costs twice as much). A member object's own
    members are counted here, not in a call of its own, and strings pass by on one class
    test: a chat record's 3-5 calls become 2 (1.1 -> 0.65 us on r20k)."""
    if isinstance(value, dict):
        n = len(value)
        items = value.values()
    elif isinstance(value, list):
        n = 0
        items = value
    else:
        return 0
    for v in items:
        if v.__class__ is str:
            continue
        if isinstance(v, dict):
            n += len(v)
            for w in v.values():
                if w.__class__ is not str and isinstance(w, (dict, list)):
                    n += count_keys(w)
        elif isinstance(v, list):
            n += count_keys(v)
    return n


def may_have_duplicate_keys(text: str, value: object) -> bool:
    """Cheap test: more key tokens in the raw text than members in the parsed value.

    Parsers silently keep the last of duplicate keys, so a mismatch proves a
    duplicate. Every key token ends in a quote, optional whitespace and a colon, and
    there are at least as many key tokens as members: when the count of such endings
    (a substring count, quotes inside strings included) equals the members, there is no
    duplicate, and only other lines pay for the regex pass that counts key tokens.
    """
    members = count_keys(value)
    if text.count('":') + len(_QUOTE_SPACE_COLON.findall(text)) == members:
        return False
    tokens = _STRING_THEN_COLON.findall(text)  # the colon group: "" for non-key strings
    return len(tokens) - tokens.count("") != members
