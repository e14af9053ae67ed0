"""One defect, one finding (issue 12): the precision audit's double reports, in a default
run on synthetic records, with the rule that stays quiet still finding the defect alone."""

from __future__ import annotations

import json

from helpers import lint, settings_for
from jsonl_lint.engine import Engine


def _default(rows):
    text = "\n".join(json.dumps(r) for r in rows) + "\n"
    return text, Engine(settings_for()).run_text(text, "train.jsonl").diagnostics


def test_an_unknown_key_is_reported_by_unknown_key_not_again_as_schema_drift():
    rows = [{"instruction": f"Name a fact about the number {i}.", "input": "", "output": f"{i} comes after {i - 1}."}
            for i in range(60)]
    rows[10]["example_input"] = "The sentence the instruction refers to."
    text, found = _default(rows)
    assert [(d.code, d.location.line, d.pointer) for d in found] == [("JL113", 11, "/example_input")]
    # With unknown-key off, schema-drift reports the key.
    assert [(d.code, d.location.line) for d in lint(text, ["JL409"])] == [("JL409", 11)]


def test_an_empty_output_is_one_empty_answer_not_also_no_trained_tokens():
    rows = [{"instruction": f"Name a fact about the number {i}.", "input": "", "output": f"{i} comes after {i - 1}."}
            for i in range(20)]
    rows[5]["output"] = ""
    _, found = _default(rows)
    assert [(d.code, d.location.line) for d in found] == [("JL801", 6)]


def test_an_empty_chosen_turn_is_one_empty_answer_not_also_an_invalid_preference():
    rows = [{"chosen": f"\n\nHuman: Which planet is number {i}?\n\nAssistant: Planet {i} is {name}.",
             "rejected": f"\n\nHuman: Which planet is number {i}?\n\nAssistant: No idea."}
            for i, name in enumerate(["Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn"], start=1)]
    rows[2]["chosen"] = "\n\nHuman: Which planet is number 3?\n\nAssistant: "
    _, found = _default(rows)
    assert [(d.code, d.location.line) for d in found if d.code in ("JL112", "JL801")] == [("JL801", 3)]
