"""Rule documentation: one Markdown page per rule and an index.

``python -m jsonl_lint.docs [OUT_DIR]`` writes ``docs/rules/<CODE>.md`` and
``docs/rules/README.md``; ``jsonl-lint rule CODE`` prints the same page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .rule import DatasetRule, RecordRule, Rule, options_doc


def documented_rules() -> list[type[Rule]]:
    """Every code with a page: the built-in rules and what `jsonl-lint convert` reports."""
    from .convert.losses import LOSSES
    from .registry import builtin_rules

    return list(builtin_rules()) + list(LOSSES)


def rule_markdown(rule: type[Rule]) -> str:
    kind = "dataset-wide" if issubclass(rule, DatasetRule) else "per record" if issubclass(rule, RecordRule) \
        else "reported by `jsonl-lint convert`"
    head = (f"# {rule.code} {rule.name}\n\n{rule.summary}.\n\n"
            f"Default severity: **{rule.severity.value}** ([policy](../severity.md)) · Kind: {kind} · "
            f"Fix: {rule.fixable} · {tier_text(rule)}\n\n")
    return head + rule.doc() + "\n\n## Options\n" + options_doc(rule.Options) + "\n"


def tier_text(rule: type[Rule]) -> str:
    if not issubclass(rule, (RecordRule, DatasetRule)):
        return "Not run by `check`."
    if rule.preview:
        return "Preview: runs only with `--preview` or `preview = true` ([preview](../preview.md))."
    return "Enabled by default." if rule.default_enabled else "Opt-in: select it to enable."


def tier(rule: type[Rule]) -> str:
    """One word for tables: preview, opt-in, default, or convert (not a `check` rule)."""
    if not issubclass(rule, (RecordRule, DatasetRule)):
        return "convert"
    return "preview" if rule.preview else "default" if rule.default_enabled else "opt-in"


def index_markdown(rules: list[type[Rule]]) -> str:
    lines = ["# Rules", "", "Severities follow the [severity policy](../severity.md); preview rules run only with "
             "`--preview` ([preview](../preview.md)).", "",
             "| code | name | severity | tier | summary |", "| --- | --- | --- | --- | --- |"]
    for r in rules:
        lines.append(f"| [{r.code}]({r.code}.md) | `{r.name}` | {r.severity.value} | {tier(r)} | {r.summary} |")
    return "\n".join(lines) + "\n"


def write_docs(out_dir: Path) -> int:
    rules = documented_rules()
    out_dir.mkdir(parents=True, exist_ok=True)
    for r in rules:
        (out_dir / f"{r.code}.md").write_text(rule_markdown(r), encoding="utf-8")
    (out_dir / "README.md").write_text(index_markdown(rules), encoding="utf-8")
    return len(rules)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")
    sys.exit(0 if write_docs(target) else 1)
