"""s3:// datasets through s3fs, against a moto server on 127.0.0.1."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers import settings_for  # noqa: E402
from test_split_independence import EVERY_RULE, _key, every_rule_dataset  # noqa: E402

from jsonl_lint.backends import Backend  # noqa: E402
from jsonl_lint.cli import main  # noqa: E402
from jsonl_lint.engine import Engine, plan  # noqa: E402


def _without_path(keys, path):
    """Finding keys with the file's path (also in related locations) taken out."""
    return [json.loads(json.dumps(k).replace(json.dumps(path)[1:-1], "")) for k in keys]


def test_s3_findings_equal_the_local_files(s3, tmp_path):
    data = every_rule_dataset()
    local = tmp_path / "train.jsonl"
    local.write_bytes(data)
    s3.pipe("bucket/train.jsonl", data)
    settings = settings_for(**EVERY_RULE)
    url = "s3://bucket/train.jsonl"
    expected = _without_path([_key(d) for d in Engine(settings).run([str(local)], jobs=1).diagnostics], str(local))
    remote = Engine(settings).run([url], jobs=1)
    assert _without_path([_key(d) for d in remote.diagnostics], url) == expected
    assert {d.filename for d in remote.diagnostics} == {url}
    split = Engine(settings).run_plan(plan([url], 3), Backend())
    assert _without_path([_key(d) for d in split.diagnostics], url) == expected


def test_check_command_reads_s3_globs_and_compressed_objects(s3, tmp_path):
    import gzip

    rec = {"messages": [{"role": "user", "content": "Where is my order?"},
                        {"role": "asistant", "content": "It ships tomorrow."}]}
    s3.pipe("bucket/data/a.jsonl", (json.dumps(rec) + "\n").encode())
    s3.pipe("bucket/data/b.jsonl.gz", gzip.compress((json.dumps(rec) + "\n").encode()))
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "s3://bucket/data/*", "--select", "JL104,JL301", "--output-format", "concise",
                 "--no-progress", "--isolated"], out, err)
    assert code == 1, err.getvalue()
    lines = out.getvalue().splitlines()
    assert any(line.startswith("s3://bucket/data/a.jsonl:1:") and "JL104" in line for line in lines)
    assert any(line.startswith("s3://bucket/data/b.jsonl.gz:1:") and "JL301" in line for line in lines)


def test_missing_object_and_missing_extra_are_clear_errors(s3, monkeypatch):
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "s3://bucket/nope.jsonl", "--isolated"], out, err) == 2
    assert "s3://bucket/nope.jsonl: no such object" in err.getvalue()
    from jsonl_lint import sources

    sources.filesystem.cache_clear()
    monkeypatch.setitem(sys.modules, "gcsfs", None)
    err = io.StringIO()
    assert main(["check", "gs://bucket/train.jsonl", "--isolated"], io.StringIO(), err) == 2
    assert "pip install 'jsonl-lint[gcs]'" in err.getvalue()
    sources.filesystem.cache_clear()


def test_credentials_in_a_path_never_reach_the_output(s3):
    from jsonl_lint.sources import display

    assert display("s3://AKIAXXX:secret@bucket/train.jsonl") == "s3://bucket/train.jsonl"
    assert display("hf://datasets/org/data?token=hf_abc&x=1") == "hf://datasets/org/data?token=***&x=1"
    err = io.StringIO()
    assert main(["check", "s3://AKIAXXX:hunter2@bucket/nope.jsonl", "--isolated"], io.StringIO(), err) == 2
    assert "hunter2" not in err.getvalue() and "AKIAXXX" not in err.getvalue()


def test_stats_and_report_read_s3(s3, tmp_path):
    data = every_rule_dataset()
    local = tmp_path / "every.jsonl"
    local.write_bytes(data)
    s3.pipe("bucket/every.jsonl", data)
    outputs = []
    for path in (str(local), "s3://bucket/every.jsonl"):
        out = io.StringIO()
        assert main(["stats", path, "--output-format", "json", "--isolated", "--no-progress"], out, io.StringIO()) == 0
        outputs.append(out.getvalue().replace(path, "F"))
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[1])["per_example"][-1]["line"] == 360
    html = tmp_path / "report.html"
    assert main(["report", "s3://bucket/every.jsonl", "-o", str(html), "--isolated", "--no-progress"],
                io.StringIO(), io.StringIO()) in (0, 1)
    assert "every.jsonl" in html.read_text()
