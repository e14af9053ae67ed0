from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import OPENAI_CHAT, OPENAI_PREFERENCE
from ...rule import Context, RecordRule
from ._tools import validator_for


class InvalidTools(RecordRule):
    """Reports malformed tool definitions.

    ## What it does
    `tools` must be an array of `{"type": "function", "function": {"name", "description",
    "parameters"}}`; `parameters` must be a valid JSON Schema object; names must be
    unique and match `^[a-zA-Z0-9_-]{1,64}$`.

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
        value, fmt = record.value, record.example.format
        if fmt == OPENAI_CHAT:
            base, tools = "/tools", value.get("tools")
        elif fmt == OPENAI_PREFERENCE and isinstance(value.get("input"), dict):
            base, tools = "/input/tools", value["input"].get("tools")
        else:
            return
        if tools is None:
            return
        if not isinstance(tools, list):
            hint = " (it is a JSON string, LLaMA-Factory style)" if isinstance(tools, str) else ""
            yield Finding(f"`tools` must be an array of tool definitions{hint}", pointer=base)
            return
        names: set[str] = set()
        for i, tool in enumerate(tools):
            at = f"{base}/{i}"
            if not isinstance(tool, dict) or not isinstance(tool.get("function"), dict):
                yield Finding('tool must be an object {"type": "function", "function": {...}}', pointer=at)
                continue
            if tool.get("type", "function") != "function":
                yield Finding(f"tool type {json.dumps(tool.get('type'))}; fine-tuning supports \"function\"",
                              pointer=f"{at}/type")
            fn = tool["function"]
            name = fn.get("name")
            if not isinstance(name, str) or not _valid_name(name):
                yield Finding(f"tool name {json.dumps(name)} must match ^[a-zA-Z0-9_-]{{1,64}}$",
                              pointer=f"{at}/function/name" if "name" in fn else f"{at}/function")
            elif name in names:
                yield Finding(f"tool name {json.dumps(name)} is declared twice", pointer=f"{at}/function/name")
            else:
                names.add(name)
            params = fn.get("parameters")
            if params is None:
                continue
            if not isinstance(params, dict):
                yield Finding("`parameters` must be a JSON Schema object", pointer=f"{at}/function/parameters")
            elif validator_for(json.dumps(params, sort_keys=True)) is None:
                yield Finding("`parameters` is not a valid JSON Schema", pointer=f"{at}/function/parameters")


def _valid_name(name: str) -> bool:
    return 0 < len(name) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
