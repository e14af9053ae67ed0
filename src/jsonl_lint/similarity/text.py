"""What a record is compared on, normalized, and stable hashes of records."""

from __future__ import annotations

from typing import Any, Collection, Iterable

import orjson
import xxhash

from ..formats import plain_messages


def sides(example, roles: Collection[str], boilerplate_roles: Collection[str]) -> tuple[str, str]:
    """The compared text of a record split in two: turns whose shared text may be
    boilerplate (prompts: system, user, tool) and the rest (assistant answers)."""
    prompt: list[str] = []
    answer: list[str] = []
    for turn in example.turns:
        role = turn.role
        if role in roles and turn.text:
            (prompt if role in boilerplate_roles else answer).append(turn.text)
    return "\n".join(prompt), "\n".join(answer)


def prompt_side(record, roles: Iterable[str], boilerplate_roles: Iterable[str]) -> str:
    """``sides(record.example, ...)[0]``, read straight from a plain record without
    building the normalized view the calibration sample needs for nothing else."""
    found = plain_sides(record.value, record.format, roles, boilerplate_roles) if record.mapping is None else None
    if found is None:
        return sides(record.example, roles, boilerplate_roles)[0]
    return found[0]


def plain_sides(value, fmt: str | None, roles: Collection[str],
                boilerplate_roles: Collection[str]) -> tuple[str, str] | None:
    """``sides`` of a plain record (see :func:`~jsonl_lint.formats.plain_messages`: its
    turns are the system prompt, then its messages one for one) read from its value, or
    None when it is not plain."""
    plain = plain_messages(value, fmt) if fmt is not None else None
    if plain is None:
        return None
    shape, messages, system = plain
    prompt: list[str] = []
    answer: list[str] = []
    if system and "system" in roles:
        (prompt if "system" in boilerplate_roles else answer).append(system)
    text_key = shape.text_key
    for m in messages:
        text = m[text_key]
        if text:
            role = shape.role(m)
            if role in roles:
                (prompt if role in boilerplate_roles else answer).append(text)
    return "\n".join(prompt), "\n".join(answer)


def stable_hash64(data: bytes | str) -> int:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return xxhash.xxh3_64_intdigest(data)


def _canonical(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _trims(value: Any) -> bool:
    """Whether ``_canonical`` may change ``value``: a string in it with whitespace at an
    end (or a key that is not a string, which JSON never gives)."""
    if isinstance(value, str):
        return bool(value) and (value[0].isspace() or value[-1].isspace())
    if isinstance(value, dict):
        for k, v in value.items():
            if type(k) is not str:
                return True
            if type(v) is str:  # tested here: a call per string was most of the walk
                if v and (v[0].isspace() or v[-1].isspace()):
                    return True
            elif _trims(v):
                return True
        return False
    if isinstance(value, list):
        for v in value:
            if type(v) is str:
                if v and (v[0].isspace() or v[-1].isspace()):
                    return True
            elif _trims(v):
                return True
    return False


_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def canonical_hash(value: Any) -> int:
    """Hash of a record after canonicalization: key order ignored, strings trimmed
    at both ends. 64-bit xxh3 (collisions are negligible below billions of records)."""
    canon = _canonical(value) if _trims(value) else value  # most records have nothing to trim
    try:
        data = orjson.dumps(canon, option=_CANONICAL)
    except TypeError:  # values orjson cannot encode (e.g. ints wider than 64 bits)
        data = repr(_canonical(value)).encode("utf-8", "surrogatepass")
    return xxhash.xxh3_64_intdigest(data)


def record_canonical_hash(record) -> int:
    """``canonical_hash`` of a record's value, computed once per record (rules share it)."""
    h = record.extra.get("canonical_hash")
    if h is None:
        h = record.extra["canonical_hash"] = canonical_hash(record.value)
    return h
