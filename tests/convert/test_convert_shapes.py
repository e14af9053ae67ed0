"""What `convert` writes for each target, record by record, from the facts of
shared/reference/targets.md (§ "Conversion from OpenAI" of each target)."""

from __future__ import annotations

import base64
import json

from convhelp import TOOLS, chat, codes, convert, one, tool_chat
from jsonl_lint.convert.plan import Options

BASIC = chat(("system", "Be brief."), ("user", "Hi"), ("assistant", "Hello!"))


def test_vertex_gemini_system_instruction_model_role_and_parts():
    out, found = one(BASIC, "vertex-gemini")
    assert out == {"systemInstruction": {"role": "system", "parts": [{"text": "Be brief."}]},
                   "contents": [{"role": "user", "parts": [{"text": "Hi"}]},
                                {"role": "model", "parts": [{"text": "Hello!"}]}]}
    assert found == []


def test_vertex_gemini_function_calls_only_with_a_model_that_takes_them():
    out, found = one(tool_chat(), "vertex-gemini")
    assert out is None and found == ["JL952"]
    # Gemini 2.0 takes calls; its results come back as user turns of functionResponse parts,
    # which the shipped profile's roles do not list yet: a target of the config adds them.
    gemini2 = {"gemini-2": {"extends": "vertex-gemini", "model": "gemini-2.0-flash",
                            "roles": {"allowed": ["system", "user", "assistant", "tool"],
                                      "prompt-side": ["user", "tool"]}}}
    out, found = one(tool_chat(), "gemini-2", targets=gemini2)
    assert found == []
    assert out["contents"][1] == {"role": "model", "parts": [{"functionCall": {"name": "weather",
                                                                               "args": {"city": "Oslo"}}}]}
    assert out["contents"][2] == {"role": "user", "parts": [{"functionResponse": {
        "name": "weather", "response": {"content": "4 C, rain"}}}]}
    assert out["tools"] == [{"functionDeclarations": [TOOLS[0]["function"]]}]


def test_bedrock_nova_conversation_tool_use_and_tool_result_as_a_user_message():
    out, found = one(tool_chat(), "bedrock-nova")
    assert found == []
    assert out["schemaVersion"] == "bedrock-conversation-2024"
    assert out["messages"][1] == {"role": "assistant", "content": [
        {"toolUse": {"toolUseId": "call_abc123", "name": "weather", "input": {"city": "Oslo"}}}]}
    assert out["messages"][2] == {"role": "user", "content": [
        {"toolResult": {"toolUseId": "call_abc123", "content": [{"text": "4 C, rain"}]}}]}
    assert out["toolConfig"] == {"tools": [{"toolSpec": {"name": "weather", "description": "Weather in a city",
                                                         "inputSchema": {"json": TOOLS[0]["function"]["parameters"]}}}]}


def test_bedrock_nova_system_and_dpo_candidates():
    out, found = one(BASIC, "bedrock-nova")
    assert out["system"] == [{"text": "Be brief."}] and out["messages"][0] == {"role": "user",
                                                                               "content": [{"text": "Hi"}]}
    dpo = {"input": {"messages": [{"role": "user", "content": "Pick one"}]},
           "preferred_output": [{"role": "assistant", "content": "A"}],
           "non_preferred_output": [{"role": "assistant", "content": "B"}]}
    out, found = one(dpo, "bedrock-nova")
    assert found == []
    assert out["messages"][-1] == {"role": "assistant", "candidates": [
        {"content": [{"text": "A"}], "preferenceLabel": "preferred"},
        {"content": [{"text": "B"}], "preferenceLabel": "non-preferred"}]}


def test_bedrock_llama_prompt_completion_for_llama_3_1_and_conversation_for_3_2():
    single = chat(("user", "Hi"), ("assistant", "Hello!"))
    out, found = one(single, "bedrock-llama")
    assert out == {"prompt": "Hi", "completion": "Hello!"} and found == []
    out, found = one(BASIC, "bedrock-llama")  # the system prompt has no place in prompt/completion strings
    assert out == {"prompt": "Be brief.\n\nHi", "completion": "Hello!"} and found == ["JL955"]
    two_turns = chat(("user", "Hi"), ("assistant", "Hello!"), ("user", "Bye"), ("assistant", "Bye!"))
    out, found = one(two_turns, "bedrock-llama")
    assert out is None and found == ["JL951"]
    out, found = one(two_turns, "bedrock-llama", model="bedrock-llama:meta.llama3-2-3b-instruct-v1")
    assert found == [] and out["schemaVersion"] == "bedrock-conversation-2024" and len(out["messages"]) == 4


def test_mistral_nine_character_ids_kept_consistent_and_text_split_from_calls():
    record = tool_chat("call_abc123", text="Let me check.")
    out, found = one(record, "mistral")
    assert found == ["JL959"]
    messages = out["messages"]
    assert messages[1] == {"role": "assistant", "content": "Let me check."}
    new_id = messages[2]["tool_calls"][0]["id"]
    assert len(new_id) == 9 and new_id.isalnum() and messages[3]["tool_call_id"] == new_id
    again, _ = one(record, "mistral")
    assert again == out  # ids derive from the old ones: the same file on every run
    ok = tool_chat("abcDEF123")  # already of the form: kept
    out, found = one(ok, "mistral")
    assert out["messages"][1]["tool_calls"][0]["id"] == "abcDEF123" and found == []


def test_mistral_image_url_is_a_string():
    record = chat({"role": "user", "content": [{"type": "text", "text": "What is it?"}, {
        "type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}, ("assistant", "A dot."))
    out, found = one(record, "mistral")
    assert out["messages"][0]["content"][1] == {"type": "image_url", "image_url": "data:image/png;base64,iVBORw0KGgo="}
    assert found == []


def test_together_and_fireworks_embed_local_images_and_refuse_http_urls(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    (tmp_path / "cat.png").write_bytes(png)
    local = chat({"role": "user", "content": [{"type": "text", "text": "What is it?"},
                                              {"type": "image_url", "image_url": {"url": "cat.png"}}]},
                 ("assistant", "A cat."))
    for target in ("together", "fireworks"):
        outputs, found = convert([local], target, path=str(tmp_path / "in.jsonl"),
                                 options=Options(base_dir=str(tmp_path)))
        url = outputs[0]["messages"][0]["content"][1]["image_url"]["url"]
        assert url == "data:image/png;base64," + base64.b64encode(png).decode() and codes(found) == []
    remote = json.loads(json.dumps(local).replace("cat.png", "https://example.com/cat.png"))
    out, found = one(remote, "together")
    assert out is None and found == ["JL953"]
    missing = json.loads(json.dumps(local).replace("cat.png", "nowhere.png"))
    out, found = one(missing, "fireworks")
    assert out is None and found == ["JL953"]


def test_bedrock_images_go_to_the_media_uri(tmp_path):
    record = chat({"role": "user", "content": [{"type": "text", "text": "What is it?"}, {
        "type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}, ("assistant", "A dot."))
    out, found = one(record, "bedrock-nova")
    assert out is None and found == ["JL953"]
    options = Options(media_uri="s3://bucket/train/", media_dir=str(tmp_path / "media"))
    outputs, found = convert([record], "bedrock-nova", options=options)
    block = outputs[0]["messages"][0]["content"][1]["image"]
    assert block["format"] == "png" and block["source"]["s3Location"]["uri"].startswith("s3://bucket/train/")
    name = block["source"]["s3Location"]["uri"].rsplit("/", 1)[1]
    assert (tmp_path / "media" / name).read_bytes() == base64.b64decode("iVBORw0KGgo=")


def test_together_merges_consecutive_turns_and_keeps_weights():
    record = chat(("user", "Hi"), ("user", "Are you there?"), {"role": "assistant", "content": "Yes", "weight": 0},
                  ("user", "Sure?"), ("assistant", "Yes!"), id="r1")
    out, found = one(record, "together")
    assert out["messages"][0] == {"role": "user", "content": "Hi\n\nAre you there?"}
    assert out["messages"][1]["weight"] == 0 and "id" not in out
    assert sorted(found) == ["JL955", "JL960"]


def test_trl_conversational_preference_and_kto_and_dict_arguments():
    dpo = {"input": {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "Pick"}]},
           "preferred_output": [{"role": "assistant", "content": "A"}],
           "non_preferred_output": [{"role": "assistant", "content": "B"}]}
    out, found = one(dpo, "trl")
    assert out == {"prompt": [{"role": "system", "content": "S"}, {"role": "user", "content": "Pick"}],
                   "chosen": [{"role": "assistant", "content": "A"}],
                   "rejected": [{"role": "assistant", "content": "B"}]} and found == []
    kto = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Go away"}], "label": False}
    out, found = one(kto, "trl")
    assert out == {"prompt": [{"role": "user", "content": "Hi"}],
                   "completion": [{"role": "assistant", "content": "Go away"}], "label": False}
    out, _ = one(tool_chat(), "trl")
    assert out["messages"][1]["tool_calls"][0]["function"]["arguments"] == {"city": "Oslo"}


def test_trl_weights_are_reported_and_trailing_untrained_answers_left_out():
    record = chat(("user", "2+2?"), {"role": "assistant", "content": "5", "weight": 0}, ("user", "Again"),
                  ("assistant", "4"), ("user", "Thanks"), {"role": "assistant", "content": "Bye", "weight": 0})
    out, found = one(record, "trl")
    assert [m["content"] for m in out["messages"]] == ["2+2?", "5", "Again", "4"]
    assert sorted(found) == ["JL954", "JL956"]


def test_llama_factory_sharegpt_with_tools_and_its_dataset_info_entry():
    out, found = one(tool_chat(), "llama-factory")
    assert found == []
    assert [t["from"] for t in out["conversations"]] == ["human", "function_call", "observation", "gpt"]
    assert json.loads(out["conversations"][1]["value"]) == {"name": "weather", "arguments": {"city": "Oslo"}}
    assert json.loads(out["tools"]) == [TOOLS[0]["function"]]


def test_alpaca_stays_alpaca_where_the_trainer_reads_it_and_keeps_its_input_split():
    record = {"instruction": "Translate", "input": "Hallo", "output": "Hello", "system": "Be exact."}
    out, found = one(record, "llama-factory")
    assert out == record and found == []
    out, found = one(record, "axolotl")  # axolotl's alpaca type has no system prompt or history: chats
    assert out["messages"] == [{"role": "system", "content": "Be exact."},
                               {"role": "user", "content": "Translate\n\nHallo"},
                               {"role": "assistant", "content": "Hello"}] and found == []


def test_axolotl_keeps_weights_and_takes_single_message_dpo_answers():
    record = chat(("user", "2+2?"), {"role": "assistant", "content": "5", "weight": 0}, ("user", "Again"),
                  ("assistant", "4"))
    out, found = one(record, "axolotl")
    assert out == record and found == []
    dpo = {"conversations": [{"from": "human", "value": "Pick"}], "chosen": {"from": "gpt", "value": "A"},
           "rejected": {"from": "gpt", "value": "B"}}
    out, found = one(dpo, "axolotl")
    assert out == {"messages": [{"role": "user", "content": "Pick"}], "chosen": {"role": "assistant", "content": "A"},
                   "rejected": {"role": "assistant", "content": "B"}} and found == []


def test_openai_is_identity_for_openai_records_and_reads_every_other_shape():
    record = tool_chat()
    out, found = one(record, "openai")
    assert out == record and found == []
    sharegpt = {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]}
    out, found = one(sharegpt, "openai")
    assert out == chat(("user", "Hi"), ("assistant", "Hello!")) and found == []


def test_sharegpt_calls_get_ids_that_results_share():
    record = {"conversations": [
        {"from": "human", "value": "Weather?"},
        {"from": "function_call", "value": '{"name": "weather", "arguments": {"city": "Oslo"}}'},
        {"from": "observation", "value": "4 C"}, {"from": "gpt", "value": "4 degrees."}], "tools": json.dumps(
        [TOOLS[0]["function"]])}
    out, found = one(record, "azure-openai")
    call = out["messages"][1]["tool_calls"][0]
    assert call["id"] == out["messages"][2]["tool_call_id"] == "call_1"
    assert json.loads(call["function"]["arguments"]) == {"city": "Oslo"} and found == []


def test_a_file_holds_one_kind_of_example():
    dpo = {"input": {"messages": [{"role": "user", "content": "Pick"}]},
           "preferred_output": [{"role": "assistant", "content": "A"}],
           "non_preferred_output": [{"role": "assistant", "content": "B"}]}
    outputs, found = convert([BASIC, dpo], "openai")
    assert outputs[1] is None and codes(found) == ["JL951"] and "one kind" in found[0].message


def test_findings_point_at_the_input_line_and_field():
    outputs, found = convert([BASIC, "not json", chat(("user", "a"), ("user", "b"), ("assistant", "c"))],
                             "together")
    assert outputs[1] is None
    by_code = {d.code: d for d in found}
    assert by_code["JL950"].location.line == 2
    merged = by_code["JL955"]
    assert merged.location.line == 3 and merged.pointer == "/messages/1"


ROUND_TRIP = [BASIC, tool_chat(), chat(("user", "Hi"), ("assistant", "Hello!"), ("user", "Bye"), ("assistant", "Bye!"))]


def test_to_each_target_and_back_gives_the_original_example():
    """Converted with no finding, then converted back to OpenAI chat: the same example
    (ids may be renamed: Mistral remaps them, Gemini has none)."""
    from jsonl_lint.convert.compare import differences
    from jsonl_lint.convert.read import read
    from jsonl_lint.formats import normalize
    from jsonl_lint.targets import profile_names

    checked = 0
    for target in profile_names():
        outputs, found = convert(ROUND_TRIP, target)
        clean = {d.location.line for d in found}
        for line, (record, output) in enumerate(zip(ROUND_TRIP, outputs), 1):
            if output is None or line in clean:
                continue
            back, back_found = one(output, "openai")
            assert back_found == [], (target, output)
            assert differences(read(record, normalize(record)), read(back, normalize(back))) == [], (target, back)
            checked += 1
    assert checked >= 25  # most targets hold these three examples without a loss


def test_from_forces_the_input_format_and_json_arrays_and_gzip_are_read(tmp_path):
    import gzip

    from jsonl_lint.convert import convert_text
    from convhelp import settings

    record = {"prompt": "2+2?", "completion": "4"}
    result = convert_text(json.dumps(record) + "\n", "openai", settings(), force_format="prompt-completion")
    assert result.outputs == [{"prompt": "2+2?", "completion": "4"}]
    result = convert_text(json.dumps({"text": "x"}) + "\n", "openai", settings(), force_format="sharegpt")
    assert result.outputs == [None] and codes(result.diagnostics) == ["JL951"]
    array = tmp_path / "data.json"
    array.write_text(json.dumps([{"instruction": "Hi", "input": "", "output": "Hello"}] * 2))
    (tmp_path / "data.jsonl.gz").write_bytes(gzip.compress((json.dumps(BASIC) + "\n").encode()))
    from jsonl_lint.convert.run import Request, convert as run_convert

    result = run_convert(Request([str(array), str(tmp_path / "data.jsonl.gz")], "together",
                                 str(tmp_path / "out.jsonl")), settings())
    assert (result.records, result.written) == (3, 3)
    rows = (tmp_path / "out.map.tsv").read_text().splitlines()[1:]
    assert [r.split("\t")[2:] for r in rows] == [[str(array), "1", "1"], [str(array), "1", "2"],
                                                  [str(tmp_path / "data.jsonl.gz"), "1", "1"]]
