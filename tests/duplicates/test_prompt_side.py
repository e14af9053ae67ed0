"""The calibration sample reads a plain record's prompt side straight from its messages,
without building the normalized view: the same text as ``sides`` of the view."""

from __future__ import annotations

import io
import json

import pytest

from jsonl_lint.formats import plain_messages
from jsonl_lint.reader import Record, read_records
from jsonl_lint.similarity.near import NearConfig, _extract
from jsonl_lint.similarity.text import plain_sides, prompt_side, sides

RECORDS = [
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                  {"role": "assistant", "content": "Hello"}]},
    {"system": "You answer in French.", "messages": [{"role": "user", "content": "Hi"},
                                                     {"role": "assistant", "content": "Salut"}]},
    {"system": ["not", "a string"], "messages": [{"role": "user", "content": "Hi"},
                                                {"role": "assistant", "content": "Hello"}]},
    {"messages": [{"role": "user", "content": ""}, {"role": "user", "content": "Second", "name": "bob"},
                  {"role": "tool", "content": "42"}, {"role": "assistant", "content": "Done", "weight": 1}]},
    {"conversations": [{"from": "system", "value": "Be kind."}, {"from": "human", "value": "Hi"},
                       {"from": "GPT", "value": "Hello"}, {"from": "observation", "value": "tool output"}]},
    {"system": "Top level", "conversations": [{"from": "Human", "value": "Q"}, {"from": "gpt", "value": "A"}]},
    {"conversations": [{"from": "human", "value": "Call it"},
                       {"from": "function_call", "value": "{\"name\": \"f\", \"arguments\": {}}"}]},
    {"messages": [{"role": "user", "content": "Hi"}], "tools": [{"type": "function"}]},
    {"instruction": "Translate", "input": "Hola", "output": "Hello"},
]
ROLES = [(NearConfig().roles, NearConfig().boilerplate_roles),
         (("system", "user", "assistant", "tool"), NearConfig().boilerplate_roles),
         (("system", "user", "assistant"), ("system", "assistant"))]


def _records() -> list[Record]:
    data = "".join(json.dumps(r) + "\n" for r in RECORDS).encode()
    return list(read_records(io.BytesIO(data), "train.jsonl"))


@pytest.mark.parametrize("roles, boiler", ROLES)
def test_prompt_side_equals_the_views(roles, boiler):
    for record in _records():
        assert prompt_side(record, roles, boiler) == sides(record.example, roles, boiler)[0], record.line


def test_plain_records_skip_the_normalized_view():
    records = _records()
    plain = [r for r in records if plain_messages(r.value, r.format) is not None]
    assert [r.line for r in plain] == [1, 2, 4, 5, 6]  # OpenAI, Anthropic and ShareGPT messages only
    for record in plain:
        texts = prompt_side(record, *ROLES[1])
        assert "example" not in record.__dict__, record.line  # the view was never built
        assert texts


@pytest.mark.parametrize("roles, boiler", ROLES)
def test_plain_sides_and_the_verification_read_equal_the_views(roles, boiler):
    config = NearConfig(roles=roles, boilerplate_roles=boiler)
    for record in _records():
        found = plain_sides(record.value, record.format, roles, boiler)
        assert (found is None) == (plain_messages(record.value, record.format) is None), record.line
        expected = sides(record.example, roles, boiler)
        assert found in (None, expected), record.line
        assert _extract(record.value, config) == expected, record.line
