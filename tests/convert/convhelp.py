"""Helpers for the convert tests: records in, outputs and finding codes out."""

from __future__ import annotations

import json

from jsonl_lint.config import settings_from_table
from jsonl_lint.convert import convert_text
from jsonl_lint.convert.plan import Options


def settings(**table):
    table.setdefault("root", "")
    return settings_from_table(table, None)


def convert(records, target: str, *, path: str = "input.jsonl", options: Options | None = None, **table):
    """(outputs, diagnostics) of converting ``records`` (dicts or raw lines) for ``target``."""
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    result = convert_text(text, target, settings(**table), path=path, options=options)
    return result.outputs, result.diagnostics


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def one(record, target: str, **kw):
    """The single output of one record (None when left out) and the finding codes."""
    outputs, diagnostics = convert([record], target, **kw)
    return outputs[0], codes(diagnostics)


def chat(*turns, **extra) -> dict:
    """An OpenAI chat record from (role, content) pairs or message dicts."""
    messages = [t if isinstance(t, dict) else {"role": t[0], "content": t[1]} for t in turns]
    return {"messages": messages, **extra}


TOOLS = [{"type": "function", "function": {"name": "weather", "description": "Weather in a city",
                                           "parameters": {"type": "object",
                                                          "properties": {"city": {"type": "string"}}}}}]


def tool_chat(call_id: str = "call_abc123", text: str | None = None) -> dict:
    call = {"role": "assistant", "tool_calls": [{"id": call_id, "type": "function",
                                                 "function": {"name": "weather", "arguments": '{"city": "Oslo"}'}}]}
    if text is not None:
        call["content"] = text
    return chat(("user", "Weather in Oslo?"), call,
                {"role": "tool", "tool_call_id": call_id, "content": "4 C, rain"},
                ("assistant", "4 degrees and rain."), tools=TOOLS)
