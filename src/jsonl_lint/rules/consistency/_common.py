"""Shared pieces of the JL4xx rules: options, state of profile-based rules, and the
robust outlier test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from pydantic import Field

from ...rule import Context, DatasetRule, Options
from ...similarity.refs import RowTable
from ...style.profile import StyleProfile, memoized_profile, profile_record
from ...style.stats import Summary, fmt, pct, summarize

DEFAULT_MIN_RECORDS = 50


class ConsistencyOptions(Options):
    min_records: int = Field(DEFAULT_MIN_RECORDS, ge=1, description=(
        "Minimum number of measured records before the rule reports anything; below it "
        "the dataset's distribution means too little and the rule stays quiet."))
    rare_share: float = Field(0.05, gt=0, le=0.5, description=(
        "A record is only an outlier when at most this share of the dataset is like it "
        "(more than that is the dataset's style, not an accident)."))
    max_findings: int = Field(200, ge=0, description="Report at most this many records, the most extreme first (0: all).")


class OutlierOptions(ConsistencyOptions):
    z: float = Field(3.5, gt=0, description=(
        "Robust z-score threshold: distance from the dataset's median in units of its "
        "scaled median absolute deviation."))


class Columns:
    """The fields of a ``RowTable``'s rows as float arrays, each read on first use: a
    dimension is computed for every row at once, not row by row."""

    def __init__(self, table: RowTable) -> None:
        self._table = table
        self._read: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str) -> np.ndarray:
        read = self.__dict__["_read"]
        if name not in read:
            if name not in self._table.row_type._fields:
                raise AttributeError(name)  # hasattr() and a typo read as for any object
            read[name] = np.asarray(self._table.column(name), dtype=float)
        return read[name]


def per100(count: np.ndarray, words: np.ndarray) -> np.ndarray:
    """``100.0 * count / words`` a row, 0.0 where ``words`` is 0 (the same floats as per row)."""
    return np.divide(100.0 * count, words, out=np.zeros(len(words)), where=words != 0)


@dataclass(frozen=True)
class Dim:
    """One measured quantity of a profile, tested on the high side."""

    key: str  # evidence category in the profile
    value: Callable[[Columns], np.ndarray]  # of every row
    count: Callable[[Columns], np.ndarray]  # raw count of every row, tested against min_count
    min_count: float
    min_value: float
    min_spread: float
    describe: Callable[[float, float, tuple], str]  # (value, count, markers) -> "uses 3 emoji ..."
    unit: str = ""


class ProfileRule(DatasetRule[RowTable]):
    """A dataset rule over the style profile: state is a table of ``(ref, Row)`` pairs."""

    requires = "example"
    Options = OutlierOptions
    Row: type  # the NamedTuple ``entry`` returns
    complete = False  # whether ``entry`` reads the profile's request, task or grade

    def initial(self, ctx: Context) -> RowTable:
        return RowTable(self.Row)

    def entry(self, profile: StyleProfile):
        raise NotImplementedError

    def collect(self, state: RowTable, record, ctx: Context) -> None:
        # the second rule to read a profile takes it from the record, without the call
        prof = False if self.complete else memoized_profile(record)
        if prof is False:
            prof = profile_record(record, self.complete)
        if prof is None:
            return
        e = self.entry(prof)
        if e is not None:
            state.append((record.ref, e))

    def merge(self, states: list[RowTable]) -> RowTable:
        return RowTable.merged(states, self.Row)

    def limit(self, found: list[tuple[float, object]]) -> list:
        """Most extreme first, capped by max-findings, then in file order."""
        found.sort(key=lambda sf: -sf[0])
        if self.options.max_findings:
            found = found[: self.options.max_findings]
        return [f for _, f in found]


def high_outliers(entries: RowTable, dims: tuple[Dim, ...], opts: OutlierOptions) -> dict[int, list]:
    """index -> [(z, dim, value, count, summary)] for entries unusual on the high side
    of a dimension. Every dimension is computed from the table's columns for all rows
    at once."""
    columns = Columns(entries)
    out: dict[int, list] = {}
    for dim in dims:
        v_all, c_all = dim.value(columns), dim.count(columns)
        summ = summarize(v_all)
        # At least twice the 90th percentile: intensity within a style (an emoji-heavy
        # dataset with a few more emoji) is not an outlier.
        skip = (c_all < dim.min_count) | (v_all < dim.min_value) | (v_all <= summ.median) | (v_all < 2 * summ.p90)
        for i in np.flatnonzero(~skip).tolist():
            v, c = float(v_all[i]), float(c_all[i])
            z = summ.z(v, dim.min_spread)
            if z < opts.z or summ.share_at_least(v) > opts.rare_share:
                continue
            out.setdefault(i, []).append((z, dim, v, c, summ))
    return out


def dataset_clause(summ: Summary, unit: str = "", low: bool = False) -> str:
    tail = f"p5 {fmt(summ.p5)}{unit}" if low else f"p95 {fmt(summ.p95)}{unit}"
    return f"this dataset's median is {fmt(summ.median)}{unit} ({tail})"


def none_clause(summ: Summary) -> str:
    zero = summ.share_at_most(0.0)
    return f", {pct(zero)} of replies have none" if zero >= 0.5 else ""


def markers_text(markers: tuple) -> str:
    return ", ".join(f"'{m}'" for m in markers)
