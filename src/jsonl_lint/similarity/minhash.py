"""One-permutation MinHash signatures in batches and LSH banding for candidate pairs."""

from __future__ import annotations

import numpy as np

from .shingles import mix64

# ufunc.at is fast from numpy 1.25 on (about 40x faster than a sort for a batch of
# signatures); before, a sort is faster for more than a few thousand values.
_FAST_UFUNC_AT = np.lib.NumpyVersion(np.__version__) >= "1.25.0"


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 keys: each band's ``rows`` signature values hashed together."""
    # Every band at once: band b's key mixes in columns b * rows + r, r = 0 .. rows - 1.
    with np.errstate(over="ignore"):
        keys = np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        keys = np.broadcast_to(keys, (len(sigs), bands))
        by_row = sigs[:, :bands * rows].reshape(len(sigs), bands, rows).astype(np.uint64)
        for r in range(rows):
            keys = mix64(keys ^ by_row[:, :, r])
    return np.ascontiguousarray(keys)


def band_entries(keys: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(band, band key, id) of every band of every record, from their (n, bands) band
    keys: what the LSH buckets are made of. Entries of different tasks can be
    concatenated, or split by key across reduce tasks (a bucket is one (band, key) and
    lands whole in one of them)."""
    n, bands = keys.shape
    band = np.tile(np.arange(bands, dtype=np.uint8), n)
    return band, keys.ravel(), np.repeat(np.asarray(ids), bands)


def bucket_pairs(band: np.ndarray, key: np.ndarray, ids: np.ndarray, full_bucket: int = 24) -> np.ndarray:
    """Pairs (i, j), i < j, of ids sharing a bucket, unique. Ids order records as the
    run reads them.

    Buckets up to ``full_bucket`` members give all their pairs; larger ones (large
    clusters of near-identical texts) give a star from their first member plus a
    chain of neighbours, so the work stays linear in the bucket size: clusters are
    completed by union-find over verified pairs.
    """
    if len(ids) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = np.lexsort((ids, key, band))
    b, k, members_all = band[order], key[order], ids[order]
    brk = np.flatnonzero((k[1:] != k[:-1]) | (b[1:] != b[:-1])) + 1
    starts = np.concatenate(([0], brk))
    sizes = np.diff(np.concatenate((starts, [len(ids)])))
    found: list[np.ndarray] = []
    small = (sizes > 1) & (sizes <= full_bucket)
    for size in np.unique(sizes[small]):
        st = starts[small & (sizes == size)]
        members = members_all[st[:, None] + np.arange(size)[None, :]]
        ii, jj = np.triu_indices(int(size), 1)
        found.append(np.stack((members[:, ii].ravel(), members[:, jj].ravel()), axis=1))
    for s, size in zip(starts[sizes > full_bucket], sizes[sizes > full_bucket]):
        members = members_all[s:s + size]  # sorted by id
        found.append(np.stack((np.repeat(members[0], size - 1), members[1:]), axis=1))
        found.append(np.stack((members[1:-1], members[2:]), axis=1))
    return unique_pairs(found)


def unique_pairs(parts: list[np.ndarray]) -> np.ndarray:
    """The distinct pairs of several (n, 2) arrays, sorted by (first, second)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(parts).astype(np.int64)
    pairs.sort(axis=1)
    if pairs[:, 0].min() < 0 or pairs[:, 1].max() >= 1 << 31:
        return np.unique(pairs, axis=0)
    # Both ids in 31 bits: one int64 key a pair, sorted (np.unique over rows compares them
    # as structured records, about 10x slower; it was most of the JL303 reduce at 500k).
    key = (pairs[:, 0] << 32) | pairs[:, 1]
    del pairs
    key.sort()
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    return np.stack((key >> 32, key & 0xFFFFFFFF), axis=1)


def candidate_pairs(sigs: np.ndarray, bands: int, rows: int, full_bucket: int = 24) -> np.ndarray:
    """Pairs (i, j), i < j, of rows sharing at least one LSH band (see ``bucket_pairs``)."""
    if len(sigs) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    return bucket_pairs(*band_entries(band_keys(sigs, bands, rows), np.arange(len(sigs))), full_bucket=full_bucket)


def estimated_jaccard(sigs: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    if len(pairs) == 0:
        return np.zeros(0)
    out = np.empty(len(pairs))
    step = 1 << 16
    for s in range(0, len(pairs), step):
        p = pairs[s:s + step]
        out[s:s + step] = (sigs[p[:, 0]] == sigs[p[:, 1]]).mean(axis=1)
    return out


def oph_signatures(hashes: np.ndarray, doc: np.ndarray, n: int, num_perm: int = 64, seed: int = 1) -> np.ndarray:
    """One-permutation MinHash with rotation densification (Shrivastava & Li 2014).

    The (mixed) shingle hash is re-mixed with ``seed``; its top bits pick one of
    ``num_perm`` bins and the next 32 bits are the value; each bin keeps its minimum.
    ``doc`` gives the document (0..n-1) of each hash, in any order. Empty bins
    (short documents) borrow the value of the next non-empty bin to the
    right, offset by the distance, so similar documents still agree slot by slot.
    One sort of all shingles instead of ``num_perm`` hash functions per shingle.
    """
    bits = int(num_perm).bit_length() - 1
    if 1 << bits != num_perm:
        raise ValueError("num_perm must be a power of two")
    out = np.full((n, num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    if n == 0 or len(hashes) == 0:
        return out
    with np.errstate(over="ignore"):
        h = mix64(hashes ^ np.uint64((seed * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF))
    bins = (h >> np.uint64(64 - bits)).astype(np.int64)
    vals = ((h >> np.uint64(32 - bits)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    cell = doc.astype(np.int64) * num_perm + bins
    flat = out.reshape(-1)
    np.minimum.at(flat, cell, vals) if _FAST_UFUNC_AT or len(cell) < 4096 else _min_by_sort(flat, cell, vals)
    _densify(flat, num_perm)
    return out


def _densify(flat: np.ndarray, num_perm: int) -> None:
    """Rotation densification, in place: an empty bin of a row with values takes the
    value of the next non-empty bin to its right (circularly) plus the distance times
    an odd constant; rows with no value stay empty. Only the empty bins are visited:
    each finds its source among the filled bins' flat positions by binary search."""
    empty = flat == np.uint32(0xFFFFFFFF)
    holes = np.flatnonzero(empty)
    if not len(holes):
        return
    filled = np.flatnonzero(~empty)
    if not len(filled):
        return
    bits = num_perm.bit_length() - 1
    rows_filled = np.bincount(filled >> bits, minlength=len(flat) >> bits)
    holes = holes[rows_filled[holes >> bits] > 0]
    after = np.searchsorted(filled, holes)
    src = filled[np.minimum(after, len(filled) - 1)]
    # No filled bin right of the hole in its row: wrap to the row's first filled bin.
    wrap = (after == len(filled)) | ((src >> bits) != (holes >> bits))
    row_start = (holes[wrap] >> bits) << bits
    src[wrap] = filled[np.searchsorted(filled, row_start)]
    dist = src - holes
    dist[wrap] += num_perm
    with np.errstate(over="ignore"):
        flat[holes] = flat[src] + dist.astype(np.uint32) * np.uint32(0x9E3779B1)


def _min_by_sort(flat: np.ndarray, cell: np.ndarray, vals: np.ndarray) -> None:
    key = (cell.astype(np.uint64) << np.uint64(32)) | vals.astype(np.uint64)
    key.sort()
    c = (key >> np.uint64(32)).astype(np.int64)
    first = np.concatenate(([True], c[1:] != c[:-1]))
    flat[c[first]] = (key[first] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
