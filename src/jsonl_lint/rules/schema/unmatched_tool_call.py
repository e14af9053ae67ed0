from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import CALL_ID_KINDS
from ...rule import Context, RecordRule

ID_NAMES = {"openai": ("`id`", "`tool_call_id`"), "anthropic": ("`id`", "`tool_use_id`"),
            "bedrock": ("`toolUseId`", "`toolResult.toolUseId`")}


class UnmatchedToolCall(RecordRule):
    r"""Reports tool calls without a matching tool result, and tool results without a
    matching call.

    ## What it does
    Each tool call needs a later result, and each result an earlier call. Where the
    dialect gives calls ids (OpenAI `tool_calls[].id` and `tool_call_id`, Anthropic
    `tool_use`, Bedrock `toolUse.toolUseId`), results must quote the id of an open call,
    and ids must be unique within one assistant turn (a later turn may use an id
    again; Bedrock wants each toolUseId once per example). Where calls carry no id (ShareGPT `function_call`, LLaMA-Factory v1
    `tool_call` parts, Gemini `functionCall`), results are matched by tool name when
    they give one, else in order. An example may end with the assistant's tool call:
    that is how function-calling fine-tunes teach when to call.

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
        ex = record.example
        if not any(t.tool_calls or t.tool_results for t in ex.all_turns):
            return
        seen: set[tuple[str, str]] = set()
        sequences = [ex.turns]
        if ex.rejected:  # the rejected side continues the shared prompt
            sequences.append([t for t in ex.turns if not t.branch] + ex.rejected)
        for turns in sequences:
            for finding in _check(turns):
                key = (finding.pointer, finding.message)
                if key not in seen:
                    seen.add(key)
                    yield finding


def _check(turns):
    open_ids: dict = {}  # call id -> call
    open_anonymous: list = []  # calls without ids, in order
    ids_before: set = set()
    for turn in turns:
        ids_here: set = set()
        for call in turn.tool_calls or ():
            if call.kind == "function_call":
                continue  # legacy calls have no ids; results name the function
            if call.kind not in CALL_ID_KINDS:
                open_anonymous.append(call)
                continue
            cid = call.id
            if not isinstance(cid, str) or not cid:
                own, theirs = ID_NAMES[call.kind]
                yield Finding(f"tool call has no {own}; the tool result must refer to it by {theirs}",
                              pointer=call.pointer)
                continue
            if cid in ids_here:
                yield Finding(f"tool call id {json.dumps(cid)} is used twice in this turn; each call of a turn "
                              "needs its own id", pointer=call.at("id"))
            elif call.kind == "bedrock" and cid in ids_before:
                yield Finding(f"toolUseId {json.dumps(cid)} is used again; Bedrock needs each toolUseId once per "
                              "example", pointer=call.at("id"))
            ids_here.add(cid)
            ids_before.add(cid)
            open_ids[cid] = call
        for result in turn.tool_results:
            if result.kind == "function":
                continue
            rid = result.id
            if isinstance(rid, str) and rid in open_ids:
                del open_ids[rid]
            elif open_anonymous and (rid is None or result.kind == "text"):
                match = next((c for c in open_anonymous if result.name is not None and c.name == result.name),
                             open_anonymous[0])
                open_anonymous.remove(match)
            elif result.kind == "openai" and rid is None:
                yield Finding("tool message has no `tool_call_id`", pointer=result.pointer)
            elif result.kind in CALL_ID_KINDS:
                known = ", ".join(json.dumps(c) for c in open_ids) or "none"
                yield Finding(f"tool result refers to {json.dumps(rid)}, which no earlier tool call issued "
                              f"(open calls: {known})", pointer=result.id_pointer)
            elif not open_ids:
                yield Finding("tool result without an earlier tool call to answer", pointer=result.pointer)
    # Calls still open when the conversation goes on were never answered; the calls of the
    # example's last turn are the answer the model learns to give.
    final = turns[-1].tool_calls or () if turns else ()
    for call in (*open_ids.values(), *open_anonymous):
        if any(call is c for c in final):
            continue
        what = f"tool call {json.dumps(call.id)}" if call.kind in CALL_ID_KINDS else (
            f"call to `{call.name}`" if isinstance(call.name, str) else "tool call")
        yield Finding(f"{what} has no tool result before the conversation goes on (a result that answers it, or "
                      "end the example with the call)", pointer=call.at("id") if call.kind in CALL_ID_KINDS
                      else call.pointer)
