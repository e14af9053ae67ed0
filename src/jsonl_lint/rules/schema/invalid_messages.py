from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule
from ._messages import plain

TYPE_NAMES = {dict: "an object", str: "a string", int: "a number", float: "a number", bool: "a boolean",
              type(None): "null"}


class InvalidMessages(RecordRule):
    """Reports message lists that are missing, empty, or not lists, and messages that
    are not objects with a role.

    ## What it does
    Checks `messages` (OpenAI chat), `conversations` (ShareGPT) and the message lists
    of preference formats: each must be a non-empty array of objects, and each
    message must carry its role key (`role`, or `from` for ShareGPT).

    ## Why it matters for fine-tuning
    An example without messages teaches nothing and makes the upload fail; a message
    without a role cannot be templated.

    ## Example
    ```jsonl
    {"messages": []}
    {"messages": [{"content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL102"
    name = "invalid-messages"
    summary = "Message list is missing, empty or malformed"
    severity = Severity.ERROR

    def check(self, record, ctx: Context):
        if plain(record) and record.plain[1]:  # an empty plain list is still reported
            return
        for pointer, items, dialect in record.message_lists:
            role_key = dialect.role_key
            if not isinstance(items, list):
                kind = TYPE_NAMES.get(type(items), type(items).__name__)
                yield Finding(f"{pointer[1:]} is {kind}, expected an array of message objects", pointer=pointer)
                continue
            if not items:
                yield Finding(f"{pointer[1:]} is empty: an example needs at least one user and one assistant message",
                              pointer=pointer)
                continue
            for i, msg in enumerate(items):
                at = f"{pointer}/{i}"
                if not isinstance(msg, dict):
                    kind = TYPE_NAMES.get(type(msg), type(msg).__name__)
                    yield Finding(f"message {i} is {kind}, expected an object with `{role_key}` and content",
                                  pointer=at)
                elif role_key not in msg:
                    yield Finding(f"message {i} has no `{role_key}` key (keys: {', '.join(msg) or 'none'})",
                                  pointer=at)
