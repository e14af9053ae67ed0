"""Engine behaviour: parallel runs equal serial runs, dataset findings re-read their
records, and every rule kind sees every format through one pass."""

from __future__ import annotations

import json
import random

from helpers import settings_for
from jsonl_lint.engine import Engine, lint_paths


def _dataset(tmp_path, n=400):
    rng = random.Random(7)
    lines = []
    for i in range(n):
        user = f"Question {i}: how do I reset my {rng.choice(['router', 'phone', 'laptop'])}?"
        answer = "Hold the power button for ten seconds, then wait for the light." + " Really." * (i % 3)
        role = "asistant" if i % 97 == 5 else "assistant"
        lines.append(json.dumps({"messages": [{"role": "user", "content": user}, {"role": role, "content": answer}]}))
    lines[200] = lines[100]  # an exact duplicate far away
    lines.insert(150, "{'messages': []}")
    lines.insert(250, "")
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _key(d):
    return (d.filename, d.location.line, d.location.column, d.end_location.column, d.code, d.message,
            tuple((r.location.line, r.message) for r in d.related))


def test_parallel_run_equals_serial_run(tmp_path):
    path = _dataset(tmp_path)
    settings = settings_for(["JL0", "JL1", "JL3"])
    serial = Engine(settings).run([str(path)], jobs=1)
    parallel = Engine(settings).run([str(path)], jobs=2)
    assert [_key(d) for d in serial.diagnostics] == [_key(d) for d in parallel.diagnostics]
    assert {d.code for d in serial.diagnostics} >= {"JL001", "JL003", "JL104", "JL301"}
    assert serial.files[0].records == parallel.files[0].records == 402


def test_dataset_findings_point_at_records_across_files(tmp_path):
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.json"
    rec = {"messages": [{"role": "user", "content": "Where is my order?"},
                        {"role": "assistant", "content": "It ships tomorrow from our main warehouse."}]}
    a.write_text(json.dumps({"prompt": "x", "completion": "y"}) + "\n" + json.dumps(rec) + "\n")
    b.write_text(json.dumps([rec], indent=2))
    report = lint_paths([str(a), str(b)], settings_for(["JL301"]))
    dup = [d for d in report.diagnostics if d.code == "JL301"]
    assert len(dup) == 1
    assert (dup[0].filename, dup[0].location.line, dup[0].location.column) == (str(b), 2, 3)
    assert [(r.filename, r.location.line) for r in dup[0].related] == [(str(a), 2)]


def test_rules_whose_options_leave_nothing_to_check_are_skipped(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "Hi"},
                                             {"role": "assistant", "content": "Hello there, friend"}]}) + "\n")
    unset = Engine(settings_for(["JL6"]))
    codes = {r.code for kind in unset.active_rules(str(path)) for r in kind}
    assert {"JL601", "JL603"} <= codes and not codes & {"JL604", "JL605", "JL606"}  # optional maximums unset
    configured = Engine(settings_for(["JL6"], {"max-tokens": 2}, "turn-too-long"))
    assert "JL604" in {r.code for r in configured.active_rules(str(path))[0]}
    assert [d.code for d in configured.run([str(path)]).diagnostics] == ["JL604"]


def test_target_rules_are_left_out_of_a_run_without_a_target(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "Hi"},
                                             {"role": "assistant", "content": "Hello there, friend"}]}) + "\n")
    untargeted = Engine(settings_for(["JL9"]))
    assert len(untargeted.pack.rules) == 11
    assert not [r for kind in untargeted.active_rules(str(path)) for r in kind]
    targeted = Engine(settings_for(["JL9"], target=["together"]))
    assert {r.code for kind in targeted.active_rules(str(path)) for r in kind} == {r.code for r in targeted.pack.rules}



def test_the_per_record_pass_collects_young_objects_less_often(tmp_path):
    import gc

    from jsonl_lint.engine import GC_YOUNG
    from jsonl_lint.registry import RulePack
    from jsonl_lint.rule import RecordRule

    seen = []

    class Probe(RecordRule):
        code, name, summary, requires = "XX903", "probe", "test rule", "raw"

        def check(self, record, ctx):
            seen.append(gc.get_threshold())
            return ()

    path = tmp_path / "train.jsonl"
    path.write_text('{"text": "x"}\n')
    settings = settings_for()
    before = gc.get_threshold()
    Engine(settings, RulePack((Probe(),), (), {}, settings)).run([str(path)])
    assert seen == [(max(before[0], GC_YOUNG), *before[1:])] and gc.get_threshold() == before


def test_prefetch_hooks_run_once_per_chunk_per_distinct_hook(tmp_path):
    from jsonl_lint.engine import CHUNK
    from jsonl_lint.registry import RulePack
    from jsonl_lint.rule import RecordRule

    seen = []

    def hook(rule, records, ctx):
        seen.append(len(records))

    class First(RecordRule):
        code, name, summary = "XX901", "first", "test rule"
        prefetch = hook

        def check(self, record, ctx):
            return ()

    class Second(First):
        code, name = "XX902", "second"

    path = tmp_path / "train.jsonl"
    path.write_text('{"text": "x"}\n' * (CHUNK + 10))
    settings = settings_for()
    Engine(settings, RulePack((First(), Second()), (), {}, settings)).run([str(path)])
    assert seen == [CHUNK, 10]  # one call per chunk, shared by both rules
