import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

# Property tests draw the same examples on every run, so a landing never fails on a case no
# earlier run met; `HYPOTHESIS_PROFILE=explore pytest` draws new ones to hunt for bugs (add
# what it finds as an @example).
settings.register_profile("deterministic", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


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
