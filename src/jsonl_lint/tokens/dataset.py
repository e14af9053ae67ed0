"""Dataset statistics for `jsonl-lint stats` and `jsonl-lint report`.

One engine pass with an internal dataset rule that keeps one small row per example:
the engine splits large JSONL files across processes and merges the rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from ..config import Settings
from ..diagnostics import line_shift
from ..sources import display
from ..engine import Engine, FileSummary
from ..registry import RulePack
from ..rule import DatasetRule
from . import count_record, count_records, estimate_cost, target
from .cost import CostEstimate, billable

PERCENTILES = (("min", 0), ("p5", 5), ("p50", 50), ("p95", 95), ("max", 100))
PERCENTILE_METHOD = "nearest rank: the value at rank ceil(p/100 x n) of the sorted counts"


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

    def __reduce__(self):
        return _example_row, tuple(getattr(self, f) for f in self.__slots__)

    def as_dict(self) -> dict:
        return {"file": display(self.path), "line": self.line, "index": self.index, "format": self.format,
                "turns": self.turns, "total": self.total, "trained": self.trained}


def _example_row(path: str, line: int, index: int, *rest) -> ExampleRow:
    """Unpickle a row; rows of a byte-range task get the lines before the task added
    (``diagnostics.lines_shifted``)."""
    shift = line_shift()
    return ExampleRow(path, line + shift, index + shift, *rest)


@dataclass
class DatasetStats:
    settings: Settings
    files: list[FileSummary]
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
            "files": [{"file": display(f.path), "group": f.group, "records": f.records, "blank": f.blank,
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

class _ExampleRows(DatasetRule[list]):
    """Internal (not registered): one ExampleRow per example, in file order."""

    code = "STATS000"
    name = "example-rows"
    summary = "Per-example token counts for stats"
    requires = "example"

    def initial(self, ctx) -> list:
        return []

    def collect(self, state: list, record, ctx) -> None:
        example = record.example
        c = count_record(record, ctx.settings)
        state.append(ExampleRow(record.path, record.line, record.ref.index, example.format, len(example.all_turns),
                                any(t.role in ("system", "developer") for t in example.turns), c.total,
                                c.trained, c.images, c.approximate))

    def merge(self, states: list[list]) -> list:
        return [row for state in states for row in state]

    def finish(self, state: list, ctx):
        self.rows = state  # finish runs once, in the parent process
        return ()

    def prepare(self, settings: Settings) -> None:
        target(settings)  # load the encoding before workers fork

    def prefetch(self, records, ctx) -> None:
        count_records(records, ctx.settings)  # a chunk of records in one tokenizer loop


def collect(files: Iterable[str], settings: Settings, *, jobs: int | None = None,
            near_threshold: float | None = None, epochs: int | None = None, progress=None) -> DatasetStats:
    files = list(files)
    t = target(settings)
    limit = _rule_option(settings, ("JL601", "example-over-token-limit"), "limit") or t.limit
    if near_threshold is None:
        near_threshold = _rule_option(settings, ("JL602", "example-near-token-limit"), "threshold") or 0.9
    rows = _ExampleRows()
    report = Engine(settings, RulePack((), (rows,), {}, settings)).run(files, jobs=jobs, progress=progress)
    stats = DatasetStats(settings, report.files, rows.rows, limit, near_threshold)
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
