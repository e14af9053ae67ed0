"""The preview tier: preview rules run only with preview on, as in ruff."""

from __future__ import annotations

import io
import json

import pytest

from jsonl_lint.cli import main
from jsonl_lint.config import settings_from_table
from jsonl_lint.registry import resolve
from jsonl_lint.rule import RecordRule

RECORD = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Sure, hello!"}]}\n'


class Stable(RecordRule):
    code, name, summary = "TST001", "stable-rule", "A measured rule"


class Fresh(RecordRule):
    code, name, summary = "TST002", "fresh-rule", "A rule in preview"
    preview = True


class AlsoFresh(RecordRule):
    code, name, summary = "TSU001", "also-fresh", "Another rule in preview"
    preview = True


RULES = (Stable, Fresh, AlsoFresh)


def chosen(**table) -> tuple[set[str], tuple[str, ...]]:
    pack = resolve(settings_from_table({"root": ".", **table}, None), RULES)
    return {r.code for r in pack.rules}, pack.notes


def test_preview_rules_are_off_by_default():
    assert chosen() == ({"TST001"}, ())
    assert chosen(select=["ALL"])[0] == {"TST001"}
    assert chosen(select=["TST"])[0] == {"TST001"}


def test_selecting_a_preview_rule_without_preview_warns_and_runs_nothing():
    codes, notes = chosen(select=["TST002"])
    assert codes == set()
    assert notes == ("selection 'TST002' has no effect because preview is not enabled "
                     "(pass --preview or set preview = true)",)
    codes, notes = chosen(extend_select=["fresh-rule"])  # by name, on top of the default
    assert codes == {"TST001"} and "'fresh-rule'" in notes[0]
    # a prefix that matches only preview rules warns; one that matches a stable rule does not
    assert chosen(select=["TSU"])[1] and not chosen(select=["TST"])[1]


def test_preview_on_treats_preview_rules_like_the_others():
    assert chosen(preview=True) == ({"TST001", "TST002", "TSU001"}, ())
    assert chosen(preview=True, select=["TST"])[0] == {"TST001", "TST002"}
    assert chosen(preview=True, select=["TST002"]) == ({"TST002"}, ())
    assert chosen(preview=True, ignore=["TST002"])[0] == {"TST001", "TSU001"}


def test_explicit_preview_rules_need_their_exact_code_or_name():
    assert chosen(preview=True, explicit_preview_rules=True)[0] == {"TST001"}
    assert chosen(preview=True, explicit_preview_rules=True, select=["TST"])[0] == {"TST001"}
    assert chosen(preview=True, explicit_preview_rules=True, select=["ALL", "TST002"])[0] == {"TST001", "TST002"}
    assert chosen(preview=True, explicit_preview_rules=True, extend_select=["also-fresh"])[0] == {"TST001", "TSU001"}
    # without preview the setting changes nothing
    assert chosen(explicit_preview_rules=True, select=["TST002"])[0] == set()


PREVIEW_RULE = """\
extends: existence
code: PRV001
summary: Answer opens with Sure
message: "opener '%s'"
level: warning
scope: assistant
preview: true
tokens: ['Sure']
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project whose YAML style has one preview rule and a data file it fires on."""
    style = tmp_path / "rules" / "House"
    style.mkdir(parents=True)
    (style / "Opener.yml").write_text(PREVIEW_RULE)
    (tmp_path / ".jsonl-lint.toml").write_text('rules-path = ["rules"]\nstyles = ["House"]\nignore = ["JL2"]\n')
    (tmp_path / "train.jsonl").write_text(RECORD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def codes_of(stdout: str) -> list[str]:
    return [d["code"] for d in json.loads(stdout)]


def test_cli_preview_flag_and_config_key(project):
    args = ("check", "train.jsonl", "--output-format", "json", "--no-progress")
    assert codes_of(run(*args)[1]) == []
    assert codes_of(run(*args, "--preview")[1]) == ["PRV001"]
    config = project / ".jsonl-lint.toml"
    config.write_text(config.read_text() + "preview = true\n")
    assert codes_of(run(*args)[1]) == ["PRV001"]
    assert codes_of(run(*args, "--no-preview")[1]) == []


def test_cli_warns_about_a_preview_rule_selected_without_preview(project):
    code, out, err = run("check", "train.jsonl", "--select", "PRV001", "--output-format", "json")
    assert code == 0 and codes_of(out) == []
    assert err == ("jsonl-lint: warning: selection 'PRV001' has no effect because preview is not enabled "
                   "(pass --preview or set preview = true)\n")
    code, out, err = run("check", "train.jsonl", "--select", "PRV001", "--preview", "--output-format", "json")
    assert codes_of(out) == ["PRV001"] and err == ""


def test_rules_listing_marks_preview_rules(project):
    text = run("rules")[1]
    line = next(l for l in text.splitlines() if l.startswith("PRV001"))
    assert line.endswith("(preview)")
    assert not next(l for l in text.splitlines() if l.startswith("JL001")).endswith("(preview)")
    listed = {r["code"]: r for r in json.loads(run("rules", "--output-format", "json")[1])}
    assert listed["PRV001"]["preview"] is True and listed["JL001"]["preview"] is False


def test_rule_page_states_the_tier():
    from jsonl_lint.docs import index_markdown, rule_markdown

    assert "Preview: runs only with `--preview`" in rule_markdown(Fresh)
    assert "Enabled by default." in rule_markdown(Stable)
    assert "| preview |" in index_markdown([Fresh]) and "| default |" in index_markdown([Stable])


def test_language_server_linter_uses_the_same_selection(project):
    from jsonl_lint.config import load_settings
    from jsonl_lint.lsp.document import Linter
    from jsonl_lint.lsp.server import EditorSettings, JsonlLanguageServer

    path = str(project / "train.jsonl")
    assert "PRV001" not in {r.code for r in Linter(load_settings(start=path), path).engine.active_rules(path)[0]}
    server = JsonlLanguageServer()
    server.editor = EditorSettings.from_dict({"preview": True})
    assert "PRV001" in {r.code for r in Linter(server.settings_for(path), path).engine.active_rules(path)[0]}
    server.editor = EditorSettings.from_dict({"preview": "yes"})  # not a boolean: the config decides
    assert server.editor.preview is None


def test_baseline_entries_of_rules_that_did_not_run_are_not_stale(project):
    assert run("check", "train.jsonl", "--preview", "--no-progress")[0] == 0
    assert run("baseline", "train.jsonl", "--preview")[0] == 0
    _, out, _ = run("check", "train.jsonl", "--output-format", "json", "--no-progress")
    assert codes_of(out) == []  # no JL000 for the PRV001 entry while preview is off
