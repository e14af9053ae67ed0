"""Where a run's time goes: per rule and per shared stage (``--timings``, ``JSONL_LINT_TIMING=1``).

Off by default and then free: nothing here reads a clock unless a run turns timing on
(:func:`enabled`). When on, time is kept as *self time*: a shared stage that runs
inside a rule (the normalized view a rule asks for first, the style profile, token
counting) is charged to the stage, not to the rule that happened to ask, so the rows
add up to the measured work and each row's share means what it says.

Stages are marked with :func:`stage` (a decorator, or a wrapper for a callable) or
with :func:`timed_property` on cached properties. Worker processes keep their own
:class:`Timings` and send them back with their results; the run merges them.
"""

from __future__ import annotations

import os
import time
from functools import wraps
from typing import Any, Callable, Iterator, TypeVar

ENV_VAR = "JSONL_LINT_TIMING"
STARTUP_STAGE = "start-up (interpreter and imports)"
TABLE_ROWS = 25  # rows the terminal table shows unless the environment variable says otherwise
F = TypeVar("F", bound=Callable[..., Any])

_clock = time.perf_counter


class Timings:
    """Self time and calls per name. ``push``/``pop`` nest: a child's time is taken out
    of its parent's self time."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.kinds: dict[str, str] = {}  # name -> "rule" | "stage"
        self._stack: list[list] = []  # [name, start, time of children]
        self.processes = 1
        self.wall = 0.0  # the whole run, set by whoever started it
        self.cpu = 0.0  # CPU time of the run's processes (user + system), when known

    def push(self, name: str) -> None:
        self._stack.append([name, _clock(), 0.0])

    def pop(self) -> None:
        name, start, children = self._stack.pop()
        elapsed = _clock() - start
        self.seconds[name] = self.seconds.get(name, 0.0) + elapsed - children
        self.calls[name] = self.calls.get(name, 0) + 1
        if self._stack:
            self._stack[-1][2] += elapsed

    def add(self, name: str, seconds: float, calls: int = 1, kind: str = "stage") -> None:
        """Time measured elsewhere (a phase with no parent on the stack)."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.calls[name] = self.calls.get(name, 0) + calls
        self.kinds.setdefault(name, kind)

    def merge(self, other: "Timings") -> None:
        """Add a worker's timings (its wall time counts as work of one more process)."""
        for name, seconds in other.seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + seconds
            self.calls[name] = self.calls.get(name, 0) + other.calls.get(name, 0)
        for name, kind in other.kinds.items():
            self.kinds.setdefault(name, kind)

    def __getstate__(self) -> dict:
        return {"seconds": self.seconds, "calls": self.calls, "kinds": self.kinds}

    def __setstate__(self, state: dict) -> None:
        self.__init__()
        self.seconds, self.calls, self.kinds = state["seconds"], state["calls"], state["kinds"]

    # -- reading -------------------------------------------------------------------
    @property
    def measured(self) -> float:
        return sum(self.seconds.values())

    def rows(self) -> list[dict]:
        """Every rule and stage, slowest first, with its share of the measured work."""
        total = self.measured or 1.0
        rows = [{"name": name, "kind": self.kinds.get(name, "stage"), "seconds": round(seconds, 6),
                 "share": round(seconds / total, 6), "calls": self.calls.get(name, 0)}
                for name, seconds in self.seconds.items()]
        rows.sort(key=lambda r: (-r["seconds"], r["name"]))
        return rows

    def as_dict(self) -> dict:
        return {"wall_seconds": round(self.wall, 6), "cpu_seconds": round(self.cpu, 6),
                "measured_seconds": round(self.measured, 6), "processes": self.processes, "rows": self.rows()}

    def table(self, limit: int | None = TABLE_ROWS) -> str:
        """A plain-text table for the terminal (``limit`` rows, the rest summed)."""
        rows = self.rows()
        shown = rows if limit is None else rows[:limit]
        rest = rows[len(shown):]
        head = (f"Timings: {self.wall:.2f} s wall, {self.cpu:.2f} s CPU, {self.measured:.2f} s of measured work in "
                f"{self.processes} process{'es' if self.processes != 1 else ''} (shares are of the measured work)")
        lines = [head, f"{'rule or stage':<42} {'seconds':>9} {'share':>7} {'calls':>10}"]
        for r in shown:
            label = r["name"] if r["kind"] == "stage" else f"{r['name']} (rule)"
            lines.append(f"{label:<42} {r['seconds']:>9.3f} {100 * r['share']:>6.1f}% {r['calls']:>10,}")
        if rest:
            seconds = sum(r["seconds"] for r in rest)
            share = sum(r["share"] for r in rest)
            lines.append(f"{f'{len(rest)} more':<42} {seconds:>9.3f} {100 * share:>6.1f}%")
        return "\n".join(lines) + "\n"


_current: Timings | None = None


def enabled() -> bool:
    return _current is not None


def current() -> Timings | None:
    return _current


def start(timings: Timings | None = None) -> Timings:
    """Turn timing on in this process (a fresh :class:`Timings` unless one is given)."""
    global _current
    _current = timings if timings is not None else Timings()
    return _current


def stop() -> Timings | None:
    global _current
    found, _current = _current, None
    return found


def env_rows() -> int | None | bool:
    """What ``JSONL_LINT_TIMING`` asks for: False (unset or 0), else the rows to show
    (a number, or None for "all")."""
    value = os.environ.get(ENV_VAR, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value == "all":
        return None
    return int(value) if value.isdigit() and int(value) > 1 else TABLE_ROWS


def cpu_seconds() -> float:
    """User and system time of this process and its finished children (workers)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def since_process_start() -> float | None:
    """Seconds since this process started (Linux; None elsewhere): the interpreter's own
    start and the imports before the first line of the command ran."""
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def stage(name: str) -> Callable[[F], F]:
    """Charge the decorated function's self time to ``name`` when timing is on."""

    def decorate(fn: F) -> F:
        @wraps(fn)
        def timed(*args, **kwargs):
            t = _current
            if t is None:
                return fn(*args, **kwargs)
            t.push(name)
            try:
                return fn(*args, **kwargs)
            finally:
                t.pop()

        timed.__wrapped__ = fn
        return timed  # type: ignore[return-value]

    return decorate


def timed_iter(name: str, items: Iterator) -> Iterator:
    """``items`` with the time spent producing each item charged to ``name`` (a reader)."""
    t = _current
    if t is None:
        yield from items
        return
    it = iter(items)
    while True:
        t.push(name)
        try:
            item = next(it)
        except StopIteration:
            t.pop()
            return
        t.pop()
        yield item


class section:
    """``with section("name"):`` charges the block's self time to ``name`` (no-op when off)."""

    __slots__ = ("name", "t")

    def __init__(self, name: str):
        self.name = name
        self.t = _current

    def __enter__(self) -> None:
        if self.t is not None:
            self.t.push(self.name)

    def __exit__(self, *exc) -> None:
        if self.t is not None:
            self.t.pop()
