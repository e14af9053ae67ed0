"""The counting formula against hand-computed cases (pieces counted with tiktoken itself)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from jsonl_lint import tokens
from jsonl_lint.formats import normalize, plain_messages
from jsonl_lint.tokens.counting import IMAGE_DEFAULT, IMAGE_LOW


@pytest.fixture
def o200k(reference_encoding):
    enc = reference_encoding("o200k_base")
    return lambda s: len(enc.encode_ordinary(s))


def count(value, model="gpt-4o-mini-2024-07-18"):
    return tokens.count_example(normalize(value), model, value=value)


def test_plain_chat_with_name_and_special_token_text(o200k):
    v = {"messages": [{"role": "system", "content": "You are terse."},
                      {"role": "user", "name": "ann", "content": "Say <|endoftext|> please"},
                      {"role": "assistant", "content": "<|endoftext|>"}]}
    c = count(v)
    system = 3 + o200k("system") + o200k("You are terse.")
    user = 3 + o200k("user") + o200k("Say <|endoftext|> please") + o200k("ann") + 1
    assistant = 3 + o200k("assistant") + o200k("<|endoftext|>")
    assert c.total == system + user + assistant + 3
    assert c.trained == o200k("<|endoftext|>") == 7  # counted as text, never as the special token
    assert [t.tokens for t in c.turns] == [system, user, assistant]


def test_weights_decide_trained_tokens(o200k):
    v = {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "first answer", "weight": 0},
                      {"role": "user", "content": "b"}, {"role": "assistant", "content": "second", "weight": 1}]}
    c = count(v)
    assert c.trained == o200k("second")
    assert c.total == 4 * 3 + 2 * o200k("user") + 2 * o200k("assistant") + o200k("a") + o200k("b") + \
        o200k("first answer") + o200k("second") + 3


def test_tools_and_tool_calls_follow_the_cookbook_formula(o200k):
    tools = [{"type": "function", "function": {
        "name": "get_weather", "description": "Get the weather.",
        "parameters": {"type": "object", "properties": {
            "city": {"type": "string", "description": "City name."},
            "unit": {"type": "string", "description": "Unit", "enum": ["c", "f"]}}}}}]
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}
    v = {"tools": tools, "messages": [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
        {"role": "assistant", "content": "It is 18C."}]}
    c = count(v)
    tool_defs = (7 + o200k("get_weather:Get the weather") + 3
                 + 3 + o200k("city:string:City name")
                 + 3 + (-3 + 3 + o200k("c") + 3 + o200k("f")) + o200k("unit:string:Unit") + 12)
    assert c.tools == tool_defs
    calls = 3 + o200k("get_weather") + o200k('{"city":"Paris"}')
    messages = (3 + o200k("user") + o200k("Weather in Paris?")) + (3 + o200k("assistant") + calls) + \
        (3 + o200k("tool") + o200k("18C")) + (3 + o200k("assistant") + o200k("It is 18C."))
    assert c.total == tool_defs + messages + 3
    assert c.trained == calls + o200k("It is 18C.")


def test_cl100k_models_use_their_own_encoding_and_tool_constant(reference_encoding):
    enc = reference_encoding("cl100k_base")
    n = lambda s: len(enc.encode_ordinary(s))  # noqa: E731
    v = {"functions": [{"name": "f", "description": "d"}],
         "messages": [{"role": "user", "content": "naïve café 東京"}, {"role": "assistant", "content": "ok"}]}
    c = count(v, "gpt-3.5-turbo-0125")
    assert c.encoding == "cl100k_base"
    assert c.tools == 10 + n("f:d") + 12
    assert c.total == c.tools + 3 + n("user") + n("naïve café 東京") + 3 + n("assistant") + n("ok") + 3


def test_images_are_estimated(o200k):
    v = {"messages": [{"role": "user", "content": [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA", "detail": "low"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/x.png"}}]},
        {"role": "assistant", "content": "Two cats."}]}
    c = count(v)
    assert c.images == IMAGE_LOW + IMAGE_DEFAULT == 85 + 765
    assert c.estimated
    assert c.total == 3 + o200k("user") + o200k("What is this?") + 850 + 3 + o200k("assistant") + \
        o200k("Two cats.") + 3


def test_preference_counts_prompt_plus_longer_output(o200k):
    v = {"input": {"messages": [{"role": "user", "content": "Hi"}]},
         "preferred_output": [{"role": "assistant", "content": "Hello there, friend"}],
         "non_preferred_output": [{"role": "assistant", "content": "Go away"}]}
    c = count(v)
    prompt = 3 + o200k("user") + o200k("Hi")
    chosen = 3 + o200k("assistant") + o200k("Hello there, friend")
    rejected = 3 + o200k("assistant") + o200k("Go away")
    assert c.total == prompt + max(chosen, rejected) + 3
    assert c.trained == o200k("Hello there, friend") + o200k("Go away")
    rej = [t for t in c.turns if t.branch == "rejected"][0]
    assert rej.start == prompt  # the rejected sequence restarts after the prompt


def test_sharegpt_tools_string_and_function_call_turns(o200k):
    tools = json.dumps([{"name": "calc", "description": "Add.", "parameters": {"type": "object", "properties": {
        "a": {"type": "number", "description": "x"}}}}])
    v = {"conversations": [{"from": "human", "value": "1+1?"}, {"from": "function_call", "value": '{"name":"calc"}'},
                           {"from": "observation", "value": "2"}, {"from": "gpt", "value": "2"}], "tools": tools}
    c = count(v)
    assert c.tools == 7 + o200k("calc:Add") + 3 + 3 + o200k("a:number:x") + 12
    assert c.trained == o200k('{"name":"calc"}') + o200k("2")


def test_cut_reports_trained_tokens_past_the_limit(o200k):
    v = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "one two three four five"}]}
    c = count(v)
    text_start = 3 + o200k("user") + o200k("Hi") + 2 + o200k("assistant")
    cut = c.cut(text_start + 2)
    assert cut.tokens == o200k("one two three four five") - 2 == 3
    assert cut.turn.role == "assistant" and cut.tokens_into_turn == 2
    assert c.cut(c.total).tokens == 0


def test_counts_are_cached_on_the_record():
    from jsonl_lint.reader import read_records
    import io
    from helpers import settings_for

    settings = settings_for()
    rec = next(read_records(io.BytesIO(b'{"messages": [{"role": "user", "content": "Hi"}]}\n'), "x.jsonl"))
    first = tokens.count_record(rec, settings)
    assert tokens.count_record(rec, settings) is first
    other = tokens.count_record(rec, settings.updated(model="gpt-3.5-turbo-0613"))
    assert other is not first and other.encoding == "cl100k_base"


def test_model_registry_and_unknown_model_is_a_config_error():
    from io import StringIO

    from jsonl_lint.cli import main
    from jsonl_lint.config import ConfigError

    assert tokens.model_info("gpt-4o-mini-2024-07-18").limit == 65536
    assert tokens.model_info("gpt-3.5-turbo-0613").limit == 4096
    assert tokens.model_info("gpt-3.5-turbo-1106").limit == 16385
    assert tokens.model_info("ft:gpt-4o-mini-2024-07-18:acme::abc123").name == "gpt-4o-mini-2024-07-18"
    with pytest.raises(ConfigError, match="known models: gpt-4o-mini-2024-07-18"):
        tokens.model_info("gpt-5-ultra")
    err = StringIO()
    assert main(["stats", "--isolated", "--model", "gpt-5-ultra", "."], StringIO(), err) == 2
    assert "unknown model 'gpt-5-ultra'" in err.getvalue() and "gpt-3.5-turbo-0613" in err.getvalue()


_roles = st.sampled_from(["system", "developer", "user", "assistant", "tool", "", "Assistant"])
# function_call turns hold a tool call, not text: they are not plain (see the list below).
_sharegpt_roles = st.sampled_from(["system", "human", "gpt", "GPT", "observation", "narrator", ""])
_extras = {"weight": st.sampled_from([0, 1, 0.0, None]), "name": st.sampled_from(["ann", "", "support_bot"])}
_plain_message = st.fixed_dictionaries({"role": _roles, "content": st.text(max_size=40)}, optional=_extras)
_plain_turn = st.fixed_dictionaries({"from": _sharegpt_roles, "value": st.text(max_size=40)}, optional=_extras)


_system = {"system": st.one_of(st.text(max_size=20), st.none())}


@given(st.one_of(st.fixed_dictionaries({"messages": st.lists(_plain_message, max_size=6)}, optional=_system),
                 st.fixed_dictionaries({"conversations": st.lists(_plain_turn, max_size=6)}, optional=_system)))
@hypothesis_settings(max_examples=300, deadline=None)
def test_plain_records_count_the_same_without_the_normalized_view(value):
    from jsonl_lint.formats import detect_format

    shape, messages, system = plain_messages(value, detect_format(value))
    assert messages is value[shape.list_key]
    assert system == (value["system"] if isinstance(value.get("system"), str) else None)
    counter = tokens.target("gpt-4o-mini-2024-07-18").examples
    assert counter.messages(shape, messages, system) == counter.example(normalize(value), value)


@pytest.mark.parametrize("value", [
    {"tools": [], "messages": [{"role": "user", "content": "Hi"}]},
    {"messages": [{"role": "assistant", "content": "Hi", "weight": 0, "tool_calls": []}]},
    {"messages": [{"role": "assistant", "content": "Hi", "name": 7}]},
    {"messages": [{"role": "assistant", "content": "Hi", "loss_weight": 0}]},
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]},
    {"messages": [{"role": "user", "value": "Hi"}]},
    {"messages": [{"from": "user", "content": "Hi"}]},
    {"messages": "Hi"},
    {"functions": [], "conversations": [{"from": "human", "value": "Hi"}]},
    {"conversations": [{"from": "human", "content": "Hi"}]},
    {"conversations": [{"role": "user", "value": "Hi"}]},
    {"conversations": [{"from": "human", "value": "Hi"}, {"from": "function_call", "value": "{\"name\": \"f\"}"}]},
])
def test_records_that_are_not_plain_take_the_normalized_view(value):
    from jsonl_lint.formats import detect_format

    assert plain_messages(value, detect_format(value)) is None


def test_token_counts_of_a_plain_record_do_not_build_the_normalized_view():
    import io

    from helpers import settings_for
    from jsonl_lint.reader import read_records

    line = b'{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}\n'
    rec = next(read_records(io.BytesIO(line), "x.jsonl"))
    counts = tokens.count_record(rec, settings_for())
    assert counts.trained == 2 and rec.format == "openai-chat"
    assert "example" not in vars(rec)  # the view is built only when a rule asks for it
    assert counts == tokens.count_example(rec.example, value=rec.value)


def test_counting_a_chunk_at_once_equals_counting_record_by_record():
    import io

    from helpers import settings_for
    from jsonl_lint.reader import read_records

    lines = [
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi there"},
                      {"role": "assistant", "content": "Hello!", "weight": 1}]},
        {"conversations": [{"from": "human", "value": "2+2?"}, {"from": "gpt", "value": "4"}]},
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
                      {"role": "assistant", "content": "lone \ud800 surrogate"}]},
        {"instruction": "Say hi", "input": "", "output": "hi"},
        {"not": "a format"},
    ]
    data = "\n".join(json.dumps(v) for v in lines).encode() + b"\n"
    settings = settings_for()
    records = list(read_records(io.BytesIO(data), "x.jsonl"))
    tokens.count_records(records, settings)
    for rec, value in zip(records, lines):
        cached = rec.extra.get("jsonl_lint.tokens")
        if rec.format is None:
            assert cached is None
            continue
        assert cached[2] == count(value)  # through the normalized view, record by record


def test_prefetched_counts_are_used_only_for_the_same_text_object():
    counter = tokens.target("gpt-4o-mini-2024-07-18").counter
    text = "one two three"
    counter.prefetch([text])
    assert counter._prefetched[id(text)] == (text, 3)
    assert counter.count_once(text) == 3
    equal_copy = "".join(["one two ", "three"])
    assert equal_copy is not text and counter.count_once(equal_copy) == 3  # counted, not looked up
