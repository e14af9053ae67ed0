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
from dataclasses import dataclass, field, replace
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..engine import Engine
from ..masking import redact
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
    in practice: rules are pure and only read the record). ``engine``: one to share
    (the open pass's, whose pack has the same record rules)."""

    def __init__(self, settings, path: str, engine: Engine | None = None):
        self.settings = settings
        self.path = path
        self.engine = engine or Engine(settings)
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
            info = self.info(record)
        if len(out) > 1:  # in position order, as the CLI lists them (and the open pass: lsp.dataset)
            out.sort(key=Diagnostic.sort_key)
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

    def roles_shown(self, line: str, roles: tuple[str, ...]) -> tuple[str, ...]:
        """A line's roles with the secrets of its record masked (a role can be a pasted
        token), looked for when a hover shows them rather than for every line linted."""
        secrets = self.engine.secrets_in_text(line, self.path)
        return tuple(redact(role, secrets) for role in roles) if secrets else roles

    def info(self, record, count: bool = True) -> RecordInfo:
        """What hovers and the lens show of a record; without its token counts unless
        ``count`` (the open pass adds them after the diagnostics: :meth:`counts`)."""
        if record.blank:
            return RecordInfo("blank")
        if not record.parsed:
            return RecordInfo("invalid")
        ex = record.example
        if ex is None:
            return RecordInfo("record")
        roles = tuple(t.role for t in ex.turns)  # as written: a hover masks them (see roles_shown)
        if not count:
            return RecordInfo("record", ex.format, roles)
        return RecordInfo("record", ex.format, roles, *(self.counts(record) or (None, None, None, False)))

    def counts(self, record) -> tuple[int, int, int | None, bool] | None:
        """A record's (tokens, trained, billed, estimated) as its ``RecordInfo`` holds them;
        None when it has no count."""
        if self._tokens is None or record.format is None:  # no example (``info``'s test) to count
            return None
        try:
            n = self._tokens.count_record(record, self.settings)
        except Exception as exc:
            self.errors.append(f"token count failed: {exc!r}")
            return None
        return None if n is None else (n.total, n.trained, self._tokens.billable(n.total, self.limit), n.estimated)


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
    ``flagged`` the lines whose result has diagnostics (both sorted, shifted on edits).

    ``lines`` are the CLI's record lines (split at ``\\n`` only). The editor also ends a line
    at a lone ``\\r`` (LSP's rule: ``\\n``, ``\\r\\n`` or ``\\r``), which JSON allows as
    whitespace inside a record, so a record may span several editor lines: ``breaks`` keeps
    the offsets of those lone ``\\r`` for the few records that hold one, and every position
    goes through :meth:`to_editor` / :meth:`to_record`.
    """

    uri: str
    path: str
    version: int  # the client's version, echoed when publishing
    lines: list[str]
    encoding: str = "utf-16"
    results: list[LineResult | None] = field(default_factory=list)
    lsp: list[Any] = field(default_factory=list)  # per line: (editor line, [dicts]) built for it
    cache: dict[LineKey, LineResult] = field(default_factory=dict)
    dirty: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)  # lines whose results come from the open pass (sorted)
    flagged: list[int] = field(default_factory=list)
    size: int = 0  # characters, newlines included
    breaks: dict[int, list[int]] = field(default_factory=dict)  # line -> offsets of its lone "\r"
    # Changes counted by the server (clients may repeat or reorder versions):
    # (edit number, start line, lines removed, lines added).
    edit_count: int = 0
    edits: list[tuple[int, int, int, int]] = field(default_factory=list)
    # Dataset-wide findings: computed on the text as it was after edit ``dataset_edit``.
    dataset: list[Diagnostic] = field(default_factory=list)
    dataset_edit: int = -1
    dataset_lsp: list[tuple[Any, dict, int]] | None = None  # (diagnostic, LSP dict, base line)
    dataset_mapped: int = 0  # how many entries of ``edits`` dataset_lsp already reflects
    layout: int = 0  # changes whenever lone "\r" breaks change (editor lines after them move)
    _break_index: tuple | None = None

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
        self.held = []
        self.flagged = []
        self.size = len(text) + 1
        self.breaks = {}
        if "\r" in text:
            for i in range(n):
                self._scan_breaks(i)
        self._break_index = None
        self.layout += 1

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
        self.edit_count += 1
        self.edits.append((self.edit_count, 0, old, len(self.lines)))
        self.version = version

    def apply(self, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """Apply one incremental change; positions are editor (line, character) in client
        units, clamped to the document."""
        n = len(self.lines)
        sl, so = self.to_record(*start)
        el, eo = self.to_record(*end)
        if (el, eo) < (sl, so):
            el, eo = sl, so
        new = (self.lines[sl][:so] + text + self.lines[el][eo:]).split("\n")
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
        # first/last-line flags are part of a line's key (and a final lone "\r" is a break
        # only on the last line): the first line, the last line and the line that was last
        last_line = len(self.lines) - 1
        if sl == 0:
            fresh.append(0)
        if el >= n - 1:
            fresh.append(last_line)
            if n - 1 < a:
                fresh.append(n - 1)
        fresh = sorted(set(fresh))
        for i in (0, n - 1, last_line):
            if i in fresh and i < len(self.results) and self.results[i] is not None:
                self.results[i] = self.lsp[i] = None
                self._unflag(i)
        kept = [i for i in self.dirty if i < a] + [i + delta for i in self.dirty if i >= b]
        self.dirty = sorted(set(kept).union(fresh))
        if self.held:  # lines the change made are linted here, not waited for
            again = set(fresh)
            self.held = [i for i in self.held if i < a and i not in again] + \
                [i + delta for i in self.held if i >= b and i + delta not in again]
        if self.breaks or "\r" in text:
            self.breaks = {(i if i < a else i + delta): v for i, v in self.breaks.items() if not a <= i < b}
            for i in fresh:
                self._scan_breaks(i)
            self._break_index = None
            self.layout += 1
        self.edit_count += 1
        self.edits.append((self.edit_count, a, b - a, len(mid)))
        self.version = version

    # -- editor positions ------------------------------------------------------------------
    def _scan_breaks(self, i: int) -> None:
        """Record the lone "\\r" of line ``i`` (a final one is CRLF's unless the line is last)."""
        line = self.lines[i]
        stop = len(line) if i == len(self.lines) - 1 else len(line) - 1
        found = []
        k = line.find("\r")
        while 0 <= k < stop:
            found.append(k)
            k = line.find("\r", k + 1)
        if found:
            self.breaks[i] = found
        else:
            self.breaks.pop(i, None)

    def _index(self) -> tuple[list[int], list[int], list[int]]:
        """Lines with breaks, the editor line each starts on, and the breaks up to each."""
        if self._break_index is None:
            lines = sorted(self.breaks)
            starts, upto, total = [], [], 0
            for i in lines:
                starts.append(i + total)
                total += len(self.breaks[i])
                upto.append(total)
            self._break_index = (lines, starts, upto)
        return self._break_index

    def editor_line(self, i: int) -> int:
        """The editor line where record line ``i`` starts."""
        if not self.breaks:
            return i
        lines, _, upto = self._index()
        j = bisect.bisect_left(lines, i)
        return i + (upto[j - 1] if j else 0)

    def _segment(self, i: int, s: int) -> tuple[int, int]:
        """[start, end) offsets of the ``s``-th editor line inside record line ``i``."""
        line = self.lines[i]
        brk = self.breaks.get(i, ())
        start = brk[s - 1] + 1 if s else 0
        if s < len(brk):
            return start, brk[s]
        crlf = i < len(self.lines) - 1 and line.endswith("\r")
        return start, len(line) - crlf

    def to_editor(self, i: int, offset: int) -> tuple[int, int]:
        """(record line, code-point offset) -> (editor line, character in client units)."""
        if i >= len(self.lines):
            last = len(self.lines) - 1
            return self.editor_line(last) + len(self.breaks.get(last, ())) + 1, 0
        i = max(i, 0)
        brk = self.breaks.get(i)
        s = bisect.bisect_left(brk, offset) if brk else 0
        start, end = self._segment(i, s)
        offset = max(start, min(offset, end))
        return self.editor_line(i) + s, to_units(self.lines[i][start:end], offset - start, self.encoding)

    def to_record(self, line: int, character: int) -> tuple[int, int]:
        """(editor line, character in client units) -> (record line, code-point offset);
        positions outside the document are clamped to it."""
        line, character = max(line, 0), max(character, 0)
        i, s = line, 0
        if self.breaks:
            lines, starts, upto = self._index()
            j = bisect.bisect_right(starts, line) - 1
            if j >= 0:
                spans = len(self.breaks[lines[j]])
                if line <= starts[j] + spans:
                    i, s = lines[j], line - starts[j]
                else:
                    i = line - upto[j]
        if i >= len(self.lines):
            i = len(self.lines) - 1
            s = len(self.breaks.get(i, ()))
            character = 1 << 62
        start, end = self._segment(i, s)
        return i, start + from_units(self.lines[i][start:end], character, self.encoding)

    @property
    def editor_lines(self) -> int:
        return len(self.lines) + sum(len(v) for v in self.breaks.values())

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

    def hold(self, keep: list[int]) -> None:
        """The lines not linted yet, but ``keep`` (the batch the lint thread checks now), wait
        for the open pass's results (:meth:`fill`), which computes them with every other rule
        on the pass's workers, instead of the lint thread."""
        keep_set = set(keep)
        self.held = sorted(set(self.held).union(i for i in self.dirty if i not in keep_set))
        self.dirty = [i for i in self.dirty if i in keep_set]

    def fill(self, lines: list[str], results: list[LineResult | None]) -> None:
        """Results of the lines of an earlier text (None: not computed), cached by line key:
        they serve the lines that still read the same; the held lines are missing again."""
        last = len(lines) - 1
        cache = self.cache
        for i, (line, r) in enumerate(zip(lines, results)):
            if r is not None:
                # a line the lint thread checked keeps its result (with token counts)
                cache.setdefault(((1 if i == 0 else 0) | (2 if i == last else 0), line), r)
        self.release()

    def add_counts(self, lines: list[str], counts: list[tuple | None]) -> None:
        """The token counts of the lines of an earlier text (``dataset.line_counts``) added
        to the results the open pass left without them, in the cache and where shown."""
        last = len(lines) - 1
        cache = self.cache
        for i, (line, c) in enumerate(zip(lines, counts)):
            if c is None:
                continue
            key = (1 if i == 0 else 0) | (2 if i == last else 0), line
            r = cache.get(key)
            if r is not None and r.info is not None and r.info.tokens is None:
                cache[key] = LineResult(r.diagnostics, replace(r.info, tokens=c[0], trained=c[1], billed=c[2],
                                                               estimated=c[3]))
        results = self.results
        for i, r in enumerate(results):
            if r is not None and r.info is not None and r.info.tokens is None and r.info.kind == "record":
                hit = cache.get(self.key(i))
                if hit is not None:
                    results[i] = hit  # the same diagnostics: what is built for them stays

    def release(self) -> None:
        """The held lines are missing again (the lint thread checks what the cache lacks)."""
        if self.held:
            self.dirty, self.held = sorted(set(self.dirty).union(self.held)), []

    @property
    def complete(self) -> bool:
        return not self.dirty and not self.held

    # -- line mapping for dataset findings -------------------------------------------------
    def map_line(self, line0: int, since: int, edits: list | None = None) -> int | None:
        """Where 0-based line ``line0`` of the text after edit ``since`` is now (None: edited since)."""
        for count, start, removed, added in (self.edits if edits is None else edits):
            if count <= since:
                continue
            if line0 < start:
                continue
            if line0 < start + removed:
                return None
            line0 += added - removed
        return line0

    def prune_edits(self) -> None:
        self.edits = [e for e in self.edits if e[0] > self.dataset_edit]
        self.dataset_mapped = 0
