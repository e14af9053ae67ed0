"""Plugins register rules through the `jsonl_lint.rules` entry-point group, like the built-ins."""

from __future__ import annotations

from importlib import metadata

import pytest

from helpers import lint, settings_for
from jsonl_lint import registry
from jsonl_lint.config import ConfigError
from jsonl_lint.diagnostics import Finding, Severity
from jsonl_lint.engine import Engine
from jsonl_lint.rule import RecordRule


class NoShouting(RecordRule):
    """Flags assistant turns written in capitals.

    ## What it does
    Reports assistant text that is all upper case.
    """

    code = "ACME001"
    name = "no-shouting"
    summary = "Assistant shouts"
    severity = Severity.WARNING

    def check(self, record, ctx):
        for turn in record.example.by_role("assistant"):
            if turn.text.isupper():
                yield Finding("assistant text is all capitals", pointer=turn.text_pointer)


class _EntryPoint:
    def __init__(self, name, value, loader):
        self.name, self.value, self._loader = name, value, loader

    def load(self):
        return self._loader


@pytest.fixture
def plugin(monkeypatch):
    def fake_entry_points(group):
        assert group == registry.ENTRY_POINT_GROUP
        return [_EntryPoint("builtin", "jsonl_lint.rules:get_rules", None),
                _EntryPoint("acme", "acme_rules:get_rules", lambda: [NoShouting])]

    monkeypatch.setattr(metadata, "entry_points", fake_entry_points)
    registry.plugin_rules.cache_clear()
    yield
    registry.plugin_rules.cache_clear()


def test_plugin_rules_run_with_selection_and_positions(plugin):
    text = '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "HELLO"}]}\n'
    settings = settings_for(["ACME"])
    diags = Engine(settings).run_text(text, "t.jsonl").diagnostics
    assert [(d.code, d.location.column, d.end_location.column) for d in diags] == [("ACME001", 83, 90)]
    assert [d.code for d in lint(text, ["JL1"])] == []


def test_broken_plugin_is_an_error(monkeypatch):
    def boom():
        raise ImportError("no module named acme_rules")

    monkeypatch.setattr(metadata, "entry_points", lambda group: [_EntryPoint("acme", "acme_rules:get_rules", boom)])
    registry.plugin_rules.cache_clear()
    try:
        with pytest.raises(ConfigError, match="plugin 'acme'.*failed to load"):
            registry.all_rules()
    finally:
        registry.plugin_rules.cache_clear()


def test_builtins_are_exposed_through_the_same_entry_point():
    from jsonl_lint.rules import get_rules

    assert {r.code for r in get_rules()} == {r.code for r in registry.builtin_rules()}
