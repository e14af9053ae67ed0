"""Word shingles as stable 64-bit hashes, vectorized over many documents at once.

A word's hash is a polynomial hash of its UTF-8 bytes and a shingle's hash a
polynomial hash of ``n`` consecutive word hashes, both computed with prefix sums
in wrapping uint64 arithmetic, then mixed with splitmix64. The same words give
the same hashes in every process and run. A document shorter than ``n`` words is
one shingle made of all its words.
"""

from __future__ import annotations

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
    """splitmix64 finalizer (vectorized, wrapping; ``x`` is left as it is)."""
    with np.errstate(over="ignore"):
        t = x >> np.uint64(30)
        x = x ^ t
        # In place from here: each step of the formula without a temporary array.
        x *= np.uint64(0xBF58476D1CE4E5B9)
        np.right_shift(x, np.uint64(27), out=t)
        x ^= t
        x *= np.uint64(0x94D049BB133111EB)
        np.right_shift(x, np.uint64(31), out=t)
        x ^= t
        return x


# A word is a maximal run of ASCII letters, digits, underscore or non-ASCII bytes
# (any character outside ASCII) in the lowercased UTF-8 text: for str, a match of
# ``[a-z0-9_\u0080-\U0010ffff]+`` in the lowercased text.
_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789_" + bytes(range(0x80, 0x100))
_IS_WORD = bytes(c in _WORD_BYTES for c in range(256))  # a bytes.translate table: 1 for a word byte
_SPACE_OUT = bytes(c if _IS_WORD[c] else 0x20 for c in range(256))  # every other byte a space


def word_bytes(text: str) -> list[bytes]:
    """The words of ``text`` as lowercased UTF-8 bytes (the words ``Words`` hashes), to
    rebuild the compared text: a byte translation and a split, not a regex."""
    data = text.encode("utf-8", "surrogatepass").lower() if text.isascii() else \
        text.lower().encode("utf-8", "surrogatepass")
    return data.translate(_SPACE_OUT).split()


def word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the words of several texts, concatenated, and the word count of
    each text (stable across processes)."""
    words = Words(texts)
    return words.hashes(), words.per_doc


class Words:
    """The words of several texts: the lowercased UTF-8 bytes of the texts joined by
    newlines, where each word starts and ends, and each text's word count."""

    def __init__(self, texts: list[str]):
        # Lowercased one by one: str.lower of an ASCII text is a fast loop, of the joined
        # texts (wide as soon as one has an emoji) a slow one. Lowercasing each text or the
        # joined texts gives the same, and bytes.lower lowercases the ASCII texts' bytes.
        encoded = [t.encode("utf-8", "surrogatepass") if t.isascii() else t.lower().encode("utf-8", "surrogatepass")
                   for t in texts]
        self.data = data = b"\n".join(encoded + [b""]).lower()  # ends with a newline
        self.bytes = np.frombuffer(data, dtype=np.uint8)
        w = np.frombuffer(data.translate(_IS_WORD), dtype=np.int8)
        # Where a run of word bytes starts or ends; they alternate, and the last byte (a
        # newline) ends every word.
        edges = np.flatnonzero(w[1:] != w[:-1]) + 1
        if len(w) and w[0]:
            edges = np.concatenate(([0], edges))
        self.starts, self.ends = edges[0::2], edges[1::2]
        # Byte offset of the newline after each text, and each text's word count.
        self.text_ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)) + 1) - 1
        self.per_doc = np.diff(np.searchsorted(self.starts, self.text_ends), prepend=0)

    def hashes(self) -> np.ndarray:
        n = len(self.bytes)
        with np.errstate(over="ignore"):
            terms = self.bytes.astype(np.uint64)
            terms += np.uint64(1)
            terms *= _PP.get(n)
            h = np.zeros(n + 1, dtype=np.uint64)
            np.cumsum(terms, out=h[1:])
            out = (h[self.ends] - h[self.starts]) * _PI.get(n)[self.starts]
        return mix64(out)

    def classes(self, doc_owner: np.ndarray, owners: int, k: int, dropped: np.ndarray | None = None) -> np.ndarray:
        """(owners, k + 1) counts of the characters of the words joined by single spaces,
        per owner (``doc_owner``: each text's owner; ``dropped``: words left out, by
        index): column ``c < k`` counts the characters whose first UTF-8 byte is ``c``
        modulo ``k``, column ``k`` the spaces between an owner's words. Their sum is
        the joined text's length in code points."""
        classes = np.frombuffer(self.data.translate(_classes(k)), dtype=np.uint8)
        doc_owner = np.asarray(doc_owner, dtype=np.int64)
        # Every byte counted under its text's owner (texts are contiguous, each with the
        # newline after it, whose class k is overwritten below), in one bincount.
        cell = np.repeat(doc_owner * (k + 1), np.diff(self.text_ends, prepend=-1))
        cell += classes
        out = np.bincount(cell, minlength=owners * (k + 1)).reshape(owners, k + 1)
        words = np.bincount(doc_owner, self.per_doc, minlength=owners).astype(np.int64)
        if dropped is not None and len(dropped):
            # The bytes of the dropped words, each with its text's owner, taken back out.
            starts, ends = self.starts[dropped], self.ends[dropped]
            lengths = ends - starts
            pos = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
            owner = doc_owner[np.searchsorted(self.text_ends, starts)]
            cell = np.repeat(owner * (k + 1), lengths) + classes[pos]
            out -= np.bincount(cell, minlength=owners * (k + 1)).reshape(owners, k + 1)
            words -= np.bincount(owner, minlength=owners)
        out[:, k] = np.maximum(words - 1, 0)
        return out


_CLASS_TABLES: dict[int, bytes] = {}


def _classes(k: int) -> bytes:
    """A bytes.translate table: ``value % k`` for a byte that starts a character of a
    word (not a UTF-8 continuation byte, 0x80-0xBF), else ``k``."""
    table = _CLASS_TABLES.get(k)
    if table is None:
        table = _CLASS_TABLES[k] = bytes(c % k if _IS_WORD[c] and not 0x80 <= c < 0xC0 else k for c in range(256))
    return table


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
