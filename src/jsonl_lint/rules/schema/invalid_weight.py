from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import OPENAI_CHAT
from ...rule import Context, RecordRule


class InvalidWeight(RecordRule):
    """Reports `weight` values other than 0 or 1, and weights on non-assistant messages.

    ## What it does
    OpenAI chat fine-tuning accepts `"weight": 0` (do not train on this assistant
    message) or `1` (train on it), on assistant messages only.

    ## Why it matters for fine-tuning
    Providers reject other values; peers' token counters crash on the field. A
    weight on a user message has no effect and hints at a misunderstanding of what
    is trained.

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
        if record.example.format != OPENAI_CHAT or not isinstance(record.value.get("messages"), list):
            return
        for i, msg in enumerate(record.value["messages"]):
            if not isinstance(msg, dict) or "weight" not in msg:
                continue
            w = msg["weight"]
            at = f"/messages/{i}/weight"
            if isinstance(w, bool) or w not in (0, 1):
                yield Finding(f"weight is {json.dumps(w)}; it must be 0 (skip) or 1 (train)", pointer=at)
            elif msg.get("role") != "assistant":
                yield Finding(f"weight on a {msg.get('role')} message has no effect; only assistant messages "
                              "are weighted", pointer=at, on_key=True)
