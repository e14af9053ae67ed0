"""The dataset pass: dataset-wide rules over a snapshot of an open dataset (runs in the
server's worker process), and at open every rule at once (:func:`open_pass`).

The engine runs the snapshot as tasks of about a thousand lines, on workers forked per
core for a large text (they read the text from this process), as the CLI's local backend
runs a large file. Tasks start at lines chosen by their content (a line whose hash is 0
modulo ``CUT_EVERY``), so an edit changes the tasks around it only. The pass keeps each
task's result (findings, rule states, shuffle pieces) for the next pass of the same
document: a task whose lines and calibration are those of a kept one is not run again,
so a save after a few edits reads again only the tasks that hold them. A task's result
depends on nothing else but where its lines are, which the kept result is moved to (the
engine merges the results in task order, and results never depend on how the work is
split), so the findings are a fresh run's.

At open the per-record rules run in the same tasks (each record is read, parsed and
described once for every rule, on both cores), and the pass returns each line's result
as the server's per-line check makes it (:class:`.document.Linter`): its findings moved
to the line read alone as line 1, and what hovers show of it but the token counts, which
:func:`line_counts` adds once the diagnostics are shown (tokenizing is a sixth of the
pass, and only hovers and the summary lens show it). A task kept from such a pass also
serves the passes after edits, which run the dataset-wide rules only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import zlib
from typing import Any, Callable, Iterator, Sequence

from ..backends import Backend, ProcessBackend, dumps
from ..diagnostics import Diagnostic, Position, ResolvedEdit, bytes_shifted
from ..engine import Engine, Task
from ..reader import read_range_records
from ..rule import DatasetRule
from .document import LineResult, Linter, RecordInfo

PARALLEL_MIN_LINES = 2000  # below this a pass forks no workers (they cost more than they save)
CUT_EVERY = 1024  # a task starts at a line whose hash is 0 modulo this (about this many lines a task)
MAX_LINES = 4 * CUT_EVERY  # and after this many lines at most

# The last pass's task results by document path:
# {task key: (byte offset, result, shuffle pieces, whether the per-record rules ran in it)}.
_kept: dict[str, dict[bytes, tuple[int, Any, list[bytes], bool]]] = {}


def dataset_pass(settings, path: str, text: str | bytes) -> list[Diagnostic]:
    """Dataset-wide rules only, over one snapshot (the server applies the baseline)."""
    return _run(settings, path, text, lines=False)[0]


def open_pass(settings, path: str, text: str | bytes) -> tuple[list[Diagnostic], list[LineResult | None]]:
    """Every rule over one snapshot: the dataset-wide findings, and each line's per-record
    result as ``Linter.check`` of its key makes it but for the token counts, which
    :func:`line_counts` gives (None for a line it cannot stand for)."""
    return _run(settings, path, text, lines=True)


def _run(settings, path: str, text: str | bytes, lines: bool) -> tuple[list[Diagnostic], list[LineResult | None]]:
    settings = settings.updated(baseline=os.devnull)
    engine = Engine(settings)
    record_codes = {r.code for r in engine.pack.record_rules}
    # The tasks run in this process or in workers forked from it, which take this very
    # engine (the engine's worker registry finds it by its settings), so its pack may be
    # the settings' own with the record rules left out, or with the line descriptions added.
    info = LineInfo() if lines else None
    engine.pack = dataclasses.replace(engine.pack, record_rules=engine.pack.record_rules if lines else (),
                                      dataset_rules=engine.pack.dataset_rules + ((info,) if info else ()))
    if info is not None:
        info.linter = Linter(settings, path, engine)
    data = _utf8(text)
    jobs = settings.jobs if settings.jobs > 0 else (os.cpu_count() or 1)
    inner = ProcessBackend(jobs) if jobs > 1 and data.count(b"\n") + 1 >= PARALLEL_MIN_LINES else Backend()
    if not (inner.forks or type(inner) is Backend):  # workers that cannot read the text
        inner = Backend()
    with Reusing(inner, data, _kept.get(path, {}), lines) as backend:
        report = engine.run([path], texts={path: data}, backend=backend, tasks=tasks(path, data))
    _kept.clear()  # one document's results at a time: the one the server checks now
    _kept[path] = backend.fresh
    found = [d for d in report.diagnostics if d.code not in record_codes]  # kept tasks may hold per-record ones
    if info is None:
        return found, []
    return found, _line_results(data, info.lines,
                                [d for d in report.diagnostics if d.code in record_codes])


class LineInfo(DatasetRule):
    """Not a check: what hovers and the summary lens show of each line (``Linter.info``
    without token counts, as a tuple of its fields), collected in the pass's tasks beside
    the rules, one per record in line order."""

    code = "LSP000"
    name = "line-info"
    summary = "What the editor shows of each line."
    requires = "raw"

    def __init__(self) -> None:
        super().__init__()
        self.linter: Linter | None = None  # set once the pack that holds this rule is the engine's
        self.lines: list = []
        self._rows: dict[tuple, tuple] = {}

    def initial(self, ctx) -> list:
        return []

    def collect(self, state: list, record, ctx) -> None:
        i = self.linter.info(record, count=False)
        row = (i.kind, i.format, i.roles)
        # one tuple for each distinct row (most lines share a few): a task's state is
        # pickled with its result and again when a kept task moves, and the whole list
        # goes back to the server once the pass ends
        state.append(self._rows.setdefault(row, row))

    def merge(self, states: list[list]) -> list:
        for other in states[1:]:
            states[0] += other
        return states[0]

    def finish(self, state: list, ctx) -> tuple:
        self.lines = state
        return ()


def _line_results(data: bytes, infos: list, found: list[Diagnostic]) -> list[LineResult | None]:
    """Each line's ``LineResult`` from the run's records (one a line, but for the empty
    text after a final newline) and per-record findings, without token counts; lines
    that read alike share one object (the list goes back to the server)."""
    lines, records = _lines_and_records(data)
    if len(infos) != records:  # not one record a line: the lint thread checks them all
        return [None] * lines
    by_line: dict[int, list[Diagnostic]] = {}
    for d in found:
        by_line.setdefault(d.record.line - 1, []).append(d)
    shared: dict[tuple, LineResult] = {}
    out: list[LineResult | None] = []
    for row in infos:
        r = shared.get(row)
        if r is None:
            r = shared[row] = LineResult((), RecordInfo(*row))
        out.append(r)
    for i, ds in by_line.items():
        out[i] = None if any(d.related for d in ds) else LineResult(tuple(_on_own_line(d) for d in ds), out[i].info)
    if records < lines:
        out.append(LineResult((), None))
    return out


def _utf8(text: str | bytes) -> bytes:
    # the server sends its snapshot as bytes: a str would be encoded to pickle it, decoded
    # here and encoded again (50k lines: 0.28-0.50 -> 0.12-0.16 s, at load 8)
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")


def _lines_and_records(data: bytes) -> tuple[int, int]:
    """The text's lines (split at "\\n") and its records: one a line, but for the empty
    text after a final newline (or of an empty text)."""
    lines = data.count(b"\n") + 1
    return lines, lines - (data[-1:] in (b"", b"\n"))


def line_counts(settings, path: str, text: str | bytes) -> list[tuple | None]:
    """What :func:`open_pass` leaves out of each line's result, for after the diagnostics
    are shown: its record's token counts (``Linter.counts``, None for a line without
    them), counted on workers forked per core for a large text, [] when the text is not
    one record a line."""
    global _counting
    linter = Linter(settings, path)
    data = _utf8(text)
    chunks = tasks(path, data)
    jobs = settings.jobs if settings.jobs > 0 else (os.cpu_count() or 1)
    backend = ProcessBackend(jobs) if jobs > 1 and len(chunks) > 1 and \
        data.count(b"\n") + 1 >= PARALLEL_MIN_LINES else Backend()
    if not (backend.forks or type(backend) is Backend):
        backend = Backend()
    if linter._target is not None:
        try:  # the encoding loaded once, here, for the workers forked after
            linter._target.counter.count("")
        except Exception:
            pass  # each record's count says what failed
    _counting = (linter, data)  # what the forked workers read
    try:
        with backend:
            out = [c for part in backend.map(_count_range, chunks) for c in part]
    finally:
        _counting = None
    lines, records = _lines_and_records(data)
    if len(out) != records:
        return []
    return out + [None] * (lines - records)


_counting: tuple[Linter, bytes] | None = None


def _count_range(task: Task) -> list[tuple | None]:
    linter, data = _counting
    settings = linter.settings
    records = list(read_range_records(io.BytesIO(data), task.path, task.start, task.end,
                                      max_depth=settings.max_depth, mapping=settings.field_mapping))
    if linter._tokens is not None:
        try:  # in one tokenizer loop (``counts`` reads the counts kept on each record)
            linter._tokens.count_records(records, settings)
        except Exception:
            pass  # ``counts`` counts each record again, and says what failed
    return [linter.counts(r) for r in records]


def _on_own_line(d: Diagnostic) -> Diagnostic:
    """A per-record finding as the per-line check makes it: its record read alone, as line 1
    and record 0, at byte 1 unless it starts the file (``Linter.check``)."""
    ref = d.record
    up = ref.line - 1
    own = ref._replace(index=0, line=1, offset=ref.offset if up == 0 else 1)

    def at(p: Position) -> Position:
        return Position(p.line - up, p.column)

    fix = d.fix
    if fix is not None:
        fix = dataclasses.replace(fix, record=own, edits=tuple(
            ResolvedEdit(at(e.location), at(e.end_location), e.content) for e in fix.edits))
    return dataclasses.replace(d, location=at(d.location), end_location=at(d.end_location), record=own, fix=fix)


def tasks(path: str, data: bytes) -> list[Task]:
    """The snapshot's tasks, cut before the (non-blank) lines chosen by their content."""
    starts, size, offset = [0], 0, 0
    for line in data.split(b"\n"):
        if size and line and (size >= MAX_LINES or zlib.crc32(line) % CUT_EVERY == 0):
            starts.append(offset)
            size = 0
        offset += len(line) + 1
        size += 1
    return [Task(path, s, e) for s, e in zip(starts, starts[1:] + [len(data)])]


class Reusing(Backend):
    """Runs on ``inner`` the tasks of a run over ``data`` (one in-memory file, cut at line
    starts) that ``kept`` holds no result for, and moves a kept result to its task's byte
    offset; ``fresh`` holds every task's result afterwards. Its tasks run in this process
    or in workers forked from it: either reads the in-memory text."""

    forks = True

    def __init__(self, inner: Backend, data: bytes, kept: dict, records: bool):
        self.inner, self.data, self.records = inner, data, records
        # a task run without the per-record rules cannot serve a pass that needs them
        self.kept = {k: v for k, v in kept.items() if v[3] or not records}
        self.workers = inner.workers
        self.fresh: dict[bytes, tuple[int, Any, list[bytes], bool]] = {}
        self._calibration: tuple[int, bytes] | None = None

    def map(self, fn: Callable, args: Sequence) -> Iterator:
        return self.inner.map(fn, args)

    def shuffle(self, fn: Callable, args: Sequence, parts: int) -> tuple[Iterator, list]:
        keys = [self._key(a) for a in args]
        todo = [a for a, k in zip(args, keys) if k not in self.kept]
        results, spilled = self.inner.shuffle(fn, todo, parts)
        pieces: list[list[bytes]] = []

        def in_order():
            run = iter(results)
            for a, key in zip(args, keys):
                start = a[3].start
                if key in self.kept:
                    was, result, own, records = self.kept[key]
                    if was != start:
                        result, own = _moved(result, own, start - was)
                else:
                    result, records = next(run), self.records
                    own = [_piece(p) for p in spilled[-1]] if spilled else []
                self.fresh[key] = (start, result, own, records)
                pieces.append(own)
                yield result

        return in_order(), pieces

    def start_reduce(self, fn: Callable, shuffled: Any, extra: Any) -> Callable[[], list]:
        return Backend.start_reduce(self, fn, shuffled, extra)  # the pieces are bytes here

    def close(self) -> None:
        self.inner.close()

    def _key(self, args: tuple) -> bytes:
        """What a task's result depends on, but for its byte offset: the settings, the
        calibration, its lines, and whether it starts the file (a byte order mark)."""
        settings, pack, calibration, task, parts, timed = args
        if self._calibration is None or self._calibration[0] != id(calibration):
            self._calibration = (id(calibration), pickle.dumps(calibration, protocol=pickle.HIGHEST_PROTOCOL))
        h = hashlib.blake2b(digest_size=20)
        for part in (settings.model_dump_json().encode(), self._calibration[1],
                     repr((task.path, task.start == 0, task.limit, parts, timed)).encode(),
                     self.data[task.start:task.end]):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.digest()


def _moved(result: tuple, pieces: list[bytes], by: int) -> tuple[tuple, list[bytes]]:
    """A task's result and shuffle pieces with every record's byte offset moved ``by``."""
    records, blob = result
    with bytes_shifted(by):
        return (records, dumps(pickle.loads(blob))), [dumps(pickle.loads(p)) for p in pieces]


def _piece(p: bytes | str) -> bytes:
    """A shuffle piece: bytes in this process, a spill file's name from worker processes."""
    if isinstance(p, bytes):
        return p
    with open(p, "rb") as f:
        return f.read()
