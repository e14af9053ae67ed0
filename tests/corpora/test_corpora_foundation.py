"""Every real dataset in ../shared/corpora is checked with every rule without a crash,
and every finding names a line and, for records that parse, the field (JSON pointer)."""

from __future__ import annotations

import pytest

from helpers import CORPORA
from jsonl_lint.config import settings_from_table
from jsonl_lint.engine import Engine, discover

FILES = sorted(p for p in CORPORA.rglob("*") if p.suffix in (".json", ".jsonl", ".gz")) if CORPORA.exists() else []


@pytest.mark.slow
@pytest.mark.skipif(not FILES, reason="../shared/corpora not available")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPORA)))
def test_corpus_file_is_checked_without_a_crash(path):
    settings = settings_from_table({"select": ["ALL"], "root": str(CORPORA)}, None)
    assert discover([str(path)], settings) == [str(path)]
    report = Engine(settings).run([str(path)], jobs=1)
    assert report.files[0].records > 0
    for d in report.diagnostics:
        assert d.location.line >= 1 and d.location.column >= 1
        assert d.end_location.line >= d.location.line
        if d.record is None:
            continue  # file-level finding (dataset size, refusal share, ...): line 1, no field
        assert d.pointer or d.code in WHOLE_RECORD_CODES, (d.code, d.message)


# Rules whose findings are about a whole record by nature (syntax, encoding, layout).
WHOLE_RECORD_CODES = {"JL001", "JL002", "JL003", "JL004", "JL005", "JL006", "JL007", "JL008", "JL101",
                      "JL301", "JL302", "JL303", "JL304"}  # duplicates are about whole examples
