"""The styles shipped in rules/: every rule's Example triggers it and Use instead does
not; on real corpora they stay quiet where the data is clean."""

from __future__ import annotations

import pytest

from helpers import corpus, lint, settings_for
from jsonl_lint.declarative import find_styles, load_style
from jsonl_lint.engine import lint_paths

SHIPPED = find_styles(settings_for())[1]
STYLES = [s.name for s in SHIPPED]
RULES = [r for s in SHIPPED for r in load_style(s)]


def test_shipped_styles():
    assert {"AIBoilerplate", "Placeholders", "BrandVoice"} <= set(STYLES)
    kinds = {r.definition.extends for r in RULES}
    assert kinds == {"existence", "substitution", "occurrence", "length", "pattern", "required", "consistency",
                     "ratio"}
    assert all(r.code != r.name for r in RULES), "shipped rules carry a short code"
    assert {s.name: s.meta.enabled_by_default for s in SHIPPED} == {
        "AIBoilerplate": True, "Placeholders": False, "BrandVoice": False}


@pytest.mark.parametrize("rule", [r for r in RULES if r.doc_examples("Example")], ids=lambda r: r.name)
def test_example_triggers_and_use_instead_does_not(rule):
    bad = "\n".join(rule.doc_examples("Example")) + "\n"
    good = "\n".join(rule.doc_examples("Use instead")) + "\n"
    assert any(d.code == rule.code for d in lint(bad, [rule.name], styles=STYLES)), bad
    assert not any(d.code == rule.code for d in lint(good, [rule.name], styles=STYLES)), good


def test_boilerplate_found_in_assistant_turns_only():
    data = ('{"messages": [{"role": "user", "content": "As an AI language model, answer."}, '
            '{"role": "assistant", "content": "Sure. As an AI language model, I cannot taste food."}]}\n')
    found = lint(data, ["AIBoilerplate."], styles=["AIBoilerplate"])
    assert [d.name for d in found] == ["AIBoilerplate.AsAnAI"]
    assert found[0].pointer == "/messages/1/content"


@pytest.mark.slow
@pytest.mark.parametrize("parts,at_most", [
    (("alpaca-cleaned", "gsm_8k_train.json"), 0),
    (("anthropic-cookbook", "json_mode_dataset.jsonl"), 0),
    (("alpaca", "alpaca_5000.json"), 3),
    (("llamafactory", "lima.json"), 25),
])
def test_ai_boilerplate_on_corpora(parts, at_most):
    """GSM8K and the JSON-mode set have no boilerplate; LIMA (human-written) very little;
    Alpaca (distilled from text-davinci-003) some: every finding there was read (docs/rule-packs.md)."""
    path = corpus(*parts)
    settings = settings_for(["AIBoilerplate."], styles=["AIBoilerplate"])
    found = lint_paths([str(path)], settings).diagnostics
    assert len(found) <= at_most, [d.message for d in found[:20]]
