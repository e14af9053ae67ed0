"""Shared state for the system-prompt rules (JL407, JL408): distinct system prompts
with counts and the records that use each, plus the records without one."""

from __future__ import annotations

import hashlib

GROUP_REFS = 1000  # records remembered per distinct prompt
MAX_TEXTS = 2000  # distinct prompt texts kept for similarity (beyond: hashes only)
_KEY = "jl4.system"


def system_turn(record):
    """(text, text pointer, hash of the text) of the record's system prompt, or None;
    memoized (JL407 and JL408 both read it)."""
    cached = record.extra.get(_KEY, False)
    if cached is not False:
        return cached
    out = None
    ex = record.example
    if ex is not None:
        for t in ex.turns:
            if t.role in ("system", "developer"):
                text = t.text
                out = (text, t.text_pointer, hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).digest())
                break
    record.extra[_KEY] = out
    return out


def first_turn_pointer(record) -> str:
    ex = record.example
    return ex.turns[0].pointer if ex is not None and ex.turns else ""


def initial() -> dict:
    return {"examples": 0, "groups": {}, "missing": []}


def collect(state: dict, record) -> None:
    state["examples"] += 1
    found = system_turn(record)
    if found is None:
        if len(state["missing"]) < 100_000:
            state["missing"].append((record.ref, first_turn_pointer(record)))
        return
    text, pointer, key = found
    g = state["groups"].get(key)
    if g is None:
        keep = text if len(state["groups"]) < MAX_TEXTS else None
        g = state["groups"][key] = [0, keep, []]
    g[0] += 1
    if len(g[2]) < GROUP_REFS:
        g[2].append((record.ref, pointer))


def merge(states: list[dict]) -> dict:
    out = initial()
    for s in states:
        out["examples"] += s["examples"]
        out["missing"].extend(s["missing"])
        for key, (count, text, refs) in s["groups"].items():
            g = out["groups"].get(key)
            if g is None:
                # Texts of the first MAX_TEXTS distinct prompts of the run, as a serial run keeps.
                keep = text if len(out["groups"]) < MAX_TEXTS else None
                out["groups"][key] = [count, keep, list(refs)]
            else:
                g[0] += count
                g[2].extend(refs[: max(0, GROUP_REFS - len(g[2]))])
    return out


def preview(text: str | None, limit: int = 60) -> str:
    if text is None:
        return "(text not kept)"
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")
