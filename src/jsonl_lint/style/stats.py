"""Robust statistics for judging a record against its dataset."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAD_SCALE = 1.4826  # MAD * this estimates the standard deviation of normal data


@dataclass(frozen=True)
class Summary:
    n: int
    median: float
    mad: float  # scaled
    p5: float
    p95: float
    p90: float
    values: np.ndarray  # sorted

    def share_at_least(self, x: float) -> float:
        """Share of values >= x."""
        if not self.n:
            return 0.0
        return float(self.n - np.searchsorted(self.values, x, side="left")) / self.n

    def share_at_most(self, x: float) -> float:
        if not self.n:
            return 0.0
        return float(np.searchsorted(self.values, x, side="right")) / self.n

    def z(self, x: float, min_spread: float) -> float:
        return (x - self.median) / max(self.mad, min_spread)


def summarize(values) -> Summary:
    arr = np.sort(np.asarray(values, dtype=float))
    if not arr.size:
        return Summary(0, 0.0, 0.0, 0.0, 0.0, 0.0, arr)
    med = float(np.median(arr))
    mad = float(np.median(np.abs(arr - med))) * MAD_SCALE
    p5, p90, p95 = (float(v) for v in np.quantile(arr, [0.05, 0.90, 0.95]))
    return Summary(int(arr.size), med, mad, p5, p95, p90, arr)


def fmt(x: float) -> str:
    """A number for a message: 1 decimal, thousands separators for large values."""
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}"


def pct(share: float) -> str:
    p = 100 * share
    if 0 < p < 1:
        return "<1%"
    if 99 < p < 100:
        return ">99%"
    return f"{p:.0f}%"
