"""Suppressions for JSONL, which has no comments: a baseline sidecar file.

Each entry is ``{file, code, fingerprint}``; the fingerprint hashes the rule code,
the record's canonical content and the pointer, so it survives reordering and
edits to other records. ``jsonl-lint baseline`` writes it; JL000 reports entries
that no longer match anything.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Position

if TYPE_CHECKING:
    from .config import Settings
    from .registry import RulePack

DEFAULT_BASELINE = ".jsonl-lint-baseline.json"
UNUSED_CODE = "JL000"


def baseline_path(settings: "Settings") -> str:
    root = settings.root or os.getcwd()
    return os.path.join(root, settings.baseline or DEFAULT_BASELINE)


def _rel(path: str, root: str) -> str:
    try:
        return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    except ValueError:
        return path


def entry_for(d: Diagnostic, root: str) -> dict:
    return {"file": _rel(d.filename, root), "code": d.code, "fingerprint": d.fingerprint}


def load_entries(path: str) -> list[dict]:
    if not os.path.isfile(path):
        return []
    from .config import ConfigError

    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        entries = data["suppressions"]
        assert isinstance(entries, list) and all({"file", "code", "fingerprint"} <= set(e) for e in entries)
        return entries
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        raise ConfigError(f"{path}: not a jsonl-lint baseline (expected {{\"suppressions\": "
                          f"[{{\"file\", \"code\", \"fingerprint\"}}, ...]}})") from None


def write_baseline(path: str, diagnostics: list[Diagnostic], root: str) -> int:
    """Write every diagnostic as a suppression, atomically. Returns the entry count."""
    entries = sorted({tuple(entry_for(d, root).items()) for d in diagnostics if d.code != UNUSED_CODE})
    payload = {"version": 1, "suppressions": [dict(e) for e in entries]}
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)
    return len(entries)


def apply_baseline(diagnostics: list[Diagnostic], settings: "Settings", pack: "RulePack",
                   linted: list[str]) -> list[Diagnostic]:
    """Drop suppressed diagnostics; report stale entries of the files linted (JL000)."""
    path = baseline_path(settings)
    entries = load_entries(path)
    if not entries:
        return diagnostics
    root = settings.root or os.getcwd()
    available = Counter((e["file"], e["code"], e["fingerprint"]) for e in entries)
    kept: list[Diagnostic] = []
    linted_files = {_rel(p, root) for p in linted}
    for d in diagnostics:
        key = (_rel(d.filename, root), d.code, d.fingerprint)
        if available[key] > 0:
            available[key] -= 1
            continue
        kept.append(d)
    if UNUSED_CODE in pack.severities:
        from .rules.file.unused_suppression import UnusedSuppression

        severity = pack.severities[UNUSED_CODE]
        for (file, code, fingerprint), left in sorted(available.items()):
            # An entry of a rule that did not run (not selected, or in preview) is not stale.
            if left <= 0 or file not in linted_files or code not in pack.severities:
                continue
            kept.append(Diagnostic(
                UNUSED_CODE, UnusedSuppression.name, severity,
                f"baseline entry for {code} ({fingerprint}) in {file} matches no finding any more; "
                f"remove it with `jsonl-lint baseline`",
                os.path.join(root, file), Position(1, 1), Position(1, 1), UnusedSuppression.url(), fingerprint=fingerprint))
    return kept


