"""`stats` and `report`: numbers, labels, JSON per-example counts, self-contained HTML."""

from __future__ import annotations

import json
import random
import re
from io import StringIO

import pytest

from jsonl_lint.cli import main
from jsonl_lint.tokens import default_epochs, estimate_cost
from jsonl_lint.tokens.dataset import collect, percentiles


@pytest.mark.parametrize("n,epochs", [(1, 25), (3, 25), (10, 10), (33, 3), (34, 3), (100, 3), (8333, 3),
                                      (8334, 2), (20000, 1), (100000, 1)])
def test_default_epochs_heuristic(n, epochs):
    assert default_epochs(n) == epochs


def test_cost_uses_table_or_config_price():
    est = estimate_cost(1_000_000, 100, "gpt-4o-mini-2024-07-18")
    assert est.epochs == 3 and est.billed_tokens == 3_000_000 and est.cost == pytest.approx(9.0)
    assert est.price_table_date and "openai.com" in est.price_table_source
    over = estimate_cost(1_000_000, 100, "gpt-4o-mini", prices={"gpt-4o-mini": 1.0}, epochs=2)
    assert over.cost == pytest.approx(2.0) and over.price_source == "config 'prices'"
    assert estimate_cost(10, 1, "llama-3.1-8b").cost is None


def test_percentiles_are_nearest_rank_values():
    values = list(range(1, 101))
    assert percentiles(values) == {"min": 1, "p5": 5, "p50": 50, "p95": 95, "max": 100}
    assert percentiles([7]) == {"min": 7, "p5": 7, "p50": 7, "p95": 7, "max": 7}
    # the cookbook's "p5 / p95" line computes p10/p90; ours are what they say
    assert percentiles(list(range(1, 21)))["p5"] == 1 and percentiles(list(range(1, 21)))["p95"] == 19


def _dataset(path, n, seed=1):
    rng = random.Random(seed)
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda".split()
    with open(path, "w") as f:
        for i in range(n):
            msgs = []
            if i % 3:
                msgs.append({"role": "system", "content": "You are a careful assistant."})
            msgs.append({"role": "user", "content": " ".join(rng.choices(words, k=rng.randint(1, 30)))})
            msgs.append({"role": "assistant", "content": " ".join(rng.choices(words, k=rng.randint(1, 200)))})
            f.write(json.dumps({"messages": msgs}) + "\n")
        f.write("not json\n")
    return path


def test_stats_json_has_per_example_counts_and_consistent_totals(tmp_path):
    data = _dataset(tmp_path / "train.jsonl", 60)
    out, err = StringIO(), StringIO()
    assert main(["stats", "--isolated", str(data), "--output-format", "json"], out, err) == 0
    d = json.loads(out.getvalue())
    assert d["examples"] == 60 and d["records"] == 61 and d["files"][0]["invalid"] == 1
    assert d["examples_with_system"] == 40 and d["examples_without_system"] == 20
    per = d["per_example"]
    assert [e["line"] for e in per] == list(range(1, 61))
    assert sum(e["total"] for e in per) == d["total_tokens"] and sum(e["trained"] for e in per) == d["trained_tokens"]
    assert d["tokens_per_example"]["max"] == max(e["total"] for e in per)
    assert d["cost"]["epochs"] == 3 and d["cost"]["billed_tokens"] == 3 * d["total_tokens"]
    assert d["cost"]["estimated_cost_usd"] == pytest.approx(d["cost"]["billed_tokens"] * 3.0 / 1e6)


def test_stats_full_output_labels(tmp_path):
    data = _dataset(tmp_path / "train.jsonl", 20)
    out = StringIO()
    assert main(["stats", "--isolated", "--model", "gpt-3.5-turbo-0613", str(data)], out, StringIO()) == 0
    text = out.getvalue()
    for label in ("min", "p5", "p50", "p95", "max", "nearest rank", "Epochs", "cookbook heuristic", "Estimated cost",
                  "sources in docs/tokens.md", "4,096 tokens per example", "cl100k_base"):
        assert label in text, label


def test_parallel_stats_equal_serial(tmp_path):
    from helpers import settings_for

    data = _dataset(tmp_path / "train.jsonl", 300, seed=7)
    settings = settings_for()
    serial = collect([str(data)], settings, jobs=1).as_dict()
    parallel = collect([str(data)], settings, jobs=2).as_dict()
    assert serial == parallel


def test_validation_files_are_not_billed(tmp_path):
    train = _dataset(tmp_path / "train.jsonl", 10)
    valid = _dataset(tmp_path / "valid.jsonl", 10, seed=2)
    out = StringIO()
    assert main(["stats", "--isolated", str(train), "--validation", str(valid), "--output-format", "json"], out,
                StringIO()) == 0
    d = json.loads(out.getvalue())
    train_total = sum(e["total"] for e in d["per_example"] if e["file"] == str(train))
    assert d["examples"] == 20 and d["cost"]["examples"] == 10
    assert d["cost"]["billed_tokens_per_epoch"] == train_total


def test_report_is_self_contained(tmp_path):
    data = _dataset(tmp_path / "train.jsonl", 40)
    page = tmp_path / "r.html"
    err = StringIO()
    assert main(["report", "--isolated", "--model", "gpt-3.5-turbo-0613", str(data), "-o", str(page)],
                StringIO(), err) == 0
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "limit 4,096" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import", html, re.I)
    assert "Findings per rule" in html and "Longest examples" in html and "Estimated cost" in html
    assert "JL001 invalid-json" in html  # the bad line shows up among the findings


def test_report_marks_an_overrun_in_the_longest_examples(tmp_path):
    p = tmp_path / "train.jsonl"
    long = {"messages": [{"role": "user", "content": "Repeat"}, {"role": "assistant", "content": "word " * 5000}]}
    short = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
    p.write_text(json.dumps(short) + "\n" + json.dumps(long) + "\n")
    page = tmp_path / "r.html"
    assert main(["report", "--isolated", "--model", "gpt-3.5-turbo-0613", str(p), "-o", str(page)],
                StringIO(), StringIO()) == 0
    html = page.read_text()
    assert "JL601 example-over-token-limit" in html
    assert re.search(r"train\.jsonl:2</code></td><td class=\"n\">5,0\d\d</td>", html)


def test_check_parallel_equals_serial_for_token_rules(tmp_path):
    from helpers import settings_for
    from jsonl_lint.engine import Engine

    p = tmp_path / "train.jsonl"
    rows = []
    for i in range(400):
        words = "word " * (5 + (i * 37) % 120)
        weight = ', "weight": 0' if i % 50 == 0 else ""
        rows.append('{"messages": [{"role": "user", "content": "Repeat"}, '
                    f'{{"role": "assistant", "content": "{words.strip()}"{weight}}}]}}')
    p.write_text("\n".join(rows) + "\n")
    settings = settings_for(["JL6"], rules={"example-over-token-limit": {"limit": 100},
                                            "dataset-over-budget": {"max-tokens": 1000}})
    serial = Engine(settings).run([str(p)], jobs=1).diagnostics
    parallel = Engine(settings).run([str(p)], jobs=2).diagnostics
    key = lambda d: (d.code, d.location.line, d.location.column, d.message)  # noqa: E731
    assert [key(d) for d in serial] == [key(d) for d in parallel]
    codes = {d.code for d in serial}
    assert {"JL601", "JL602", "JL603", "JL606"} <= codes


def test_check_with_a_missing_tokenizer_is_a_config_error(tmp_path):
    p = tmp_path / "train.jsonl"
    p.write_text('{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}\n')
    err = StringIO()
    assert main(["check", "--isolated", "--tokenizer", str(tmp_path / "none.json"), str(p)], StringIO(), err) == 2
    assert "not found" in err.getvalue()


def test_no_examples_reports_no_percentiles(tmp_path):
    p = tmp_path / "train.jsonl"
    p.write_text("{'messages': []}\nplain text\n")
    out = StringIO()
    assert main(["stats", "--isolated", str(p), "--output-format", "json"], out, StringIO()) == 0
    d = json.loads(out.getvalue())
    assert d["examples"] == 0 and d["tokens_per_example"] == {k: None for k in ("min", "p5", "p50", "p95", "max")}
    page = tmp_path / "r.html"
    assert main(["report", "--isolated", str(p), "-o", str(page)], StringIO(), StringIO()) == 0
    assert "no examples" in page.read_text()
