"""Find present-tense claims about things that change (volatile facts) in text.

Each cue pattern of the lexicon is keyed by the words it needs: one pass splits
a turn into its set of lowercase words, and only the cues whose key words occur
run (most turns trigger none or a few, so the cost stays near one regex pass per
turn). Each match is then checked against its sentence: code spans, arithmetic
and hypotheticals ("If a ticket costs $5 ..."), past-dated history ("The Berlin
Wall fell in 1989"), idioms ("still read today", "in today's world"), and, for
weak cues such as "currently" or "latest", an anchor (a number, a name, a
volatile noun). Everything here is pure and compiled once at import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from . import lexicon
from .lexicon import DEFERRALS, MONTH, NOT_NAMES, PATTERNS, QUESTION_PATTERNS, REASONS, YEAR


def _bytes_set(words) -> frozenset[bytes]:
    return frozenset(w.encode("ascii") for w in words)


# Word lists as byte strings: word sets of texts are computed on bytes (see ``_words``).
DEFER_WORDS = _bytes_set(lexicon.DEFER_WORDS)
ELECTRIC_WORDS = _bytes_set(lexicon.ELECTRIC_WORDS)
MATH_WORDS = _bytes_set(lexicon.MATH_WORDS)
PAST_WORDS = _bytes_set(lexicon.PAST_WORDS)
PERSONAL_WORDS = _bytes_set(lexicon.PERSONAL_WORDS)
VOLATILE_WORDS = _bytes_set(lexicon.VOLATILE_WORDS)

__all__ = ["Hit", "detect", "detect_question", "defers", "is_math_example", "analyze", "Analysis", "REASONS"]


@dataclass(frozen=True, slots=True)
class Hit:
    start: int  # [start, end) in the turn text
    end: int
    category: str
    phrase: str
    strong: bool = True

    @property
    def reason(self) -> str:
        return REASONS.get(self.category, "")


@dataclass(frozen=True, slots=True)
class _Cue:
    order: int  # earlier cues win when two matches overlap
    category: str
    strength: str  # "strong" | "anchored" | "weak" (see the lexicon)
    regex: re.Pattern


_Keyed = dict


def _index(patterns) -> tuple[_Keyed, _Keyed]:
    """Map each key word (as bytes), and each symbol or phrase key, to (cue, back) pairs.
    Phrase keys are gated by their first word: only looked for when that word occurs."""
    by_word: dict[bytes, list[tuple[_Cue, int]]] = {}
    by_phrase: dict[str, list[tuple[_Cue, int]]] = {}
    for i, (category, strength, keys, pattern) in enumerate(patterns):
        cue = _Cue(i, category, strength, re.compile(pattern, re.I))
        for item in keys.split():
            key, _, back = item.rpartition(":")
            key = key.replace("_", " ")
            if key.isalpha() and key.isascii():
                by_word.setdefault(key.encode("ascii"), []).append((cue, int(back)))
            else:
                by_phrase.setdefault(key, []).append((cue, int(back)))
    return ({k: tuple(v) for k, v in by_word.items()}, {k: tuple(v) for k, v in by_phrase.items()})


def _gates(by_phrase: _Keyed) -> tuple[dict, tuple]:
    """Phrase keys by their first word (looked for only when that word occurs), and the
    symbol keys without a word (``$``, ``°``), looked for with ``in``."""
    gated: dict[bytes, list] = {}
    symbols = []
    for key, cues in by_phrase.items():
        first = re.match(r"[a-z]+", key)
        if first:
            gated.setdefault(first.group().encode("ascii"), []).append((key, cues))
        else:
            symbols.append((key, cues))
    return gated, tuple(symbols)


_CUES_BY_WORD, _CUES_BY_PHRASE = _index(PATTERNS)
_QUESTIONS_BY_WORD, _QUESTIONS_BY_PHRASE = _index([(c, "anchored", k, p) for c, k, p in QUESTION_PATTERNS])
_CUES_BY_PHRASE = _gates(_CUES_BY_PHRASE)
_QUESTIONS_BY_PHRASE = _gates(_QUESTIONS_BY_PHRASE)
# Every byte but a-z to a space: ``_words`` is then one C-speed encode/translate/split.
_LETTERS_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
_GENERIC_QUESTION = len(QUESTION_PATTERNS) - 1
_DEFER = re.compile(DEFERRALS, re.I)


_TOKEN_START = re.compile(r"(?<![\w$€£¥₹])[\w$€£¥₹]")


def _matches(text: str, by_word: _Keyed, by_phrase: _Keyed, skip: frozenset = frozenset()) -> list[tuple[int, int, _Cue, str]]:
    """Non-overlapping cue matches, earlier cues first on overlap.

    Only cues whose keys occur in the text run, and each is only tried
    (anchored) at the key and at word starts up to ``back`` characters before
    it, so the cost follows the number of cue words in a turn, not patterns
    times characters."""
    lower = text.lower()
    if len(lower) != len(text):  # a case mapping changed lengths: keep offsets exact
        lower = text
    n = len(text)
    found: dict[tuple[int, int], tuple[int, int, _Cue, str]] = {}
    words = _lower_words(lower)
    keys = [(w.decode("ascii"), by_word[w], True) for w in words & by_word.keys()]
    gated, symbols = by_phrase
    for gate in words & gated.keys():
        keys += [(k, cues, False) for k, cues in gated[gate] if k in lower]
    keys += [(k, cues, False) for k, cues in symbols if k in lower]
    for key, cues, word in keys:
        size = len(key)
        pos = lower.find(key)
        while pos >= 0:
            end = pos + size
            if not word or ((pos == 0 or not lower[pos - 1].isalnum()) and (end >= n or not lower[end].isalpha())):
                for cue, back in cues:
                    if cue.category in skip:
                        continue
                    starts = [pos]
                    if back:
                        starts += [m.start() for m in _TOKEN_START.finditer(lower, pos - back if pos > back else 0, pos)]
                    for start in starts:
                        if (cue.order, start) in found:
                            continue
                        m = cue.regex.match(text, start)
                        if m is not None and m.end() > start:
                            found[(cue.order, start)] = (start, m.end(), cue, m.group())
            pos = lower.find(key, end)
    if len(found) < 2:
        return list(found.values())
    ordered = sorted(found.values(), key=lambda f: (f[2].order, f[0]))
    taken: list[tuple[int, int, _Cue, str]] = []
    for f in ordered:
        if all(f[1] <= t[0] or f[0] >= t[1] for t in taken):
            taken.append(f)
    taken.sort(key=lambda f: f[0])
    return taken


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]+`|\bhttps?://\S+|\bwww\.\S+", re.S)
# Tool-call syntax in an answer (toolformer style ``search('...')``): the fact is fetched.
_TOOL_CALL = re.compile(r"\b[A-Za-z_]\w*\((?:'|\")")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"(?<![\[<{\w])[A-Za-z][\w&'.-]*")
_ARITHMETIC = re.compile(r"\d\s*[+*/×÷x]\s*\$?\d|[\dx)]\s*=\s*[-$.(]?\d|<<|####|\btimes\b|\bmultipl|\bdivid|\bin total\b|\baltogether\b", re.I)
_HYPOTHETICAL = re.compile(
    r"^\W*(?:if|suppose|supposing|assume|assuming|let's say|let us say|imagine|say|for example|for instance|e\.g\.|"
    r"when|whenever|once|given that|a (?:store|shop|company|customer|person|man|woman|student|farmer)|"
    r"(?-i:[A-Z][a-z]+) (?:buys|bought|wants|sold|sells|spends|spent|pays|paid|earns|earned|saves|saved))\b",
    re.I,
)
_PAST_DATE = re.compile(rf"\b(?:in|from|during|until|by|of|on)\s+(?:{MONTH}\s+)?(?:\d{{1,2}},?\s+)?{YEAR}s?\b", re.I)
_YEAR = re.compile(rf"\b{YEAR}s?\b")
_STILL_PRESENT = re.compile(r"\b(?:as of|currently|now|still|today|this year|at present|will|scheduled|expected|"
                            r"upcoming|next|planned|slated|set to)\b", re.I)
_IDIOMS = re.compile(
    r"\b(?:still|remains?|remained)\b[^.\n]{0,50}\b(?:today|nowadays|these days)\b"
    r"|\b(?:still|even|remains?|continues? to be|widely|commonly|often|is|are)\b[^.\n]{0,50}\b(?:used|read|relevant|popular|"
    r"important|known|seen|felt|celebrated|studied|practiced|played|sung|taught|visible|standing|stands|remembered|"
    r"valid|true|in use)\b[^.\n]{0,20}\b(?:today|nowadays|these days)\b"
    r"|\b(?:in|of)\s+today(?:'s|’s)\s+(?:world|society|age|era|economy|market|climate|environment|culture|digital|"
    r"fast|modern|busy|competitive|technolog|globali|interconnected|workplace|business|job)"
    r"|\b(?:today(?:'s|’s)|modern|present[- ]day)\s+(?:world|society|age|era|youth|generation|students|children|people)\b"
    r"|\b(?:order|buy|sign up|call|join|start|get|visit|contact|subscribe|register|book|try|shop|donate|apply|act|"
    r"download|grab|claim|enroll|learn more|find out)\b[^.!\n]{0,40}\b(?:today|now)\b"
    r"|\b(?:live|lives|living) (?:in|for) the (?:present|moment)\b|\bright now\b[^.\n]{0,20}\?"
    r"|\b(?:the|a|an|is|are)\s+currently\s+\w+ing\b|\bto date\s+(?:a|an|the|her|him|them|someone|me|you|us)\b"
    r"|\b(?:want|wants|wanted|like|going|start|starting|begin|began|stop|try|trying|ready)\s+to date\b"
    r"|\b(?:use|using|install|installing|download|downloading|upgrade to|update to|updating to|get|keep|make sure|"
    r"ensure|check for|run|running|stay on|switch to|move to)\s+(?:you have\s+|to\s+)?(?:the\s+)?(?:latest|newest|most recent)\b"
    r"|\b(?:latest|newest)\s+(?:[\w-]+\s+){0,2}?(?:trends?|developments?|advances?|advancements?|research|news|technolog(?:y|ies)|"
    r"innovations?|techniques?|tools?|information|insights?|updates?|findings|discoveries|styles?|fashions?|"
    r"ideas?|thinking|best practices|offerings?|collection|additions?|products?|features?)\b",
    re.I,
)
_EXAMPLE_BEFORE = re.compile(r"(?:\be\.g\.|\bi\.e\.|\bfor example|\bfor instance|\bsuch as|\bexample|\byou (?:may|can|could|might) ask)\W[^.!?]{0,40}$", re.I)

# Categories an arithmetic / word-problem context cancels.
_MATH_SUPPRESSED = frozenset({"price", "rate", "market", "count", "schedule", "weather", "relative-time", "record",
                              "as-of", "version", "office", "question"})
_MATH_WORDS = ("how much", "how many", "how long", "how far", "how old", "how fast", "how often", "calculate",
               "compute", "solve", "total", "sum of", "difference", "average", "percent", "profit", "altogether",
               "in all", "remainder", "each", "per ", "%")
_MATH_ANSWER = re.compile(r"[\dx)]\s*=\s*[-$.(]?\d")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    s = max(text.rfind(". ", 0, start), text.rfind("! ", 0, start), text.rfind("? ", 0, start), text.rfind("\n", 0, start))
    s = 0 if s < 0 else s + 1
    m = _SENTENCE_END.search(text, end)
    return s, (m.end() if m else len(text))


_INITIAL_NAME = re.compile(r"^\W*(?-i:[A-Z][\w&.'-]+)(?:\s+(?-i:[A-Z][\w&.'-]+))*\s+(?:is|are|has|have|was|were)\b")


def _has_name(sentence: str, skip: tuple[int, int]) -> bool:
    """A capitalised word that names something: not the sentence's first word (often an
    imperative or a pronoun) unless a verb follows it ("California is ...")."""
    first = True
    for m in _WORD.finditer(sentence):
        word = m.group()
        if first:
            first = False
            if not _INITIAL_NAME.match(sentence) or word.lower() in NOT_NAMES:
                continue
        if not word[0].isupper() or skip[0] <= m.start() < skip[1]:
            continue
        if word.lower().rstrip(".'") not in NOT_NAMES and len(word) > 1:
            return True
    return False


def _lower_words(lower: str) -> set[bytes]:
    """ASCII words of an already lowercased text, as bytes (punctuation, digits and other
    letters are separators): one C-speed encode, translate and split."""
    return set(lower.encode("utf-8", "surrogatepass").translate(_LETTERS_ONLY).split())


def _words(text: str) -> set[bytes]:
    return _lower_words(text.lower())


def _arithmetic(sentence: str, words: set[str]) -> bool:
    if not (words & MATH_WORDS or any(c in sentence for c in "=*/×÷<#+") or " x " in sentence):
        return False
    return bool(_ARITHMETIC.search(sentence))


# A quantity, not a list number or a day count: money, percent, scale words, big numbers, years.
_QUANTITY = re.compile(r"[$€£¥₹%]|\d\s?(?:percent|per cent|million|billion|trillion|thousand)\b|\b\d{1,3}(?:,\d{3})+\b|\b\d{4,}\b|\b\d+\.\d+\b")


def _anchored(sentence: str, rel: tuple[int, int], phrase: str) -> bool:
    if _QUANTITY.search(sentence):
        return True
    outside = sentence[:rel[0]] + " " + sentence[rel[1]:]
    if "%" in outside or _words(outside) & VOLATILE_WORDS:
        return True
    if not phrase.lower().startswith(("currently", "at present", "presently", "at the moment", "right now")):
        return False  # other weak cues need a number or a volatile noun, not only a name
    return _has_name(sentence, rel)


def _code_spans(text: str) -> list[tuple[int, int]]:
    if "`" not in text and "http" not in text and "www." not in text:
        return []
    return [m.span() for m in _CODE.finditer(text)]


def detect(text: str, *, math: bool = False) -> list[Hit]:
    """Volatile-fact hits in ``text`` (an answer), at most one per sentence."""
    if not text:
        return []
    if math or (("('" in text or '("' in text) and _TOOL_CALL.search(text)):
        return []  # word problems; answers that call a tool for the facts
    matches = _matches(text, _CUES_BY_WORD, _CUES_BY_PHRASE)
    if not matches:
        return []
    code = _code_spans(text)
    out: list[Hit] = []
    last_sentence = (-1, -1)
    for start, end, cue, phrase in matches:
        category, strength = cue.category, cue.strength
        if code and any(a <= start < b for a, b in code):
            continue
        if text.startswith('":', end) or text.startswith('" :', end):
            continue  # a JSON key inside a JSON answer ("latest": "600 BCE")
        s, e = _sentence(text, start, end)
        sentence = text[s:e]
        rel = (start - s, end - s)
        if _EXAMPLE_BEFORE.search(sentence, max(0, rel[0] - 60), rel[0]):
            continue  # "(e.g., today's temperature)": an illustration, not a claim
        if not _keep(category, strength, sentence, rel, phrase):
            continue
        lead = len(phrase) - len(phrase.lstrip())
        core = phrase.strip().rstrip(".,;:")
        hit = Hit(start + lead, start + lead + len(core), category, core, strength == "strong")
        if (s, e) == last_sentence:
            if hit.strong and not out[-1].strong:
                out[-1] = hit
            continue
        last_sentence = (s, e)
        out.append(hit)
    return out


def _keep(category: str, strength: str, sentence: str, rel: tuple[int, int], phrase: str) -> bool:
    low = phrase.lower()
    words = _words(sentence)
    if category in ("price", "rate", "market", "count", "schedule", "relative-time", "record", "weather"):
        if _HYPOTHETICAL.search(sentence) or _arithmetic(sentence, words):
            return False
    if (category != "as-of" and _YEAR.search(sentence) and (words & PAST_WORDS or _PAST_DATE.search(sentence))
            and not _STILL_PRESENT.search(sentence)):
        return False  # past-dated history ("was elected in 2008", "sank in 1912")
    if "current" in low and words & ELECTRIC_WORDS:
        return False
    if words & DEFER_WORDS and _DEFER.search(sentence):
        return False  # "I cannot access real-time data to give you the forecast for tomorrow"
    if strength == "strong" and category != "version":
        return True
    if category == "relative-time" and words & PERSONAL_WORDS:
        return False  # "I'm so angry right now", "you're feeling today": a personal state, not a world fact
    if strength == "strong":
        if low.startswith("current") and not _anchored(sentence, rel, phrase):
            return False
    elif strength == "anchored":
        if not (_has_name(sentence, rel) or _STILL_PRESENT.search(sentence) or _YEAR.search(sentence)):
            return False
    elif not _anchored(sentence, rel, phrase):
        return False
    for im in _IDIOMS.finditer(sentence, max(0, rel[0] - 70), min(len(sentence), rel[1] + 50)):
        if im.start() <= rel[1] and rel[0] <= im.end():
            return False
    return True


def detect_question(text: str, *, math: bool = False) -> list[Hit]:
    """The phrase of a user turn that asks about the current state of the world (at most one)."""
    if not text or math:
        return []
    for start, end, cue, phrase in _matches(text, _QUESTIONS_BY_WORD, _QUESTIONS_BY_PHRASE):
        s, e = _sentence(text, start, end)
        sentence = text[s:e]
        words = _words(sentence)
        if "current" in phrase.lower() and words & ELECTRIC_WORDS:
            continue
        if _arithmetic(sentence, words) or _HYPOTHETICAL.search(sentence):
            continue
        if cue.order == _GENERIC_QUESTION and not (_DIGIT.search(sentence) or words & VOLATILE_WORDS
                                                   or "%" in sentence or _has_name(sentence, (-1, -1))):
            continue  # "What are you doing today?" asks nothing about the world
        lead = len(phrase) - len(phrase.lstrip())
        return [Hit(start + lead, start + len(phrase.rstrip()), "question", phrase.strip(), True)]
    return []


def defers(text: str) -> bool:
    """Whether an answer declines to state current facts, points to a live source or
    calls a tool for them."""
    if ("('" in text or '("' in text) and _TOOL_CALL.search(text):
        return True
    return bool(_words(text) & DEFER_WORDS) and bool(_DEFER.search(text))


def is_math_example(turns: Iterable) -> bool:
    """A word problem: a user turn with numbers and a math question, or worked arithmetic."""
    for t in turns:
        text = t.text
        if not text:
            continue
        if t.role == "assistant":
            if "<<" in text or "####" in text or ("=" in text and _MATH_ANSWER.search(text)):
                return True
        elif len(_DIGIT.findall(text)) >= 2:
            low = text.lower()
            if any(w in low for w in _MATH_WORDS):
                return True
    return False


# A longer user turn brings its own context (a passage, a document): the answer comes from it.
_MAX_QUESTION_CHARS = 500


@dataclass(frozen=True, slots=True)
class Analysis:
    """Volatile hits of one example: (turn index, hit) for answers and for questions."""

    facts: tuple[tuple[int, Hit], ...]
    questions: tuple[tuple[int, Hit], ...]

    @property
    def volatile(self) -> bool:
        return bool(self.facts or self.questions)


def analyze(example) -> Analysis:
    """Volatile facts in an example's trained answers, and current-state questions in
    its user turns whose next answer states something instead of deferring."""
    turns = example.turns
    math = is_math_example(turns)
    facts: list[tuple[int, Hit]] = []
    questions: list[tuple[int, Hit]] = []
    tool_seen = False
    for i, turn in enumerate(turns):
        if turn.role == "tool":
            tool_seen = True  # later answers restate fetched results, not memorised facts
        elif turn.role == "user":
            tool_seen = False
        if turn.role == "assistant":
            if turn.weight != 0 and not tool_seen and not turn.tool_calls and turn.raw_role != "function_call":
                facts += [(i, h) for h in detect(turn.text, math=math)]
        elif turn.role == "user" and not math and len(turn.text) <= _MAX_QUESTION_CHARS:
            hits = detect_question(turn.text)
            if not hits:
                continue
            answer = next((t for t in turns[i + 1:] if t.role == "assistant"), None)
            if (answer is None or not answer.text.strip() or answer.tool_calls or answer.raw_role == "function_call"
                    or defers(answer.text)):
                continue
            questions += [(i, h) for h in hits]
    return Analysis(tuple(facts), tuple(questions))
