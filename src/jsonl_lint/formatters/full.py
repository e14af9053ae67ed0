from __future__ import annotations

import itertools
from typing import Iterator

from ..diagnostics import Diagnostic, Severity
from .base import Formatter, group_repeats, grouped_line, summary_line

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"
EXCERPT_WIDTH = 100


class FullFormatter(Formatter):
    """Human output: location, code, severity, message, the line excerpt with a caret,
    the fix title, related locations, and how many identical findings it stands for."""

    def _c(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text

    def write_report(self, report) -> None:
        w = self.stream.write
        shown = group_repeats(report.diagnostics, self.group)
        on_line: dict[tuple[str, int], set] = {}  # an excerpt also shows the other records on its line
        for d in report.diagnostics:
            on_line.setdefault((d.filename, d.location.line), set()).update(d.secrets)
        for path, items in itertools.groupby(shown, key=lambda s: s.diagnostic.filename):
            items = list(items)
            lines = _lines_for(path, {s.diagnostic.location.line for s in items}, self.sources.get(path))
            for s in items:
                d = s.diagnostic
                head = self._c(_BOLD, f"{d.filename}:{d.location.line}:{d.location.column}:")
                sev = self._c(_COLORS[d.severity], f"{d.code} [{d.severity.value}]")
                w(f"{head} {sev} {self.shown(d.message, d)}\n")
                text = lines.get(d.location.line)
                if text:
                    w(_excerpt(d, self.shown(text, d, on_line[d.filename, d.location.line]), self._c))
                if d.fix is not None and self.show_fixes:
                    kind = "fix" if d.fix.applicability.value == "safe" else "unsafe fix"
                    w(f"  = {kind}: {self.shown(d.fix.title, d)}\n")
                for r in d.related:
                    w(f"  = related: {r.filename}:{r.location.line}:{r.location.column}: {self.shown(r.message, d)}\n")
                if s.repeats:
                    w(self._c(_BOLD, f"  = {s.repeats_text()}") + "\n")
                w(self._c(_DIM, f"  = help: {d.url}") + "\n\n")
        w(summary_line(report) + "\n")
        if note := grouped_line(shown):
            w(note + "\n")


def _excerpt(d: Diagnostic, text: str, c) -> str:
    col = d.location.column - 1
    end = d.end_location.column - 1 if d.end_location.line == d.location.line else len(text)
    end = max(end, col + 1)
    start = max(0, min(col - 30, len(text) - EXCERPT_WIDTH))
    shown = text[start:start + EXCERPT_WIDTH]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + EXCERPT_WIDTH < len(text) else ""
    shown = "".join(ch if ch.isprintable() else " " for ch in shown)
    gutter = str(d.location.line)
    caret_at = len(prefix) + col - start
    width = max(1, min(end, start + EXCERPT_WIDTH) - col)
    pad = " " * len(gutter)
    return (f"{pad} |\n{gutter} | {prefix}{shown}{suffix}\n"
            f"{pad} | {' ' * caret_at}{c(_COLORS[d.severity], '^' * width)}\n")


def _lines_for(path: str, wanted: set[int], source: str | None) -> dict[int, str]:
    """The text of the wanted lines, read in one forward pass."""
    if not wanted:
        return {}
    out: dict[int, str] = {}
    last = max(wanted)
    for number, line in enumerate(_iter_lines(path, source), start=1):
        if number in wanted:
            out[number] = line
        if number >= last:
            break
    return out


def _iter_lines(path: str, source: str | None) -> Iterator[str]:
    from ..reader import open_binary  # not at import: `--help` builds the parser without the reader

    if source is not None:
        yield from source.split("\n")
        return
    try:
        with open_binary(path) as f:
            for raw in f:
                yield raw.rstrip(b"\r\n").decode("utf-8", "replace").lstrip("\ufeff")
    except OSError:
        return
