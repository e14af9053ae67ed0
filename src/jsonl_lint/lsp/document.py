"""One open dataset as the server sees it: lines, per-line lint results, an edit log.

JSONL records are lines split on ``\\n`` only (as the CLI's reader splits them; VS Code
does not break lines at U+2028 either, while ``str.splitlines`` would). Each line's
per-record diagnostics are computed once per (line text, first/last flags) and cached,
so an edit re-lints only the lines it touched. Results are stored relative to the line
(the record read as if it were line 1) and placed at the line's current number when
published. Dataset-wide findings are computed on a snapshot and mapped to current line
numbers through the edit log; findings on lines edited since are dropped until the next
dataset pass.
"""

from __future__ import annotations

import bisect
import io
import os
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..engine import Engine
from ..reader import read_records
from ..rule import Context, record_levels

SEVERITY_TO_LSP = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}

# Key of a line's cached result: (flags, text); flags bit 1 = first line, bit 2 = last
# line without a final newline (both change what the reader sees: BOM, newline).
LineKey = tuple[int, str]


@dataclass(frozen=True, slots=True)
class RecordInfo:
    """What hovers and the summary lens show about one record."""

    kind: str  # "record" | "blank" | "invalid"
    format: str | None = None
    roles: tuple[str, ...] = ()
    tokens: int | None = None
    trained: int | None = None
    billed: int | None = None  # tokens billed per epoch (capped at the model's limit)
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class LineResult:
    diagnostics: tuple[Diagnostic, ...]  # positions relative to the line (line 1)
    info: RecordInfo | None  # None for the empty text after the final newline


class Linter:
    """Per-record linting of single lines with one document's settings (thread-safe
    in practice: rules are pure and only read the record)."""

    def __init__(self, settings, path: str):
        self.settings = settings
        self.path = path
        self.engine = Engine(settings)
        self.ctx: Context = self.engine.context(path)
        # the engine's own selection (per-file ignores, levels, inactive rules left out)
        self.dataset_rules = self.engine.active_rules(path)[1]
        try:
            from .. import tokens

            self._tokens = tokens
            self._target = tokens.target(settings)
        except Exception:  # no encoding, unknown model: hovers show what they can
            self._tokens = None
            self._target = None
        self.errors: list[str] = []

    @property
    def limit(self) -> int | None:
        return self._target.limit if self._target is not None else None

    def check(self, key: LineKey) -> LineResult:
        flags, text = key
        if flags & 2 and not text:
            return LineResult((), None)
        raw = text if flags & 2 else text + "\n"
        data = raw.encode("utf-8", "surrogatepass")
        out: list[Diagnostic] = []
        info = None
        for record in read_records(io.BytesIO(data), self.path, json_array=False,
                                   start_offset=0 if flags & 1 else 1, max_depth=self.settings.max_depth,
                                   mapping=self.settings.field_mapping):
            out += self._check_record(record)
            info = self._info(record)
        return LineResult(tuple(out), info)

    def _check_record(self, record) -> list[Diagnostic]:
        try:
            return self.engine.check_record(record, self.ctx)
        except Exception:  # a broken rule must not take the server down: the others still report
            out: list[Diagnostic] = []
            for rule in self.engine.active_rules(self.path, record_levels(record))[0]:
                try:
                    out += [self.engine.diagnostic(rule, f, record) for f in rule.check(record, self.ctx)]
                except Exception as exc:
                    self.errors.append(f"{rule.code} failed on a record: {exc!r}")
            return out

    def check_many(self, keys: list[LineKey]) -> list[LineResult]:
        return [self.check(k) for k in keys]

    def _info(self, record) -> RecordInfo:
        if record.blank:
            return RecordInfo("blank")
        if not record.parsed:
            return RecordInfo("invalid")
        ex = record.example
        if ex is None:
            return RecordInfo("record")
        roles = tuple(t.role for t in ex.turns)
        tokens = trained = billed = None
        estimated = False
        if self._tokens is not None:
            try:
                n = self._tokens.count_record(record, self.settings)
                if n is not None:
                    tokens, trained, estimated = n.total, n.trained, n.estimated
                    billed = self._tokens.billable(n.total, self.limit)
            except Exception as exc:
                self.errors.append(f"token count failed: {exc!r}")
        return RecordInfo("record", ex.format, roles, tokens, trained, billed, estimated)


def dataset_pass(settings, path: str, text: str) -> list[Diagnostic]:
    """Dataset-wide rules only, over one snapshot (runs in a worker process)."""
    import dataclasses

    settings = settings.updated(baseline=os.devnull)  # the server applies the baseline itself
    engine = Engine(settings)
    pack = dataclasses.replace(engine.pack, record_rules=(), dataset_rules=engine.active_rules(path)[1])
    engine = Engine(settings, pack=pack)
    return engine.run_text(text, path, dataset_rules=True).diagnostics


def to_units(line: str, cp: int, encoding: str) -> int:
    """Code-point column -> the client's position units."""
    if cp <= 0:
        return 0
    if encoding == "utf-32" or line.isascii():
        return cp
    part = line[:cp]
    if encoding == "utf-8":
        return len(part.encode("utf-8", "surrogatepass"))
    return len(part.encode("utf-16-le", "surrogatepass")) // 2


def from_units(line: str, units: int, encoding: str) -> int:
    """The client's position units -> code-point column."""
    if units <= 0:
        return 0
    if encoding == "utf-32" or line.isascii():
        return min(units, len(line))
    count = 0
    for i, ch in enumerate(line):
        if count >= units:
            return i
        o = ord(ch)
        if encoding == "utf-8":
            count += 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
        else:
            count += 2 if o > 0xFFFF else 1
    return len(line)


@dataclass
class Document:
    """Lines, per-line results and the bookkeeping that keeps an edit O(touched lines +
    lines with findings), not O(lines): ``dirty`` lists the lines without a result and
    ``flagged`` the lines whose result has diagnostics (both sorted, shifted on edits)."""

    uri: str
    path: str
    version: int
    lines: list[str]
    encoding: str = "utf-16"
    results: list[LineResult | None] = field(default_factory=list)
    lsp: list[Any] = field(default_factory=list)  # per line: (line number, [dicts]) built for it
    cache: dict[LineKey, LineResult] = field(default_factory=dict)
    dirty: list[int] = field(default_factory=list)
    flagged: list[int] = field(default_factory=list)
    size: int = 0  # characters, newlines included
    edits: list[tuple[int, int, int, int]] = field(default_factory=list)  # (version, start, removed, added)
    # Dataset-wide findings: computed on snapshot version ``dataset_version``.
    dataset: list[Diagnostic] = field(default_factory=list)
    dataset_version: int = -1
    dataset_lsp: list[tuple[Any, dict]] | None = None
    dataset_mapped: int = 0  # how many entries of ``edits`` dataset_lsp already reflects

    @classmethod
    def open(cls, uri: str, path: str, version: int, text: str, encoding: str) -> "Document":
        doc = cls(uri, path, version, [], encoding)
        doc._reset(text)
        return doc

    def _reset(self, text: str) -> None:
        self.lines = text.split("\n")
        n = len(self.lines)
        self.results = [None] * n
        self.lsp = [None] * n
        self.dirty = list(range(n))
        self.flagged = []
        self.size = len(text) + 1

    def invalidate(self) -> None:
        """Settings changed: every line is linted again."""
        self.cache.clear()
        self._reset(self.text)
        self.dataset, self.dataset_lsp, self.dataset_mapped = [], None, 0

    # -- text ----------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def key(self, i: int) -> LineKey:
        last = i == len(self.lines) - 1
        return ((1 if i == 0 else 0) | (2 if last else 0), self.lines[i])

    def replace_all(self, version: int, text: str) -> None:
        old = len(self.lines)
        self._reset(text)
        self.edits.append((version, 0, old, len(self.lines)))
        self.version = version

    def apply(self, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """Apply one incremental change; positions are (line, character) in client units."""
        n = len(self.lines)
        sl, sc = start
        el, ec = end
        if sl >= n:
            sl, sc = n - 1, len(self.lines[-1])
            sc = to_units(self.lines[-1], sc, self.encoding)
        if el >= n:
            el = n - 1
            ec = to_units(self.lines[-1], len(self.lines[-1]), self.encoding)
        first, last = self.lines[sl], self.lines[el]
        prefix = first[: from_units(first, sc, self.encoding)]
        suffix = last[from_units(last, ec, self.encoding):]
        new = (prefix + text + suffix).split("\n")
        old = self.lines[sl: el + 1]
        # Lines the change leaves as they were (typing Enter at a line start inserts a line
        # and leaves the next one intact) keep their results and their dataset findings.
        k = 0
        while k < len(old) and k < len(new) and old[k] == new[k]:
            k += 1
        m = 0
        while m < len(old) - k and m < len(new) - k and old[-1 - m] == new[-1 - m]:
            m += 1
        a, b = sl + k, el + 1 - m
        mid = new[k: len(new) - m]
        self.size += sum(len(x) + 1 for x in mid) - sum(len(x) + 1 for x in self.lines[a:b])
        delta = len(mid) - (b - a)
        self.lines[a:b] = mid
        self.results[a:b] = [None] * len(mid)
        self.lsp[a:b] = [None] * len(mid)
        self.flagged = [i for i in self.flagged if i < a] + [i + delta for i in self.flagged if i >= b]
        fresh = list(range(a, a + len(mid)))
        # first/last-line flags are part of a line's key
        if sl == 0 and (not fresh or fresh[0] != 0):
            fresh.insert(0, 0)
        last_line = len(self.lines) - 1
        if el >= n - 1 and (not fresh or fresh[-1] != last_line):
            fresh.append(last_line)
        for i in (0, last_line):
            if i in fresh and self.results[i] is not None:
                self.results[i] = self.lsp[i] = None
                self._unflag(i)
        kept = [i for i in self.dirty if i < a] + [i + delta for i in self.dirty if i >= b]
        self.dirty = sorted(set(kept).union(fresh))
        self.edits.append((version, a, b - a, len(mid)))
        self.version = version

    def _unflag(self, i: int) -> None:
        j = bisect.bisect_left(self.flagged, i)
        if j < len(self.flagged) and self.flagged[j] == i:
            del self.flagged[j]

    def _set(self, i: int, r: LineResult) -> None:
        self.results[i] = r
        self.lsp[i] = None
        self._unflag(i)
        if r.diagnostics:
            bisect.insort(self.flagged, i)

    # -- per-record results ----------------------------------------------------------------
    def missing(self, limit: int) -> tuple[list[int], list[LineKey]]:
        """Lines without a result (filled from the cache where possible), up to ``limit``."""
        idx: list[int] = []
        keys: list[LineKey] = []
        still: list[int] = []
        cache = self.cache
        for pos, i in enumerate(self.dirty):
            if len(keys) >= limit:
                still.extend(self.dirty[pos:])
                break
            k = self.key(i)
            hit = cache.get(k)
            if hit is not None:
                self._set(i, hit)
                continue
            idx.append(i)
            keys.append(k)
            still.append(i)
        self.dirty = still
        return idx, keys

    def store(self, keys: list[LineKey], values: list[LineResult]) -> None:
        if len(self.cache) > 2 * len(self.lines) + 10_000:
            live = {self.key(i) for i, r in enumerate(self.results) if r is not None}
            self.cache = {k: v for k, v in self.cache.items() if k in live}
        for k, v in zip(keys, values):
            self.cache[k] = v
        # the lines just computed are at the front of ``dirty`` (edits since only add more)
        head = self.dirty[: len(keys) + 64]
        rest: list[int] = []
        for i in head:
            hit = self.cache.get(self.key(i))
            if hit is not None:
                self._set(i, hit)
            else:
                rest.append(i)
        self.dirty = rest + self.dirty[len(head):]

    @property
    def complete(self) -> bool:
        return not self.dirty

    # -- line mapping for dataset findings -------------------------------------------------
    def map_line(self, line0: int, since: int, edits: list | None = None) -> int | None:
        """Where 0-based line ``line0`` of version ``since`` is now (None: edited since)."""
        for version, start, removed, added in (self.edits if edits is None else edits):
            if version <= since:
                continue
            if line0 < start:
                continue
            if line0 < start + removed:
                return None
            line0 += added - removed
        return line0

    def prune_edits(self) -> None:
        self.edits = [e for e in self.edits if e[0] > self.dataset_version]
        self.dataset_mapped = 0
