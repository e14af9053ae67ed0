"""Stream records out of JSONL files and JSON-array datasets with exact positions.

JSONL lines split on ``\\n`` (and ``\\r\\n``) only: U+2028, U+2029 and U+0085
occur inside real data and are not line breaks. JSON arrays (``.json``, as
Alpaca and ShareGPT datasets ship) are decoded element by element from a
bounded buffer, so neither container is held whole for per-record work.

Hostile records become findings, never exceptions: a record nested deeper than
``max_depth`` is a syntax problem found without recursion (every walker after the
reader may then recurse safely), and an escaped lone surrogate is kept as the
parser reads it but marked for JL005.
"""

from __future__ import annotations

import ast
import codecs
import io
import json
import re
from dataclasses import dataclass
from typing import IO, Any, Iterator

import orjson

from .config import MAX_DEPTH
from .diagnostics import RecordRef
from .formats import FieldMapping, MessageList, detect_format, message_lists, normalize, plain_messages
from .positions import SourceMap, iter_keys, iter_strings
from .sources import COMPRESSED_SUFFIXES, open_binary  # noqa: F401 - also imported from here
from . import timings
from .timings import stage

BOM = b"\xef\xbb\xbf"
PARSE_STAGE = "parse (orjson)"
JSON_ARRAY_SUFFIXES = (".json",)
DATASET_SUFFIXES = (".jsonl", ".ndjson", ".json") + tuple(
    base + c for c in COMPRESSED_SUFFIXES for base in (".jsonl", ".ndjson", ".json"))


class cached_property:
    """functools.cached_property without its per-instance lock (taken on every first
    access in Python 3.11, which shows when every record reads several of them)."""

    __slots__ = ("fn", "name")

    def __init__(self, fn):
        self.fn, self.name = fn, fn.__name__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    position: int  # code-point offset in the record text
    hint: str = ""


class Record:
    """One raw record (a JSONL line or a JSON-array element) as rules see it.

    ``text`` may be left to decode from ``raw`` (bytes that start with the record) on
    first use: a record orjson parsed needs its text only for positions and for the
    rules that read the line itself, so most records never decode it.
    """

    mapping: FieldMapping | None = None  # the configured field mapping that reads the record, if any

    def __init__(self, ref: RecordRef, text: str | None = None, value: Any = None,
                 syntax: SyntaxProblem | None = None, encoding_error: int | None = None, newline: str = "\n",
                 bom: bool = False, container: str = "jsonl", *, raw: bytes | None = None,
                 lone_surrogate: int | None = None, mapping: FieldMapping | None = None):
        self.ref = ref
        if mapping is not None:
            self.mapping = mapping
        if text is not None:
            self.text = text
        self.raw = raw
        self.value = value
        self.syntax = syntax
        self.encoding_error = encoding_error  # code-point offset of the first undecodable byte
        self.lone_surrogate = lone_surrogate  # code-point offset of an escaped lone surrogate (\\ud800)
        self.newline = newline
        self.bom = bom
        self.container = container  # "jsonl" | "json-array"
        self.extra: dict = {}

    def __repr__(self) -> str:
        return f"Record({self.ref!r})"

    @cached_property
    def text(self) -> str:
        return self.raw[: self.ref.length].decode("utf-8")

    @cached_property
    def blank(self) -> bool:
        return self.encoding_error is None and not self.text.strip()

    @cached_property
    def parsed(self) -> bool:
        """True when the record is valid JSON (whatever its type)."""
        return self.syntax is None and self.encoding_error is None and not self.blank

    @property
    def path(self) -> str:
        return self.ref.path

    @property
    def line(self) -> int:
        return self.ref.line

    @cached_property
    @stage("format detection")
    def format(self) -> str | None:
        """The dataset format of the record (see :mod:`jsonl_lint.formats`), or None when
        it is not an object or its format is unknown. Cheaper than ``example``."""
        if not isinstance(self.value, dict) or not self.parsed:
            return None
        return detect_format(self.value) if self.mapping is None else self.mapping.detect(self.value)

    @cached_property
    @stage("normalized view")
    def example(self):
        """The normalized view (turns with role, text, pointer), or None exactly when
        ``format`` is None. Built on first use: rules that need only the raw value or the
        token counts of a plain record never build it."""
        fmt = self.format
        return normalize(self.value, fmt, self.mapping) if fmt is not None else None

    @cached_property
    def plain(self):
        """:func:`~jsonl_lint.formats.plain_messages` of the record (several rules' token
        bounds and counts read it)."""
        return plain_messages(self.value, self.format)

    @cached_property
    @stage("message lists")
    def message_lists(self) -> list[MessageList]:
        """Every message list of the record with the dialect it is written in (schema rules)."""
        fmt = self.format
        return message_lists(self.value, fmt, self.mapping) if fmt is not None else []

    @cached_property
    @stage("string values")
    def string_values(self) -> list[tuple[str, str]]:
        """(pointer, text) of every string value of the record (secrets, control characters)."""
        return list(iter_strings(self.value))

    @cached_property
    @stage("object keys")
    def object_keys(self) -> list[tuple[str, str]]:
        """(member pointer, key) of every object key of the record (secrets)."""
        return list(iter_keys(self.value))

    @cached_property
    @stage("source map")
    def source_map(self) -> SourceMap:
        return SourceMap(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """File line and column (1-based, code points) of a record-relative offset."""
        newlines = self.text.count("\n", 0, offset)
        if not newlines:
            return self.ref.line, self.ref.column + offset
        return self.ref.line + newlines, offset - self.text.rfind("\n", 0, offset)


def parse_text(text: str, data: bytes | None = None, max_depth: int = MAX_DEPTH) -> tuple[Any, SyntaxProblem | None]:
    """Parse one record. orjson on the fast path; stdlib json on failure for a
    precise message and position, plus hints for common real-world mistakes.
    Records nested deeper than ``max_depth`` are a problem, never a recursion."""
    deep = too_deep(text, max_depth)
    if deep is not None:
        return None, deep
    try:
        return orjson.loads(data if data is not None else text), None
    except orjson.JSONDecodeError:
        pass
    try:
        value = json.loads(text, parse_constant=_reject_constant)
        return value, None  # valid per stdlib (e.g. lone surrogates, >64-bit ints)
    except _ConstantError as exc:
        pos = text.find(exc.args[0])
        return None, SyntaxProblem(f"{exc.args[0]} is not valid JSON (use null or a string)", max(pos, 0))
    except json.JSONDecodeError as exc:
        return None, SyntaxProblem(_clean_message(exc.msg), exc.pos, _hint(text, exc))


class _ConstantError(ValueError):
    pass


# Strings (skipped whole, so brackets inside them do not count) and brackets.
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def record_again(ref: RecordRef, chunk: bytes, max_depth: int, mapping=None) -> Record:
    """The record read again from its bytes (``ref``'s range), parsed as the run parsed it."""
    text = chunk.decode("utf-8", "replace")
    value, syntax = parse_text(text, max_depth=max_depth)
    return Record(ref, text, value=value, syntax=syntax, mapping=mapping)


def too_deep(text: str, limit: int) -> SyntaxProblem | None:
    """The problem of a record nested more than ``limit`` levels deep (at the bracket that
    goes one level too far), found without recursion; None when it nests less."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth = 0
    for m in _STRUCTURE.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return SyntaxProblem(f"nested more than {limit} levels deep here (max-depth); most loaders fail "
                                     "on such records (Python's json near 1,000 levels, serde_json at 128)",
                                     m.start())
        elif c in "]}":
            depth -= 1
    return None


def value_end(text: str, start: int) -> int:
    """Where the array or object that starts at ``start`` ends (-1: not in ``text``),
    found without recursion."""
    depth = 0
    for m in _STRUCTURE.finditer(text, start):
        c = m.group()
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return m.end()
    return -1


_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)


def lone_surrogate(text: str) -> int | None:
    """Offset of the first escaped surrogate (``\\ud800``) that is not half of a pair:
    JSON allows it, UTF-8 cannot encode it, tokenizers and uploads fail on it."""
    high = -1  # offset of a high surrogate escape waiting for its low half
    high_end = -1
    for m in _ESCAPE.finditer(text):
        code = int(m.group(1), 16) if m.group(1) else -1
        if high >= 0:
            if 0xDC00 <= code <= 0xDFFF and m.start() == high_end:
                high = -1
                continue
            return high
        if 0xD800 <= code <= 0xDBFF:
            high, high_end = m.start(), m.end()
        elif 0xDC00 <= code <= 0xDFFF:
            return m.start()
    return high if high >= 0 else None


def _reject_constant(name: str):
    raise _ConstantError(name)


def _clean_message(msg: str) -> str:
    """json's messages, lower-cased; "... starting at" (followed by a position we
    report separately) reads as "... starting here"."""
    if msg.endswith(" at"):
        msg = msg[:-3] + " here"
    return msg[0].lower() + msg[1:] if msg else msg


_PRETTY_FRAGMENT = re.compile(r'^\s*(?:[\[\]{}],?|"[^"]*"\s*:.*|[\]}]\s*,?)\s*$')


def _hint(text: str, exc: json.JSONDecodeError) -> str:
    stripped = text.strip()
    if stripped.startswith(("{", "[")) and ("'" in stripped or "True" in stripped or "None" in stripped):
        try:
            literal = ast.literal_eval(stripped)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            literal = None
        if isinstance(literal, (dict, list)):
            return ("this line is a Python dict repr (single quotes, True/False/None), not JSON; "
                    "write records with json.dumps(record), not str(record)")
    if _PRETTY_FRAGMENT.match(text) or (stripped.startswith("{") and exc.pos >= len(text.rstrip())):
        return "a record seems spread over several lines; JSONL needs each record on one line"
    if not stripped.startswith(("{", "[")):
        return "this line is plain text, not a JSON record"
    return ""


def is_json_array_path(path: str) -> bool:
    for suffix in COMPRESSED_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return path.endswith(JSON_ARRAY_SUFFIXES)


def read_records(stream: IO[bytes], path: str, *, json_array: bool | None = None,
                 start_line: int = 1, start_offset: int = 0, end_offset: int | None = None,
                 start_index: int = 0, max_depth: int = MAX_DEPTH,
                 mapping: FieldMapping | None = None) -> Iterator[Record]:
    """Yield every record of ``stream``. ``start_*``/``end_offset`` let a worker read
    one byte range of a JSONL file (the range must start at a line start). ``mapping``:
    the configured field mapping records are read with."""
    if mapping is not None:
        for record in read_records(stream, path, json_array=json_array, start_line=start_line,
                                   start_offset=start_offset, end_offset=end_offset, start_index=start_index,
                                   max_depth=max_depth):
            record.mapping = mapping
            yield record
        return
    if json_array is None:
        json_array = is_json_array_path(path)
    if json_array:
        head = stream.read(4096)
        rest = head.lstrip(BOM).lstrip()
        if rest.startswith(b"["):
            yield from _read_json_array(head, stream, path, max_depth)
            return
        stream = io.BufferedReader(_Chain(head, stream))
    yield from _read_jsonl(stream, path, start_line, start_offset, end_offset, start_index, max_depth)


def _read_jsonl(stream, path, line_no, offset, end_offset, index, max_depth) -> Iterator[Record]:
    loads, invalid = orjson.loads, orjson.JSONDecodeError
    if timings.enabled():
        loads = stage(PARSE_STAGE)(loads)
    for raw in stream:
        if end_offset is not None and offset >= end_offset:
            return
        newline = ("\r\n" if raw.endswith(b"\r\n") else "\n") if raw.endswith(b"\n") else ""
        size = len(raw) - len(newline)
        record = None
        # orjson parses up to 1,024 levels; deeper than max_depth goes the slow way to a finding
        if (offset or not raw.startswith(BOM)) and raw.count(b"[") + raw.count(b"{") <= max_depth:
            try:
                value = loads(raw)  # orjson also checks the UTF-8, so the text can wait
            except invalid:
                pass
            else:
                record = Record(RecordRef(path, index, line_no, 1, offset, size), None, value, newline=newline,
                                raw=raw)
                record.blank, record.parsed = False, True
        yield record or _checked_record(raw[:size], path, index, line_no, offset, newline, max_depth)
        index += 1
        line_no += 1
        offset += len(raw)


def _checked_record(body: bytes, path: str, index: int, line_no: int, offset: int, newline: str,
                    max_depth: int) -> Record:
    """A line orjson did not parse: blank, a BOM, bad UTF-8, a syntax error to explain, a
    record nested too deep, or one with an escaped lone surrogate (valid JSON orjson rejects)."""
    bom = offset == 0 and body.startswith(BOM)
    if bom:
        body = body[len(BOM):]
    try:
        text = body.decode("utf-8")
        encoding_error = None
    except UnicodeDecodeError as exc:
        text = body.decode("utf-8", errors="replace")
        encoding_error = len(body[: exc.start].decode("utf-8", errors="replace"))
    ref = RecordRef(path, index, line_no, 1, offset + (len(BOM) if bom else 0), len(body))
    record = Record(ref, text, newline=newline, bom=bom, encoding_error=encoding_error)
    if encoding_error is None and text.strip():
        record.value, record.syntax = parse_text(text, body, max_depth)
        if record.syntax is None and "\\u" in text:
            record.lone_surrogate = lone_surrogate(text)
    return record


class _Chain(io.RawIOBase):
    """A raw stream that yields ``head`` (already read) before the rest of ``stream``."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._head:
            n = min(len(b), len(self._head))
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(b))
        b[: len(data)] = data
        return len(data)


_WS = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()
_CHUNK = 1 << 20


def _read_json_array(head: bytes, stream: IO[bytes], path: str, max_depth: int) -> Iterator[Record]:
    reader = _ArrayBuffer(head, stream, path)
    pos = reader.skip_ws(0) + 1  # past "["
    index = 0
    while True:
        pos = reader.skip_ws(pos)
        if pos >= len(reader.buf):
            yield reader.problem(index, pos, "unexpected end of file: the JSON array is not closed with ']'")
            return
        ch = reader.buf[pos]
        if ch == "]":
            return
        if ch == "," and index > 0:
            pos += 1
            continue
        while True:
            try:
                value, end = _DECODER.raw_decode(reader.buf, pos)
            except RecursionError:  # far too deep: find its end without recursion
                end = value_end(reader.buf, pos)
                if end < 0 and reader.more():
                    continue
                if end < 0:
                    deep = too_deep(reader.buf[pos:], max_depth)
                    yield reader.problem(index, pos + deep.position, deep.message)
                    return
                value = None
                break
            except json.JSONDecodeError as exc:
                if reader.more():
                    continue
                yield reader.problem(index, exc.pos, _clean_message(exc.msg))
                return
            if end < len(reader.buf) or not reader.more():  # a number may be cut off at the end
                break
        text = reader.buf[pos:end]
        deep = too_deep(text, max_depth)
        line, col = reader.locate(pos)
        ref = RecordRef(path, index, line, col, reader.byte_offset(pos), _utf8_len(text))
        yield Record(ref, text, value=None if deep else value, syntax=deep, container="json-array",
                     bom=reader.bom and index == 0, newline="",
                     lone_surrogate=lone_surrogate(text) if deep is None and "\\u" in text else None)
        index += 1
        pos = reader.compact(end)


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


class _ArrayBuffer:
    """A sliding window over a JSON-array file that tracks absolute positions."""

    def __init__(self, head: bytes, stream: IO[bytes], path: str):
        self.stream = stream
        self.path = path
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.bom = head.startswith(BOM)
        self.buf = self.decoder.decode(head[len(BOM):] if self.bom else head)
        self.eof = False
        # Absolute line, column and byte offset of buf[0].
        self.line, self.col, self.byte = 1, 1, len(BOM) if self.bom else 0
        # Byte offset of buf[mark] and line/column of buf[lmark], both counted on
        # incrementally, so positions cost O(record) rather than O(buffer).
        self.mark, self.mark_byte = 0, self.byte
        self.lmark, self.lline, self.lcol = 0, self.line, self.col

    def more(self) -> bool:
        if self.eof:
            return False
        data = self.stream.read(_CHUNK)
        if not data:
            self.eof = True
            self.buf += self.decoder.decode(b"", final=True)
            return False
        self.buf += self.decoder.decode(data)
        return True

    def skip_ws(self, pos: int) -> int:
        while True:
            pos = _WS.match(self.buf, pos).end()
            if pos < len(self.buf) or not self.more():
                return pos

    def byte_offset(self, i: int) -> int:
        if i < self.mark:
            self.mark, self.mark_byte = 0, self.byte
        self.mark_byte += _utf8_len(self.buf[self.mark:i])
        self.mark = i
        return self.mark_byte

    def locate(self, i: int) -> tuple[int, int]:
        """Line and column of buf[i], counted on from the last position asked for
        (records come in order, so the whole file is scanned once)."""
        if i < self.lmark:
            self.lmark, self.lline, self.lcol = 0, self.line, self.col
        newlines = self.buf.count("\n", self.lmark, i)
        if newlines:
            self.lline += newlines
            self.lcol = i - self.buf.rfind("\n", self.lmark, i)
        else:
            self.lcol += i - self.lmark
        self.lmark = i
        return self.lline, self.lcol

    def compact(self, pos: int) -> int:
        """Drop consumed text once it is large; returns ``pos`` in the new buffer."""
        if pos < _CHUNK:
            return pos
        self.line, self.col = self.locate(pos)
        self.byte = self.byte_offset(pos)
        self.buf = self.buf[pos:]
        self.mark, self.mark_byte = 0, self.byte
        self.lmark, self.lline, self.lcol = 0, self.line, self.col
        return 0

    def problem(self, index: int, i: int, message: str) -> Record:
        line, col = self.locate(i)
        stop = self.buf.find("\n", i)
        text = self.buf[i: stop if stop >= 0 else len(self.buf)]
        ref = RecordRef(self.path, index, line, col, self.byte_offset(i), _utf8_len(text))
        return Record(ref, text, syntax=SyntaxProblem(message, 0), container="json-array")


def read_range_records(stream: IO[bytes], path: str, start: int, end: int | None, *, limit: int | None = None,
                       max_depth: int = MAX_DEPTH, mapping: FieldMapping | None = None) -> Iterator[Record]:
    """The records of a JSONL file whose lines start in the byte range [start, end).

    The range may start anywhere: reading begins at the first line start at or after
    ``start`` (a line that begins before it belongs to the range before). Lines are
    numbered from 1 at that first line; the run adds the lines of the earlier ranges
    afterwards (``diagnostics.lines_shifted``).
    """
    offset = 0
    if start > 0:
        stream.seek(start - 1)
        offset = start - 1 + len(stream.readline())  # through the end of the line in progress
    if end is not None and offset >= end:
        return
    records = read_records(stream, path, json_array=False, start_offset=offset, end_offset=end, max_depth=max_depth,
                           mapping=mapping)
    if limit is not None:
        from itertools import islice

        records = islice(records, limit)
    yield from records
