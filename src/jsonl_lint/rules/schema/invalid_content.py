from __future__ import annotations

import json

from ...diagnostics import Finding, Severity
from ...formats import CALL_PART_TYPES, IMAGE_PART_TYPES, REASONING_PART_TYPES, RESULT_PART_TYPES, TEXT_PART_TYPES
from ...rule import Context, RecordRule
from ._messages import messages, plain

TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number",
              bool: "a boolean", type(None): "null"}
CONTENT_KEYS = ("content", "value", "text", "parts")
# Typed parts (OpenAI, Anthropic, LLaMA-Factory v1).
PART_TYPES = (TEXT_PART_TYPES | IMAGE_PART_TYPES | REASONING_PART_TYPES | CALL_PART_TYPES | RESULT_PART_TYPES
              | {"input_audio", "file", "refusal"})
IMAGE_URL_SCHEMES = ("https://", "http://", "data:")
# Bedrock conversation content blocks and Gemini parts: keyed by the kind of their payload.
BEDROCK_BLOCKS = ("text", "image", "video", "document", "toolUse", "toolResult", "reasoningContent", "cachePoint")
_USER, _ASSISTANT = ("user", "user messages"), ("assistant", "assistant messages")
BEDROCK_PLACEMENT = {"image": _USER, "video": _USER, "document": _USER, "toolResult": _USER,
                     "toolUse": _ASSISTANT, "reasoningContent": _ASSISTANT}
GEMINI_PARTS = ("text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode",
                "codeExecutionResult")
GEMINI_PLACEMENT = {"functionCall": ("model", "model turns"), "functionResponse": ("user", "user turns")}


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
        if plain(record):
            return
        for pointer, msg, dialect in messages(record):
            role = msg.get(dialect.role_key)
            if dialect.exact:
                key = dialect.content_key if dialect.content_key in msg else None
            else:
                key = next((k for k in CONTENT_KEYS if k in msg), None)
            calls = msg.get("tool_calls") or msg.get("function_call")
            if key is None:
                if not calls:
                    yield Finding(f"{role or 'message'} message has no `{dialect.content_key}`", pointer=pointer)
                continue
            content = msg[key]
            at = f"{pointer}/{key}"
            blocks = dialect.name in ("bedrock", "gemini")
            if isinstance(content, str) and not blocks:
                continue
            if content is None:
                if not calls:
                    yield Finding(f"`{key}` is null; only assistant messages with tool calls may omit content",
                                  pointer=at)
                continue
            if not isinstance(content, list):
                expected = (f"an array of {'content blocks' if dialect.name == 'bedrock' else 'parts'} "
                            f"such as [{{\"text\": \"...\"}}]" if blocks else "a string or an array of content parts")
                yield Finding(f"`{key}` is {_kind(content)}, expected {expected}", pointer=at)
                continue
            if dialect.name == "bedrock":
                yield from self._keyed(content, at, role, BEDROCK_BLOCKS, BEDROCK_PLACEMENT, "content block")
            elif dialect.name == "gemini":
                yield from self._keyed(content, at, role, GEMINI_PARTS, GEMINI_PLACEMENT, "part")
            else:
                yield from self._parts(content, at, role, check_urls=dialect.name == "openai")

    def _parts(self, parts: list, at: str, role, check_urls: bool):
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
            elif kind in TEXT_PART_TYPES or kind in REASONING_PART_TYPES:
                key = next((k for k in ("text", "value", "thinking") if k in part), None)
                if key is None or not isinstance(part[key], str):
                    yield Finding(f"{kind} part {i} needs a string `text`", pointer=f"{p}/{key}" if key else p)
            elif kind in CALL_PART_TYPES and kind != "tool_use":
                if not isinstance(part.get("value"), str):
                    yield Finding(f"{kind} part {i} needs a `value` string holding the call as JSON "
                                  '({"name": ..., "arguments": {...}})', pointer=f"{p}/value" if "value" in part else p)
            elif kind in IMAGE_PART_TYPES:
                if role not in ("user", "human"):
                    yield Finding(f"image in the {role} message: images are accepted only in user messages",
                                  pointer=p)
                url = part.get("image_url")
                url = url.get("url") if isinstance(url, dict) else url
                if kind == "image_url" and not isinstance(url, str) and not isinstance(part.get("value"), str):
                    yield Finding(f"image part {i} needs `image_url.url` (an https URL or a data: URL)", pointer=p)
                elif check_urls and isinstance(url, str) and not url.lower().startswith(IMAGE_URL_SCHEMES):
                    where = f"{p}/image_url/url" if isinstance(part.get("image_url"), dict) else f"{p}/image_url"
                    yield Finding(f"image URL {json.dumps(url[:60])} is neither an http(s) URL nor a data: URI; "
                                  "the provider cannot fetch a local path or another scheme", pointer=where)

    def _keyed(self, parts: list, at: str, role, keys: tuple[str, ...], placement: dict, what: str):
        """Bedrock content blocks and Gemini parts: one payload key each (``keys``), some
        only in the turns of one role (``placement``: payload -> (role, that role's turns))."""
        if not parts:
            yield Finding(f"`{at.rsplit('/', 1)[-1]}` is an empty array", pointer=at)
        for i, part in enumerate(parts):
            p = f"{at}/{i}"
            if not isinstance(part, dict):
                yield Finding(f"{what} {i} is {_kind(part)}, expected an object such as {{\"text\": \"...\"}}",
                              pointer=p)
                continue
            kind = next((k for k in keys if k in part), None)
            if kind is None:
                hint = (' (an OpenAI-style typed part; these are keyed by their kind: {"text": "..."})'
                        if "type" in part else "")
                yield Finding(f"{what} {i} has none of {', '.join(keys)}{hint}", pointer=p)
            elif kind == "text" and not isinstance(part["text"], str):
                yield Finding(f"text {what} {i} needs a string `text`", pointer=f"{p}/text")
            elif kind in placement and role != placement[kind][0]:
                yield Finding(f"{kind} {what} in the {role} turn: it belongs to {placement[kind][1]}", pointer=p)
