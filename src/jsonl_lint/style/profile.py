"""The style profile of a record's assistant replies, computed once per record.

Dataset rules JL401-JL406 all read the same profile; it is memoized on the
record (``record.extra``), so five rules do not profile five times, and in a
bounded LRU keyed by the record's raw text, so a re-lint of an edited file (the
language server) profiles only the records that changed. A profile is
a few numbers plus where its first markers are (pointer and decoded span), so
it is small enough for dataset-rule state.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from . import language, lexicon, readability
from .structure import JSON_ARRAY, JSON_OBJECT, structure

_KEY = "jl4.style"
_LANG_KEY = "jl4.lang"

_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_EMOJI = re.compile(
    "[\U0001F300-\U0001F5FF\U0001F600-\U0001F64F\U0001F680-\U0001F6FF\U0001F900-\U0001F9FF"
    "\U0001FA70-\U0001FAFF\u2600-\u26FF\u2700-\u27BF\U0001F1E6-\U0001F1FF]")
_EMOTICON = re.compile(r"(?<![\w:])[:;]-?[)(DP](?!\w)")
_EXCLAIM = re.compile(r"!+")
_FENCED = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_URL = re.compile(r"https?://\S+|www\.\S+")
_JSON_KEY = re.compile(r'"(?:[^"\\]|\\.)*"\s*:')
_JSON_PUNCT = re.compile(r'[{}\[\]",]|\\u[0-9a-fA-F]{4}|\\[nrtbf"\\/]')
_CONTRACTION = re.compile(r"'(?:t|re|ll|ve|m|d)\b")  # informational only: a literal start scans fast


def _phrases(lower: str, phrases: tuple[str, ...]):
    """(start, end) of every occurrence of the phrases in a lower-cased text."""
    for phrase in phrases:
        i = lower.find(phrase)
        while i >= 0:
            yield i, i + len(phrase)
            i = lower.find(phrase, i + 1)
STRONG_RUDE = frozenset("stupid idiot idiotic moron moronic pathetic dumbass stfu wtf ffs dumb crap".split())


_SLANG, _LEGAL, _RUDE_WEAK, _RUDE_STRONG, _POLITE, _FIRST, _SECOND = range(1, 8)
_CATEGORY: dict[str, int] = {}
for _words, _code in ((lexicon.SECOND_PERSON, _SECOND), (lexicon.FIRST_PERSON, _FIRST), (lexicon.POLITE, _POLITE),
                      (lexicon.RUDE, _RUDE_WEAK), (STRONG_RUDE, _RUDE_STRONG), (lexicon.LEGALESE, _LEGAL),
                      (lexicon.SLANG, _SLANG)):
    for _w in _words:
        _CATEGORY[_w] = _code  # later lists win: slang, legalese and rudeness over person and politeness
_PREFIX = {_SLANG: "slang:", _LEGAL: "legal:", _RUDE_WEAK: "rude:", _RUDE_STRONG: "rude:"}
# Words of 3+ letters in capitals (what str.isupper() says of a _WORD match).
_CAPS = re.compile(r"(?<![A-Za-z'])[A-Z][A-Z']{2,}(?![A-Za-z'])")
_HAS_UPPER_RUN = re.compile(r"[A-Z]{2}")


@dataclass(slots=True)
class StyleProfile:
    pointer: str = ""  # text pointer of the longest assistant turn (where whole-reply findings point)
    words: int = 0
    sentences: int = 0
    grade: float = 0.0  # Flesch-Kincaid grade (textstat-equal)
    ease: float = 0.0  # Flesch reading ease
    wps: float = 0.0  # words per sentence
    emoji: int = 0
    exclaim: int = 0
    caps_words: int = 0  # words of 3+ letters in capitals
    letters_words: int = 0  # words with letters (the base of caps share)
    slang: int = 0
    contractions: int = 0
    legalese: int = 0
    rude: int = 0  # weighted: strong markers count 2
    polite: int = 0
    first_person: int = 0
    second_person: int = 0
    kind: str = "text"
    keys: tuple[str, ...] | None = None
    features: tuple[str, ...] = ()
    # category -> (pointer, span, up to three markers) of the first marker found
    evidence: dict = field(default_factory=dict)

    def rate(self, count: int) -> float:
        """Per 100 words."""
        return 100.0 * count / self.words if self.words else 0.0

    @property
    def caps_share(self) -> float:
        return self.caps_words / self.letters_words if self.letters_words else 0.0


def assistant_turns(example) -> list:
    return [t for t in example.turns if t.role == "assistant" and t.branch != "rejected" and t.text]


def _mask(text: str, json_like: bool) -> str:
    """Blank out code, URLs (and JSON syntax) keeping offsets, so markers and
    readability see the prose only."""
    def blank(m: re.Match) -> str:
        return " " * (m.end() - m.start())

    if "`" in text:
        text = _FENCED.sub(blank, text)
        text = _INLINE_CODE.sub(blank, text)
    if "://" in text or "www." in text:
        text = _URL.sub(blank, text)
    if json_like:
        text = _JSON_PUNCT.sub(blank, _JSON_KEY.sub(blank, text))
    return text


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


def profile_record(record) -> StyleProfile | None:
    """The memoized profile of the record's assistant replies (None without any)."""
    cached = record.extra.get(_KEY, False)
    if cached is not False:
        return cached
    key = (hash(record.text), len(record.text))  # not the text itself: keys stay small
    prof = PROFILES.get(key)
    if prof is _MISSING:
        prof = None
        example = record.example
        if example is not None:
            turns = assistant_turns(example)
            if turns:
                user = " ".join(t.text for t in example.turns if t.role == "user").lower()
                prof = _profile(turns, frozenset(_WORD.findall(user)) if user else frozenset())
        PROFILES.put(key, prof)
    record.extra[_KEY] = prof
    return prof


def _profile(turns, quoted: frozenset = frozenset()) -> StyleProfile:
    """``quoted``: words of the user's turns; a marker the user used first (a reply
    explaining "TBH", answering an insult) is quoted, not the reply's voice."""
    main = max(turns, key=lambda t: len(t.text))
    p = StyleProfile(pointer=main.text_pointer)
    p.kind, p.keys, p.features = structure(main.text)
    json_like = p.kind in (JSON_OBJECT, JSON_ARRAY)
    grade_parts = []
    for turn in turns:
        text = _mask(turn.text, json_like)
        words = _WORD.findall(text)
        p.words += len(turn.text.split())
        # textstat's counts line by line: a list, a poem or one calculation per line
        # has no full stops, and would otherwise read as one endless sentence.
        for line in text.split("\n") if "\n" in text else (text,):
            if line and not line.isspace():
                grade_parts.append(readability.counts(line))
        _markers(p, turn, text, words, quoted)
    w = sum(x[0] for x in grade_parts)
    s = sum(x[1] for x in grade_parts)
    syl = sum(x[2] for x in grade_parts)
    p.sentences = s
    if w and s and syl:
        p.wps = w / s
        p.grade = 0.39 * p.wps + 11.8 * syl / w - 15.59
        p.ease = 206.835 - 1.015 * p.wps - 84.6 * syl / w
    return p


def _note(p: StyleProfile, category: str, turn, text: str, start: int, end: int, marker: str) -> None:
    ev = p.evidence.get(category)
    if ev is None:
        pointer, span = turn.locate(start, end)
        p.evidence[category] = (pointer, span, (marker,))
    elif len(ev[2]) < 3 and marker not in ev[2]:
        p.evidence[category] = (ev[0], ev[1], ev[2] + (marker,))


def _markers(p: StyleProfile, turn, text: str, words: list[str], quoted: frozenset = frozenset()) -> None:
    emoji = 0
    if not text.isascii():
        for m in _EMOJI.finditer(text):
            emoji += 1
            _note(p, "emoji", turn, text, m.start(), m.end(), m.group())
    if ":" in text or ";" in text:
        for m in _EMOTICON.finditer(text):
            emoji += 1
            _note(p, "emoji", turn, text, m.start(), m.end(), m.group())
    p.emoji += emoji
    if "!" in text:
        for m in _EXCLAIM.finditer(text):
            if text[m.end():m.end() + 1] == "=" or (m.start() and text[m.start() - 1] in "=<>"):
                continue  # != and friends in code
            p.exclaim += 1
            if len(m.group()) > 1 or "exclaim" not in p.evidence:
                _note(p, "exclaim", turn, text, m.start(), m.end(), m.group())
    if "'" in text:
        p.contractions += len(_CONTRACTION.findall(text))
    lower = text.lower()
    get = _CATEGORY.get
    hits = [c for w in _WORD.findall(lower) if (c := get(w)) is not None and (c >= _POLITE or w not in quoted)]
    n = [0] * 8
    for c in hits:
        n[c] += 1
    slang, legal, rude = n[_SLANG], n[_LEGAL], n[_RUDE_WEAK] + 2 * n[_RUDE_STRONG]
    polite, first, second = n[_POLITE], n[_FIRST], n[_SECOND]
    caps = len(_CAPS.findall(text)) if _HAS_UPPER_RUN.search(text) else 0
    letters = len(words)
    lower_seen: set[str] = set()
    if slang or legal or rude:
        lower_seen = {f"{_PREFIX[get(w)]}{w}" for w in _WORD.findall(lower) if get(w) in _PREFIX and w not in quoted}
    for start, end in _phrases(lower, lexicon.RUDE_PHRASES):
        rude += 2
        _note(p, "rude", turn, text, start, end, text[start:end])
    for start, end in _phrases(lower, lexicon.LEGAL_PHRASES):
        legal += 1
        _note(p, "legalese", turn, text, start, end, text[start:end])
    if lower_seen:
        for cat, key in (("slang", "slang:"), ("legalese", "legal:"), ("rude", "rude:")):
            wanted = {k[len(key):] for k in lower_seen if k.startswith(key)}
            if not wanted:
                continue
            for m in _WORD.finditer(text):
                lw = m.group().lower()
                if lw in wanted:
                    _note(p, cat, turn, text, m.start(), m.end(), m.group())
    if caps and "caps" not in p.evidence:
        m = _CAPS.search(text)
        _note(p, "caps", turn, text, m.start(), m.end(), m.group())
    p.slang += slang
    p.legalese += legal
    p.rude += rude
    p.polite += polite
    p.first_person += first
    p.second_person += second
    p.caps_words += caps
    p.letters_words += letters


_TRANSLATE = re.compile(r"translat|traduc|übersetz|tradu", re.I)


def _asked_for(user_text: str, lang: str | None) -> bool:
    """Whether the user asked for this language (a translation, "answer in French")."""
    if lang is None or not user_text:
        return False
    if _TRANSLATE.search(user_text):
        return True
    lang_name = language.NAMES.get(lang, "")
    return bool(lang_name) and lang_name.lower() in user_text.lower()


def record_languages(record, min_letters: int = language.MIN_LETTERS) -> tuple:
    """(assistant language, user language, assistant text pointer, whether the user asked
    for the reply's language), memoized."""
    cached = record.extra.get(_LANG_KEY)
    if cached is not None and cached[0] == min_letters:
        return cached[1]
    key = (hash(record.text), len(record.text), min_letters)
    shared = LANGUAGES.get(key)
    if shared is not _MISSING:
        record.extra[_LANG_KEY] = (min_letters, shared)
        return shared
    out: tuple = (None, None, "", False)
    example = record.example
    if example is not None:
        turns = assistant_turns(example)
        users = [t for t in example.turns if t.role == "user" and t.text]
        if turns:
            main = max(turns, key=lambda t: len(t.text))
            kind = structure(main.text)[0]
            text = _mask("\n".join(t.text for t in turns), kind in (JSON_OBJECT, JSON_ARRAY))
            user_text = _mask("\n".join(t.text for t in users), False) if users else ""
            lang = language.detect(text, min_letters)
            user_lang = language.detect(user_text, min_letters) if user_text else None
            out = (lang, user_lang, main.text_pointer, _asked_for(user_text, lang))
    record.extra[_LANG_KEY] = (min_letters, out)
    LANGUAGES.put(key, out)
    return out
