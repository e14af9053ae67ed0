from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule

SYSTEM_ROLES = ("system", "developer")


class MisplacedSystem(RecordRule):
    """Reports system (or developer) messages that are not at the start of the
    conversation.

    ## What it does
    System and developer messages must come before the first user or assistant turn.

    ## Why it matters for fine-tuning
    Many chat templates accept a system prompt only in first position (some raise,
    some silently drop it), and a system message in the middle of a conversation is
    almost always an export bug.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be brief."}, {"role": "assistant", "content": "Hi."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hi."}]}
    ```
    """

    code = "JL108"
    name = "misplaced-system"
    summary = "System message is not at the start"
    severity = Severity.WARNING

    def check(self, record, ctx: Context):
        seen_dialogue = False
        for i, turn in enumerate(record.example.turns):
            if turn.role in SYSTEM_ROLES:
                if seen_dialogue:
                    yield Finding(f"{turn.role} message at position {i} comes after the conversation started; "
                                  "put it first", pointer=turn.pointer)
            elif turn.role:
                seen_dialogue = True
