from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...formats import PREFERENCE_FORMATS
from ...rule import Context, RecordRule


class NoAssistantTurn(RecordRule):
    """Reports examples without an assistant turn, or whose assistant text is all
    missing, so training has nothing to learn.

    ## What it does
    Every training example needs at least one assistant turn (the completion, the
    Alpaca `output`, the ShareGPT `gpt` turn). Preference formats are checked by
    `invalid-preference` instead.

    ## Why it matters for fine-tuning
    Training learns only from assistant tokens: an example without one costs tokens
    and teaches nothing, and OpenAI rejects the file.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hi"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hi."}]}
    ```
    """

    code = "JL105"
    name = "no-assistant-turn"
    summary = "Example has no assistant turn"
    severity = Severity.ERROR

    def check(self, record, ctx: Context):
        ex = record.example
        if ex.format in PREFERENCE_FORMATS or not ex.turns:
            return
        if any(t.role == "assistant" for t in ex.turns):
            return
        roles = ", ".join(t.role or "?" for t in ex.turns)
        yield Finding(f"no assistant turn (roles: {roles}): training learns only from assistant turns",
                      pointer=ex.turns[0].pointer.rsplit("/", 1)[0] if ex.turns[0].pointer.count("/") > 1 else "")
