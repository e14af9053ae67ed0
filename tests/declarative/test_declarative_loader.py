"""Loading rule packs: naming, selection, strict validation with file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from helpers import lint, settings_for
from jsonl_lint.config import ConfigError
from jsonl_lint.declarative import check_styles, load_declarative_rules, shipped_styles_dir
from jsonl_lint.registry import all_rules, resolve

GOOD = """\
extends: existence
message: "apology '%s'"
level: warning
scope: assistant
ignorecase: true
tokens:
  - sorry
  - I apologi[sz]e
"""
CHAT = ('{"messages": [{"role": "user", "content": "Where is it?"}, '
        '{"role": "assistant", "content": "Sorry, I apologise for the delay."}]}\n')


def write_style(root: Path, files: dict[str, str], style: str = "Tone") -> Path:
    folder = root / "rules" / style
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root / "rules"


def settings(root: Path, **table):
    table.setdefault("rules-path", ["rules"])
    return settings_for(root=str(root), **table)


def error_for(tmp_path: Path, text: str) -> str:
    write_style(tmp_path, {"Bad.yml": text})
    with pytest.raises(ConfigError) as exc:
        load_declarative_rules(settings(tmp_path))
    return str(exc.value)


def test_file_name_is_rule_name_and_style_prefix_selects(tmp_path):
    write_style(tmp_path, {"Apologies.yml": GOOD})
    rules = [r for r in load_declarative_rules(settings(tmp_path)) if r.style == "Tone"]
    assert [r.name for r in rules] == ["Tone.Apologies"]
    assert rules[0].code == "Tone.Apologies" and rules[0].default_enabled
    found = lint(CHAT, root=str(tmp_path), **{"rules-path": ["rules"], "select": ["Tone."]})
    col = CHAT.index("Sorry") + 1
    col2 = CHAT.index("I apologise") + 1
    assert [(d.code, d.location.column, d.end_location.column) for d in found] == [
        ("Tone.Apologies", col, col + 5), ("Tone.Apologies", col2, col2 + 11)]
    assert found[0].severity.value == "warning"
    assert "apology 'Sorry'" in found[0].message and "/messages/1" in found[0].message


def test_enabled_by_default_with_other_rules_and_ignorable(tmp_path):
    write_style(tmp_path, {"Apologies.yml": GOOD})
    pack = resolve(settings(tmp_path))
    assert "Tone.Apologies" in [r.name for r in pack.rules]
    pack = resolve(settings(tmp_path, ignore=["Tone."]))
    assert "Tone.Apologies" not in [r.name for r in pack.rules]
    pack = resolve(settings(tmp_path, select=["Tone.Apologies"]))
    assert [r.name for r in pack.rules] == ["Tone.Apologies"]


def test_code_makes_rule_selectable_by_prefix_and_severity_override(tmp_path):
    write_style(tmp_path, {"Apologies.yml": GOOD + "code: TONE001\n"})
    found = lint(CHAT, root=str(tmp_path), **{"rules-path": ["rules"], "select": ["TONE"],
                                              "severity": {"Tone.": "error"}})
    assert {d.code for d in found} == {"TONE001"} and {d.severity.value for d in found} == {"error"}


def test_styles_key_enables_only_named_styles_and_unknown_style_is_an_error(tmp_path):
    write_style(tmp_path, {"Apologies.yml": GOOD})
    write_style(tmp_path, {"Other.yml": GOOD}, style="Extra")
    names = [r.name for r in load_declarative_rules(settings(tmp_path, styles=["Extra"]))]
    assert names == ["Extra.Other"]
    with pytest.raises(ConfigError, match="no style named 'Nope'.*AIBoilerplate"):
        load_declarative_rules(settings(tmp_path, styles=["Nope"]))


def test_default_enabled_shipped_styles_join_unless_styles_lists_the_set(tmp_path):
    write_style(tmp_path, {"Apologies.yml": GOOD})
    styles = {r.style for r in load_declarative_rules(settings(tmp_path))}
    assert styles == {"Tone", "AIBoilerplate"}  # Placeholders and BrandVoice are opt-in
    assert {r.style for r in load_declarative_rules(settings(tmp_path, styles=["Tone"]))} == {"Tone"}
    assert "AIBoilerplate.AsAnAI" not in [r.name for r in resolve(settings(tmp_path, ignore=["AIBoilerplate."])).rules]


def test_shipped_styles_are_found_without_rules_path():
    assert shipped_styles_dir() is not None
    rules = load_declarative_rules(settings_for(styles=["AIBoilerplate"]))
    assert "AIBoilerplate.AsAnAI" in [r.name for r in rules]
    assert all(r.name.startswith("AIBoilerplate.") for r in rules)
    assert any("AIBoilerplate" in r.name for r in all_rules(settings_for(styles=["AIBoilerplate"])))


def test_missing_rules_path_folder(tmp_path):
    with pytest.raises(ConfigError, match="rules-path entry 'nowhere'"):
        load_declarative_rules(settings(tmp_path, **{"rules-path": ["nowhere"]}))


@pytest.mark.parametrize("text,line,expected", [
    (GOOD.replace("ignorecase", "ignorecas"), 5, "unknown key 'ignorecas' in an existence rule"),
    (GOOD.replace("  - I apologi[sz]e", "  - I apologi[sz"), 8, "bad regex 'I apologi[sz'"),
    (GOOD.replace('message: "apology \'%s\'"\n', ""), 1, "missing key 'message'"),
    (GOOD.replace("level: warning", "level: loud"), 3, "key 'level'"),
    (GOOD.replace("scope: assistant", "scope: bot"), 4, "unknown scope 'bot'"),
    (GOOD.replace("extends: existence", "extends: script"), 1, "unknown kind extends: 'script'"),
    (GOOD.replace("ignorecase: true", "ignorecase: 'yes'"), 5, "key 'ignorecase'"),
    (GOOD + "level: error\n", 9, "key 'level' appears twice"),
    (GOOD.replace("tokens:", "tokens: [a"), 8, "while parsing a flow sequence started at line 6"),
    (GOOD.replace("  - sorry", "  - 'a*'"), 7, "matches the empty string"),
    (GOOD + "code: JL999\n", 9, "JL codes are reserved"),
    (GOOD.replace("apology '%s'", "apology {mtach}"), 1, "unknown placeholder {mtach}"),
    ("extends: occurrence\nmessage: m\nlevel: info\nscope: user\ntoken: x\n", 1, "set min, max or both"),
    ("!!python/object/apply:os.system ['echo pwned']\n", 1, "invalid YAML"),
])
def test_broken_rule_file_is_a_config_error_naming_file_and_line(tmp_path, text, line, expected):
    message = error_for(tmp_path, text)
    path = tmp_path / "rules" / "Tone" / "Bad.yml"
    assert message.startswith(f"{path}:{line}:"), message
    assert expected in message, message


def test_meta_file_is_validated_with_line(tmp_path):
    write_style(tmp_path, {"Apologies.yml": GOOD, "meta.toml": 'description = "x"\nenabled = true\n'})
    with pytest.raises(ConfigError, match=r"meta.toml:2: unknown key 'enabled'"):
        load_declarative_rules(settings(tmp_path))
    write_style(tmp_path, {"meta.toml": 'requires-jsonl-lint = ">=99.0"\n'})
    with pytest.raises(ConfigError, match=r"meta.toml:1: this style needs jsonl-lint >=99.0"):
        load_declarative_rules(settings(tmp_path))


def test_no_code_runs_from_a_rules_folder(tmp_path):
    marker = tmp_path / "ran"
    write_style(tmp_path, {"Apologies.yml": GOOD,
                           "__init__.py": f"open({str(marker)!r}, 'w').write('x')\n",
                           "hook.py": f"open({str(marker)!r}, 'w').write('x')\n"})
    (tmp_path / "rules" / "conftest.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    rules = load_declarative_rules(settings(tmp_path, styles=["Tone"]))
    lint(CHAT, root=str(tmp_path), **{"rules-path": ["rules"]})
    assert [r.name for r in rules] == ["Tone.Apologies"] and not marker.exists()


def test_edited_rule_file_is_reloaded(tmp_path):
    write_style(tmp_path, {"Apologies.yml": GOOD})
    assert load_declarative_rules(settings(tmp_path))[0].severity.value == "warning"
    write_style(tmp_path, {"Apologies.yml": GOOD.replace("level: warning", "level: error  ")})
    assert load_declarative_rules(settings(tmp_path))[0].severity.value == "error"


def test_duplicate_codes_across_files_are_reported(tmp_path):
    write_style(tmp_path, {"A.yml": GOOD + "code: TONE001\n", "B.yml": GOOD + "code: TONE001\n"})
    with pytest.raises(ConfigError, match="rule 'TONE001' is defined twice"):
        all_rules(settings(tmp_path))


def test_check_styles_lists_project_and_shipped_styles(tmp_path):
    write_style(tmp_path, {"Apologies.yml": GOOD})
    lines = check_styles(settings(tmp_path))
    assert lines[0].startswith("Tone: 1 rules") and any(l.startswith("AIBoilerplate:") for l in lines)


def test_rule_docs_have_the_fixed_sections(tmp_path):
    write_style(tmp_path, {"Apologies.yml": GOOD + "description: Apologies sound unsure.\n"})
    rule = load_declarative_rules(settings(tmp_path))[0]
    assert "existence" in rule.doc_section("What it does")
    assert rule.doc_section("Why it matters for fine-tuning") == "Apologies sound unsure."
    assert rule.summary == "Apologies sound unsure" and rule.url().startswith("file://")


def test_shipped_styles_are_package_data():
    """rules/ is the source of truth; src/jsonl_lint/_styles links to it and pyproject's
    package-data globs cover every file a style needs, so wheels ship the styles."""
    import fnmatch
    import tomllib

    repo = Path(__file__).resolve().parents[2]
    link = repo / "src" / "jsonl_lint" / "_styles"
    assert link.resolve() == (repo / "rules").resolve() == shipped_styles_dir()
    globs = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["jsonl_lint"]
    files = [p.relative_to(repo / "rules").as_posix() for p in (repo / "rules").rglob("*") if p.is_file()]
    assert files and all(any(fnmatch.fnmatch("_styles/" + f, g) for g in globs) for f in files), files


def test_shipped_rule_cases_pass():
    from jsonl_lint.declarative.cases import run_cases

    ran, failures = run_cases(settings_for(), all_styles=True)
    assert ran >= 9 and not failures, failures


def test_rule_cases_next_to_a_rule_report_failures_with_file_and_line(tmp_path):
    from jsonl_lint.declarative.cases import run_cases

    write_style(tmp_path, {"Apologies.yml": GOOD, "Apologies.cases.yml": f"""\
        cases:
          - name: finds both
            input: '{CHAT.strip()}'
            expect:
              - {{message: "apology 'Sorry'"}}
              - {{message: "apology 'I apologise'"}}
          - name: wrong on purpose
            input: '{CHAT.strip()}'
            expect: []
        """})
    ran, failures = run_cases(settings(tmp_path, styles=["Tone"]))
    path = tmp_path / "rules" / "Tone" / "Apologies.cases.yml"
    assert ran == 2 and len(failures) == 1
    assert failures[0].startswith(f"{path}:7: Tone.Apologies case 'wrong on purpose': expected 0 finding(s), got 2")
    write_style(tmp_path, {"Apologies.cases.yml": "cases:\n  - {input: x, expected: []}\n"})
    with pytest.raises(ConfigError, match=r"Apologies.cases.yml:2: a case needs 'input'"):
        run_cases(settings(tmp_path, styles=["Tone"]))
