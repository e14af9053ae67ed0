"""What an answer claims, to tell answers that disagree from answers that reword.

Two answers to one prompt disagree on a point that can be checked without
understanding them:

- yes or no: one opens with yes/true/correct, the other with no/false/incorrect;
- a picked option: both are a few words, both taken from the options the prompt
  offers, and they share none ("concave" / "convex");
- the facts of their first sentence: the names and numbers that do not come from
  the prompt, when both state some and they share none ("Canberra" / "Sydney",
  "1969" / "1971", "5" / "6"); a measurement within 2% of the other's counts as the same;
- negation: the first sentences use the same words, one of them with "not".

Open-ended prompts (write, explain, describe, compare, ...) have many good answers:
for them only yes or no counts. Everything here is pure and cheap; it runs only on
records whose prompt another record shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

import orjson

from ..formats import TEXT_TOOL_CALL
from ..volatile.lexicon import NOT_NAMES, STOP_WORDS as _STOP

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d[\d,]*(?:\.\d+)?", re.U)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][\w&'’.-]*")
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\d)[.!?;:](?=\s|$)|\n")
_LIST_MARKER = re.compile(r"(?m)^\s*(?:\d{1,2}[.)]|[-*•])\s+")
_NOISE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`|\bhttps?://\S+|\bwww\.\S+|\{\{[^{}]*\}\}", re.S)
_TOOL_CALL_SPAN = re.compile(TEXT_TOOL_CALL.pattern + r"[^()]*\)")
_NEGATION = re.compile(r"n['’]t\b")

_YES = frozenset({"yes", "yeah", "yep", "true", "correct", "affirmative"})
_NO = frozenset({"no", "nope", "false", "incorrect", "wrong"})
_NEGATORS = frozenset({"not", "no", "never", "cannot", "nothing", "none", "neither", "nor"})
# Prompts with many good answers: only a yes/no disagreement is a conflict there.
_OPEN = re.compile(
    r"^\W*(?:please\s+|can you\s+|could you\s+|now\s+)?(?:write|compose|create|generate|explain|describe|elaborate|"
    r"discuss|summari[sz]e|tell me (?:about|a|an|more)|list|give|suggest|brainstorm|outline|draft|design|imagine|"
    r"rewrite|rephrase|paraphrase|translate|compare|contrast|provide|propose|plan|develop|continue|make|produce|"
    r"introduce|share|recommend|help|analy[sz]e|evaluate|review|edit|improve|expand|convert|format)\b"
    r"|^\W*(?:name|give|list|pick|choose) (?:a|an|one|some|any|two|three|few)\b"
    r"|\b(?:why|how (?:do|does|can|could|should|would|to|might)|difference between|differences between|"
    r"pros and cons|advantages|ideas?|examples?|tips|ways to|steps to)\b",
    re.I,
)
_NUMBER_TOLERANCE = 0.02
_ROUNDED = 10000  # whole numbers from here up may be rounded
_CORE_WORDS = 40  # a first sentence longer than this is an essay, not a checkable claim
_LABEL_WORDS = 4
_SAME_WORDS = 0.75  # word overlap of two first sentences that differ only by a negation


@dataclass(frozen=True, slots=True)
class Claims:
    polarity: int  # 1 yes, -1 no, 0 neither
    facts: frozenset[str]  # names (lowercase words) and numbers of the first sentence, not from the prompt
    label: frozenset[str]  # content words of a short answer
    core: frozenset[str]  # words of the first sentence, negators left out
    negated: bool
    runs: frozenset[str] = frozenset()  # multi-word names run together ("largemodelsystems"), for acronyms


def prompt_words(prompt: str) -> frozenset[str]:
    return frozenset(_tokens(prompt))


def open_ended(question: str) -> bool:
    """Whether the last user request asks for something with many good answers."""
    return bool(_OPEN.search(question))


def claims(answer: str, given: frozenset[str]) -> Claims:
    """The checkable claims of ``answer``; ``given`` are the prompt's words."""
    text = _plain(answer)
    core_text = _first_sentence(text)
    core_words = _tokens(_expand_negations(core_text))
    # Only the first word (polarity) and the words of a short answer (label) are read. No
    # word match (nor "n't") takes in the character a first sentence ends at, so the
    # answer's first words are its first sentence's when that has enough of them.
    if len(core_words) > _LABEL_WORDS:
        words = core_words[:_LABEL_WORDS + 1]
    else:
        words = [_NORMS[m.group()] for m in islice(_WORD.finditer(_expand_negations(text)), _LABEL_WORDS + 1)]
    polarity = 0
    if words:
        polarity = 1 if words[0] in _YES else -1 if words[0] in _NO else 0
    facts: frozenset[str] = frozenset()
    runs: frozenset[str] = frozenset()
    if len(core_words) <= _CORE_WORDS:
        names, runs = _names(core_text)
        facts = frozenset(f for f in names | _numbers(core_text) if f not in given)
    label = frozenset(w for w in words if w not in _STOP) if 0 < len(words) <= _LABEL_WORDS else frozenset()
    negated = not _NEGATORS.isdisjoint(core_words)
    core = frozenset(map(_STEMS.__getitem__, core_words))
    if None in core:  # negators and stop words are left out
        core -= _NOT_CORE
    return Claims(polarity, facts, label, core, negated, runs)


def disagreement(a: Claims, b: Claims, given: frozenset[str], open_prompt: bool) -> str | None:
    """What two answers to one prompt disagree on, in words, or None when they agree
    or cannot be compared."""
    if a.polarity and b.polarity and a.polarity != b.polarity:
        return f"{_yes_no(a.polarity)} against {_yes_no(b.polarity)}"
    if open_prompt:
        return None
    if a.label and b.label and not a.label & b.label and a.label <= given and b.label <= given:
        return f"{_show(a.label)} against {_show(b.label)}"
    if a.facts and b.facts and not _share(a, b):
        return f"{_show(a.facts)} against {_show(b.facts)}"
    if (a.negated != b.negated and len(a.core) >= 3 and len(b.core) >= 3
            and len(a.core & b.core) / len(a.core | b.core) >= _SAME_WORDS):
        return "the same claim, negated in one"
    return None


def _plain(answer: str) -> str:
    """The answer's prose: JSON answers by their values; code, links, template
    placeholders, tool calls and list markers left out."""
    stripped = answer.strip()
    if stripped[:1] in "{[":
        try:
            stripped = ". ".join(_leaves(orjson.loads(stripped)))
        except orjson.JSONDecodeError:
            pass
    if "(" in stripped:
        stripped = _TOOL_CALL_SPAN.sub(" ", stripped)
    # Substring tests first: most answers have no noise and one line (a list marker then
    # can only open it), and a regex scan of a long answer costs more than four searches.
    if "`" in stripped or "http" in stripped or "www." in stripped or "{{" in stripped:
        stripped = _NOISE.sub(" ", stripped)
    if "\n" in stripped or _LIST_MARKER.match(stripped):
        stripped = _LIST_MARKER.sub("", stripped)
    return stripped.strip()


def _leaves(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in _leaves(v)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def _first_sentence(text: str) -> str:
    m = _SENTENCE_END.search(text)
    return text[:m.start()] if m else text


def _expand_negations(text: str) -> str:
    return _NEGATION.sub(" not", text)


class _Memo(dict):
    """A word's normalized form (or stem), computed once: answers and prompts repeat
    their vocabulary. Emptied when it grows past ``_MEMO_LIMIT`` words."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, word: str):
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        value = self[word] = self.fn(word)
        return value


_MEMO_LIMIT = 1 << 15  # about 3-6 MB a memo at most


def _tokens(text: str) -> list[str]:
    """The normalized words of ``text``."""
    norms = _NORMS
    return [norms[w] for w in _WORD.findall(text)]


def _core_stem(word: str) -> str | None:
    """A first-sentence word as ``Claims.core`` keeps it: stemmed, or None for a negator
    or a stop word (left out)."""
    return None if word in _NEGATORS or word in _STOP else _stem(word)


_NOT_CORE = frozenset({None})


def _norm_token(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word[:1].isdigit():
        return _number(word)
    return word[:-2] if word.endswith("'s") else word


def _stem(word: str) -> str:
    """Crude plural and third-person stripping, so "boils" and "does not boil" compare."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-2] if word.endswith(("ches", "shes", "xes")) else word[:-1]
    return word


def _number(token: str) -> str:
    token = token.replace(",", "")
    if "." in token:
        token = token.rstrip("0").rstrip(".")
    return token


def _names(text: str) -> tuple[set[str], frozenset[str]]:
    """Lowercase words of capitalised names (a sentence's first word only when it is
    not a common word: "Canberra.", not "The"), and multi-word names run together."""
    out = set()
    runs = []
    run: list[str] = []
    last = -2
    for m in _CAPITALISED.finditer(text):
        word = m.group().rstrip(".'’-")
        low = _NORMS[word]
        if len(low) < 2 or low in NOT_NAMES or low in _STOP:
            continue
        out.add(low)
        if text[last:m.start()].strip():
            runs.append(run)
            run = []
        run.append(low)
        last = m.end()
    runs.append(run)
    return out, frozenset("".join(r) for r in runs if len(r) > 1)


_NORMS = _Memo(_norm_token)
_STEMS = _Memo(_core_stem)


def _numbers(text: str) -> set[str]:
    return {_number(m.group()) for m in _NUMBER.finditer(text)}


def _share(a: Claims, b: Claims) -> bool:
    """Whether two answers' facts have something in common: a word, a number within 2%,
    or an acronym of the other's name ("LMSYS" and "Large Model Systems")."""
    if a.facts & b.facts:
        return True
    for x in a.facts:
        if _acronym_of(x, b.runs):
            return True
        for y in b.facts:
            if _close_numbers(x, y):
                return True
    return any(_acronym_of(y, a.runs) for y in b.facts)


def _close_numbers(x: str, y: str) -> bool:
    """Measurements given to different precision ("384,400" and "384,000"); small whole
    numbers (counts, years) must be equal."""
    try:
        fx, fy = float(x), float(y)
    except ValueError:
        return False
    if max(fx, fy) < _ROUNDED and "." not in x + y:
        return False
    return abs(fx - fy) <= _NUMBER_TOLERANCE * max(abs(fx), abs(fy))


def _acronym_of(word: str, runs: frozenset[str]) -> bool:
    """Whether ``word`` abbreviates a multi-word name: its letters in order, the first one
    the name's first."""
    if not (2 <= len(word) <= 8 and word.isalpha()):
        return False
    for run in runs:
        if run[0] != word[0]:
            continue
        pos = 0
        for c in word:
            pos = run.find(c, pos) + 1
            if not pos:
                break
        else:
            return True
    return False


def _yes_no(polarity: int) -> str:
    return "yes" if polarity > 0 else "no"


def _show(items: frozenset[str], limit: int = 3) -> str:
    shown = sorted(items)[:limit]
    return ", ".join(f"'{s}'" for s in shown) + (", …" if len(items) > limit else "")
