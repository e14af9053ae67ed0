"""Dataset dialects: each recognised under its own format name, normalized into the Example
view with exact pointers, and judged by its own rules (synthetic records only)."""

from __future__ import annotations

import json

import pytest

from helpers import lint
from jsonl_lint.config import ConfigError, settings_from_table
from jsonl_lint.formats import (
    ANTHROPIC_CHAT, BEDROCK_CONVERSATION, BEDROCK_PREFERENCE, DOLLY, KTO, LLAMAFACTORY_V1, OPENAI_CHAT,
    PROMPT_RESPONSE, QUERY_RESPONSE, QUESTION_ANSWER, SHAREGPT, VERTEX_GEMINI, answer_turns, detect_format,
    normalize,
)

TOOLS_TEXT = json.dumps([{"type": "function", "function": {
    "name": "circle_area", "description": "Area of a circle.",
    "parameters": {"type": "dict", "properties": {"radius": {"type": "float"}}, "required": ["radius"]}}}])
LF_TOOL_USE = {  # LLaMA-Factory v1: typed {type, value} parts, tool calls as parts, call ids in the tool text
    "messages": [
        {"role": "system", "content": [{"type": "text", "value": "Use the tools."}]},
        {"role": "user", "content": [{"type": "text", "value": "Area for radius 1 and 2?"}]},
        {"role": "assistant", "content": [
            {"type": "reasoning", "value": "Two calls to circle_area are needed."},
            {"type": "tool_call", "value": '{"name": "circle_area", "arguments": {"radius": 1}}'},
            {"type": "tool_call", "value": '{"name": "circle_area", "arguments": {"radius": 2}}'}]},
        {"role": "tool", "content": [{"type": "text", "value": json.dumps([
            {"tool_call_id": "call_a1", "name": "circle_area", "content": "{'area': 3.14}"},
            {"tool_call_id": "call_b2", "name": "circle_area", "content": "{'area': 12.57}"}])}]},
        {"role": "assistant", "content": [{"type": "reasoning", "value": "Both results are in."},
                                          {"type": "text", "value": "3.14 and 12.57 square units."}]}],
    "tools": TOOLS_TEXT}
KTO_BAD = {"messages": [{"role": "user", "content": "Capital of France?"},
                        {"role": "assistant", "content": "Berlin, obviously."}], "label": False}
BEDROCK = {
    "schemaVersion": "bedrock-conversation-2024",
    "system": [{"text": "You are a weather bot."}],
    "toolConfig": {"tools": [{"toolSpec": {"name": "get_weather", "description": "Weather for a city",
                                           "inputSchema": {"json": {"type": "object", "properties": {
                                               "city": {"type": "string"}}, "required": ["city"]}}}}]},
    "messages": [
        {"role": "user", "content": [{"text": "Weather in Oslo?"},
                                     {"image": {"format": "png", "source": {"s3Location": {"uri": "s3://b/x.png"}}}}]},
        {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"text": "Call the tool."}}},
                                          {"toolUse": {"toolUseId": "t1", "name": "get_weather",
                                                       "input": {"city": "Oslo"}}}]},
        {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"json": {"temp": 3}}]}}]},
        {"role": "assistant", "content": [{"text": "It is 3 °C in Oslo."}]}]}
BEDROCK_DPO = {
    "schemaVersion": "bedrock-conversation-2024", "system": [{"text": "Be brief."}],
    "messages": [{"role": "user", "content": [{"text": "Say hi."}]},
                 {"role": "assistant", "candidates": [
                     {"content": [{"text": "Hi!"}], "preferenceLabel": "preferred"},
                     {"content": [{"text": "Greetings, esteemed user, I hereby say hi."}],
                      "preferenceLabel": "non-preferred"}]}]}
GEMINI = {
    "systemInstruction": {"role": "system", "parts": [{"text": "You are a weather bot."}]},
    "contents": [
        {"role": "user", "parts": [{"text": "Weather in Oslo?"},
                                   {"fileData": {"mimeType": "image/png", "fileUri": "gs://b/x.png"}}]},
        {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}}]},
        {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"temp": 3}}}]},
        {"role": "model", "parts": [{"text": "It is 3 °C in Oslo."}]}],
    "tools": [{"functionDeclarations": [{"name": "get_weather", "description": "Weather for a city",
                                         "parameters": {"type": "object", "properties": {
                                             "city": {"type": "string"}}}}]}]}
ANTHROPIC = {"system": "Answer in JSON.", "messages": [{"role": "user", "content": "Name a colour."},
                                                        {"role": "assistant", "content": '{"colour": "red"}'}]}


@pytest.mark.parametrize("value,fmt", [
    (LF_TOOL_USE, LLAMAFACTORY_V1), (KTO_BAD, KTO), (BEDROCK, BEDROCK_CONVERSATION), (BEDROCK_DPO, BEDROCK_PREFERENCE),
    (GEMINI, VERTEX_GEMINI), (ANTHROPIC, ANTHROPIC_CHAT),
    ({"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}], "label": True}, KTO),
    ({"prompt": "q", "completion": "a", "label": True}, KTO),
    ({"instruction": "Summarise.", "context": "A fox ran.", "response": "A fox ran.", "category": "summarization"},
     DOLLY),
    ({"question": "2+2?", "answer": "4"}, QUESTION_ANSWER),
    ({"query": "2+2?", "response": "4", "history": [["1+1?", "2"]]}, QUERY_RESPONSE),
    ({"prompt": "2+2?", "response": "4"}, PROMPT_RESPONSE),
    ({"messages": [{"role": "user", "content": "q"}], "label": 1}, OPENAI_CHAT),  # a class label, not KTO
])
def test_each_dialect_has_its_own_format_name(value, fmt):
    assert detect_format(value) == fmt
    assert normalize(value).format == fmt


TRL_CONVERSATIONAL_KTO = {"prompt": [{"role": "user", "content": "Capital of France?"}],
                          "completion": [{"role": "assistant", "content": "Paris."}], "label": True}


@pytest.mark.parametrize("value", [LF_TOOL_USE, KTO_BAD, BEDROCK, BEDROCK_DPO, GEMINI, ANTHROPIC,
                                   TRL_CONVERSATIONAL_KTO])
def test_valid_dialect_records_have_no_schema_findings(value):
    assert lint(json.dumps(value, ensure_ascii=False) + "\n", ["JL0", "JL1"]) == []


def test_kto_answer_is_marked_as_preference_data():
    bad = normalize(KTO_BAD)
    assert [t.branch for t in bad.turns] == ["", "rejected"]
    assert answer_turns(bad) == []  # an undesirable answer is not a preferred one
    assert [t.text for t in answer_turns(bad, rejected=True)] == ["Berlin, obviously."]
    good = normalize({**KTO_BAD, "label": True})
    assert [t.text for t in answer_turns(good)] == ["Berlin, obviously."]
    sharegpt = normalize({"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"},
                                            {"from": "human", "value": "q2"}, {"from": "gpt", "value": "b"}],
                          "label": True})
    assert [t.branch for t in sharegpt.turns] == ["", "", "", "chosen"]  # earlier answers are context


def test_trl_conversational_prompt_and_completion_are_turns():
    ex = normalize(TRL_CONVERSATIONAL_KTO)
    assert ex.format == KTO
    assert [(t.role, t.pointer, t.branch) for t in ex.turns] == [("user", "/prompt/0", ""),
                                                                 ("assistant", "/completion/0", "chosen")]


def test_kto_label_is_not_an_unknown_key():
    assert lint(json.dumps(KTO_BAD) + "\n", ["JL113"]) == []


def test_llamafactory_tool_calls_reach_the_turns():
    ex = normalize(LF_TOOL_USE)
    call_turn = ex.turns[2]
    assert call_turn.text == "" and call_turn.reasoning == "Two calls to circle_area are needed."
    assert [(c.kind, c.name, c.arguments) for c in call_turn.tool_calls] == [
        ("text", "circle_area", {"radius": 1}), ("text", "circle_area", {"radius": 2})]
    assert call_turn.tool_calls[1].pointer == "/messages/2/content/2/value"
    assert [(r.id, r.name) for r in ex.turns[3].tool_results] == [("call_a1", "circle_area"),
                                                                  ("call_b2", "circle_area")]
    assert [t.text for t in answer_turns(ex)] == ["3.14 and 12.57 square units."]  # a tool call is no answer
    assert ex.turns[4].segments[0].pointer == "/messages/4/content/1/value"


def test_bedrock_and_gemini_blocks_normalize_with_pointers():
    ex = normalize(BEDROCK)
    assert [t.role for t in ex.turns] == ["system", "user", "assistant", "tool", "assistant"]
    assert ex.turns[0].segments[0].pointer == "/system/0/text"
    assert ex.turns[1].images == 1
    call = ex.turns[2].tool_calls[0]
    assert (call.kind, call.id, call.at("arguments")) == ("bedrock", "t1", "/messages/1/content/1/toolUse/input")
    assert ex.turns[3].tool_results[0].id == "t1"
    assert ex.tools_pointer == "/toolConfig/tools"
    dpo = normalize(BEDROCK_DPO)
    assert [t.text for t in answer_turns(dpo)] == ["Hi!"]
    assert dpo.rejected[0].pointer == "/messages/1/candidates/1"
    gem = normalize(GEMINI)
    assert [t.role for t in gem.turns] == ["system", "user", "assistant", "tool", "assistant"]
    assert gem.turns[2].tool_calls[0].at("arguments") == "/contents/1/parts/0/functionCall/args"
    assert gem.turns[-1].segments[0].pointer == "/contents/3/parts/0/text"


def test_instruction_variants_keep_both_prompt_pointers():
    ex = normalize({"instruction": "Summarise.", "context": "A fox ran.", "response": "A fox ran."})
    user = ex.turns[0]
    assert user.text == "Summarise.\n\nA fox ran."
    assert [s.pointer for s in user.segments] == ["/instruction", "/context"]
    assert user.locate(12, 15) == ("/context", (0, 3))
    qr = normalize({"query": "2+2?", "response": "4", "history": [["1+1?", "2"]]})
    assert [t.pointer for t in qr.turns] == ["/history/0/0", "/history/0/1", "/query", "/response"]


HH_SHARED = "\n\nHuman: hi\n\nAssistant: Hello there!\n\nHuman: how are you?"


def _column_of(line: str, needle: str, start: int = 0) -> int:
    return line.index(needle, start) + 1


def test_hh_transcript_findings_point_at_the_turn_not_the_whole_string():
    record = {"chosen": HH_SHARED + "\n\nAssistant: ", "rejected": HH_SHARED + "\n\nAssistant: Fine."}
    line = json.dumps(record)
    (empty,) = [d for d in lint(line + "\n", ["JL801", "JL112"])]
    assert empty.code == "JL801" and "transcript is empty" in empty.message  # once, not also as JL112
    marker = line.index("Assistant: \"")  # the empty final turn's marker in the raw line
    assert empty.location.column == marker + 1 and empty.end_location.column == marker + len("Assistant: ") + 1
    doubled = {"chosen": "\n\nHuman: hi\n\nAssistant: One.\n\nAssistant: Two.", "rejected": "\n\nHuman: hi"
               "\n\nAssistant: Three."}
    line = json.dumps(doubled)
    (d,) = lint(line + "\n", ["JL107"])
    assert d.location.column == _column_of(line, "Two.") and d.end_location.column == d.location.column + 4


def test_tool_call_as_the_last_turn_and_ids_reused_across_turns_are_valid():
    def call(cid):
        return {"id": cid, "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
    last = {"messages": [{"role": "user", "content": "What time is it?"},
                         {"role": "assistant", "content": None, "tool_calls": [call("call_1")]}]}
    reused = {"messages": [{"role": "user", "content": "Time?"},
                           {"role": "assistant", "tool_calls": [call("call_1")]},
                           {"role": "tool", "tool_call_id": "call_1", "content": "10:00"},
                           {"role": "assistant", "content": "10:00."},
                           {"role": "user", "content": "And now?"},
                           {"role": "assistant", "tool_calls": [call("call_1")]},
                           {"role": "tool", "tool_call_id": "call_1", "content": "10:05"},
                           {"role": "assistant", "content": "10:05."}]}
    text = "".join(json.dumps(v) + "\n" for v in (last, reused))
    assert lint(text, ["JL1", "JL801", "JL603"]) == []
    twice = {"messages": [{"role": "user", "content": "Time?"},
                          {"role": "assistant", "tool_calls": [call("call_1"), call("call_1")]},
                          {"role": "tool", "tool_call_id": "call_1", "content": "10:00"}]}
    (d,) = lint(json.dumps(twice) + "\n", ["JL109"])
    assert "used twice in this turn" in d.message


def test_silent_defects_are_reported():
    cases = [
        ({"messages": [{"role": "user", "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": "file:///home/me/cat.png"}}]},
            {"role": "assistant", "content": "A cat."}]}, "JL103", "neither an http(s) URL nor a data: URI"),
        ({"input": {"messages": [{"role": "user", "content": "Hi", "weight": 1}]},
          "preferred_output": [{"role": "assistant", "content": "Hello!"}],
          "non_preferred_output": [{"role": "assistant", "content": "Go away."}]}, "JL111", "preference pair"),
        ({"tools": [{"type": "function", "function": {"name": "get weather", "parameters": {"type": "object"}}}],
          "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]},
         "JL114", "must match ^[a-zA-Z0-9_-]{1,64}$"),
        ({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "tool_calls": [
            {"id": "c", "type": "function", "function": {"name": "look up", "arguments": "{}"}}]}]},
         "JL110", 'function name "look up" must match'),
    ]
    for value, code, message in cases:
        found = lint(json.dumps(value) + "\n", [code])
        assert [d.code for d in found] == [code] and message in found[0].message, (value, found)


def test_an_empty_file_is_a_finding():
    (d,) = lint("", ["JL0"])
    assert d.code == "JL009" and "empty" in d.message
    (d,) = lint("[]", ["JL009"], filename="data.json")
    assert "no records" in d.message


def test_a_file_in_no_known_shape_gets_one_finding_with_the_mapping_to_write():
    rows = [{"dialog": [{"speaker": "me", "text": f"hi {i}"}, {"speaker": "bot", "text": "hello"}]}
            for i in range(5)]
    (d,) = lint("".join(json.dumps(r) + "\n" for r in rows), ["JL1"])
    assert d.code == "JL101" and "none of this file's 5 records" in d.message
    assert ('format = {formatting = "sharegpt", columns = {messages = "dialog"}, tags = {role_tag = "speaker", '
            'content_tag = "text", user_tag = "me", assistant_tag = "bot"}}') in d.message
    mixed = rows[:1] + [{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}] * 3
    found = lint("".join(json.dumps(r) + "\n" for r in mixed), ["JL101"])
    assert [(d.location.line, "found keys `dialog`" in d.message) for d in found] == [(1, True)]


def test_a_configured_mapping_reads_other_field_names_with_exact_pointers():
    table = {"format": {"formatting": "sharegpt", "columns": {"messages": "dialog", "system": "persona"},
                        "tags": {"role_tag": "speaker", "content_tag": "text", "user_tag": "me",
                                 "assistant_tag": "bot"}}}
    good = {"persona": "Be kind.", "dialog": [{"speaker": "me", "text": "hi"}, {"speaker": "bot", "text": "hello"}]}
    bad = {"dialog": [{"speaker": "me", "text": "hi"}, {"speaker": "robot", "text": "hello"}]}
    assert lint(json.dumps(good) + "\n", ["JL0", "JL1"], **table) == []
    (d,) = lint(json.dumps(bad) + "\n", ["JL104"], **table)
    assert 'unknown role "robot"' in d.message and "me, bot" in d.message
    settings = settings_from_table({**table, "root": "."}, None)
    ex = settings.field_mapping.normalize(good)
    assert ex.format == SHAREGPT
    assert [(t.role, t.pointer) for t in ex.turns] == [("system", "/persona"), ("user", "/dialog/0"),
                                                       ("assistant", "/dialog/1")]
    kto = {"format": {"formatting": "alpaca", "columns": {"prompt": "q", "response": "a", "kto_tag": "ok"}}}
    ex = settings_from_table({**kto, "root": "."}, None).field_mapping.normalize({"q": "2+2?", "a": "5", "ok": False})
    assert ex.format == KTO and [(t.pointer, t.branch) for t in ex.turns] == [("/q", ""), ("/a", "rejected")]


@pytest.mark.parametrize("table,error", [
    ({"formatting": "chatml"}, "format.formatting"),
    ({"formatting": "sharegpt", "columns": {"dialog": "x"}}, "unknown key 'format.columns.dialog'"),
    ({"formatting": "alpaca", "tags": {"role_tag": "speaker"}}, "'tags' apply to sharegpt and openai"),
    ({"formatting": "sharegpt", "columns": {"prompt": "q"}}, "columns prompt apply to formatting = \"alpaca\""),
    ({"formatting": "alpaca", "columns": {"chosen": "good"}}, "need ranking = true"),
])
def test_mapping_config_errors_name_the_key(table, error):
    with pytest.raises(ConfigError, match="key") as info:
        settings_from_table({"format": table}, None)
    assert error in str(info.value)


def test_stats_shows_the_dialect_names(tmp_path):
    from io import StringIO

    from jsonl_lint.cli import main

    path = tmp_path / "kto.jsonl"
    path.write_text(json.dumps(KTO_BAD) + "\n" + json.dumps({**KTO_BAD, "label": True}) + "\n", encoding="utf-8")
    out = StringIO()
    main(["stats", "--isolated", str(path)], out, StringIO())
    assert "kto 2" in out.getvalue()
    out = StringIO()
    main(["stats", "--isolated", "--output-format", "json", str(path)], out, StringIO())
    assert json.loads(out.getvalue())["formats"] == {"kto": 2}
