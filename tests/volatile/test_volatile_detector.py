"""The volatile-fact detector on generated data, hand-written pairs and whole records."""

from __future__ import annotations

import pytest

from helpers import lint
from jsonl_lint.formats import normalize
from jsonl_lint.volatile import analyze, detect, detect_question
from jsonl_lint.volatile.synthetic import CONTROLS, VOLATILE, generate, generate_jsonl


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recall_and_control_rate_on_generated_data(seed):
    data = generate(600, seed=seed)
    planted = [r for r, v in data if v]
    controls = [r for r, v in data if not v]
    found = sum(analyze(normalize(r)).volatile for r in planted)
    flagged = sum(analyze(normalize(r)).volatile for r in controls)
    assert len(planted) > 200 and len(controls) > 200
    assert found / len(planted) >= 0.85, found / len(planted)
    assert flagged / len(controls) <= 0.10, flagged / len(controls)


def test_every_template_family_is_exercised():
    # The generated set must contain math word problems with dollars and years among controls.
    assert any("$" in t and "{past}" in t for t in CONTROLS)
    assert any("How much" in t for t in CONTROLS)
    assert len(VOLATILE) >= 30


VOLATILE_SENTENCES = [
    ("The Pro plan costs $49 per month.", "price"),
    ("The current CEO of Apple is Tim Cook.", "office"),
    ("Tim Cook is the CEO of Apple.", "office"),
    ("The latest version of Python is 3.12.", "version"),
    ("Tokyo has a population of about 14 million.", "count"),
    ("Interest rates in the US are currently 5.25%.", "rate"),
    ("Apple shares are trading at $189.", "market"),
    ("The museum is open from 9 am to 5 pm.", "schedule"),
    ("It's currently 25 degrees in Paris.", "weather"),
    ("Usain Bolt holds the world record in the 100m.", "record"),
    ("As of 2023, Tesla has over 127,000 employees.", "as-of"),
    ("There is currently no vaccine for the new virus, Covid-19.", "relative-time"),
]

STABLE_SENTENCES = [
    "The Berlin Wall fell in 1989.",
    "The Titanic sank on April 15, 1912.",
    "George Washington was the first president of the United States.",
    "An exchange rate is the value of one currency in terms of another.",
    "Current flows through the circuit when the switch is closed.",
    "Shakespeare's plays are still read today.",
    "In today's world, communication skills matter.",
    "I'm so tired right now.",
    "Sign up today!",
    "The Pacific is the largest ocean on Earth.",
    "Make sure you install the latest version before you start.",
    "```python\nprint('current price is $5')\n```",
    "See https://example.com/latest/index.html for details.",
    "Weather is measured by data points (e.g., today's temperature).",
]


@pytest.mark.parametrize("text,category", VOLATILE_SENTENCES)
def test_volatile_sentences(text, category):
    hits = detect(text)
    assert [h.category for h in hits] == [category], hits
    assert text[hits[0].start:hits[0].end] == hits[0].phrase


@pytest.mark.parametrize("text", STABLE_SENTENCES)
def test_stable_sentences(text):
    assert detect(text) == []


def test_math_context_suppresses_prices_and_years():
    record = {"instruction": "Tom buys 3 pens at $2 each in 2019. How much does he spend?",
              "output": "He spends 3 * 2 = $6. The current price is $2."}
    assert not analyze(normalize(record)).volatile


def test_questions_need_a_world_anchor_and_a_non_deferring_answer():
    assert detect_question("Who is the current president of France?")
    assert detect_question("What is the price of gold right now?")
    assert not detect_question("What are you doing today?")
    asked = {"messages": [{"role": "user", "content": "Who is the CEO of Google?"},
                          {"role": "assistant", "content": "Sundar Pichai."}]}
    deferred = {"messages": [{"role": "user", "content": "Who is the CEO of Google?"},
                             {"role": "assistant", "content": "I don't have real-time information, please check."}]}
    assert analyze(normalize(asked)).questions
    assert not analyze(normalize(deferred)).questions


def test_rules_agree_with_detector_on_generated_file():
    text = generate_jsonl(200, seed=5)
    diags = lint(text, ["JL501", "JL502"])
    flagged_lines = {d.location.line for d in diags}
    expected = {i + 1 for i, (r, _) in enumerate(generate(200, seed=5)) if analyze(normalize(r)).volatile}
    assert flagged_lines == expected
    # Every finding quotes exactly the characters it points at.
    lines = text.splitlines()
    for d in diags:
        if d.code == "JL501":
            quoted = d.message.split('"')[1]
            line = lines[d.location.line - 1]
            assert line[d.location.column - 1:d.end_location.column - 1] == quoted


def test_dataset_share_rule_on_generated_files():
    heavy = generate_jsonl(200, seed=3, volatile_share=0.5)
    light = generate_jsonl(200, seed=3, volatile_share=0.02)
    found = [d for d in lint(heavy, ["JL503"]) if d.code == "JL503"]
    assert len(found) == 1 and "teaches knowledge rather than behaviour" in found[0].message
    share = int(found[0].message.split("(")[1].split("%")[0])
    assert 35 <= share <= 65, found[0].message
    assert not [d for d in lint(light, ["JL503"]) if d.code == "JL503"]


@pytest.mark.parametrize("text", ["", "7", "a7", "7 and 8", "12", "no digits", "x\u0663y", "\u0663\u0664", "9\u0664",
                                  "\uff11\uff12", "one 1", "1.5 kg"] + [chr(c) * 2 for c in range(128)])
def test_two_digits_equals_the_regex(text):
    """The word-problem test counts digits by bytes on plain ASCII text: the same answer as
    two ``\\d`` searches (which also match other scripts' digits)."""
    import re

    from jsonl_lint.volatile import detector

    first = re.search(r"\d", text)
    assert detector._two_digits(text) == (first is not None and re.search(r"\d", text[first.end():]) is not None)
