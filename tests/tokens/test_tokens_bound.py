"""Deciding without tokenizing: the byte bound never undercounts, and the trained test
agrees with the count; records far below every limit are never tokenized."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from helpers import lint, settings_for
from jsonl_lint import tokens
from jsonl_lint.reader import read_records

_text = st.text(max_size=60)  # any code points: multibyte UTF-8, emoji, lone surrogates
_role = st.sampled_from(["system", "user", "assistant", "tool", "Assistant", ""])
_weight = st.sampled_from([0, 1, 0.0, None, True])
_part = st.one_of(
    st.fixed_dictionaries({"type": st.just("text"), "text": _text}),
    st.fixed_dictionaries({"type": st.just("image_url"),
                           "image_url": st.fixed_dictionaries({"url": st.just("https://x.test/a.png")},
                                                              optional={"detail": st.sampled_from(["low", "high"])})}))
_call = st.fixed_dictionaries({"id": st.text(max_size=5), "type": st.just("function"),
                               "function": st.fixed_dictionaries({
                                   "name": st.text(max_size=10),
                                   "arguments": st.one_of(_text, st.dictionaries(st.text(max_size=5),
                                                                                 st.floats(allow_nan=False) | _text,
                                                                                 max_size=3))})})
_message = st.fixed_dictionaries(
    {"role": _role, "content": st.one_of(_text, st.lists(_part, max_size=3), st.none())},
    optional={"weight": _weight, "name": st.text(max_size=8), "tool_calls": st.lists(_call, max_size=2)})
_sharegpt = st.fixed_dictionaries({"from": st.sampled_from(["human", "gpt", "system", "function_call", "observation"]),
                                   "value": _text})
RECORDS = st.one_of(
    st.fixed_dictionaries({"messages": st.lists(_message, min_size=1, max_size=5)},
                          optional={"system": _text}),
    st.fixed_dictionaries({"conversations": st.lists(_sharegpt, min_size=1, max_size=5)}, optional={"system": _text}),
    st.fixed_dictionaries({"instruction": _text, "input": _text, "output": _text}, optional={"system": _text}),
    st.fixed_dictionaries({"prompt": _text, "chosen": _text, "rejected": _text}),
    st.fixed_dictionaries({"messages": st.lists(_message, min_size=1, max_size=3),
                           "chosen": _message, "rejected": _message}),
)


def _record(value):
    line = json.dumps(value).encode("utf-8", "surrogatepass") + b"\n"
    return next(read_records(io.BytesIO(line), "x.jsonl"))


@given(RECORDS)
@hypothesis_settings(max_examples=400, deadline=None)
def test_bound_is_never_below_the_count_and_trained_test_agrees(value):
    settings = settings_for()
    record = _record(value)
    counted = tokens.count_record(record, settings)
    if counted is None:
        assert tokens.bound(record, settings) == 0 and tokens.trains_something(record, settings) is None
        return
    assert tokens.bound(record, settings) >= counted.total
    assert tokens.trains_something(record, settings) == (counted.trained > 0)
    images, pointer = tokens.image_tokens(record, settings)
    assert images == counted.images
    assert pointer == next((t.pointer for t in counted.turns if t.images), "")


def test_records_far_below_the_limit_are_not_tokenized(fresh_tokens):
    text = "".join(json.dumps({"messages": [{"role": "user", "content": f"Hi {i}"},
                                            {"role": "assistant", "content": "Hello!"}]}) + "\n" for i in range(300))
    assert [d.code for d in lint(text, ["JL6"])] == []
    counter = tokens.target(settings_for()).counter
    assert counter.exact and "encoding" not in vars(counter)  # verified, never loaded
    long = json.dumps({"messages": [{"role": "user", "content": "word " * 70_000},
                                    {"role": "assistant", "content": "Hello!"}]}) + "\n"
    found = [d.code for d in lint(text + long, ["JL6"])]
    assert found == ["JL601"] and "encoding" in vars(counter)


# The target profiles' tokenizers and chat templates: byte-level BPEs are bounded by bytes
# with each template's markers; SentencePiece and Qwen (NFC first) are never skipped.
_BYTE_LEVEL = [("llama3", "llama3"), ("llama4", "llama3"), ("tekken-240718", "mistral"), ("o200k_base", "chatml"),
               ("o200k_base", "gemma"), ("cl100k_base", "openai")]


@given(RECORDS)
@hypothesis_settings(max_examples=150, deadline=None)
def test_bound_with_a_target_tokenizer_and_template_is_never_below_its_count(value):
    record = _record(value)
    for tokenizer, template in _BYTE_LEVEL:
        examples = tokens.example_counter(tokenizer, template)
        counted = tokens.count_with(record, examples)
        bound = tokens.bound_with(record, examples)
        assert bound >= (counted.total if counted else 0), (tokenizer, template)


def test_tokenizers_whose_tokens_may_cover_no_byte_are_not_bounded():
    record = _record({"messages": [{"role": "user", "content": "1"}, {"role": "assistant", "content": "\u0958"}]})
    for tokenizer, template in (("mistral-v3", "mistral"), ("qwen", "chatml")):
        examples = tokens.example_counter(tokenizer, template)
        assert examples.counter.exact and tokens.bound_with(record, examples) == float("inf")
    llama = tokens.example_counter("llama3", "llama3")
    assert tokens.bound_with(record, llama) < float("inf")


@given(RECORDS)
@hypothesis_settings(max_examples=200, deadline=None)
def test_plain_bound_and_trained_test_are_their_formulas(value):
    """The plain-record bound (markers, role and text bytes, names) and trained test with
    their helpers written out give what the formula with the helpers gives, for every template."""
    from jsonl_lint.tokens import counting

    record = _record(value)
    plain = record.plain
    if plain is None:
        return
    shape, messages, system = plain
    for template in counting.TEMPLATES.values():
        n = template.example + (counting._message_bound(template, "system") + counting._nbytes(system)
                                if system is not None else 0)
        for m in messages:
            n += counting._message_bound(template, shape.role(m)) + counting._nbytes(m[shape.text_key])
            if m.get("name"):
                n += counting._nbytes(m["name"]) + counting.NAME_OVERHEAD
        assert counting.bound_messages(shape, messages, system, template=template) == n
    assert counting.plain_trains_something(shape, messages) == any(
        m[shape.text_key] and m.get("weight") != 0 and shape.role(m) == "assistant" for m in messages)


def test_the_target_follows_the_settings_asked_with():
    """_target_for remembers the latest settings object: asking with others, in turn and
    after the caches are cleared, still gives each its own model's target."""
    a, b = settings_for(model="gpt-4o-mini-2024-07-18"), settings_for(model="gpt-3.5-turbo-0125")
    for _ in range(2):
        assert (tokens._target_for(a).counter.name, tokens._target_for(a).limit) == ("o200k_base", 65536)
        assert (tokens._target_for(b).counter.name, tokens._target_for(b).limit) == ("cl100k_base", 16385)
    before = tokens._target_for(a)
    tokens.clear_caches()
    assert tokens._target_for(a) is not before and tokens._target_for(a).limit == 65536
