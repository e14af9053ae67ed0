"""The model registry (``--model``) read back from the user cache equals the one read from
the profile files, and a change to a profile or to the code that reads it reads them again."""

from __future__ import annotations

import os

import pytest

import jsonl_lint.targets as targets
from jsonl_lint.targets import profile_names
from jsonl_lint.tokens import models


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("JSONL_LINT_CACHE_DIR", str(tmp_path))
    yield tmp_path
    models._target_models.cache_clear()


def _registry() -> dict[str, dict]:
    models._target_models.cache_clear()
    return {target: models._target_models(target) for target in profile_names()}


def _profiles_read(monkeypatch) -> list[str]:
    reads: list[str] = []
    shipped = targets.shipped_profile
    monkeypatch.setattr(targets, "shipped_profile", lambda name: reads.append(name) or shipped(name))
    return reads


def test_cached_models_equal_the_profiles_and_no_profile_is_read(fresh_cache, monkeypatch):
    built = _registry()
    assert any(name.startswith("target-models-") for name in os.listdir(fresh_cache))
    reads = _profiles_read(monkeypatch)
    cached = _registry()
    assert reads == []
    assert cached == built
    for target, by_name in cached.items():
        assert list(by_name) == list(built[target]), target  # names in the same order
        # a model answering to several names stays one object
        assert len({id(i) for i in by_name.values()}) == len({id(i) for i in built[target].values()}), target


def test_changed_code_reads_the_profiles_again(fresh_cache, monkeypatch):
    built = _registry()
    monkeypatch.setattr(models, "_code", lambda: (b"other code",))
    reads = _profiles_read(monkeypatch)
    assert _registry() == built
    assert set(reads) == set(profile_names())
