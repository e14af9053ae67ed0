from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import IMAGE_PART_TYPES, TEXT_PART_TYPES
from ...rule import Context, RecordRule
from ._messages import messages

TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number",
              bool: "a boolean", type(None): "null"}
CONTENT_KEYS = ("content", "value", "text")
PART_TYPES = TEXT_PART_TYPES | IMAGE_PART_TYPES | {"tool_call", "input_audio", "file", "refusal"}


def _kind(v) -> str:
    return TYPE_NAMES.get(type(v), type(v).__name__)


class InvalidContent(RecordRule):
    """Reports messages with missing content, content of the wrong type, malformed
    content parts, and images outside user messages.

    ## What it does
    A message needs content: a string, or an array of typed parts (`text`,
    `image_url`, ...). Assistant messages that call tools (`tool_calls`,
    `function_call`) may have `null` or no content. Each part must be an object with
    a known `type` and its payload (`text` string, `image_url.url`). Images are
    accepted only in user messages.

    ## Why it matters for fine-tuning
    Peers' validators crash or false-flag here (a `null` content next to `tool_calls`
    is valid). A missing or non-string content makes the provider reject the file
    with a generic error that names no line.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": 42}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "42"}]}
    ```
    """

    code = "JL103"
    name = "invalid-content"
    summary = "Message content is missing or has the wrong type"
    severity = Severity.ERROR

    def check(self, record, ctx: Context):
        for pointer, msg, role_key in messages(record):
            role = msg.get(role_key)
            key = next((k for k in CONTENT_KEYS if k in msg), None)
            calls = msg.get("tool_calls") or msg.get("function_call")
            if key is None:
                if not calls:
                    yield Finding(f"{role or 'message'} message has no `content`", pointer=pointer)
                continue
            content = msg[key]
            at = f"{pointer}/{key}"
            if isinstance(content, str):
                continue
            if content is None:
                if not calls:
                    yield Finding(f"`{key}` is null; only assistant messages with tool calls may omit content",
                                  pointer=at)
                continue
            if not isinstance(content, list):
                yield Finding(f"`{key}` is {_kind(content)}, expected a string or an array of content parts",
                              pointer=at)
                continue
            yield from self._parts(content, at, role)

    def _parts(self, parts: list, at: str, role):
        if not parts:
            yield Finding("content is an empty array of parts", pointer=at)
        for i, part in enumerate(parts):
            p = f"{at}/{i}"
            if not isinstance(part, dict):
                yield Finding(f"content part {i} is {_kind(part)}, expected an object with `type`", pointer=p)
                continue
            kind = part.get("type")
            if not isinstance(kind, str) or kind not in PART_TYPES:
                yield Finding(f"content part {i} has type {json.dumps(kind)}; expected one of "
                              f"{', '.join(sorted(PART_TYPES))}", pointer=f"{p}/type" if "type" in part else p)
            elif kind in TEXT_PART_TYPES:
                key = "text" if "text" in part else "value" if "value" in part else None
                if key is None or not isinstance(part[key], str):
                    yield Finding(f"text part {i} needs a string `text`", pointer=f"{p}/{key}" if key else p)
            elif kind in IMAGE_PART_TYPES:
                if role not in ("user", "human"):
                    yield Finding(f"image in the {role} message: images are accepted only in user messages",
                                  pointer=p)
                url = part.get("image_url")
                url = url.get("url") if isinstance(url, dict) else url
                if kind == "image_url" and not isinstance(url, str):
                    yield Finding(f"image part {i} needs `image_url.url` (an https URL or a data: URL)", pointer=p)
