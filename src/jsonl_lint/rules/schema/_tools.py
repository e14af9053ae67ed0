"""Tool definitions and calls of OpenAI-style records, shared by the tool rules."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Iterator


def declared_tools(value: dict) -> dict[str, Any]:
    """name -> parameters schema, from top-level `tools` (or `input.tools`) and `functions`."""
    out: dict[str, Any] = {}
    holder = value.get("input") if isinstance(value.get("input"), dict) else value
    tools = holder.get("tools")
    if isinstance(tools, str):  # LLaMA-Factory ships tools as a JSON string
        try:
            tools = json.loads(tools)
        except ValueError:
            tools = None
    for tool in tools if isinstance(tools, list) else ():
        fn = tool.get("function", tool) if isinstance(tool, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            out[fn["name"]] = fn.get("parameters")
    for fn in value.get("functions") or () if isinstance(value.get("functions"), list) else ():
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            out[fn["name"]] = fn.get("parameters")
    return out


def tool_calls(messages: list, base: str) -> Iterator[tuple[str, dict]]:
    """(pointer of the call object, call) for every assistant tool call."""
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict) or msg.get("role") != "assistant":
            continue
        calls = msg.get("tool_calls")
        if isinstance(calls, list):
            for j, call in enumerate(calls):
                if isinstance(call, dict):
                    yield f"{base}/{i}/tool_calls/{j}", call
        fc = msg.get("function_call")
        if isinstance(fc, dict):
            yield f"{base}/{i}/function_call", {"function": fc, "legacy": True}


@lru_cache(maxsize=256)
def validator_for(schema_json: str):
    """A cached JSON Schema validator (None when the schema itself is invalid)."""
    from jsonschema import validators
    from jsonschema.exceptions import SchemaError

    schema = json.loads(schema_json)
    cls = validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except SchemaError:
        return None
    return cls(schema)
