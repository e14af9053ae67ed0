"""JL9xx per target: for each requirement, a record one target rejects and another takes,
built from the facts in the profiles' sources (see docs/targets.md)."""

from __future__ import annotations

import base64
import json

import pytest

from helpers import lint
from jsonl_lint.targets import profile_names

ALL = profile_names()


def chat(*turns, **extra) -> str:
    return json.dumps({"messages": [{"role": r, "content": c} for r, c in turns], **extra})


def flagged(text: str, code: str, names=ALL, filename="train.jsonl", **table) -> dict[str, list]:
    """{target: [diagnostics of ``code``]} for every target of ``names`` that reports ``code``
    (``table``: more config keys, such as user-defined ``targets``)."""
    out: dict[str, list] = {}
    for d in lint(text if text.endswith("\n") else text + "\n", ["JL9"], filename=filename, target=list(names),
                  **table):
        if d.code == code:
            out.setdefault(d.target, []).append(d)
    return out


def check(text: str, code: str, rejected: set[str], accepted: set[str], **kw) -> dict[str, list]:
    found = flagged(text, code, **kw)
    assert rejected <= set(found), (code, sorted(rejected - set(found)), {t: found[t][0].message for t in found})
    assert not accepted & set(found), {t: found[t][0].message for t in accepted & set(found)}
    return found


GOOD = chat(("system", "Be brief."), ("user", "Hi"), ("assistant", "Hello!"))


def test_every_target_takes_a_plain_two_turn_chat_without_record_findings():
    found = {}
    for code in ("JL902", "JL903", "JL904", "JL905", "JL906", "JL909"):
        found.update({f"{code} {t}": ds[0].message for t, ds in flagged(GOOD, code).items()})
    assert not found, found


def test_roles_two_user_turns_rejected_where_alternation_is_strict_and_accepted_by_openai():
    text = chat(("user", "Hi"), ("user", "Are you there?"), ("assistant", "Yes."))
    found = check(text, "JL902", {"together", "bedrock-nova", "vertex-gemini", "llama-factory"},
                  {"openai", "azure-openai", "mistral", "fireworks", "trl", "axolotl", "unsloth", "openpipe"})
    assert "alternate" in found["together"][0].message and found["together"][0].severity.value == "error"
    # LLaMA-Factory skips the example with a log line: a warning, not a rejection
    assert found["llama-factory"][0].severity.value == "warning"


def test_roles_two_assistant_turns_rejected_by_azure_only_among_the_openai_likes():
    text = chat(("user", "Hi"), ("assistant", "Let me check."), ("assistant", "Done."))
    check(text, "JL902", {"azure-openai"}, {"openai", "mistral", "fireworks", "trl"})


def test_roles_system_after_other_messages():
    text = chat(("user", "Hi"), ("system", "Be brief."), ("user", "Again"), ("assistant", "Hello."))
    check(text, "JL902", {"together", "fireworks", "bedrock-nova", "bedrock-llama", "vertex-gemini"},
          {"openai", "azure-openai", "mistral"})


def test_roles_last_message_must_be_assistant():
    text = chat(("user", "Hi"), ("assistant", "Hello."), ("user", "Bye"))
    check(text, "JL902", {"mistral", "bedrock-nova", "openpipe"}, {"openai", "azure-openai", "fireworks"})


def test_roles_mistral_transition_table_and_llama_factory_even_count():
    tool_after_user = json.dumps({"messages": [{"role": "user", "content": "Hi"},
                                              {"role": "tool", "tool_call_id": "abcdefghi", "content": "x"},
                                              {"role": "assistant", "content": "ok"}]})
    found = check(tool_after_user, "JL902", {"mistral"}, {"openai"})
    assert "tool may not follow user" in found["mistral"][0].message
    odd = chat(("user", "Hi"), ("assistant", "Hello."), ("user", "Thanks"), ("assistant", "Sure."), ("user", "Bye"))
    assert any("even number" in d.message for d in flagged(odd, "JL902", ["llama-factory"])["llama-factory"])


def test_roles_bedrock_llama_takes_one_system_element_and_predibase_needs_a_user():
    two_systems = chat(("system", "A"), ("system", "B"), ("user", "Hi"), ("assistant", "Hello."))
    check(two_systems, "JL902", {"bedrock-llama"}, {"openai", "together"})
    no_user = chat(("system", "A"), ("assistant", "Hello."))
    check(no_user, "JL902", {"predibase"}, {"openai"})


def tool_chat(call_id="call_abc123", args='{"city": "Paris"}', content=None, tools=True) -> str:
    call = {"id": call_id, "type": "function", "function": {"name": "get_weather", "arguments": args}}
    record = {"messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": content, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call_id, "content": "18 C"},
        {"role": "assistant", "content": "18 C."}]}
    if content is None:
        del record["messages"][1]["content"]
    if tools:
        record["tools"] = [{"type": "function", "function": {"name": "get_weather", "parameters": {
            "type": "object", "properties": {"city": {"type": "string"}}}}}]
    return json.dumps(record)


def test_tools_call_id_of_the_wrong_shape_rejected_by_mistral_only():
    found = check(tool_chat(), "JL903", {"mistral"}, set(ALL) - {"mistral", "vertex-gemini", "bedrock-llama",
                                                                   "predibase"})
    assert "^[a-zA-Z0-9]{9}$" in found["mistral"][0].message
    check(tool_chat(call_id="a1B2c3D4e"), "JL903", set(), {"mistral"})


def test_tools_content_beside_calls_rejected_by_mistral():
    check(tool_chat(call_id="a1B2c3D4e", content="Checking."), "JL903", {"mistral"}, {"openai", "together"})


def test_tools_arguments_as_an_object_rejected_where_a_string_is_required():
    record = json.loads(tool_chat(call_id="a1B2c3D4e"))
    record["messages"][1]["tool_calls"][0]["function"]["arguments"] = {"city": "Paris"}
    check(json.dumps(record), "JL903", {"openai", "azure-openai", "together", "fireworks", "mistral"},
          {"trl", "axolotl", "bedrock-nova"})


def test_tools_not_taken_by_gemini_2_5_nor_bedrock_llama():
    check(tool_chat(call_id="a1B2c3D4e"), "JL903", {"vertex-gemini", "bedrock-llama"}, {"openai", "trl"})
    # Gemini 2.0 takes function calls
    found = flagged(tool_chat(call_id="a1B2c3D4e"), "JL903", ["vertex-gemini"], model="vertex-gemini:gemini-2.0-flash")
    assert not found


def test_tool_results_on_a_target_without_tools_are_one_finding_not_a_role_too():
    record = json.dumps({"conversations": [
        {"from": "human", "value": "Weather in Oslo?"},
        {"from": "function_call", "value": json.dumps({"name": "weather", "arguments": {"city": "Oslo"}})},
        {"from": "observation", "value": "4 C"}, {"from": "gpt", "value": "4 C in Oslo."}]})
    names = ["predibase", "vertex-gemini", "bedrock-llama"]
    assert set(flagged(record, "JL903", names)) == set(names)
    assert not flagged(record, "JL902", names)


def test_an_empty_tools_list_is_no_tool_use():
    for tools in ("[]", [], ""):
        record = json.dumps({"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}],
                             "tools": tools})
        assert not flagged(record, "JL903", ["vertex-gemini", "bedrock-llama", "predibase"]), tools
    defined = json.dumps({"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}],
                          "tools": json.dumps([{"name": "weather", "parameters": {"type": "object"}}])})
    assert set(flagged(defined, "JL903", ["vertex-gemini", "bedrock-llama"])) == {"vertex-gemini", "bedrock-llama"}


def test_tools_arguments_a_target_reads_as_an_object_must_parse_to_one():
    # Nova reads toolUse.input objects from its own shape; a target that takes OpenAI chat with
    # object arguments (here one defined in the config) needs strings that parse to an object
    objects = {"obj": {"extends": "openai", "tools": {"arguments": "object"}}}
    found = flagged(tool_chat(args="not json"), "JL903", ["obj", "openai"], targets=objects)
    assert "must be a JSON object" in found["obj"][0].message and "openai" not in found
    assert not flagged(tool_chat(args='{"city": "Paris"}'), "JL903", ["obj"], targets=objects)


def test_weight_zero_is_trained_by_targets_that_ignore_it_and_kept_by_those_that_honour_it():
    text = json.dumps({"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "5", "weight": 0},
                                    {"role": "user", "content": "Again"}, {"role": "assistant", "content": "4"}]})
    found = check(text, "JL904", {"trl", "unsloth", "llama-factory", "bedrock-nova", "vertex-gemini", "axolotl"},
                  {"openai", "azure-openai", "together", "fireworks", "mistral"})
    d = found["trl"][0]
    assert "will be trained" in d.message and d.severity.value == "warning"
    assert "message_field_training" in found["axolotl"][0].message


def test_weight_values_and_roles_where_honoured():
    bad_value = json.dumps({"messages": [{"role": "user", "content": "Hi"},
                                         {"role": "assistant", "content": "Hello", "weight": 2}]})
    found = check(bad_value, "JL904", {"openai", "together", "mistral"}, {"trl"})
    assert found["openai"][0].severity.value == "error"
    on_user = json.dumps({"messages": [{"role": "user", "content": "Hi", "weight": 0},
                                       {"role": "assistant", "content": "Hello"}]})
    check(on_user, "JL904", {"openai", "mistral"}, {"together", "fireworks"})


def image_chat(url: str, role="user", form="object", n=1) -> str:
    part = {"type": "image_url", "image_url": {"url": url} if form == "object" else url}
    content = [{"type": "text", "text": "What is this?"}] + [part] * n
    turns = [{"role": "user", "content": content}, {"role": "assistant", "content": "A cat."}]
    if role == "assistant":
        turns = [{"role": "user", "content": "Show me."}, {"role": "assistant", "content": content}]
    return json.dumps({"messages": turns})


PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 64).decode()


def test_images_http_url_rejected_by_base64_only_targets():
    found = check(image_chat("https://example.com/cat.png"), "JL905",
                  {"together", "fireworks", "mistral", "bedrock-nova", "bedrock-llama"},
                  {"openai", "azure-openai", "vertex-gemini", "trl"})
    assert "base64 data URL" in found["together"][0].message
    check(image_chat(PNG), "JL905", {"bedrock-nova", "vertex-gemini"}, {"openai", "together", "fireworks"})


def test_images_form_role_count_size_format_and_support():
    check(image_chat(PNG, form="string"), "JL905", {"openai", "together"}, {"mistral"})
    check(image_chat(PNG), "JL905", {"mistral"}, {"together"})  # object form: Mistral wants a string
    check(image_chat(PNG, role="assistant"), "JL905", {"openai", "together", "azure-openai"}, set())
    check(image_chat(PNG, n=11), "JL905", {"together"}, {"openai", "azure-openai"})
    check(image_chat(PNG, n=65), "JL905", {"openai", "azure-openai"}, set())
    big = "data:image/png;base64," + "A" * (11 * 1024 * 1024 * 4 // 3)
    found = check(image_chat(big), "JL905", {"together", "openai"}, set())
    assert "10 MB" in found["together"][0].message
    gif = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    check(image_chat(gif), "JL905", {"together", "fireworks", "openai"}, set())
    check(image_chat(PNG), "JL905", {"predibase", "openpipe"}, {"openai"})  # no images at all
    found = flagged(image_chat(PNG), "JL905", ["bedrock-llama"], model="bedrock-llama:meta.llama3-1-8b-instruct-v1")
    assert "takes no images" in found["bedrock-llama"][0].message


def test_images_local_file_size(tmp_path):
    (tmp_path / "big.png").write_bytes(b"\0" * (11 * 1024 * 1024))
    path = tmp_path / "train.jsonl"
    path.write_text(image_chat("big.png") + "\n")
    from jsonl_lint.config import settings_from_table
    from jsonl_lint.engine import Engine

    settings = settings_from_table({"target": ["trl", "llama-factory"], "select": ["JL905"], "root": str(tmp_path)}, None)
    report = Engine(settings).run([str(path)])
    assert not report.diagnostics  # TRL and LLaMA-Factory take local files of any size
    settings = settings.updated(target=("openai",))
    report = Engine(settings).run([str(path)])
    assert any("local path" in d.message for d in report.diagnostics)


def test_reserved_strings_nova_role_labels_and_openai_special_tokens():
    found = check(chat(("user", "Transcript: User: hi Bot: hello"), ("assistant", "A greeting.")), "JL906",
                  {"bedrock-nova"}, {"openai", "together", "trl"})
    assert "'User:'" in found["bedrock-nova"][0].message
    check(chat(("user", "Complete <|fim_suffix|> this"), ("assistant", "Done.")), "JL906", {"openai", "azure-openai"},
          {"together", "bedrock-nova"})
    # the validator's list is case-sensitive: "USER:" is reserved, "chatbot:" is not
    check(chat(("user", "USER: hi"), ("assistant", "ok")), "JL906", {"bedrock-nova"}, set())
    check(chat(("user", "the chatbot: hi"), ("assistant", "ok")), "JL906", set(), {"bedrock-nova"})


def test_extra_keys_rejected_by_together_and_ignored_by_trainers():
    text = chat(("user", "Hi"), ("assistant", "Hello."), source="crm")
    found = check(text, "JL907", {"together", "openai"}, {"trl", "axolotl", "llama-factory"})
    assert found["together"][0].severity.value == "error" and found["openai"][0].severity.value == "warning"
    message_key = json.dumps({"messages": [{"role": "user", "content": "Hi", "is_error": False},
                                           {"role": "assistant", "content": "Hello."}]})
    check(message_key, "JL907", {"fireworks", "together"}, {"trl"})


def test_record_shape_per_target():
    sharegpt = json.dumps({"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]})
    check(sharegpt, "JL901", {"openai", "together", "fireworks", "mistral", "trl", "bedrock-nova", "vertex-gemini"},
          {"axolotl", "unsloth", "llama-factory"})
    alpaca = json.dumps({"instruction": "Say hi", "input": "", "output": "Hi"})
    check(alpaca, "JL901", {"openai", "together", "trl"}, {"llama-factory", "axolotl"})
    prompt_completion = json.dumps({"prompt": "Say hi", "completion": "Hi"})
    check(prompt_completion, "JL901", {"fireworks", "mistral", "bedrock-nova"}, {"together", "bedrock-llama", "trl"})
    check(GOOD, "JL901", {"bedrock-nova", "bedrock-llama", "vertex-gemini"}, {"openai", "together", "mistral"})
    nova = json.dumps({"schemaVersion": "bedrock-conversation-2024", "system": [{"text": "Be brief."}],
                       "messages": [{"role": "user", "content": [{"text": "Hi"}]},
                                    {"role": "assistant", "content": [{"text": "Hello."}]}]})
    check(nova, "JL901", {"openai", "together", "trl"}, {"bedrock-nova", "bedrock-llama"})
    gemini = json.dumps({"systemInstruction": {"parts": [{"text": "Be brief."}]},
                         "contents": [{"role": "user", "parts": [{"text": "Hi"}]},
                                      {"role": "model", "parts": [{"text": "Hello."}]}]})
    check(gemini, "JL901", {"openai", "bedrock-nova"}, {"vertex-gemini"})
    kto = json.dumps({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "No."}],
                      "label": False})
    check(kto, "JL901", {"openai", "together", "fireworks", "mistral"}, {"trl", "llama-factory"})


def test_preference_shape_rules_of_together_and_fireworks():
    def dpo(inp, preferred=1):
        return json.dumps({"input": {"messages": [{"role": r, "content": c} for r, c in inp]},
                           "preferred_output": [{"role": "assistant", "content": "Good"}] * preferred,
                           "non_preferred_output": [{"role": "assistant", "content": "Bad"}]})
    check(dpo([("user", "Hi")], preferred=2), "JL901", {"together"}, {"openai"})
    check(dpo([("user", "Hi"), ("assistant", "Hello"), ("user", "More")]), "JL901", {"fireworks"}, {"together"})
    check(dpo([("user", "Hi"), ("assistant", "Hello")]), "JL901", {"together"}, {"openai"})
    check(dpo([("user", "Hi")]), "JL901", set(), {"together", "fireworks", "openai", "azure-openai"})


@pytest.mark.parametrize("target,minimum", [("openai", 10), ("azure-openai", 10), ("fireworks", 3),
                                            ("bedrock-nova", 8)])
def test_too_few_examples_at_each_targets_own_minimum(target, minimum):
    rows = [chat(("user", f"Question {i}"), ("assistant", f"Answer {i}")) for i in range(minimum)]
    assert not flagged("\n".join(rows), "JL908", [target])
    found = flagged("\n".join(rows[:-1]), "JL908", [target])
    assert f"at least {minimum:,}" in found[target][0].message


def test_too_many_examples_for_bedrock_llama():
    rows = "\n".join([json.dumps({"prompt": f"Q{i}", "completion": f"A{i}"}) for i in range(10001)])
    found = flagged(rows, "JL908", ["bedrock-llama", "together"])
    assert "at most 10,000" in found["bedrock-llama"][0].message and "together" not in found


def test_examples_times_epochs_and_tokens_times_epochs_caps():
    rows = "\n".join(chat(("user", f"Q{i}"), ("assistant", f"A{i}")) for i in range(4))
    table = {"targets": {"fw": {"extends": "fireworks", "dataset": {"max-examples-x-epochs": 3}},
                         "az": {"extends": "azure-openai", "dataset": {"min-examples": 1, "max-tokens-x-epochs": 10}}}}
    found = flagged(rows, "JL908", ["fw", "az"], **table)
    assert "examples x epochs" in found["fw"][0].message and "tokens x epochs" in found["az"][0].message


def test_file_size_limit(tmp_path):
    table = {"targets": {"pb": {"extends": "predibase", "dataset": {"max-file-bytes": 100}}}}
    found = flagged("\n".join([GOOD] * 3), "JL908", ["pb", "predibase"], **table)
    assert "pb" in found and "predibase" not in found


def test_validation_file_rules():
    rows = "\n".join(chat(("user", f"Q{i}"), ("assistant", f"A{i}")) for i in range(1001))
    found = flagged(rows, "JL910", ["bedrock-llama", "vertex-gemini"], validation=["*.jsonl"])
    assert "at most 1,000 validation" in found["bedrock-llama"][0].message and "vertex-gemini" not in found
    long = chat(("user", "x" * 1_100_000), ("assistant", "ok"))
    found = flagged(long, "JL910", ["mistral", "openai"], validation=["*.jsonl"])
    assert "1.0 MB" in found["mistral"][0].message and "openai" not in found


def test_token_limit_over_one_targets_limit_and_within_anothers():
    text = chat(("user", "Tell me a story."), ("assistant", "Once upon a time. " * 300))  # ~1,500 tokens
    found = flagged(text, "JL909", ["trl", "llama-factory", "openai", "bedrock-llama"])
    assert set(found) == {"trl"}
    d = found["trl"][0]
    assert d.severity.value == "warning" and "truncating from the end cuts" in d.message and "llama3" in d.message
    longer = chat(("user", "Tell me a story."), ("assistant", "Once upon a time. " * 3500))  # ~17,500 tokens
    found = flagged(longer, "JL909", ["bedrock-llama", "llama-factory"])
    # Bedrock Llama rejects over 16K, but no source says so directly: a warning that says so
    assert found["bedrock-llama"][0].severity.value == "warning" and "unconfirmed" in found["bedrock-llama"][0].message
    assert found["llama-factory"][0].severity.value == "warning" and "truncates" in found["llama-factory"][0].message
    confirmed = {"bl": {"extends": "bedrock-llama", "tokens": {"unconfirmed": []}}}
    assert flagged(longer, "JL909", ["bl"], targets=confirmed)["bl"][0].severity.value == "error"


def test_token_limit_tokenizes_only_records_whose_byte_bound_reaches_a_limit():
    from jsonl_lint import targets, tokens

    tokens.clear_caches()
    targets.clear_caches()  # run targets keep their counters
    try:
        short = "\n".join(chat(("user", f"Hi {i}"), ("assistant", "Hello!")) for i in range(50))
        assert not flagged(short, "JL909", ["trl"])
        counter = tokens.example_counter("llama3", "llama3").counter
        assert counter.exact and "encoding" not in vars(counter)  # verified, its ranks never parsed
        long = chat(("user", "Tell me a story."), ("assistant", "Once upon a time. " * 300))
        assert "trl" in flagged(short + "\n" + long, "JL909", ["trl"]) and "encoding" in vars(counter)
    finally:
        tokens.clear_caches()
        targets.clear_caches()


def test_token_limit_follows_the_chosen_base_model():
    text = chat(("user", "Tell me."), ("assistant", "word " * 30000))  # ~30,000 tokens
    assert "together" in flagged(text, "JL909", ["together"], model="together:meta-llama/Llama-3.3-70B-Instruct")
    assert not flagged(text, "JL909", ["together"], model="together:meta-llama/Llama-3.2-3B-Instruct")


def test_estimated_targets_say_so():
    text = chat(("user", "Tell me."), ("assistant", "word " * 300))
    found = flagged(text, "JL909", ["vn"], targets={"vn": {"extends": "vertex-gemini", "max-tokens": 100}})
    assert "about" in found["vn"][0].message and "o200k_base" in found["vn"][0].message


def test_status_of_deprecated_and_closing_targets():
    found = flagged(GOOD, "JL900", ALL)
    assert set(found) == {"openai", "mistral"}
    assert "2027-01-06" in found["openai"][0].message


def test_no_target_no_jl9_findings():
    text = chat(("user", "Hi"), ("user", "Hi"), ("assistant", "x"), source="crm")
    assert not [d for d in lint(text + "\n", ["JL9"]) if d.code.startswith("JL9")]


def test_json_and_sarif_name_the_target(tmp_path):
    import io

    from jsonl_lint.cli import main

    path = tmp_path / "train.jsonl"
    path.write_text(chat(("user", "Hi"), ("user", "Hi"), ("assistant", "x")) + "\n")
    out = io.StringIO()
    main(["check", str(path), "--isolated", "--target", "together", "--select", "JL902", "--output-format", "json"],
         out=out)
    assert json.loads(out.getvalue())[0]["target"] == "together"
    out = io.StringIO()
    main(["check", str(path), "--isolated", "--target", "together", "--select", "JL902", "--output-format", "sarif"],
         out=out)
    assert json.loads(out.getvalue())["runs"][0]["results"][0]["properties"]["target"] == "together"


def test_loss_weight_is_a_weight_only_where_weights_are_ignored():
    text = json.dumps({"messages": [{"role": "user", "content": "Hi", "loss_weight": 0.0},
                                    {"role": "assistant", "content": "Draft", "loss_weight": 0.0},
                                    {"role": "user", "content": "Again"}, {"role": "assistant", "content": "Final"}]})
    # messages with loss_weight are LLaMA-Factory's v1 format: its own trainer reads the weight
    check(text, "JL901", {"openai", "together"}, {"llama-factory"})
    check(text, "JL904", {"trl"}, {"openai", "mistral", "together", "llama-factory"})
