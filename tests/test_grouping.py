"""One defect, one finding: identical findings are grouped in the human outputs only."""

from __future__ import annotations

import io
import json

from jsonl_lint.cli import main

REPR = "{'messages': [{'role': 'user', 'content': 'hi %d'}]}"
GOOD = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello %d"}]}'


def chat(opener_turn: int, opener: str, i: int) -> str:
    """A chat whose assistant turn number ``opener_turn`` (1 or 3) opens with ``opener``."""
    turns = [("user", f"Question {i}?"), ("assistant", f"Answer {i}."), ("user", f"And {i}?"),
             ("assistant", f"More {i}.")]
    role, text = turns[opener_turn]
    turns[opener_turn] = (role, f"{opener} the answer {i}.")
    return json.dumps({"messages": [{"role": r, "content": c} for r, c in turns]})


def run(tmp_path, text: str, *args: str, name: str = "train.jsonl") -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(text)
    out = io.StringIO()
    code = main(["check", "--isolated", "--no-progress", *args, str(path)], out=out, err=io.StringIO())
    return code, out.getvalue()


def broken_file(n: int = 10) -> str:
    return "\n".join([GOOD % 0] + [REPR % i for i in range(n)]) + "\n"


def test_full_output_shows_a_repeated_finding_once_with_the_count_and_lines(tmp_path):
    code, out = run(tmp_path, broken_file(), "--select", "JL001")
    assert code == 1
    assert out.count("JL001 [error]") == 1
    assert "train.jsonl:2:2: JL001 [error] invalid JSON" in out  # the first occurrence, in full
    assert "  = and 9 more like this: lines 3, 4, 5, 6, 7, …\n" in out
    assert "Found 10 errors in 1 file" in out  # the summary still counts every finding
    assert "9 identical findings grouped under their first occurrence (--no-group lists each)." in out


def test_concise_output_groups_and_no_group_lists_each(tmp_path):
    _, out = run(tmp_path, broken_file(), "--select", "JL001", "--output-format", "concise")
    lines = [l for l in out.splitlines() if "JL001" in l]
    assert len(lines) == 1 and lines[0].endswith("(and 9 more like this: lines 3, 4, 5, 6, 7, …)")
    _, out = run(tmp_path, broken_file(), "--select", "JL001", "--output-format", "concise", "--no-group")
    assert sum("JL001" in l for l in out.splitlines()) == 10 and "grouped" not in out


def test_machine_formats_keep_every_finding(tmp_path):
    _, out = run(tmp_path, broken_file(), "--select", "JL001", "--output-format", "json")
    found = json.loads(out)
    assert len(found) == 10 and not any("more like this" in d["message"] for d in found)
    _, out = run(tmp_path, broken_file(), "--select", "JL001", "--output-format", "json-lines")
    assert len(out.splitlines()) == 10
    _, out = run(tmp_path, broken_file(), "--select", "JL001", "--output-format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert len(results) == 10 and not any("more like this" in r["message"]["text"] for r in results)


def test_github_annotations_spend_the_cap_on_distinct_findings(tmp_path):
    _, out = run(tmp_path, broken_file(), "--select", "JL001", "--output-format", "github")
    annotations = [l for l in out.splitlines() if l.startswith("::error")]
    assert len(annotations) == 1 and "(and 9 more like this: lines 3, 4, 5, 6, 7, …)" in annotations[0]


def test_two_identical_findings_are_both_shown(tmp_path):
    _, out = run(tmp_path, broken_file(2), "--select", "JL001", "--output-format", "concise")
    assert sum("JL001" in l for l in out.splitlines()) == 2 and "more like this" not in out


def test_identical_means_same_message_apart_from_pointer_indices(tmp_path):
    # The same phrase in turn 1 of some records and turn 3 of others is one defect; a
    # different phrase is another, even when it occurs as often.
    records = ([chat(1, "As an AI language model,", i) for i in range(3)]
               + [chat(3, "As an AI language model,", i) for i in range(3, 5)]
               + [chat(1, "As a large language model,", i) for i in range(5, 8)])
    _, out = run(tmp_path, "\n".join(records) + "\n", "--select", "AIB001", "--output-format", "concise")
    shown = [l for l in out.splitlines() if "AIB001" in l]
    assert len(shown) == 2
    assert "'As an AI language model'" in shown[0] and shown[0].endswith("(and 4 more like this: lines 2, 3, 4, 5)")
    assert "'As a large language model'" in shown[1] and shown[1].endswith("(and 2 more like this: lines 7, 8)")


def test_findings_on_one_line_are_listed_by_line_and_column(tmp_path):
    records = [{"instruction": f"Task {i}", "input": "No input", "output": f"Done {i}."} for i in range(4)]
    _, out = run(tmp_path, json.dumps(records), "--select", "JL802", "--output-format", "concise", name="data.json")
    shown = [l for l in out.splitlines() if "JL802" in l]
    assert len(shown) == 1 and "(and 3 more like this: at 1:" in shown[0]
