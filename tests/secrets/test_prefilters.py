"""The cheap tests that skip records and strings before a regex runs never skip a match:
each stands for a regex (or a slower count) and must agree with it exactly."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from jsonl_lint.positions import _STRING_THEN_COLON, count_keys, may_have_duplicate_keys
from jsonl_lint.reader import parse_text
from jsonl_lint.rules.secrets import payment_card, phone_number
from jsonl_lint.rules.secrets._scan import digit_shape

NUMBERISH = st.lists(st.sampled_from(list("0123456789 -.()+x\n٣’é—３😀") + ["(415) ", "+44 20 ", "555-"]),
                     max_size=40).map("".join)


@given(NUMBERISH)
@example("call +1 415 867 5309")
@example("(415) 867-5309")
@example("415.867.5309")
@example("5+3 = 8")
@example("+٣٣ 1 23 45 67 89")
@example("’ ٣-٣٣٣٣")
def test_phone_candidates_in_a_digit_shape_are_the_regex_candidates(text):
    nanp, intl = phone_number._candidates(text, digit_shape(text))
    assert (nanp, intl) == phone_number._candidates(text, None)
    assert nanp or not phone_number._NANP.search(text)
    assert intl or not phone_number._INTL.search(text)


class _Line:
    def __init__(self, text: str):
        self.text, self.extra = text, {}


@given(st.lists(NUMBERISH, max_size=4), st.booleans())
@example(["+44 20 7946 1234"], True)
def test_a_line_without_candidates_has_no_string_with_one(strings, ascii_only):
    line = json.dumps({s: s for s in strings}, ensure_ascii=ascii_only)
    if not phone_number._may_have_candidates(_Line(line)):
        assert not any(any(phone_number._candidates(s, None)) for s in strings)


def test_digit_lead_bytes_are_those_of_every_non_ascii_digit():
    """A non-ASCII text gets a digit shape only without a byte that may start a digit
    ``\\d`` matches: the list is every such character's UTF-8 lead byte, and text with
    other non-ASCII characters (quotes, dashes, accents; not emoji, whose lead byte F0 also
    starts some digits) keeps its shape."""
    import re

    from jsonl_lint.rules.secrets._scan import _NOT_DIGIT_LEADS

    every = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF)
    leads = {d.encode()[0] for d in re.findall(r"\d", every)}
    assert leads == set(range(256)) - set(_NOT_DIGIT_LEADS)
    assert digit_shape("it’s (415) 867-5309 – café") == "it’s-(000)-000-0000-–-café".encode()
    assert digit_shape("٣٣ 867-5309") is None and digit_shape("３ 867-5309") is None


@given(NUMBERISH)
@example("4242 4242 4242 4242")
@example("4242-424242-42424")
@example("’ ٣٣٣٣٣٣٣٣٣٣٣٣")
def test_card_digit_shape_test_never_skips_a_prefilter_match(text):
    shape = digit_shape(text)
    if shape is not None and payment_card._PREFILTER.search(text):
        assert b"00000000" in shape or b"0000-0000" in shape


KEY = st.sampled_from(["a", "b", "role", 'q"uote', "x\\y", "a:b"])
SPACE = st.sampled_from(["", " ", "\n", "\t "])
MEMBERS = st.lists(st.tuples(KEY, SPACE, st.sampled_from(['1', '"v"', '"\\":"', '" : "', '[]', '{"a":1,"a" :2}'])),
                   max_size=5)


@given(MEMBERS)
@example([("a", " ", "1"), ("a", "", "2")])
def test_duplicate_key_count_test_agrees_with_the_token_count(members):
    text = "{" + ",".join(f"{json.dumps(k)}{space}:{v}" for k, space, v in members) + "}"
    value, problem = parse_text(text)
    assert problem is None
    tokens = _STRING_THEN_COLON.findall(text)
    assert may_have_duplicate_keys(text, value) == (len(tokens) - tokens.count("") != count_keys(value))


JSON = st.recursive(st.none() | st.integers() | st.text(max_size=3),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=2), inner, max_size=4),
                    max_leaves=20)


def _members(value) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_members(v) for v in value.values())
    return sum(_members(v) for v in value) if isinstance(value, list) else 0


@given(JSON)
@example({"messages": [{"role": "user", "content": "x", "meta": {"a": [{"b": 1}]}}]})
def test_count_keys_counts_every_member_at_every_depth(value):
    assert count_keys(value) == _members(value)
