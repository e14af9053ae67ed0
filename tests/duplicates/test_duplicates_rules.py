"""Leakage across files, formats through the normalized view, and building blocks."""

from __future__ import annotations

import json
import pickle

import numpy as np

from helpers import lint, settings_for
from jsonl_lint.engine import Engine
from jsonl_lint.similarity.minhash import candidate_pairs, oph_signatures
from jsonl_lint.similarity.shingles import shingle_hashes, word_bytes, word_hashes

U = "Write a short thank-you note to {n} for the birthday gift she sent me last week, mentioning the {g}."
A = ("Dear {n}, thank you so much for the lovely {g} you sent last week. It made my day and I will think "
     "of you every time I use it. With love.")


def chat(n="Maria", g="scarf"):
    return json.dumps({"messages": [{"role": "user", "content": U.format(n=n, g=g)},
                                    {"role": "assistant", "content": A.format(n=n, g=g)}]})


OTHERS = [("How do I reverse a list in Python?", "Use reversed(items) or items[::-1]."),
          ("What causes the seasons on Earth?", "The tilt of Earth's axis relative to its orbit."),
          ("Suggest a name for a bakery.", "How about 'Crumb & Co.'?"),
          ("Summarize the plot of Hamlet briefly.", "A Danish prince avenges his father's murder, at a great cost.")]


def other(k):
    u, a = OTHERS[k]
    return json.dumps({"messages": [{"role": "user", "content": u}, {"role": "assistant", "content": a}]})


def test_leakage_across_train_and_validation_files(tmp_path):
    train, valid = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    train.write_text("\n".join([chat(), other(1), chat("Anna", "book")]) + "\n")
    valid.write_text("\n".join([other(2), chat(), chat("Olga", "book"), other(3)]) + "\n")
    settings = settings_for(["JL301", "JL303", "JL304"], validation=[str(valid)])
    diags = Engine(settings).run([str(train), str(valid)]).diagnostics
    leaks = [d for d in diags if d.code == "JL304"]
    assert [(d.filename, d.location.line) for d in leaks] == [(str(valid), 2), (str(valid), 3)]
    assert all(d.severity.value == "error" for d in leaks)
    assert "exact duplicate of the train record at line 1 of train.jsonl" in leaks[0].message
    assert "near duplicate" in leaks[1].message and leaks[1].related[0].location.line == 3
    # within-split rules leave cross-split pairs to the leakage rule; each split has its own near pair
    assert [(d.code, d.filename, d.location.line) for d in diags if d.code != "JL304"] == [
        ("JL303", str(train), 3), ("JL303", str(valid), 3)]


def test_no_leakage_rule_work_without_a_split(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join([chat(), chat()]) + "\n")
    assert not Engine(settings_for(["JL304"])).run([str(path)]).diagnostics


def test_formats_through_the_normalized_view():
    near_alpaca = [json.dumps({"instruction": U.format(n=n, g="scarf"), "input": "", "output": A.format(n=n, g="scarf")})
                   for n in ("Maria", "Anna")]
    near_sharegpt = [json.dumps({"conversations": [{"from": "human", "value": U.format(n=n, g="vase")},
                                                   {"from": "gpt", "value": A.format(n=n, g="vase")}]})
                     for n in ("Maria", "Anna")]
    near_pc = [json.dumps({"prompt": U.format(n=n, g="pen"), "completion": A.format(n=n, g="pen")})
               for n in ("Maria", "Anna")]
    for rows, filename in ((near_alpaca, "data.jsonl"), (near_sharegpt, "data.jsonl"), (near_pc, "data.jsonl")):
        diags = lint("\n".join(rows + [other(1)]) + "\n", select=["JL303"], filename=filename)
        assert [d.location.line for d in diags] == [2], rows
    array = "[\n" + ",\n".join(near_alpaca) + "\n]\n"
    diags = lint(array, select=["JL303"], filename="data.json")
    assert [d.location.line for d in diags] == [3]


def test_fix_deletes_the_later_copy():
    diags = lint("\n".join([chat(), chat("Anna")]) + "\n", select=["JL303"])
    (d,) = diags
    assert d.fix.applicability.value == "unsafe"
    (edit,) = d.fix.record_edits
    assert edit.delete_record and edit.start == 0 and edit.end == len(chat("Anna"))


def test_conflicting_answers_on_preference_data_use_the_chosen_answer():
    rows = [json.dumps({"prompt": "Capital of Australia?", "chosen": "Canberra.", "rejected": "Sydney."}),
            json.dumps({"prompt": "Capital of Australia?", "chosen": "Sydney.", "rejected": "Canberra."})]
    (d,) = lint("\n".join(rows) + "\n", select=["JL302"])
    assert d.location.line == 2 and "'Sydney.' here, 'Canberra.' there" in d.message


def test_hashes_are_stable_and_case_insensitive():
    a, _ = word_hashes(["The Cat sat"])
    b, _ = word_hashes(["the cat SAT!"])
    assert a.tolist() == b.tolist()
    # fixed values: the same in every process and run (Python's hash() is salted)
    assert int(word_hashes(["cat"])[0][0]) == int(word_hashes(["dog cat"])[0][1])
    assert word_bytes("Héllo, wörld_1!") == ["héllo".encode(), "wörld_1".encode()]
    # a lone surrogate is a word character; the Kelvin sign lowercases to ASCII; NBSP is one too
    assert word_bytes("a\ud800b \u212a\u00a0x") == [b"a\xed\xa0\x80b", b"k\xc2\xa0x"]


def test_word_counts_match_the_compared_words():
    texts = ["", "a", "Ünïcode   text — here", "x\ny", "İstanbul"]
    _, counts = word_hashes(texts)
    assert counts.tolist() == [len(word_bytes(t)) for t in texts]


def test_candidates_are_sub_quadratic_for_one_huge_cluster():
    # 3,000 identical signatures: the bucket gives a star and a chain, not 4.5M pairs.
    wh, counts = word_hashes(["same words in every record here"] * 3000)
    sh, sc = shingle_hashes(wh, counts, 3)
    sig = oph_signatures(sh, np.repeat(np.arange(3000), sc), 3000, 64)
    pairs = candidate_pairs(sig, 16, 4)
    assert len(pairs) < 3 * 3000


def test_state_pickles_for_workers_and_splits_by_band_key():
    from jsonl_lint.backends import Backend
    from jsonl_lint.similarity.near import NearConfig, NearState, merge_heads, reduce_band_entries
    from jsonl_lint.reader import read_records
    import io

    state = NearState(NearConfig())
    data = ("\n".join([chat(), chat("Anna"), other(1)]) + "\n").encode()
    for r in read_records(io.BytesIO(data), "x.jsonl"):
        state.add(r, "train")
    clone = pickle.loads(pickle.dumps(state))
    head, pieces = clone.partition(3, keep_texts=True)
    merged, cand = merge_heads([head], [reduce_band_entries([p]) for p in pieces])
    assert [(p.first, p.second) for p in merged.pairs(cand, Backend())] == [(0, 1)]


def test_reducing_band_by_band_gives_the_pairs_of_all_entries_at_once():
    from jsonl_lint.similarity.minhash import band_entries, bucket_pairs
    from jsonl_lint.similarity.near import reduce_band_entries

    rng = np.random.default_rng(7)
    pieces = []
    for t in range(3):  # keys drawn from a small set: buckets of every size, across tasks
        keys = rng.integers(0, 100, size=(500, 16)).astype(np.uint64)
        pieces.append(band_entries(keys, np.arange(500, dtype=np.uint32)))
    ids = np.concatenate([p[2].astype(np.int64) | (np.int64(t) << np.int64(32)) for t, p in enumerate(pieces)])
    whole = bucket_pairs(np.concatenate([p[0] for p in pieces]), np.concatenate([p[1] for p in pieces]), ids)
    assert len(whole) and np.array_equal(reduce_band_entries(pieces), whole)


def test_unique_pairs_of_small_and_wide_ids():
    # Ids in 31 bits are deduplicated as one packed key a pair, wider ones row by row:
    # both give the distinct pairs, each (smaller, larger), in order.
    from jsonl_lint.similarity.minhash import unique_pairs

    rng = np.random.default_rng(3)
    pairs = rng.integers(0, 60, size=(3000, 2))
    for shift in (0, (1 << 31) - 60, 1 << 40):
        p = pairs + shift
        want = sorted({(min(a, b), max(a, b)) for a, b in p.tolist()})
        assert [tuple(x) for x in unique_pairs([p, p[::7, ::-1]]).tolist()] == want


def test_reducing_band_entries_with_a_task_that_has_none():
    # A task without entries in this partition (an empty piece) between two others: the
    # pairs still name each row as task << 32 | row.
    from jsonl_lint.similarity.minhash import band_entries
    from jsonl_lint.similarity.near import reduce_band_entries

    keys = np.arange(3 * 16, dtype=np.uint64).reshape(3, 16)  # three rows, every band key distinct
    first = band_entries(keys, np.array([0, 1, 2], dtype=np.uint32))
    empty = band_entries(keys[:0], np.zeros(0, dtype=np.uint32))
    last = band_entries(keys[[2, 0]], np.array([4, 7], dtype=np.uint32))  # the same keys again
    pairs = reduce_band_entries([first, empty, last])
    assert pairs.tolist() == [[0, (2 << 32) | 7], [2, (2 << 32) | 4]]
