"""Mergeable near-duplicate state: per record the LSH band keys of its MinHash
signature; a boilerplate filter, LSH candidates, rapidfuzz verification and clusters.

Boilerplate. Text shared by many records (a long system prompt, a tool preamble
or instruction template in every prompt) is not similarity. Shingles of prompt
turns (by default system, developer, user and tool turns) whose document
frequency reaches ``boilerplate_df`` (a fraction of records, and at least
``boilerplate_min`` records) are dropped before signatures are computed, and
the words they alone cover are dropped from the text that rapidfuzz compares.
Assistant text is never boilerplate: the same answer in many records is exactly
the repetition the rule is about. The frequencies come from the run's calibration
sample (``calibration`` records spread over the whole dataset, every record of a
smaller one; see ``Engine.calibrate``): :func:`prompt_shingle_counts` counts each
piece of the sample and :func:`boilerplate` adds the counts up. Every task then
signs its records against the same boilerplate, so findings never depend on how
the run is split.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from .minhash import band_entries, band_keys, bucket_pairs, oph_signatures, unique_pairs
from .refs import RefTable, TextStore, group_ids, merge_groups, reread
from .shingles import Words, shingle_hashes, word_bytes, word_hashes
from .text import plain_sides, prompt_side, record_canonical_hash, sides, stable_hash64
from ..timings import stage

BATCH = 512
VERIFY_BLOCK = 8192  # candidate pairs verified per block
CLASSES = 31  # character classes counted per record for the similarity bound (plus spaces)
_OWNER_BITS = 20
_OWNER_MASK = (1 << _OWNER_BITS) - 1


@dataclass(frozen=True)
class NearConfig:
    roles: tuple[str, ...] = ("user", "assistant")
    boilerplate_roles: tuple[str, ...] = ("system", "developer", "user", "tool")
    shingle: int = 3
    num_perm: int = 64
    bands: int = 16
    threshold: float = 0.9
    boilerplate_df: float = 0.05
    boilerplate_min: int = 10
    calibration: int = 20000
    text_budget: int = 48 << 20  # characters kept in memory per state
    min_words: int = 1

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


@dataclass(frozen=True)
class Pair:
    first: int  # state row of the earlier record
    second: int
    similarity: float


def _empty_keys(bands: int) -> np.ndarray:
    return np.zeros((0, bands), dtype=np.uint64)


def prompt_shingle_counts(records, config: NearConfig) -> tuple[int, np.ndarray, np.ndarray]:
    """(records, distinct prompt shingles, in how many of the records each occurs):
    document frequency, not count. Shingles are compared by their top 44 bits."""
    prompts = [prompt_side(r, config.roles, config.boilerplate_roles) for r in records]
    if not prompts:
        return 0, np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    wh, wcount = word_hashes(prompts)
    sh, counts = shingle_hashes(wh, wcount, config.shingle)
    owner = np.repeat(np.arange(len(prompts), dtype=np.uint64), counts)
    # One sort: the top 44 bits of the shingle hash with the record number below,
    # so repeats inside a record count once (44 bits keep collisions negligible).
    keys = np.sort((sh & ~np.uint64(_OWNER_MASK)) | (owner & np.uint64(_OWNER_MASK)))
    top = keys[_run_starts(keys)] >> np.uint64(_OWNER_BITS)
    starts = _run_starts(top)
    return len(prompts), top[starts], np.diff(np.append(starts, len(top)))


def boilerplate(pieces: list[tuple[int, np.ndarray, np.ndarray]], config: NearConfig) -> np.ndarray:
    """Prompt shingles in at least ``boilerplate_df`` of the sampled records (and at
    least ``boilerplate_min`` of them), sorted, from the counts of every piece."""
    n = sum(p[0] for p in pieces)
    if not n:
        return np.zeros(0, dtype=np.uint64)
    bar = max(config.boilerplate_min, int(np.ceil(config.boilerplate_df * n)))
    # A shingle in ``bar`` records is in at least bar / pieces of some piece's: only those
    # few are added up over the pieces (each piece's shingles are sorted and distinct).
    least = -(-bar // len(pieces))
    found = np.unique(np.concatenate([values[counts >= least] for _, values, counts in pieces]))
    total = np.zeros(len(found), dtype=np.int64)
    for _, values, counts in pieces:
        if len(values):
            at = np.minimum(np.searchsorted(values, found), len(values) - 1)
            hit = values[at] == found
            total[hit] += counts[at[hit]]
    return found[total >= bar]  # truncated hashes: compare with ``h >> _OWNER_BITS``


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts: np.unique without its sort
    (numpy 2's unique hashes, then sorts, several times slower than one sort here)."""
    if not len(values):
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))


class NearState:
    """Per-record: location, group, canonical hash, compared-text hash, and the LSH band
    keys of its signature (16 x 8 bytes, half the 64 x 4 of the signature itself)."""

    def __init__(self, config: NearConfig, boiler: np.ndarray | None = None):
        self.config = config
        self.refs = RefTable()
        self.groups: list[str] = []
        self.group = array("h")
        self.canon = array("Q")
        self.thash = array("Q")
        self.active = bytearray()  # 1 when the record has words to compare
        self.key_chunks: list[np.ndarray] = []
        # Per record, of the text rapidfuzz compares: its length and its characters counted
        # by class (at most 255 a class), to rule out candidates that cannot reach the threshold.
        self.length_chunks: list[np.ndarray] = []
        self.class_chunks: list[np.ndarray] = []
        self.store = TextStore(config.text_budget)
        self.boiler = boiler if boiler is not None else np.zeros(0, dtype=np.uint64)  # sorted boilerplate shingles
        self.batch: list[tuple] = []  # (ref, code points, group, canonical hash, prompt, answer)

    # -- collecting ------------------------------------------------------------
    @stage("shingles and MinHash")
    def add(self, record, group: str) -> None:
        # What the record is compared on; the rest waits for the batch (fewer calls a record).
        cfg = self.config
        self.batch.append((record.ref, len(record.text), group, record_canonical_hash(record),
                           *sides(record.example, cfg.roles, cfg.boilerplate_roles)))
        if len(self.batch) >= BATCH:
            self._sign_batch()

    @stage("shingles and MinHash")
    def _sign_batch(self) -> None:
        """Band keys of the MinHash signatures of the batched records, boilerplate prompt
        shingles left out."""
        if not self.batch:
            return
        cfg = self.config
        batch, self.batch = self.batch, []
        k = len(batch)
        base = len(self.canon)
        refs, cplens, groups, canons, prompts, answers = zip(*batch)
        self.refs.add_many(refs, cplens)
        self.group.extend(group_ids(self.groups, groups))
        self.canon.extend(canons)
        self.thash.extend([stable_hash64(p + "\x1e" + a) for p, a in zip(prompts, answers)])
        self.store.keep_many(base, zip(prompts, answers))
        words = Words(list(prompts + answers))
        wcount = words.per_doc
        sh, counts = shingle_hashes(words.hashes(), wcount, cfg.shingle)
        # The shingles of record j: its prompt's (document j, boilerplate left out) and its
        # answer's (document k + j). A signature does not depend on the order of its shingles.
        doc = np.repeat(np.tile(np.arange(k, dtype=np.int64), 2), counts)
        prompts = int(counts[:k].sum())
        boiler = (_isin_sorted(sh[:prompts] >> np.uint64(_OWNER_BITS), self.boiler) if len(self.boiler)
                  else np.zeros(prompts, dtype=bool))
        if boiler.any():
            keep = np.ones(len(sh), dtype=bool)
            keep[:prompts] = ~boiler
            sh, doc = sh[keep], doc[keep]
        self.active += (np.bincount(doc, minlength=k) >= cfg.min_words).astype(np.uint8).tobytes()
        self.key_chunks.append(band_keys(oph_signatures(sh, doc, k, cfg.num_perm), cfg.bands, cfg.rows))
        classes = words.classes(np.tile(np.arange(k, dtype=np.int64), 2), k, CLASSES,
                                _dropped_words(wcount, counts[:k], ~boiler, cfg.shingle))
        self.length_chunks.append(classes.sum(axis=1).astype(np.uint32))
        self.class_chunks.append(np.minimum(classes, 255).astype(np.uint8))

    def flush(self) -> None:
        self._sign_batch()

    # -- merging -----------------------------------------------------------------
    def merge(self, others: list["NearState"]) -> "NearState":
        """Merge states in input order (all signed against the same boilerplate)."""
        out = NearState(self.config, others[0].boiler if others else None)
        for s in others:
            s.flush()
            base = len(out.canon)
            out.refs.extend(s.refs)
            merge_groups(out.groups, out.group, s.groups, s.group)
            out.canon.extend(s.canon)
            out.thash.extend(s.thash)
            out.active.extend(s.active)
            out.key_chunks.extend(s.key_chunks)
            out.length_chunks.extend(s.length_chunks)
            out.class_chunks.extend(s.class_chunks)
            out.store.merge(s.store, base)
            # The inputs are consumed: drop their references so the merged copy is the only one.
            s.refs, s.key_chunks, s.store = RefTable(), [], TextStore(0)
            s.length_chunks, s.class_chunks = [], []
            s.canon, s.thash, s.group, s.active = array("Q"), array("Q"), array("h"), bytearray()
        return out

    # -- the keyed shuffle -----------------------------------------------------------
    # A task's state splits into a head (per record: location, group and hashes, no
    # band keys and no texts) that goes to the driver, and its band entries, split by
    # band key across reduce tasks. Reducers turn buckets into candidate pairs; the
    # driver verifies them in tasks that re-read the records.
    def keys(self) -> np.ndarray:
        """(records, bands) band keys."""
        if len(self.key_chunks) != 1:
            chunks, self.key_chunks = self.key_chunks, []
            self.key_chunks = [np.concatenate(chunks) if chunks else _empty_keys(self.config.bands)]
            del chunks
        return self.key_chunks[0]

    def partition(self, parts: int, keep_texts: bool) -> tuple["NearState", list[tuple]]:
        """(head, pieces): the band entries (band, key, row) of the active records,
        split by key into ``parts`` pieces. ``keep_texts`` leaves the texts kept in
        memory in the head (in-process runs; a task's texts never travel)."""
        self.flush()
        keys = self.keys()
        self.key_chunks = []
        rows = np.flatnonzero(np.frombuffer(bytes(self.active), dtype=np.uint8))
        # Row ids fit 32 bits (run order numbers them task << 32 | row).
        band, key, ids = band_entries(keys if len(rows) == len(keys) else keys[rows], rows.astype(np.uint32))
        del keys
        if parts > 1:
            where = key % np.uint64(parts)
            pieces = [(band[where == p], key[where == p], ids[where == p]) for p in range(parts)]
        else:
            pieces = [(band, key, ids)]
        if not keep_texts:
            self.store = TextStore(0)
        return self, pieces

    def pairs(self, cand: np.ndarray, backend, keep=None) -> list[Pair]:
        """Verified pairs (first < second in run order) with similarity at or above the
        threshold, from candidate pairs of rows. ``keep(pairs)`` filters candidates
        before verification. Blocks of pairs (sorted, so blocks share records) are
        verified by ``backend``'s tasks, which re-read records they do not have; each
        block's arguments are built when the backend takes it, so only a few blocks'
        locations are in memory at once."""
        if keep is not None and len(cand):
            cand = cand[keep(cand)]
        cand = self._may_reach(cand)
        if not len(cand):
            return []
        cand = cand[np.lexsort((cand[:, 1], cand[:, 0]))]
        jobs = (self._verify_job(cand[s:s + VERIFY_BLOCK]) for s in range(0, len(cand), VERIFY_BLOCK))
        return [Pair(i, j, sim) for found in backend.map(verify_block, jobs) for i, j, sim in found]

    def _may_reach(self, cand: np.ndarray) -> np.ndarray:
        """The candidate pairs whose compared texts can be similar enough. rapidfuzz's
        normalized Indel similarity is 2 * LCS / (la + lb), and a common subsequence has
        at most min(count in a, count in b) characters of each class: a pair whose bound
        is below the threshold cannot verify (exact, so no finding changes)."""
        if len(self.length_chunks) != 1:
            self.length_chunks = [np.concatenate(self.length_chunks) if self.length_chunks else
                                  np.zeros(0, dtype=np.uint32)]
            self.class_chunks = [np.concatenate(self.class_chunks) if self.class_chunks else
                                 np.zeros((0, CLASSES + 1), dtype=np.uint8)]
        lengths, classes = self.length_chunks[0], self.class_chunks[0]
        counted = classes.sum(axis=1, dtype=np.int64)
        out = []
        for s in range(0, len(cand), 1 << 18):  # a bounded slice of the pairs at a time
            c = cand[s:s + (1 << 18)]
            a, b = c[:, 0], c[:, 1]
            la, lb = lengths[a].astype(np.int64), lengths[b].astype(np.int64)
            # Counts stay uint8 (a pair's classes are 64 bytes, not 512): a class both count
            # as 255 is the one whose minimum is 255.
            least = np.minimum(classes[a], classes[b])
            full = (least == 255).sum(axis=1, dtype=np.int64) * 255
            # A class both count as 255 (or more): together at most the characters not in
            # the other classes (their stored counts are exact or lower bounds).
            common = least.sum(axis=1, dtype=np.int64) - full
            rest = np.minimum(la - (counted[a] - full), lb - (counted[b] - full))
            common += np.where(full > 0, rest, 0)
            total = la + lb
            # A hair under the threshold: rounding must never rule out a pair rapidfuzz keeps.
            out.append(c[(total == 0) | (2 * common >= (self.config.threshold - 1e-9) * total)])
        return np.concatenate(out) if out else cand

    def _verify_job(self, block: np.ndarray) -> tuple:
        """A block of candidate pairs with its rows' locations (in a RefTable, not as
        objects), compared-text hashes and any texts kept in memory."""
        rows = np.unique(block)
        texts = self.store.texts
        return (self.config, self.boiler, block, rows, self.refs.subset(rows),
                np.frombuffer(self.thash, dtype=np.uint64)[rows],
                {r: texts[r] for r in rows.tolist() if r in texts} if texts else {})


def reduce_band_entries(pieces: list[tuple]) -> np.ndarray:
    """Candidate pairs of one partition: the pieces of every task, in task order, with
    rows numbered ``task << 32 | row`` (run order). A bucket never spans two bands, so
    the entries are sorted one band at a time (a sixteenth of the memory at once)."""
    if not pieces:
        return np.zeros((0, 2), dtype=np.int64)
    # Rows numbered densely in run order (each task's after the earlier tasks'), so that a
    # pair fits one int64 key when pairs are deduplicated; task << 32 | row again at the end.
    offset = np.cumsum([0] + [int(p[2].max()) + 1 if len(p[2]) else 0 for p in pieces])
    found = []
    for b in np.flatnonzero(sum(np.bincount(p[0], minlength=256) for p in pieces)).tolist():
        masks = [p[0] == b for p in pieces]
        key = np.concatenate([p[1][m] for p, m in zip(pieces, masks)])
        ids = np.concatenate([p[2][m].astype(np.int64) + offset[t] for t, (p, m) in enumerate(zip(pieces, masks))])
        del masks
        found.append(bucket_pairs(np.full(len(key), b, dtype=np.uint8), key, ids))
    pairs = unique_pairs(found)
    task = np.searchsorted(offset, pairs, side="right") - 1  # an empty task's offset is its successor's
    return (task << 32) | (pairs - offset[task])


def merge_heads(heads: list[NearState], reduced: list[np.ndarray]) -> tuple[NearState, np.ndarray]:
    """One state of the whole run from the tasks' heads, and the candidate pairs of
    every partition in its row numbers."""
    bases = np.cumsum([0] + [len(h.canon) for h in heads])
    state = NearState(heads[0].config).merge(heads) if heads else None
    cand = np.concatenate([r for r in reduced if len(r)]) if any(len(r) for r in reduced) else \
        np.zeros((0, 2), dtype=np.int64)
    cand = bases[cand >> np.int64(32)] + (cand & np.int64(0xFFFFFFFF))
    return state, unique_pairs([cand])


def verify_block(job) -> list[tuple[int, int, float]]:
    """Verify one block of candidate pairs: texts from memory or re-read by byte range
    (and checked against the hash taken during the pass), compared with rapidfuzz."""
    config, boiler, block, rows, refs, thash, texts = job
    rows, thash = rows.tolist(), thash.tolist()
    for k, value in reread((k, refs.ref(k)) for k, r in enumerate(rows) if r not in texts).items():
        parts = _extract(value, config)
        if parts is not None and stable_hash64("\x1e".join(parts)) == thash[k]:
            texts[rows[k]] = parts
    compared = _compared(texts, boiler, config)
    out = []
    cutoff = config.threshold
    for i, j in block.tolist():
        a, b = compared.get(i), compared.get(j)
        if a is None or b is None:
            continue
        if a == b:
            out.append((i, j, 1.0))
            continue
        sim = Indel.normalized_similarity(a, b, score_cutoff=cutoff)
        if sim >= cutoff:
            out.append((i, j, sim))
    return out


def _extract(value, config: NearConfig) -> tuple[str, str] | None:
    from ..formats import detect_format, normalize

    if not isinstance(value, dict):
        return None
    fmt = detect_format(value)
    found = plain_sides(value, fmt, config.roles, config.boilerplate_roles)
    if found is not None:  # a plain record's texts without building its normalized view
        return found
    example = normalize(value, fmt) if fmt is not None else None
    if example is None:
        return None
    return sides(example, config.roles, config.boilerplate_roles)


def _compared(texts: dict[int, tuple[str, ...]], boiler: np.ndarray, config: NearConfig) -> dict[int, str]:
    """The normalized strings rapidfuzz compares: lowercased words, prompt words
    covered only by boilerplate shingles removed."""
    if not len(boiler):  # no prompt word to leave out
        return {k: b" ".join(word_bytes(prompt) + word_bytes(answer)).decode("utf-8", "surrogatepass")
                for k, (prompt, answer) in texts.items()}
    out: dict[int, str] = {}
    keys = list(texts)
    for s in range(0, len(keys), BATCH):
        chunk = keys[s:s + BATCH]
        prompts = [texts[k][0] for k in chunk]
        wh, wcount = word_hashes(prompts)
        sh, counts = shingle_hashes(wh, wcount, config.shingle)
        is_boiler = _isin_sorted(sh >> np.uint64(_OWNER_BITS), boiler)
        soff = np.concatenate(([0], np.cumsum(counts)))
        for j, k in enumerate(chunk):
            words = word_bytes(prompts[j])
            flags = is_boiler[soff[j]:soff[j + 1]]
            if len(words) and flags.any():
                words = _uncovered(words, flags, config.shingle)
            out[k] = b" ".join(words + word_bytes(texts[k][1])).decode("utf-8", "surrogatepass")
    return out


def _dropped_words(wcount: np.ndarray, prompt_shingles: np.ndarray, good: np.ndarray, n: int) -> np.ndarray | None:
    """The prompt words (indices among the words of ``k`` prompts then ``k`` answers)
    that the compared text leaves out: those only boilerplate shingles cover (as
    ``_compared`` and ``_uncovered`` decide); None when there are none. ``good``: each
    prompt shingle is not boilerplate."""
    if good.all():
        return None
    k = len(prompt_shingles)
    m = wcount[:k].astype(np.int64)
    words = int(m.sum())
    # Shingle i of a prompt covers its words i .. i + min(m, n) - 1: count the good ones
    # over each word with a difference array.
    first = np.repeat(np.cumsum(m) - m, prompt_shingles)
    index = np.arange(len(good)) - np.repeat(np.cumsum(prompt_shingles) - prompt_shingles, prompt_shingles)
    start = first + index
    end = start + np.repeat(np.minimum(m, n), prompt_shingles)
    weight = good.astype(np.int64)
    diff = np.bincount(start, weight, minlength=words + 1) - np.bincount(end, weight, minlength=words + 1)
    return np.flatnonzero(np.cumsum(diff[:words]) <= 0)


def _uncovered(words: list[bytes], boiler_flags: np.ndarray, n: int) -> list[bytes]:
    """Words covered by at least one non-boilerplate shingle."""
    m = len(words)
    if m < n:
        return [] if boiler_flags.all() else words
    keep = np.zeros(m + 1, dtype=np.int64)
    good = np.flatnonzero(~boiler_flags)
    np.add.at(keep, good, 1)
    np.add.at(keep, good + n, -1)
    covered = np.cumsum(keep[:m]) > 0
    return [w for w, c in zip(words, covered) if c]


def _isin_sorted(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(table, values)
    pos[pos >= len(table)] = 0
    return table[pos] == values


def clusters(n: int, pairs: list[Pair]) -> dict[int, list[int]]:
    """Connected components of the verified pairs: {root: sorted members}."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for p in pairs:
        a, b = find(p.first), find(p.second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    out: dict[int, list[int]] = {}
    for x in parent:
        out.setdefault(find(x), []).append(x)
    for root, members in out.items():
        if root not in members:
            members.append(root)
        members.sort()
    return out
