"""Real datasets converted to every target (the first records of each corpus file): every
record written or reported once, the written records pass `check --target`, and those
converted with no finding read back as the same example. Skips without the corpora."""

from __future__ import annotations

import json
from itertools import islice

import pytest

from convhelp import settings as make_settings
from helpers import CORPORA
from jsonl_lint.convert import Converter
from jsonl_lint.convert.compare import differences
from jsonl_lint.convert.read import read
from jsonl_lint.engine import Engine
from jsonl_lint.formats import normalize
from jsonl_lint.reader import open_binary, read_records
from jsonl_lint.targets import profile_names, resolve_target

pytestmark = pytest.mark.slow
PER_FILE = 150
DATASET_RULES = {"JL900", "JL908", "JL910"}


def corpus_files():
    if not CORPORA.is_dir():
        return []
    return sorted(p for p in CORPORA.rglob("*") if p.name.endswith((".json", ".jsonl", ".jsonl.gz")))


@pytest.mark.skipif(not CORPORA.is_dir(), reason="shared corpora not available")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_file_converts_for_every_target(path):
    settings = make_settings()
    for target in profile_names():
        converter = Converter(resolve_target(target, settings), settings)
        written, records, same, left_out = [], 0, 0, 0
        with open_binary(str(path)) as stream:
            for record in islice((r for r in read_records(stream, str(path)) if not r.blank), PER_FILE):
                records += 1
                converted = converter.convert(record)
                errors = [f for k, f in converted.findings if k.severity.value == "error"]
                if converted.output is None:
                    assert len(errors) == 1, (target, record.line)
                    left_out += 1
                    continue
                assert not errors
                written.append(converted.output)
                if not converted.findings:
                    back = read(converted.output, normalize(converted.output))
                    assert differences(read(record.value, record.example), back) == [], (target, record.line)
                    same += 1
        assert len(written) + left_out == records
        if written:
            text = "".join(json.dumps(o) + "\n" for o in written)
            found = Engine(make_settings(target=[target], select=["JL9"])).run_text(text, "out.jsonl").diagnostics
            errors = [d for d in found if d.severity.value == "error" and d.code not in DATASET_RULES]
            assert errors == [], (target, [(d.location.line, d.message) for d in errors[:3]])
