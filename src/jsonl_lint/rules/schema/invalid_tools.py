from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import BEDROCK_CONVERSATION, BEDROCK_PREFERENCE, VERTEX_GEMINI
from ...rule import Context, RecordRule
from ._tools import bad_name, definitions, tools_value, validator_for

ENTRY_SHAPES = {
    "openai": '{"type": "function", "function": {"name": ..., "parameters": {...}}}',
    "bedrock": '{"toolSpec": {"name": ..., "description": ..., "inputSchema": {"json": {...}}}}',
    "gemini": '{"functionDeclarations": [{"name": ..., "parameters": {...}}]}',
}


class InvalidTools(RecordRule):
    """Reports malformed tool definitions.

    ## What it does
    Checks the tool definitions of each dialect: OpenAI `tools` (an array of
    `{"type": "function", "function": {"name", "description", "parameters"}}`, or the
    legacy `functions`), LLaMA-Factory's `tools` as a JSON string holding that array,
    Bedrock `toolConfig.tools[].toolSpec` and Gemini `tools[].functionDeclarations`.
    Names must be unique and follow the dialect's rule (`^[a-zA-Z0-9_-]{1,64}$` for
    OpenAI and Bedrock; Gemini also allows dots and colons; LLaMA-Factory enforces
    none); parameters must be a valid JSON Schema object (LLaMA-Factory renders them
    into the prompt as they are and checks nothing).

    ## Why it matters for fine-tuning
    Tool definitions are part of every training example's context: a broken schema
    fails the upload, and duplicate names make calls ambiguous.

    ## Example
    ```jsonl
    {"tools": [{"type": "function", "function": {"name": "get weather", "parameters": {"type": "objekt"}}}], "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}}], "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL114"
    name = "invalid-tools"
    summary = "Tool definition is malformed"
    severity = Severity.ERROR

    def check(self, record, ctx: Context):
        ex = record.example
        tools, at, in_string = tools_value(ex)
        if tools is None or ex.tools is None:
            return
        shape = ("bedrock" if ex.format in (BEDROCK_CONVERSATION, BEDROCK_PREFERENCE)
                 else "gemini" if ex.format == VERTEX_GEMINI else "openai")
        if in_string and isinstance(tools, str):
            yield Finding("`tools` is a string that is not valid JSON; LLaMA-Factory reads it as a JSON array of "
                          "tool definitions", pointer=at)
            return
        if in_string and isinstance(tools, dict):
            tools = [tools]
        if not isinstance(tools, list):
            where = "a JSON string holding " if in_string else ""
            yield Finding(f"`{at.rsplit('/', 1)[-1]}` must be {where}an array of tool definitions "
                          f"({ENTRY_SHAPES[shape]})", pointer=at)
            return
        for i, tool in enumerate(tools):
            if in_string:
                fn = tool.get("function", tool) if isinstance(tool, dict) else None
                if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
                    yield Finding(f"tool definition {i} in the `tools` string has no function `name`", pointer=at)
            elif not isinstance(tool, dict) or not self._shaped(tool, shape, at):
                yield Finding(f"tool must be an object {ENTRY_SHAPES[shape]}", pointer=f"{at}/{i}")
            elif shape == "openai" and at != "/functions" and tool.get("type", "function") != "function":
                yield Finding(f"tool type {json.dumps(tool.get('type'))}; fine-tuning supports \"function\"",
                              pointer=f"{at}/{i}/type")
        names: set[str] = set()
        for d in definitions(ex):
            rule = bad_name(d.name, d.kind)
            if not isinstance(d.name, str) or rule:
                if d.kind != "text":
                    yield Finding(f"tool name {json.dumps(d.name)} must match {rule or '^[a-zA-Z0-9_-]{1,64}$'}",
                                  pointer=d.name_pointer if isinstance(d.name, str) else d.pointer)
            elif d.name in names:
                yield Finding(f"tool name {json.dumps(d.name)} is declared twice", pointer=d.name_pointer)
            else:
                names.add(d.name)
            if d.parameters is None or d.kind == "text":
                continue
            if not isinstance(d.parameters, dict):
                yield Finding("`parameters` must be a JSON Schema object", pointer=d.parameters_pointer)
            elif validator_for(json.dumps(d.parameters, sort_keys=True)) is None:
                yield Finding("`parameters` is not a valid JSON Schema", pointer=d.parameters_pointer)

    @staticmethod
    def _shaped(tool: dict, shape: str, at: str) -> bool:
        if shape == "bedrock":
            return isinstance(tool.get("toolSpec"), dict)
        if shape == "gemini":
            return isinstance(tool.get("functionDeclarations"), list) or any(
                k in tool for k in ("googleSearch", "googleSearchRetrieval", "retrieval", "codeExecution"))
        return isinstance(tool.get("function"), dict) or (at == "/functions" and isinstance(tool.get("name"), str))
