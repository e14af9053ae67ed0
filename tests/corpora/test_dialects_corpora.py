"""Real files in ../shared/corpora: each dialect is recognised under its own name, and the
schema band (JL0xx/JL1xx) raises no false error on them (the audit's failed runs)."""

from __future__ import annotations

from collections import Counter

import pytest

from helpers import corpus
from jsonl_lint.config import settings_from_table
from jsonl_lint.engine import Engine


def run(path, select=("JL0", "JL1")):
    settings = settings_from_table({"select": list(select), "root": str(path.parent)}, None)
    return Engine(settings).run([str(path)], jobs=1)


@pytest.mark.slow
@pytest.mark.parametrize("parts,fmt", [
    (("llamafactory", "kto_en_demo.json"), "kto"),
    (("llamafactory", "reason_tool_use_demo_50.jsonl"), "llamafactory-v1"),
    (("llamafactory", "v1_sft_demo.jsonl"), "llamafactory-v1"),
    (("anthropic-cookbook", "json_mode_dataset.jsonl"), "anthropic-chat"),
    (("llamafactory", "glaive_toolcall_en_demo.json"), "sharegpt"),
])
def test_dialect_files_are_recognised(parts, fmt):
    report = run(corpus(*parts), select=("JL008",))
    assert set(report.files[0].formats) == {fmt}
    assert report.diagnostics == []


@pytest.mark.slow
@pytest.mark.parametrize("parts", [("llamafactory", "alpaca_en_demo.json"), ("llamafactory", "kto_en_demo.json"),
                                   ("llamafactory", "reason_tool_use_demo_50.jsonl")])
def test_files_the_audit_failed_on_false_errors_have_no_schema_error(parts):
    report = run(corpus(*parts))
    assert [d for d in report.diagnostics if d.severity.value == "error"] == []
    assert not [d for d in report.diagnostics if d.code == "JL113"]  # KTO's label is its own field


@pytest.mark.slow
@pytest.mark.parametrize("parts", [("llamafactory", "alpaca_en_demo.json"), ("llamafactory", "kto_en_demo.json"),
                                   ("llamafactory", "reason_tool_use_demo_50.jsonl")])
def test_a_default_run_passes_the_files_the_audit_failed_on_false_errors(parts):
    """The whole default check (every default-on rule), as `jsonl-lint check FILE` runs it."""
    path = corpus(*parts)
    report = Engine(settings_from_table({"root": str(path.parent)}, None)).run([str(path)], jobs=1)
    assert [(d.code, d.message) for d in report.diagnostics if d.severity.value == "error"] == []


@pytest.mark.slow
def test_a_file_in_no_training_format_gets_one_finding():
    found = run(corpus("alpaca", "seed_tasks.jsonl")).diagnostics
    assert [d.code for d in found] == ["JL101"]
    assert "none of this file's 175 records" in found[0].message and "format = {formatting" in found[0].message


@pytest.mark.slow
def test_hh_rlhf_findings_point_at_the_turn_and_one_defect_gives_one_finding():
    import gzip

    from jsonl_lint.positions import SourceMap

    path = corpus("hh-rlhf", "harmless-base_test.jsonl.gz")
    found = run(path, select=("JL107", "JL112", "JL801")).diagnostics
    by_code = Counter(d.code for d in found)
    assert by_code["JL112"] == 0 and by_code["JL801"] >= 4 and by_code["JL107"] >= 4
    lines = gzip.open(path, "rt", encoding="utf-8").read().split("\n")
    for d in found:  # a turn inside the transcript, not the whole /chosen string
        node = SourceMap(lines[d.location.line - 1]).find(d.pointer)
        assert d.location.line == d.end_location.line
        assert node.value_start + 1 < d.location.column - 1 < d.end_location.column - 1 < node.value_end
