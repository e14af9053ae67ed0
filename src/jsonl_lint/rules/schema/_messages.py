"""Shared access to the raw message lists of a record, for schema rules: each list comes
with the dialect its messages are written in (see :func:`jsonl_lint.formats.message_lists`)."""

from __future__ import annotations

from typing import Iterator

from ...formats import Dialect


def messages(record) -> Iterator[tuple[str, dict, Dialect]]:
    """(pointer, message object, dialect) for every object message of a record."""
    for pointer, items, dialect in record.message_lists:
        if isinstance(items, list):
            for i, msg in enumerate(items):
                if isinstance(msg, dict):
                    yield f"{pointer}/{i}", msg, dialect
