"""`jsonl-lint rules` lists every rule; `jsonl-lint rule CODE` prints its documentation."""

from __future__ import annotations

import json


def register(subparsers) -> None:
    p = subparsers.add_parser("rules", help="list every rule")
    p.add_argument("--output-format", choices=["text", "json"], default="text")
    p.add_argument("--check-styles", action="store_true",
                   help="validate every YAML rule pack (rules-path and shipped styles) without linting")
    p.set_defaults(func=run_list)
    t = subparsers.add_parser("test-rules", help="run the test cases that sit next to YAML rules (<Rule>.cases.yml)")
    t.add_argument("--all-styles", action="store_true", help="also styles that are not enabled")
    t.set_defaults(func=run_tests)
    q = subparsers.add_parser("rule", help="print a rule's documentation")
    q.add_argument("rule", metavar="CODE-or-name")
    q.set_defaults(func=run_doc)


def _rules():
    from ..config import load_settings
    from ..registry import all_rules

    return all_rules(load_settings())


def run_list(args, out, err) -> int:
    from ..config import load_settings
    from ..rule import DatasetRule, RecordRule

    if args.check_styles:
        from ..declarative import check_styles

        for line in check_styles(load_settings()):
            out.write(line + "\n")
        return 0
    from ..convert.losses import LOSSES

    rules = _rules()
    if args.output_format == "json":
        out.write(json.dumps([{"code": r.code, "name": r.name, "summary": r.summary, "severity": r.severity.value,
                               "kind": "dataset" if issubclass(r, DatasetRule) else "record" if
                               issubclass(r, RecordRule) else "convert",
                               "fixable": r.fixable, "default_enabled": r.default_enabled, "preview": r.preview,
                               "url": r.url()}
                              for r in rules + LOSSES], indent=2) + "\n")
        return 0
    width = max(len(r.name) for r in rules + LOSSES)
    for r in rules:
        marks = (("" if r.default_enabled else " (opt-in)") + (" (preview)" if r.preview else "")
                 + (" [fix]" if r.fixable != "never" else ""))
        out.write(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary}{marks}\n")
    for r in LOSSES:  # reported by `convert`, not run by `check`
        out.write(f"{r.code}  {r.name:<{width}}  {r.severity.value:<7}  {r.summary} (convert)\n")
    return 0


def run_doc(args, out, err) -> int:
    from ..config import ConfigError
    from ..convert.losses import LOSSES
    from ..docs import rule_markdown
    from ..registry import find_rule

    rule = find_rule(args.rule, _rules() + LOSSES)
    if rule is None:
        raise ConfigError(f"no rule named {args.rule!r} (see `jsonl-lint rules`)")
    out.write(rule_markdown(rule))
    return 0


def run_tests(args, out, err) -> int:
    from ..config import load_settings
    from ..declarative.cases import run_cases

    ran, failures = run_cases(load_settings(), all_styles=args.all_styles)
    for line in failures:
        out.write(line + "\n")
    out.write(f"{ran - len(failures)} passed, {len(failures)} failed\n")
    return 1 if failures else 0
