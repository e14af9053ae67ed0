from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...formats import OPENAI_PREFERENCE, PREFERENCE_PAIRS
from ...rule import Context, RecordRule


class InvalidPreference(RecordRule):
    """Reports malformed preference (DPO) examples.

    ## What it does
    OpenAI preference records need `input.messages` (a conversation that does not
    end with an assistant turn) and `preferred_output` / `non_preferred_output`, each
    a list of exactly one assistant message with text content. Chosen/rejected pairs
    need both sides non-empty. Identical chosen and rejected answers are reported.

    ## Why it matters for fine-tuning
    Preference training learns from the difference between the two answers: a
    missing side fails the upload, and identical sides teach nothing.

    ## Example
    ```jsonl
    {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello!"}], "non_preferred_output": [{"role": "assistant", "content": "Hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"input": {"messages": [{"role": "user", "content": "Hi"}]}, "preferred_output": [{"role": "assistant", "content": "Hello! How can I help?"}], "non_preferred_output": [{"role": "assistant", "content": "What."}]}
    ```
    """

    code = "JL112"
    name = "invalid-preference"
    summary = "Preference example is malformed"
    severity = Severity.ERROR

    def check(self, record, ctx: Context):
        ex, value = record.example, record.value
        if ex.format == OPENAI_PREFERENCE:
            yield from self._openai(value)
        elif ex.format != PREFERENCE_PAIRS:
            return
        chosen = [t for t in ex.turns if t.branch == "chosen"]
        rejected = ex.rejected
        if ex.format == PREFERENCE_PAIRS:
            for side, turns, key in (("chosen", chosen, "chosen"), ("rejected", rejected, "rejected")):
                if not any(t.text.strip() for t in turns):
                    ptr = f"/{key}_messages" if f"{key}_messages" in value else f"/{key}"
                    yield Finding(f"the {side} side is empty", pointer=ptr if ptr[1:] in value else "")
        if chosen and rejected and [t.text.strip() for t in chosen] == [t.text.strip() for t in rejected]:
            yield Finding("chosen and rejected answers are identical: the pair teaches no preference",
                          pointer=rejected[0].pointer)

    def _openai(self, value: dict):
        inp = value.get("input")
        if not isinstance(inp, dict) or not isinstance(inp.get("messages"), list) or not inp["messages"]:
            yield Finding("`input` must be an object with a non-empty `messages` array",
                          pointer="/input" if "input" in value else "")
        else:
            last = inp["messages"][-1]
            if isinstance(last, dict) and last.get("role") == "assistant":
                yield Finding("input conversation ends with an assistant turn; the preferred and non-preferred "
                              "outputs are the assistant's next turn", pointer=f"/input/messages/{len(inp['messages']) - 1}")
        for key in ("preferred_output", "non_preferred_output"):
            out = value.get(key)
            if not isinstance(out, list) or len(out) != 1:
                n = len(out) if isinstance(out, list) else 0
                yield Finding(f"`{key}` must be a list of exactly one assistant message (found "
                              f"{n if isinstance(out, list) else 'no list'})", pointer=f"/{key}" if key in value else "")
                continue
            msg = out[0]
            if not isinstance(msg, dict) or msg.get("role") != "assistant":
                yield Finding(f"`{key}` must hold an assistant message", pointer=f"/{key}/0")
            elif not isinstance(msg.get("content"), str) or not msg["content"].strip():
                yield Finding(f"`{key}` message needs non-empty text content", pointer=f"/{key}/0")
