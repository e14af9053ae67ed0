from __future__ import annotations

import json
import os

from .. import __version__
from ..diagnostics import Severity
from .base import Formatter

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> str:
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return rel.replace(os.sep, "/")


def _region(start, end) -> dict:
    return {"startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column}


class SarifFormatter(Formatter):
    """SARIF 2.1.0 for code scanning: stable rule ids, repo-relative URIs, code-point
    columns, and ``partialFingerprints`` from the record's content."""

    def write_report(self, report) -> None:
        rules = sorted({type(r) for r in report.rules}, key=lambda r: r.code)
        index = {r.code: i for i, r in enumerate(rules)}
        results = []
        for d in report.diagnostics:
            result = {
                "ruleId": d.code,
                "level": _LEVEL[d.severity],
                "message": {"text": self.shown(d.message, d)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": _uri(d.filename), "uriBaseId": "%SRCROOT%"},
                    "region": _region(d.location, d.end_location)}}],
                "partialFingerprints": {"jsonlLint/v1": d.fingerprint},
            }
            if d.code in index:
                result["ruleIndex"] = index[d.code]
            if d.target:
                result["properties"] = {"target": d.target}
            if d.related:
                result["relatedLocations"] = [
                    {"id": i, "message": {"text": self.shown(r.message, d)}, "physicalLocation": {
                        "artifactLocation": {"uri": _uri(r.filename), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": r.location.line, "startColumn": r.location.column}}}
                    for i, r in enumerate(d.related)]
            if d.fix is not None and d.fix.edits:
                result["fixes"] = [{"description": {"text": self.shown(d.fix.title, d)}, "artifactChanges": [{
                    "artifactLocation": {"uri": _uri(d.filename), "uriBaseId": "%SRCROOT%"},
                    "replacements": [{"deletedRegion": _region(e.location, e.end_location),
                                      "insertedContent": {"text": self.shown(e.content, d)}} for e in d.fix.edits]}]}]
            results.append(result)
        driver = {
            "name": "jsonl-lint",
            "version": __version__,
            "informationUri": "https://github.com/jsonl-lint/jsonl-lint",
            "rules": [{
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.doc_section("What it does") or r.summary},
                "help": {"text": r.doc_section("Why it matters for fine-tuning") or r.summary},
                "helpUri": r.url(),
                "defaultConfiguration": {"level": _LEVEL[report_severity(report, r)]},
            } for r in rules],
        }
        sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0",
                 "runs": [{"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results,
                           "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri()}}}]}
        json.dump(sarif, self.stream, indent=2, ensure_ascii=False)
        self.stream.write("\n")


def report_severity(report, rule) -> Severity:
    return report.severities.get(rule.code, rule.severity)


def _root_uri() -> str:
    from pathlib import Path

    return Path(os.getcwd()).as_uri() + "/"
