"""Shared access to the raw message lists of chat-like formats, for schema rules."""

from __future__ import annotations

from typing import Any, Iterator

from ...formats import OPENAI_CHAT, OPENAI_PREFERENCE, PREFERENCE_PAIRS, SHAREGPT

OPENAI_ROLES = ("system", "developer", "user", "assistant", "tool", "function")
SHAREGPT_ROLES = ("human", "gpt", "system", "function_call", "observation", "tool", "user", "assistant")


def message_lists(record) -> Iterator[tuple[str, Any, str]]:
    """(pointer, list-or-other, role key) for every message list of a record."""
    value, fmt = record.value, record.example.format
    if fmt == OPENAI_CHAT:
        yield "/messages", value.get("messages"), "role"
    elif fmt == SHAREGPT:
        yield "/conversations", value.get("conversations"), "from"
    elif fmt == OPENAI_PREFERENCE:
        inp = value.get("input")
        if isinstance(inp, dict):
            yield "/input/messages", inp.get("messages"), "role"
        for key in ("preferred_output", "non_preferred_output"):
            if key in value:
                yield f"/{key}", value.get(key), "role"
    elif fmt == PREFERENCE_PAIRS:
        for key in ("conversations", "chosen_messages", "rejected_messages", "chosen", "rejected", "prompt"):
            v = value.get(key)
            if isinstance(v, list):
                role_key = "from" if v and isinstance(v[0], dict) and "from" in v[0] else "role"
                yield f"/{key}", v, role_key


def messages(record) -> Iterator[tuple[str, dict, str]]:
    """(pointer, message object, role key) for every object message of a record."""
    for pointer, items, role_key in message_lists(record):
        if isinstance(items, list):
            for i, msg in enumerate(items):
                if isinstance(msg, dict):
                    yield f"{pointer}/{i}", msg, role_key


def allowed_roles(role_key: str) -> tuple[str, ...]:
    return SHAREGPT_ROLES if role_key == "from" else OPENAI_ROLES
