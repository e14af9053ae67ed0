"""Mergeable near-duplicate state: MinHash signatures per record, a boilerplate
filter, LSH candidates, rapidfuzz verification and clusters.

Boilerplate. Text shared by many records (a long system prompt, a tool preamble
or instruction template in every prompt) is not similarity. Shingles of prompt
turns (by default system, developer, user and tool turns) whose document
frequency reaches ``boilerplate_df`` (a fraction of records, and at least
``boilerplate_min`` records) are dropped before signatures are computed, and
the words they alone cover are dropped from the text that rapidfuzz compares.
Assistant text is never boilerplate: the same answer in many records is exactly
the repetition the rule is about. The frequencies are computed over the first
``calibration`` records of each worker (all records of a smaller dataset), then
fixed for the rest of that worker's records.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel

from .minhash import candidate_pairs, oph_signatures
from .refs import RefTable, TextStore, group_id, merge_groups
from .shingles import shingle_hashes, tokens, word_hashes
from .text import record_canonical_hash, sides, stable_hash64

BATCH = 512
VERIFY_BLOCK = 8192  # candidate pairs verified per block
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


def _empty_sigs(num_perm: int) -> np.ndarray:
    return np.zeros((0, num_perm), dtype=np.uint32)


class NearState:
    """Per-record: location, group, canonical hash, compared-text hash, signature."""

    def __init__(self, config: NearConfig):
        self.config = config
        self.refs = RefTable()
        self.groups: list[str] = []
        self.group = array("h")
        self.canon = array("Q")
        self.thash = array("Q")
        self.active = bytearray()  # 1 when the record has words to compare
        self.sig_chunks: list[np.ndarray] = []
        self.store = TextStore(config.text_budget)
        self.boiler: np.ndarray | None = None  # sorted boilerplate shingle hashes
        self.pending: list[tuple[int, np.ndarray, np.ndarray]] = []  # before calibration
        self.batch: list[tuple[int, str, str]] = []
        self.done = 0  # rows whose signature is in sig_chunks

    # -- collecting ------------------------------------------------------------
    def add(self, record, group: str) -> None:
        cfg = self.config
        prompt, answer = sides(record.example, cfg.roles, cfg.boilerplate_roles)
        i = len(self.canon)
        self.refs.add(record.ref, len(record.text))
        self.group.append(group_id(self.groups, group))
        self.canon.append(record_canonical_hash(record))
        self.thash.append(stable_hash64(prompt + "\x1e" + answer))
        self.active.append(0)
        self.store.keep(i, (prompt, answer))
        self.batch.append((i, prompt, answer))
        if len(self.batch) >= BATCH:
            self._process_batch()

    def _process_batch(self) -> None:
        if not self.batch:
            return
        n = self.config.shingle
        idx = [b[0] for b in self.batch]
        texts = [b[1] for b in self.batch] + [b[2] for b in self.batch]
        self.batch = []
        wh, wcount = word_hashes(texts)
        sh, counts = shingle_hashes(wh, wcount, n)
        offsets = np.concatenate(([0], np.cumsum(counts)))
        k = len(idx)
        for j, i in enumerate(idx):
            p = sh[offsets[j]:offsets[j + 1]]
            a = sh[offsets[k + j]:offsets[k + j + 1]]
            self.pending.append((i, p, a))
        if self.boiler is None and len(self.pending) < self.config.calibration:
            return
        if self.boiler is None:
            self.boiler = self._calibrate()
        self._sign_pending()

    def _calibrate(self) -> np.ndarray:
        """Prompt shingles in at least ``boilerplate_df`` of the pending records
        (and at least ``boilerplate_min`` of them): document frequency, not count."""
        cfg = self.config
        sizes = [len(p) for _, p, _ in self.pending]
        if not sum(sizes):
            return np.zeros(0, dtype=np.uint64)
        hashes = np.concatenate([p for _, p, _ in self.pending if len(p)])
        owner = np.repeat(np.arange(len(sizes), dtype=np.uint64), sizes)
        # One sort: the top 44 bits of the shingle hash with the record number below,
        # so repeats inside a record count once (44 bits keep collisions negligible).
        keys = np.unique((hashes & ~np.uint64(_OWNER_MASK)) | (owner & np.uint64(_OWNER_MASK)))
        values, df = np.unique(keys >> np.uint64(_OWNER_BITS), return_counts=True)
        bar = max(cfg.boilerplate_min, int(np.ceil(cfg.boilerplate_df * len(self.pending))))
        return values[df >= bar]  # truncated hashes: compare with ``h >> _OWNER_BITS``

    def _sign_pending(self) -> None:
        pending, self.pending = self.pending, []
        for s in range(0, len(pending), 4 * BATCH):  # bounded temporaries after calibration
            self._sign(pending[s:s + 4 * BATCH])

    def _sign(self, pending: list[tuple[int, np.ndarray, np.ndarray]]) -> None:
        cfg = self.config
        if not pending:
            return
        parts, docs = [], []
        for j, (i, p, a) in enumerate(pending):
            if len(p) and len(self.boiler):
                p = p[~_isin_sorted(p >> np.uint64(_OWNER_BITS), self.boiler)]
            both = np.concatenate((p, a)) if len(p) else a
            if len(both) >= cfg.min_words:
                self.active[i] = 1
            parts.append(both)
            docs.append(np.full(len(both), j, dtype=np.int64))
        sigs = oph_signatures(np.concatenate(parts), np.concatenate(docs), len(pending), cfg.num_perm)
        order = np.array([i for i, _, _ in pending]) - self.done
        chunk = np.empty_like(sigs)
        chunk[order] = sigs
        self.sig_chunks.append(chunk)
        self.done += len(pending)

    def flush(self) -> None:
        self._process_batch()
        if self.boiler is None:
            self.boiler = self._calibrate()
        self._sign_pending()

    # -- merging -----------------------------------------------------------------
    def merge(self, others: list["NearState"]) -> "NearState":
        """Merge states in input order. Unflushed states (fewer records than the
        calibration size) are calibrated together, so small runs split across
        workers see the same boilerplate as a serial run."""
        out = NearState(self.config)
        raw = [s for s in others if s.boiler is None]
        if raw:
            for s in raw:
                s._process_batch()
            joint = [(i, p, a) for s in raw for (i, p, a) in s.pending]
            tmp = NearState(self.config)
            tmp.pending = joint
            boiler = tmp._calibrate()
            for s in raw:
                s.boiler = boiler
        for s in others:
            s.flush()
            base = len(out.canon)
            out.refs.extend(s.refs)
            merge_groups(out.groups, out.group, s.groups, s.group)
            out.canon.extend(s.canon)
            out.thash.extend(s.thash)
            out.active.extend(s.active)
            out.sig_chunks.extend(s.sig_chunks)
            out.store.merge(s.store, base)
            out.boiler = s.boiler if out.boiler is None else np.union1d(out.boiler, s.boiler)
            # The inputs are consumed: drop their references so the merged copy is the only one.
            s.refs, s.sig_chunks, s.store = RefTable(), [], TextStore(0)
            s.canon, s.thash, s.group, s.active = array("Q"), array("Q"), array("h"), bytearray()
        out.done = len(out.canon)
        return out

    # -- finishing -----------------------------------------------------------------
    def signatures(self) -> np.ndarray:
        if len(self.sig_chunks) != 1:
            chunks, self.sig_chunks = self.sig_chunks, []
            self.sig_chunks = [np.concatenate(chunks) if chunks else _empty_sigs(self.config.num_perm)]
            del chunks
        return self.sig_chunks[0]

    def pairs(self, keep=None) -> list[Pair]:
        """Verified pairs (first < second in run order) with similarity at or above
        the threshold. ``keep(i, j)`` filters candidate pairs before verification."""
        self.flush()
        cfg = self.config
        sigs = self.signatures()
        active = np.frombuffer(bytes(self.active), dtype=np.uint8).astype(bool)
        rows = np.flatnonzero(active)
        if len(rows) < 2:
            return []
        if len(rows) == len(sigs):
            cand = candidate_pairs(sigs, cfg.bands, cfg.rows)
        else:
            cand = rows[candidate_pairs(sigs[rows], cfg.bands, cfg.rows)]
        if keep is not None and len(cand):
            cand = cand[keep(cand)]
        if not len(cand):
            return []
        # Verify in blocks of pairs (sorted, so blocks share records): only one block's
        # texts are in memory at a time.
        cand = cand[np.lexsort((cand[:, 1], cand[:, 0]))]
        out = []
        cutoff = cfg.threshold
        for s in range(0, len(cand), VERIFY_BLOCK):
            block = cand[s:s + VERIFY_BLOCK]
            texts = self.store.fetch(np.unique(block).tolist(), self.refs, self._extract,
                                     lambda k, parts: stable_hash64("\x1e".join(parts)) == self.thash[k])
            compared = self._compared(texts)
            del texts
            for i, j in block.tolist():
                a, b = compared.get(i), compared.get(j)
                if a is None or b is None:
                    continue
                if a == b:
                    out.append(Pair(i, j, 1.0))
                    continue
                sim = Indel.normalized_similarity(a, b, score_cutoff=cutoff)
                if sim >= cutoff:
                    out.append(Pair(i, j, sim))
        return out

    def _extract(self, value) -> tuple[str, str] | None:
        from ..formats import normalize

        if not isinstance(value, dict):
            return None
        example = normalize(value)
        if example is None:
            return None
        return sides(example, self.config.roles, self.config.boilerplate_roles)

    def _compared(self, texts: dict[int, tuple[str, ...]]) -> dict[int, str]:
        """The normalized strings rapidfuzz compares: lowercased words, prompt
        words covered only by boilerplate shingles removed."""
        out: dict[int, str] = {}
        boiler = self.boiler if self.boiler is not None else np.zeros(0, dtype=np.uint64)
        keys = list(texts)
        for s in range(0, len(keys), BATCH):
            chunk = keys[s:s + BATCH]
            prompts = [texts[k][0] for k in chunk]
            wh, wcount = word_hashes(prompts)
            sh, counts = shingle_hashes(wh, wcount, self.config.shingle)
            is_boiler = (_isin_sorted(sh >> np.uint64(_OWNER_BITS), boiler) if len(boiler)
                         else np.zeros(len(sh), dtype=bool))
            soff = np.concatenate(([0], np.cumsum(counts)))
            for j, k in enumerate(chunk):
                words = tokens(prompts[j])
                flags = is_boiler[soff[j]:soff[j + 1]]
                if len(words) and flags.any():
                    words = _uncovered(words, flags, self.config.shingle)
                answer = tokens(texts[k][1])
                out[k] = " ".join(words + answer)
        return out


def _uncovered(words: list[str], boiler_flags: np.ndarray, n: int) -> list[str]:
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
