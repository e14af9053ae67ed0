"""Rule metadata and executable documentation: every rule's Example triggers it and
its Use instead does not."""

from __future__ import annotations

import pytest

from helpers import lint
from jsonl_lint.registry import builtin_rules
from jsonl_lint.rule import CODE_PATTERN, NAME_PATTERN, DatasetRule, RecordRule

RULES = builtin_rules()
REQUIRED = ("What it does", "Why it matters for fine-tuning", "Example", "Use instead")


def test_codes_and_names_are_unique_and_well_formed():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(codes) == len(set(codes)) and len(names) == len(set(names))
    for r in RULES:
        assert r.code.startswith("JL") and CODE_PATTERN.match(r.code), r.code
        assert NAME_PATTERN.match(r.name), r.name
        assert r.summary and r.summary[0].isupper() and not r.summary.endswith("."), r.summary
        assert issubclass(r, (RecordRule, DatasetRule))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docs_have_fixed_sections(rule):
    for section in REQUIRED:
        assert rule.doc_section(section), f"{rule.code} lacks '## {section}'"


@pytest.mark.parametrize("rule", [r for r in RULES if r.code != "JL000"], ids=lambda r: r.code)
def test_doc_example_triggers_and_use_instead_does_not(rule):
    filename = "train.json" if "```json\n" in rule.doc_section("Example") else "train.jsonl"
    bad = "\n".join(rule.doc_examples("Example")) + "\n"
    good = "\n".join(rule.doc_examples("Use instead")) + "\n"
    opts = rule.example_options or None
    bad = bad.replace("\\r\n", "\r\n")  # docs spell a CR before a line break as \r
    if rule.code == "JL005":  # invalid UTF-8 cannot live in a str: the docs spell the byte as \xe9
        bad = bad.encode().replace(b"\\xe9", b"\xe9")
    extra = rule.example_settings
    good_extra = extra if rule.use_instead_settings is None else rule.use_instead_settings
    assert any(d.code == rule.code for d in lint(bad, [rule.code], opts, rule.code, filename, **extra)), bad
    assert not any(d.code == rule.code for d in lint(good, [rule.code], opts, rule.code, filename, **good_extra)), good


def test_generated_docs_pages_match_the_rules(tmp_path):
    from jsonl_lint.convert.losses import LOSSES
    from jsonl_lint.docs import write_docs

    assert write_docs(tmp_path) == len(RULES) + len(LOSSES)  # conversion findings have pages too
    page = (tmp_path / "JL104.md").read_text()
    assert page.startswith("# JL104 unknown-role") and "## Use instead" in page and "## Options" in page
    assert "[JL104](JL104.md)" in (tmp_path / "README.md").read_text()
    for r in RULES:
        assert r.url().endswith(f"docs/rules/{r.code}.md")


def test_committed_docs_pages_are_up_to_date():
    from helpers import REPO
    from jsonl_lint.docs import documented_rules, index_markdown, rule_markdown

    docs = REPO / "docs" / "rules"
    pages = documented_rules()
    stale = [r.code for r in pages if (docs / f"{r.code}.md").read_text(encoding="utf-8") != rule_markdown(r)]
    assert not stale, f"regenerate with `python -m jsonl_lint.docs`: {stale}"
    assert (docs / "README.md").read_text(encoding="utf-8") == index_markdown(pages)
