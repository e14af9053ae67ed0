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

from ..formats import answer_turns, has_text_tool_call, reply_calls_tool
from . import lexicon
from .lexicon import CREATIVE, DEFERRALS, MONTH, NOT_NAMES, PATTERNS, QUESTION_PATTERNS, REASONS, YEAR
from ..timings import stage


def _bytes_set(words) -> frozenset[bytes]:
    return frozenset(w.encode("ascii") for w in words)


# Word lists as byte strings: word sets of texts are computed on bytes (see ``_words``).
DEFER_WORDS = _bytes_set(lexicon.DEFER_WORDS)
ELECTRIC_WORDS = _bytes_set(lexicon.ELECTRIC_WORDS)
MATH_WORDS = _bytes_set(lexicon.MATH_WORDS)
PAST_WORDS = _bytes_set(lexicon.PAST_WORDS)
ERA_WORDS = _bytes_set(lexicon.ERA_WORDS)
HEDGE_WORDS = _bytes_set(lexicon.HEDGE_WORDS)
PLURAL_PERSONAL_WORDS = _bytes_set(("we", "our", "us"))
STATE_WORDS = _bytes_set(lexicon.STATE_WORDS)
STOP_WORDS = lexicon.STOP_WORDS
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


class _Cue:
    """One cue pattern; compiled when a text first has one of its keys (most runs, and
    every small file, need only a few of them: compiling all took most of the import)."""

    __slots__ = ("order", "category", "strength", "pattern", "_regex")

    def __init__(self, order: int, category: str, strength: str, pattern: str):
        self.order = order  # earlier cues win when two matches overlap
        self.category = category
        self.strength = strength  # "strong" | "anchored" | "weak" (see the lexicon)
        self.pattern = pattern
        self._regex: re.Pattern | None = None

    @property
    def regex(self) -> re.Pattern:
        # LazyRegex's logic inline: this is read at every tried position of every answer, and
        # one property here costs half of a LazyRegex held in a slot
        if self._regex is None:
            self._regex = re.compile(self.pattern, re.I)
        return self._regex


class _Keyed(dict):
    """Key -> cues, with the keys as a frozenset too: a text's word set meets a frozenset
    faster than a dict's keys."""

    __slots__ = ("keyset",)

    def __init__(self, items) -> None:
        super().__init__(items)
        self.keyset = frozenset(self)


def _index(patterns) -> tuple[_Keyed, _Keyed]:
    """Map each key word (as bytes), and each symbol or phrase key, to (cue, back) pairs.
    Phrase keys are gated by their first word: only looked for when that word occurs."""
    by_word: dict[bytes, list[tuple[_Cue, int]]] = {}
    by_phrase: dict[str, list[tuple[_Cue, int]]] = {}
    for i, (category, strength, keys, pattern) in enumerate(patterns):
        cue = _Cue(i, category, strength, pattern)
        for item in keys.split():
            key, _, back = item.rpartition(":")
            key = key.replace("_", " ")
            if key.isalpha() and key.isascii():
                by_word.setdefault(key.encode("ascii"), []).append((cue, int(back)))
            else:
                by_phrase.setdefault(key, []).append((cue, int(back)))
    return (_Keyed((k, tuple(v)) for k, v in by_word.items()), _Keyed((k, tuple(v)) for k, v in by_phrase.items()))


def _gates(by_phrase: _Keyed) -> tuple[_Keyed, tuple]:
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
    return _Keyed(gated), tuple(symbols)


_CUES_BY_WORD, _CUES_BY_PHRASE = _index(PATTERNS)
_QUESTIONS_BY_WORD, _QUESTIONS_BY_PHRASE = _index([(c, "anchored", k, p) for c, k, p in QUESTION_PATTERNS])
_CUES_BY_PHRASE = _gates(_CUES_BY_PHRASE)
_QUESTIONS_BY_PHRASE = _gates(_QUESTIONS_BY_PHRASE)
# Every byte but a-z to a space: ``_words`` is then one C-speed encode/translate/split.
_LETTERS_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
_GENERIC_QUESTION = len(QUESTION_PATTERNS) - 1
_DEFER = re.compile(DEFERRALS, re.I)
_CREATIVE = re.compile(CREATIVE, re.I)


_TOKEN_START = re.compile(r"(?<![\w$€£¥₹])[\w$€£¥₹]")


def _matches(text: str, by_word: _Keyed, by_phrase: tuple, skip: frozenset = frozenset()) -> list[tuple[int, int, _Cue, str]]:
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
    keys = [(w.decode("ascii"), by_word[w], True) for w in words & by_word.keyset]
    gated, symbols = by_phrase
    for gate in words & gated.keyset:
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


# A sentence ends at . ! ? before a space, or at a line break; not after "e.g.", "vs." or "Dr.".
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<!\bMr\.)(?<!\bMs\.)"
                           r"(?<!\bDr\.)(?<!\bSt\.)(?<!\bMrs\.)|\n")
_SENTENCE_SPAN = 600  # how far back a sentence start is looked for
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]+`|\bhttps?://\S+|\bwww\.\S+", re.S)
_DIGIT = re.compile(r"\d")
_NUMBERS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_CONTENT_WORD = re.compile(r"[^\W\d_]{3,}|\d[\d,.]*", re.U)
_NAME_WORD = re.compile(r"\b[A-Z][^\W\d_]{2,}")
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
_MONTH = re.compile(rf"(?-i:\b{MONTH})\s+\d")
_STILL_PRESENT = re.compile(r"\b(?:as of|currently|now|still|today|this year|at present|will|scheduled|expected|"
                            r"upcoming|next|planned|slated|set to)\b", re.I)
_IDIOMS = re.compile(
    r"\b(?:still|remains?|remained)\b[^.\n]{0,50}\b(?:today|nowadays|these days)\b"
    r"|\b(?:still|even|remains?|continues? to be|widely|commonly|often|is|are)\b[^.\n]{0,50}\b(?:used|read|relevant|popular|"
    r"important|known|seen|felt|celebrated|studied|practiced|played|sung|taught|visible|standing|stands|remembered|"
    r"valid|true|in use)\b[^.\n]{0,20}\b(?:today|nowadays|these days)\b"
    r"|\b(?:in|of|for|to)\s+today(?:'s|’s)\b|(?<!\w)today(?:'s|’s)\s+(?-i:[A-Z])"
    r"|\b(?:today(?:'s|’s)|modern|present[- ]day)\s+(?:world|society|age|era|youth|generation|students|children|people)\b"
    r"|\b(?:order|buy|sign up|call|join|start|get|visit|contact|subscribe|register|book|try|shop|donate|apply|act|"
    r"download|grab|claim|enroll|learn more|find out)\b[^.!\n]{0,40}\b(?:today|now)\b"
    r"|\b(?:live|lives|living) (?:in|for) the (?:present|moment)\b|\bright now\b[^.\n]{0,20}\?"
    r"|\bto date\s+(?:a|an|the|her|him|them|someone|me|you|us)\b|\bmore recently\b"
    r"|\b(?:the|a|an|of|from)\s+currently\b|(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )(?<!\bbe )"
    r"\bcurrently\s+(?:in use|running|selected|active|open|installed|loaded|playing|displayed|shown|facing|logged in|"
    r"signed in)\b"
    r"|\b(?:known|recorded|discovered|found|observed|seen|built|made)\s+(?:so far|to date)\b"
    r"|\b(?:want|wants|wanted|like|going|start|starting|begin|began|stop|try|trying|ready)\s+to date\b"
    r"|\b(?:use|using|install|installing|download|downloading|upgrade to|update to|updating to|get|keep|make sure|"
    r"ensure|check for|run|running|stay on|switch to|move to)\s+(?:you have\s+|to\s+)?(?:the\s+)?(?:latest|newest|most recent)\b"
    r"|\b(?:update|upgrade|updating|upgrading|updated|upgraded)\b[^.\n]{0,40}\bto\s+(?:the\s+)?(?:latest|newest|most recent)\b"
    r"|\b(?:my|your|his|her|their)\s+(?:latest|newest|most recent)\b"
    r"|\b(?:latest|newest)\s+(?:[\w-]+\s+){0,3}?(?:trends?|developments?|advances?|advancements?|research|news|technolog(?:y|ies)|"
    r"innovations?|techniques?|tools?|information|insights?|updates?|findings|discoveries|styles?|fashions?|"
    r"ideas?|thinking|best practices|offerings?|collection|additions?|products?|features?)\b",
    re.I,
)
# Instructions and embedded questions state nothing ("Please check whether it is in stock").
_INSTRUCTION = re.compile(
    r"^\W*(?:step\s*\d+\s*[:.)-]\s*)?(?:please\s+)?(?:check|make sure|ensure|verify|confirm|find out|ask|contact|call|"
    r"visit|look up|remember|see|update|upgrade|install|download|use|try|keep|be sure|note that|identify|determine|find|"
    r"list|consider|choose|select|decide|research|compare|add|apply|brush|click|cut|fold|grab|hold|mix|place|pour|press|"
    r"put|remove|set|stir|take|turn|wait|wash|bring|let['’]?s|let us|go|get|give)\b"
    r"|\b(?:whether|if|in case|unless)\b", re.I)
# Claims about the conversation itself ("as of now, the provided tools don't support this").
_CONVERSATION = re.compile(r"\b(?:provided|available|given|these|those|my|the following)\s+(?:tools?|functions?|APIs?|plugins?)\b"
                           r"|\bthis (?:conversation|chat|session)\b"
                           r"|^(?=.*\b(?:tools?|functions?|APIs?|plugins?)\b)(?=.*\b(?:we|we['’]d|you|provided|requested)\b)",
                           re.I | re.S)
_PERSONAL = re.compile(r"(?-i:\bI\b|\bI['’](?:m|ve|d|ll)\b)|\b(?:me|my|mine|you|you['’](?:re|ve|d|ll)|your|yours|"
                       r"let['’]s)\b", re.I)
# A phrase in typographic or HTML quotes is mentioned, not asserted ("do not have “the bidding will start at $10”").
_QUOTES = re.compile(r"[“”]|&quot;")
_NONE_EXISTS = re.compile(r"\bthere (?:is|are)\s+(?:currently\s+|now\s+|still\s+|at present\s+)?(?:no|none)\b", re.I)
_ERA_CUES = ("today", "nowadays", "these days")
_STATE_WINDOW = 45  # characters around a time word in which a state word counts ("closed today", "currently hiring")
_STATE_CUES = ("currently", "at present", "presently", "at the moment", "right now", "today", "tonight", "this week",
               "this weekend", "this month", "this year", "recently", "lately")
_EXAMPLE_BEFORE = re.compile(r"(?:\be\.g\.|\bi\.e\.|\bfor example|\bfor instance|\bsuch as|\bexample|\bscenario|\byou (?:may|can|could|might) ask)\W[^.!?]{0,40}$", re.I)
# An amount someone earns is a threshold, not a price ("taxes for those making over $1 million a year").
_EARNING_BEFORE = re.compile(r"\b(?:mak(?:e|es|ing)|earn(?:s|ing|ed)?|incomes?(?: of)?|salar(?:y|ies) of)\s+"
                             r"(?:over|above|more than|less than|under|below|up to|at least)?\s*$", re.I)
# The answer attributes the claim to the text it was given ("as the article states").
_SOURCED = re.compile(r"\b(?:according to|as|the)\s+(?:the\s+)?(?:given\s+|provided\s+)?(?:article|text|passage|"
                      r"paragraph|input|document|letter|email|story)\b", re.I)

# Most frequent first (in real word problems), as any one of them is enough.
_MATH_WORDS = ("how many", "each", "how much", "total", "per ", "%", "calculate", "average", "how long", "percent",
               "how old", "compute", "in all", "profit", "difference", "altogether", "sum of", "solve", "remainder",
               "how far", "how fast", "how often")
_MATH_ANSWER = re.compile(r"[\dx)]\s*=\s*[-$.(]?\d")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    s = 0 if start <= _SENTENCE_SPAN else start - _SENTENCE_SPAN
    for m in _SENTENCE_END.finditer(text, s, start):
        s = m.end()
    m = _SENTENCE_END.search(text, end)
    return s, (m.end() if m else len(text))


_INITIAL_NAME = re.compile(r"^\W*(?-i:[A-Z][\w&.'-]+)(?:\s+(?-i:[A-Z][\w&.'-]+))*\s+(?:is|are|has|have|was|were)\b")


def _has_name(sentence: str, skip: tuple[int, int]) -> bool:
    return _first_name(sentence, skip) is not None


def _first_name(sentence: str, skip: tuple[int, int] = (-1, -1)) -> str | None:
    """A capitalised word that names something, outside ``skip``: not the sentence's first
    word (often an imperative or a pronoun) unless a verb follows it ("California is ...")."""
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
            return word.rstrip(".'")
    return None


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


class Request:
    """The prompt an answer replies to, read only when a cue needs it (most answers have
    none): its content words (a sentence that restates them states nothing new), and
    whether its last user turn asks for fiction, role-play or a rewrite."""

    __slots__ = ("_turns", "_last", "_words", "_creative")

    def __init__(self, turns: list, last: str = ""):
        self._turns, self._last = turns, last  # the turns before the answer
        self._words: frozenset[str] | None = None
        self._creative: bool | None = None

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            self._words = content_words(" ".join(t.text for t in self._turns if t.role != "assistant"))
        return self._words

    @property
    def creative(self) -> bool:
        if self._creative is None:
            self._creative = bool(_CREATIVE.search(self._last))
        return self._creative


_NO_REQUEST = Request([])


def detect(text: str, *, math: bool = False, request: Request = _NO_REQUEST) -> list[Hit]:
    """Volatile-fact hits in ``text`` (an answer to ``request``), at most one per sentence."""
    if not text:
        return []
    if math or has_text_tool_call(text):
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
        if sentence.rstrip(" \t\"'”’)").endswith("?"):
            continue  # a question claims nothing ("What is the weather like today?")
        rel = (start - s, end - s)
        if _EXAMPLE_BEFORE.search(sentence, max(0, rel[0] - 60), rel[0]):
            continue  # "(e.g., today's temperature)": an illustration, not a claim
        if _QUOTES.search(sentence) and len(_QUOTES.findall(sentence, 0, rel[0])) % 2:
            continue  # inside a quotation: mentioned, not asserted
        if category == "price" and _EARNING_BEFORE.search(sentence, max(0, rel[0] - 40), rel[0]):
            continue
        if not _keep(category, strength, sentence, rel, phrase, request):
            continue
        if _SOURCED.search(sentence):
            continue  # "as the article states": restated from the given text
        if request.words and _restates(sentence, request.words):
            continue  # the prompt gave this (a passage to summarise or answer from)
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


# A sentence restates the prompt when this share of its content words (and all its numbers) are the prompt's.
_RESTATED = 0.7


def content_words(text: str) -> frozenset[str]:
    """Lowercase words of three letters or more and numbers, stop words left out."""
    return frozenset(w for w in (m.group().lower().rstrip(".,") for m in _CONTENT_WORD.finditer(text))
                     if w not in STOP_WORDS)


def _restates(sentence: str, given: frozenset[str]) -> bool:
    """Whether a sentence says what the prompt already said: most of its words, and every
    number and name in it, are the prompt's ("Bitcoin" answering "the most popular
    cryptocurrency?" is new)."""
    words = content_words(sentence)
    if len(words) < 4:
        return False
    if any(n.rstrip(".,") not in given for n in _NUMBERS.findall(sentence)):
        return False
    if any(w not in given and w not in NOT_NAMES for w in (m.group().lower() for m in _NAME_WORD.finditer(sentence))):
        return False
    return len(words & given) >= _RESTATED * len(words)


def _keep(category: str, strength: str, sentence: str, rel: tuple[int, int], phrase: str, request: Request) -> bool:
    low = phrase.lower()
    words = _words(sentence)
    if category in ("price", "rate", "market", "count", "schedule", "relative-time", "record", "weather", "wait",
                    "availability"):
        if _HYPOTHETICAL.search(sentence) or _arithmetic(sentence, words):
            return False
    if (category != "as-of" and _YEAR.search(sentence) and (words & PAST_WORDS or _PAST_DATE.search(sentence))
            and not _STILL_PRESENT.search(sentence)):
        return False  # past-dated history ("was elected in 2008", "sank in 1912")
    if "current" in low and words & ELECTRIC_WORDS:
        return False
    if words & DEFER_WORDS and _DEFER.search(sentence):
        return False  # "I cannot access real-time data to give you the forecast for tomorrow"
    if category in ("relative-time", "availability", "wait") and _INSTRUCTION.search(sentence, 0, rel[0] + 1):
        return False  # "Please check whether the item is in stock"
    if category == "relative-time":
        return _time_claim(sentence, rel, low, words, request)
    if category == "as-of" and not _YEAR.search(phrase) and (_PERSONAL.search(sentence) or _CONVERSATION.search(sentence)):
        return False  # "as of now, the provided tools don't support this": about the conversation
    if category == "version" and request.creative:
        return False  # "We have just launched ..." in a requested sales email
    if strength == "strong" and category != "version":
        return True
    outside = sentence[:rel[0]] + " " + sentence[rel[1]:]
    if strength == "strong":
        if low.startswith("current") and not _CURRENT_CLAIM.match(sentence, rel[1]):
            return False  # "the current model state", not "the current version is 6.3"
    elif strength == "anchored":
        if category == "record" and not _STILL_PRESENT.search(outside):
            return False  # "holds the record for most Oscars": a finished career's record stands
        if not (_YEAR.search(outside) or _MONTH.search(outside) or _has_name(sentence, rel)):
            return False  # "before the next election" names no date: nothing to go stale
    elif not _anchored(sentence, rel, phrase) or _hedged(sentence, rel) or _PERSONAL.search(sentence):
        return False  # "the latest year could be 1999"
    return not _idiom(sentence, rel)


# What follows a "current X" that names a thing: "is ...", "of Python is ...", ", 3.12".
_CURRENT_CLAIM = re.compile(r"\s*(?:of\s+[\w .'-]{1,30}?\s+)?(?:is|are|was|,|:|\(|-|–)", re.I)


def _time_claim(sentence: str, rel: tuple[int, int], low: str, words: set[bytes], request: Request) -> bool:
    """Whether a time word ("today", "currently", "this week") marks a claim about the present
    state of something: a quantity, a volatile noun or a state ("closed", "sold out", "hiring",
    "there is no ..."), not a person's mood, a hedge, an era ("more people alive today than
    ever") or a requested story."""
    if _hedged(sentence, rel) or _PERSONAL.search(sentence) or _CONVERSATION.search(sentence) or request.creative:
        return False
    if low in _ERA_CUES and words & ERA_WORDS:
        return False
    near = _words(sentence[max(0, rel[0] - _STATE_WINDOW):rel[1] + _STATE_WINDOW])
    state = low.startswith(_STATE_CUES) and bool(near & STATE_WORDS or _NONE_EXISTS.search(sentence))
    if words & PLURAL_PERSONAL_WORDS and not state:
        return False  # "Today we'll learn fractions"; but "we are currently hiring" is a state
    if not (state or _anchored(sentence, rel, low)):
        return False
    return not _idiom(sentence, rel)


def _hedged(sentence: str, rel: tuple[int, int]) -> bool:
    """A modal or generic word before the cue or just after it ("might be cool this year",
    "the latest year could be"), not in a later clause ("..., so replies may be slow")."""
    return bool(_words(sentence[:rel[1] + 25]) & HEDGE_WORDS)


def _idiom(sentence: str, rel: tuple[int, int]) -> bool:
    for im in _IDIOMS.finditer(sentence, max(0, rel[0] - 70), min(len(sentence), rel[1] + 50)):
        if im.start() <= rel[1] and rel[0] <= im.end():
            return True
    return False


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
        if _YEAR.search(sentence) and not _STILL_PRESENT.search(sentence):
            continue  # "who won the Academy Award since 2000": a question about the past
        if cue.order == _GENERIC_QUESTION and not (_DIGIT.search(sentence) or words & VOLATILE_WORDS
                                                   or "%" in sentence or _has_name(sentence, (-1, -1))):
            continue  # "What are you doing today?" asks nothing about the world
        lead = len(phrase) - len(phrase.lstrip())
        return [Hit(start + lead, start + len(phrase.rstrip()), "question", phrase.strip(), True)]
    return []


def defers(text: str) -> bool:
    """Whether an answer declines to state current facts, points to a live source, asks
    back for what it needs ("please provide a location") or calls a tool for them."""
    if has_text_tool_call(text):
        return True
    return bool(_words(text) & DEFER_WORDS) and bool(_DEFER.search(text))


def stated_fact(text: str) -> str | None:
    """A fact an answer states in prose (its first volatile phrase, name or number), or
    None when it states none (a bare link, "I'm not sure", a question back)."""
    prose = _CODE.sub(" ", text)
    hits = detect(prose)
    if hits:
        return hits[0].phrase
    for s, e in _sentences(prose):
        sentence = prose[s:e]
        if sentence.rstrip().endswith("?"):
            continue
        if _DIGIT.search(sentence) or _SPELLED_QUANTITY.search(sentence) or _YES_NO.match(sentence):
            return sentence.strip()
        name = _first_name(sentence)
        if name:
            return name
    return None


_SPELLED_QUANTITY = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million|billion|trillion|dozen|half|dollars?|euros?|pounds?|percent)\b", re.I)
_YES_NO = re.compile(r"\W*(?:yes|no)\b", re.I)


def _sentences(text: str):
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > start:
            yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def is_math_example(turns: Iterable) -> bool:
    """A word problem: a user turn with numbers and a math question, or worked arithmetic."""
    for t in turns:
        text = t.text
        if not text:
            continue
        if t.role == "assistant":
            if "<<" in text or "####" in text or ("=" in text and _MATH_ANSWER.search(text)):
                return True
        elif _two_digits(text):
            if any(map(text.lower().__contains__, _MATH_WORDS)):
                return True
    return False


_NOT_DIGITS = bytes(b for b in range(256) if not 48 <= b <= 57)


def _two_digits(text: str) -> bool:
    """Whether ``text`` has two digits (``\\d``); plain ASCII, where ``\\d`` is 0-9, by
    deleting every other byte: about 2x faster than two regex searches."""
    if text.isascii():
        return len(text.encode().translate(None, _NOT_DIGITS)) >= 2
    return (first := _DIGIT.search(text)) is not None and _DIGIT.search(text, first.end()) is not None


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


_NO_HITS = Analysis((), ())


@stage("volatile detector")
def analyze(example) -> Analysis:
    """Volatile facts in an example's trained answers (the chosen side of preference data),
    and current-state questions whose trained answer states a fact instead of deferring
    or looking it up."""
    turns = example.turns
    if is_math_example(turns):
        return _NO_HITS  # a word problem states no facts and asks no current-state question
    trained = {id(t) for t in answer_turns(example)}
    facts: list[tuple[int, Hit]] = []
    questions: list[tuple[int, Hit]] = []
    tool_seen = False
    last = ""  # the last user turn
    request: Request | None = None
    for i, turn in enumerate(turns):
        role = turn.role
        if role == "tool":
            tool_seen = True  # later answers restate fetched results, not memorised facts
        elif role == "user":
            tool_seen = False
            last = turn.text
            request = None
        if role == "assistant":
            if id(turn) in trained and not tool_seen and not turn.tool_calls and turn.raw_role != "function_call":
                if request is None:
                    request = Request(turns[:i], last)
                facts += [(i, h) for h in detect(turn.text, request=request)]
        elif role == "user" and len(turn.text) <= _MAX_QUESTION_CHARS:
            hits = detect_question(turn.text)
            if hits and not _CREATIVE.search(turn.text) and _answered_from_memory(turns, i, trained):
                questions += [(i, h) for h in hits]
    return Analysis(tuple(facts), tuple(questions))


def _answered_from_memory(turns: list, index: int, trained: set[int]) -> bool:
    """Whether the trained answer to the user turn at ``index`` states a fact rather than
    deferring, asking back or calling a tool."""
    answer = next((t for t in turns[index + 1:] if t.role == "assistant"), None)
    if answer is None or id(answer) not in trained or reply_calls_tool(turns, index):
        return False
    return not defers(answer.text) and stated_fact(answer.text) is not None
