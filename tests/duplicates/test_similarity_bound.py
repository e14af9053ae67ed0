"""The exact prefilter before near-duplicate verification: per-record character-class
counts of the compared text, and the bound on rapidfuzz's similarity they give."""

from __future__ import annotations

import io
import json

import numpy as np
from hypothesis import given, settings, strategies as st
from rapidfuzz.distance import Indel

from jsonl_lint.similarity.near import (CLASSES, NearConfig, NearState, _compared, boilerplate,
                                        prompt_shingle_counts)
from jsonl_lint.reader import read_records
from jsonl_lint.similarity.text import sides

# Few words, so prompts share boilerplate shingles and pairs come close; non-ASCII,
# capitals (lowercased), digits and punctuation (not words) among them.
WORDS = ["the", "a", "tea", "Zoë", "straße", "naïve", "ΣΟΦΙΑ", "日本語", "x1_2", "I", "İstanbul", "ﬁne",
         "you", "are", "helpful", "answer", "briefly", "42", "\U0001f600", "çé"]
text = st.lists(st.sampled_from(WORDS), max_size=40).flatmap(
    lambda ws: st.sampled_from([" ", ", ", "\n", "-"]).map(lambda sep: sep.join(ws)))


def _state(records: list[tuple[str, str]], config: NearConfig) -> tuple[NearState, dict]:
    """A state of the records (one user and one assistant turn each), and their texts."""
    data = "".join(json.dumps({"messages": [{"role": "user", "content": p}, {"role": "assistant", "content": a}]})
                   + "\n" for p, a in records).encode()
    parsed = list(read_records(io.BytesIO(data), "x.jsonl"))
    state = NearState(config, boilerplate([prompt_shingle_counts(parsed, config)], config))
    for r in parsed:
        state.add(r, "train")
    state.flush()
    state._may_reach(np.zeros((0, 2), dtype=np.int64))  # the counts in one chunk
    return state, {i: sides(r.example, config.roles, config.boilerplate_roles) for i, r in enumerate(parsed)}


def _counts(s: str) -> list[int]:
    out = [0] * (CLASSES + 1)
    for ch in s:
        if ch == " ":
            out[CLASSES] += 1
        else:
            out[ch.encode("utf-8", "surrogatepass")[0] % CLASSES] += 1
    return [min(c, 255) for c in out]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(text, text), min_size=1, max_size=30))
def test_counts_are_those_of_the_text_rapidfuzz_compares(records):
    config = NearConfig(boilerplate_min=2, boilerplate_df=0.1)
    state, texts = _state(records, config)
    compared = _compared(texts, state.boiler, config)
    for i in range(len(records)):
        assert state.length_chunks[0][i] == len(compared[i])
        assert state.class_chunks[0][i].tolist() == _counts(compared[i])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(text, text), min_size=2, max_size=20), st.floats(0.5, 1.0))
def test_the_bound_keeps_every_pair_that_reaches_the_threshold(records, threshold):
    # Near copies (one word changed) among the records, so some pairs do reach it.
    records = records + [(p, a.replace("the", "tea", 1)) for p, a in records[:5]]
    config = NearConfig(boilerplate_min=2, boilerplate_df=0.1, threshold=threshold)
    state, texts = _state(records, config)
    compared = _compared(texts, state.boiler, config)
    n = len(records)
    cand = np.array([(i, j) for i in range(n) for j in range(i + 1, n)], dtype=np.int64)
    kept = {tuple(p) for p in state._may_reach(cand).tolist()}
    for i, j in cand.tolist():
        if Indel.normalized_similarity(compared[i], compared[j]) >= threshold:
            assert (i, j) in kept


def test_the_bound_rules_out_pairs_that_cannot_reach_it():
    long = " ".join(["answer"] * 300)  # 300 x 6 letters: classes over 255 on both sides
    records = [("tea", "the answer is 42"), ("tea", "the answer is 43"), ("tea", "you are helpful and brief"),
               ("tea", long), ("tea", long + " zoë"), ("tea", " ".join(["tea"] * 600))]
    state, _ = _state(records, NearConfig())
    cand = np.array([(0, 1), (0, 2), (3, 4), (3, 5)], dtype=np.int64)
    assert state._may_reach(cand).tolist() == [[0, 1], [3, 4]]
