"""`jsonl-lint convert` from the command line: outputs written atomically next to their
sidecars, the inputs never touched, --strict, the validation split and the formats."""

from __future__ import annotations

import io
import json
import os

import pytest

from convhelp import chat, tool_chat
from jsonl_lint.cli import main

GOOD = [chat(("user", f"Question {i}?"), ("assistant", f"Answer {i}.")) for i in range(40)]
LOSSY = chat(("user", "Hi"), ("user", "Are you there?"), ("assistant", "Yes!"))


def write(path, records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = main(["convert", *map(str, args), "--isolated"], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_converts_reports_losses_and_maps_every_output_line(tmp_path):
    src = write(tmp_path / "in.jsonl", [GOOD[0], LOSSY, "not json", GOOD[1]])
    before = src.read_bytes()
    code, out, _ = run(src, "--to", "together", "-o", tmp_path / "out.jsonl")
    assert code == 1  # a record was left out
    assert "JL955" in out and "JL950" in out and "Converted 3 of 4 records for together (1 left out" in out
    assert src.read_bytes() == before
    assert len(lines(tmp_path / "out.jsonl")) == 3
    rows = (tmp_path / "out.map.tsv").read_text().splitlines()
    assert rows[0] == "output\toutput_line\tinput\tinput_line\tinput_record"
    assert [r.split("\t")[1:] for r in rows[1:]] == [["1", str(src), "1", "1"], ["2", str(src), "2", "2"],
                                                      ["3", str(src), "4", "4"]]


def test_exit_zero_when_every_record_is_written_even_with_losses(tmp_path):
    src = write(tmp_path / "in.jsonl", [GOOD[0], LOSSY])
    code, out, _ = run(src, "--to", "together", "-o", tmp_path / "out.jsonl")
    assert code == 0 and "Converted 2 of 2 records" in out


def test_strict_writes_nothing_and_fails_on_any_loss(tmp_path):
    src = write(tmp_path / "in.jsonl", [GOOD[0], LOSSY])
    (tmp_path / "out.jsonl").write_text("old\n")
    code, out, _ = run(src, "--to", "together", "-o", tmp_path / "out.jsonl", "--strict")
    assert code == 1 and "nothing was written" in out
    assert (tmp_path / "out.jsonl").read_text() == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["in.jsonl", "out.jsonl"]  # no temporary file left behind
    code, _, _ = run(write(tmp_path / "ok.jsonl", GOOD[:3]), "--to", "together", "-o", tmp_path / "out.jsonl",
                     "--strict")
    assert code == 0 and len(lines(tmp_path / "out.jsonl")) == 3


def test_never_writes_over_an_input(tmp_path):
    src = write(tmp_path / "in.jsonl", GOOD[:2])
    before = src.read_bytes()
    code, _, err = run(src, "--to", "openai", "-o", src)
    assert code == 2 and "overwrite an input" in err and src.read_bytes() == before
    os.symlink(src, tmp_path / "link.jsonl")
    code, _, err = run(src, "--to", "openai", "-o", tmp_path / "link.jsonl")
    assert code == 2 and src.read_bytes() == before


def test_validation_split_is_fixed_by_the_seed(tmp_path):
    src = write(tmp_path / "in.jsonl", GOOD)
    code, out, _ = run(src, "--to", "openai", "-o", tmp_path / "a.jsonl", "--split-validation", "0.25")
    assert code == 0
    train, val = lines(tmp_path / "a.jsonl"), lines(tmp_path / "a.validation.jsonl")
    assert len(train) + len(val) == 40 and 0 < len(val) < 20
    assert {json.dumps(r) for r in train}.isdisjoint(json.dumps(r) for r in val)
    run(src, "--to", "openai", "-o", tmp_path / "b.jsonl", "--split-validation", "0.25")
    assert lines(tmp_path / "b.validation.jsonl") == val
    run(src, "--to", "openai", "-o", tmp_path / "c.jsonl", "--split-validation", "0.25", "--seed", "7")
    assert lines(tmp_path / "c.validation.jsonl") != val
    rows = (tmp_path / "a.map.tsv").read_text().splitlines()[1:]
    assert sum(r.startswith(str(tmp_path / "a.validation.jsonl")) for r in rows) == len(val)


def test_json_and_sarif_findings_name_the_input_line(tmp_path):
    src = write(tmp_path / "in.jsonl", [GOOD[0], LOSSY])
    code, out, err = run(src, "--to", "together", "-o", tmp_path / "out.jsonl", "--output-format", "json")
    found = json.loads(out)
    assert [(d["code"], d["location"]["row"], d["pointer"]) for d in found] == [("JL955", 2, "/messages/1")]
    assert "Converted 2 of 2" in err  # the summary stays off a machine-read stdout
    code, out, _ = run(src, "--to", "together", "-o", tmp_path / "out.jsonl", "--output-format", "sarif")
    result = json.loads(out)["runs"][0]["results"][0]
    assert result["ruleId"] == "JL955"


def test_llama_factory_writes_its_dataset_info_entry_and_keeps_other_entries(tmp_path):
    src = write(tmp_path / "in.jsonl", [tool_chat()] * 3)
    (tmp_path / "out").mkdir()
    info = tmp_path / "out" / "dataset_info.json"
    info.write_text(json.dumps({"mine": {"file_name": "mine.json"}}))
    code, _, _ = run(src, "--to", "llama-factory", "-o", tmp_path / "out" / "tools.jsonl",
                     "--split-validation", "0.3")
    assert code == 0
    entries = json.loads(info.read_text())
    assert entries["mine"] == {"file_name": "mine.json"}
    assert entries["tools"] == {"file_name": "tools.jsonl", "formatting": "sharegpt",
                                "columns": {"messages": "conversations", "tools": "tools"},
                                "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human",
                                         "assistant_tag": "gpt", "observation_tag": "observation",
                                         "function_tag": "function_call", "system_tag": "system"}}
    assert entries["tools.validation"]["file_name"] == "tools.validation.jsonl"


def test_axolotl_writes_a_config_that_honours_weights(tmp_path):
    weighted = chat(("user", "2+2?"), {"role": "assistant", "content": "5", "weight": 0}, ("user", "Again"),
                    ("assistant", "4"))
    src = write(tmp_path / "in.jsonl", [weighted])
    code, _, _ = run(src, "--to", "axolotl", "-o", tmp_path / "out.jsonl")
    assert code == 0
    config = (tmp_path / "out.axolotl.yml").read_text()
    assert f"path: {tmp_path / 'out.jsonl'}" in config and "type: chat_template" in config
    assert "message_field_training: weight" in config


@pytest.mark.parametrize("bad", [["--split-validation", "1.5"], ["--media-uri", "https://x/"]])
def test_bad_options_are_usage_errors(tmp_path, bad):
    src = write(tmp_path / "in.jsonl", GOOD[:1])
    code, _, _ = run(src, "--to", "openai", "-o", tmp_path / "o.jsonl", *bad)
    assert code == 2


def test_unknown_target_is_a_usage_error(tmp_path):
    src = write(tmp_path / "in.jsonl", GOOD[:1])
    code, _, err = run(src, "--to", "nowhere", "-o", tmp_path / "o.jsonl")
    assert code == 2 and "unknown target" in err and not (tmp_path / "o.jsonl").exists()


def test_predibase_marks_the_split_in_a_column_instead_of_a_second_file(tmp_path):
    src = write(tmp_path / "in.jsonl", GOOD)
    code, _, _ = run(src, "--to", "predibase", "-o", tmp_path / "out.jsonl", "--split-validation", "0.25")
    assert code == 0 and not (tmp_path / "out.validation.jsonl").exists()
    splits = [r["split"] for r in lines(tmp_path / "out.jsonl")]
    assert len(splits) == 40 and set(splits) == {"train", "evaluation"}
