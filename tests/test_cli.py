"""CLI tests of every output format, exit codes and usage errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from helpers import REPO
from jsonl_lint.cli import main

BAD = ('{"messages": [{"role": "user", "content": "Hi"}, {"role": "asistant", "content": "Hello!"}]}\n'
       '{"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Bye!\\n\\n"}]}\n'
       "{'messages': []}\n")
SARIF_SCHEMA = REPO.parent / "shared" / "reference" / "sarif-schema-2.1.0.json"


def run(*args: str, cwd: Path | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if cwd is not None:
        monkeypatch.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def dataset(tmp_path, monkeypatch):
    # preview on: JL116, a preview rule, is the info finding these tests show
    (tmp_path / ".jsonl-lint.toml").write_text('select = ["JL0", "JL1"]\npreview = true\n')
    (tmp_path / "train.jsonl").write_text(BAD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_full_output_shows_excerpt_caret_fix_and_summary(dataset):
    code, out, _ = run("check", "train.jsonl")
    assert code == 1
    assert 'train.jsonl:1:59: JL104 [error] unknown role "asistant"' in out
    lines = out.splitlines()
    i = lines.index(next(line for line in lines if "JL104" in line))
    assert lines[i + 2].startswith("1 | {\"messages\"")
    caret = lines[i + 3]
    assert caret.index("^") - caret.index("|") - 2 == 58 and caret.count("^") == len('"asistant"')
    assert '= fix: Rename role to "assistant"' in out
    assert "train.jsonl:3:2: JL001 [error] invalid JSON" in out and "Python dict repr" in out
    assert "Found 3 errors, 1 info in 1 file (3 records)." in out


def test_concise_output(dataset):
    code, out, _ = run("check", "--output-format", "concise", "train.jsonl")
    assert code == 1
    rows = [line.split(": ", 1)[0] + " " + line.split(" ")[1] for line in out.splitlines() if ": JL" in line]
    assert rows == ["train.jsonl:1:14 JL105", "train.jsonl:1:59 JL104", "train.jsonl:2:89 JL116", "train.jsonl:3:2 JL001"]


def test_json_output_is_shaped_like_ruff(dataset):
    code, out, _ = run("check", "--output-format", "json", "train.jsonl")
    data = json.loads(out)
    assert code == 1 and len(data) == 4
    role = next(d for d in data if d["code"] == "JL104")
    assert role["name"] == "unknown-role" and role["severity"] == "error"
    assert role["filename"] == "train.jsonl" and role["pointer"] == "/messages/1/role"
    assert role["location"] == {"row": 1, "column": 59} and role["end_location"] == {"row": 1, "column": 69}
    assert role["url"].endswith("/JL104.md")
    assert role["fix"]["applicability"] == "safe"
    assert role["fix"]["edits"] == [{"content": '"assistant"', "location": {"row": 1, "column": 59},
                                     "end_location": {"row": 1, "column": 69}}]
    assert role["related"] == []
    assert next(d for d in data if d["code"] == "JL001")["fix"] is None


def test_sarif_validates_against_the_official_schema(dataset):
    jsonschema = pytest.importorskip("jsonschema")
    if not SARIF_SCHEMA.exists():
        pytest.skip("SARIF schema not available")
    code, out, _ = run("check", "--output-format", "sarif", "train.jsonl")
    sarif = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(sarif), key=str)
    assert not errors, errors[:3]
    run_ = sarif["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"
    ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    result = next(r for r in run_["results"] if r["ruleId"] == "JL104")
    assert ids[result["ruleIndex"]] == "JL104"
    assert result["locations"][0]["physicalLocation"]["region"]["startColumn"] == 59
    assert result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == '"assistant"'
    # Fingerprints are stable across runs and survive moving the record.
    (dataset / "train.jsonl").write_text("\n" + BAD.replace("\n", "\n", 1))
    moved = json.loads(run("check", "--output-format", "sarif", "--ignore", "JL003", "train.jsonl")[1])
    fp = {r["ruleId"]: r["partialFingerprints"]["jsonlLint/v1"] for r in run_["results"]}
    fp_moved = {r["ruleId"]: r["partialFingerprints"]["jsonlLint/v1"] for r in moved["runs"][0]["results"]}
    assert fp == fp_moved


def test_github_annotations_escape_and_sort_errors_first(dataset, monkeypatch):
    summary = dataset / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run("check", "--output-format", "auto", "train.jsonl")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("::error file=train.jsonl,line=1,col=14,endLine=1,")
    assert "title=JL105 no-assistant-turn::" in lines[0]
    notice = next(line for line in lines if line.startswith("::notice"))
    assert notice.endswith('assistant text has trailing whitespace ("\\n\\n")')
    assert "%3A" not in notice.split("::")[2]  # data part escapes only %, CR and LF
    assert "| `JL104` unknown-role | error | 1 |" in summary.read_text()


def test_exit_codes_fail_on_and_exit_zero(dataset):
    (dataset / "ok.jsonl").write_text('{"messages": [{"role": "user", "content": "Hi"}, '
                                      '{"role": "assistant", "content": "Bye!\\n\\n"}]}\n')
    assert run("check", "ok.jsonl")[0] == 0
    assert run("check", "--fail-on", "info", "ok.jsonl")[0] == 1
    assert run("check", "--exit-zero", "train.jsonl")[0] == 0
    code, out, _ = run("check", "--output-format", "concise", "--fail-on", "info", "--ignore", "JL116", "ok.jsonl")
    assert code == 0 and "All checks passed: 1 file (1 record)." in out


def test_bare_path_means_check_and_folders_are_searched(dataset):
    (dataset / "sub").mkdir()
    (dataset / "sub" / "more.ndjson").write_text('{"prompt": "a", "completion": "b"}\n')
    (dataset / "sub" / "package.json").write_text('{"name": "not a dataset"}\n')
    code, out, _ = run(".", "--output-format", "concise")
    assert code == 1
    assert "sub/package.json" not in out and "train.jsonl:3:2" in out
    assert "2 files (4 records)" in out


@pytest.mark.parametrize("args,message", [
    (("check", "missing.jsonl"), "missing.jsonl: no such file or folder"),
    (("check", "--select", "JL999", "train.jsonl"), "'JL999' matches no rule"),
    (("rule", "no-such-rule"), "no rule named 'no-such-rule'"),
    (("check", "--validation", "nope.jsonl", "train.jsonl"), "nope.jsonl: no such validation file"),
])
def test_usage_errors_exit_2_with_a_clear_message(dataset, args, message):
    code, out, err = run(*args)
    assert code == 2 and message in err and "Traceback" not in err


def test_rules_and_rule_docs():
    code, out, _ = run("rules")
    assert code == 0 and "JL104  unknown-role" in out
    code, out, _ = run("rule", "unknown-role")
    assert code == 0 and out.startswith("# JL104 unknown-role")
    for section in ("## What it does", "## Why it matters for fine-tuning", "## Example", "## Use instead", "## Options"):
        assert section in out
    data = json.loads(run("rules", "--output-format", "json")[1])
    assert {"code": "JL008", "kind": "dataset"}.items() <= next(r for r in data if r["code"] == "JL008").items()


def test_show_settings(dataset):
    code, out, _ = run("check", "--show-settings", "--model", "gpt-4o-2024-08-06", "train.jsonl")
    data = json.loads(out)
    assert code == 0 and data["model"] == "gpt-4o-2024-08-06" and data["select"] == ["JL0", "JL1"]
    assert any(r.startswith("JL104 unknown-role (error)") for r in data["selected-rules"])


def test_stdin(dataset, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BAD.encode())))
    code, out, _ = run("check", "--output-format", "concise", "-")
    assert code == 1 and "-:1:59: JL104" in out


def test_check_styles_and_test_rules_commands():
    code, out, _ = run("rules", "--check-styles")
    assert code == 0 and "AIBoilerplate: " in out and "(shipped)" in out
    code, out, _ = run("test-rules", "--all-styles")
    assert code == 0 and out.strip().endswith("0 failed")


def test_models_lists_limits_prices_and_the_configured_model(tmp_path, monkeypatch):
    (tmp_path / ".jsonl-lint.toml").write_text('model = "gpt-3.5-turbo"\n[prices]\n"gpt-3.5-turbo-0125" = 6.5\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("models")
    assert code == 0
    line = next(ln for ln in out.splitlines() if "gpt-3.5-turbo-0125" in ln)
    assert line.startswith("*") and "cl100k_base" in line and "16,385" in line and "6.5" in line
    data = json.loads(run("models", "--output-format", "json")[1])
    mini = next(m for m in data if m["name"] == "gpt-4o-mini-2024-07-18")
    assert mini["limit"] == 65536 and mini["price_source"].startswith("price table of") and not mini["default"]
    assert next(m for m in data if m["name"] == "gpt-3.5-turbo-0125")["price_source"] == "config 'prices'"


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["check", "--help"]])
def test_version_and_help_load_neither_the_engine_nor_pydantic(args):
    import subprocess
    import sys

    code = ("import sys\nfrom jsonl_lint.cli import main\nmain(sys.argv[1:])\n"
            "print(sorted(m for m in ('jsonl_lint.engine', 'jsonl_lint.config', 'pydantic', 'numpy') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[-1] == "[]"


def test_only_jsonl_lints_own_process_freezes_its_start_up_and_the_collector_runs_for_the_records(dataset, monkeypatch):
    import gc

    from jsonl_lint.commands import check
    from jsonl_lint.engine import Engine

    frozen = gc.get_freeze_count()
    assert run("check", "train.jsonl")[0] == 1  # a program calling main(): its objects are left alone
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    monkeypatch.setattr(check, "_own_process", lambda: True)
    collecting_while_reading = []
    real_run = Engine.run
    monkeypatch.setattr(Engine, "run", lambda self, *a, **k: collecting_while_reading.append(gc.isenabled())
                        or real_run(self, *a, **k))
    try:
        assert run("check", "train.jsonl")[0] == 1
        assert collecting_while_reading == [True] and gc.isenabled() and gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
        gc.enable()
