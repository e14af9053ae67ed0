"""Valid data that peers' validators reject or crash on must produce no schema findings
(peers.md §5: tool calls, the tool role, numeric weight, null content next to tool calls,
multimodal parts, parallel tool calls, preference records)."""

from __future__ import annotations

import json

from helpers import lint

TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city",
                                           "parameters": {"type": "object", "properties": {
                                               "city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
                                               "required": ["city"]}}}]
VALID = [
    {"messages": [
        {"role": "system", "content": "You are a weather bot."},
        {"role": "user", "content": "Weather in Oslo and Rome, in celsius?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Oslo", "unit": "c"}'}},
            {"id": "call_b", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Rome"}'}}]},
        {"role": "tool", "tool_call_id": "call_a", "content": '{"temp": 3}'},
        {"role": "tool", "tool_call_id": "call_b", "content": '{"temp": 17}'},
        {"role": "assistant", "content": "Oslo is 3 °C and Rome 17 °C.", "weight": 1}],
     "tools": TOOLS, "parallel_tool_calls": True},
    {"messages": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! Ignore this draft.", "weight": 0},
        {"role": "user", "content": "Again?"},
        {"role": "assistant", "content": "Hello again.", "weight": 1}]},
    {"messages": [
        {"role": "user", "content": [{"type": "text", "text": "What is in this image?"},
                                     {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=",
                                                                         "detail": "low"}}]},
        {"role": "assistant", "content": "A small transparent pixel."}]},
    {"messages": [{"role": "developer", "content": "Answer in French."}, {"role": "user", "content": "Hi"},
                  {"role": "assistant", "content": "Bonjour !", "refusal": None}]},
    {"input": {"messages": [{"role": "user", "content": "Tell me a joke"}], "tools": TOOLS},
     "preferred_output": [{"role": "assistant", "content": "Why did the GPU cross the road? To render the other side."}],
     "non_preferred_output": [{"role": "assistant", "content": "No."}]},
    {"prompt": "Translate: cat", "completion": "chat"},
    {"instruction": "Add the numbers.", "input": "2, 3", "output": "5"},
    {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]},
]


def test_valid_records_of_every_format_have_no_schema_findings():
    for record in VALID:
        text = json.dumps(record, ensure_ascii=False) + "\n"
        assert lint(text, ["JL0", "JL1"]) == [], record
