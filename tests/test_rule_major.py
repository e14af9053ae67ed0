"""The engine checks a chunk rule by rule (each rule over every record of the chunk, in file
order) for CPU-cache locality; the findings and dataset states equal a record-by-record run."""

from __future__ import annotations

import json

import pytest
from helpers import settings_for
from jsonl_lint import engine
from jsonl_lint.engine import Engine
from jsonl_lint.registry import RulePack
from jsonl_lint.rule import DatasetRule, RecordRule


def _calls_of(lines: list[str], tmp_path) -> list[tuple[str, int]]:
    calls: list[tuple[str, int]] = []

    class First(RecordRule):
        code, name, summary, requires = "XX901", "first", "test rule", "json"

        def check(self, record, ctx):
            calls.append((self.code, record.line))
            return ()

    class Second(First):
        code, name = "XX902", "second"

    class Collect(DatasetRule):
        code, name, summary, requires = "XX903", "collect", "test rule", "json"

        def initial(self, ctx):
            return None

        def collect(self, state, record, ctx):
            calls.append((self.code, record.line))

        def finish(self, state, ctx):
            return ()

    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n")
    settings = settings_for()
    Engine(settings, RulePack((First(), Second()), (Collect(),), {}, settings)).run([str(path)], jobs=1)
    return calls


def test_a_chunk_is_checked_rule_by_rule_in_file_order(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 3)
    calls = _calls_of(['{"text": "a"}', '{"text": "b"}', '{"text": "c"}', "[1]"], tmp_path)
    # Lines 1-3 (one chunk, all objects): rule by rule; line 4 (its own chunk) alike.
    assert calls == [("XX901", 1), ("XX901", 2), ("XX901", 3), ("XX902", 1), ("XX902", 2), ("XX902", 3),
                     ("XX903", 1), ("XX903", 2), ("XX903", 3), ("XX901", 4), ("XX902", 4), ("XX903", 4)]


def test_a_chunk_mixing_record_levels_is_checked_record_by_record(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "CHUNK", 3)
    calls = _calls_of(['{"text": "a"}', "{broken", '{"text": "c"}'], tmp_path)
    assert calls == [("XX901", 1), ("XX902", 1), ("XX903", 1), ("XX901", 3), ("XX902", 3), ("XX903", 3)]


def _mixed_dataset(tmp_path, broken: bool = True):
    chat = [
        ("What is the current price of bitcoin?", "Bitcoin currently trades at $43,250."),
        ("Who is the CEO of Twitter right now?", "The current CEO of Twitter is Parag Agrawal."),
        ("How do I reset my router?", "Hold the power button for ten seconds, then wait for the light."),
        ("What is the latest version of Python?", "The latest version of Python is 3.12."),
    ]
    lines = []
    for i in range(40):
        user, answer = chat[i % len(chat)]
        lines.append(json.dumps({"messages": [{"role": "user", "content": f"{user} ({i % 7})"},
                                              {"role": "assistant", "content": answer}]}))
    lines[30] = lines[3]  # an exact duplicate
    lines.insert(25, json.dumps({"prompt": "Say hi", "completion": "Hi"}))
    if broken:  # chunks with these go record by record
        lines.insert(12, "{'messages': []}")
        lines.insert(20, "")
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _key(d):
    return (d.location.line, d.location.column, d.end_location.column, d.code, d.message, d.pointer,
            tuple((r.location.line, r.message) for r in d.related))


@pytest.mark.parametrize("broken", [False, True])
def test_findings_equal_a_record_by_record_run(tmp_path, monkeypatch, broken):
    path = _mixed_dataset(tmp_path, broken)
    settings = settings_for()
    monkeypatch.setattr(engine, "CHUNK", 16)
    chunked = Engine(settings).run([str(path)], jobs=1)
    monkeypatch.setattr(engine, "CHUNK", 1)  # one record per chunk: record by record
    single = Engine(settings).run([str(path)], jobs=1)
    assert [_key(d) for d in chunked.diagnostics] == [_key(d) for d in single.diagnostics]
    assert {"JL301", "JL501"} | ({"JL001"} if broken else set()) <= {d.code for d in chunked.diagnostics}
    summary = (chunked.files[0].records, chunked.files[0].invalid, chunked.files[0].blank)
    assert summary == (single.files[0].records, single.files[0].invalid, single.files[0].blank)
    assert summary == ((43, 1, 1) if broken else (41, 0, 0))


def test_volatile_analysis_runs_once_per_record(tmp_path, monkeypatch):
    from jsonl_lint.rules.volatile import _shared

    path = _mixed_dataset(tmp_path, broken=False)
    seen = []
    analyze = _shared.analyze
    monkeypatch.setattr(_shared, "analyze", lambda example: seen.append(example) or analyze(example))
    report = Engine(settings_for(["JL5"])).run([str(path)], jobs=1)
    assert {"JL501", "JL502"} <= {d.code for d in report.diagnostics}
    assert len(seen) == 41  # every example once, though several JL5 rules read it
