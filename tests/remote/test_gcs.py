"""gs:// datasets through gcsfs. GCS has no emulator that installs from PyPI, so this
test is opt-in: set JSONL_LINT_TEST_GCS_BUCKET to a bucket the usual Google
credentials (GOOGLE_APPLICATION_CREDENTIALS or gcloud's) can write to. It uploads a
small generated file, checks it, and deletes it."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers import settings_for  # noqa: E402
from test_split_independence import EVERY_RULE, _key, every_rule_dataset  # noqa: E402

from jsonl_lint.engine import Engine, plan  # noqa: E402
from jsonl_lint.backends import Backend  # noqa: E402

BUCKET = os.environ.get("JSONL_LINT_TEST_GCS_BUCKET")


@pytest.mark.skipif(not BUCKET, reason="set JSONL_LINT_TEST_GCS_BUCKET to run against real GCS")
def test_gcs_findings_equal_the_local_files(tmp_path):
    gcsfs = pytest.importorskip("gcsfs")
    data = every_rule_dataset()
    name = f"{BUCKET}/jsonl-lint-test-{uuid.uuid4().hex}/every.jsonl"
    local = tmp_path / "every.jsonl"
    local.write_bytes(data)
    fs = gcsfs.GCSFileSystem()
    fs.pipe(name, data)
    try:
        settings = settings_for(**EVERY_RULE)
        expected = [str(_key(d)).replace(str(local), "F") for d in Engine(settings).run([str(local)], jobs=1).diagnostics]
        for tasks in (1, 3):
            report = Engine(settings).run_plan(plan([f"gs://{name}"], tasks), Backend())
            assert [str(_key(d)).replace(f"gs://{name}", "F") for d in report.diagnostics] == expected
    finally:
        fs.rm(name)
