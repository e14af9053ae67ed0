"""JL9xx requirements checked against each target's own profile values: for every target
the requirement applies to, one record at the limit (taken) and one past it (reported).
Complements test_target_rules.py, whose cases contrast targets on the facts of targets.md."""

from __future__ import annotations

import pytest

from helpers import settings_for
from jsonl_lint.targets import profile_names, resolve_target
from test_target_rules import GOOD, chat, flagged

ALL = profile_names()


def _target(name: str):
    return resolve_target(name, settings_for(target=[name]))


LIMITED = [n for n in ALL if _target(n).limit is not None]
WITH_MINIMUM = [n for n in ALL if (_target(n).profile.dataset.min_examples or 0) > 1]
WITH_ROLE_LIST = [n for n in ALL if _target(n).profile.roles is not None and _target(n).profile.roles.allowed]


def _words(n: int) -> str:
    return " ".join(["word"] * n)  # one token per word for every tokenizer and the estimate


@pytest.mark.parametrize("name", LIMITED)
def test_token_limit_at_each_targets_own_limit(name):
    rt = _target(name)
    within = chat(("user", "Repeat."), ("assistant", _words(rt.limit - 64)))
    assert not flagged(within, "JL909", [name])
    over = chat(("user", "Repeat."), ("assistant", _words(rt.limit + 64)))
    found = flagged(over, "JL909", [name])[name][0]
    assert f"{rt.limit:,}" in found.message
    expected = "error" if rt.profile.tokens.on_violation == "reject" and "on-violation" not in \
        rt.profile.tokens.unconfirmed else "warning"
    assert found.severity.value == expected


def test_targets_without_a_known_limit_are_listed():
    # Nova, Mistral and OpenPipe publish no per-example limit: nothing to check but a
    # configured max-tokens (test_target_rules.test_estimated_targets_say_so).
    assert sorted(set(ALL) - set(LIMITED)) == ["bedrock-nova", "mistral", "openpipe"]


@pytest.mark.parametrize("name", WITH_MINIMUM)
def test_too_few_examples_at_every_targets_minimum(name):
    minimum = _target(name).profile.dataset.min_examples
    rows = [chat(("user", f"Question {i}"), ("assistant", f"Answer {i}")) for i in range(minimum)]
    assert not flagged("\n".join(rows), "JL908", [name])
    assert f"at least {minimum:,}" in flagged("\n".join(rows[:-1]), "JL908", [name])[name][0].message


@pytest.mark.parametrize("name", WITH_ROLE_LIST)
def test_a_role_outside_the_targets_list_is_reported_and_its_own_roles_are_not(name):
    assert not flagged(GOOD, "JL902", [name]).get(name)
    found = flagged(chat(("user", "Hi"), ("narrator", "Meanwhile."), ("assistant", "Hello.")), "JL902", [name])
    assert "narrator" in found[name][0].message


def test_no_extra_key_finding_for_a_record_of_only_the_keys_a_target_takes():
    assert not flagged(GOOD, "JL907", ALL)


def test_validation_file_at_and_over_bedrock_llamas_cap():
    rows = [chat(("user", f"Q{i}"), ("assistant", f"A{i}")) for i in range(1001)]
    assert not flagged("\n".join(rows[:1000]), "JL910", ["bedrock-llama"], validation=["*.jsonl"])
    assert flagged("\n".join(rows), "JL910", ["bedrock-llama"], validation=["*.jsonl"])["bedrock-llama"]


def test_validation_file_within_mistrals_size():
    assert not flagged(GOOD, "JL910", ["mistral", "openai", "azure-openai"], validation=["*.jsonl"])


@pytest.mark.slow
def test_validation_examples_at_and_over_vertexs_cap():
    rows = [chat(("user", f"Q{i}"), ("assistant", f"A{i}")) for i in range(5001)]
    assert not flagged("\n".join(rows[:5000]), "JL910", ["vertex-gemini"], validation=["*.jsonl"])
    found = flagged("\n".join(rows), "JL910", ["vertex-gemini"], validation=["*.jsonl"])
    assert "at most 5,000 validation" in found["vertex-gemini"][0].message


@pytest.mark.slow
def test_training_examples_at_and_over_novas_cap():
    rows = [chat(("user", f"Q{i}"), ("assistant", f"A{i}")) for i in range(20_001)]
    assert not flagged("\n".join(rows[:20_000]), "JL908", ["bedrock-nova"])
    assert "at most 20,000" in flagged("\n".join(rows), "JL908", ["bedrock-nova"])["bedrock-nova"][0].message
