"""The style profile of a record's replies, computed once per record.

Dataset rules JL401-JL406 all read the same profile; it is memoized on the
record (``record.extra``), so six rules do not profile six times, and in a
bounded LRU keyed by the record's raw text, so a re-lint of an edited file (the
language server) profiles only the records that changed. A profile is a few
numbers plus where its first markers are (pointer and decoded span), so it is
small enough for dataset-rule state.

The replies are the answers a fine-tune learns (``formats.answer_turns``: the
chosen side, not shared preference context, not bare tool calls), and every
marker is counted only where the request does not explain it (``request.py``):
slang in a requested rap, "!" in an advert or emoji in a tweet are what the user
asked for, and words inside quotation marks are someone else's voice.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple

from ..formats import TEXT_TOOL_CALL, answer_turns, has_text_tool_call
from . import hostility, language, lexicon, readability, request
from .request import Request
from .structure import HEADINGS, JSON_ARRAY, JSON_OBJECT, LIST, TABLE, TEXT, structure
from .structure import CODE as CODE_FEATURE
from ..timings import stage

_KEY = "jl4.style"
_LANG_KEY = "jl4.lang"
_REPLY_LANG_KEY = "jl4.reply-lang"
_MASKED_KEY = "jl4.masked"  # a single reply's masked text, as the profile made it (language reads it)

_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
# Bytes that end a word of _WORD (all but letters and "'"), for plain-ASCII text.
_WORD_BREAKS = bytes(b if chr(b).isascii() and (chr(b).isalpha() or b == 39) else 32 for b in range(256))


def words_of(text: str) -> list[str]:
    """``_WORD.findall(text)``; plain ASCII (most replies) by one byte translation and a
    split, about 1.7x faster: a word is a run of letters and "'" from its first letter."""
    if not text.isascii():
        return _WORD.findall(text)
    runs = text.encode().translate(_WORD_BREAKS)
    words = runs.decode().split()
    if runs[:1] == b"'" or b" '" in runs:  # a run that starts with "'" (most apostrophes are inside words)
        words = [w.lstrip("'") if w[0] == "'" else w for w in words]
        if "" in words:
            words = [w for w in words if w]
    return words

_EMOJI = re.compile(
    "[\U0001F300-\U0001F5FF\U0001F600-\U0001F64F\U0001F680-\U0001F6FF\U0001F900-\U0001F9FF"
    "\U0001FA70-\U0001FAFF\u2600-\u266C\u2670-\u26FF\u2700-\u27BF\U0001F1E6-\U0001F1FF]")  # not ♭ ♮ ♯
# Patterns start with a character or a set of them (the lookbehind after it, not before):
# the regex engine then skips to the candidates instead of trying every position.
_EMOTICON = re.compile(r"[:;](?<![\w:][:;])-?[)(DP](?!\w)")
_EMOTICON_PAIR = re.compile(r"[:;][-)(DP]")  # one of which every emoticon has
_EXCLAIM = re.compile(r"!+")
_FENCED = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_LATEX = re.compile(r"\$\$.{1,2000}?\$\$|\$[^$\n]{1,300}\$|\\\(.{1,1000}?\\\)|\\\[.{1,2000}?\\\]", re.S)
_URL = re.compile(r"https?://\S+|www\.\S+")
_JSON_KEY = re.compile(r'"(?:[^"\\]|\\.)*"\s*:')
_JSON_PUNCT = re.compile(r'[{}\[\]",]|\\u[0-9a-fA-F]{4}|\\[nrtbf"\\/]')
_SQL = re.compile(r"\b(?:SELECT\b[^;]{1,300}?\bFROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|"
                  r"CREATE (?:TABLE|INDEX|VIEW|DATABASE)|ALTER TABLE|DROP TABLE)\b.*?(?:;|\n\s*\n|\Z)", re.S)
# Quoted speech: double quotes of any style, and single quotes that are not apostrophes.
_QUOTED = re.compile(r'"[^"\n]{1,400}"|\u201c[^\u201d\n]{1,400}\u201d|\u00ab[^\u00bb\n]{1,400}\u00bb|'
                     r"'(?<![A-Za-z]')[^'\n]{1,100}'(?![A-Za-z])|\u2018[^\u2019\n]{1,100}\u2019(?![A-Za-z])")
_SPEAKER = re.compile(r"\n\s*[*_]{0,2}[A-Z][\w .'-]{0,30}[*_]{0,2}\s*:\s*\S")  # line starts: on "\n" + text
_CAPS_TOKEN = re.compile(r"[A-Z](?<![A-Za-z'][A-Z])[A-Z']+(?![A-Za-z'])")
_HAS_UPPER_RUN = re.compile(r"[A-Z][A-Z]")
_CAPITALS = bytes(65 if 65 <= b <= 90 else 32 for b in range(256))  # A-Z to "A", the rest to " "
_ENUMERATION = re.compile(r"(?:^|\s)(?:\d{1,2}|[a-z])\)\s|(?:^|\s)\(\d{1,2}\)\s")
# A run of [.!?] before a space, a quote, a bracket or the end; or a line break after a
# line without one, before more text.
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=[.!?])[.!?]*(?=[\s\"')\]]|$)|(?<=\n)(?<![.!?\s]\n)(?=\s*\S))")
_ARITHMETIC = re.compile(r"\d\s*[-+*/x×÷^=]\s*\(?\$?\d")

_SLANG, _LEGAL, _LEGAL_ORDINARY = range(1, 4)
_CATEGORY: dict[str, int] = {}
for _words, _code in ((lexicon.LEGAL_ORDINARY, _LEGAL_ORDINARY), (lexicon.LEGALESE, _LEGAL), (lexicon.SLANG, _SLANG)):
    for _w in _words:
        _CATEGORY[_w] = _code  # later lists win
_LEXICON_WORDS = frozenset(_CATEGORY)

# Which requested registers license which marker (the reply does what it was asked).
LICENSED_BY = {
    "emoji": {request.PROMOTIONAL, request.CASUAL, request.CHILD, request.PERSONA},
    "exclaim": {request.PROMOTIONAL, request.CASUAL, request.CHILD, request.PERSONA, request.FICTION},
    "caps": {request.PROMOTIONAL, request.PERSONA, request.FICTION, request.CASUAL},
    "hostile": {request.OFFENSIVE, request.FICTION, request.PERSONA},
    "slang": {request.CASUAL, request.FICTION, request.PERSONA, request.CHILD},
    "legalese": {request.FORMAL, request.PERSONA, request.FICTION},
}
MIN_GRADE_WORDS = 30  # reading grades of shorter replies are noise
MIN_GRADE_SENTENCES = 3  # one long sentence is a long sentence, not a register
UNGRADED_REGISTERS = frozenset({request.PERSONA, request.FICTION, request.CASUAL, request.CHILD})
_FORMATTED = frozenset({TABLE, CODE_FEATURE, HEADINGS})  # text whose shape may be what the prompt asked for
UNGRADED_KINDS = frozenset({request.MATH, request.CODE, request.TOOL, request.CLASSIFICATION, request.EXTRACTION,
                            request.TRANSLATION})


@dataclass(slots=True)
class StyleProfile:
    pointer: str = ""  # text pointer of the longest reply turn (where whole-reply findings point)
    replies: int = 0  # reply turns
    words: int = 0
    # Counted only where a rule reads them (complete profiles; sentences also for replies
    # with exclamations, whose rate per sentence JL401 reads).
    lines: int = 0  # non-empty lines
    sentences: int = 0  # sentence ends and line breaks: a line without a full stop is one sentence
    grade: float | None = None  # Flesch-Kincaid grade (textstat-equal), None where it means nothing (complete profiles)
    ease: float = 0.0  # Flesch reading ease
    wps: float = 0.0  # words per sentence
    emoji: int = 0
    exclaim: int = 0
    caps_words: int = 0  # words in capitals within shouting (runs with capitalised function words)
    letters_words: int = 0  # words with letters (the base of the capitals share)
    slang: int = 0  # complete profiles
    legalese: int = 0  # complete profiles
    hostile: int = 0  # hostility score: 2 per hostile phrasing, 1 per weaker cue
    kind: str = TEXT
    keys: tuple[str, ...] | None = None
    features: tuple[str, ...] = ()
    tool_call: bool = False  # the reply is a tool call, not a text reply
    # The whole request; None until a rule asks for a complete profile (its task and grade).
    request: Request | None = None
    asked_formats: frozenset = frozenset()  # formats the prompt asks for (read when the shape needs it)
    # category -> (pointer, span, up to three markers) of the first marker found
    evidence: dict = field(default_factory=dict)

    @property
    def task(self) -> str:
        """The request's task kind (complete profiles): replies are compared with their own kind."""
        return self.request.kind

    def rate(self, count: int) -> float:
        """Per 100 words."""
        return 100.0 * count / self.words if self.words else 0.0

    @property
    def caps_share(self) -> float:
        return self.caps_words / self.letters_words if self.letters_words else 0.0


def _has_upper_run(text: str) -> bool:
    """Two capitals in a row (``_HAS_UPPER_RUN``); plain ASCII by one byte translation, about 2x faster."""
    if text.isascii():
        return b"AA" in text.encode().translate(_CAPITALS)
    return _HAS_UPPER_RUN.search(text) is not None


def _blank(m: re.Match) -> str:
    return " " * (m.end() - m.start())


def _mask(text: str, json_like: bool) -> str:
    """Blank out code, URLs (and JSON syntax) keeping offsets, so markers and
    readability see the prose only."""
    if "`" in text:
        text = _FENCED.sub(_blank, text)
        text = _INLINE_CODE.sub(_blank, text)
    if "://" in text or "www." in text:
        text = _URL.sub(_blank, text)
    if "$" in text or "\\" in text:
        text = _LATEX.sub(_blank, text)  # formulas: "n!" is a factorial, not an exclamation
    if json_like:
        text = _JSON_PUNCT.sub(_blank, _JSON_KEY.sub(_blank, text))
    return text


def mask_quotes(text: str) -> str:
    """Blank quoted speech (keeping offsets): a quoted insult or slogan is someone else's voice."""
    if '"' in text or "'" in text or not text.isascii():
        return _QUOTED.sub(_blank, text)
    return text


def _mask_calls(text: str) -> str:
    """Blank toolformer-style calls written into a reply (``wikipedia('Eiffel Tower')``,
    ``python('import math; ...')``) with their arguments: a call is not prose."""
    if not has_text_tool_call(text):
        return text
    out, pos = [], 0
    for m in TEXT_TOOL_CALL.finditer(text):
        if m.start() < pos:
            continue
        end, depth, quote, i = len(text), 0, "", m.end() - 1
        while i < len(text):
            ch = text[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    end = i + 1
                    break
                depth -= 1
            i += 1
        out.append(text[pos:m.start()])
        out.append(" " * (end - m.start()))
        pos = end
    out.append(text[pos:])
    return "".join(out)


class _TextCache:
    """A bounded LRU keyed by the raw record text: a profile depends only on the text,
    so re-linting an edited file (the language server) reprofiles changed records only."""

    def __init__(self, size: int):
        self.size = size
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.data.get(key, _MISSING)
            if value is not _MISSING:
                self.data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            if len(self.data) > self.size:
                self.data.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


_MISSING = object()
CACHE_SIZE = 50_000
PROFILES = _TextCache(CACHE_SIZE)
LANGUAGES = _TextCache(CACHE_SIZE)


def reply_turns(example) -> list:
    return [t for t in answer_turns(example) if t.text]


def memoized_profile(record) -> StyleProfile | None | bool:
    """The record's profile when one was made (False when not): what a second rule reads."""
    return record.extra.get(_KEY, False)


@stage("style profile")
def profile_record(record, complete: bool = False) -> StyleProfile | None:
    """The memoized profile of the record's replies (None without any). ``complete``: with
    the whole request, the task kind and the reading grade, which only some rules read
    (the request is most of a profile's cost)."""
    prof = record.extra.get(_KEY, False)
    if prof is False:
        key = (hash(record.text), len(record.text))  # not the text itself: keys stay small
        prof = PROFILES.get(key)
        if prof is _MISSING:
            prof = None
            example = record.example
            if example is not None:
                turns = reply_turns(example)
                if turns:
                    prof = _profile(turns, _Echo(example), record, request.of(record) if complete else None)
            PROFILES.put(key, prof)
        record.extra[_KEY] = prof
    if complete and prof is not None and prof.request is None:
        _complete(prof, record)  # profiled for a rule that did not need it
    return prof


class _Echo:
    """What the user wrote first: a marker the reply repeats (a reply explaining "TBH",
    copying "TELL ME", echoing "Hello World!") is quoted, not the reply's voice. Read
    on first use, the user's text too: most replies have no marker to compare."""

    __slots__ = ("example", "_user", "_words", "_caps")

    def __init__(self, example):
        self.example = example
        self._user: str | None = None
        self._words: frozenset | None = None
        self._caps: frozenset | None = None

    @property
    def user(self) -> str:
        if self._user is None:
            self._user = " ".join(t.text for t in self.example.turns if t.role == "user")
        return self._user

    @property
    def words(self) -> frozenset:
        """Lower-cased words."""
        if self._words is None:
            self._words = frozenset(_WORD.findall(self.user.lower()))
        return self._words

    @property
    def caps(self) -> frozenset:
        """Words in capitals."""
        if self._caps is None:
            user = self.user
            self._caps = frozenset(_CAPS_TOKEN.findall(user)) if _has_upper_run(user) else frozenset()
        return self._caps

    @property
    def exclaims(self) -> int:
        return self.user.count("!")



class _Registers:
    """The registers a prompt asks for, each read on first use: most replies have no
    marker to license, reading the prompt is the costliest part of the request, and a
    marker is licensed by the first of its registers found. Whether the reply is a
    dialogue (its characters speak in their own voice: fiction) and whether the prompt
    asks for code are read on first use too."""

    __slots__ = ("record", "texts", "json_like", "_dialogue", "_low", "_asked", "_code")

    def __init__(self, record, texts: list[str], json_like: bool):
        self.record = record
        self.texts, self.json_like = texts, json_like  # the reply's masked texts
        self._dialogue: bool | None = None
        self._low: str | None = None  # the prompt's cue text, lower-cased
        self._asked: dict[str, bool] = {}
        self._code: bool | None = None

    @property
    def code(self) -> bool:
        """The request asks for code."""
        if self._code is None:
            self._code = request.leading_kind(self.record) == request.CODE
        return self._code

    def isdisjoint(self, registers) -> bool:
        if request.FICTION in registers:
            if self._dialogue is None:
                self._dialogue = not self.json_like and sum(
                    len(_SPEAKER.findall("\n" + t)) for t in self.texts if ":" in t) >= 2
            if self._dialogue:
                return False
        asked = self._asked
        for register in registers:
            found = asked.get(register)
            if found is None:
                if self._low is None:
                    self._low = request.cue_text(self.record.example)
                found = asked[register] = request.asks_for(self._low, register)
            if found:
                return False
        return True


def _profile(turns, echo: _Echo, record, req: Request | None = None) -> StyleProfile:
    """``req``: the whole request, for a complete profile."""
    example = record.example
    main = turns[0] if len(turns) == 1 else max(turns, key=lambda t: len(t.text))
    p = StyleProfile(pointer=main.text_pointer, replies=len(turns))
    p.kind, p.keys, p.features = structure(main.text)
    if p.kind != TEXT or not _FORMATTED.isdisjoint(p.features):
        p.asked_formats = request.formats_of(example, request.leading_kind(record))
    json_like = p.kind in (JSON_OBJECT, JSON_ARRAY)
    calls = request.is_tool(record)  # a tool-use prompt: calls written into the reply are not prose
    texts = []
    for turn in turns:
        raw = _mask_calls(turn.text) if calls else turn.text
        text = _mask(raw, json_like)
        texts.append(text)
        p.words += request.word_count(raw if not json_like else text)  # code is part of a reply's length
    if len(turns) == 1 and raw is turns[0].text:
        record.extra[_MASKED_KEY] = text  # the text language.detect reads: not masked again
    if calls and p.words < 4 and any(has_text_tool_call(t.text) for t in turns):
        p.tool_call = True  # "wikipedia('Eiffel Tower')": a call, not a text reply
    registers = _Registers(record, texts, json_like)
    for turn, text in zip(turns, texts):
        _markers(p, turn, text, echo, registers)
    if p.exclaim and p.exclaim <= echo.exclaims:
        p.exclaim = 0  # the user's own exclamations, repeated
        p.evidence.pop("exclaim", None)
    if p.exclaim:
        p.sentences = _sentences(texts)  # JL401's exclamations per sentence
    if req is not None:
        _add_complete(p, req, turns, texts, echo, registers)
    return p


def _sentences(texts: list[str]) -> int:
    return sum(max(1, len(_SENTENCE_END.findall(t.rstrip()))) for t in texts if t.strip())


def _lines(texts: list[str]) -> int:
    return sum(sum(1 for ln in t.split("\n") if ln.strip()) if "\n" in t else 1 for t in texts if t.strip())


def _add_complete(p: StyleProfile, req: Request, turns, texts: list[str], echo: _Echo, registers: _Registers) -> None:
    """What only the preview rules JL402 and JL403 read: the request, the counts of
    sentences and lines, the lexicon markers (slang, legalese) and the reading grade."""
    p.request = req
    p.sentences = _sentences(texts)
    p.lines = _lines(texts)
    for turn, text in zip(turns, texts):
        _lexicon_markers(p, turn, text, echo, registers)
    if _gradable(p, req, texts, sum(len(t.split()) for t in texts), registers):
        _grade(p, texts)


def _complete(p: StyleProfile, record) -> None:
    """Complete a profile made without the request: the masked texts again (``_profile``
    has the same steps)."""
    calls = request.is_tool(record)
    json_like = p.kind in (JSON_OBJECT, JSON_ARRAY)
    example = record.example
    turns = reply_turns(example)
    texts = [_mask(_mask_calls(t.text) if calls else t.text, json_like) for t in turns]
    _add_complete(p, request.of(record), turns, texts, _Echo(example), _Registers(record, texts, json_like))


def _gradable(p: StyleProfile, req: Request, texts: list[str], words: int, registers: _Registers) -> bool:
    """A reading grade means something for the reply's own prose only: not for math,
    code, lists, tables, verse, enumerations, the answer to a closed question, or a
    voice the prompt asked for (a persona, a story, a child's level)."""
    if words < MIN_GRADE_WORDS or req.kind in UNGRADED_KINDS or p.kind != TEXT or p.tool_call:
        return False
    if set(p.features) & {LIST, TABLE, CODE_FEATURE}:
        return False
    text = "\n".join(texts)
    if (text.count(";") >= 2 or (")" in text and len(_ENUMERATION.findall(text)) >= 2)  # ")" ends every enumerator
            or len(_ARITHMETIC.findall(text)) >= 2):
        return False
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) >= 4 and sum(1 for ln in lines if ln.rstrip()[-1:] not in ".!?:\"'") * 2 >= len(lines):
        return False  # verse or one item per line: no sentences to measure
    return registers.isdisjoint(UNGRADED_REGISTERS)  # last: reading the registers costs the most


def _grade(p: StyleProfile, texts: list[str]) -> None:
    w = s = syl = 0
    for text in texts:
        # textstat's counts line by line: a line without a full stop would otherwise
        # run into the next one as one endless sentence.
        for line in text.split("\n") if "\n" in text else (text,):
            if line and not line.isspace():
                lw, ls, lsyl = readability.counts(line)
                w += lw
                s += ls
                syl += lsyl
    if w and s >= MIN_GRADE_SENTENCES and syl:
        p.wps = w / s
        p.grade = 0.39 * p.wps + 11.8 * syl / w - 15.59
        p.ease = 206.835 - 1.015 * p.wps - 84.6 * syl / w


def _note(p: StyleProfile, category: str, turn, start: int, end: int, marker: str) -> None:
    ev = p.evidence.get(category)
    if ev is None:
        pointer, span = turn.locate(start, end)
        p.evidence[category] = (pointer, span, (marker,))
    elif len(ev[2]) < 3 and marker not in ev[2]:
        p.evidence[category] = (ev[0], ev[1], ev[2] + (marker,))


def _licensed(marker: str, registers: _Registers) -> bool:
    return not registers.isdisjoint(LICENSED_BY[marker])


def _markers(p: StyleProfile, turn, text: str, echo: _Echo, registers: _Registers) -> None:
    # Each marker is found first and licensed after: the request's registers are read only
    # for the few replies that have a marker.
    voice = mask_quotes(text)
    emoji = list(_EMOJI.finditer(voice)) if not text.isascii() else []
    if (":" in voice or ";" in voice) and _EMOTICON_PAIR.search(voice):
        emoji += _EMOTICON.finditer(voice)
    if emoji and not _licensed("emoji", registers):
        for m in emoji:
            p.emoji += 1
            _note(p, "emoji", turn, m.start(), m.end(), m.group())
    if "!" in voice:
        # != and friends in code are not exclamations
        bangs = [m for m in _EXCLAIM.finditer(voice) if voice[m.end():m.end() + 1] != "="
                 and not (m.start() and voice[m.start() - 1] in "=<>")]
        if bangs and not _licensed("exclaim", registers):
            for m in bangs:
                p.exclaim += 1
                if len(m.group()) > 1 or "exclaim" not in p.evidence:
                    _note(p, "exclaim", turn, m.start(), m.end(), m.group())
    if _has_upper_run(voice):
        _shouting(p, turn, voice, echo, registers)
    lower = voice.lower().replace("\u2019", "'")
    lower_words = words_of(lower)  # split once: hostility and the capitals' base
    p.letters_words += len(lower_words)
    found = hostility.find(voice, lower_words, lower)
    if found and not _licensed("hostile", registers):
        for start, end, weight in sorted(found, key=lambda f: (-f[2], f[0])):  # strongest first
            p.hostile += weight
            _note(p, "hostile", turn, start, end, text[start:end])


def _lexicon_markers(p: StyleProfile, turn, text: str, echo: _Echo, registers: _Registers) -> None:
    """Slang and legalese (complete profiles: JL402 reads them)."""
    voice = mask_quotes(text)
    lower = voice.lower().replace("\u2019", "'")
    lower_words = words_of(lower)
    words = set(lower_words)
    n = [0] * 4
    seen: dict[int, set] = {}
    for w in words & _LEXICON_WORDS:  # the few lexicon words, each counted once
        if w in echo.words:
            continue  # the user's word first: quoted, not the reply's voice
        c = _CATEGORY[w]
        n[c] += lower_words.count(w)
        seen.setdefault(c, set()).add(w)
    if n[_SLANG] and not _licensed("slang", registers):
        p.slang += n[_SLANG]
        _cite(p, "slang", turn, voice, seen[_SLANG])
    # Legalese is a cluster: "shall" or "whereas" alone is ordinary English.
    phrases = list(_phrases(lower, lexicon.LEGAL_PHRASES)) if n[_LEGAL] or n[_LEGAL_ORDINARY] else []
    strong = n[_LEGAL] + len(phrases)
    if strong and strong + n[_LEGAL_ORDINARY] >= 2 and not _licensed("legalese", registers):
        p.legalese += strong + n[_LEGAL_ORDINARY]
        for s, e in phrases:
            _note(p, "legalese", turn, s, e, text[s:e])
        _cite(p, "legalese", turn, voice, seen.get(_LEGAL, set()) | seen.get(_LEGAL_ORDINARY, set()))


def _cite(p: StyleProfile, category: str, turn, voice: str, wanted: set) -> None:
    for m in _WORD.finditer(voice):
        if m.group().lower() in wanted:
            _note(p, category, turn, m.start(), m.end(), m.group())
            if len(p.evidence[category][2]) >= 3:
                break


def _phrases(lower: str, phrases: tuple[str, ...]):
    """(start, end) of every occurrence of the phrases in a lower-cased text."""
    for phrase in phrases:
        i = lower.find(phrase)
        while i >= 0:
            yield i, i + len(phrase)
            i = lower.find(phrase, i + 1)


def _shouting(p: StyleProfile, turn, voice: str, echo: _Echo, registers: _Registers) -> None:
    """Words in capitals, counted when they shout: a run of capitals with capitalised
    function words ("YOU NEED TO"), not acronyms, units, SQL keywords or code."""
    if "SELECT" in voice or "UPDATE" in voice or "CREATE" in voice or "INSERT" in voice or "DELETE" in voice:
        voice = _SQL.sub(_blank, voice)
    caps = [m for m in _CAPS_TOKEN.finditer(voice) if len(m.group()) >= 2]
    # Most runs of capitals are acronyms: then neither the user's capitals nor the request are read.
    if sum(1 for m in caps if m.group() in lexicon.SHOUT_WORDS) < 2:
        return
    user_caps = echo.caps
    caps = [m for m in caps if m.group() not in user_caps]
    function = sum(1 for m in caps if m.group() in lexicon.SHOUT_WORDS)
    if function < 2 or registers.code or _licensed("caps", registers):
        return
    long_caps = [m for m in caps if len(m.group()) >= 3]
    p.caps_words += len(long_caps)
    if long_caps and "caps" not in p.evidence:
        m = long_caps[0]
        _note(p, "caps", turn, m.start(), m.end(), m.group())


class Languages(NamedTuple):
    reply: str | None  # language of the replies
    request: str | None  # language the request is written in (None: too short to tell)
    pointer: str  # text pointer of the longest reply
    explained: bool  # the user asked for it, or wrote the request or the passage in it


@stage("style languages")
def reply_language(record, min_letters: int = language.MIN_LETTERS) -> tuple[str | None, str]:
    """(language of a record's replies or None, text pointer of the longest reply; "" without
    any), memoized. The request's language (``record_languages``) costs as much again and
    matters only to some records, so JL405 asks for it only where it can matter."""
    return _reply(record, min_letters)


def _reply(record, min_letters: int) -> tuple[str | None, str]:
    extra = record.extra
    cached = extra.get(_REPLY_LANG_KEY)
    if cached is not None and cached[0] == min_letters:
        return cached[1]
    full = extra.get(_LANG_KEY)
    if full is not None and full[0] == min_letters:
        return full[1].reply, full[1].pointer
    text = record.text
    key = (hash(text), len(text), min_letters, "reply")
    out = LANGUAGES.get(key)
    if out is _MISSING:
        out = None, ""
        example = record.example
        if example is not None:
            turns = answer_turns(example)
            if len(turns) == 1:  # most records: one answer (reply_turns without its list)
                if turns[0].text:
                    out = _reply_language(record, turns, turns[0], min_letters), turns[0].text_pointer
            else:
                turns = reply_turns(example)
                if turns:
                    main = turns[0] if len(turns) == 1 else max(turns, key=lambda t: len(t.text))
                    out = _reply_language(record, turns, main, min_letters), main.text_pointer
        LANGUAGES.put(key, out)
    extra[_REPLY_LANG_KEY] = (min_letters, out)
    return out


def _reply_language(record, turns, main, min_letters: int) -> str | None:
    if len(turns) == 1:
        masked = record.extra.get(_MASKED_KEY)
        if masked is not None:
            return language.detect(masked, min_letters)
    prof = record.extra.get(_KEY)  # the shape of the longest reply, when the profile has read it
    kind = prof.kind if prof else structure(main.text)[0]
    text = main.text if len(turns) == 1 else "\n".join(t.text for t in turns)
    return language.detect(_mask(text, kind in (JSON_OBJECT, JSON_ARRAY)), min_letters)


@stage("style languages")
def record_languages(record, min_letters: int = language.MIN_LETTERS) -> Languages:
    """The languages of a record's replies and request, memoized."""
    cached = record.extra.get(_LANG_KEY)
    if cached is not None and cached[0] == min_letters:
        return cached[1]
    key = (hash(record.text), len(record.text), min_letters)
    shared = LANGUAGES.get(key)
    if shared is not _MISSING:
        record.extra[_LANG_KEY] = (min_letters, shared)
        return shared
    lang, pointer = _reply(record, min_letters)
    out = Languages(lang, None, pointer, False)
    if lang is not None:
        out = _languages(record, record.example, lang, pointer)
    record.extra[_LANG_KEY] = (min_letters, out)
    LANGUAGES.put(key, out)
    return out


def _languages(record, example, lang: str, pointer: str) -> Languages:
    """The request's side, for a reply in ``lang``."""
    instruction, _ = request.instruction_parts(example, system=False)
    # A short instruction is enough to tell its language when both detectors agree
    # ("Which language is this?" after a German passage is an English request).
    # For an English reply a short request read as English needs no second opinion: at
    # worst a switch goes unreported.
    asked = language.detect(_mask(instruction, False), language.MIN_REQUEST_LETTERS,
                            confirm_english=lang != "en") if instruction else None
    # The request is read only when the languages differ.
    explained = (lang == asked or request.leading_kind(record) == request.TRANSLATION
                 or lang in request.named_languages(record))
    if not explained and (lang != "en" or asked is not None):
        user = _mask("\n".join(t.text for t in example.turns if t.role == "user"), False)
        # The language of a passage, a few-shot example or a short "你好" the user wrote.
        explained = language.present(user, lang) or (asked is None and (
            language.same_script(user, lang) or language.likely(user, lang)))
    return Languages(lang, asked, pointer, explained)
