"""`jsonl-lint targets`: the compatibility matrix, and docs/targets.md kept current."""

from __future__ import annotations

import io
import json

from helpers import REPO
from jsonl_lint.cli import main


def run(*argv) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, err=io.StringIO())
    return code, out.getvalue()


def rows(path, *targets) -> dict[str, dict]:
    code, text = run("targets", str(path), "--isolated", "--output-format", "json", "--target", ",".join(targets))
    assert code == 0
    return {r["target"]: r for r in json.loads(text)["targets"]}


def write(tmp_path, lines):
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return path


def chat(i, *extra):
    return {"messages": [{"role": "user", "content": f"Question {i}?"}, *extra,
                         {"role": "assistant", "content": f"Answer {i}."}]}


def test_verdicts_ready_needs_changes_and_not_possible(tmp_path):
    data = [chat(i) for i in range(12)] + [chat(99, {"role": "user", "content": "More?"})]
    r = rows(write(tmp_path, data), "openai", "together", "bedrock-nova", "trl")
    assert r["openai"]["verdict"] == "ready" and r["openai"]["status"] == "deprecated"
    assert r["together"]["verdict"] == "needs changes" and r["together"]["errors_by_requirement"] == {"roles": 1}
    assert r["bedrock-nova"]["verdict"] == "needs changes"  # its own shape: every record needs converting
    assert r["trl"]["verdict"] == "ready"
    few = rows(write(tmp_path, [chat(i) for i in range(5)]), "openai", "fireworks")
    assert few["openai"]["verdict"] == "not possible" and few["fireworks"]["verdict"] == "ready"


def test_row_fields_cost_and_limits(tmp_path):
    r = rows(write(tmp_path, [chat(i) for i in range(20)]), "openai", "fireworks", "trl")
    assert r["openai"]["estimated_cost_usd"] > 0 and r["openai"]["price_per_million"] == 3.0
    assert r["fireworks"]["price_per_million"] == 0.5 and r["fireworks"]["epochs"] == 1
    assert r["trl"]["estimated_cost_usd"] is None and r["trl"]["limit"] == 1024 and r["trl"]["tokenizer"] == "llama3"
    assert r["openai"]["examples"] == 20 and r["openai"]["billed_tokens"] > 0
    assert all(row["hint"] for row in r.values())


def test_every_target_by_default_and_text_output(tmp_path):
    path = write(tmp_path, [chat(i) for i in range(12)])
    code, text = run("targets", str(path), "--isolated")
    assert code == 0
    from jsonl_lint.targets import profile_names

    for name in profile_names():
        assert f"\n{name} " in text and f"\n{name}: " in text
    code, text = run("targets", "--list", "--isolated")
    assert "closes 2027-01-06" in text


def test_over_limit_counts_per_target(tmp_path):
    long = {"messages": [{"role": "user", "content": "Story?"},
                         {"role": "assistant", "content": "Once upon a time. " * 300}]}
    r = rows(write(tmp_path, [long] + [chat(i) for i in range(11)]), "trl", "openai", "llama-factory")
    assert r["trl"]["over_limit"] == 1 and r["openai"]["over_limit"] == 0 and r["llama-factory"]["over_limit"] == 0


def test_committed_targets_doc_is_current():
    from jsonl_lint.targets.docs import targets_markdown

    assert (REPO / "docs" / "targets.md").read_text(encoding="utf-8") == targets_markdown(), \
        "regenerate with `python -m jsonl_lint.targets.docs`"


def test_html_report_has_the_targets_table(tmp_path):
    path = write(tmp_path, [chat(i) for i in range(12)] + [chat(99, {"role": "user", "content": "More?"})])
    out = tmp_path / "r.html"
    code, _ = run("report", str(path), "--isolated", "--target", "together,openai", "-o", str(out))
    page = out.read_text()
    assert code == 0 and "<h2>Targets</h2>" in page
    assert ">together</b>" in page and "needs changes" in page and "roles 1" in page
    code, _ = run("report", str(path), "--isolated", "-o", str(out))
    assert "<h2>Targets</h2>" not in out.read_text()
