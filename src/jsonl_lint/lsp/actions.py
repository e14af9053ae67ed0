"""Code actions and commands: rule fixes as quick fixes, "suppress this finding"
(a baseline entry), and ``source.fixAll.jsonl-lint`` (every safe fix at once)."""

from __future__ import annotations

import json
import os
from typing import Any, Iterator

from lsprotocol import types as T

from ..diagnostics import Applicability, Diagnostic
from .conversion import CONVERT_KIND, convert_actions
from .convert import fix_edits
from .server import FIX_ALL_KIND, DocState, JsonlLanguageServer, server

SUPPRESS = "jsonl-lint.suppress"
SHOW_PARTNER = "jsonl-lint.showPartner"
CHECK_DATASET = "jsonl-lint.checkDataset"


def engine_diagnostics(ls: JsonlLanguageServer, st: DocState) -> Iterator[tuple[Diagnostic, int]]:
    """Every current engine diagnostic with the record line its engine line 1 maps to."""
    for i, r in enumerate(st.doc.results):
        if r is not None:
            for d in r.diagnostics:
                yield d, i
    for d, _, base in ls.dataset_items(st):
        yield d, base


def find(ls: JsonlLanguageServer, st: DocState, position: T.Position, code: Any,
         fp: str) -> tuple[Diagnostic, int] | None:
    """The engine diagnostic a client diagnostic starting at ``position`` stands for."""
    line = st.doc.to_record(position.line, position.character)[0]
    r = st.doc.results[line]
    if r is not None:
        for d in r.diagnostics:
            if d.code == code and d.fingerprint == fp:
                return d, line
    for d, _, base in ls.dataset_items(st):
        if d.code == code and d.fingerprint == fp and base + d.location.line - 1 == line:
            return d, base
    return None


def _range(r: dict) -> T.Range:
    return T.Range(T.Position(r["start"]["line"], r["start"]["character"]),
                   T.Position(r["end"]["line"], r["end"]["character"]))


def _text_edits(edits: list[dict]) -> list[T.TextEdit]:
    return [T.TextEdit(range=_range(e["range"]), new_text=e["newText"]) for e in edits]


def _wants(only: list[str] | None, kind: str) -> bool:
    if not only:
        return True
    return any(kind == k or kind.startswith(k + ".") for k in only)


@server.feature(T.TEXT_DOCUMENT_CODE_ACTION, T.CodeActionOptions(
    code_action_kinds=[T.CodeActionKind.QuickFix, T.CodeActionKind.SourceFixAll, FIX_ALL_KIND, CONVERT_KIND]))
def code_action(ls: JsonlLanguageServer, params: T.CodeActionParams) -> list[T.CodeAction] | None:
    uri = params.text_document.uri
    st = ls.docs.get(uri)
    if st is None:
        return None
    only = [str(getattr(k, "value", k)) for k in params.context.only] if params.context.only else None
    actions: list[T.CodeAction] = []
    if _wants(only, T.CodeActionKind.QuickFix.value):
        fixes, suppressions = [], []
        for diag in params.context.diagnostics:
            if diag.source != "jsonl-lint" or not isinstance(diag.data, dict):
                continue
            hit = find(ls, st, diag.range.start, diag.code, diag.data.get("fp", ""))
            if hit is None:
                continue
            d, base = hit
            if d.fix is not None:
                fixes.append(T.CodeAction(
                    title=f"{d.fix.title} ({d.code})", kind=T.CodeActionKind.QuickFix, diagnostics=[diag],
                    is_preferred=d.fix.applicability == Applicability.SAFE,
                    edit=T.WorkspaceEdit(changes={uri: _text_edits(fix_edits(d, st.doc, base))})))
            if d.fingerprint:
                suppressions.append(T.CodeAction(
                    title=f"Suppress {d.code} for this record (baseline)", kind=T.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    command=T.Command(title="Suppress", command=SUPPRESS, arguments=[uri, d.code, d.fingerprint])))
        actions += fixes + suppressions
    if only and (_wants(only, FIX_ALL_KIND)):
        edits = fix_all_edits(ls, st)
        if edits:
            actions.append(T.CodeAction(title="jsonl-lint: fix all safe problems", kind=FIX_ALL_KIND,
                                        edit=T.WorkspaceEdit(changes={uri: _text_edits(edits)})))
    elif not only:
        edits = fix_all_edits(ls, st)
        if edits:
            actions.append(T.CodeAction(title="jsonl-lint: fix all safe problems", kind=FIX_ALL_KIND,
                                        edit=T.WorkspaceEdit(changes={uri: _text_edits(edits)})))
    if _wants(only, CONVERT_KIND):
        actions += convert_actions(st)
    return actions


def _key(p: dict) -> tuple[int, int]:
    return p["line"], p["character"]


def fix_all_edits(ls: JsonlLanguageServer, st: DocState) -> list[dict]:
    """Safe fixes of every finding, skipping a fix that overlaps one already taken."""
    suppressed = ls.suppressed(st)
    taken: list[tuple[tuple[int, int], tuple[int, int]]] = []
    out: list[dict] = []
    for d, base in engine_diagnostics(ls, st):
        if d.fix is None or d.fix.applicability != Applicability.SAFE or (d.code, d.fingerprint) in suppressed:
            continue
        edits = fix_edits(d, st.doc, base)
        spans = [(_key(e["range"]["start"]), _key(e["range"]["end"])) for e in edits]
        if any(s < te and ts < e or s == ts for s, e in spans for ts, te in taken):
            continue
        taken += spans
        out += edits
    out.sort(key=lambda e: _key(e["range"]["start"]))
    return out


@server.command(SUPPRESS)
def suppress(ls: JsonlLanguageServer, uri: str, code: str, fingerprint: str) -> dict:
    """Write a baseline entry for one finding (``{"version": 1, "suppressions": [...]}``)."""
    from ..baseline import _rel, baseline_path, load_entries

    st = ls.docs.get(uri)
    if st is None or st.settings is None:
        return {"written": False}
    path = baseline_path(st.settings)
    entries = load_entries(path)
    entry = {"file": _rel(st.doc.path, st.settings.root or os.getcwd()), "code": code, "fingerprint": fingerprint}
    if entry not in entries:
        entries.append(entry)
    entries.sort(key=lambda e: (e["file"], e["code"], e["fingerprint"]))
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"version": 1, "suppressions": entries}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)
    ls._baselines.pop(path, None)
    for other in ls.docs.values():
        if other.linter is not None:
            ls.publish(other)
    ls.log(f"suppressed {code} in {entry['file']} ({path})", T.MessageType.Info)
    return {"written": True, "baseline": path}


@server.command(SHOW_PARTNER)
async def show_partner(ls: JsonlLanguageServer, uri: str, line: int, character: int = 0) -> None:
    pos = T.Position(max(line, 0), max(character, 0))
    await ls.window_show_document_async(T.ShowDocumentParams(uri=uri, take_focus=True,
                                                             selection=T.Range(pos, pos)))


@server.command(CHECK_DATASET)
def check_dataset(ls: JsonlLanguageServer, uri: str) -> None:
    st = ls.docs.get(uri)
    if st is not None:
        ls.dataset_later(st, "save")
