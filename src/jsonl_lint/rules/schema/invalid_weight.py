from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import OPENAI_DIALECT, OPENAI_PREFERENCE
from ...rule import Context, RecordRule
from ._messages import PLAIN_DIALECTS, messages, plain


class InvalidWeight(RecordRule):
    """Reports `weight` values other than 0 or 1, and weights in preference pairs.

    ## What it does
    OpenAI chat fine-tuning accepts `"weight": 0` (do not train on this message) or
    `1` (train on it). Preference pairs (`input` / `preferred_output` /
    `non_preferred_output`) have no per-message weights: preference training compares
    the two outputs whole, so a `weight` there is reported too. LLaMA-Factory's float
    `loss_weight` is its own field and is not checked.

    ## Why it matters for fine-tuning
    Providers reject other values (Together rejects a weight in a preference pair's
    input); peers' token counters crash on the field.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 0.5}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 1}]}
    ```
    """

    code = "JL111"
    name = "invalid-weight"
    summary = "Message weight is not 0 or 1"
    severity = Severity.ERROR

    def check(self, record, ctx: Context):
        if plain(record) and (PLAIN_DIALECTS[record.format] is not OPENAI_DIALECT
                              or not any("weight" in m for m in record.plain[1])):
            return  # no weight that an OpenAI message list carries
        preference = record.format == OPENAI_PREFERENCE
        for pointer, msg, dialect in messages(record):
            if "weight" not in msg or dialect is not OPENAI_DIALECT:
                continue
            w = msg["weight"]
            at = f"{pointer}/weight"
            if isinstance(w, bool) or w not in (0, 1):
                yield Finding(f"weight is {json.dumps(w)}; it must be 0 (skip) or 1 (train)", pointer=at)
            elif preference:
                yield Finding("weight in a preference pair: preference training compares the preferred and "
                              "non-preferred outputs whole and takes no per-message weights; remove it",
                              pointer=at, on_key=True)
