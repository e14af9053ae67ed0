"""Configuration: discovery, validation errors naming file and key, selection
precedence, per-file ignores, severity overrides, presets, and CLI overrides."""

from __future__ import annotations

import pytest

from helpers import lint
from jsonl_lint.config import ConfigError, load_settings
from jsonl_lint.engine import lint_paths
from jsonl_lint.registry import all_rules, builtin_rules, is_selected, resolve

ROLE = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "asistant", "content": "Hello!"}]}\n'


def codes(report):
    return sorted({d.code for d in report.diagnostics})


def test_discovery_finds_pyproject_table_upward(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.jsonl-lint]\nselect = ["JL104"]\n')
    (tmp_path / "data" / "deep").mkdir(parents=True)
    f = tmp_path / "data" / "deep" / "train.jsonl"
    f.write_text(ROLE)
    assert codes(lint_paths([str(f)])) == ["JL104"]


def test_pyproject_without_table_is_skipped_and_dot_file_wins(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / ".jsonl-lint.toml").write_text('select = ["JL105"]\n')
    (tmp_path / "train.jsonl").write_text(ROLE)
    assert codes(lint_paths([str(tmp_path / "train.jsonl")])) == ["JL105"]


@pytest.mark.parametrize("toml,message", [
    ('selct = ["JL1"]\n', "unknown key 'selct'"),
    ('model = 3\n', "key 'model'"),
    ('[severity]\nunknown-role = "fatal"\n', "unknown severity 'fatal' (allowed: error, warning, info)"),
    ('[rules.unknown-key]\nallowed-key = ["x"]\n', "unknown key 'allowed-key' in [rules.unknown-key]"),
    ('[rules.no-such-rule]\nx = 1\n', "[rules.no-such-rule] names no rule"),
    ('select = ["JL99"]\n', "'JL99' matches no rule"),
    ('extends = "nope"\n', "key 'extends': no preset or file named 'nope'"),
    ('format = "csv"\n', "unknown format 'csv'"),
    ('select = [\n', "invalid TOML"),
])
def test_config_errors_name_file_and_key(tmp_path, toml, message):
    cfg = tmp_path / ".jsonl-lint.toml"
    cfg.write_text(toml)
    (tmp_path / "train.jsonl").write_text(ROLE)
    with pytest.raises(ConfigError) as exc:
        lint_paths([str(tmp_path / "train.jsonl")])
    assert message in str(exc.value)
    assert str(tmp_path) in str(exc.value)


def test_longest_prefix_wins_and_ignore_wins_a_tie():
    rules = {r.code: r for r in builtin_rules()}
    assert is_selected(rules["JL104"], ["JL1"], ["JL10"]) is False
    assert is_selected(rules["JL104"], ["JL104"], ["JL1"]) is True
    assert is_selected(rules["JL104"], ["unknown-role"], ["JL1"]) is True
    assert is_selected(rules["JL104"], ["JL1"], ["JL1"]) is False
    assert is_selected(rules["JL104"], ["JL2"], []) is None


def test_per_file_ignores_and_severity_override(tmp_path):
    (tmp_path / ".jsonl-lint.toml").write_text(
        'select = ["JL104", "JL105"]\n'
        'per-file-ignores = { "eval/*.jsonl" = ["JL105"] }\n'
        '[severity]\n"unknown-role" = "warning"\n')
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "a.jsonl").write_text(ROLE)
    (tmp_path / "train.jsonl").write_text(ROLE)
    report = lint_paths([str(tmp_path)])
    by_file = {(d.filename.rsplit("/", 2)[-2:][0] if "eval" in d.filename else "train", d.code): d.severity.value
               for d in report.diagnostics}
    assert by_file == {("eval", "JL104"): "warning", ("train", "JL104"): "warning", ("train", "JL105"): "error"}
    assert report.exit_code() == 1


def test_presets(tmp_path):
    (tmp_path / "train.jsonl").write_text(ROLE)
    (tmp_path / ".jsonl-lint.toml").write_text('extends = "minimal"\n')
    settings = load_settings(start=tmp_path)
    pack = resolve(settings)
    assert pack.rules and all(r.code[:3] in ("JL0", "JL1") for r in pack.rules)
    (tmp_path / ".jsonl-lint.toml").write_text('extends = "strict"\nignore = ["JL2"]\n')
    strict = load_settings(start=tmp_path)
    assert strict.fail_on.value == "warning" and strict.select == ("ALL",) and strict.ignore == ("JL2",)
    expected = {r.code for r in all_rules(strict) if not r.code.startswith("JL2") and not r.preview}
    assert {r.code for r in resolve(strict).rules} == expected and "AIB001" in expected
    assert any(r.preview for r in all_rules(strict))  # ALL leaves preview rules out, as in ruff


def test_extends_a_file_and_local_keys_win(tmp_path):
    (tmp_path / "base.toml").write_text('select = ["JL104", "JL105"]\nmodel = "gpt-4o-2024-08-06"\n')
    (tmp_path / ".jsonl-lint.toml").write_text('extends = "base.toml"\nselect = ["JL104"]\n')
    settings = load_settings(start=tmp_path)
    assert settings.select == ("JL104",) and settings.model == "gpt-4o-2024-08-06"


def test_rule_options_are_typed():
    text = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "x"}], "src": 1}\n'
    assert [d.code for d in lint(text, ["JL113"])] == ["JL113"]
    assert lint(text, ["JL113"], {"allowed-keys": ["src"]}, "unknown-key") == []
    with pytest.raises(ConfigError, match="allowed-keys"):
        lint(text, ["JL113"], {"allowed-keys": 5}, "unknown-key")


def test_each_file_uses_the_config_found_upward_from_it(tmp_path, monkeypatch):
    import io

    from jsonl_lint.cli import main

    for name, select in (("a", "JL104"), ("b", "JL105")):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".jsonl-lint.toml").write_text(f'select = ["{select}"]\n')
        (tmp_path / name / "train.jsonl").write_text(ROLE)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    code = main(["check", "--output-format", "concise", "a", "b"], out, io.StringIO())
    rows = sorted(line.split(" [")[0] for line in out.getvalue().splitlines() if ": JL" in line)
    assert code == 1
    assert rows == ["a/train.jsonl:1:59: JL104", "b/train.jsonl:1:14: JL105"]
    assert "2 files (2 records)" in out.getvalue()
