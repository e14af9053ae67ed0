from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...formats import OPENAI_CHAT
from ...rule import Context, RecordRule


class DeprecatedFunctions(RecordRule):
    """Reports the deprecated `functions` / `function_call` / `function` role fields.

    ## What it does
    Flags top-level `functions`, assistant `function_call` and messages with role
    `function`: the legacy function-calling format that `tools`, `tool_calls` and the
    `tool` role replaced.

    ## Why it matters for fine-tuning
    Models fine-tuned on the legacy format emit legacy calls; newer models and
    trainers (and mistral-finetune's converter) expect `tools` and `tool_calls`.

    ## Example
    ```jsonl
    {"functions": [{"name": "weather", "parameters": {"type": "object", "properties": {}}}], "messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": null, "function_call": {"name": "weather", "arguments": "{}"}}]}
    ```

    ## Use instead
    ```jsonl
    {"tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object", "properties": {}}}}], "messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]}]}
    ```
    """

    code = "JL115"
    name = "deprecated-functions"
    summary = "Legacy function-calling fields"
    severity = Severity.INFO

    def check(self, record, ctx: Context):
        if record.example.format != OPENAI_CHAT:
            return
        value = record.value
        if "functions" in value:
            yield Finding("`functions` is deprecated; declare tools in `tools` as "
                          '{"type": "function", "function": {...}}', pointer="/functions", on_key=True)
        for i, msg in enumerate(value.get("messages") or () if isinstance(value.get("messages"), list) else ()):
            if not isinstance(msg, dict):
                continue
            if "function_call" in msg:
                yield Finding("`function_call` is deprecated; use `tool_calls` with an `id`",
                              pointer=f"/messages/{i}/function_call", on_key=True)
            if msg.get("role") == "function":
                yield Finding('role "function" is deprecated; use role "tool" with a `tool_call_id`',
                              pointer=f"/messages/{i}/role")
