from __future__ import annotations

from .base import Formatter, summary_line


class ConciseFormatter(Formatter):
    """``path:line:col: CODE [severity] message``, one finding per line."""

    def write_report(self, report) -> None:
        w = self.stream.write
        for d in report.diagnostics:
            w(f"{d.filename}:{d.location.line}:{d.location.column}: {d.code} [{d.severity.value}] {d.message}\n")
        w(summary_line(report) + "\n")
