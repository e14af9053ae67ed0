from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..engine import Report


class Formatter:
    """Lifecycle: ``write_report(report)`` renders a whole run to ``self.stream``."""

    def __init__(self, stream: TextIO, *, sources: dict[str, str] | None = None, color: bool = False,
                 show_fixes: bool = True):
        self.stream = stream
        self.sources = sources or {}  # in-memory texts by path (stdin, tests)
        self.color = color
        self.show_fixes = show_fixes

    def write_report(self, report: "Report") -> None:
        raise NotImplementedError


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary_line(report: "Report") -> str:
    from ..diagnostics import Severity

    counts = [(report.count(s), s.value) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
    records = sum(f.records - f.blank for f in report.files)
    where = f"{plural(len(report.files), 'file')} ({plural(records, 'record')})"
    if not report.diagnostics:
        return f"All checks passed: {where}."
    parts = ", ".join(plural(n, "error" if name == "error" else name if name == "info" else "warning")
                      .replace("infos", "info") for n, name in counts if n)
    fixable = sum(1 for d in report.diagnostics if d.fix is not None and d.fix.applicability.value == "safe")
    line = f"Found {parts} in {where}."
    if fixable:
        line += f"\n[*] {plural(fixable, 'finding')} fixable with `jsonl-lint check --fix`."
    return line
