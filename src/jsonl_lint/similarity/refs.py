"""Compact record locations and re-reading records for verification.

Dataset states keep one row of integers per record instead of ``RecordRef``
objects, and texts only within a memory budget: records beyond it are read again
from their byte range (in offset order, one pass per file) when ``finish`` needs
the texts of candidate pairs. A re-read record whose text no longer matches the
hash taken during the pass (the file changed, or the run was on unsaved text) is
treated as unavailable, never compared against the wrong text.
"""

from __future__ import annotations

import os
from array import array
from typing import Callable, Iterable

import numpy as np
import orjson

from ..diagnostics import RecordRef, byte_shift, line_shift

_FIELDS = 7  # path id, index, line, column, offset, byte length, code-point length


class RefTable:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self._ids: dict[str, int] = {}
        self.rows = array("q")

    def __len__(self) -> int:
        return len(self.rows) // _FIELDS

    def add(self, ref: RecordRef, cplen: int) -> None:
        pid = self._ids.get(ref.path)
        if pid is None:
            pid = self._ids[ref.path] = len(self.paths)
            self.paths.append(ref.path)
        self.rows.extend((pid, ref.index, ref.line, ref.column, ref.offset, ref.length, cplen))

    def ref(self, i: int) -> RecordRef:
        r = self.rows[i * _FIELDS: (i + 1) * _FIELDS]
        return RecordRef(self.paths[r[0]], r[1], r[2], r[3], r[4], r[5])

    def path_id(self, i: int) -> int:
        return self.rows[i * _FIELDS]

    def cplen(self, i: int) -> int:
        return self.rows[i * _FIELDS + 6]

    def extend(self, other: "RefTable") -> None:
        remap = []
        for p in other.paths:
            pid = self._ids.get(p)
            if pid is None:
                pid = self._ids[p] = len(self.paths)
                self.paths.append(p)
            remap.append(pid)
        rows = other.rows
        if remap == list(range(len(remap))):
            self.rows.extend(rows)
            return
        for k in range(0, len(rows), _FIELDS):
            self.rows.append(remap[rows[k]])
            self.rows.extend(rows[k + 1: k + _FIELDS])

    def subset(self, rows) -> "RefTable":
        """The rows at the given positions, in that order."""
        out = RefTable()
        out.paths, out._ids = list(self.paths), dict(self._ids)
        table = np.frombuffer(self.rows, dtype=np.int64).reshape(-1, _FIELDS)
        out.rows.frombytes(table[np.asarray(rows, dtype=np.int64)].tobytes())
        return out

    def __getstate__(self):
        return self.paths, self.rows

    def __setstate__(self, state):
        self.paths, self.rows = state
        self._ids = {p: i for i, p in enumerate(self.paths)}
        shift, moved = line_shift(), byte_shift()  # a task's rows, moved to their lines (and bytes) in the file
        if (shift or moved) and self.rows:
            rows = np.frombuffer(self.rows, dtype=np.int64).reshape(-1, _FIELDS)
            rows[:, 1:3] += shift  # index and line
            rows[:, 4] += moved  # byte offset


def reread(refs: Iterable[tuple[int, RecordRef]]) -> dict[int, object]:
    """Parsed JSON values of records by their byte ranges: {key: value}. Records
    that cannot be read or parsed are left out."""
    from .. import sources
    from ..config import ConfigError
    from ..reader import open_binary, parse_text

    by_path: dict[str, list[tuple[int, RecordRef]]] = {}
    for key, ref in refs:
        by_path.setdefault(ref.path, []).append((key, ref))
    out: dict[int, object] = {}
    for path, items in by_path.items():
        items.sort(key=lambda kr: kr[1].offset)
        try:
            if path in sources.in_memory:
                data = sources.in_memory[path]
                chunks = [data[ref.offset: ref.offset + ref.length] for _, ref in items]
            elif sources.is_remote(path) and not sources.is_compressed(path):
                chunks = sources.read_ranges(path, [(ref.offset, ref.length) for _, ref in items])
            else:
                if not os.path.isfile(path) and not sources.is_remote(path):
                    continue
                chunks = []
                with open_binary(path) as f:
                    pos = 0
                    for _, ref in items:
                        if sources.is_compressed(path):
                            if ref.offset < pos:
                                chunks.append(b"")
                                continue
                            f.read(ref.offset - pos)
                        else:
                            f.seek(ref.offset)
                        chunks.append(f.read(ref.length))
                        pos = ref.offset + len(chunks[-1])
        except (OSError, EOFError, ValueError, ConfigError):
            continue
        for (key, _), chunk in zip(items, chunks):
            try:
                out[key] = orjson.loads(chunk)
            except orjson.JSONDecodeError:
                value, problem = parse_text(chunk.decode("utf-8", "replace"))
                if problem is None:
                    out[key] = value
    return out


class TextStore:
    """Texts of records kept in memory up to ``budget`` characters per state;
    the rest are re-read on demand and checked against ``hashes``."""

    def __init__(self, budget: int):
        self.budget = budget
        self.used = 0
        self.texts: dict[int, tuple[str, ...]] = {}

    def keep(self, i: int, parts: tuple[str, ...]) -> None:
        size = sum(len(p) for p in parts)
        if self.used + size <= self.budget:
            self.texts[i] = parts
            self.used += size

    def shifted(self, offset: int) -> dict[int, tuple[str, ...]]:
        return {i + offset: t for i, t in self.texts.items()}

    def subset(self, rows) -> "TextStore":
        """The texts of the given rows, renumbered by their position in ``rows``."""
        out = TextStore(self.budget)
        out.texts = {i: self.texts[r] for i, r in enumerate(rows) if r in self.texts}
        out.used = sum(len(p) for t in out.texts.values() for p in t)
        return out

    def merge(self, other: "TextStore", offset: int) -> None:
        self.texts.update(other.shifted(offset))
        self.used += other.used

    def fetch(self, keys: Iterable[int], refs: RefTable, extract: Callable[[object], tuple[str, ...] | None],
              check: Callable[[int, tuple[str, ...]], bool]) -> dict[int, tuple[str, ...]]:
        """Texts of ``keys``: from memory, else re-read and kept when ``check(key, parts)``
        confirms they are the texts seen during the pass."""
        out: dict[int, tuple[str, ...]] = {}
        missing = []
        for k in keys:
            t = self.texts.get(k)
            if t is not None:
                out[k] = t
            else:
                missing.append(k)
        missing.sort(key=lambda k: (refs.path_id(k), refs.rows[k * _FIELDS + 4]))
        for s in range(0, len(missing), 4096):  # parsed values only for one chunk at a time
            values = reread((k, refs.ref(k)) for k in missing[s:s + 4096])
            for k, value in values.items():
                parts = extract(value)
                if parts is not None and check(k, parts):
                    out[k] = parts
        return out


def group_id(names: list[str], group: str) -> int:
    """The small id of a dataset group ("train", "validation", ...), added on first use."""
    try:
        return names.index(group)
    except ValueError:
        names.append(group)
        return len(names) - 1


def merge_groups(names: list[str], ids: array, other_names: list[str], other_ids: Iterable[int]) -> None:
    """Append another state's per-record group ids to ``ids``, renumbered into ``names``."""
    remap = [group_id(names, g) for g in other_names]
    ids.extend(remap[g] for g in other_ids)
