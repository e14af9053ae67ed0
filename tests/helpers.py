"""Shared test helpers: lint a text with only some rules selected."""

from __future__ import annotations

import os
from pathlib import Path

from jsonl_lint.config import settings_from_table
from jsonl_lint.engine import Engine

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"


def settings_for(select=(), options=None, rule=None, **table):
    """Settings selecting ``select`` with ``options`` for ``rule`` (a name or code).

    Selecting rules turns preview on unless ``preview`` is given: a test that names a
    rule tests that rule, whatever its tier. Without ``select`` the run is the default one."""
    data = dict(table)
    if select:
        data["select"] = list(select)
        data.setdefault("preview", True)
    if options and rule:
        data.setdefault("rules", {})[rule] = options
    data.setdefault("root", os.getcwd())
    return settings_from_table(data, None)


def lint(text: str | bytes, select=(), options=None, rule=None, filename="train.jsonl", **table):
    settings = settings_for(select, options, rule, **table)
    return Engine(settings).run_text(text, filename).diagnostics


def corpus(*parts: str) -> Path:
    """Path of a file in ../shared/corpora (tests that use it skip when absent)."""
    import pytest

    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus file {path} not available")
    return path


def child_processes() -> dict[int, list[int]]:
    """Parent pid -> child pids of every running process (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(b")", 1)[1].split()[1]), []).append(int(entry))
    return children
