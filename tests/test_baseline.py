"""Baseline suppressions: written by `jsonl-lint baseline`, keyed by record content,
surviving reordering; stale entries reported as JL000."""

from __future__ import annotations

import json

from jsonl_lint.cli import main

BAD_ROLE = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "asistant", "content": "Hello!"}]}'
BAD_WEIGHT = '{"messages": [{"role": "user", "content": "Yo"}, {"role": "assistant", "content": "Hey", "weight": 2}]}'
GOOD = '{"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}'


def run(args, cwd, monkeypatch):
    import io

    monkeypatch.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    code = main(args, out, err)
    return code, out.getvalue(), err.getvalue()


def test_baseline_suppresses_existing_findings_and_survives_reordering(tmp_path, monkeypatch):
    (tmp_path / ".jsonl-lint.toml").write_text('select = ["JL104", "JL111", "JL000"]\n')
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join([BAD_ROLE, GOOD, BAD_WEIGHT]) + "\n")
    code, out, _ = run(["check", "--output-format", "concise", "train.jsonl"], tmp_path, monkeypatch)
    assert code == 1 and "JL104" in out and "JL111" in out

    code, out, _ = run(["baseline", "train.jsonl"], tmp_path, monkeypatch)
    assert code == 0 and "Wrote 2 suppressions" in out
    entries = json.loads((tmp_path / ".jsonl-lint-baseline.json").read_text())["suppressions"]
    assert {e["code"] for e in entries} == {"JL104", "JL111"}

    # Reorder the records and add a new problem: only the new one is reported.
    data.write_text("\n".join([GOOD, BAD_WEIGHT, BAD_ROLE.replace("Hi", "Hi there").replace("asistant", "assistant"),
                               BAD_ROLE, GOOD.replace("assistant", "asistant")]) + "\n")
    code, out, _ = run(["check", "--output-format", "concise", "train.jsonl"], tmp_path, monkeypatch)
    findings = [line for line in out.splitlines() if ": JL" in line]
    assert code == 1
    column = GOOD.index('"assistant"') + 1
    assert findings == [f'train.jsonl:5:{column}: JL104 [error] unknown role "asistant"; '
                        'allowed: system, developer, user, assistant, tool, function (did you mean "assistant"?)']


def test_stale_baseline_entry_is_reported(tmp_path, monkeypatch):
    (tmp_path / ".jsonl-lint.toml").write_text('select = ["JL104", "JL111", "JL000"]\n')
    data = tmp_path / "train.jsonl"
    data.write_text(BAD_ROLE + "\n")
    assert run(["baseline", "train.jsonl"], tmp_path, monkeypatch)[0] == 0
    data.write_text(GOOD + "\n")  # the problem was fixed: its suppression is now stale
    code, out, _ = run(["check", "--output-format", "concise", "train.jsonl"], tmp_path, monkeypatch)
    assert "train.jsonl:1:1: JL000 [info] baseline entry for JL104" in out
    assert code == 0  # a warning does not fail the run by default


def test_broken_baseline_file_is_a_config_error(tmp_path, monkeypatch):
    (tmp_path / ".jsonl-lint.toml").write_text("")
    (tmp_path / ".jsonl-lint-baseline.json").write_text("[1, 2]")
    (tmp_path / "train.jsonl").write_text(GOOD + "\n")
    code, _, err = run(["check", "train.jsonl"], tmp_path, monkeypatch)
    assert code == 2 and "not a jsonl-lint baseline" in err
