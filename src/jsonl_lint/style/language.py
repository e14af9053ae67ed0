"""Language of a text: CLD2 (fast, abstains when unsure), confirmed by py3langid.

Measured on short replies (see ``docs/benchmarks/consistency.md``): langdetect
costs ~1.7 ms per reply and is wrong on 3 of 84 short samples; py3langid
(restricted to common languages, probability >= 0.9) ~130-190 µs and never wrong
but abstains more; CLD2 ~25-40 µs and abstains on uncertain text but is wrong on
2 of 84. So CLD2 runs on every text and anything it calls other than English is
confirmed by py3langid; disagreement or too little text gives None (unknown),
so a language finding needs two detectors to agree.
"""

from __future__ import annotations

import json
import re
import threading
from array import array

from .. import cache
from ..timings import stage

MIN_LETTERS = 40  # below this no detector is reliable
MIN_REQUEST_LETTERS = 12  # a short instruction, accepted only when both detectors agree
MAX_CHARS = 1200  # detection reads at most this much of a text

NAMES = {
    "en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German", "it": "Italian",
    "nl": "Dutch", "ro": "Romanian", "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "ar": "Arabic",
    "pl": "Polish", "tr": "Turkish", "ko": "Korean", "hi": "Hindi", "uk": "Ukrainian", "cs": "Czech",
    "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish", "hu": "Hungarian", "el": "Greek",
    "he": "Hebrew", "id": "Indonesian", "vi": "Vietnamese", "th": "Thai", "fa": "Persian", "bg": "Bulgarian",
    "sr": "Serbian", "hr": "Croatian", "sk": "Slovak", "sl": "Slovenian", "lt": "Lithuanian", "lv": "Latvian",
    "et": "Estonian", "ca": "Catalan", "ms": "Malay", "bn": "Bengali", "ta": "Tamil", "ur": "Urdu",
}
_ALIASES = {"iw": "he", "nb": "no", "nn": "no", "in": "id", "zh-Hant": "zh"}
_NON_LETTERS = re.compile(r"[\W\d_]+", re.U)
# In ASCII, what _NON_LETTERS leaves is exactly A-Z and a-z.
_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())

_lock = threading.Lock()
_IDENT = None


def name(code: str) -> str:
    return f"{NAMES.get(code, code)} ({code})"


def identifier():
    global _IDENT
    with _lock:
        if _IDENT is None:
            _IDENT = _load_identifier()
    return _IDENT


@stage("load language model")
def _load_identifier():
    """py3langid restricted to ``NAMES``. Its packaged model is LZMA-compressed (~0.7 s of
    CPU to unpack at every start, for the few texts CLD2 reads as other than English), so
    the restricted arrays are kept in the user cache, keyed by the model file's identity
    (``cache.file_identity``) and version:
    mapping them back costs ~0.04 s."""
    import py3langid
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    langs = sorted(NAMES)
    try:
        model = cache.file_identity(str(MODEL_DIR / MODEL_FILE))
        entry = "py3langid-" + cache.key(*model, py3langid.__version__, *langs)
    except OSError:
        entry = None
    arrays = _cached_model(entry) if entry else None
    if arrays is not None:
        ptc, pc, classes, nextmove, row, output = arrays
        try:
            ident = LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=row)
        except TypeError:  # another py3langid layout: load the packaged model
            ident = None
        if ident is not None:
            return ident
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(langs)
    if entry:
        cache.store(entry, _model_payload(ident))
    return ident


def _model_payload(ident) -> bytes:
    """A restricted identifier's arrays: a JSON header (classes, dtypes, sizes), then raw bytes."""
    import numpy as np

    parts = [np.ascontiguousarray(ident.nb_ptc), np.ascontiguousarray(ident.nb_pc),
             ident.tk_nextmove, ident.tk_row, array("i", ident.tk_output)]
    meta = {"classes": list(ident.nb_classes), "ptc_shape": list(ident.nb_ptc.shape),
            "parts": [[p.dtype.str if hasattr(p, "dtype") else p.typecode, memoryview(p).nbytes] for p in parts]}
    head = json.dumps(meta).encode()
    return len(head).to_bytes(4, "little") + head + b"".join(p.tobytes() for p in parts)


def _cached_model(entry: str) -> tuple | None:
    # Mapped, not read (0.12 -> 0.04 s of CPU for its 48 MB, most of it the checksum).
    view = cache.load_mapped(entry)
    if view is None:
        return None
    import numpy as np

    try:
        size = int.from_bytes(view[:4], "little")
        meta = json.loads(bytes(view[4:4 + size]))
        at, parts = 4 + size, []
        # Views of the mapped file, not copies: read-only numpy arrays, and memoryviews
        # indexed like the arrays they were (a dtype, or a typecode).
        for kind, length in meta["parts"]:
            chunk = view[at:at + length]
            at += length
            parts.append(np.frombuffer(chunk, dtype=kind) if len(kind) > 1 else chunk.cast(kind))
    except (ValueError, TypeError, KeyError):
        return None
    ptc, pc, nextmove, row, output = parts
    return ptc.reshape(meta["ptc_shape"]), pc, meta["classes"], nextmove, row, output.tolist()


def _norm(code: str) -> str:
    code = _ALIASES.get(code, code)
    return code.split("-")[0]


@stage("language identification")
def detect(text: str, min_letters: int = MIN_LETTERS, confirm_english: bool = True) -> str | None:
    """ISO 639-1 code, or None when the text is too short or the detectors disagree.
    English needs no confirmation on texts of ``MIN_LETTERS`` or more; a shorter text
    ("Para que serve o with no Python?") needs both detectors to agree on any language,
    unless ``confirm_english`` is False (a caller for whom a wrong "en" costs nothing)."""
    text = text[:MAX_CHARS]
    if len(text) < min_letters:
        return None
    letters = _letters(text, max(min_letters, MIN_LETTERS))
    if letters < min_letters:
        return None
    import pycld2

    try:
        reliable, _, found = pycld2.detect(text)
    except Exception:  # invalid code points and other input the C library refuses
        try:
            reliable, _, found = pycld2.detect(text.encode("utf-8", "replace").decode("utf-8", "replace"))
        except Exception:
            return None
    code = found[0][1] if found else "un"
    if not reliable or code in ("un", "xx") or found[0][2] < 60:
        return None
    code = _norm(code)
    if code == "en" and (letters >= MIN_LETTERS or not confirm_english):
        return code
    other, prob = identifier().classify(text)
    return code if _norm(other) == code and prob >= 0.9 else None


def _letters(text: str, enough: int) -> int:
    """The letters of ``text``, counted exactly below ``enough`` (at least ``enough``
    otherwise): a start of the text that has enough of them is enough to know."""
    head = text[:4 * enough]
    found = count_letters(head)
    if found >= enough or len(head) == len(text):
        return found
    return count_letters(text)


def count_letters(text: str) -> int:
    """How many letters (word characters other than digits and ``_``) ``text`` has.
    Plain ASCII (most texts) is counted by deleting bytes, about 4x cheaper than the regex."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_NON_LETTERS))
    return len(_NON_LETTERS.sub("", text))


# Writing systems of the languages above that are not written in Latin letters.
_SCRIPTS = {
    "zh": "han", "ja": "kana", "ko": "hangul", "ru": "cyrillic", "uk": "cyrillic", "bg": "cyrillic",
    "sr": "cyrillic", "ar": "arabic", "fa": "arabic", "ur": "arabic", "el": "greek", "he": "hebrew",
    "hi": "devanagari", "th": "thai", "bn": "bengali", "ta": "tamil",
}
_SCRIPT_RANGES = (
    ("han", "\u4e00", "\u9fff"), ("han", "\u3400", "\u4dbf"), ("kana", "\u3040", "\u30ff"),
    ("hangul", "\uac00", "\ud7af"), ("cyrillic", "\u0400", "\u04ff"), ("arabic", "\u0600", "\u06ff"),
    ("greek", "\u0370", "\u03ff"), ("hebrew", "\u0590", "\u05ff"), ("devanagari", "\u0900", "\u097f"),
    ("thai", "\u0e00", "\u0e7f"), ("bengali", "\u0980", "\u09ff"), ("tamil", "\u0b80", "\u0bff"),
)


def script(text: str) -> str:
    """The writing system most letters of a text use ("latin", "han", "cyrillic", ...)."""
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        name = "latin"
        if ch >= "\u0370":
            for sc, lo, hi in _SCRIPT_RANGES:
                if lo <= ch <= hi:
                    name = sc
                    break
            else:
                name = "other"
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.get) if counts else ""


def same_script(text: str, lang: str) -> bool:
    """Whether a text too short to identify is written in the script of ``lang``, for
    the scripts that name a language (a Chinese reply to "你好" answers in kind)."""
    sc = _SCRIPTS.get(lang)
    if sc is None:
        return False
    found = script(text)
    return found == sc or (lang == "ja" and found == "han")


def present(text: str, lang: str) -> bool:
    """Whether some part of a text (a line, a paragraph, a few-shot example) is in
    ``lang``: a reply in the language of a passage or an example the user gave
    answers in kind."""
    sc = _SCRIPTS.get(lang)
    if sc is not None:
        return sum(1 for ch in text[:MAX_CHARS * 4] if ch >= "\u0370" and script(ch) == sc) >= 10
    chunk: list[str] = []
    size = tried = 0
    for line in text.splitlines():
        chunk.append(line)
        size += len(line)
        if size >= 2 * MIN_LETTERS:
            if detect("\n".join(chunk), MIN_REQUEST_LETTERS) == lang:
                return True
            chunk, size, tried = [], 0, tried + 1
            if tried >= 12:
                return False
    return bool(chunk) and detect("\n".join(chunk), MIN_REQUEST_LETTERS) == lang


def likely(text: str, lang: str) -> bool:
    """Whether py3langid alone reads a short text as ``lang``: enough to *explain* a reply
    in that language (a reply to "Para que serve o with no Python?"), never to report one."""
    text = text[:MAX_CHARS]
    if count_letters(text) < MIN_REQUEST_LETTERS:
        return False
    return _norm(identifier().classify(text)[0]) == lang
