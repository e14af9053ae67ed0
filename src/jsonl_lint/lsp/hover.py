"""Hovers (a record's format, roles, tokens and share of the estimated cost; a
finding's rule summary and docs link) and code lenses (dataset summary on line 1,
a jump to the partner record on findings that involve another record)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lsprotocol import types as T

from .actions import CHECK_DATASET, SHOW_PARTNER
from .document import RecordInfo
from .server import DocState, JsonlLanguageServer, server


@dataclass(frozen=True)
class Totals:
    records: int
    tokens: int
    billed: int
    estimated: bool
    counted: int  # records with a token count
    cost: object | None  # tokens.CostEstimate


def totals(ls: JsonlLanguageServer, st: DocState) -> Totals:
    cached = getattr(st, "_totals", None)
    if cached is not None and cached[0] == (st.doc.version, st.doc.complete, st.counting, st.settings):
        return cached[1]
    records = tokens = billed = counted = 0
    estimated = False
    for r in st.doc.results:
        info = r.info if r is not None else None
        if info is None or info.kind == "blank":
            continue
        records += 1
        if info.tokens is not None:
            counted += 1
            tokens += info.tokens
            billed += info.billed or 0
            estimated = estimated or info.estimated
    cost = None
    if counted and st.settings is not None:
        try:
            from .. import tokens as tk

            cost = tk.estimate_cost(billed, counted, st.settings.model, prices=dict(st.settings.prices))
        except Exception:
            cost = None
    out = Totals(records, tokens, billed, estimated, counted, cost)
    st._totals = ((st.doc.version, st.doc.complete, st.counting, st.settings), out)  # type: ignore[attr-defined]
    return out


def _n(x: int) -> str:
    if x >= 10_000_000:
        return f"{x / 1e6:.0f}M"
    if x >= 1_000_000:
        return f"{x / 1e6:.1f}M"
    if x >= 10_000:
        return f"{x / 1e3:.0f}k"
    return f"{x:,}"


def _money(x: float) -> str:
    return f"${x:,.2f}" if x >= 0.01 else f"${x:.6f}".rstrip("0")


@lru_cache(maxsize=512)
def rule_class(code: str):
    from ..registry import all_rules, find_rule

    try:
        return find_rule(code, all_rules())
    except Exception:
        return None


def _contains(rng: dict, line: int, ch: int) -> bool:
    s, e = rng["start"], rng["end"]
    return (s["line"], s["character"]) <= (line, ch) <= (e["line"], e["character"])


def record_markdown(ls: JsonlLanguageServer, st: DocState, line: int, info: RecordInfo) -> str:
    head = f"**jsonl-lint** · record {line + 1:,}"
    if info.kind == "invalid":
        return head + " · not valid JSON"
    if info.kind == "blank":
        return head + " · blank line"
    if info.format is None:
        return head + " · no known training format"
    parts = [head, f"format `{info.format}`"]
    if info.roles and st.linter is not None:
        parts.append("roles " + " → ".join(st.linter.roles_shown(st.doc.lines[line], info.roles)))
    text = " · ".join(parts)
    if info.tokens is not None:
        approx = "≈" if info.estimated else ""
        text += f"\n\n{approx}{info.tokens:,} tokens, {approx}{info.trained:,} trained"
        t = totals(ls, st)
        est = t.cost
        if est is not None and getattr(est, "cost", None) is not None and t.billed:
            share = est.cost * (info.billed or 0) / t.billed
            text += (f"\n\n{_money(share)} of the dataset's estimated {_money(est.cost)} "
                     f"({(info.billed or 0) / t.billed:.3%}; {est.model}, {est.epochs} epochs)")
    return text


@server.feature(T.TEXT_DOCUMENT_HOVER)
def hover(ls: JsonlLanguageServer, params: T.HoverParams) -> T.Hover | None:
    st = ls.docs.get(params.text_document.uri)
    if st is None:
        return None
    line, ch = params.position.line, params.position.character
    if line >= st.doc.editor_lines:
        return None
    record = st.doc.to_record(line, ch)[0]
    blocks: list[str] = []
    for item in st.published:
        if item["range"]["start"]["line"] <= line <= item["range"]["end"]["line"] and _contains(item["range"], line, ch):
            cls = rule_class(item["code"])
            summary = f" {cls.name}: {cls.summary}" if cls is not None else ""
            url = item.get("codeDescription", {}).get("href")
            link = f" ([docs]({url}))" if url else ""
            # VS Code shows the message itself above the hover: add what it does not say
            blocks.append(f"**{item['code']}**{summary}{link}")
    r = st.doc.results[record]
    if r is not None and r.info is not None:
        blocks.append(record_markdown(ls, st, record, r.info))
    if not blocks:
        return None
    return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value="\n\n---\n\n".join(blocks)))


def summary_title(ls: JsonlLanguageServer, st: DocState) -> str:
    t = totals(ls, st)
    c = st.counts
    parts = [f"jsonl-lint: {t.records:,} records",
             f"{c.get(1, 0):,} errors, {c.get(2, 0):,} warnings, {c.get(3, 0):,} info"]
    if st.counting:
        parts.append("counting tokens…")
    elif t.counted:
        approx = "≈" if t.estimated else ""
        parts.append(f"{approx}{_n(t.tokens)} tokens")
        est = t.cost
        if est is not None and getattr(est, "cost", None) is not None:
            parts.append(f"≈{_money(est.cost)} to train ({est.model}, {est.epochs} epochs)")
    if st.settings is not None and st.settings.target:
        from ..targets.matrix import lens_summary

        parts.append(f"targets: {lens_summary(st.settings, st.published)}")
    if not st.doc.complete:
        parts.append("checking…")
    return " · ".join(parts)


@server.feature(T.TEXT_DOCUMENT_CODE_LENS)
def code_lens(ls: JsonlLanguageServer, params: T.CodeLensParams) -> list[T.CodeLens] | None:
    st = ls.docs.get(params.text_document.uri)
    if st is None:
        return None
    uri = st.doc.uri
    top = T.Range(T.Position(0, 0), T.Position(0, 0))
    lenses = [T.CodeLens(range=top, command=T.Command(title=summary_title(ls, st), command=CHECK_DATASET,
                                                      arguments=[uri]))]
    seen: set[tuple[int, int]] = set()
    for item in st.published:
        for rel in item.get("relatedInformation", ()):
            loc = rel["location"]
            if loc["uri"] != uri:
                continue
            line = item["range"]["start"]["line"]
            partner = loc["range"]["start"]["line"]
            if (line, partner) in seen:
                continue
            seen.add((line, partner))
            pos = T.Position(line, 0)
            lenses.append(T.CodeLens(range=T.Range(pos, pos), command=T.Command(
                title=f"{item['code']}: go to line {partner + 1} ({rel['message']})"[:120], command=SHOW_PARTNER,
                arguments=[uri, partner, loc["range"]["start"]["character"]])))
    return lenses
