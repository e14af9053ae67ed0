from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, TextIO

from ..masking import redact

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic, Secret
    from ..engine import Report

GROUP_MIN = 3  # identical findings shown once when they occur at least this often in a file
POSITIONS_SHOWN = 5  # positions of the other occurrences listed after a grouped finding
# A JSON pointer quoted in a message ("in assistant turn /messages/3"): its array indices
# name where in the record the defect sits, not what it is.
_POINTER = re.compile(r"(?<![\w/:])/[A-Za-z_][^\s'\"`),;]*")
_INDEX = re.compile(r"/\d+(?=/|$)")


class Formatter:
    """Lifecycle: ``write_report(report)`` renders a whole run to ``self.stream``."""

    def __init__(self, stream: TextIO, *, sources: dict[str, str] | None = None, color: bool = False,
                 show_fixes: bool = True, group: bool = True, show_secrets: bool = False):
        self.stream = stream
        self.sources = sources or {}  # in-memory texts by path (stdin, tests)
        self.color = color
        self.show_fixes = show_fixes
        self.group = group  # human formats: identical findings once (see group_repeats)
        self.show_secrets = show_secrets  # --show-secrets: no masking, for local use

    def shown(self, text: str, d: "Diagnostic", secrets: "Iterable[Secret]" = ()) -> str:
        """Text from or about ``d``'s record as outputs show it: the record's secrets (and
        any ``secrets`` given) masked."""
        if self.show_secrets or not (d.secrets or secrets):
            return text
        return redact(text, (*d.secrets, *secrets))

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


def group_key(d: "Diagnostic") -> tuple:
    """What makes two findings the same defect: one file, one rule and severity, and the
    same message once array indices inside quoted JSON pointers are set aside. Quoted
    text, numbers and line numbers in a message still tell findings apart."""
    message = _POINTER.sub(lambda m: _INDEX.sub("/#", m.group(0)), d.message)
    return d.filename, d.code, d.severity, message


@dataclass(frozen=True)
class Shown:
    """A finding as a human format shows it: with the identical findings it stands for."""

    diagnostic: "Diagnostic"
    repeats: tuple["Diagnostic", ...] = ()

    def repeats_text(self) -> str:
        """"and 4,129 more like this: lines 4, 5, 6, 7, 8, …" (line:column when the
        findings share lines, as in a one-line JSON array)."""
        rest = self.repeats
        lines = [d.location.line for d in rest]
        if len(set(lines)) == len(lines) and self.diagnostic.location.line not in lines:
            where = "lines " + ", ".join(str(n) for n in lines[:POSITIONS_SHOWN])
        else:
            where = "at " + ", ".join(f"{d.location.line}:{d.location.column}" for d in rest[:POSITIONS_SHOWN])
        more = ", …" if len(rest) > POSITIONS_SHOWN else ""
        return f"and {len(rest):,} more like this: {where}{more}"


def group_repeats(diagnostics: Iterable["Diagnostic"], enabled: bool = True) -> list[Shown]:
    """Findings in their order, each group of ``GROUP_MIN`` or more identical ones
    (see ``group_key``) shown once at its first occurrence."""
    diagnostics = list(diagnostics)
    if not enabled:
        return [Shown(d) for d in diagnostics]
    groups: dict[tuple, list] = {}
    for d in diagnostics:
        groups.setdefault(group_key(d), []).append(d)
    out = []
    for d in diagnostics:
        members = groups[group_key(d)]
        if len(members) < GROUP_MIN:
            out.append(Shown(d))
        elif members[0] is d:
            out.append(Shown(d, tuple(members[1:])))
    return out


def grouped_line(shown: list[Shown]) -> str:
    """The note under the summary when findings were grouped ('' when none were)."""
    hidden = sum(len(s.repeats) for s in shown)
    return f"{hidden:,} identical findings grouped under their first occurrence (--no-group lists each)." if hidden else ""
