"""The Ray backend on a real single-node cluster (one per test session): findings
equal the local run's for any number of tasks, also when reading from S3."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers import settings_for  # noqa: E402
from test_split_independence import EVERY_RULE, TEMPLATE, _key, every_rule_dataset, template_dataset  # noqa: E402

from jsonl_lint.cli import main  # noqa: E402
from jsonl_lint.engine import Engine  # noqa: E402

pytestmark = pytest.mark.distributed


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ray")
    out = {}
    for name, data, table in (("every", every_rule_dataset(), EVERY_RULE), ("template", template_dataset(), TEMPLATE)):
        path = folder / f"{name}.jsonl"
        path.write_bytes(data)
        out[name] = (str(path), settings_for(**table))
    return out


@pytest.mark.parametrize("name", ["every", "template"])
def test_ray_findings_equal_the_local_run_for_2_and_5_tasks(ray_cluster, datasets, name):
    path, settings = datasets[name]
    local = [_key(d) for d in Engine(settings).run([path], jobs=1).diagnostics]
    ray_settings = settings.updated(backend="ray")
    for tasks in (2, 5):
        report = Engine(ray_settings).run([path], tasks=tasks)
        assert [_key(d) for d in report.diagnostics] == local
        assert report.files[0].records == Engine(settings).run([path], jobs=1).files[0].records


def test_ray_reads_s3(ray_cluster, s3, datasets):
    path, settings = datasets["every"]
    s3.pipe("bucket/every.jsonl", Path(path).read_bytes())
    local = [_key(d) for d in Engine(settings).run([path], jobs=1).diagnostics]
    report = Engine(settings.updated(backend="ray")).run(["s3://bucket/every.jsonl"], tasks=3)
    remote = [_key(d) for d in report.diagnostics]
    assert [str(k).replace("s3://bucket/every.jsonl", "F") for k in remote] == \
        [str(k).replace(path, "F") for k in local]


def test_check_command_runs_on_ray(ray_cluster, datasets):
    path, _ = datasets["every"]
    out, err = io.StringIO(), io.StringIO()
    args = ["--select", "JL301,JL104", "--output-format", "concise", "--no-progress", "--isolated"]
    code = main(["check", path, "--backend", "ray", *args], out, err)
    expected = io.StringIO()
    assert main(["check", path, "--jobs", "1", *args], expected, io.StringIO()) == code, err.getvalue()
    assert out.getvalue() == expected.getvalue() and "JL301" in out.getvalue()
