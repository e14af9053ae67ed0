"""Data-driven rule tests: one ``tests/cases/<CODE>.yml`` per rule.

Case file schema::

    rule: JL104
    cases:
      - name: what the case shows
        input: |            # the dataset text (JSONL, or a JSON array with filename: x.json)
          {"messages": [...]}
        filename: train.jsonl   # optional
        options: {}             # optional rule options (kebab-case keys)
        settings: {}            # optional [tool.jsonl-lint] keys (model, validation, ...)
        encoding: latin-1       # optional: lint the input encoded so (invalid UTF-8 cases)
        expect:                 # every finding of the rule, in order; keys are optional
          - {line: 1, column: 30, end_line: 1, end_column: 41, message: "substring", severity: error}

Each expected finding's listed keys must match; ``message`` matches as a substring;
``fix`` is the fix title substring.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import lint
from jsonl_lint.registry import builtin_rules

CASES_DIR = Path(__file__).parent / "cases"


def _load():
    for path in sorted(CASES_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            yield pytest.param(data["rule"], case, id=f"{path.stem}-{i}-{case.get('name', '')}")


@pytest.mark.parametrize("code,case", list(_load()))
def test_rule_case(code, case):
    settings = dict(case.get("settings") or {})
    text = case["input"].encode(case["encoding"]) if "encoding" in case else case["input"]
    found = [d for d in lint(text, select=[code], options=case.get("options"), rule=code,
                             filename=case.get("filename", "train.jsonl"), **settings) if d.code == code]
    expected = case.get("expect") or []
    assert len(found) == len(expected), "\n".join(f"{d.location.line}:{d.location.column} {d.message}" for d in found)
    for d, exp in zip(found, expected):
        actual = {"line": d.location.line, "column": d.location.column, "end_line": d.end_location.line,
                  "end_column": d.end_location.column, "severity": d.severity.value}
        for key, value in exp.items():
            if key == "message":
                assert value in d.message, d.message
            elif key == "fix":
                assert d.fix is not None and value in d.fix.title, d.fix
            elif key == "related":
                assert [r.location.line for r in d.related] == value
            else:
                assert actual[key] == value, (key, d)


# Rules whose behaviour needs more than one dataset text, tested in their own module.
COVERED_ELSEWHERE = {"JL000": "test_baseline.py"}


def test_every_rule_has_a_case_file():
    missing = [r.code for r in builtin_rules()
               if not (CASES_DIR / f"{r.code}.yml").exists() and r.code not in COVERED_ELSEWHERE]
    assert not missing, f"rules without tests/cases/<CODE>.yml: {missing}"
