"""Apply the fixes rules attach to findings, safely.

A rule's :class:`~jsonl_lint.diagnostics.Fix` holds record-relative code-point
edits. The fixer turns them into byte ranges of the file and splices them in:
records no fix touches keep their exact bytes (nothing is re-serialized).

Conflicts are handled the way ruff does: fixes are applied in file order, a fix
that overlaps one already applied is skipped for this pass, then the result is
linted again (in memory) and the loop repeats until nothing changes, at most
``MAX_ITERATIONS`` times. Safe fixes always apply; unsafe ones only when asked.

Nothing here writes a file except through :class:`AtomicFile` (a temporary file in
the same folder, fsync, then ``os.replace``, keeping the file's mode).
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from typing import Callable

from .diagnostics import Applicability, Diagnostic, ResolvedFix
from .reader import BOM, is_json_array_path

MAX_ITERATIONS = 10
_WS = b" \t\r\n"


# -- one pass over one file's bytes ----------------------------------------------------

@dataclass(frozen=True, slots=True)
class ByteEdit:
    start: int
    end: int
    data: bytes


@dataclass
class PassResult:
    data: bytes
    applied: int = 0  # diagnostics whose fix was applied (identical fixes count each)
    skipped: int = 0  # fixes left for the next pass (overlap) or unusable (bad anchor)


def is_json_array(data: bytes, path: str) -> bool:
    """Whether the reader reads ``data`` as a JSON array (same test as the reader)."""
    return is_json_array_path(path) and data[:4096].lstrip(BOM).lstrip()[:1] == b"["


def wanted(fix: ResolvedFix | None, unsafe: bool) -> bool:
    return fix is not None and fix.record is not None and (
        fix.applicability == Applicability.SAFE or unsafe)


def apply_fixes(data: bytes, fixes: list[ResolvedFix], *, json_array: bool = False) -> PassResult:
    """Apply non-overlapping ``fixes`` (all from records of ``data``) in one pass."""
    planned: dict[tuple[ByteEdit, ...], int] = {}
    skipped = 0
    for fix in fixes:
        edits = to_byte_edits(data, fix, json_array)
        if edits is None:
            skipped += 1
            continue
        planned[edits] = planned.get(edits, 0) + 1  # the same fix from two findings applies once
    out: list[bytes] = []
    pos = 0
    last_end = -1
    last_was_insert = False
    applied = 0
    for edits, count in sorted(planned.items(), key=lambda kv: (kv[0][0].start, kv[0][-1].end)):
        start = edits[0].start
        insert = edits[0].start == edits[0].end
        if start < last_end or (start == last_end and (insert or last_was_insert)):
            skipped += count  # overlaps a fix applied in this pass: next pass
            continue
        for e in edits:
            out.append(data[pos:e.start])
            out.append(e.data)
            pos = e.end
        last_end = edits[-1].end
        last_was_insert = edits[-1].start == edits[-1].end
        applied += count
    if not applied:
        return PassResult(data, 0, skipped)
    out.append(data[pos:])
    return PassResult(b"".join(out), applied, skipped)


def to_byte_edits(data: bytes, fix: ResolvedFix, json_array: bool) -> tuple[ByteEdit, ...] | None:
    """The fix's edits as sorted, non-overlapping byte edits, or None when they are unusable."""
    ref = fix.record
    if ref is None or ref.offset + ref.length > len(data):
        return None
    edits: list[ByteEdit] = []
    mapper = _Mapper(data, ref.offset, ref.length)
    for edit in fix.record_edits:
        if edit.delete_record:
            s, e = _record_extent(data, ref.offset, ref.offset + ref.length, json_array)
            edits.append(ByteEdit(s, e, b""))
            continue
        s, e = mapper.byte(edit.start), mapper.byte(edit.end)
        if s is None or e is None or e < s:
            return None
        edits.append(ByteEdit(s, e, edit.text.encode("utf-8", "surrogatepass")))
    if not edits:
        return None
    edits.sort(key=lambda x: (x.start, x.end))
    for a, b in zip(edits, edits[1:]):
        if b.start < a.end or (b.start == a.end and a.start == a.end and b.start == b.end):
            return None  # a fix whose own edits overlap cannot be applied
    if all(data[e.start:e.end] == e.data for e in edits):
        return None  # changes nothing
    return tuple(edits)


class _Mapper:
    """Record-relative code-point offsets -> file byte offsets (negative offsets and
    offsets past the record's end walk the file's bytes before or after it)."""

    def __init__(self, data: bytes, offset: int, length: int):
        self.data = data
        self.offset = offset
        self.end = offset + length
        raw = data[offset:self.end]
        self.ascii = raw.isascii()
        self.text: str | None = None
        if not self.ascii:
            try:
                self.text = raw.decode("utf-8")
            except UnicodeDecodeError:
                self.text = None  # offsets inside an undecodable record are ambiguous

    def byte(self, k: int) -> int | None:
        data = self.data
        if k < 0:
            pos = self.offset
            for _ in range(-k):
                pos -= 1
                while pos > 0 and 0x80 <= data[pos] < 0xC0:
                    pos -= 1
                if pos < 0:
                    return None
            return pos
        if self.ascii:
            length = self.end - self.offset
            if k <= length:
                return self.offset + k
            extra = k - length
        elif self.text is None:
            return None
        else:
            n = len(self.text)
            if k <= n:
                return self.offset + len(self.text[:k].encode("utf-8"))
            extra = k - n
        pos = self.end
        for _ in range(extra):
            if pos >= len(data):
                return None
            lead = data[pos]
            pos += 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        return min(pos, len(data))


def _record_extent(data: bytes, start: int, end: int, json_array: bool) -> tuple[int, int]:
    """Bytes a whole-record deletion removes: the line and its line break (JSONL), or
    the element and one separating comma with the whitespace after it (JSON array)."""
    if not json_array:
        if data[end:end + 2] == b"\r\n":
            return start, end + 2
        if data[end:end + 1] == b"\n":
            return start, end + 1
        return start, end
    j = end
    while j < len(data) and data[j] in _WS:
        j += 1
    if data[j:j + 1] == b",":
        j += 1
        while j < len(data) and data[j] in _WS:
            j += 1
        return start, j
    i = start
    while i > 0 and data[i - 1] in _WS:
        i -= 1
    if data[i - 1:i] == b",":
        return i - 1, end
    return start, end


# -- whole runs ----------------------------------------------------------------------

@dataclass
class FixResult:
    """What ``--fix`` did (in memory; :meth:`write` puts it on disk)."""

    original: dict[str, bytes] = field(default_factory=dict)
    fixed: dict[str, bytes] = field(default_factory=dict)
    applied: dict[str, int] = field(default_factory=dict)
    report: object = None  # the engine Report of the fixed texts
    iterations: int = 0
    converged: bool = True
    unfixable_files: list[str] = field(default_factory=list)  # compressed or stdin: not rewritten
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # (size, mtime_ns) before the lint

    @property
    def changed(self) -> list[str]:
        return [p for p, data in self.fixed.items() if data != self.original[p]]

    @property
    def total_applied(self) -> int:
        return sum(self.applied.values())

    def diff(self, mask: Callable[[str, str], str] | None = None) -> str:
        """The changes as a unified diff; ``mask(path, line)`` masks the lines it shows."""
        return "".join(unified_diff(p, self.original[p], self.fixed[p], mask=mask) for p in self.changed)

    def write(self) -> dict[str, str]:
        """Write every changed file atomically. Returns the files left as they were,
        with the reason (changed on disk since the lint, or the write failed)."""
        problems: dict[str, str] = {}
        for path in self.changed:
            if _stat_key(path) != self.stats.get(path):
                problems[path] = "it changed on disk while it was linted; run again"
                continue
            try:
                write_atomic(path, self.fixed[path])
            except OSError as exc:
                problems[path] = f"writing failed ({exc.strerror or exc}); the file is unchanged"
        return problems


def fixable_path(path: str) -> bool:
    return path != "-" and not path.endswith(".gz")


def fix_files(engine, files: list[str], report, *, unsafe: bool = False,
              max_iterations: int = MAX_ITERATIONS, stats: dict | None = None) -> FixResult:
    """Apply fixes to ``files`` in memory until stable, starting from ``report``
    (the lint of the files as they are on disk). ``stats`` (from :func:`file_stats`
    taken before that lint) lets :meth:`FixResult.write` refuse files edited meanwhile."""
    result = FixResult(report=report, stats=stats or {})
    todo = _by_file(report.diagnostics, unsafe)
    if not todo:
        return result
    texts = result.fixed  # the current text of every file being fixed

    def load(path: str) -> None:
        with open(path, "rb") as f:
            texts[path] = result.original[path] = f.read()
        if stats is None:
            result.stats[path] = _stat_key(path)

    for path in files:
        if path in todo:
            if fixable_path(path):
                load(path)
            else:
                result.unfixable_files.append(path)
    for _ in range(max_iterations):
        progress = False
        for path, fixes in todo.items():
            if path not in texts:
                continue
            done = apply_fixes(texts[path], fixes, json_array=is_json_array(texts[path], path))
            if done.applied:
                texts[path] = done.data
                result.applied[path] = result.applied.get(path, 0) + done.applied
                progress = True
        if not progress:
            break
        result.iterations += 1
        report = lint_texts(engine, files, texts)
        result.report = report
        todo = _by_file(report.diagnostics, unsafe)
        for path in todo:
            if path not in texts and fixable_path(path):
                load(path)  # a file whose first fix appears only after another file's fixes
    else:
        result.converged = not any(p in texts for p in todo)
    return result


def _by_file(diagnostics: list[Diagnostic], unsafe: bool) -> dict[str, list[ResolvedFix]]:
    out: dict[str, list[ResolvedFix]] = {}
    for d in diagnostics:
        if wanted(d.fix, unsafe):
            out.setdefault(d.fix.record.path, []).append(d.fix)
    return out


def lint_texts(engine, files: list[str], texts: dict[str, bytes]):
    """Lint ``files`` as one dataset, reading the ones in ``texts`` from memory."""
    return engine.run(files, jobs=1, texts=texts)


def file_stats(files: list[str]) -> dict[str, tuple[int, int]]:
    return {p: _stat_key(p) for p in files if fixable_path(p)}


def _stat_key(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def hidden_unsafe(diagnostics: list[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == Applicability.UNSAFE)


# -- output ------------------------------------------------------------------------------

def unified_diff(path: str, before: bytes, after: bytes, context: int = 3,
                 mask: Callable[[str, str], str] | None = None) -> str:
    """A unified diff of two versions of a file. Line breaks that changed show as
    ``\\r`` marks so a CRLF -> LF fix is visible. ``mask(path, line)`` masks each line shown."""
    a = _diff_lines(before)
    b = _diff_lines(after)

    def show(lines: list[str]) -> list[str]:
        return [_show(mask(path, line) if mask else line) for line in lines]

    out = [f"--- a/{path}\n", f"+++ b/{path}\n"]
    for group in _AnchoredMatcher(a, b).get_grouped_opcodes(context):
        i1, j1, i2, j2 = group[0][1], group[0][3], group[-1][2], group[-1][4]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@\n")
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                out += [" " + _cut(line) for line in show(a[x1:x2])]
            elif x2 - x1 == y2 - y1 and any(len(line) > LONG_LINE for line in a[x1:x2] + b[y1:y2]):
                # a changed line too long to print twice (a one-line JSON array): its changed items
                for k, (old, new) in enumerate(zip(show(a[x1:x2]), show(b[y1:y2]))):
                    out += _item_diff(old, new, x1 + k + 1)
            else:
                out += ["-" + line for line in show(a[x1:x2])]
                out += ["+" + line for line in show(b[y1:y2])]
    return "".join(out) if len(out) > 2 else ""


LONG_LINE = 4096  # characters: a changed line longer than this is diffed item by item
ITEM_WIDTH = 300  # characters shown of an unchanged long line or item, and around a change


def _item_diff(before: str, after: str, line: int) -> list[str]:
    """The changed items of one long line (the elements of a one-line JSON array, the
    members of a long object), each on its own diff line with one item of context.
    Readable rather than applicable: ``patch`` cannot apply it, ``--fix`` can."""
    a, b = _split_items(before), _split_items(after)
    # a[0] is the opening bracket, so a piece's index is its item's number
    items = len(a) - 2 if a[0] in ("[", "{") else len(a)
    out = [f"~ line {line} has {len(before.split(chr(10), 1)[0]):,} characters; only its changed items "
           "are shown, one per line\n"]
    for group in _AnchoredMatcher(a, b).get_grouped_opcodes(1):
        changed = [op for op in group if op[0] != "equal"]
        first, last = changed[0][1], max(changed[-1][2] - 1, changed[-1][1])
        span = f"item {first:,}" if first == last else f"items {first:,} to {last:,}"
        out.append(f"~ {span} of {items:,}\n")
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                out += [" " + _cut(item) + "\n" for item in a[x1:x2]]
            elif tag == "replace" and x2 - x1 == y2 - y1:
                for old, new in zip(a[x1:x2], b[y1:y2]):
                    old, new = _around_change(old, new)
                    out += ["-" + old + "\n", "+" + new + "\n"]
            else:
                out += ["-" + _cut(item) + "\n" for item in a[x1:x2]]
                out += ["+" + _cut(item) + "\n" for item in b[y1:y2]]
    return out


def _split_items(line: str) -> list[str]:
    """A JSON text cut after each comma between the items of its outermost array or
    object, and after its opening and before its closing bracket (strings respected)."""
    line = line.split("\n", 1)[0]
    pieces, depth, start, in_string, escaped = [], 0, 0, False, False
    for i, ch in enumerate(line):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth == 1:
                pieces.append(line[start:i + 1])
                start = i + 1
        elif ch in "]}":
            if depth == 1:
                pieces.append(line[start:i])
                start = i
            depth -= 1
        elif ch == "," and depth == 1:
            pieces.append(line[start:i + 1])
            start = i + 1
    pieces.append(line[start:])
    return [p for p in pieces if p]


def _cut(text: str) -> str:
    """An unchanged text, its first line cut to ``ITEM_WIDTH`` characters when it is long."""
    head, sep, rest = text.partition("\n")
    if len(head) <= ITEM_WIDTH:
        return text
    return f"{head[:ITEM_WIDTH]}… ({len(head) - ITEM_WIDTH:,} more characters)" + sep + rest


def _around_change(old: str, new: str) -> tuple[str, str]:
    """Both versions of a changed item, cut to the changed part with some context
    when the item is long."""
    if len(old) <= 2 * ITEM_WIDTH and len(new) <= 2 * ITEM_WIDTH:
        return old, new
    prefix = len(os.path.commonprefix([old, new]))
    suffix = len(os.path.commonprefix([old[prefix:][::-1], new[prefix:][::-1]]))
    start = max(0, prefix - ITEM_WIDTH // 3)
    end_old, end_new = len(old) - suffix, len(new) - suffix
    tail = ITEM_WIDTH // 3

    def show(text: str, end: int) -> str:
        stop = min(len(text), end + tail)
        return ("…" if start else "") + text[start:stop] + ("…" if stop < len(text) else "")

    return show(old, end_old), show(new, end_new)


def _range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


class _AnchoredMatcher(difflib.SequenceMatcher):
    """SequenceMatcher that first pins the lines occurring exactly once in both
    versions (fixes never reorder lines, so they line up) and runs difflib only on
    the gaps between them: linear in practice, where plain difflib takes seconds on a
    100k-line file with thousands of fixed lines."""

    def __init__(self, a: list[str], b: list[str]):  # noqa: super().__init__ would index all of b
        self.isjunk, self.autojunk = None, False
        self.a, self.b = a, b
        self.matching_blocks = self.opcodes = None

    def get_matching_blocks(self):
        if self.matching_blocks is not None:
            return self.matching_blocks
        a, b = self.a, self.b
        count_a: dict[str, int] = {}
        for line in a:
            count_a[line] = count_a.get(line, 0) + 1
        where_b: dict[str, int] = {}
        for j, line in enumerate(b):
            where_b[line] = -1 if line in where_b else j
        anchors = []
        last_j = -1
        for i, line in enumerate(a):
            j = where_b.get(line, -1)
            if j > last_j and count_a[line] == 1:
                anchors.append((i, j))
                last_j = j
        blocks: list[tuple[int, int, int]] = []
        pi = pj = 0
        for i, j in anchors + [(len(a), len(b))]:
            if i > pi or j > pj:
                gap = difflib.SequenceMatcher(None, a[pi:i], b[pj:j], autojunk=False)
                blocks += [(pi + x, pj + y, n) for x, y, n in gap.get_matching_blocks() if n]
            if i < len(a):
                blocks.append((i, j, 1))
            pi, pj = i + 1, j + 1
        merged: list[tuple[int, int, int]] = []
        for i, j, n in blocks:
            if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
                merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + n)
            else:
                merged.append((i, j, n))
        merged.append((len(a), len(b), 0))
        self.matching_blocks = merged
        return merged


def _diff_lines(data: bytes) -> list[str]:
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = "<U+FEFF byte order mark>" + text[1:]
    return _split_keep(text)


def _show(line: str) -> str:
    if line.endswith("\r\n"):
        return line[:-2] + "\\r\n"
    if not line.endswith("\n"):
        return line + "\n\\ No newline at end of file\n"
    return line


def _split_keep(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path``'s content with ``data`` so that a crash at any moment leaves
    either the old or the new file, never a mix (see :class:`AtomicFile`)."""
    out = AtomicFile(path)
    try:
        out.write(data)
        out.commit()
    except BaseException:
        out.discard()
        raise


class AtomicFile:
    """A file written in pieces and put in place at once: a temporary file in the same
    folder, fsynced, given the original's mode (a new file's follows the umask), then
    ``os.replace``. Until :meth:`commit`, ``path`` is as it was; :meth:`discard` leaves
    no trace."""

    def __init__(self, path: str):
        self.target = os.path.realpath(path)  # a symlink keeps pointing at the written file
        self.folder = os.path.dirname(self.target) or "."
        fd, self.tmp = tempfile.mkstemp(dir=self.folder, prefix="." + os.path.basename(self.target) + ".",
                                        suffix=".jsonl-lint-tmp")
        self.stream = os.fdopen(fd, "wb", buffering=1 << 20)

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def commit(self) -> None:
        try:
            mode = stat.S_IMODE(os.stat(self.target).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        os.chmod(self.tmp, mode)
        os.replace(self.tmp, self.target)
        try:  # make the rename itself durable
            dfd = os.open(self.folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dfd)
        except OSError:
            pass
        finally:
            os.close(dfd)

    def discard(self) -> None:
        if not self.stream.closed:
            self.stream.close()
        try:
            os.unlink(self.tmp)
        except OSError:
            pass
