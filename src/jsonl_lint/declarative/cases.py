"""Test cases for YAML rules, next to them: ``<Style>/<Rule>.cases.yml``.

Same schema as the built-in rules' ``tests/cases/<CODE>.yml`` (without ``rule:``,
which is the file name)::

    cases:
      - name: what the case shows
        input: |
          {"messages": [...]}
        filename: train.jsonl      # optional
        expect:                    # every finding of the rule, in order; keys optional
          - {line: 1, column: 30, end_line: 1, end_column: 41, message: "substring", severity: warning}

:func:`run_cases` lints each case with only that rule selected and returns one
line per failure (``file:line: case 'name': ...``), so a CLI command or a test can
report them. Case files are data: parsed with the safe YAML loader, never executed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..config import ConfigError
from . import enabled_styles, find_styles, load_style
from .schema import line_of, load_yaml

if TYPE_CHECKING:
    from ..config import Settings

CASE_KEYS = {"name", "input", "filename", "expect"}
EXPECT_KEYS = {"line", "column", "end_line", "end_column", "message", "severity", "fix"}


def case_files(settings: "Settings", all_styles: bool = False) -> list[tuple[str, Path, type]]:
    """(style name, case file, rule class) for every rule with a ``.cases.yml``."""
    if all_styles:
        project, shipped = find_styles(settings)
        names = {s.name for s in project}
        styles = project + [s for s in shipped if s.name not in names]
    else:
        styles = enabled_styles(settings)
    out = []
    for style in styles:
        for rule in load_style(style):
            path = Path(rule.source).with_suffix(".cases.yml")
            if path.is_file():
                out.append((style.name, path, rule))
    return out


def run_cases(settings: "Settings", all_styles: bool = False) -> tuple[int, list[str]]:
    """Run every case; returns (number of cases run, failure lines)."""
    from ..engine import Engine

    ran, failures = 0, []
    for style, path, rule in case_files(settings, all_styles):
        data, lines = load_yaml(path)
        if not isinstance(data, dict) or set(data) != {"cases"} or not isinstance(data["cases"], list):
            raise ConfigError(f"{path}:1: a case file holds one key, 'cases', with a list of cases")
        # preview on: a case tests the rule itself, whatever its tier
        run_settings = settings.updated(select=(rule.name,), extend_select=(), styles=(style,), preview=True)
        for i, case in enumerate(data["cases"]):
            where = f"{path}:{line_of(lines, ('cases', i))}"
            if not isinstance(case, dict) or not isinstance(case.get("input"), str) or set(case) - CASE_KEYS:
                raise ConfigError(f"{where}: a case needs 'input' (a string) and may have "
                                  f"{', '.join(sorted(CASE_KEYS - {'input'}))}")
            expected = case.get("expect") or []
            for exp in expected:
                if not isinstance(exp, dict) or set(exp) - EXPECT_KEYS:
                    raise ConfigError(f"{where}: expected findings use the keys {', '.join(sorted(EXPECT_KEYS))}")
            ran += 1
            found = [d for d in Engine(run_settings).run_text(case["input"], case.get("filename", "train.jsonl"))
                     .diagnostics if d.code == rule.code]
            problem = _compare(found, expected)
            if problem:
                failures.append(f"{where}: {rule.name} case {case.get('name', i)!r}: {problem}")
    return ran, failures


def _compare(found, expected) -> str:
    if len(found) != len(expected):
        got = "; ".join(f"{d.location.line}:{d.location.column} {d.message}" for d in found) or "none"
        return f"expected {len(expected)} finding(s), got {len(found)} ({got})"
    for n, (d, exp) in enumerate(zip(found, expected), start=1):
        actual = {"line": d.location.line, "column": d.location.column, "end_line": d.end_location.line,
                  "end_column": d.end_location.column, "severity": d.severity.value}
        for key, value in exp.items():
            if key == "message":
                if value not in d.message:
                    return f"finding {n}: message {d.message!r} does not contain {value!r}"
            elif key == "fix":
                if d.fix is None or value not in d.fix.title:
                    return f"finding {n}: fix {d.fix.title if d.fix else None!r} does not contain {value!r}"
            elif actual[key] != value:
                return f"finding {n}: {key} is {actual[key]!r}, expected {value!r}"
    return ""
