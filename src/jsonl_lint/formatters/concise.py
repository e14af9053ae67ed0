from __future__ import annotations

from .base import Formatter, group_repeats, grouped_line, summary_line


class ConciseFormatter(Formatter):
    """``path:line:col: CODE [severity] message``, one finding per line (identical
    findings once, with how many more there are and where)."""

    def write_report(self, report) -> None:
        w = self.stream.write
        shown = group_repeats(report.diagnostics, self.group)
        for s in shown:
            d = s.diagnostic
            more = f" ({s.repeats_text()})" if s.repeats else ""
            w(f"{d.filename}:{d.location.line}:{d.location.column}: {d.code} [{d.severity.value}] {self.shown(d.message, d)}{more}\n")
        w(summary_line(report) + "\n")
        if note := grouped_line(shown):
            w(note + "\n")
