from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import BEDROCK_PREFERENCE, OPENAI_PREFERENCE, PREFERENCE_PAIRS, turn_location
from ...rule import Context, RecordRule

BEDROCK_LABELS = ("preferred", "non-preferred")


class InvalidPreference(RecordRule):
    """Reports malformed preference (DPO) examples.

    ## What it does
    OpenAI preference records need `input.messages` (a conversation that does not
    end with an assistant turn) and `preferred_output` / `non_preferred_output`, each
    a list of exactly one assistant message. Chosen/rejected pairs need both sides;
    Bedrock preference records end with an assistant message whose `candidates` hold
    a `preferred` and a `non-preferred` answer. A rejected answer that is empty, and
    chosen and rejected answers that are identical, are reported. (An empty chosen
    answer is `empty-answer`'s finding; missing or mistyped content is
    `invalid-content`'s.) On an hh-rlhf transcript the finding points at the turn
    itself, not the whole string.

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
        elif ex.format == BEDROCK_PREFERENCE:
            yield from self._bedrock(value)
        elif ex.format != PREFERENCE_PAIRS:
            return
        chosen = [t for t in ex.turns if t.branch == "chosen"]
        rejected = ex.rejected
        if ex.format == PREFERENCE_PAIRS:
            for side, turns in (("chosen", chosen), ("rejected", rejected)):
                key = next((k for k in (f"{side}_messages", side) if k in value), None)
                if key is None:
                    yield Finding(f"the {side} side is missing: a pair needs `{side}` (or `{side}_messages`)")
                elif not any(t.role == "assistant" for t in turns):
                    yield Finding(f"the {side} side has no assistant answer", pointer=f"/{key}")
        answer = next((t for t in reversed(rejected) if t.role == "assistant"), None)
        if answer is not None and not answer.text.strip() and not answer.tool_calls:
            yield Finding("the rejected answer is empty: the pair compares the chosen answer with nothing",
                          *turn_location(record.value, answer))
        if chosen and rejected and [t.text.strip() for t in chosen] == [t.text.strip() for t in rejected]:
            yield Finding("chosen and rejected answers are identical: the pair teaches no preference",
                          *turn_location(record.value, rejected[0]))

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

    def _bedrock(self, value: dict):
        messages = value.get("messages")
        last = messages[-1] if isinstance(messages, list) and messages else None
        at = f"/messages/{len(messages) - 1}" if last is not None else "/messages"
        candidates = last.get("candidates") if isinstance(last, dict) else None
        if not isinstance(candidates, list) or len(candidates) < 2:
            yield Finding("the last message needs `candidates`: at least two answers, one labelled \"preferred\" "
                          "and one \"non-preferred\"", pointer=f"{at}/candidates" if isinstance(last, dict)
                          and "candidates" in last else at)
            return
        labels = []
        for k, cand in enumerate(candidates):
            label = cand.get("preferenceLabel") if isinstance(cand, dict) else None
            if not isinstance(label, str) or label.lower() not in BEDROCK_LABELS:
                yield Finding(f"candidate {k} has preferenceLabel {json.dumps(label)}; expected \"preferred\" or "
                              "\"non-preferred\"", pointer=f"{at}/candidates/{k}")
            labels.append(label.lower() if isinstance(label, str) else None)
        if None not in labels and len(set(labels)) == 1:
            yield Finding(f"every candidate is labelled {json.dumps(labels[0])}; the pair needs one preferred and "
                          "one non-preferred answer", pointer=f"{at}/candidates")
