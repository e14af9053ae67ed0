"""The precision audit's smaller points: stats flags and wording, the report's first
findings, and --diff on a one-line JSON array."""

from __future__ import annotations

import json
import re
from io import StringIO

from jsonl_lint.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def chat(i: int) -> dict:
    return {"messages": [{"role": "user", "content": f"Question number {i}?"},
                         {"role": "assistant", "content": f"Answer number {i}, in a few words."}]}


def pair(i: int) -> dict:
    return {"conversations": [{"from": "human", "value": f"Say something about topic {i}."}],
            "chosen": {"from": "gpt", "value": f"A careful answer about topic {i}, with detail. " * 3},
            "rejected": {"from": "gpt", "value": f"A poor answer about topic {i}. " * 3}}


def write_jsonl(path, records) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def test_stats_accepts_the_dataset_flags_check_accepts(tmp_path):
    data = write_jsonl(tmp_path / "train.jsonl", [chat(i) for i in range(12)])
    code, out, err = run("stats", "--isolated", "--no-progress", "--preview", data)
    assert code == 0 and "Examples        12" in out and err == ""
    target = tmp_path / "stats.json"
    code, out, _ = run("stats", "--isolated", "--no-progress", "--output-format", "json", "-o", str(target), data)
    assert code == 0 and out == "" and json.loads(target.read_text())["examples"] == 12
    assert run("report", "--isolated", "--no-progress", data, "-o", str(tmp_path / "r.html"))[0] == 0


def test_preference_stats_explain_trained_above_total(tmp_path):
    data = write_jsonl(tmp_path / "prefs.jsonl", [pair(i) for i in range(12)])
    _, out, _ = run("stats", "--isolated", "--no-progress", data)
    total = int(re.search(r"Total tokens\s+([\d,]+)", out).group(1).replace(",", ""))
    trained = int(re.search(r"Trained tokens\s+([\d,]+)", out).group(1).replace(",", ""))
    assert trained > total  # both answers are trained; the total is the longest sequence
    assert "trained counts both answers, so it can be the larger of the two" in out
    plain = write_jsonl(tmp_path / "chat.jsonl", [chat(i) for i in range(12)])
    assert "both answers" not in run("stats", "--isolated", "--no-progress", plain)[1]


def test_stats_lines_are_short_and_the_price_sources_stay_in_json(tmp_path):
    data = write_jsonl(tmp_path / "train.jsonl", [chat(i) for i in range(12)])
    _, out, _ = run("stats", "--isolated", "--no-progress", data)
    price = next(l for l in out.splitlines() if l.startswith("Estimated cost"))
    assert len(price) < 100 and "sources in docs/tokens.md" in out
    assert "brainwires" not in out and not re.search(r"\([^()]*\(", out)  # no nested parentheses
    _, out, _ = run("stats", "--isolated", "--no-progress", "--output-format", "json", data)
    assert "openai.com/api/pricing" in json.loads(out)["cost"]["price_table_source"]


def test_report_first_findings_cover_rules_and_records_before_repeats(tmp_path):
    from jsonl_lint.report import headline_findings
    from helpers import lint

    # One record with five wrongly cased roles (five JL104 errors), then duplicated records
    # (JL301 warnings): sorted by severity alone, the five errors of one record came first.
    bad = {"messages": [{"role": r, "content": f"turn {k}"} for k, r in
                        enumerate(["User", "Assistant", "User", "Assistant", "User", "assistant"])]}
    records = [bad] + [chat(i % 4) for i in range(12)]
    found = lint("".join(json.dumps(r) + "\n" for r in records), select=["JL104", "JL301"])
    assert sum(d.code == "JL104" for d in found) == 5 and sum(d.code == "JL301" for d in found) == 8
    top = headline_findings(found, limit=6)
    assert [d.code for d in top[:2]] == ["JL104", "JL301"]  # one per rule first, errors first
    lines = [d.location.line for d in top]
    assert len(set(lines)) == len(lines)  # no record twice while others have findings
    assert len(top) == 6


def test_diff_of_a_one_line_json_array_shows_the_changed_items_only(tmp_path):
    records = [{"instruction": f"Write sentence {i}.", "input": "", "output": f"This is sentence {i}."}
               for i in range(400)]
    for i in (7, 250):
        records[i]["input"] = "No input"
    path = tmp_path / "alpaca.json"
    path.write_text(json.dumps(records))
    size = path.stat().st_size
    code, out, _ = run("check", "--isolated", "--select", "JL802", "--diff", str(path))
    assert code == 1 and path.stat().st_size == size  # --diff writes nothing
    assert len(out) < size / 10
    assert "~ item 8 of 400\n" in out and "~ item 251 of 400\n" in out
    removed = [l for l in out.splitlines() if l.startswith("-") and not l.startswith("---")]
    added = [l for l in out.splitlines() if l.startswith("+") and not l.startswith("+++")]
    assert removed == ['- {"instruction": "Write sentence 7.", "input": "No input", "output": "This is sentence 7."},',
                       '- {"instruction": "Write sentence 250.", "input": "No input", "output": "This is sentence 250."},']
    assert added == [l.replace('"No input"', '""').replace("-", "+", 1) for l in removed]
