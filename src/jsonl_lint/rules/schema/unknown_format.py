from __future__ import annotations

import difflib

from ...diagnostics import Finding, Severity
from ...formats import detect_format
from ...positions import join_pointer
from ...rule import Context, RecordRule

LAYOUTS = ("`messages` (OpenAI chat), `input` + `preferred_output` + `non_preferred_output` (OpenAI preference), "
           "`prompt` + `completion`, `conversations` (ShareGPT), `instruction` + `output` (Alpaca), "
           "`chosen` + `rejected` (preference pairs)")
KNOWN_KEYS = ("messages", "conversations", "prompt", "completion", "instruction", "output", "input", "chosen",
              "rejected", "preferred_output", "non_preferred_output", "text")


class UnknownFormat(RecordRule):
    """Reports records that match no known dataset format, or not the configured one.

    ## What it does
    Each record must have the keys of one supported layout. When it has none, the
    message lists the keys it found and suggests the closest known key for a typo
    (`mesages`). With `format = "openai-chat"` (or another) in the config, records of
    any other format are reported too.

    ## Why it matters for fine-tuning
    A record in no known layout is rejected by providers, or skipped silently by
    trainers, so the example never reaches the model.

    ## Example
    ```jsonl
    {"mesages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL101"
    name = "unknown-format"
    summary = "Record matches no known dataset format"
    severity = Severity.ERROR
    requires = "object"

    def check(self, record, ctx: Context):
        value = record.value
        fmt = detect_format(value)
        expected = ctx.settings.format
        if fmt is not None:
            if expected != "auto" and fmt != expected:
                yield Finding(f"record is {fmt}, but the configured format is {expected}")
            return
        keys = ", ".join(f"`{k}`" for k in list(value)[:12]) or "none"
        for key in value:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.75)
            if close and close[0] != key:
                yield Finding(f"unknown key `{key}`: did you mean `{close[0]}`? The record matches no known format "
                              f"(expected one of: {LAYOUTS})", pointer=join_pointer(key), on_key=True)
                return
        yield Finding(f"record matches no known format; found keys {keys}; expected one of: {LAYOUTS}")
