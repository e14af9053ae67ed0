"""Precision and recall of the JL5xx rules on whole records: the false-positive patterns of
the December 2026 audit (synthetic records in their shape, no corpus text), time-marked
facts and the new kinds with timeless and historical controls."""

from __future__ import annotations

import json

import pytest

from helpers import lint
from jsonl_lint.formats import normalize
from jsonl_lint.volatile import analyze, detect

from labelled import CHECK, DEV


def chat(*turns, **extra):
    roles = ("user", "assistant")
    return json.dumps({"messages": [{"role": roles[i % 2], "content": t} for i, t in enumerate(turns)], **extra})


def alpaca(instruction, output, input=""):
    return json.dumps({"instruction": instruction, "input": input, "output": output})


def codes(*lines, select=("JL501", "JL502")):
    return [(d.code, d.location.line) for d in lint("\n".join(lines) + "\n", select=list(select))]


def _scores(items):
    tp = sum(bool(detect(t)) for t, c in items if c)
    fp = sum(bool(detect(t)) for t, c in items if not c)
    volatile = sum(1 for _, c in items if c)
    return tp / volatile, tp / max(1, tp + fp), fp


@pytest.mark.parametrize("name,items", [("dev", DEV), ("check", CHECK)])
def test_labelled_answers(name, items):
    """Time-marked facts, rates, waiting times and availability against timeless,
    historical, personal and figurative controls (see labelled.py; DEV: 44 facts and 36
    controls, CHECK: 36 and 24, written apart from the detector)."""
    recall, precision, flagged = _scores(items)
    assert recall >= 0.9, recall
    assert precision >= 0.95 and flagged <= 1, (precision, flagged)


@pytest.mark.parametrize("text", [t for t, c in DEV + CHECK if c is None])
def test_controls_state_nothing(text):
    assert detect(text) == []


# -- the audit's false-positive patterns ---------------------------------------------------

def test_a_trigger_word_without_a_claim_is_not_a_fact():
    # "latest" in a reasoning trace; "this season" meaning winter; a hedge; a question in a list.
    assert not codes(
        chat("Find 90s movies.", "The user said 90s, so maybe the latest year could be 1999; I'll use 1990 to 1999."),
        chat("Describe the photo.", "Snow and cold temperatures are typical of this season, so the old leaves stand out."),
        chat("Any tips for school supplies?", "A folder with a superhero on it might be cool this year, but it costs more."),
        alpaca("Give three questions an assistant can answer.", "1. What is the weather like today?\n2. What is the "
               "exchange rate between US dollars and euros?"),
    )


def test_stable_records_and_history_are_not_volatile():
    assert not codes(
        chat("Who has won the most Oscars?", '{"name": "Walt Disney", "totalOscars": 26, '
                                             '"note": "Holds the record for most Academy Awards won by an individual"}'),
        chat("Tell me about Apollo 11.", "In 1969, Apollo 11 landed on the Moon."),
        chat("Who led Microsoft?", "Steve Ballmer was the CEO of Microsoft from 2000 to 2014."),
    )
    assert codes(chat("Who is fastest?", "Usain Bolt holds the world record in the 100 metres.")) == [("JL501", 1)]


def test_shared_hh_rlhf_context_is_not_the_answer():
    shared = "\n\nHuman: Is Netflix free?\n\nAssistant: No. Netflix is currently available by subscription only, " \
             "from $15.49 a month.\n\nHuman: Thanks. Any tips?"
    row = json.dumps({"chosen": shared + "\n\nAssistant: Share a plan with family.",
                      "rejected": shared + "\n\nAssistant: Steal a password."})
    assert not codes(row)
    row = json.dumps({"chosen": shared + "\n\nAssistant: The basic plan costs $6.99 a month.",
                      "rejected": shared + "\n\nAssistant: Steal a password."})
    assert codes(row) == [("JL501", 1)]


def test_an_income_threshold_is_not_a_price():
    (d,) = [d for d in lint(chat("Explain the bill.", "The bill would raise taxes for those making over $1 million "
                                 "a year. A monthly pass costs $132 a month.") + "\n", select=["JL501"])]
    assert '(price): "costs $132"' in d.message


def test_restated_passages_creative_requests_and_rewrites_are_not_memorised_facts():
    assert not codes(
        alpaca("Summarise the text in one sentence.", "Acme recently released the Z5, their latest foldable phone.",
               "Acme debuted the Z5 foldable phone last month, its latest release."),
        alpaca("Write a short news report about the event.", "Today marks a milestone: the rocket reached orbit.",
               "A private rocket reached orbit."),
        alpaca("Rewrite the sentence to make it more exciting.", "Zenco has just unveiled its newest flagship phone!",
               "There is a new phone from Zenco."),
        chat("You are a detective in Victorian London. Describe the crime scene.",
             "The muddy footprint tells us that it has rained recently."),
        chat("Update your app, then what?", "Update the app to the latest version and enable voice search."),
    )


def test_tool_calls_and_clarifying_questions_do_not_state_facts():
    """JL502: an answer that calls a tool, asks back, or points to a source states no fact."""
    assert not codes(
        alpaca("What's the weather like in Chicago today?",
               "To find out, use weather(query='What is the weather like in Chicago today?')."),
        alpaca("What is the weather like today?", "For specific weather information, please provide a location."),
        chat("How much does a permit cost here?", "I'm not sure. Here's a link to the county health department "
                                                  "website; they might have that information."),
        json.dumps({"messages": [
            {"role": "user", "content": "Can you tell me the current stock price of Apple?"},
            {"role": "assistant", "content": "I'll look it up."},
            {"role": "tool", "content": '{"price": 189.5}'},
            {"role": "assistant", "content": "Apple trades at $189.50."}]}),
    )
    (d,) = lint(alpaca("Who is the CEO of Google?", "Sundar Pichai is the CEO of Google.") + "\n", select=["JL502"])
    assert 'states a fixed fact ("Sundar Pichai is the CEO of Google' in d.message


def test_questions_about_the_past_and_creative_requests_are_not_current_state_questions():
    assert not codes(
        alpaca("Name the actors who won the Academy Award for Best Actor since the year 2000.",
               "Denzel Washington and Jamie Foxx, among others."),
        alpaca("Write five dialogues between two friends discussing the current pandemic.",
               "Friend 1: It's scary how fast it spread."), select=("JL502",))


def test_a_record_an_analysis_finds_nothing_in_passes_through_all_three_rules():
    record = normalize({"messages": [{"role": "user", "content": "What is 12 times 4?"},
                                     {"role": "assistant", "content": "12 times 4 is 48."}]})
    assert not analyze(record).volatile
