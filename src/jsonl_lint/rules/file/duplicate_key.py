from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...positions import may_have_duplicate_keys
from ...rule import Context, RecordRule


class DuplicateKey(RecordRule):
    """Reports objects that contain the same key twice.

    ## What it does
    Finds repeated keys in any object of a record, such as two `role` keys in one
    message, and points at the later one.

    ## Why it matters for fine-tuning
    JSON parsers silently keep the last value, so `{"role": "user", "role": "assistant"}`
    trains as an assistant turn while the file reads as a user turn. Nobody notices
    until the model learns the wrong thing.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "role": "assistant", "content": "Hi"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}]}
    ```
    """

    code = "JL006"
    name = "duplicate-key"
    summary = "Object has the same key twice"
    severity = Severity.ERROR
    requires = "json"

    def check(self, record, ctx: Context):
        if not may_have_duplicate_keys(record.text, record.value):
            return
        sm = record.source_map
        for dup in sm.duplicates:
            first = record.text[dup.first.value_start:dup.first.value_end]
            kept = record.text[dup.second.value_start:dup.second.value_end]
            parent = dup.pointer.rsplit("/", 1)[0] or "/"
            yield Finding(f"duplicate key {json.dumps(dup.key)} in {parent}: parsers keep the last value "
                          f"({_short(kept)}) and silently drop the first ({_short(first)})",
                          raw_range=(dup.second.key_start, dup.second.key_end))


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
