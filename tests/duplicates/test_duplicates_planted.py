"""Recall and precision on generated data with planted exact and near duplicates."""

from __future__ import annotations


import pytest

from helpers import lint, settings_for
from planted import generate, score
from jsonl_lint.engine import Engine


def flagged(diagnostics) -> dict[int, int]:
    """{0-based copy index: 0-based index of the record it points at} from JL301/JL303."""
    out = {}
    for d in diagnostics:
        if d.code in ("JL301", "JL303"):
            out[d.location.line - 1] = d.related[0].location.line - 1
    return out


@pytest.mark.parametrize("seed", [3, 11])
def test_recall_and_precision_on_planted_duplicates(seed):
    planted = generate(2500, seed=seed)
    diags = lint("\n".join(planted.lines) + "\n", select=["JL301", "JL303"])
    result = score(planted, flagged(diags))
    assert result["planted"] > 200
    assert result["recall"] >= 0.95, result
    assert result["precision"] >= 0.95, result
    for kind, recall in result["by_kind"].items():
        assert recall >= 0.85, (kind, result)


def test_shared_preamble_alone_is_not_similarity():
    # Every prompt starts with the same long preamble; the rest differs.
    planted = generate(600, seed=5, dup_rate=0.0, preamble_share=1.0, user_words=3, assistant_words=3)
    diags = lint("\n".join(planted.lines) + "\n", select=["JL303"])
    assert not diags, diags[:3]


def test_same_preamble_with_boilerplate_filter_off_is_reported():
    # The same data with the filter effectively off: the shared preamble makes
    # records near duplicates, which is what the filter exists to prevent.
    planted = generate(600, seed=5, dup_rate=0.0, preamble_share=1.0, user_words=3, assistant_words=3)
    diags = lint("\n".join(planted.lines) + "\n", select=["JL303"], rule="JL303",
                 options={"boilerplate-df": 1.0, "boilerplate-min": 100000})
    assert len(diags) > 100


def test_state_merges_across_workers(tmp_path):
    """The same findings from a serial run and a two-process run over byte ranges."""
    planted = generate(3000, seed=9)
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(planted.lines) + "\n", encoding="utf-8")
    settings = settings_for(["JL201", "JL202", "JL203", "JL301", "JL302", "JL303"])
    serial = Engine(settings).run([str(path)], jobs=1).diagnostics
    parallel = Engine(settings).run([str(path)], jobs=2).diagnostics
    key = lambda d: (d.code, d.location.line, d.message, tuple(r.location.line for r in d.related))
    assert sorted(map(key, serial)) == sorted(map(key, parallel))
    assert sum(d.code == "JL303" for d in serial) > 100
    result = score(planted, flagged(parallel))
    assert result["recall"] >= 0.95 and result["precision"] >= 0.95, result


def test_several_files_one_dataset(tmp_path):
    planted = generate(400, seed=13)
    a, b = tmp_path / "part-a.jsonl", tmp_path / "part-b.jsonl"
    a.write_text("\n".join(planted.lines[:200]) + "\n", encoding="utf-8")
    b.write_text("\n".join(planted.lines[200:]) + "\n", encoding="utf-8")
    settings = settings_for(["JL301", "JL303"])
    diags = Engine(settings).run([str(a), str(b)]).diagnostics
    cross = [d for d in diags if d.filename == str(b) and d.related[0].filename == str(a)]
    assert cross, "copies in part-b of records in part-a are found"
    assert all("of part-a.jsonl" in d.message for d in cross)
    found = {}
    for d in diags:
        off = 200 if d.filename == str(b) else 0
        roff = 200 if d.related[0].filename == str(b) else 0
        found[d.location.line - 1 + off] = d.related[0].location.line - 1 + roff
    result = score(planted, found)
    assert result["recall"] >= 0.95 and result["precision"] >= 0.95, result
