"""`jsonl-lint rules` lists every rule; `jsonl-lint rule CODE` prints its documentation."""

from __future__ import annotations

import json

from ..config import ConfigError, load_settings
from ..registry import all_rules, find_rule
from ..docs import rule_markdown
from ..rule import DatasetRule


def register(subparsers) -> None:
    p = subparsers.add_parser("rules", help="list every rule")
    p.add_argument("--output-format", choices=["text", "json"], default="text")
    p.set_defaults(func=run_list)
    q = subparsers.add_parser("rule", help="print a rule's documentation")
    q.add_argument("rule", metavar="CODE-or-name")
    q.set_defaults(func=run_doc)


def _rules():
    return all_rules(load_settings())


def run_list(args, out, err) -> int:
    rules = _rules()
    if args.output_format == "json":
        out.write(json.dumps([{"code": r.code, "name": r.name, "summary": r.summary, "severity": r.severity.value,
                               "kind": "dataset" if issubclass(r, DatasetRule) else "record",
                               "fixable": r.fixable, "default_enabled": r.default_enabled, "url": r.url()}
                              for r in rules], indent=2) + "\n")
        return 0
    width = max(len(r.name) for r in rules)
    for r in rules:
        marks = ("" if r.default_enabled else " (opt-in)") + (" [fix]" if r.fixable != "never" else "")
        out.write(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}{marks}\n")
    return 0


def run_doc(args, out, err) -> int:
    rule = find_rule(args.rule, _rules())
    if rule is None:
        raise ConfigError(f"no rule named {args.rule!r} (see `jsonl-lint rules`)")
    out.write(rule_markdown(rule))
    return 0
