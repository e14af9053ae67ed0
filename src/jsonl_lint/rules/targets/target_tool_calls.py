from __future__ import annotations

import json
import re

from ...diagnostics import Severity
from ...rule import Context, RecordRule
from ..schema._messages import messages
from ._shared import finding, role_of, targets

TOOL_ROLES = ("tool", "function", "observation", "function_call", "ipython")


class TargetToolCalls(RecordRule):
    """Reports tool calls and tool results a target does not take in that form.

    ## What it does
    For every target of `--target`, checks the record's tools against the profile:
    whether the target (or its chosen model) takes tool calls at all (Gemini 2.5 on
    Vertex rejects them), `arguments` as a JSON string (OpenAI, Azure, Together,
    Fireworks, Mistral) or as JSON an object can be made of (Bedrock Nova's
    `toolUse.input`), call ids present and of the required form (Mistral:
    `^[a-zA-Z0-9]{9}$`), function names (Mistral: `^[a-zA-Z0-9_-]{1,64}$`), text beside
    tool calls in one assistant message (Mistral rejects it), tool results right after
    the calls they answer and naming one of them, and the number of tools.

    ## Why it matters for fine-tuning
    OpenAI-style ids such as `call_abc123` are the first thing Mistral's validator
    rejects ("Tool call id was call_abc123 but must be a-z, A-Z, 0-9, with a length of
    9"); a target without tool support fails the whole job on the first tool call.

    ## Example
    With `--target mistral`:
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "call_abc123", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}, {"role": "tool", "tool_call_id": "call_abc123", "content": "18 C"}, {"role": "assistant", "content": "18 C in Paris."}], "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Weather in Paris?"}, {"role": "assistant", "tool_calls": [{"id": "a1B2c3D4e", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]}, {"role": "tool", "tool_call_id": "a1B2c3D4e", "content": "18 C"}, {"role": "assistant", "content": "18 C in Paris."}], "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]}
    ```
    """

    code = "JL903"
    needs_target = True
    name = "target-tool-calls"
    summary = "Tool calls are not in a form the target takes"
    severity = Severity.ERROR
    example_settings = {"target": ["mistral"]}

    def check(self, record, ctx: Context):
        if not targets(ctx):
            return  # no target in the run (the default): nothing to look at
        msgs = list(messages(record))
        tools = record.example.tools
        uses = _defines_tools(tools) or any(
            m.get("tool_calls") or m.get("function_call") or m.get(d.role_key) in TOOL_ROLES for _, m, d in msgs)
        if not uses:
            return
        for rt in targets(ctx):
            rules = rt.profile.tools
            how = rules.on_violation
            if not rt.tools_supported:
                model = f" ({rt.model.name})" if rt.model is not None and rt.model.tools is False else ""
                first = next((p for p, m, d in msgs if m.get("tool_calls") or m.get("function_call")
                              or m.get(d.role_key) in TOOL_ROLES), record.example.tools_pointer)
                yield finding(rt, how, f"takes no tool calls or tool definitions{model}; {rules.note}".rstrip("; "),
                              pointer=first)
                continue
            if record.example.format not in rt.profile.shapes.accepted:
                continue  # the record needs converting (target-record-shape), which rewrites its calls
            yield from self._calls(rt, rules, msgs)
            if rules.max_tools is not None and isinstance(tools, list) and len(tools) > rules.max_tools:
                yield finding(rt, how, f"takes at most {rules.max_tools} tools; this example defines {len(tools)}",
                              pointer=record.example.tools_pointer)

    def _calls(self, rt, rules, msgs):
        how = rules.on_violation
        id_re = re.compile(rules.id_pattern) if rules.id_pattern else None
        name_re = re.compile(rules.name_pattern) if rules.name_pattern else None
        reported: set[str] = set()  # one finding per kind of problem and record

        def once(kind: str, message: str, pointer: str):
            if kind not in reported:
                reported.add(kind)
                yield finding(rt, how, message, pointer=pointer)

        open_ids: set[str] = set()
        pending = answering = False  # calls made with no result yet / inside the results of a call batch
        for pointer, m, dialect in msgs:
            role = role_of(m, dialect)
            calls = m.get("tool_calls") if isinstance(m.get("tool_calls"), list) else []
            if role == "tool":
                tid = m.get("tool_call_id")
                if rules.results_follow_calls and not (pending or answering):
                    yield from once("orphan", "a tool result must follow the assistant message whose `tool_calls` "
                                              "it answers", pointer)
                    continue  # the calls are missing or written another way: their ids are moot
                if rules.id_required and not isinstance(tid, str):
                    yield from once("result-id", "tool results need a `tool_call_id`", pointer)
                elif isinstance(tid, str):
                    if id_re is not None and not id_re.fullmatch(tid):
                        yield from once("result-id-form", f"tool_call_id {tid!r} must match {rules.id_pattern}",
                                        f"{pointer}/tool_call_id")
                    elif rules.results_follow_calls and (pending or answering) and tid not in open_ids:
                        yield from once("result-match", f"tool_call_id {tid!r} answers no call of the message before",
                                        f"{pointer}/tool_call_id")
                pending, answering = False, True
                continue
            if pending and rules.results_follow_calls:
                yield from once("no-result", "tool calls must be followed by their tool results", pointer)
            pending = answering = False
            if not calls:
                continue
            open_ids = set()
            pending = True
            content = m.get("content")
            if not rules.content_with_calls and (isinstance(content, str) and content.strip()
                                                 or isinstance(content, list) and content):
                yield from once("content", "an assistant message must have either content or tool_calls, not both",
                                f"{pointer}/content")
            for j, call in enumerate(calls):
                if not isinstance(call, dict):
                    continue
                at = f"{pointer}/tool_calls/{j}"
                cid = call.get("id")
                if isinstance(cid, str):
                    open_ids.add(cid)
                if rules.id_required and not isinstance(cid, str):
                    yield from once("id", "tool calls need an `id`", at)
                elif id_re is not None and isinstance(cid, str) and not id_re.fullmatch(cid):
                    yield from once("id-form", f"tool call id {cid!r} must match {rules.id_pattern}", f"{at}/id")
                fn = call.get("function") if isinstance(call.get("function"), dict) else {}
                name = fn.get("name")
                if name_re is not None and isinstance(name, str) and not name_re.fullmatch(name):
                    yield from once("name", f"function name {name!r} must match {rules.name_pattern}",
                                    f"{at}/function/name")
                if "arguments" in fn:
                    yield from self._arguments(rules.arguments, fn["arguments"], f"{at}/function/arguments", once)

    @staticmethod
    def _arguments(form: str, args, pointer: str, once):
        if form == "string" and not isinstance(args, str):
            yield from once("args", f"`arguments` must be a JSON string, not {type(args).__name__}", pointer)
        elif form == "object" and isinstance(args, str):
            try:
                parsed = json.loads(args)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict):
                yield from once("args", "`arguments` must be a JSON object (it becomes the call's input object)",
                                pointer)
        elif form == "object" and not isinstance(args, dict):
            yield from once("args", f"`arguments` must be a JSON object, not {type(args).__name__}", pointer)


def _defines_tools(tools) -> bool:
    """Whether a record's tools define anything: an empty list, also written as the JSON
    string "[]" (LLaMA-Factory's tools column), defines nothing a target must take."""
    if isinstance(tools, str):
        try:
            tools = json.loads(tools)
        except ValueError:
            return bool(tools.strip())
    return bool(tools)
