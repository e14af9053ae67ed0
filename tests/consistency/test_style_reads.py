"""What the style stages read, and that reading less changes nothing: the profile and the
language check ask only whether a request is tool use, a translation or code
(``request.leading_kind``, ``request.is_tool``), and the whole request and the reading
grade are read only for the rules that use them (JL402, JL403)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import synth  # noqa: E402
from helpers import lint  # noqa: E402
from jsonl_lint.diagnostics import RecordRef  # noqa: E402
from jsonl_lint.reader import Record  # noqa: E402
from jsonl_lint.style import profile, request  # noqa: E402

_SIGNATURES = "You can call these tools:\nsearch(query)\ncalculator(expression)\nUse them when needed."
PROMPTS = [
    # (system, user, tools)
    (None, "How do I reset my password?", None),
    (_SIGNATURES, "What is the population of France times two?", None),
    (None, "What does f(x) = x^2 (a parabola) look like?", None),  # "(" without a signature line
    (None, "Book a table for two tonight.", [{"type": "function", "function": {"name": "book", "parameters": {}}}]),
    (None, "Translate into German: the order ships on Monday.", None),
    (None, "How would you say good morning in Spanish?", None),
    (None, "Please put this sentence to French:", None),
    (None, "Translate this sentence for me, please: good night.", None),  # one gate only
    (None, "Answer in Python.", None),  # one gate only
    ("You are a coding assistant.", "Write a Python function that reverses a list.", None),
    (None, "Debug this: print(x", None),  # code, with a "(" but no signature
    (None, "Is this review positive or negative? The jacket fell apart.", None),
    (None, "Summarize the following email in one sentence.", None),
    (None, "Write a haiku about autumn rain.", None),
    (None, "What is 12 * 7 + 3?", None),
    (None, "Translate the following Python function to JavaScript: def f(a): return a", None),
    (None, "", None),  # no instruction at all
]


def _record(i: int, value: dict) -> Record:
    text = json.dumps(value)
    return Record(RecordRef("t.jsonl", i, i + 1, 1, 0, len(text)), text, value=value)


def _records() -> list[Record]:
    out = []
    for system, user, tools in PROMPTS:
        msgs = ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": user}, {"role": "assistant", "content": "Sure. Here it is!"}]
        out.append({"messages": msgs, **({"tools": tools} if tools else {})})
    out += synth.dataset(3, n=60, per_kind=2)[0]
    return [_record(i, v) for i, v in enumerate(out)]


def test_leading_kind_and_tool_agree_with_the_whole_request():
    kinds = set()
    for record in _records():
        kind = request.analyze(record.example).kind
        kinds.add(kind)
        assert request.leading_kind(record) == (kind if kind in (request.TOOL, request.TRANSLATION, request.CODE)
                                                else None), record.text
        fresh = _record(0, record.value)  # without the leading kind memoized
        assert request.is_tool(fresh) == (kind == request.TOOL), record.text
        assert request.named_languages(_record(0, record.value)) == request.analyze(record.example).languages
    # The cases reach every branch: each leading kind and others.
    assert {request.TOOL, request.TRANSLATION, request.CODE, request.QUESTION} <= kinds


def test_the_leading_gates_are_every_gate_of_their_kinds():
    for kind, gates in request._LEADING_GATES.items():
        for gate in request._KIND_GATES[kind]:
            assert gates.search("x " + gate + "!"), (kind, gate)
        assert not gates.search("what is the weather like today?")


def test_the_default_style_rules_do_not_read_the_whole_request(monkeypatch):
    records, _ = synth.dataset(4, n=120, per_kind=2)
    text = synth.to_jsonl(records)
    profile.PROFILES.clear()
    profile.LANGUAGES.clear()
    read = []
    real = request.analyze
    monkeypatch.setattr(request, "analyze", lambda example: read.append(1) or real(example))
    found = lint(text, select=["JL401", "JL404", "JL405"])
    assert not read
    assert found  # the dataset has planted outliers: the rules did run
    profile.PROFILES.clear()
    lint(text, select=["JL401", "JL402"])  # JL402 reads the task kind and the grade
    assert 0.9 * len(records) <= len(read) <= len(records)  # once a profiled record


@pytest.mark.parametrize("seed", [0, 1])
def test_a_profile_completed_later_equals_a_complete_one(seed):
    """A run with JL401 and JL402 profiles a record for JL401 first, then completes it."""
    records = [_record(i, v) for i, v in enumerate(synth.dataset(seed, n=80, per_kind=2)[0])]
    graded = 0
    for record in records:
        profile.PROFILES.clear()
        partial = profile.profile_record(record)
        assert partial.request is None
        completed = profile.profile_record(record, True)
        profile.PROFILES.clear()
        direct = profile.profile_record(_record(0, record.value), True)
        assert completed == direct
        graded += direct.grade is not None
    assert graded  # the grade was computed, not left out on both sides


@pytest.mark.parametrize("text", [
    "don't stop: it's 'quoted' and ''doubly'' so", "'tis rock'n'roll, y'all'", "''' ' '' a''b'' 'c", "x1y2_z-w\tv\nu",
    "plain words only", "", "'", "ça va? naïve café", "MIXED Case Words' 'AND' caps",
])
def test_words_of_splits_as_the_word_pattern(text):
    assert profile.words_of(text) == profile._WORD.findall(text)


@pytest.mark.parametrize("text", [
    "", " ", "one", " two  words ", "a\tb\nc\x0bd\x0ce\rf\x1cg\x1dh\x1ei\x1fj", "\x1c\x1d", "x1y2_z-w\tv\nu  ",
    "".join(chr(i) for i in range(128)),
])
def test_word_count_of_ascii_equals_the_split_count(text):
    assert request.word_count(text) == len(text.split())


def test_word_count_on_every_ascii_character():
    for i in range(128):
        for text in (chr(i), "a" + chr(i) + "b", chr(i) + " x " + chr(i)):
            assert request.word_count(text) == len(text.split()), repr(text)


@pytest.mark.parametrize("text", ["", "A", "AbC", "aBC d", "x AB", "ÀB", "ÀÉ", "É A B", "NASA", "I am OK.", "a\u00c0Z"])
def test_upper_run_fast_path_equals_the_pattern(text):
    assert profile._has_upper_run(text) == bool(profile._HAS_UPPER_RUN.search(text))


_LICENSING_PROMPTS = ["Describe a reunion.", "Pretend you are a pirate and greet me.", "Write a rap about turtles.",
                      "Write an advert for our new phone.", "Explain gravity to a five year old.",
                      "Insult me as rudely as you can.", "Draft the clauses of a rental contract.",
                      "Tell me a story about a dragon.", "What is the capital of France?"]


def test_registers_read_one_at_a_time_agree_with_all_of_them():
    """The profile looks a prompt's registers up one at a time, the first found licensing
    a marker: every marker's answer must be the one all the registers give."""
    seen = set()
    for i, prompt in enumerate(_LICENSING_PROMPTS):
        record = _record(i, {"messages": [{"role": "user", "content": prompt},
                                          {"role": "assistant", "content": "Ahoy there!"}]})
        asked = request.registers_of(record.example)
        seen |= asked
        for marker, registers in profile.LICENSED_BY.items():
            lazy = profile._Registers(record, ["Ahoy there!"], False)
            assert lazy.isdisjoint(registers) == asked.isdisjoint(registers), (prompt, marker)
    assert seen == set(request._REGISTER_CUES)  # the prompts ask for every register


@pytest.mark.parametrize("prompt, counted", [("Describe a reunion.", 0), ("What is the capital of France?", 0),
                                             ("Pretend you are a pirate and greet me.", 0)])
def test_a_dialogue_reply_licenses_its_exclamations(prompt, counted):
    """Speaker lines make a reply a dialogue (its characters' voice, like fiction): the
    exclamations are not counted whatever the prompt; one speaker alone is no dialogue."""
    dialogue = "Anna: Is that you?! No way!\nBen: Anna! It has been forever!\nAnna: Look at you! Amazing!"
    record = _record(0, {"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": dialogue}]})
    assert profile.profile_record(record).exclaim == counted
    monologue = dialogue.replace("\nBen:", "\n").replace("\nAnna:", "\n")
    record = _record(1, {"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": monologue}]})
    assert profile.profile_record(record).exclaim == (0 if "pirate" in prompt else 6)
