"""Rule files validated once come back from the user cache as the same definitions, and a
broken file is never stored, so it fails with the same message at every start."""

from __future__ import annotations

import os

import pytest

import jsonl_lint.declarative as declarative
from jsonl_lint.config import ConfigError
from jsonl_lint.declarative import shipped_styles_dir
from jsonl_lint.declarative.schema import parse_rule


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JSONL_LINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _parses(monkeypatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(declarative, "parse_rule", lambda path: calls.append(path.name) or parse_rule(path))
    return calls


def test_shipped_rule_files_come_back_equal_without_parsing(fresh_cache, monkeypatch):
    files = [p for style in sorted(shipped_styles_dir().iterdir()) if style.is_dir()
             for p in declarative._rule_files(style)]
    parsed = [declarative._definition(p) for p in files]
    parses = _parses(monkeypatch)
    cached = [declarative._definition(p) for p in files]
    assert parses == []
    for p, a, b in zip(files, parsed, cached):
        assert type(a) is type(b) and a == b and a.model_fields_set == b.model_fields_set, p.name
        assert list(a.__dict__) == list(b.__dict__), p.name
    assert len(os.listdir(fresh_cache)) == len({p.read_bytes() for p in files})


def test_an_edited_file_is_parsed_again_and_a_broken_one_never_stored(fresh_cache, monkeypatch, tmp_path):
    rule = tmp_path / "Rule.yml"
    rule.write_text("extends: existence\nmessage: m\nlevel: info\nscope: assistant\ntokens: [a]\n")
    assert declarative._definition(rule).tokens == ["a"]
    parses = _parses(monkeypatch)
    rule.write_text("extends: existence\nmessage: m\nlevel: info\nscope: assistant\ntokens: [b]\n")
    assert declarative._definition(rule).tokens == ["b"] and parses == ["Rule.yml"]
    rule.write_text("extends: existence\nmessage: m\nlevel: info\nscope: assistant\ntokens: a\n")
    messages = []
    for _ in range(2):
        with pytest.raises(ConfigError) as exc:
            declarative._definition(rule)
        messages.append(str(exc.value))
    assert messages[0] == messages[1] and "Rule.yml:5" in messages[0]
    assert parses == ["Rule.yml"] * 3
