"""bench/precision.py: the repeatable audit keeps its judgements and asks only for new findings."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys

from helpers import REPO

spec = importlib.util.spec_from_file_location("precision_bench", REPO / "bench" / "precision.py")
bench = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = bench  # dataclasses look their module up
spec.loader.exec_module(bench)


def placeholder_records(n: int, start: int = 0) -> list[dict]:
    return [{"instruction": f"Write line {i}.", "input": "No input", "output": f"Line {i} is here."}
            for i in range(start, start + n)]


def make_corpora(root, extra: int = 0):
    (root / "a").mkdir(parents=True, exist_ok=True)
    (root / "a" / "alpaca.json").write_text(json.dumps(placeholder_records(20 + extra)))
    with gzip.open(root / "b.jsonl.gz", "wt") as f:  # read from a gunzipped copy
        for i in range(3):
            f.write(json.dumps({"messages": [{"role": "user", "content": f"Q{i}"},
                                             {"role": "assistant", "content": ""}]}) + "\n")
    return root


def test_sample_is_fixed_by_the_seed_and_stable_when_other_findings_go():
    findings = [bench.Finding(f"k{i}", "JL802", "f", i, 1, "", "m", "warning") for i in range(30)]
    first = bench.sample(findings, "s1", 8)
    assert len(first) == 8 and first == bench.sample(list(findings), "s1", 8)
    assert first != bench.sample(findings, "s2", 8)
    rest = [f for f in findings if f not in first]
    assert bench.sample([f for f in findings if f is not rest[0]], "s1", 8) == first
    grown = bench.sample(findings + [bench.Finding("new", "JL802", "f", 99, 1, "", "m", "warning")], "s1", 8)
    assert len(set(f.key for f in grown) - set(f.key for f in first)) <= 1


def test_rerun_keeps_judgements_asks_for_new_findings_and_marks_gone_ones(tmp_path):
    corpora = make_corpora(tmp_path / "corpora")
    run = bench.run_corpora(corpora, tmp_path / "work", log=lambda m: None)
    assert run.files == ["a/alpaca.json", "b.jsonl"]
    assert len(run.findings["JL802"]) == 20 and len(run.findings["JL801"]) == 3
    audit = bench.reconcile(run, [], "seed", 8)
    assert len(audit.samples["JL802"]) == 8 and len(audit.samples["JL801"]) == 3
    assert len(audit.new) == sum(len(s) for s in audit.samples.values())
    path = tmp_path / "judgements.jsonl"
    bench.write_judgements(path, audit.judgements)
    rows = bench.load_judgements(path)
    assert all(r["verdict"] is None for r in rows)
    for r in rows:  # the reader fills in verdicts and reasons
        r["verdict"], r["reason"] = ("TP", "a placeholder input") if r["rule"] == "JL802" else ("TP", "empty answer")
    stale = {"key": "never-read", "rule": "JL802", "file": "a/alpaca.json", "line": 1, "column": 1, "pointer": "",
             "message": "m", "verdict": None, "reason": ""}
    path.write_text("".join(json.dumps(r) + "\n" for r in rows + [stale]))

    # The dataset changes: the first records' findings go, new ones arrive.
    (corpora / "a" / "alpaca.json").write_text(json.dumps(placeholder_records(24, start=4)))
    run2 = bench.run_corpora(corpora, tmp_path / "work2", log=lambda m: None)
    audit2 = bench.reconcile(run2, bench.load_judgements(path), "seed", 8)
    kept = [f for f in audit2.samples["JL802"] if audit2.judgements[f.key]["verdict"] == "TP"]
    new = [f for f in audit2.new if f.rule == "JL802"]
    assert len(kept) + len(new) == 8 and len(new) <= 4  # only findings new in the sample need a reading
    gone = {r["key"] for r in audit2.gone}
    assert gone and all(audit2.judgements[k]["gone"] and audit2.judgements[k]["verdict"] for k in gone)
    assert not any(f.key in gone for fs in run2.findings.values() for f in fs)
    assert "never-read" not in audit2.judgements  # an unread entry whose finding went is dropped

    rows2 = bench.table(run2, audit2)
    doc = bench.render(run2, audit2, rows2, "seed", 8)
    jl801 = next(r for r in rows2 if r.code == "JL801")
    assert jl801.true_share == 1.0 and jl801.fired == 3 and jl801.files == 1
    assert "| JL801 | `empty-answer` | default | error | 3 (1) | 3 | 3 | 0 | 0 | 1.00 |" in doc
    failing = next(l for l in doc.splitlines() if l.startswith("- `b.jsonl`: "))  # a default run fails it
    assert "JL801 × 3 (sampled here: TP 3)" in failing


def test_a_verdict_needs_a_known_value_and_a_reason(tmp_path):
    import pytest

    path = tmp_path / "j.jsonl"
    path.write_text(json.dumps({"key": "k", "rule": "JL001", "verdict": "maybe", "reason": "x"}) + "\n")
    with pytest.raises(SystemExit, match="verdict must be one of"):
        bench.load_judgements(path)
    path.write_text(json.dumps({"key": "k", "rule": "JL001", "verdict": "FP", "reason": " "}) + "\n")
    with pytest.raises(SystemExit, match="needs a one-line reason"):
        bench.load_judgements(path)


def test_a_rerun_keeps_the_hand_written_part_of_the_doc(tmp_path):
    doc = tmp_path / "precision.md"
    doc.write_text(f"# old table\n\n{bench.KEPT_HEADING}\n\n| rule | pattern | test |\n")
    bench.write_doc(doc, "# new table\n")
    assert doc.read_text() == f"# new table\n\n{bench.KEPT_HEADING}\n\n| rule | pattern | test |\n"


def test_every_regression_test_named_in_docs_precision_exists():
    """The pattern -> test table of docs/precision.md names tests that exist: a function
    (`path.py::name`) or a case of a case file (`path.yml: name`)."""
    import re

    import yaml

    text = (REPO / "docs" / "precision.md").read_text(encoding="utf-8")
    section = text[text.index(bench.KEPT_HEADING):]
    refs = re.findall(r"`((?:tests|rules)/[^`]+?\.(?:py::\w+|yml: [^`]+))`", section)
    assert len(refs) >= 50, refs
    for ref in refs:
        if ".py::" in ref:
            path, name = ref.split("::")
            assert re.search(rf"^def {name}\(", (REPO / path).read_text(encoding="utf-8"), re.M), ref
        else:
            path, name = ref.split(".yml: ", 1)
            cases = yaml.safe_load((REPO / (path + ".yml")).read_text(encoding="utf-8"))["cases"]
            assert name in [c.get("name") for c in cases], ref
