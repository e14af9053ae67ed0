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
from typing import Callable, Iterable, Iterator

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

    def _path_id(self, path: str) -> int:
        pid = self._ids.get(path)
        if pid is None:
            pid = self._ids[path] = len(self.paths)
            self.paths.append(path)
        return pid

    def add(self, ref: RecordRef, cplen: int) -> None:
        self.rows.extend((self._path_id(ref.path), ref.index, ref.line, ref.column, ref.offset, ref.length, cplen))

    def add_many(self, refs: Iterable[RecordRef], cplens: Iterable[int]) -> None:
        rows, ids = [], self._ids
        for ref, cplen in zip(refs, cplens):
            pid = ids.get(ref.path)  # the common case inline: this runs for every record
            if pid is None:
                pid = self._path_id(ref.path)
            rows += (pid, ref.index, ref.line, ref.column, ref.offset, ref.length, cplen)
        self.rows.extend(rows)

    def ref(self, i: int) -> RecordRef:
        r = self.rows[i * _FIELDS: (i + 1) * _FIELDS]
        return RecordRef(self.paths[r[0]], r[1], r[2], r[3], r[4], r[5])

    def refs(self, start: int, stop: int) -> list[RecordRef]:
        """The locations of rows ``start`` to ``stop``."""
        rows, paths = self.rows[start * _FIELDS: stop * _FIELDS].tolist(), self.paths
        return [RecordRef(paths[rows[k]], *rows[k + 1: k + 6]) for k in range(0, len(rows), _FIELDS)]

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
    from ..reader import parse_text

    out: dict[int, object] = {}
    for key, chunk in reread_bytes(refs).items():
        try:
            out[key] = orjson.loads(chunk)
        except orjson.JSONDecodeError:
            value, problem = parse_text(chunk.decode("utf-8", "replace"))
            if problem is None:
                out[key] = value
    return out


def reread_bytes(refs: Iterable[tuple[int, RecordRef]]) -> dict[int, bytes]:
    """The bytes of records by their byte ranges, read in offset order, one pass per
    file: {key: bytes}. Records that cannot be read are left out."""
    from .. import sources
    from ..config import ConfigError
    from ..reader import open_binary

    by_path: dict[str, list[tuple[int, RecordRef]]] = {}
    for key, ref in refs:
        by_path.setdefault(ref.path, []).append((key, ref))
    out: dict[int, bytes] = {}
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
        out.update((key, chunk) for (key, _), chunk in zip(items, chunks))
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

    def keep_many(self, base: int, parts: Iterable[tuple[str, ...]]) -> None:
        """``keep`` for rows ``base``, ``base + 1``, ...; nothing when no text is kept (a task)."""
        if self.budget:
            for j, p in enumerate(parts):
                self.keep(base + j, p)

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


def repeated(key: np.ndarray) -> Iterator[np.ndarray]:
    """The rows of each key that occurs more than once, in key order, each run's rows in
    order. Rows of a key that occurs once are never materialized (np.split over every run
    built an array per record)."""
    order = np.argsort(key, kind="stable")
    k = key[order]
    brk = np.flatnonzero(k[1:] != k[:-1]) + 1
    starts, ends = np.concatenate(([0], brk)), np.append(brk, len(k))
    many = np.flatnonzero(ends - starts > 1)
    for s, e in zip(starts[many].tolist(), ends[many].tolist()):
        yield order[s:e]


def group_id(names: list[str], group: str) -> int:
    """The small id of a dataset group ("train", "validation", ...), added on first use."""
    try:
        return names.index(group)
    except ValueError:
        names.append(group)
        return len(names) - 1


def group_ids(names: list[str], groups: Iterable[str]) -> list[int]:
    """``group_id`` of each of ``groups`` (a batch's records: one lookup a distinct group)."""
    ids: dict[str, int] = {}
    return [ids[g] if g in ids else ids.setdefault(g, group_id(names, g)) for g in groups]


def merge_groups(names: list[str], ids: array, other_names: list[str], other_ids: Iterable[int]) -> None:
    """Append another state's per-record group ids to ``ids``, renumbered into ``names``."""
    remap = [group_id(names, g) for g in other_names]
    ids.extend(remap[g] for g in other_ids)


_DICT = object()  # marks the interning key of a dict value
_CHUNK = 4096  # rows added, and materialized while iterating, at a time


class _Column:
    """One field of a ``RowTable``: plain ints in an array (4 bytes each while they fit),
    anything else as the index of its value among the column's distinct values."""

    __slots__ = ("ints", "ids", "values", "_index")

    def __init__(self) -> None:
        self.ints: array | None = array("i")
        self.ids: array | None = None
        self.values: list = []
        self._index: dict | None = {}

    def add(self, values) -> None:
        if self.ints is not None:
            block = self._ints(values) if all(type(v) is int for v in values) else None  # not bool: True stays True
            if block is not None:
                if block.typecode != self.ints.typecode:
                    self.ints = array(block.typecode, self.ints)
                self.ints += block
                return
            self._to_ids()
        self.ids.extend(map(self._id, values))

    def _ints(self, values) -> array | None:
        """``values`` as an array as wide as this column, or 64 bits wide; None when they do not fit."""
        for typecode in (self.ints.typecode, "q"):
            try:
                return array(typecode, values)
            except OverflowError:
                pass
        return None

    def _to_ids(self) -> None:
        self.ids = array("I", map(self._id, self.ints.tolist()))
        self.ints = None

    def _id(self, value) -> int:
        index = self.index()
        try:
            key = (_DICT, tuple(value.items())) if type(value) is dict else (type(value), value)
            found = index.get(key)
        except TypeError:  # unhashable: kept once per row
            key = found = None
        if found is None:
            found = len(self.values)
            self.values.append(value)
            if key is not None:
                index[key] = found
        return found

    def index(self) -> dict:
        if self._index is None:  # after unpickling: rebuilt on the first addition
            self._index, values, self.values = {}, self.values, []
            for v in values:
                self._id(v)
        return self._index

    def extend(self, other: "_Column") -> None:
        if other.ints is not None:
            self.add(other.ints)
            return
        if self.ints is not None:
            self._to_ids()
        remap = np.array([self._id(v) for v in other.values], dtype=np.uint32)
        self.ids.frombytes(remap[np.frombuffer(other.ids, dtype=np.uint32)].tobytes())

    def chunk(self, start: int, stop: int) -> list:
        if self.ints is not None:
            return self.ints[start:stop].tolist()
        values = self.values
        return [values[i] for i in self.ids[start:stop].tolist()]

    def __getstate__(self):
        return self.ints, self.ids, self.values

    def __setstate__(self, state):
        self.ints, self.ids, self.values = state
        self._index = None


class RowTable:
    """Per-record rows of a dataset rule, used like a list of ``(RecordRef, row)``
    pairs (append, len, index, iterate) but held in columns: locations in a
    ``RefTable``, each field of the rows (a NamedTuple type) as ints or as indices of
    its distinct values (pointers, kinds, key sets and empty evidence repeat). A
    record costs tens of bytes instead of the hundreds its objects take. Rows are
    added to the columns a chunk at a time (one call per column, not per value)."""

    def __init__(self, row_type: type) -> None:
        self.row_type = row_type
        self.refs = RefTable()
        self.columns = [_Column() for _ in row_type._fields]
        self._pending: list[tuple] = []

    def append(self, item: tuple) -> None:
        self._pending.append(item)
        if len(self._pending) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            refs, rows = zip(*pending)
            for ref in refs:
                self.refs.add(ref, 0)
            for column, values in zip(self.columns, zip(*rows)):
                column.add(values)

    def __len__(self) -> int:
        return len(self.refs) + len(self._pending)

    @staticmethod
    def merged(tables: list["RowTable"], row_type: type) -> "RowTable":
        """The rows of ``tables`` in order, gathered in the first of them: a run merges
        its own copies of the tasks' states, and extending one in place never holds the
        rows twice (a new table would, while it is filled)."""
        if not tables:
            return RowTable(row_type)
        out = tables[0]
        for t in tables[1:]:
            out.extend(t)
        return out

    def extend(self, other: "RowTable") -> None:
        self._flush()
        other._flush()
        self.refs.extend(other.refs)
        for mine, theirs in zip(self.columns, other.columns):
            mine.extend(theirs)

    def __getitem__(self, i: int) -> tuple:
        self._flush()
        if i < 0:
            i += len(self)
        return self.refs.ref(i), self.row_type._make(c.chunk(i, i + 1)[0] for c in self.columns)

    def __iter__(self):
        self._flush()
        make, n = self.row_type._make, len(self)
        for start in range(0, n, _CHUNK):
            stop = min(n, start + _CHUNK)
            yield from zip(self.refs.refs(start, stop), map(make, zip(*(c.chunk(start, stop) for c in self.columns))))

    def column(self, name: str) -> list:
        """One field of every row, in row order (a finish that reads a few fields of all
        rows reads them without making each row)."""
        self._flush()
        return self.columns[self.row_type._fields.index(name)].chunk(0, len(self))

    def rows(self):
        """The rows without their locations."""
        self._flush()
        make, n = self.row_type._make, len(self)
        for start in range(0, n, _CHUNK):
            yield from map(make, zip(*(c.chunk(start, min(n, start + _CHUNK)) for c in self.columns)))

    def __getstate__(self):
        self._flush()
        return self.__dict__
