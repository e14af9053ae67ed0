from __future__ import annotations

import json
from typing import Callable

from ..diagnostics import Diagnostic
from .base import Formatter


def diagnostic_dict(d: Diagnostic, shown: Callable[[str, Diagnostic], str]) -> dict:
    """One finding, shaped like ruff's JSON output (1-based rows and code-point columns);
    ``shown`` masks the record text it carries."""
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability.value,
            "message": shown(d.fix.title, d),
            "edits": [{"content": shown(e.content, d),
                       "location": {"row": e.location.line, "column": e.location.column},
                       "end_location": {"row": e.end_location.line, "column": e.end_location.column}}
                      for e in d.fix.edits],
        }
    out = {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": shown(d.message, d),
        "filename": d.filename,
        "location": {"row": d.location.line, "column": d.location.column},
        "end_location": {"row": d.end_location.line, "column": d.end_location.column},
        "pointer": shown(d.pointer, d),  # a secret that is a key is in its member's pointer
        "url": d.url,
        "fix": fix,
        "related": [{"filename": r.filename, "location": {"row": r.location.line, "column": r.location.column},
                     "message": shown(r.message, d)} for r in d.related],
        "fingerprint": d.fingerprint,
    }
    if d.target:  # JL9xx: the fine-tuning target the finding is about
        out["target"] = d.target
    return out


class JsonFormatter(Formatter):
    """A list of findings; an object with ``diagnostics`` and ``timings`` when the run was timed."""

    def findings(self, diagnostics) -> list[dict]:
        """The findings as this format writes them (the MCP server's ``check`` returns them too)."""
        return [diagnostic_dict(d, self.shown) for d in diagnostics]

    def write_report(self, report) -> None:
        found = self.findings(report.diagnostics)
        data = found if report.timings is None else {"diagnostics": found, "timings": report.timings.as_dict()}
        json.dump(data, self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")


class JsonLinesFormatter(Formatter):
    """One finding per line; a last line ``{"timings": ...}`` when the run was timed."""

    def write_report(self, report) -> None:
        for d in report.diagnostics:
            self.stream.write(json.dumps(diagnostic_dict(d, self.shown), ensure_ascii=False) + "\n")
        if report.timings is not None:
            self.stream.write(json.dumps({"timings": report.timings.as_dict()}) + "\n")
