from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...formats import turn_location
from ...rule import Context, RecordRule

REPEATABLE = {"tool", "system", "developer"}


class ConsecutiveSameRole(RecordRule):
    """Reports two consecutive user turns or two consecutive assistant turns.

    ## What it does
    Conversations alternate between user and assistant. Consecutive tool results
    (parallel tool calls) and several system/developer messages are allowed; two
    user or two assistant turns in a row are reported.

    ## Why it matters for fine-tuning
    Azure OpenAI rejects such files with "invalid schema" and no line number; chat
    templates of several open models raise on non-alternating roles; and a split
    answer usually means an export bug.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "assistant", "content": "How can I help?"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}]}
    ```
    """

    code = "JL107"
    name = "consecutive-same-role"
    summary = "Two consecutive turns have the same role"
    severity = Severity.WARNING

    def check(self, record, ctx: Context):
        turns = [t for t in record.example.turns if not t.branch or t.branch == "chosen"]
        for prev, turn in zip(turns, turns[1:]):
            if turn.role == prev.role and turn.role not in REPEATABLE and turn.role:
                if turn.role == "assistant" and prev.tool_calls:
                    continue  # a tool-call turn followed by its answer without a tool turn is reported elsewhere
                glued = " (a \"Human:\" inside the turn before has lost its blank line)" if (
                    turn.role == "assistant" and prev.raw_role in ("Assistant", "A") and "Human:" in prev.text) else ""
                yield Finding(f"two consecutive {turn.role} turns; user and assistant turns should alternate{glued}",
                              *_location(record.value, turn))


def _location(value: dict, turn) -> tuple[str, tuple[int, int] | None]:
    """The message, or the turn's own slice of a transcript string."""
    pointer, span = turn_location(value, turn)
    return (pointer, span) if span is not None else (turn.pointer, None)
