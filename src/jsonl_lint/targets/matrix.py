"""The compatibility matrix: one row per target for a dataset (``jsonl-lint targets``,
the HTML report, the editor's summary lens).

One engine pass with the JL9xx rules for every target asked for, plus an internal dataset
rule that adds up each target's billed tokens for the cost estimate. A row says:

- ``verdict``: ``ready`` (no error; warnings are what the target would do silently),
  ``needs changes`` (errors that converting or editing the data fixes), or ``not possible``
  (the target is closed, or the training set is below its minimum or has no example in a
  format jsonl-lint reads: no conversion makes examples);
- errors and warnings by requirement (the JL9xx rule names), examples over the token limit;
- the estimated training cost where the chosen base model has a price;
- the profile's one-line conversion hint.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Severity
from ..masking import redact
from ..rule import Context, DatasetRule
from . import RunTarget, resolve_target

if TYPE_CHECKING:
    from ..config import Settings

READY, NEEDS_CHANGES, NOT_POSSIBLE = "ready", "needs changes", "not possible"
TOKEN_RULE = "JL909"
SIZE_RULE = "JL908"
STATUS_RULE = "JL900"
VERTEX_PADDING = 8  # tokens per billed record (Vertex's cost notebook)


def requirement(name: str) -> str:
    """A JL9xx rule name as a requirement: "target-record-shape" -> "record shape"."""
    return name.removeprefix("target-").replace("-", " ")


@dataclass
class Row:
    target: str
    title: str
    kind: str
    status: str
    status_note: str
    verdict: str
    errors: dict[str, int] = field(default_factory=dict)  # requirement -> count
    warnings: dict[str, int] = field(default_factory=dict)
    over_limit: int = 0
    limit: int | None = None
    model: str | None = None
    tokenizer: str = ""
    exact: bool = True
    billed_tokens: int | None = None
    epochs: float | None = None
    price: float | None = None
    cost: float | None = None
    hint: str = ""
    examples: int = 0
    first_error: str = ""

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def warning_count(self) -> int:
        return sum(self.warnings.values())

    def as_dict(self) -> dict:
        return {"target": self.target, "title": self.title, "kind": self.kind, "status": self.status,
                "status_note": self.status_note, "verdict": self.verdict, "errors": self.error_count,
                "warnings": self.warning_count, "errors_by_requirement": self.errors,
                "warnings_by_requirement": self.warnings, "over_limit": self.over_limit, "limit": self.limit,
                "model": self.model, "tokenizer": self.tokenizer, "exact_tokens": self.exact,
                "examples": self.examples, "billed_tokens": self.billed_tokens, "epochs": self.epochs,
                "price_per_million": self.price, "estimated_cost_usd": self.cost, "hint": self.hint,
                "first_error": self.first_error}


class _Totals(DatasetRule[dict]):
    """Internal (not registered): training examples and billed tokens per target."""

    code = "TARGETS000"
    name = "target-totals"
    summary = "Billed tokens per target for the compatibility matrix"

    def __init__(self, run_targets: tuple[RunTarget, ...]):
        super().__init__()
        self.run_targets = run_targets
        self.totals: dict = {}

    def initial(self, ctx: Context) -> dict:
        return {"examples": 0, "billed": {rt.name: 0 for rt in self.run_targets}}

    def collect(self, state: dict, record, ctx: Context) -> None:
        from .. import tokens

        if ctx.group != "train":
            return
        state["examples"] += 1
        for rt in self.run_targets:
            c = tokens.count_with(record, rt.examples())
            if c is not None:
                state["billed"][rt.name] += _billed(c, rt)

    def merge(self, states: list[dict]) -> dict:
        out = self.initial(Context(None))  # type: ignore[arg-type]
        for s in states:
            out["examples"] += s["examples"]
            for name, value in s["billed"].items():
                out["billed"][name] += value
        return out

    def finish(self, state: dict, ctx: Context):
        self.totals = state
        return ()


def _billed(c, rt: RunTarget) -> int:
    """Tokens one example bills per epoch: the example up to the limit, or (Vertex) every
    assistant turn with its whole preceding context plus padding."""
    if rt.profile.tokens.billing == "model-turns":
        ends = [t.end for t in c.turns if t.role == "assistant" and not t.branch == "rejected"]
        return sum(min(e, rt.limit or e) + VERTEX_PADDING for e in ends)
    return min(c.total, rt.limit) if rt.limit else c.total


def build(files: list[str], settings: "Settings", names: list[str] | tuple[str, ...], *,
          texts: dict[str, bytes] | None = None, progress=None) -> list[Row]:
    """Rows for ``names`` over ``files`` (one engine pass with only the JL9xx rules);
    ``texts``: contents for some paths (inline text), as in :meth:`Engine.run`."""
    from ..engine import Engine
    from ..registry import RulePack, resolve

    run_settings = settings.updated(target=tuple(names), select=("JL9",), extend_select=(), ignore=(),
                                    extend_ignore=())
    pack = resolve(run_settings)
    run_targets = tuple(resolve_target(n, run_settings) for n in names)
    totals = _Totals(run_targets)
    pack = RulePack(pack.record_rules, pack.dataset_rules + (totals,), pack.severities, run_settings,
                    pack.per_file_ignores, pack.configured_severities)
    report = Engine(run_settings, pack).run(files, jobs=1, texts=texts, progress=progress)
    return rows_from(report.diagnostics, run_targets, totals.totals, settings)


def rows_from(diagnostics: list[Diagnostic], run_targets: tuple[RunTarget, ...], totals: dict | None,
              settings: "Settings") -> list[Row]:
    """Rows from a run's JL9xx findings (``totals``: billed tokens from :class:`_Totals`, if any)."""
    from ..tokens.cost import default_epochs

    today = datetime.date.today()
    by_target: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.target:
            by_target.setdefault(d.target, []).append(d)
    rows = []
    examples = (totals or {}).get("examples", 0)
    for rt in run_targets:
        found = by_target.get(rt.name, [])
        status = rt.profile.status
        state = status.state_on(today)
        note = (f"closes {status.closes}" if state != "closed" and status.closes else
                f"since {status.closes or status.date}" if state != "active" else "")
        row = Row(rt.name, rt.profile.title, rt.profile.kind, state, note, READY, limit=rt.limit,
                  model=rt.model.name if rt.model else None, hint=rt.profile.conversion.hint, examples=examples)
        row.tokenizer, row.exact = rt.tokenizer_name, not rt.estimate_note()
        for d in found:
            if d.code == STATUS_RULE:
                continue
            bucket = row.errors if d.severity == Severity.ERROR else row.warnings
            req = requirement(d.name)
            bucket[req] = bucket.get(req, 0) + 1
            if d.code == TOKEN_RULE:
                row.over_limit += 1
            if d.severity == Severity.ERROR:
                row.first_error = row.first_error or f"{d.filename}:{d.location.line}: {redact(d.message, d.secrets)}"
        row.verdict = verdict(state, [(d.code, d.message) for d in found if d.severity == Severity.ERROR])
        if totals is not None and not examples:  # nothing jsonl-lint could read as a training example
            row.verdict, row.first_error = NOT_POSSIBLE, "no training examples in a known format"
        if totals is not None:
            billed = totals["billed"].get(rt.name, 0)
            epochs = rt.profile.dataset.epochs or default_epochs(examples)
            price = settings.prices.get(f"{rt.name}:{row.model}", rt.price) if row.model else rt.price
            row.billed_tokens, row.epochs, row.price = int(billed * epochs), epochs, price
            row.cost = billed * epochs * price / 1_000_000 if price is not None else None
        rows.append(row)
    return rows


def verdict(state: str, errors: list[tuple[str, str]]) -> str:
    """ready / needs changes / not possible from a target's state and its (code, message) errors:
    a closed target, or a training set under its minimum, cannot be fixed by converting."""
    if state == "closed" or any(code == SIZE_RULE and "at least" in message for code, message in errors):
        return NOT_POSSIBLE
    return NEEDS_CHANGES if any(code != STATUS_RULE for code, _ in errors) else READY


def lens_summary(settings: "Settings", items: list[dict]) -> str:
    """The configured targets' verdicts for the editor's summary lens, from the document's
    published diagnostics (LSP dicts whose ``data`` names the target)."""
    today = datetime.date.today()
    parts = []
    for name in settings.target:
        errors = [(i["code"], i["message"]) for i in items
                  if i.get("severity") == 1 and (i.get("data") or {}).get("target") == name]
        state = resolve_target(name, settings).profile.status.state_on(today)
        result = verdict(state, errors)
        n = sum(1 for code, _ in errors if code != STATUS_RULE)
        parts.append(f"{name} {result}" + (f" ({n:,} error{'s' if n != 1 else ''})" if n else ""))
    return ", ".join(parts)


def render_text(rows: list[Row]) -> str:
    """The matrix as a fixed-width table, then each target's findings by requirement and hint."""
    head = ("target", "status", "verdict", "errors", "warnings", "over limit", "est. cost")
    table = [head] + [(r.target, r.status + (f" ({r.status_note})" if r.status_note else ""), r.verdict,
                       f"{r.error_count:,}", f"{r.warning_count:,}", f"{r.over_limit:,}", _money(r.cost))
                      for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    right = {3, 4, 5, 6}
    lines = ["  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
             for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    for r in rows:
        parts = [f"{req} {_count(n, 'error')}" for req, n in sorted(r.errors.items(), key=lambda kv: -kv[1])]
        parts += [f"{req} {_count(n, 'warning')}" for req, n in sorted(r.warnings.items(), key=lambda kv: -kv[1])]
        tokens = r.tokenizer if r.exact or r.tokenizer == "estimate" else f"{r.tokenizer}, estimated"
        limit = f"limit {r.limit:,} ({tokens})" if r.limit else f"no known limit ({tokens})"
        lines.append(f"{r.target}: {'; '.join(parts) or 'no findings'}; {limit}")
        lines.append(f"  convert: {r.hint}")
    return "\n".join(lines) + "\n"


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'s' if n != 1 else ''}"


def _money(cost: float | None) -> str:
    return "-" if cost is None else f"${cost:,.2f}"
