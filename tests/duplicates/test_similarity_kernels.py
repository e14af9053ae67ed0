"""The vectorized kernels of the near-duplicate pass against plain per-record
definitions: word hashes, rotation densification, LSH band keys and the boilerplate
threshold over pieces of the calibration sample."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings, strategies as st

from helpers import lint
from jsonl_lint.similarity.minhash import band_keys, oph_signatures
from jsonl_lint.similarity.near import NearConfig, boilerplate
from jsonl_lint.similarity.shingles import Words, mix64, word_bytes

_MASK = (1 << 64) - 1
TOKEN = re.compile(r"[a-z0-9_\u0080-\U0010ffff]+")  # a word, by its definition on str
EMPTY = 0xFFFFFFFF

# ASCII and wide texts in one batch, with characters whose lowercase differs in UTF-8 length.
PIECES = ["The", "cat", "İstanbul", "ΣΟΦΟΣ", "straße", "x_1", "\U0001f600", "Zoë", " ", ", ", "\n", "--"]
texts = st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), max_size=8)


def _word_hash(word: str) -> int:
    """A word's hash by its definition: polynomial over its UTF-8 bytes, then splitmix64."""
    h, p = 0, 1
    for b in word.encode("utf-8"):
        h = (h + (b + 1) * p) & _MASK
        p = (p * 0x100000001B3) & _MASK
    return int(mix64(np.array([h], dtype=np.uint64))[0])


@settings(max_examples=80, deadline=None)
@given(texts)
def test_words_and_their_hashes_are_those_of_each_text(batch):
    words = Words(batch)
    expected = [TOKEN.findall(t.lower()) for t in batch]
    assert words.per_doc.tolist() == [len(w) for w in expected]
    assert words.hashes().tolist() == [_word_hash(w) for ws in expected for w in ws]
    # The compared text is rebuilt from the same words.
    assert [word_bytes(t) for t in batch] == [[w.encode("utf-8", "surrogatepass") for w in ws] for ws in expected]


def _densified(row: list[int]) -> list[int]:
    """Rotation densification of one row, bin by bin."""
    n = len(row)
    if all(v == EMPTY for v in row):
        return row
    out = []
    for i, v in enumerate(row):
        d = 0
        while row[(i + d) % n] == EMPTY:
            d += 1
        out.append(v if d == 0 else (row[(i + d) % n] + d * 0x9E3779B1) & 0xFFFFFFFF)
    return out


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 12), st.sampled_from([2, 8, 64]), st.lists(st.integers(0, (1 << 64) - 1), max_size=90),
       st.randoms(use_true_random=False))
def test_empty_bins_borrow_from_the_next_filled_bin_to_the_right(n, num_perm, hashes, rnd):
    # Few shingles over many bins: most rows have empty bins, some rows none at all, and the
    # last row's holes after its last filled bin must wrap to its own first one.
    doc = np.array([rnd.randrange(n) for _ in hashes], dtype=np.int64)
    h = np.array(hashes, dtype=np.uint64)
    sigs = oph_signatures(h, doc, n, num_perm)
    bits = num_perm.bit_length() - 1
    mixed = mix64(h ^ np.uint64(0x9E3779B97F4A7C15))
    raw = [[EMPTY] * num_perm for _ in range(n)]
    for d, x in zip(doc.tolist(), mixed.tolist()):
        b, v = x >> (64 - bits), (x >> (32 - bits)) & 0xFFFFFFFF
        raw[d][b] = min(raw[d][b], v)
    assert sigs.tolist() == [_densified(row) for row in raw]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 6), st.sampled_from([(16, 4), (8, 8), (64, 1), (24, 2), (5, 12), (128, 0)]),
       st.randoms(use_true_random=False))
def test_band_keys_hash_each_bands_rows_in_order(n, shape, rnd):
    bands, rows = shape
    sigs = np.array([[rnd.randrange(1 << 32) for _ in range(64)] for _ in range(n)], dtype=np.uint32).reshape(n, 64)
    keys = band_keys(sigs, bands, rows)
    assert keys.shape == (n, bands)
    for b in range(bands):
        k = np.full(n, (b + 1) * 0x9E3779B97F4A7C15 & _MASK, dtype=np.uint64)
        for r in range(rows):
            k = mix64(k ^ sigs[:, b * rows + r].astype(np.uint64))
        assert keys[:, b].tolist() == k.tolist()


pieces = st.lists(st.dictionaries(st.integers(0, 40), st.integers(1, 30), max_size=25), min_size=1, max_size=70)


@settings(max_examples=150, deadline=None)
@given(pieces, st.sampled_from([0.01, 0.05, 0.2, 1.0]), st.integers(2, 40))
def test_boilerplate_is_every_shingle_whose_counts_over_all_pieces_reach_the_bar(found, df, least):
    # Each piece: its records and, per distinct shingle (sorted), in how many of them it occurs.
    counted = [(max(d.values(), default=0) + 5, np.array(sorted(d), dtype=np.uint64),
                np.array([d[k] for k in sorted(d)], dtype=np.int64)) for d in found]
    config = NearConfig(boilerplate_df=df, boilerplate_min=least)
    n = sum(p[0] for p in counted)
    bar = max(least, int(np.ceil(df * n)))
    total: dict[int, int] = {}
    for d in found:
        for k, c in d.items():
            total[k] = total.get(k, 0) + c
    got = boilerplate(counted, config)
    assert got.dtype == np.uint64
    assert got.tolist() == sorted(k for k, c in total.items() if c >= bar)


def test_repeated_prompt_answers_are_compared_normalized():
    # The pass keeps answers as written; one that repeats an earlier answer up to case and
    # spacing is the same answer, not another conflict.
    def row(answer):
        return ('{"messages": [{"role": "user", "content": "What is the capital of Australia?"}, '
                '{"role": "assistant", "content": "%s"}]}' % answer)

    assert lint("\n".join([row("Canberra."), row("  canberra. "), row("CANBERRA.")]) + "\n", select=["JL302"]) == []
    (d,) = lint("\n".join([row("Canberra."), row("Sydney."), row(" sydney.  "), row("SYDNEY.")]) + "\n",
                select=["JL302"])
    assert d.location.line == 2 and "'Sydney.' here, 'Canberra.' there" in d.message
