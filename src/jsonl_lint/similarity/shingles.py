"""Word shingles as stable 64-bit hashes, vectorized over many documents at once.

A word's hash is a polynomial hash of its UTF-8 bytes and a shingle's hash a
polynomial hash of ``n`` consecutive word hashes, both computed with prefix sums
in wrapping uint64 arithmetic, then mixed with splitmix64. The same words give
the same hashes in every process and run. A document shorter than ``n`` words is
one shingle made of all its words.
"""

from __future__ import annotations

import re

import numpy as np

_MASK = (1 << 64) - 1
_P = 0x100000001B3  # FNV prime: odd, so invertible modulo 2**64
_Q = 0x9E3779B97F4A7C15
_PINV = pow(_P, -1, 1 << 64)
_QINV = pow(_Q, -1, 1 << 64)


def _powers(base: int, n: int) -> np.ndarray:
    out = np.empty(n, dtype=np.uint64)
    if n:
        out[0] = 1
        if n > 1:
            out[1:] = base
            with np.errstate(over="ignore"):
                np.cumprod(out, out=out)
    return out


class _PowerCache:
    def __init__(self, base: int):
        self.base = base
        self.table = _powers(base, 1 << 12)

    def get(self, n: int) -> np.ndarray:
        if n > len(self.table):
            self.table = _powers(self.base, max(n, 2 * len(self.table)))
        return self.table[:n]


_PP, _PI, _QP, _QI = (_PowerCache(b) for b in (_P, _PINV, _Q, _QINV))


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer (vectorized, wrapping)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


# A word is a maximal run of ASCII letters, digits, underscore or non-ASCII bytes
# (any character outside ASCII) in the lowercased UTF-8 text. ``TOKEN`` is the
# same definition for str, used to rebuild the compared text.
_WORD_BYTE = np.zeros(256, dtype=bool)
for _c in b"abcdefghijklmnopqrstuvwxyz0123456789_":
    _WORD_BYTE[_c] = True
_WORD_BYTE[0x80:] = True
TOKEN = re.compile(r"[a-z0-9_\u0080-\U0010ffff]+")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the words of several texts, concatenated, and the word count of
    each text (stable across processes)."""
    words = Words(texts)
    return words.hashes(), words.per_doc


class Words:
    """The words of several texts: the lowercased UTF-8 bytes of the texts joined by
    newlines, where each word starts and ends, and each text's word count."""

    def __init__(self, texts: list[str]):
        data = "\n".join(texts).lower().encode("utf-8", "surrogatepass") + b"\n"
        self.bytes = b = np.frombuffer(data, dtype=np.uint8)
        w = _WORD_BYTE[b]
        edge = np.diff(w.astype(np.int8), prepend=np.int8(0))
        self.starts = np.flatnonzero(edge == 1)
        self.ends = np.flatnonzero(edge == -1)
        # Word count per text (texts are separated by the newline bytes joined in).
        self.per_doc = np.diff(np.searchsorted(self.starts, _text_ends(texts)), prepend=0)

    def hashes(self) -> np.ndarray:
        b, n = self.bytes, len(self.bytes)
        with np.errstate(over="ignore"):
            h = np.zeros(n + 1, dtype=np.uint64)
            np.cumsum((b.astype(np.uint64) + np.uint64(1)) * _PP.get(n), out=h[1:])
            out = (h[self.ends] - h[self.starts]) * _PI.get(n)[self.starts]
        return mix64(out)

    def classes(self, word_owner: np.ndarray, owners: int, k: int) -> np.ndarray:
        """(owners, k + 1) counts of the characters of the words joined by single spaces,
        per owner (``word_owner``: each word's owner, -1 for a word left out): column
        ``c < k`` counts the characters whose first UTF-8 byte is ``c`` modulo ``k``,
        column ``k`` the spaces between an owner's words. Their sum is the joined
        text's length in code points."""
        out = np.zeros((owners, k + 1), dtype=np.int64)
        kept = np.flatnonzero(word_owner >= 0)
        if not len(kept):
            return out
        lengths = (self.ends - self.starts)[kept]
        # Every byte of the kept words, with the owner of its word.
        pos = np.repeat(self.starts[kept] - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        owner = np.repeat(word_owner[kept], lengths)
        b = self.bytes[pos]
        lead = (b < 0x80) | (b >= 0xC0)  # a continuation byte (0x80-0xBF) starts no character
        flat = np.bincount(owner[lead] * (k + 1) + (b[lead] % k), minlength=owners * (k + 1))
        out += flat.reshape(owners, k + 1)
        words = np.bincount(word_owner[kept], minlength=owners)
        out[:, k] = np.maximum(words - 1, 0)
        return out


def _text_ends(texts: list[str]) -> np.ndarray:
    """Byte offset just past each text inside ``"\\n".join(texts) + "\\n"``."""
    lengths = np.fromiter((len(t.lower().encode("utf-8", "surrogatepass")) if not t.isascii() else len(t)
                           for t in texts), dtype=np.int64, count=len(texts))
    return np.cumsum(lengths + 1) - 1


def shingle_hashes(word_hash: np.ndarray, doc_lengths: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Shingles of several documents whose word hashes are concatenated.

    Returns (hashes, counts): all shingle hashes in document order and the number
    of shingles per document (``max(len - n + 1, 1)`` for a non-empty document).
    """
    total = len(word_hash)
    doc_lengths = np.asarray(doc_lengths, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(doc_lengths)[:-1])).astype(np.int64)
    counts = np.where(doc_lengths >= n, doc_lengths - n + 1, np.minimum(doc_lengths, 1))
    if total == 0 or counts.sum() == 0:
        return np.zeros(0, dtype=np.uint64), counts
    with np.errstate(over="ignore"):
        g = np.zeros(total + 1, dtype=np.uint64)
        np.cumsum(word_hash * _QP.get(total), out=g[1:])
        # Shingle start positions and lengths for every document.
        doc_of = np.repeat(np.arange(len(doc_lengths)), counts)
        first = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        pos = np.arange(counts.sum(), dtype=np.int64) + first
        length = np.minimum(doc_lengths[doc_of], n)
        sh = (g[pos + length] - g[pos]) * _QI.get(total)[pos] + length.astype(np.uint64)
    return mix64(sh), counts
