"""Shared access to the raw message lists of a record, for schema rules: each list comes
with the dialect its messages are written in (see :func:`jsonl_lint.formats.message_lists`)."""

from __future__ import annotations

from ...formats import (ANTHROPIC_CHAT, ANTHROPIC_DIALECT, OPENAI_CHAT, OPENAI_DIALECT, SHAREGPT,
                        SHAREGPT_DIALECT, Dialect)

_KEY = "schema messages"


def messages(record) -> list[tuple[str, dict, Dialect]]:
    """(pointer, message object, dialect) for every object message of a record, found once
    per record (several rules read them)."""
    found = record.extra.get(_KEY)
    if found is None:
        found = record.extra[_KEY] = [(f"{pointer}/{i}", msg, dialect)
                                      for pointer, items, dialect in record.message_lists if isinstance(items, list)
                                      for i, msg in enumerate(items) if isinstance(msg, dict)]
    return found


def plain(record) -> bool:
    """Whether the record is plain (:func:`jsonl_lint.formats.plain_messages`, read through
    no field mapping): each message an object with a string role and a string text under
    its dialect's own keys, beside at most a weight and a string name. The schema rules
    that judge only a message's shape, keys and content type then have nothing to report
    on its messages and skip them (most records of most datasets are plain)."""
    return record.mapping is None and record.plain is not None


# The dialect of a plain record's one message list (as formats.message_lists gives it).
PLAIN_DIALECTS = {OPENAI_CHAT: OPENAI_DIALECT, ANTHROPIC_CHAT: ANTHROPIC_DIALECT, SHAREGPT: SHAREGPT_DIALECT}
