"""Every rule's default severity is written down, with its reason, in docs/severity.md."""

from __future__ import annotations

import re

from helpers import REPO
from jsonl_lint.config import settings_from_table
from jsonl_lint.declarative import find_styles, load_style
from jsonl_lint.registry import builtin_rules

ROW = re.compile(r"^\| ([A-Z]+\d{3}) \| ([^|]+?) \| (error|warning|info) \| (.*) \|$")


def documented() -> dict[str, tuple[str, str, str]]:
    rows = {}
    for line in (REPO / "docs" / "severity.md").read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            assert m.group(1) not in rows, f"{m.group(1)} is listed twice"
            rows[m.group(1)] = (m.group(2), m.group(3), m.group(4).strip())
    return rows


def shipped_rules():
    from jsonl_lint.convert.losses import LOSSES

    _, shipped = find_styles(settings_from_table({"root": str(REPO)}, None))
    yield from builtin_rules()
    yield from LOSSES
    for style in shipped:
        yield from load_style(style)


def test_every_rule_has_its_severity_and_a_reason_in_the_policy():
    rows = documented()
    rules = {r.code: r for r in shipped_rules()}
    assert sorted(rows) == sorted(rules), "docs/severity.md and the rules differ in which rules they list"
    wrong = [f"{code}: docs say {rows[code][1]}, rule says {r.severity.value}"
             for code, r in rules.items() if rows[code][1] != r.severity.value]
    assert not wrong, wrong
    for code, r in rules.items():
        name, _, reason = rows[code]
        assert name == r.name, (code, name)
        assert len(reason.split()) >= 5, f"{code}: give the reason for its severity"


def test_policy_is_linked_from_the_readme_and_rule_pages():
    from jsonl_lint.docs import rule_markdown

    assert "docs/severity.md" in (REPO / "README.md").read_text(encoding="utf-8")
    assert "(../severity.md)" in rule_markdown(builtin_rules()[0])
