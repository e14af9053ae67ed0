"""--fix on real datasets with every built-in rule: a JSON array with duplicates and
placeholder inputs, and a JSONL chat file."""

from __future__ import annotations

import io
import json
import shutil

import pytest

from helpers import corpus
from jsonl_lint.cli import main
from jsonl_lint.reader import read_records

pytestmark = pytest.mark.slow


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    return main(list(args), out, err), out.getvalue(), err.getvalue()


def elements(path) -> list[str]:
    with open(path, "rb") as f:
        return [r.text for r in read_records(f, str(path)) if not r.blank]


@pytest.mark.parametrize("name", [("llamafactory", "alpaca_en_demo.json"),
                                  ("anthropic-cookbook", "json_mode_dataset.jsonl")])
def test_fix_on_a_real_dataset(tmp_path, name):
    source = corpus(*name)
    path = tmp_path / name[1]
    shutil.copyfile(source, path)
    before = elements(path)

    # safe fixes: every record is still there
    cli("check", "--isolated", "--fix", str(path))
    safe = elements(path)
    assert len(safe) == len(before)
    if path.suffix == ".json":
        assert len(json.loads(path.read_bytes())) == len(before)

    # unsafe fixes too: records go only through unsafe fixes, and untouched ones keep their bytes
    shutil.copyfile(source, path)
    code, diff, _ = cli("check", "--isolated", "--diff", "--unsafe-fixes", str(path))
    added = sum(1 for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++"))
    cli("check", "--isolated", "--fix", "--unsafe-fixes", str(path))
    after = elements(path)
    assert len(after) <= len(before)
    # records the fixes did not edit are the old bytes, in the old order
    source_records = iter(before)
    same = [t for t in after if t in set(before)]
    assert all(any(t == s for s in source_records) for t in same)
    assert len(after) - len(same) <= added  # every other record was edited by a fix in the diff

    # and a second run has nothing left to do
    data = path.read_bytes()
    code, diff, _ = cli("check", "--isolated", "--diff", "--unsafe-fixes", str(path))
    assert code == 0 and diff == ""
    assert path.read_bytes() == data
