from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule
from ._tools import bad_name, declared_tools, validator_for

# How each kind of call writes its arguments.
OBJECT_ARGUMENTS = {"anthropic": "`input`", "bedrock": "`toolUse.input`", "gemini": "`functionCall.args`",
                    "text": "`arguments`"}


class InvalidToolArguments(RecordRule):
    r"""Reports tool-call arguments that are not a JSON string, do not parse, call an
    undeclared tool, or break the declared tool's parameter schema.

    ## What it does
    Checks every tool call in the dialect it is written in. OpenAI `function.arguments`
    must be a string holding a JSON object; calls written as JSON text (a ShareGPT
    `function_call` turn, a LLaMA-Factory v1 `tool_call` part) must parse and hold an
    object with `name`; Anthropic `input`, Bedrock `toolUse.input` and Gemini
    `functionCall.args` must be objects. Function names must follow the dialect's rule
    (`^[a-zA-Z0-9_-]{1,64}$` for OpenAI and Bedrock). When the record declares tools,
    the called name must be declared and the arguments must validate against its
    parameter schema (required fields, types, enums).

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
        ex = record.example
        declared = None
        for turn in ex.all_turns:
            for call in turn.tool_calls or ():
                if declared is None:
                    declared = declared_tools(ex)
                yield from self._call(call, record, declared)

    def _call(self, call, record, declared: dict):
        kind, name = call.kind, call.name
        if kind == "openai" and not isinstance(call.raw.get("function"), dict):
            yield Finding("tool call has no `function` object with `name` and `arguments`", pointer=call.pointer)
            return
        if kind == "text":
            if call.raw is None:  # the call text does not parse
                text = call.text
                try:
                    json.loads(text)
                except ValueError as exc:
                    yield Finding(f"the tool call text is not valid JSON: {exc.msg} at character {exc.pos}",
                                  pointer=call.pointer, span=(exc.pos, min(exc.pos + 1, len(text))))
                return
            if not isinstance(call.raw, dict) or not isinstance(name, str):
                yield Finding("the call text must be a JSON object with `name` and `arguments`", pointer=call.pointer)
                return
        if not isinstance(name, str):
            yield Finding("tool call has no function `name`", pointer=call.at("name").rsplit("/", 1)[0]
                          if kind in ("openai", "bedrock", "gemini") else call.pointer)
            return
        rule = bad_name(name, kind)
        if rule:
            yield Finding(f"function name {json.dumps(name)} must match {rule}", pointer=call.at("name"))
            return
        args = yield from self._arguments(call)
        if args is None or not declared:
            return
        tool = declared.get(name)
        if tool is None:
            yield Finding(f"call to `{name}`, which the record's tools do not declare "
                          f"(declared: {', '.join(sorted(declared))})", pointer=call.at("name"))
            return
        schema = tool.parameters
        if not isinstance(schema, dict):
            return
        validator = validator_for(json.dumps(schema, sort_keys=True))
        if validator is None:
            return  # invalid-tools reports the schema itself
        for err in sorted(validator.iter_errors(args), key=lambda e: list(e.path))[:3]:
            where = "/".join(str(p) for p in err.path) or "(top level)"
            yield Finding(f"arguments of `{name}` break its parameter schema at {where}: {err.message}",
                          pointer=call.at("arguments"))

    def _arguments(self, call):
        """The call's arguments as an object (findings for what is wrong with them)."""
        name, raw, at = call.name, call.arguments, call.at("arguments")
        if call.kind in ("openai", "function_call"):
            fn = call.raw
            if call.kind == "openai":
                fn = fn["function"]
            if "arguments" not in fn:
                yield Finding(f"call to `{name}` has no `arguments` (use \"{{}}\" for none)", pointer=at.rsplit("/", 1)[0])
                return None
            if not isinstance(raw, str):
                kind = "an object" if isinstance(raw, dict) else "an array" if isinstance(raw, list) else "not a string"
                yield Finding(f"`arguments` of `{name}` is {kind}, expected a string holding "
                              f"JSON (e.g. {json.dumps(json.dumps(raw))[:60]})", pointer=at)
                return None
            try:
                args = json.loads(raw)
            except ValueError as exc:
                yield Finding(f"`arguments` of `{name}` is not valid JSON: {exc.msg} at character {exc.pos}",
                              pointer=at, span=(exc.pos, min(exc.pos + 1, len(raw))))
                return None
        else:
            args = raw
            if raw is None and call.kind in ("gemini", "text"):
                args = {}  # no arguments: a call without parameters
            elif isinstance(raw, str) and call.kind == "text":
                try:  # some exports write the arguments as a JSON string inside the call text
                    args = json.loads(raw)
                except ValueError:
                    args = raw
        if not isinstance(args, dict):
            where = "`arguments`" if call.kind in ("openai", "function_call") else OBJECT_ARGUMENTS[call.kind]
            yield Finding(f"{where} of `{name}` must be a JSON object", pointer=at)
            return None
        return args
