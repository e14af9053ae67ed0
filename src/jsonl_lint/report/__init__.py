"""A self-contained HTML report: inline CSS and SVG charts, no script, nothing fetched.

Charts: token-length histogram with the model's limit marked, findings per rule, the
longest examples, and the cost summary.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from typing import Iterable

from ..diagnostics import Diagnostic
from ..masking import redact

CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--bar:#4c78a8;--bar2:#9ecae9;--err:#cf222e;
--warn:#9a6700;--info:#0969da;--ok:#1a7f37}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;
color:var(--fg);background:#fff}header{padding:20px 32px;border-bottom:1px solid var(--line);background:var(--bg)}
h1{margin:0 0 4px;font-size:22px}h2{font-size:16px;margin:0 0 12px}.sub{color:var(--muted)}
main{padding:20px 32px;display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:20px}
section{border:1px solid var(--line);border-radius:8px;padding:16px}section.wide{grid-column:1/-1}
.cards{display:flex;flex-wrap:wrap;gap:12px;padding:16px 32px 0}.card{border:1px solid var(--line);
border-radius:8px;padding:10px 14px;min-width:150px}.card b{display:block;font-size:20px}.card span{color:var(--muted);
font-size:12px}.card.bad b{color:var(--err)}.card.warn b{color:var(--warn)}table{border-collapse:collapse;width:100%}
td,th{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}th{font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.ok{color:var(--ok)}.note{color:var(--muted);font-size:12px;margin-top:8px}
.sev-error{color:var(--err)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}code{font-size:12px}
.banner{margin:16px 32px 0;padding:10px 14px;border-radius:8px;background:#fff8c5;border:1px solid #d4a72c}
svg text{font:11px system-ui,sans-serif;fill:#59636e}
"""


def _e(v) -> str:
    return html.escape(str(v), quote=True)


def _n(v) -> str:
    return "–" if v is None else f"{v:,}" if isinstance(v, int) else _e(v)


def histogram_svg(values: list[int], limit: int | None, width: int = 640, height: int = 240, bins: int = 40) -> str:
    """Token-length histogram; the limit is a red line, or an arrow when it is far off the scale."""
    left, right, top, bottom = 48, 16, 14, 34
    w, h = width - left - right, height - top - bottom
    if not values:
        return f'<svg viewBox="0 0 {width} {height}" width="100%" role="img"><text x="{left}" y="40">no examples</text></svg>'
    hi = max(values)
    lo = 0
    limit_in_range = limit is not None and limit <= hi * 1.15
    top_value = max(hi, limit) if limit_in_range else hi
    step = max(1, math.ceil((top_value - lo + 1) / bins))
    counts = Counter(min((v - lo) // step, bins - 1) for v in values)
    peak = max(counts.values())
    bw = w / bins
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="token histogram">']
    # y grid
    for k in range(5):
        y = top + h - h * k / 4
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eaeef2"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{round(peak * k / 4):,}</text>')
    for b in range(bins):
        c = counts.get(b, 0)
        if not c:
            continue
        bh = max(h * c / peak, 2.0)  # a single example stays visible
        over = limit is not None and lo + b * step > limit
        color = "var(--err)" if over else "var(--bar)"
        parts.append(f'<rect x="{left + b * bw + 0.5:.1f}" y="{top + h - bh:.1f}" width="{max(bw - 1, 1):.1f}" '
                     f'height="{bh:.1f}" fill="{color}"><title>{lo + b * step:,}–{lo + (b + 1) * step - 1:,} tokens: '
                     f'{c:,} examples</title></rect>')
    for k in range(6):
        x = left + w * k / 5
        parts.append(f'<text x="{x:.1f}" y="{top + h + 16}" text-anchor="middle">{round(lo + step * bins * k / 5):,}</text>')
    parts.append(f'<text x="{left + w / 2}" y="{height - 2}" text-anchor="middle">tokens per example</text>')
    if limit is not None:
        if limit_in_range:
            x = left + w * (limit - lo) / (step * bins)
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{top + h}" stroke="#cf222e" '
                         f'stroke-width="2" stroke-dasharray="5 3"/>')
            anchor = "end" if x > left + w * 0.7 else "start"
            dx = -4 if anchor == "end" else 4
            parts.append(f'<text x="{x + dx:.1f}" y="{top + 8}" text-anchor="{anchor}" style="fill:#cf222e">'
                         f'limit {limit:,}</text>')
        else:
            parts.append(f'<text x="{left + w}" y="{top + 8}" text-anchor="end" style="fill:#cf222e">'
                         f'limit {limit:,} → ({limit / max(hi, 1):.0f}× the longest example, off this scale)</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(items: list[tuple[str, int, str]], width: int = 640, row: int = 22) -> str:
    """Horizontal bars: (label, value, css color)."""
    if not items:
        return '<p class="sub">No findings.</p>'
    label_w, right = 260, 60
    w = width - label_w - right
    peak = max(v for _, v, _ in items) or 1
    height = row * len(items) + 6
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="findings per rule">']
    for i, (label, value, color) in enumerate(items):
        y = 3 + i * row
        bw = max(2, w * value / peak)
        parts.append(f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{_e(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{bw:.1f}" height="{row - 6}" rx="2" fill="{color}"/>')
        parts.append(f'<text x="{label_w + bw + 6:.1f}" y="{y + 14}">{value:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


_SEV_COLOR = {"error": "#cf222e", "warning": "#bf8700", "info": "#0969da"}
_VERDICT_CLASS = {"ready": "ok", "needs changes": "sev-warning", "not possible": "sev-error"}


def targets_table(rows: list[dict]) -> str:
    """The compatibility matrix of ``jsonl-lint targets``: one row per target."""
    out = ['<section class="wide"><h2>Targets</h2><table><tr><th>target</th><th>status</th><th>verdict</th>'
           '<th class="n">errors</th><th class="n">warnings</th><th class="n">over limit</th>'
           '<th class="n">est. cost</th><th>by requirement</th><th>convert</th></tr>']
    for r in rows:
        status = r["status"] + (f" ({r['status_note']})" if r["status_note"] else "")
        parts = [f"{k} {v:,}" for k, v in r["errors_by_requirement"].items()]
        parts += [f"{k} {v:,} (warning)" for k, v in r["warnings_by_requirement"].items()]
        cost = f"${r['estimated_cost_usd']:,.2f}" if r["estimated_cost_usd"] is not None else "–"
        out.append(f'<tr><td><b>{_e(r["target"])}</b></td><td>{_e(status)}</td>'
                   f'<td class="{_VERDICT_CLASS.get(r["verdict"], "")}">{_e(r["verdict"])}</td>'
                   f'<td class="n">{r["errors"]:,}</td><td class="n">{r["warnings"]:,}</td>'
                   f'<td class="n">{r["over_limit"]:,}</td><td class="n">{cost}</td>'
                   f'<td>{_e("; ".join(parts) or "–")}</td><td>{_e(r["hint"])}</td></tr>')
    out.append('</table><div class="note">Verdicts: ready (no error), needs changes (errors that converting or '
               'editing fixes), not possible (the target is closed, or the training set is below its minimum). '
               'Sources and dates of every requirement: docs/targets.md.</div></section>')
    return "".join(out)


def render(stats: dict, diagnostics: Iterable[Diagnostic], title: str = "jsonl-lint report",
           generated: str = "", longest: int = 12, show_secrets: bool = False,
           targets: list[dict] | None = None) -> str:
    """The page; ``targets``: rows of the compatibility matrix (``Row.as_dict``), when the
    run names targets."""
    diagnostics = list(diagnostics)
    per_rule: Counter = Counter()
    sev_of: dict[str, str] = {}
    for d in diagnostics:
        key = f"{d.code} {d.name}"
        per_rule[key] += 1
        sev_of[key] = d.severity.value
    sev_counts = Counter(d.severity.value for d in diagnostics)
    totals = [r["total"] for r in stats.get("per_example", [])]
    limit = stats.get("limit")
    cost = stats.get("cost") or {}
    p = stats["tokens_per_example"]

    cards = [
        ("Examples", _n(stats["examples"]), f"of {stats['records']:,} records", ""),
        ("Tokens", _n(stats["total_tokens"]), f"{stats['trained_tokens']:,} trained", ""),
        ("Median / p95", f"{_n(p['p50'])} / {_n(p['p95'])}", "tokens per example", ""),
        ("Over the limit", _n(stats["over_limit"]), f"limit {limit:,}" if limit else "no limit",
         "bad" if stats["over_limit"] else ""),
        ("Near the limit", _n(stats["near_limit"]), f"≥ {stats['near_limit_threshold']:.0%} of it",
         "warn" if stats["near_limit"] else ""),
        ("Findings", _n(len(diagnostics)),
         f"{sev_counts.get('error', 0):,} errors · {sev_counts.get('warning', 0):,} warnings · "
         f"{sev_counts.get('info', 0):,} info", "bad" if sev_counts.get("error") else ""),
    ]
    if cost.get("estimated_cost_usd") is not None:
        cards.append(("Estimated cost", f"${cost['estimated_cost_usd']:,.2f}",
                      f"{cost['epochs']} epochs × {cost['billed_tokens_per_epoch']:,} tokens", ""))

    out: list[str] = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width,initial-scale=1">',
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; img-src data:\">",
                      f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"]
    files = ", ".join(f["file"].rsplit("/", 1)[-1] for f in stats["files"][:4]) + (
        f" and {len(stats['files']) - 4} more" if len(stats["files"]) > 4 else "")
    out.append(f"<header><h1>{_e(title)}</h1><div class=\"sub\">{_e(files)} · model <b>{_e(stats['model'])}</b> "
               f"(encoding {_e(stats['encoding'])}{'' if stats['exact'] else ', approximate counts'}) · "
               f"{_e(generated)}</div></header>")
    if not stats["exact"]:
        out.append(f'<div class="banner"><b>Token counts are approximate</b> (1 token per 4 characters): '
                   f'{_e(stats.get("approximate_reason") or "")}</div>')
    out.append('<div class="cards">')
    for label, value, sub, cls in cards:
        out.append(f'<div class="card {cls}"><span>{_e(label)}</span><b>{value}</b><span>{_e(sub)}</span></div>')
    out.append("</div><main>")

    out.append('<section><h2>Tokens per example</h2>')
    out.append(histogram_svg(totals, limit))
    out.append(f'<div class="note">min {_n(p["min"])} · p5 {_n(p["p5"])} · p50 {_n(p["p50"])} · p95 {_n(p["p95"])} · '
               f'max {_n(p["max"])} (percentiles by {_e(stats["percentile_method"])}). Limit: '
               f'{_e(stats.get("limit_source") or "none")}.</div></section>')

    rank = {"error": 0, "warning": 1, "info": 2}
    ordered = sorted(per_rule.items(), key=lambda kv: (rank.get(sev_of[kv[0]], 3), -kv[1], kv[0]))
    items = [(k, v, _SEV_COLOR.get(sev_of[k], "#4c78a8")) for k, v in ordered[:30]]
    out.append('<section><h2>Findings per rule</h2>')
    out.append(bars_svg(items))
    out.append('<div class="note">Errors first (red), then warnings (amber) and info (blue).'
               + (f" {len(per_rule) - 30} more rules not shown." if len(per_rule) > 30 else "") + "</div>")
    out.append("</section>")

    if targets:
        out.append(targets_table(targets))

    rows = sorted(stats.get("per_example", []), key=lambda r: -r["total"])[:longest]
    out.append('<section class="wide"><h2>Longest examples</h2><table><tr><th>file:line</th><th class="n">tokens</th>'
               '<th class="n">trained</th><th>format</th><th class="n">of limit</th><th style="width:35%"></th></tr>')
    for r in rows:
        frac = r["total"] / limit if limit else 0
        color = "#cf222e" if limit and r["total"] > limit else "#bf8700" if limit and frac >= stats[
            "near_limit_threshold"] else "#4c78a8"
        bar = (f'<svg viewBox="0 0 200 12" width="200" height="12"><rect width="200" height="12" fill="#eaeef2"/>'
               f'<rect width="{min(frac, 1) * 200:.1f}" height="12" fill="{color}"/></svg>' if limit else "")
        out.append(f'<tr><td><code>{_e(r["file"].rsplit("/", 1)[-1])}:{r["line"]}</code></td>'
                   f'<td class="n">{r["total"]:,}</td><td class="n">{r["trained"]:,}</td><td>{_e(r["format"])}</td>'
                   f'<td class="n">{frac:.0%}</td><td>{bar}</td></tr>' if limit else
                   f'<tr><td><code>{_e(r["file"].rsplit("/", 1)[-1])}:{r["line"]}</code></td>'
                   f'<td class="n">{r["total"]:,}</td><td class="n">{r["trained"]:,}</td><td>{_e(r["format"])}</td>'
                   f'<td></td><td></td></tr>')
    out.append("</table></section>")

    out.append('<section><h2>Cost estimate</h2><table>')
    if cost:
        price = (f"${cost['price_per_million_tokens']:g} per 1M training tokens ({_e(cost['price_source'])})"
                 if cost.get("price_per_million_tokens") is not None else _e(cost["price_source"]))
        for k, v in (("Training examples", f"{cost['examples']:,}"),
                     ("Billed tokens per epoch", f"{cost['billed_tokens_per_epoch']:,} (each example at most the limit)"),
                     ("Epochs", f"{cost['epochs']} ({_e(cost['epochs_rule'])})"),
                     ("Billed tokens", f"{cost['billed_tokens']:,}"),
                     ("Price", price),
                     ("Estimated cost", f"<b>${cost['estimated_cost_usd']:,.2f}</b>"
                      if cost.get("estimated_cost_usd") is not None else "unknown")):
            out.append(f"<tr><th>{k}</th><td>{v}</td></tr>")
    out.append(f'</table><div class="note">Price table of {_e(cost.get("price_table_date", ""))}: '
               f'{_e(cost.get("price_table_source", ""))}. Override with <code>prices</code> in the config.</div>'
               f'</section>')

    out.append('<section><h2>Dataset</h2><table>')
    fmts = ", ".join(f"{k} {v:,}" for k, v in sorted(stats["formats"].items())) or "none"
    for k, v in (("Formats", _e(fmts)), ("Turns", f"{stats['turns']:,}"),
                 ("System prompt", f"{stats['examples_with_system']:,} with, {stats['examples_without_system']:,} without"),
                 ("Trained tokens", f"{stats['trained_tokens']:,} of {stats['total_tokens']:,}"),
                 ("Image tokens", f"{stats['image_tokens_estimated']:,} (estimated)")):
        out.append(f"<tr><th>{k}</th><td>{v}</td></tr>")
    for f in stats["files"]:
        out.append(f"<tr><th>{_e(f['group'])}</th><td><code>{_e(f['file'])}</code>: {f['records']:,} records"
                   f"{', ' + str(f['invalid']) + ' invalid' if f['invalid'] else ''}</td></tr>")
    out.append("</table></section>")

    top = headline_findings(diagnostics)
    if top:
        out.append('<section class="wide"><h2>Findings: each rule\'s first, then more from other records</h2>'
                   '<table><tr><th>where</th><th>rule</th><th>message</th></tr>')
        for d in top:
            out.append(f'<tr><td><code>{_e(d.filename.rsplit("/", 1)[-1])}:{d.location.line}:{d.location.column}</code></td>'
                       f'<td class="sev-{d.severity.value}">{_e(d.code)} {_e(d.name)}</td><td>{_e((d.message if show_secrets else redact(d.message, d.secrets))[:300])}</td></tr>')
        rest = len(diagnostics) - len(top)
        out.append("</table>" + (f'<div class="note">{rest:,} more findings: <code>jsonl-lint check</code> lists '
                                 "them.</div>" if rest else "") + "</section>")
    out.append("</main></body></html>\n")
    return "".join(out)


def headline_findings(diagnostics: Iterable[Diagnostic], limit: int = 15) -> list[Diagnostic]:
    """The findings a reader meets first: one per rule (errors first, then the rules
    with the most findings), then further rounds of one per rule, each from a record not
    shown yet and never a repeat of a message already shown."""
    from ..formatters.base import group_key

    by_rule: dict[str, list[Diagnostic]] = {}
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        by_rule.setdefault(d.code, []).append(d)
    order = sorted(by_rule, key=lambda code: (-by_rule[code][0].severity.rank, -len(by_rule[code]), code))
    shown: list[Diagnostic] = []
    records: set = set()
    messages: set = set()

    def record_of(d: Diagnostic) -> tuple:
        return (d.filename, d.record.index) if d.record is not None else (d.filename, None)

    def take(d: Diagnostic) -> None:
        shown.append(d)
        records.add(record_of(d))
        messages.add(group_key(d))

    for code in order:  # round one: every rule once, from an unseen record where it has one
        if len(shown) < limit:
            take(next((d for d in by_rule[code] if record_of(d) not in records), by_rule[code][0]))
    # Then rounds of one per rule: new records with new messages, then new records, then the rest.
    for wanted in (lambda d: record_of(d) not in records and group_key(d) not in messages,
                   lambda d: record_of(d) not in records,
                   lambda d: True):
        added = True
        while added and len(shown) < limit:
            added = False
            for code in order:
                d = next((d for d in by_rule[code] if d not in shown and wanted(d)), None)
                if d is not None and len(shown) < limit:
                    take(d)
                    added = True
    return shown
