import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True, scope="session")
def _own_cache_dir(tmp_path_factory):
    """The user cache (parsed encodings, syllable table) in a folder of the test session,
    not the home folder; subprocesses inherit it."""
    old = os.environ.get("JSONL_LINT_CACHE_DIR")
    os.environ["JSONL_LINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if old is None:
        os.environ.pop("JSONL_LINT_CACHE_DIR", None)
    else:
        os.environ["JSONL_LINT_CACHE_DIR"] = old
