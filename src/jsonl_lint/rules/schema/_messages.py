"""Shared access to the raw message lists of a record, for schema rules: each list comes
with the dialect its messages are written in (see :func:`jsonl_lint.formats.message_lists`)."""

from __future__ import annotations

from ...formats import Dialect

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
