from __future__ import annotations

import os
from collections import Counter

from ..diagnostics import Severity
from .base import Formatter, group_repeats, grouped_line, summary_line

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


class GithubFormatter(Formatter):
    """GitHub Actions workflow commands (annotations), errors first because GitHub
    shows a limited number per step, and identical findings as one annotation so the
    cap is spent on distinct problems. A markdown summary goes to ``summary_stream``
    (the CLI opens ``$GITHUB_STEP_SUMMARY`` for it)."""

    def __init__(self, stream, *, summary_stream=None, **kwargs):
        super().__init__(stream, **kwargs)
        self.summary_stream = summary_stream

    def write_report(self, report) -> None:
        ordered = sorted(report.diagnostics, key=lambda d: (-d.severity.rank,) + d.sort_key())
        shown = group_repeats(ordered, self.group)
        for s in shown:
            d = s.diagnostic
            message = self.shown(d.message, d) + (f" ({s.repeats_text()})" if s.repeats else "")
            props = (f"file={_escape_property(_rel(d.filename))},line={d.location.line},col={d.location.column},"
                     f"endLine={d.end_location.line},endColumn={d.end_location.column},"
                     f"title={_escape_property(f'{d.code} {d.name}')}")
            self.stream.write(f"::{_LEVEL[d.severity]} {props}::{_escape_data(message)}\n")
        self.stream.write(summary_line(report) + "\n")
        if note := grouped_line(shown):
            self.stream.write(note + "\n")
        if self.summary_stream is not None:
            self.summary_stream.write(markdown_summary(report))


def _rel(path: str) -> str:
    return os.path.relpath(path) if os.path.isabs(path) else path


def markdown_summary(report) -> str:
    lines = ["## jsonl-lint", "", summary_line(report).replace("\n", "  \n"), ""]
    if report.diagnostics:
        by_rule = Counter((d.code, d.name, d.severity.value) for d in report.diagnostics)
        lines += ["| rule | severity | findings |", "| --- | --- | ---: |"]
        for (code, name, sev), n in sorted(by_rule.items(), key=lambda kv: -kv[1]):
            lines.append(f"| `{code}` {name} | {sev} | {n:,} |")
        lines.append("")
    return "\n".join(lines) + "\n"
