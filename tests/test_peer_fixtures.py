"""What other validators' own test suites accept and reject, rebuilt as synthetic records:
together-python (`utils/files.py` and its tests), mistral-common (`validator.py`), the
Amazon Nova dataset validator, LLaMA-Factory's converters. Valid records give no schema
finding; invalid ones give a finding of the expected rule at the expected field."""

from __future__ import annotations

import json

import pytest

from helpers import lint

U = {"role": "user", "content": "Hello, can you tell me how cold San Francisco is today?"}
A = {"role": "assistant", "content": "It is 14 °C in San Francisco."}
PREF = {"input": {"messages": [{"role": "user", "content": "Hi there, I have a question."},
                               {"role": "assistant", "content": "Hello, how is your day going?"}, U]},
        "preferred_output": [A], "non_preferred_output": [{"role": "assistant", "content": "Cold."}]}


def call(cid: str, name: str = "get_weather", arguments: str = '{"city": "Paris"}') -> dict:
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": arguments}}


TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
                                           "parameters": {"type": "object", "properties": {
                                               "city": {"type": "string"}}, "required": ["city"]}}}]
NOVA = {"schemaVersion": "bedrock-conversation-2024",
        "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather", "description": "Weather",
                                               "inputSchema": {"json": {"type": "object", "properties": {
                                                   "city": {"type": "string"}}}}}}]}}


def nova(*messages, **extra) -> dict:
    return {**NOVA, **extra, "messages": list(messages)}


def nova_msg(role: str, *blocks) -> dict:
    return {"role": role, "content": list(blocks)}


NOVA_USE = {"toolUse": {"toolUseId": "tu1", "name": "get_weather", "input": {"city": "Paris"}}}
NOVA_RESULT = {"toolResult": {"toolUseId": "tu1", "content": [{"json": {"temp": 14}}]}}

VALID = {
    # together-python tests: valid general, instruction (also multimodal prompt), conversational, weights
    "together text": {"text": "Hello, world!"},
    "together instruction": {"prompt": "Translate the following sentence.", "completion": "Hello, world!"},
    "together multimodal prompt": {"prompt": [
        {"type": "text", "text": "What's the difference between these two images?"},
        {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQ"}},
        {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQ"}}],
        "completion": "The first image is a cat, the second a dog."},
    "together multi-turn with system": {"messages": [{"role": "system", "content": "You are a kind AI"}, U, A,
                                                     {"role": "user", "content": "And Amsterdam?"},
                                                     {"role": "assistant", "content": "Cloudy."}]},
    "together multimodal parts in both turns": {"messages": [
        {"role": "user", "content": [{"type": "text", "text": "What is this?"},
                                     {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR"}}]},
        {"role": "assistant", "content": [{"type": "text", "text": "Hi there!"}]}]},
    "together weights on every message": {"messages": [
        {"role": "system", "content": "You are helpful", "weight": 0},
        {"role": "user", "content": "What's the weather?", "weight": 1},
        {"role": "assistant", "content": "It's sunny today!", "weight": 1}]},
    "together preference": PREF,
    # mistral-common fine-tuning mode: a tool call without its response is tolerated at the end
    "mistral tool call at the end": {"messages": [U, {"role": "assistant", "tool_calls": [call("a1b2c3d4e")]}],
                                     "tools": TOOLS},
    "mistral parallel calls then answer": {"messages": [
        U, {"role": "assistant", "tool_calls": [call("a1b2c3d4e"), call("z9y8x7w6v", arguments='{"city": "Rome"}')]},
        {"role": "tool", "tool_call_id": "a1b2c3d4e", "content": "14"},
        {"role": "tool", "tool_call_id": "z9y8x7w6v", "content": "21"}, A], "tools": TOOLS},
    # Nova: SFT with tools, reasoning, media; DPO with candidates
    "nova sft with tools": nova(nova_msg("user", {"text": "Weather in Paris?"}),
                                nova_msg("assistant", {"reasoningContent": {"reasoningText": {"text": "Call it."}}},
                                         NOVA_USE),
                                nova_msg("user", NOVA_RESULT), nova_msg("assistant", {"text": "14 °C."}),
                                system=[{"text": "You are a weather bot."}]),
    "nova sft with a video": nova(nova_msg("user", {"text": "Summarise."}, {"video": {
        "format": "mp4", "source": {"s3Location": {"uri": "s3://bucket/v.mp4", "bucketOwner": "123"}}}}),
        nova_msg("assistant", {"text": "A cat plays."})),
    "nova dpo": {"schemaVersion": "bedrock-conversation-2024", "messages": [
        nova_msg("user", {"text": "Say hi."}),
        {"role": "assistant", "candidates": [{"content": [{"text": "Hi!"}], "preferenceLabel": "preferred"},
                                             {"content": [{"text": "Hello."}], "preferenceLabel": "non-preferred"}]}]},
    # LLaMA-Factory converters: alpaca with history and system, sharegpt with tools, ranking and KTO data
    "llamafactory alpaca": {"instruction": "Add.", "input": "2, 3", "output": "5", "system": "Be brief.",
                            "history": [["Hi", "Hello"]]},
    "llamafactory sharegpt tools": {
        "conversations": [{"from": "human", "value": "Weather in Paris?"},
                          {"from": "function_call", "value": '{"name": "get_weather", "arguments": {"city": "Paris"}}'},
                          {"from": "observation", "value": '{"temp": 14}'}, {"from": "gpt", "value": "14 °C."}],
        "tools": json.dumps([TOOLS[0]["function"]])},
    "llamafactory sharegpt ranking": {"conversations": [{"from": "human", "value": "Hi"}],
                                      "chosen": {"from": "gpt", "value": "Hello!"},
                                      "rejected": {"from": "gpt", "value": "Go away."}},
    "llamafactory alpaca ranking": {"instruction": "Say hi.", "input": "", "chosen": "Hello!", "rejected": "No."},
    "llamafactory kto": {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Go away."}],
                         "label": False},
    "llamafactory openai tools string": {"messages": [U, {"role": "assistant", "tool_calls": [call("c1")]},
                                                      {"role": "tool", "tool_call_id": "c1", "content": "14"}, A],
                                         "tools": json.dumps(TOOLS)},
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_what_peers_accept_has_no_schema_finding(name):
    assert lint(json.dumps(VALID[name], ensure_ascii=False) + "\n", ["JL0", "JL1"]) == []


def _without(d: dict, key: str) -> dict:
    return {k: v for k, v in d.items() if k != key}


INVALID = {
    # together-python preference tests (structural issues), as rule and field
    "together missing input": (_without(PREF, "input"), "JL112", ""),
    "together missing preferred_output": (_without(PREF, "preferred_output"), "JL112", ""),
    "together empty input messages": ({**PREF, "input": {"messages": []}}, "JL102", "/input/messages"),
    "together no role in preferred": ({**PREF, "preferred_output": [{"content": "x"}]}, "JL102", "/preferred_output/0"),
    "together no content in preferred": ({**PREF, "preferred_output": [{"role": "assistant"}]}, "JL103",
                                         "/preferred_output/0"),
    "together output is a string": ({**PREF, "non_preferred_output": "Not an array"}, "JL102", "/non_preferred_output"),
    "together two preferred messages": ({**PREF, "preferred_output": [A, A]}, "JL112", "/preferred_output"),
    "together number content": ({**PREF, "input": {"messages": [{"role": "user", "content": 123}]}}, "JL103",
                                "/input/messages/0/content"),
    "together invalid role": ({**PREF, "input": {"messages": [{"role": "invalid_role", "content": "Hello"}]}}, "JL104",
                              "/input/messages/0/role"),
    "together weight in input": ({**PREF, "input": {"messages": [{**U, "weight": 2}]}}, "JL111",
                                 "/input/messages/0/weight"),
    "together input is not an object": ({**PREF, "input": "Not a dictionary"}, "JL112", "/input"),
    "together user in preferred": ({**PREF, "preferred_output": [{"role": "user", "content": "x"}]}, "JL112",
                                   "/preferred_output/0"),
    # together-python SFT tests
    "together no assistant": ({"messages": [{"role": "user", "content": "Hi"}]}, "JL105", "/messages"),
    "together missing content": ({"messages": [U, {"role": "assistant"}]}, "JL103", "/messages/1"),
    "together message is a string": ({"messages": ["Hi!", U, A]}, "JL102", "/messages/0"),
    "together empty messages": ({"messages": []}, "JL102", "/messages"),
    "together non-alternating": ({"messages": [U, U, A]}, "JL107", "/messages/1"),
    # mistral-common validator
    "mistral bad function name": ({"messages": [U, {"role": "assistant", "tool_calls": [call("a1", "get weather")]}]},
                                  "JL110", "/messages/1/tool_calls/0/function/name"),
    "mistral bad tool schema": ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {
        "type": "objekt"}}}], "messages": [U, A]}, "JL114", "/tools/0/function/parameters"),
    "mistral more results than calls": ({"messages": [U, {"role": "assistant", "tool_calls": [call("a1")]},
                                                      {"role": "tool", "tool_call_id": "a1", "content": "1"},
                                                      {"role": "tool", "tool_call_id": "a2", "content": "2"}, A]},
                                        "JL109", "/messages/3/tool_call_id"),
    "mistral weight not 0 or 1": ({"messages": [U, {**A, "weight": 0.5}]}, "JL111", "/messages/1/weight"),
    "mistral arguments not a string": ({"messages": [U, {"role": "assistant", "tool_calls": [
        {"id": "a1", "type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]}]}, "JL110",
        "/messages/1/tool_calls/0/function/arguments"),
    # Nova validator
    "nova tool not in toolConfig": (nova(nova_msg("user", {"text": "Hi"}), nova_msg("assistant", {"toolUse": {
        "toolUseId": "tu1", "name": "get_time", "input": {}}})), "JL110", "/messages/1/content/0/toolUse/name"),
    "nova result for an unknown use": (nova(nova_msg("user", {"text": "Hi"}), nova_msg("assistant", NOVA_USE),
                                            nova_msg("user", {"toolResult": {"toolUseId": "tu9", "content": [
                                                {"text": "x"}]}}), nova_msg("assistant", {"text": "x"})), "JL109",
                                       "/messages/2/content/0/toolResult/toolUseId"),
    "nova duplicate toolUseId": (nova(nova_msg("user", {"text": "Hi"}), nova_msg("assistant", NOVA_USE),
                                      nova_msg("user", NOVA_RESULT), nova_msg("assistant", NOVA_USE)), "JL109",
                                 "/messages/3/content/0/toolUse/toolUseId"),
    "nova image in the assistant turn": (nova(nova_msg("user", {"text": "Hi"}), nova_msg("assistant", {"image": {
        "format": "png", "source": {"s3Location": {"uri": "s3://b/x.png"}}}})), "JL103", "/messages/1/content/0"),
    "nova toolUse in the user turn": (nova(nova_msg("user", NOVA_USE), nova_msg("assistant", {"text": "x"})), "JL103",
                                      "/messages/0/content/0"),
    "nova role not user or assistant": (nova({"role": "bot", "content": [{"text": "Hi"}]},
                                             nova_msg("assistant", {"text": "x"})), "JL104", "/messages/0/role"),
    "nova same preference label": ({"schemaVersion": "bedrock-conversation-2024", "messages": [
        nova_msg("user", {"text": "Hi"}),
        {"role": "assistant", "candidates": [{"content": [{"text": "a"}], "preferenceLabel": "preferred"},
                                             {"content": [{"text": "b"}], "preferenceLabel": "preferred"}]}]},
        "JL112", "/messages/1/candidates"),
    "nova duplicate tool names": (nova(nova_msg("user", {"text": "Hi"}), nova_msg("assistant", {"text": "x"}),
                                       toolConfig={"tools": NOVA["toolConfig"]["tools"] * 2}), "JL114",
                                  "/toolConfig/tools/1/toolSpec/name"),
    # LLaMA-Factory converter: unsupported role tags are skipped with only a warning there
    "llamafactory unknown sharegpt tag": ({"conversations": [{"from": "human", "value": "Hi"},
                                                             {"from": "bot", "value": "Hello"}]}, "JL104",
                                          "/conversations/1/from"),
    "llamafactory tools string not JSON": ({"conversations": [{"from": "human", "value": "Hi"},
                                                              {"from": "gpt", "value": "Hello"}],
                                            "tools": "get_weather(city)"}, "JL114", "/tools"),
    "llamafactory tool call not JSON": ({"conversations": [{"from": "human", "value": "Hi"},
                                                           {"from": "function_call", "value": "get_weather(Paris)"}]},
                                        "JL110", "/conversations/1/value"),
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_what_peers_reject_is_a_finding_at_the_field(name):
    value, code, pointer = INVALID[name]
    found = lint(json.dumps(value, ensure_ascii=False) + "\n", ["JL0", "JL1"])
    assert (code, pointer) in [(d.code, d.pointer) for d in found], [(d.code, d.pointer, d.message) for d in found]
