"""Where the tasks of a run execute: in this process, local processes, or Ray.

The engine needs two things from an executor, and nothing else:

* ``map(fn, args)``: run ``fn`` over task arguments and yield the results **in task
  order** (the engine merges per-rule states in that order); ``args`` may be a lazy
  iterable, taken a few tasks ahead of the results (verification blocks are built
  as they are needed, never all at once);
* ``shuffle(fn, args, parts)`` then ``start_reduce(fn, pieces, extra)``: map tasks that
  return ``(result, pieces)`` with one piece (bytes) per reduce partition, and reduce
  tasks that receive partition ``p`` of every map task, in task order; ``start_reduce``
  starts them and returns what waits for their results, so the driver can work
  meanwhile (the base class reduces in the driver when waited for). ``shuffle``
  returns the results as an iterator in task order and a list that holds the pieces
  (or handles to them) once the iterator is done. The pieces never pass through the
  driver: on Ray they stay in the object store, locally they go through files in a
  temporary folder.

Everything that crosses a process boundary is picklable and built by the caller, so
another engine (Dask, Spark) is a short class implementing these three methods.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import tempfile
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from .config import ConfigError
from .procs import exit_with_parent

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

BACKENDS = ("local", "ray")
AHEAD = 2  # map tasks submitted per worker before the first of them is taken
RECYCLE_BYTES = 64 << 20  # map results this large: the workers held large states, end them (see recycle)


class Backend:
    """In-process execution: the serial path, and the reference the others must equal."""

    workers = 1
    forks = False  # whether workers are forked from this process (and share what it loaded)

    def map(self, fn: Callable, args: Iterable) -> Iterator:
        for a in args:
            yield fn(a)

    def shuffle(self, fn: Callable, args: Sequence, parts: int) -> tuple[Iterator, list]:
        pieces: list = []

        def results():
            for a in args:
                result, task_pieces = fn(a)
                pieces.append(task_pieces)
                yield result

        return results(), pieces

    def start_reduce(self, fn: Callable, shuffled: Any, extra: Any) -> Callable[[], list]:
        parts = len(shuffled[0]) if shuffled else 0
        return lambda: [fn(([task[p] for task in shuffled], extra)) for p in range(parts)]

    def close(self) -> None:
        pass

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _context():
    """Forked workers on Linux, whatever the process's default: they share what it loaded and
    read its in-memory texts. A process that was itself spawned (the language server's dataset
    worker) has "spawn" as its default, and Python 3.14 makes "forkserver" Linux's default."""
    import multiprocessing

    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


class ProcessBackend(Backend):
    """Local worker processes (the default for large runs)."""

    @property
    def forks(self) -> bool:
        return _context().get_start_method() == "fork"

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._spill: str | None = None

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor  # 18 ms of imports: not for serial runs

            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_context(),
                                             initializer=exit_with_parent, initargs=(os.getpid(),))
        return self._pool

    def map(self, fn: Callable, args: Iterable) -> Iterator:
        # Not the pool's own map: it submits (and so holds) every argument at once.
        pool, ahead = self.pool, AHEAD * self.workers
        running: deque = deque()
        for a in args:
            running.append(pool.submit(fn, a))
            if len(running) >= ahead:
                yield running.popleft().result()
        while running:
            yield running.popleft().result()

    def shuffle(self, fn: Callable, args: Sequence, parts: int) -> tuple[Iterator, list]:
        if self._spill is None:
            self._spill = tempfile.mkdtemp(prefix="jsonl-lint-shuffle-")
        folder = tempfile.mkdtemp(dir=self._spill)
        jobs = [(fn, a, os.path.join(folder, str(i))) for i, a in enumerate(args)]
        pieces: list = []

        def results():
            size = 0
            for result, names in self.map(_spilled, jobs):
                pieces.append(names)
                size += os.path.getsize(result)
                with open(result, "rb") as f:  # results wait on disk: the driver holds one at a time
                    value = pickle.load(f)
                os.remove(result)
                yield value
            if size > RECYCLE_BYTES:
                self.recycle()

        return results(), pieces

    def recycle(self) -> None:
        """End the workers: the next task forks new ones. After the map tasks, what they
        allocated (their states, caches and allocator slack) goes back to the system
        instead of staying with them through the reduce and finish."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def start_reduce(self, fn: Callable, shuffled: Any, extra: Any) -> Callable[[], list]:
        parts = len(shuffled[0]) if shuffled else 0
        size = sum(os.path.getsize(name) for task in shuffled for name in task)
        running = [self.pool.submit(_from_spill, (fn, [task[p] for task in shuffled], extra)) for p in range(parts)]

        def results() -> list:
            out = [f.result() for f in running]
            if size > RECYCLE_BYTES:
                self.recycle()  # each reduce worker held its partition of every task's pieces
            return out

        return results

    def close(self) -> None:
        self.recycle()
        if self._spill is not None:
            shutil.rmtree(self._spill, ignore_errors=True)
            self._spill = None


def _spilled(job):
    """Run a map task and write its result and each of its pieces to a file: only names go back."""
    fn, args, stem = job
    result, pieces = fn(args)
    with open(f"{stem}.result", "wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    del result
    names = []
    for p, piece in enumerate(pieces):
        name = f"{stem}.{p}"
        with open(name, "wb") as f:
            f.write(piece)
        names.append(name)
    return f"{stem}.result", names


def _from_spill(job):
    fn, names, extra = job
    pieces = []
    for name in names:
        with open(name, "rb") as f:
            pieces.append(f.read())
    return fn((pieces, extra))


def make_backend(name: str, jobs: int, address: str | None = None) -> Backend:
    if name == "ray":
        from .ray_backend import RayBackend

        return RayBackend(address)
    if name != "local":
        raise ConfigError(f"unknown backend {name!r} (allowed: {', '.join(BACKENDS)})")
    return ProcessBackend(jobs) if jobs > 1 else Backend()


def dumps(obj: Any) -> bytes:
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
