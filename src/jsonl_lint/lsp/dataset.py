"""The dataset pass: dataset-wide rules over a snapshot of an open dataset (runs in the
server's worker process).

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
"""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from typing import Any, Callable, Iterator, Sequence

from ..backends import Backend, ProcessBackend, dumps
from ..diagnostics import Diagnostic, bytes_shifted
from ..engine import Engine, Task

PARALLEL_MIN_LINES = 2000  # below this a pass forks no workers (they cost more than they save)
CUT_EVERY = 1024  # a task starts at a line whose hash is 0 modulo this (about this many lines a task)
MAX_LINES = 4 * CUT_EVERY  # and after this many lines at most

# The last pass's task results by document path: {task key: (byte offset, result, shuffle pieces)}.
_kept: dict[str, dict[bytes, tuple[int, Any, list[bytes]]]] = {}


def dataset_pass(settings, path: str, text: str) -> list[Diagnostic]:
    """Dataset-wide rules only, over one snapshot (the server applies the baseline)."""
    import dataclasses

    settings = settings.updated(baseline=os.devnull)
    wanted = Engine(settings).active_rules(path)[1]
    # Those rules selected by code: workers rebuild the pack from the settings alone (a
    # custom pack's declarative rule classes do not pickle); unless that selects others.
    only = settings.updated(select=tuple(r.code for r in wanted), extend_select=(), ignore=(), extend_ignore=())
    engine = Engine(only)
    if engine.pack.record_rules or [r.code for r in engine.active_rules(path)[1]] != [r.code for r in wanted]:
        pack = dataclasses.replace(engine.pack, record_rules=(), dataset_rules=wanted)
        return Engine(settings, pack=pack).run_text(text, path, dataset_rules=True).diagnostics
    data = text.encode("utf-8", "surrogatepass")
    jobs = settings.jobs if settings.jobs > 0 else (os.cpu_count() or 1)
    inner = ProcessBackend(jobs) if jobs > 1 and text.count("\n") + 1 >= PARALLEL_MIN_LINES else Backend()
    if not (inner.forks or type(inner) is Backend):  # workers that cannot read the text
        inner = Backend()
    with Reusing(inner, data, _kept.get(path, {})) as backend:
        report = engine.run([path], texts={path: data}, backend=backend, tasks=tasks(path, data))
    _kept.clear()  # one document's results at a time: the one the server checks now
    _kept[path] = backend.fresh
    return report.diagnostics


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

    def __init__(self, inner: Backend, data: bytes, kept: dict):
        self.inner, self.data, self.kept = inner, data, kept
        self.workers = inner.workers
        self.fresh: dict[bytes, tuple[int, Any, list[bytes]]] = {}
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
                    was, result, own = self.kept[key]
                    if was != start:
                        result, own = _moved(result, own, start - was)
                else:
                    result = next(run)
                    own = [_piece(p) for p in spilled[-1]] if spilled else []
                self.fresh[key] = (start, result, own)
                pieces.append(own)
                yield result

        return in_order(), pieces

    def reduce(self, fn: Callable, shuffled: Any, extra: Any) -> list:
        return Backend.reduce(self, fn, shuffled, extra)  # the pieces are bytes here

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
