"""The plain tool-schema validator (rules/schema/_tools.py) gives jsonschema's own errors."""

import json

import pytest
from jsonschema import validators

from jsonl_lint.rules.schema._tools import _PlainObjectValidator, validator_for

SCHEMAS = [
    {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]},
    {"type": "object", "properties": {"n": {"type": "integer", "description": "count"}, "x": {"type": "number"},
                                      "ok": {"type": "boolean"}, "tags": {"type": "array"}, "o": {"type": "object"},
                                      "any": {"description": "anything"}},
     "required": ["n"], "additionalProperties": False, "description": "all plain types"},
    {"type": "object"},
    {"type": "object", "properties": {"z": {"type": "null"}, "b": {"type": "string"}}, "required": ["z", "b", "c"]},
]
ARGS = [{}, {"order_id": "1"}, {"order_id": 1}, {"order_id": None, "extra": 2}, {"n": 1}, {"n": True},
        {"n": 1.0}, {"n": 2, "x": 1}, {"n": 2, "x": False}, {"n": 2, "ok": 0}, {"n": 2, "tags": {}},
        {"n": 2, "o": []}, {"n": 2, "any": None}, {"n": 2, "other": 1}, {"x": "1", "ok": "no"},
        {"n": 1.5}, {"order_id": {"a": [1, "é"]}}, {"z": 0, "b": None}, {"z": None, "b": "\n"}]


def _errors(validator, args):
    return [(list(e.path), e.message) for e in validator.iter_errors(args)]  # in the order they come


@pytest.mark.parametrize("schema", SCHEMAS)
def test_plain_validator_errors_equal_jsonschema(schema):
    text = json.dumps(schema, sort_keys=True)
    plain = validator_for(text)
    assert isinstance(plain, _PlainObjectValidator)
    sorted_schema = json.loads(text)  # as the rules pass it: keys sorted, which orders the errors
    full = validators.validator_for(sorted_schema)(sorted_schema)
    for args in ARGS:
        assert _errors(plain, args) == _errors(full, args), args


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"a": {"type": ["string", "null"]}}},
    {"type": "object", "properties": {"a": {"type": "strin"}}},
    {"type": "object", "required": ["a", "a"]},
    {"type": "object", "properties": {"a": {"type": "string", "enum": ["x"]}}},
    {"type": "object", "additionalProperties": {"type": "string"}},
])
def test_other_schemas_go_to_jsonschema(schema):
    text = json.dumps(schema, sort_keys=True)
    assert _PlainObjectValidator.of(text, schema) is None
    cls = validators.validator_for(schema)
    try:
        cls.check_schema(schema)
        valid = True
    except Exception:
        valid = False
    assert (validator_for(text) is not None) == valid


def test_plain_validator_imports_no_jsonschema():
    import subprocess
    import sys
    code = ("import sys, json; from jsonl_lint.rules.schema._tools import validator_for; "
            "v = validator_for(json.dumps({'type': 'object', 'properties': {'a': {'type': 'string'}}, 'required': ['a']}));"
            "print(list(v.iter_errors({'b': 1})), 'jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[PlainError(path=(), message=\"'a' is a required property\")] False"
