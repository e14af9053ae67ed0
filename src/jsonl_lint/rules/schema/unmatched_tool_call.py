from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import OPENAI_CHAT
from ...rule import Context, RecordRule
from ._tools import tool_calls


class UnmatchedToolCall(RecordRule):
    r"""Reports tool calls without a matching tool result, and tool results without a
    matching call.

    ## What it does
    Each assistant `tool_calls[]` entry needs an `id`, and a later `tool` message with
    that `tool_call_id`; each `tool` message needs a `tool_call_id` that an earlier
    call issued. Call ids must be unique within the example.

    ## Why it matters for fine-tuning
    Providers reject unbalanced tool conversations, and an orphan result teaches the
    model to answer with data it never asked for.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather in Oslo?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Oslo\"}"}}]}, {"role": "tool", "tool_call_id": "call_2", "content": "{\"temp\": 3}"}, {"role": "assistant", "content": "3 degrees."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather in Oslo?"}, {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Oslo\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp\": 3}"}, {"role": "assistant", "content": "3 degrees."}]}
    ```
    """

    code = "JL109"
    name = "unmatched-tool-call"
    summary = "Tool call and tool result do not match"
    severity = Severity.ERROR

    def check(self, record, ctx: Context):
        if record.example.format != OPENAI_CHAT or not isinstance(record.value.get("messages"), list):
            return
        msgs = record.value["messages"]
        open_calls: dict[str, str] = {}  # id -> pointer
        seen: set[str] = set()
        calls = {p.split("/tool_calls/")[0]: [] for p, _ in tool_calls(msgs, "/messages")}
        for p, call in tool_calls(msgs, "/messages"):
            calls[p.split("/tool_calls/")[0]].append((p, call))
        for i, msg in enumerate(msgs):
            if not isinstance(msg, dict):
                continue
            at = f"/messages/{i}"
            for p, call in calls.get(at, ()):
                if call.get("legacy"):
                    continue
                cid = call.get("id")
                if not isinstance(cid, str) or not cid:
                    yield Finding("tool call has no `id`; the tool result must refer to it by `tool_call_id`",
                                  pointer=p)
                    continue
                if cid in seen:
                    yield Finding(f"tool call id {json.dumps(cid)} is used twice in this example", pointer=f"{p}/id")
                seen.add(cid)
                open_calls[cid] = p
            if msg.get("role") == "tool":
                tid = msg.get("tool_call_id")
                if not isinstance(tid, str):
                    yield Finding("tool message has no `tool_call_id`", pointer=at)
                elif tid not in open_calls:
                    known = ", ".join(json.dumps(c) for c in open_calls) or "none"
                    yield Finding(f"tool result refers to {json.dumps(tid)}, which no earlier tool call issued "
                                  f"(open calls: {known})", pointer=f"{at}/tool_call_id")
                else:
                    del open_calls[tid]
        for cid, p in open_calls.items():
            yield Finding(f"tool call {json.dumps(cid)} has no tool result (a `tool` message with this "
                          f"`tool_call_id`)", pointer=f"{p}/id")
