"""claims() and prompt_words() give what their definition gives: every answer's prose
cleaned whole, its first words read from the whole prose, each word normalized anew
(the shortcuts: substring tests before the noise and list-marker regexes, the first
words taken from the first sentence when it has enough, memoized word forms)."""

from __future__ import annotations

from itertools import islice
from unittest import mock

from hypothesis import given, settings, strategies as st

from jsonl_lint.similarity import claims as c
from test_conflicting_answers import AGREEMENTS, CONFLICTS


def _defined_plain(answer: str) -> str:
    stripped = answer.strip()
    if stripped[:1] in "{[":
        try:
            stripped = ". ".join(c._leaves(c.orjson.loads(stripped)))
        except c.orjson.JSONDecodeError:
            pass
    if "(" in stripped:
        stripped = c._TOOL_CALL_SPAN.sub(" ", stripped)
    return c._LIST_MARKER.sub("", c._NOISE.sub(" ", stripped)).strip()


class _Fresh(dict):
    """Each word normalized anew (the memo's interface, nothing kept)."""

    def __getitem__(self, word: str) -> str:
        return c._norm_token(word)


def _defined(answer: str, given_words: frozenset[str]) -> c.Claims:
    text = _defined_plain(answer)
    words = [c._norm_token(m.group())
             for m in islice(c._WORD.finditer(c._expand_negations(text)), c._LABEL_WORDS + 1)]
    polarity = 0
    if words:
        polarity = 1 if words[0] in c._YES else -1 if words[0] in c._NO else 0
    core_text = c._first_sentence(text)
    core_words = [c._norm_token(w) for w in c._WORD.findall(c._expand_negations(core_text))]
    facts, runs = frozenset(), frozenset()
    if len(core_words) <= c._CORE_WORDS:
        with mock.patch.object(c, "_NORMS", _Fresh()):  # _names reads the memo: the definition must not
            names, runs = c._names(core_text)
        facts = frozenset(f for f in names | c._numbers(core_text) if f not in given_words)
    label = frozenset(w for w in words if w not in c._STOP) if 0 < len(words) <= c._LABEL_WORDS else frozenset()
    negated = any(w in c._NEGATORS for w in core_words)
    core = frozenset(c._stem(w) for w in core_words if w not in c._NEGATORS and w not in c._STOP)
    return c.Claims(polarity, facts, label, core, negated, runs)


# Pieces that move sentence ends, negations, numbers, names, noise and list markers.
PIECES = ["Yes", "no", "The", "Canberra", "isn't", "don’t", "not", "5", "3.5", "1,200", "5,.3", "U.S.", "A.",
          "Dr. Smith", "Sydney's", "it's", "boils", "classes", ".", "!", "?", ";", ":", ",", "\n", "\n- ",
          "1. ", "2) ", "* ", "• ", "`x`", "```code. more```", "http://a.b/c. d", "www.x.org", "{{name}}",
          "Z", "é", "Ünïcödé", "’", "'", " ", "  ", "(", ")", "f(x)", '{"a": "Yes. No"}', "[1, 2]"]
texts = st.lists(st.sampled_from(PIECES), max_size=24).map(" ".join) | \
    st.lists(st.sampled_from(PIECES), max_size=24).map("".join)


@settings(max_examples=600, deadline=None)
@given(texts, texts)
def test_claims_are_their_definition(answer, prompt):
    given_words = c.prompt_words(prompt)
    assert given_words == frozenset(c._norm_token(w) for w in c._WORD.findall(prompt))
    assert c.claims(answer, given_words) == _defined(answer, given_words)


# Short first sentences (the first words come from the rest), lists, noise.
ANSWERS = ["Yes\n2) no", "Sure:\n1. Canberra\n2. Sydney", "No.\n- 5 legs", "Convex\n\n* not concave",
           "It is `x`. Then 7", "See http://x.org/a. It isn't", "{{name}}. I am Vicuna", "A\n3) b c d e f"]


def test_claims_of_the_labelled_answers_are_their_definition():
    for prompt, a, b in CONFLICTS + AGREEMENTS + [("Which?", x, x) for x in ANSWERS]:
        given_words = c.prompt_words("user " + prompt)
        for answer in (a, b):
            assert c.claims(answer, given_words) == _defined(answer, given_words), answer


def test_word_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(c, "_MEMO_LIMIT", 4)
    memo = c._Memo(c._norm_token)
    for w in ["Apple", "Bears", "5,000", "it's", "Zed", "Why"]:
        assert memo[w] == c._norm_token(w)
        assert len(memo) <= 4
