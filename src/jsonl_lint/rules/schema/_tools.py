"""Tool definitions and calls of every dialect, shared by the tool rules.

Definitions are read from the normalized view's ``tools`` (OpenAI `tools` or legacy
`functions`, LLaMA-Factory's JSON-string `tools`, Bedrock `toolConfig.tools`, Gemini
`tools[].functionDeclarations`); calls and results are the view's
:class:`~jsonl_lint.formats.ToolCall` and :class:`~jsonl_lint.formats.ToolResult`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, NamedTuple

from ...formats import BEDROCK_CONVERSATION, BEDROCK_PREFERENCE, VERTEX_GEMINI

# The function-name rule OpenAI, Mistral and Bedrock enforce; Gemini's own allows dots and colons.
NAME_PATTERNS = {
    "openai": re.compile(r"[a-zA-Z0-9_-]{1,64}"),
    "bedrock": re.compile(r"[a-zA-Z0-9_-]{1,64}"),
    "gemini": re.compile(r"[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}"),
}
NAME_RULES = {
    "openai": "^[a-zA-Z0-9_-]{1,64}$",
    "bedrock": "^[a-zA-Z0-9_-]{1,64}$",
    "gemini": "^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$",
}
# Which name rule a call or definition kind follows (text: LLaMA-Factory renders names into the
# prompt and enforces none).
NAME_RULE_OF = {"openai": "openai", "function_call": "openai", "function": "openai", "anthropic": "openai",
                "bedrock": "bedrock", "gemini": "gemini"}


def bad_name(name: Any, kind: str) -> str | None:
    """The rule a function name breaks (as text for a message), or None."""
    rule = NAME_RULE_OF.get(kind)
    if rule is None or not isinstance(name, str):
        return None
    return None if NAME_PATTERNS[rule].fullmatch(name) else NAME_RULES[rule]


class ToolDef(NamedTuple):
    """One declared function."""

    pointer: str  # the definition (for definitions inside a JSON string: the string)
    kind: str  # openai | function (a bare {name, parameters}) | text (in a JSON string) | bedrock | gemini
    name: Any
    name_pointer: str
    parameters: Any  # JSON Schema, None when absent
    parameters_pointer: str


def tools_value(example) -> tuple[Any, str, bool]:
    """(the declared tools, their pointer, whether they were a JSON string). A string that
    does not parse is returned as it is."""
    tools, at = example.tools, example.tools_pointer
    if isinstance(tools, str):  # LLaMA-Factory ships tools as a JSON string
        try:
            return json.loads(tools), at, True
        except ValueError:
            return tools, at, True
    return tools, at, False


def definitions(example) -> list[ToolDef]:
    """Every well-formed enough definition (an object with a function inside) of a record."""
    tools, at, in_string = tools_value(example)
    if isinstance(tools, dict):
        tools = [tools]
    if not isinstance(tools, list):
        return []
    out: list[ToolDef] = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            continue
        p = at if in_string else f"{at}/{i}"

        def here(suffix: str) -> str:  # definitions inside a JSON string all point at the string
            return p if in_string else p + suffix
        if example.format in (BEDROCK_CONVERSATION, BEDROCK_PREFERENCE):
            spec = tool.get("toolSpec")
            if not isinstance(spec, dict):
                continue
            schema = spec.get("inputSchema")
            out.append(ToolDef(p, "bedrock", spec.get("name"), here("/toolSpec/name"),
                               schema.get("json") if isinstance(schema, dict) else None,
                               here("/toolSpec/inputSchema/json")))
        elif example.format == VERTEX_GEMINI:
            for j, fn in enumerate(tool.get("functionDeclarations") or ()):
                if isinstance(fn, dict):
                    q = f"{p}/functionDeclarations/{j}"
                    out.append(ToolDef(q, "gemini", fn.get("name"), f"{q}/name", fn.get("parameters"),
                                       f"{q}/parameters"))
        else:
            nested = isinstance(tool.get("function"), dict)
            if not nested and not in_string and "name" not in tool:
                continue  # no function in it: invalid-tools reports the entry's shape
            fn = tool["function"] if nested else tool
            kind = "text" if in_string else "openai" if nested else "function"
            prefix = "/function" if nested else ""
            out.append(ToolDef(p, kind, fn.get("name"), here(f"{prefix}/name"), fn.get("parameters"),
                               here(f"{prefix}/parameters")))
    return out


def declared_tools(example) -> dict[str, ToolDef]:
    """name -> definition, for the calls to be checked against."""
    return {d.name: d for d in definitions(example) if isinstance(d.name, str)}


# JSON Schema's types (as jsonschema tests them under drafts 4 to 2020-12) for parsed JSON values.
_PLAIN_TYPES = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "null": lambda v: v is None,
}


class PlainError(NamedTuple):
    """An error of the plain validator: jsonschema's path and message."""

    path: tuple
    message: str


class _PlainObjectValidator:
    """The validator of the schema most tools declare: an object of typed properties, some
    required, additional ones allowed or not. Its errors are jsonschema's (same messages, in
    the same order), found without importing jsonschema, a small check's biggest import;
    arguments with a property the schema closes out go to jsonschema. Such a schema is
    valid under every draft."""

    __slots__ = ("schema_json", "types", "required", "closed")

    def __init__(self, schema_json: str, types: dict, required: list, closed: bool):
        self.schema_json = schema_json
        self.types = types  # property -> (type name, its test), None for any value
        self.required = required
        self.closed = closed

    @staticmethod
    def of(schema_json: str, schema: dict) -> _PlainObjectValidator | None:
        """The plain validator of ``schema`` (parsed from ``schema_json``, keys sorted), or
        None when it is not that plain."""
        if schema.get("type") != "object" or not set(schema) <= {"type", "properties", "required",
                                                                  "additionalProperties", "description"}:
            return None
        properties, required = schema.get("properties", {}), schema.get("required", [])
        closed = schema.get("additionalProperties", True)
        if (not isinstance(properties, dict) or not isinstance(required, list) or not isinstance(closed, bool)
                or not all(isinstance(r, str) for r in required) or len(set(required)) != len(required)
                or not isinstance(schema.get("description", ""), str)):
            return None
        types = {}
        for name, prop in properties.items():
            if (not isinstance(prop, dict) or not set(prop) <= {"type", "description"}
                    or not isinstance(prop.get("description", ""), str)
                    or ("type" in prop and (not isinstance(prop["type"], str) or prop["type"] not in _PLAIN_TYPES))):
                return None
            types[name] = (prop["type"], _PLAIN_TYPES[prop["type"]]) if "type" in prop else None
        return _PlainObjectValidator(schema_json, types, required, not closed)

    def iter_errors(self, args: dict):
        if self.closed and any(key not in self.types for key in args):
            return _jsonschema_validator(self.schema_json).iter_errors(args)
        # jsonschema runs a schema's keywords in their order: "properties" before "required".
        errors = [PlainError((key, ), f"{args[key]!r} is not of type {kind[0]!r}")
                  for key, kind in self.types.items() if kind is not None and key in args and not kind[1](args[key])]
        errors += [PlainError((), f"{key!r} is a required property") for key in self.required if key not in args]
        return iter(errors)


@lru_cache(maxsize=256)
def validator_for(schema_json: str):
    """A cached JSON Schema validator (None when the schema itself is invalid)."""
    plain = _PlainObjectValidator.of(schema_json, json.loads(schema_json))
    return plain if plain is not None else _jsonschema_validator(schema_json)


@lru_cache(maxsize=256)
def _jsonschema_validator(schema_json: str):
    from jsonschema import validators
    from jsonschema.exceptions import SchemaError

    schema = json.loads(schema_json)
    cls = validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except SchemaError:
        return None
    return cls(schema)
