"""Engine diagnostics -> LSP JSON (plain dicts: built once per line, serialized fast).

Engine positions are 1-based lines and 1-based code-point columns; LSP positions are
0-based lines and columns in the client's units (UTF-16 unless negotiated otherwise).
"""

from __future__ import annotations

from typing import Callable

from pygls.uris import from_fs_path

from ..diagnostics import Diagnostic, ResolvedEdit
from ..masking import redact
from .document import SEVERITY_TO_LSP, Document

SOURCE = "jsonl-lint"


def position(doc: Document, line0: int, column1: int) -> dict:
    """An engine position (0-based record line, 1-based code-point column) as an LSP one."""
    line, character = doc.to_editor(line0, column1 - 1)
    return {"line": line, "character": character}


def uri_for(path: str, doc: Document) -> str:
    if path == doc.path:
        return doc.uri
    return from_fs_path(path) or path


def to_lsp(d: Diagnostic, doc: Document, base: int, map_line: Callable[[int], int | None] | None = None) -> dict:
    """``base``: 0-based line of the diagnostic's record start; engine line 1 of the
    record maps to it (per-record results are computed as if the record were line 1)."""
    start_line = base + d.location.line - 1
    end_line = base + d.end_location.line - 1
    out = {
        "range": {"start": position(doc, start_line, d.location.column),
                  "end": position(doc, end_line, d.end_location.column)},
        "severity": SEVERITY_TO_LSP[d.severity],
        "code": d.code,
        "source": SOURCE,
        "message": redact(d.message, d.secrets) if d.secrets else d.message,
        "data": {"fp": d.fingerprint, "fix": d.fix is not None},
    }
    if d.target:  # JL9xx: the summary lens counts each target's findings
        out["data"]["target"] = d.target
    if d.url:
        out["codeDescription"] = {"href": d.url}
    if d.related:
        related = []
        for r in d.related:
            line0 = r.location.line - 1
            if r.filename == doc.path and map_line is not None:
                mapped = map_line(line0)
                if mapped is None:
                    continue
                line0 = mapped
            if r.filename == doc.path:
                pos = position(doc, line0, r.location.column)
            else:
                pos = {"line": line0, "character": max(r.location.column - 1, 0)}
            related.append({"location": {"uri": uri_for(r.filename, doc), "range": {"start": pos, "end": pos}},
                            "message": redact(r.message, d.secrets) if d.secrets else r.message})
        if related:
            out["relatedInformation"] = related
    return out


def edit_to_lsp(e: ResolvedEdit, doc: Document, base: int, delete_record: bool = False) -> dict:
    line0 = base + e.location.line - 1
    if delete_record:
        if line0 + 1 < len(doc.lines):
            rng = {"start": position(doc, line0, 1), "end": position(doc, line0 + 1, 1)}
        elif line0 > 0:  # the last line: remove the line break before it
            prev = doc.lines[line0 - 1]
            rng = {"start": position(doc, line0 - 1, len(prev) + 1), "end": position(doc, line0, len(doc.lines[line0]) + 1)}
        else:
            rng = {"start": position(doc, 0, 1), "end": position(doc, 0, len(doc.lines[0]) + 1)}
        return {"range": rng, "newText": ""}
    return {"range": {"start": position(doc, line0, e.location.column),
                      "end": position(doc, base + e.end_location.line - 1, e.end_location.column)},
            "newText": e.content}


def fix_edits(d: Diagnostic, doc: Document, base: int) -> list[dict]:
    if d.fix is None:
        return []
    deletes = [getattr(x, "delete_record", False) for x in d.fix.record_edits] or [False] * len(d.fix.edits)
    if len(deletes) != len(d.fix.edits):
        deletes = [False] * len(d.fix.edits)
    return [edit_to_lsp(e, doc, base, dr) for e, dr in zip(d.fix.edits, deletes)]
