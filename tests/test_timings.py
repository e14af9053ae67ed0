"""--timings / JSONL_LINT_TIMING: where a run's time goes, without changing what it finds."""

from __future__ import annotations

import io
import json

import pytest

from jsonl_lint import timings
from jsonl_lint.cli import main

RECORDS = "".join(
    json.dumps({"messages": [{"role": "system", "content": "You are terse."},
                             {"role": "user", "content": f"Question {i}: what is {i} plus {i}?"},
                             {"role": "assistant", "content": f"It is {2 * i}. Contact me at person{i}@example.com!"}]})
    + "\n" for i in range(40)) + "{'messages': []}\n"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def dataset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(timings.ENV_VAR, raising=False)
    (tmp_path / "train.jsonl").write_text(RECORDS)
    return tmp_path


def _names(data: dict) -> dict[str, dict]:
    return {row["name"]: row for row in data["rows"]}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_json_output_has_timings_object_and_the_same_findings(dataset, jobs):
    code, plain, _ = run("check", "train.jsonl", "--output-format", "json", "--jobs", jobs)
    code_timed, timed, err = run("check", "train.jsonl", "--output-format", "json", "--jobs", jobs, "--timings")
    assert code == code_timed
    data = json.loads(timed)
    assert data["diagnostics"] == json.loads(plain)
    t = data["timings"]
    rows = _names(t)
    # rules by code, shared stages by name; every record counted once per rule across workers
    assert rows["JL104"]["kind"] == "rule" and rows["JL104"]["calls"] == 40
    assert rows["read and parse"]["kind"] == "stage"
    assert rows["normalized view"]["calls"] >= 1
    assert abs(sum(r["share"] for r in t["rows"]) - 1) < 1e-3
    assert t["processes"] == (3 if jobs == "2" else 1)
    assert t["measured_seconds"] > 0 and t["wall_seconds"] > 0
    assert err == ""  # JSON carries the timings: nothing on stderr


def test_table_on_stderr_and_env_variable(dataset, monkeypatch):
    _, out, err = run("check", "train.jsonl", "--output-format", "concise", "--timings")
    assert "Timings:" not in out
    assert err.startswith("Timings: ") and len(err.splitlines()) == 2 + 25 + 1  # header, names, rows, the rest
    assert "start-up" not in err  # called inside another program: its start is not ours
    monkeypatch.setenv(timings.ENV_VAR, "all")
    _, out2, err2 = run("check", "train.jsonl", "--output-format", "concise")
    assert out2 == out
    assert "JL104 (rule)" in err2 and " more " not in err2  # "all": every row
    monkeypatch.setenv(timings.ENV_VAR, "3")
    _, _, err3 = run("check", "train.jsonl", "--output-format", "concise")
    assert len(err3.splitlines()) == 2 + 3 + 1  # header, column names, 3 rows, the rest summed


def test_off_by_default(dataset):
    _, _, err = run("check", "train.jsonl", "--output-format", "concise")
    assert "Timings" not in err
    assert not timings.enabled()


def test_nested_stages_count_self_time(monkeypatch):
    now = iter([0.0, 2.0, 5.0, 6.0])  # rule starts, stage starts, stage ends, rule ends
    monkeypatch.setattr(timings, "_clock", lambda: next(now))
    t = timings.start()
    try:
        t.push("rule")
        with timings.section("stage"):
            pass
        t.pop()
    finally:
        timings.stop()
    assert t.seconds == {"rule": 3.0, "stage": 3.0}  # the stage's time is not the rule's
    assert t.measured == 6.0
