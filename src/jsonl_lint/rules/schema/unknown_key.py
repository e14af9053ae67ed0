from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...formats import MESSAGE_KEYS, known_keys
from ...positions import join_pointer
from ...rule import Context, Options, RecordRule
from ._messages import messages, plain

COMMON = ("id",)


class UnknownKeyOptions(Options):
    allowed_keys: tuple[str, ...] = ()


class UnknownKey(RecordRule):
    """Reports keys that the record's format does not define, naming the allowed set.

    ## What it does
    Checks top-level keys per format (OpenAI chat allows `messages`, `tools`,
    `parallel_tool_calls`, `functions`; ...) and the keys of each message. `id` is
    always allowed; add your own metadata keys with the `allowed-keys` option.

    ## Why it matters for fine-tuning
    Some providers reject any unknown key; others ignore it, so a misspelled key
    (`tool_call` for `tool_calls`) silently drops data from training.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "tool_call": []}], "source": "crm"}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL113"
    name = "unknown-key"
    summary = "Key is not part of the record's format"
    severity = Severity.WARNING
    Options = UnknownKeyOptions

    def check(self, record, ctx: Context):
        fmt = record.format
        known = known_keys(record.value, fmt, record.mapping)
        allowed = known + COMMON + self.options.allowed_keys
        for key in record.value:
            if key not in allowed:
                yield Finding(f"unknown top-level key `{key}` for {fmt} (allowed: {', '.join(known)}; "
                              "add metadata keys to the `allowed-keys` option)", pointer=join_pointer(key), on_key=True)
        if plain(record):  # its messages' keys are a role, a text, a weight and a name
            return
        for pointer, msg, dialect in messages(record):
            for key in msg:
                if key not in MESSAGE_KEYS and key not in self.options.allowed_keys and key not in (
                        dialect.role_key, dialect.content_key):
                    yield Finding(f"unknown message key `{key}` (allowed: {', '.join(MESSAGE_KEYS[:8])})",
                                  pointer=pointer + join_pointer(key), on_key=True)

