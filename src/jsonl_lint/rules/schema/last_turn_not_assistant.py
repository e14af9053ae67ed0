from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...formats import CONVERSATION_FORMATS
from ...rule import Context, RecordRule


class LastTurnNotAssistant(RecordRule):
    """Reports conversations that end on a turn other than the assistant's.

    ## What it does
    In conversation records (OpenAI chat, ShareGPT, KTO, LLaMA-Factory v1, Anthropic,
    Bedrock and Gemini conversations), flags a final user, system or tool turn after
    the last assistant turn.

    ## Why it matters for fine-tuning
    Trailing turns after the last assistant answer cost training tokens and teach
    nothing; often the answer that should follow them was lost when the data was
    exported.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Thanks"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "Any time."}]}
    ```
    """

    code = "JL106"
    name = "last-turn-not-assistant"
    summary = "Conversation does not end with an assistant turn"
    severity = Severity.WARNING

    def check(self, record, ctx: Context):
        ex = record.example
        if ex.format not in CONVERSATION_FORMATS or not ex.turns:
            return
        if not any(t.role == "assistant" for t in ex.turns):
            return  # no-assistant-turn reports it
        last = ex.turns[-1]
        if last.role != "assistant":
            yield Finding(f"conversation ends with a {last.raw_role or last.role} turn after the last assistant turn; "
                          "trailing turns are never trained on", pointer=last.pointer)
