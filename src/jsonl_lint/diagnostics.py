"""Findings, fixes and resolved diagnostics.

Rules yield :class:`Finding` objects anchored to a record and a JSON pointer
(never line/column). The engine resolves anchors to :class:`Span` positions and
stamps code, name, severity and url, producing :class:`Diagnostic`.

Positions are 1-based lines and 1-based columns counted in Unicode code points.
"""

from __future__ import annotations

import contextvars
import enum
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls(value.lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (allowed: {allowed})") from None


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


class RecordRef(NamedTuple):
    """Where a record lives, small enough for dataset rules to keep per record (a
    NamedTuple: one is made for every record read).

    ``offset`` is the byte offset of the record's first character in the file and
    ``length`` its byte length, so the engine can re-read a record to resolve a
    pointer for findings raised after the pass (dataset rules).
    """

    path: str
    index: int  # 0-based position of the record in its file
    line: int  # 1-based line where the record starts
    column: int  # 1-based code-point column where the record starts
    offset: int
    length: int

    def __reduce__(self):
        return _record_ref, tuple(self)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the record-relative code-point range [start, end) of the raw record text.

    ``record`` None means the edit is relative to the finding's own record. A
    whole-record deletion (including its line break) uses ``delete_record=True``.
    """

    start: int
    end: int
    text: str
    delete_record: bool = False


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


@dataclass(frozen=True, slots=True)
class Related:
    """Another record a finding involves (e.g. the first copy of a duplicate)."""

    record: RecordRef
    message: str
    pointer: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule reports. ``span`` is a [start, end) range of *decoded* string
    characters inside the value at ``pointer`` (only meaningful for string values);
    None highlights the whole value (or key with ``on_key``).

    Per-record rules leave ``record`` None (it is the record being checked);
    dataset rules set it to the record the finding belongs to, or leave it None
    for a file-level finding (then ``path`` names the file).
    """

    message: str
    pointer: str = ""
    span: tuple[int, int] | None = None
    on_key: bool = False
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    record: RecordRef | None = None
    path: str | None = None
    # Raw-text fallback for findings that are not about a JSON value (syntax errors):
    # a record-relative code-point range.
    raw_range: tuple[int, int] | None = None
    # The span is a secret (a key, personal data): how many of its leading and trailing
    # characters outputs may show. Every output masks the rest (see jsonl_lint.masking).
    secret: tuple[int, int] | None = None
    # A rule whose findings differ in weight (a target that rejects vs one that truncates)
    # sets it; a severity configured for the rule still wins.
    severity: Severity | None = None
    target: str = ""  # the fine-tuning target a JL9xx finding is about


class Secret(NamedTuple):
    """A secret found in a record, as outputs must mask it."""

    raw: str  # as written in the file (JSON escapes included)
    value: str  # decoded
    keep_start: int  # leading characters outputs may show
    keep_end: int  # trailing characters outputs may show


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, code points

    def __reduce__(self):
        return _position, (self.line, self.column)


# -- line numbers of byte-range tasks ---------------------------------------------------
# A task that reads a byte range of a JSONL file does not know how many lines come
# before it, so it numbers its records from line 1. The run adds up the line counts of
# the earlier ranges afterwards and unpickles each task's results inside
# ``lines_shifted(lines before it)``: every RecordRef and Position in them (and the
# rows of a ``similarity.refs.RefTable``) comes out with its line in the file. In a
# JSONL file each line is one record, so the record index moves with the line.

_LINE_SHIFT: contextvars.ContextVar[int] = contextvars.ContextVar("line_shift", default=0)


@contextmanager
def lines_shifted(lines: int) -> Iterator[None]:
    token = _LINE_SHIFT.set(lines)
    try:
        yield
    finally:
        _LINE_SHIFT.reset(token)


def line_shift() -> int:
    """Lines to add to the line numbers being unpickled (0 outside ``lines_shifted``)."""
    return _LINE_SHIFT.get()


# The same for byte offsets: the language server moves a kept task's results to where
# the same lines are after an edit before them (``lsp.dataset``).
_BYTE_SHIFT: contextvars.ContextVar[int] = contextvars.ContextVar("byte_shift", default=0)


@contextmanager
def bytes_shifted(count: int) -> Iterator[None]:
    token = _BYTE_SHIFT.set(count)
    try:
        yield
    finally:
        _BYTE_SHIFT.reset(token)


def byte_shift() -> int:
    """Bytes to add to the record offsets being unpickled (0 outside ``bytes_shifted``)."""
    return _BYTE_SHIFT.get()


def _record_ref(path: str, index: int, line: int, column: int, offset: int, length: int) -> RecordRef:
    shift = _LINE_SHIFT.get()
    return RecordRef(path, index + shift, line + shift, column, offset + _BYTE_SHIFT.get(), length)


def _position(line: int, column: int) -> Position:
    return Position(line + _LINE_SHIFT.get(), column)


@dataclass(frozen=True, slots=True)
class ResolvedRelated:
    filename: str
    location: Position
    message: str


@dataclass(frozen=True, slots=True)
class ResolvedEdit:
    """An edit in file coordinates (code-point positions, end exclusive)."""

    location: Position
    end_location: Position
    content: str


@dataclass(frozen=True, slots=True)
class ResolvedFix:
    title: str
    applicability: Applicability
    edits: tuple[ResolvedEdit, ...]
    # Kept so the fixer can apply edits relative to raw record text.
    record: RecordRef | None = None
    record_edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    filename: str
    location: Position
    end_location: Position
    url: str
    fix: ResolvedFix | None = None
    related: tuple[ResolvedRelated, ...] = ()
    pointer: str = ""
    record: RecordRef | None = None
    fingerprint: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    target: str = ""
    # Secrets in the finding's record: every output masks them in the text it shows.
    secrets: tuple[Secret, ...] = field(default=(), compare=False, repr=False)

    def sort_key(self) -> tuple:
        return (self.filename, self.location.line, self.location.column, self.code, self.message)
