from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import OPENAI_CHAT, OPENAI_PREFERENCE, SHAREGPT
from ...rule import Context, RecordRule
from ._tools import declared_tools, tool_calls, validator_for


class InvalidToolArguments(RecordRule):
    r"""Reports tool-call arguments that are not a JSON string, do not parse, call an
    undeclared tool, or break the declared tool's parameter schema.

    ## What it does
    `function.arguments` must be a string holding a JSON object. When the record
    declares `tools` (or `functions`), the called name must be declared and the
    arguments must validate against its `parameters` JSON Schema (required fields,
    types, enums). ShareGPT `function_call` turns must hold a JSON object with `name`.

    ## Why it matters for fine-tuning
    The model learns to emit exactly these arguments: a typo'd field or a wrong type
    in training data becomes a broken tool call in production.

    ## Example
    ```jsonl
    {"tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}], "messages": [{"role": "user", "content": "Oslo?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{\"town\": \"Oslo\"}"}}]}, {"role": "tool", "tool_call_id": "c1", "content": "3"}, {"role": "assistant", "content": "3 degrees."}]}
    ```

    ## Use instead
    ```jsonl
    {"tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}], "messages": [{"role": "user", "content": "Oslo?"}, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Oslo\"}"}}]}, {"role": "tool", "tool_call_id": "c1", "content": "3"}, {"role": "assistant", "content": "3 degrees."}]}
    ```
    """

    code = "JL110"
    name = "invalid-tool-arguments"
    summary = "Tool-call arguments are invalid"
    severity = Severity.ERROR

    def check(self, record, ctx: Context):
        value, fmt = record.value, record.example.format
        if fmt == SHAREGPT:
            yield from self._sharegpt(value)
            return
        if fmt == OPENAI_CHAT:
            lists = [("/messages", value.get("messages"))]
        elif fmt == OPENAI_PREFERENCE:
            inp = value.get("input") if isinstance(value.get("input"), dict) else {}
            lists = [("/input/messages", inp.get("messages")), ("/preferred_output", value.get("preferred_output")),
                     ("/non_preferred_output", value.get("non_preferred_output"))]
        else:
            return
        declared = declared_tools(value)
        for base, msgs in lists:
            if not isinstance(msgs, list):
                continue
            for p, call in tool_calls(msgs, base):
                fn = call.get("function")
                fp = p if call.get("legacy") else f"{p}/function"
                if not isinstance(fn, dict):
                    yield Finding("tool call has no `function` object with `name` and `arguments`", pointer=p)
                    continue
                name = fn.get("name")
                if not isinstance(name, str):
                    yield Finding("tool call has no function `name`", pointer=fp)
                    continue
                yield from self._arguments(fn, f"{fp}/arguments", name, declared)

    def _arguments(self, fn: dict, at: str, name: str, declared: dict):
        if "arguments" not in fn:
            yield Finding(f"call to `{name}` has no `arguments` (use \"{{}}\" for none)", pointer=at.rsplit("/", 1)[0])
            return
        raw = fn["arguments"]
        if not isinstance(raw, str):
            kind = "an object" if isinstance(raw, dict) else "an array" if isinstance(raw, list) else "not a string"
            yield Finding(f"`arguments` of `{name}` is {kind}, expected a string holding "
                          f"JSON (e.g. {json.dumps(json.dumps(raw))[:60]})", pointer=at)
            return
        try:
            args = json.loads(raw)
        except ValueError as exc:
            yield Finding(f"`arguments` of `{name}` is not valid JSON: {exc.msg} at character {exc.pos}",
                          pointer=at, span=(exc.pos, min(exc.pos + 1, len(raw))))
            return
        if not isinstance(args, dict):
            yield Finding(f"`arguments` of `{name}` must be a JSON object", pointer=at)
            return
        if not declared:
            return
        if name not in declared:
            yield Finding(f"call to `{name}`, which the record's tools do not declare "
                          f"(declared: {', '.join(sorted(declared))})", pointer=at.rsplit("/", 1)[0] + "/name")
            return
        schema = declared[name]
        if not isinstance(schema, dict):
            return
        validator = validator_for(json.dumps(schema, sort_keys=True))
        if validator is None:
            return  # invalid-tools reports the schema itself
        for err in sorted(validator.iter_errors(args), key=lambda e: list(e.path))[:3]:
            where = "/".join(str(p) for p in err.path) or "(top level)"
            yield Finding(f"arguments of `{name}` break its parameter schema at {where}: {err.message}", pointer=at)

    def _sharegpt(self, value: dict):
        convs = value.get("conversations")
        if not isinstance(convs, list):
            return
        for i, turn in enumerate(convs):
            if isinstance(turn, dict) and turn.get("from") == "function_call" and isinstance(turn.get("value"), str):
                at = f"/conversations/{i}/value"
                try:
                    call = json.loads(turn["value"])
                except ValueError as exc:
                    yield Finding(f"function_call value is not valid JSON: {exc.msg} at character {exc.pos}",
                                  pointer=at, span=(exc.pos, min(exc.pos + 1, len(turn["value"]))))
                    continue
                if not isinstance(call, dict) or not isinstance(call.get("name"), str):
                    yield Finding("function_call value must be a JSON object with `name` and `arguments`", pointer=at)
