"""Dataset statistics for `jsonl-lint stats` and `jsonl-lint report`.

One pass over the files (split by byte range across processes for large JSONL files,
like the engine); workers send back one small tuple per example, never records.
"""

from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Iterable

from ..config import Settings
from ..reader import is_json_array_path, iter_lines_offsets, open_binary, read_records
from . import count_record, estimate_cost, target
from .cost import CostEstimate, billable

PARALLEL_MIN_BYTES = 16 << 20
PERCENTILES = (("min", 0), ("p5", 5), ("p50", 50), ("p95", 95), ("max", 100))
PERCENTILE_METHOD = "nearest rank (the value at rank ceil(p/100 x n) of the sorted counts)"


@dataclass(slots=True)
class ExampleRow:
    path: str
    line: int
    index: int
    format: str
    turns: int
    system: bool
    total: int
    trained: int
    images: int
    approximate: bool

    def as_dict(self) -> dict:
        return {"file": self.path, "line": self.line, "index": self.index, "format": self.format,
                "turns": self.turns, "total": self.total, "trained": self.trained}


@dataclass
class FileCounts:
    path: str
    group: str
    records: int = 0
    blank: int = 0
    invalid: int = 0
    unknown: int = 0


@dataclass
class DatasetStats:
    settings: Settings
    files: list[FileCounts]
    rows: list[ExampleRow]
    limit: int | None
    near_threshold: float
    cost: CostEstimate | None = None
    extras: dict = field(default_factory=dict)

    # -- derived ---------------------------------------------------------------------
    @property
    def train_rows(self) -> list[ExampleRow]:
        groups = {f.path: f.group for f in self.files}
        return [r for r in self.rows if groups.get(r.path, "train") == "train"]

    def formats(self) -> Counter:
        return Counter(r.format for r in self.rows)

    def percentiles(self, values: list[int]) -> dict[str, int]:
        return percentiles(values)

    def over(self) -> list[ExampleRow]:
        return [r for r in self.rows if self.limit is not None and r.total > self.limit]

    def near(self) -> list[ExampleRow]:
        if self.limit is None:
            return []
        return [r for r in self.rows if self.near_threshold * self.limit <= r.total <= self.limit]

    def as_dict(self, per_example: bool = True) -> dict:
        t = target(self.settings)
        totals = [r.total for r in self.rows]
        trained = [r.trained for r in self.rows]
        data = {
            "model": self.settings.model,
            "tokenizer": t.counter.source,
            "encoding": t.counter.name,
            "exact": t.exact,
            "approximate_reason": t.counter.reason or None,
            "limit": self.limit,
            "limit_source": t.limit_source,
            "files": [{"file": f.path, "group": f.group, "records": f.records, "blank": f.blank,
                       "invalid": f.invalid, "unknown_format": f.unknown} for f in self.files],
            "records": sum(f.records for f in self.files),
            "examples": len(self.rows),
            "formats": dict(self.formats()),
            "turns": sum(r.turns for r in self.rows),
            "examples_with_system": sum(1 for r in self.rows if r.system),
            "examples_without_system": sum(1 for r in self.rows if not r.system),
            "tokens_per_example": percentiles(totals),
            "trained_tokens_per_example": percentiles(trained),
            "percentile_method": PERCENTILE_METHOD,
            "total_tokens": sum(totals),
            "trained_tokens": sum(trained),
            "image_tokens_estimated": sum(r.images for r in self.rows),
            "over_limit": len(self.over()),
            "near_limit": len(self.near()),
            "near_limit_threshold": self.near_threshold,
            "cost": self.cost.as_dict() if self.cost else None,
        }
        if per_example:
            data["per_example"] = [r.as_dict() for r in self.rows]
        return data


def percentiles(values: list[int]) -> dict[str, int]:
    """min, p5, p50, p95, max by nearest rank: every reported value is a real example's count."""
    if not values:
        return {name: None for name, _ in PERCENTILES}  # no examples: nothing to report
    s = sorted(values)
    out = {}
    for name, p in PERCENTILES:
        rank = max(1, -(-p * len(s) // 100))  # ceil(p/100 * n), at least 1
        out[name] = s[min(rank, len(s)) - 1]
    return out


# -- collection ---------------------------------------------------------------------------

def _rows_of(path: str, group: str, settings: Settings, start: int = 0, end: int | None = None, line: int = 1,
             index: int = 0) -> tuple[FileCounts, list[ExampleRow]]:
    counts = FileCounts(path, group)
    rows: list[ExampleRow] = []
    with open_binary(path) as stream:
        if start:
            stream.seek(start)
        for record in read_records(stream, path, start_line=line, start_offset=start, end_offset=end,
                                   start_index=index):
            counts.records += 1
            if record.blank:
                counts.blank += 1
                continue
            if not record.parsed:
                counts.invalid += 1
                continue
            example = record.example
            if example is None:
                counts.unknown += 1
                continue
            c = count_record(record, settings)
            rows.append(ExampleRow(path, record.line, record.ref.index, example.format, len(example.all_turns),
                                   any(t.role in ("system", "developer") for t in example.turns), c.total,
                                   c.trained, c.images, c.approximate))
    return counts, rows


def _worker(args):
    settings, path, group, start, end, line, index = args
    return _rows_of(path, group, settings, start, end, line, index)


def collect(files: Iterable[str], settings: Settings, *, jobs: int | None = None,
            near_threshold: float | None = None, epochs: int | None = None) -> DatasetStats:
    from ..engine import group_of

    files = list(files)
    t = target(settings)  # load the encoding before forking workers
    limit = _rule_option(settings, ("JL601", "example-over-token-limit"), "limit") or t.limit
    if near_threshold is None:
        near_threshold = _rule_option(settings, ("JL602", "example-near-token-limit"), "threshold") or 0.9
    jobs = settings.jobs if jobs is None else jobs
    size = sum(os.path.getsize(f) for f in files if os.path.exists(f))
    if jobs <= 0:
        jobs = (os.cpu_count() or 1) if size >= PARALLEL_MIN_BYTES else 1
    tasks = []
    for path in files:
        group = group_of(path, settings)
        if jobs > 1 and not (is_json_array_path(path) or path.endswith(".gz")):
            for start, end, line, index in iter_lines_offsets(path, jobs):
                tasks.append((settings, path, group, start, end, line, index))
        else:
            tasks.append((settings, path, group, 0, None, 1, 0))
    if jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_worker, tasks))
    else:
        results = [_worker(task) for task in tasks]
    by_path: dict[str, FileCounts] = {}
    rows: list[ExampleRow] = []
    for counts, part in results:
        merged = by_path.setdefault(counts.path, FileCounts(counts.path, counts.group))
        merged.records += counts.records
        merged.blank += counts.blank
        merged.invalid += counts.invalid
        merged.unknown += counts.unknown
        rows.extend(part)
    stats = DatasetStats(settings, [by_path[f] for f in files if f in by_path], rows, limit, near_threshold)
    train = stats.train_rows
    billed = sum(billable(r.total, limit) for r in train)
    stats.cost = estimate_cost(billed, len(train), settings.model, epochs=epochs, prices=settings.prices)
    return stats


def _rule_option(settings: Settings, keys: tuple[str, str], option: str):
    for key in keys:
        value = settings.rules.get(key, {}).get(option)
        if value is not None:
            return value
    return None
