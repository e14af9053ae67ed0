"""Every conversion finding is documented like a rule, and its docs are executable: the
Example converted for ``example_target`` reports the code, the Use instead does not."""

from __future__ import annotations

import pytest

from convhelp import codes, convert
from jsonl_lint.convert.losses import LOSSES
from jsonl_lint.rule import CODE_PATTERN, NAME_PATTERN

REQUIRED = ("What it does", "Why it matters for fine-tuning", "Example", "Use instead")


def test_codes_are_one_sub_band_and_names_say_convert():
    assert [k.code for k in LOSSES] == [f"JL{950 + i}" for i in range(len(LOSSES))]
    for k in LOSSES:
        assert CODE_PATTERN.match(k.code) and NAME_PATTERN.match(k.name) and k.name.startswith("convert-")
        assert k.summary[0].isupper() and not k.summary.endswith(".")
        for section in REQUIRED:
            assert k.doc_section(section), f"{k.code} lacks '## {section}'"


@pytest.mark.parametrize("kind", LOSSES, ids=lambda k: k.code)
def test_example_reports_the_code_and_use_instead_does_not(kind):
    bad = kind.doc_examples("Example")
    good = kind.doc_examples("Use instead")
    _, found = convert(bad, kind.example_target)
    assert kind.code in codes(found), (kind.code, [d.message for d in found])
    outputs, found = convert(good, kind.example_target)
    assert kind.code not in codes(found), [d.message for d in found]
    assert all(o is not None for o in outputs)


def test_rule_command_prints_a_conversion_code():
    import io

    from jsonl_lint.cli import main

    out = io.StringIO()
    assert main(["rule", "JL954"], out=out) == 0
    assert out.getvalue().startswith("# JL954 convert-weight") and "jsonl-lint convert" in out.getvalue()
    out = io.StringIO()
    assert main(["rules"], out=out) == 0
    assert "JL961  convert-rejected" in out.getvalue()
