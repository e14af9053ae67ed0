"""A record's normalized view, completed with what the view leaves out, as a
:class:`~jsonl_lint.convert.model.Conversation`.

The view (:mod:`jsonl_lint.formats`) already knows every input format: roles, text, tool
calls and results, reasoning, weights, preference branches. What it does not keep, this
module reads from the record at the view's pointers: images and other content parts in
their order, the payload of tool results written as blocks or parts (Anthropic, Bedrock,
Gemini), tool definitions, LLaMA-Factory's ``images`` column, and metadata keys.
Content that no target can carry (audio, video, documents) makes the record
:class:`NotConvertible`, never a silent loss.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from .. import formats as F
from ..positions import join_pointer, resolve_pointer
from .model import KTO, PREFERENCE, SFT, TEXT, Call, Conversation, Message, Part, Tool

ROLES = ("system", "developer", "user", "assistant", "tool")
IMAGE_TOKEN = "<image>"  # LLaMA-Factory's placeholder for an entry of the `images` column
_TOKEN_SPLIT = re.compile(re.escape(IMAGE_TOKEN))
# Top-level keys that hold example content but no target here can carry.
_MEDIA_COLUMNS = ("videos", "audios")
# Keys of a message object the reader turns into the conversation.
_MESSAGE_KEYS = frozenset({"role", "from", "content", "value", "parts", "text", "name", "tool_calls", "tool_call_id",
                           "function_call", "weight", "loss_weight", "reasoning_content", "reasoning", "candidates",
                           "preferenceLabel"})
# Keys of a format that are metadata, not content: carried as ``extra`` when the target takes them.
_METADATA_KEYS = frozenset({"category", "parallel_tool_calls", "extra_info", "split", "weight"})


class NotConvertible(Exception):
    """The record cannot be converted at all: ``kind`` names the loss code's class."""

    def __init__(self, kind: str, message: str, pointer: str = ""):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.pointer = pointer


def read(value: dict, example: F.Example, mapping: F.FieldMapping | None = None) -> Conversation:
    """The conversation of a record whose normalized view is ``example``."""
    fmt = example.format
    reader = _Reader(value)
    kind = _kind(fmt)
    label = None
    if kind == KTO:
        key = mapping.columns.get("kto_tag") if mapping is not None and mapping.reads(value) else None
        label = value.get(key or "label") is True
    prompt: list[Message] = []
    chosen: list[Message] = []
    for turn in example.turns:
        out = chosen if kind == PREFERENCE and turn.branch == "chosen" else prompt
        out += reader.messages(turn)
    rejected = [m for turn in example.rejected for m in reader.messages(turn)]
    for key in _MEDIA_COLUMNS:
        if value.get(key):
            raise NotConvertible("content", f"the `{key}` column: no target here takes {key}", join_pointer(key))
    reader.place_images(prompt + chosen + rejected)
    conv = Conversation(kind, fmt, prompt, chosen, rejected, label, extra=_extra(value, fmt, mapping),
                        strings=fmt == F.PROMPT_COMPLETION and isinstance(value.get("prompt"), str)
                        and isinstance(value.get("completion"), str))
    if example.tools is not None:
        conv.tools, conv.tools_pointer = read_tools(example.tools, example.tools_pointer), example.tools_pointer
    pair_results(conv.messages + conv.chosen)
    if conv.rejected:
        pair_results(conv.messages + conv.rejected)
    return conv


def _kind(fmt: str) -> str:
    if fmt == F.KTO:
        return KTO
    if fmt in F.PREFERENCE_FORMATS:
        return PREFERENCE
    if fmt == F.TEXT:
        return TEXT
    return SFT


def _extra(value: dict, fmt: str, mapping: F.FieldMapping | None) -> dict:
    """Top-level keys the format does not turn into the conversation (``id``, a source)."""
    content = set(F.known_keys(value, fmt, mapping)) - _METADATA_KEYS
    if fmt == F.KTO:
        content |= {"label"}
    return {k: v for k, v in value.items() if k not in content}


class _Reader:
    def __init__(self, value: dict):
        self.value = value
        self.image_columns: list[tuple[Message, int]] = []  # messages whose text holds <image> tokens

    def raw(self, pointer: str) -> Any:
        return resolve_pointer(self.value, pointer)[1]

    def messages(self, turn: F.Turn) -> list[Message]:
        role = turn.role
        if role not in ROLES:
            raise NotConvertible("content", f"role `{turn.raw_role or role}` is not one a target takes "
                                            f"(system, user, assistant, tool); `jsonl-lint check --fix` renames "
                                            "misspelled roles", turn.pointer)
        raw = self.raw(turn.pointer)
        msg = raw if isinstance(raw, dict) else None
        content = _content_of(msg) if msg is not None else None
        weight = _weight(turn.weight)
        name = turn.name
        extra = {k: v for k, v in msg.items() if k not in _MESSAGE_KEYS} if msg is not None else {}
        calls = [self.call(c) for c in turn.tool_calls or ()]
        out: list[Message] = []
        if turn.tool_results:
            payloads = self.result_payloads(turn)
            for result, payload in zip(turn.tool_results, payloads):
                out.append(Message("tool", [Part(text=payload)], result.pointer, weight, [], _str(result.id),
                                   _str(result.name) or (name if role == "tool" else None)))
            if role == "tool":
                return out
        if isinstance(content, list):
            parts = self.parts(content, turn)
        elif turn.text or not calls:
            parts = [Part(text=turn.text)]
        else:
            parts = []
        message = Message(role, parts, turn.pointer, weight, calls, None, name, turn.reasoning, extra)
        if msg is None and len(turn.segments) == 2:  # an instruction and its input, joined by the view
            message.fields = tuple(self.raw(s.pointer) for s in turn.segments)
        if IMAGE_TOKEN in message.text:
            self.image_columns.append((message, turn.text.count(IMAGE_TOKEN)))
        if parts or calls or turn.reasoning or not out:
            out.append(message)
        return out

    def call(self, c: F.ToolCall) -> Call:
        if not isinstance(c.name, str) or not c.name:
            raise NotConvertible("tools", "a tool call without a readable name", c.pointer)
        return Call(_str(c.id), c.name, c.arguments)

    def parts(self, content: list, turn: F.Turn) -> list[Part]:
        """Text and images in order; what the view reads elsewhere (reasoning, calls,
        results) is skipped; any other content is not convertible."""
        out: list[Part] = []
        for i, part in enumerate(content):
            if not isinstance(part, dict):
                raise NotConvertible("content", "a content part that is not an object", f"{turn.pointer}/{i}")
            kind = part.get("type")
            if kind in F.TEXT_PART_TYPES:
                text = part.get("text") if isinstance(part.get("text"), str) else part.get("value")
                if isinstance(text, str):
                    out.append(Part(text=text))
                    continue
            elif kind in F.IMAGE_PART_TYPES or (kind is None and ("image" in part or "fileData" in part
                                                                   or "inlineData" in part)):
                image, mime = _image(part)
                if image is not None:
                    out.append(Part(image=image, mime=mime))
                    continue
            elif kind is None and isinstance(part.get("text"), str):
                if part.get("thought") is not True:  # a Gemini thought is the turn's reasoning
                    out.append(Part(text=part["text"]))
                continue
            elif kind in F.REASONING_PART_TYPES or kind in F.CALL_PART_TYPES or kind in F.RESULT_PART_TYPES or (
                    kind is None and any(k in part for k in ("toolUse", "toolResult", "reasoningContent",
                                                            "functionCall", "functionResponse"))):
                continue
            what = kind if isinstance(kind, str) else next(iter(part), "empty")
            raise NotConvertible("content", f"a `{what}` content part: no target here takes it as it is",
                                 f"{turn.pointer}/{_content_key(turn)}/{i}")
        return out

    def result_payloads(self, turn: F.Turn) -> list[str]:
        """The text of each tool result of a turn."""
        results = turn.tool_results
        if results[0].kind in ("openai", "function", "sharegpt", "text"):
            if len(results) == 1 and not _listed_results(turn.text):
                return [turn.text]
            items = _listed_results(turn.text) or []
            return [_as_text(item.get("content")) for item in items][:len(results)]
        return [_block_payload(self.raw(r.pointer), r.kind) for r in results]

    def place_images(self, messages: list[Message]) -> None:
        """LLaMA-Factory's `images` column: each `<image>` token in the text, in order,
        becomes the next image of the column."""
        column = self.value.get("images")
        if not self.image_columns and not column:
            return
        if not isinstance(column, list) or sum(n for _, n in self.image_columns) != len(column):
            raise NotConvertible("content", f"the `images` column has {len(column) if isinstance(column, list) else 0}"
                                            f" images for {sum(n for _, n in self.image_columns)} `{IMAGE_TOKEN}` "
                                            "tokens in the text", "/images")
        images = iter(column)
        for message, _ in self.image_columns:
            parts: list[Part] = []
            for part in message.parts:
                if part.text is None or IMAGE_TOKEN not in part.text:
                    parts.append(part)
                    continue
                pieces = _TOKEN_SPLIT.split(part.text)
                for k, piece in enumerate(pieces):
                    if piece:
                        parts.append(Part(text=piece))
                    if k < len(pieces) - 1:
                        image = next(images)
                        if not isinstance(image, str):
                            raise NotConvertible("content", "an `images` entry that is not a path or URL", "/images")
                        parts.append(Part(image=image))
            message.parts = parts


def _content_key(turn: F.Turn) -> str:
    return turn.segments[0].pointer[len(turn.pointer) + 1:].split("/")[0] if turn.segments else "content"


def _content_of(msg: dict) -> Any:
    for key in ("content", "parts", "value"):
        if key in msg:
            return msg[key]
    return None


def _image(part: dict) -> tuple[str | None, str | None]:
    """(reference, media type) of an image part in any dialect."""
    url = part.get("image_url")
    if isinstance(url, dict):
        url = url.get("url")
    if isinstance(url, str):
        return url, None
    image = part.get("image")
    if isinstance(image, str):
        return image, None
    if isinstance(image, dict):
        fmt = image.get("format")
        mime = f"image/{fmt}" if isinstance(fmt, str) else None
        source = image.get("source")
        if isinstance(source, dict):
            s3 = source.get("s3Location")
            if isinstance(s3, dict) and isinstance(s3.get("uri"), str):
                return s3["uri"], mime
            if isinstance(source.get("bytes"), str) and mime:
                return f"data:{mime};base64,{source['bytes']}", mime
    source = part.get("source")  # Anthropic image block
    if isinstance(source, dict):
        if source.get("type") == "base64" and isinstance(source.get("data"), str):
            mime = source.get("media_type") or "image/png"
            return f"data:{mime};base64,{source['data']}", mime
        if isinstance(source.get("url"), str):
            return source["url"], None
    data = part.get("fileData")
    if isinstance(data, dict) and isinstance(data.get("fileUri"), str):
        return data["fileUri"], data.get("mimeType")
    data = part.get("inlineData")
    if isinstance(data, dict) and isinstance(data.get("data"), str):
        mime = data.get("mimeType") or "image/png"
        return f"data:{mime};base64,{data['data']}", mime
    return None, None


def _listed_results(text: str) -> list[dict] | None:
    """LLaMA-Factory v1 writes a tool turn's results as `[{"tool_call_id", "name", "content"}]`."""
    if not text.startswith("[") or '"content"' not in text:
        return None
    try:
        items = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if isinstance(items, list) and items and all(isinstance(i, dict) and "content" in i for i in items):
        return items
    return None


def _block_payload(block: Any, kind: str) -> str:
    """The text of an Anthropic `tool_result` part, a Bedrock `toolResult` block or a
    Gemini `functionResponse` part."""
    if not isinstance(block, dict):
        return ""
    if kind == "bedrock":
        content = (block.get("toolResult") or {}).get("content")
        pieces = []
        for item in content if isinstance(content, list) else ():
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                pieces.append(item["text"])
            elif isinstance(item, dict) and "json" in item:
                pieces.append(_dumps(item["json"]))
        return "\n".join(pieces)
    if kind == "gemini":
        response = (block.get("functionResponse") or {}).get("response")
        if isinstance(response, dict) and set(response) == {"content"} and isinstance(response["content"], str):
            return response["content"]
        return _dumps(response)
    content = block.get("content")  # Anthropic
    if isinstance(content, list):
        return "\n".join(c["text"] for c in content if isinstance(c, dict) and isinstance(c.get("text"), str))
    return _as_text(content)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else _dumps(value)


def _dumps(value: Any) -> str:
    """JSON text as OpenAI writes tool arguments and results (", " and ": " separators)."""
    import json

    return json.dumps(value, ensure_ascii=False)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _weight(weight: Any) -> Any:
    """LLaMA-Factory's float loss weights (0.0, 1.0) as the integers other targets take."""
    if isinstance(weight, float) and weight.is_integer():
        return int(weight)
    return weight


def pair_results(messages: list[Message]) -> None:
    """Give every call an id and every tool result the id of the call it answers.

    A result whose id names no call (LLaMA-Factory v1 writes ids on results only) gives
    its id to the oldest pending call without one; a result without an id (ShareGPT
    observations, Gemini responses) answers the oldest pending call, of its tool's name
    when it gives one. Calls left without an id get ``call_N``. Pairing twice changes
    nothing (a preference prompt is paired with each answer)."""
    known = {c.id for m in messages for c in m.calls if c.id}
    taken = set(known) | {m.call_id for m in messages if m.role == "tool" and m.call_id}
    pending: list[Call] = []
    made = 0

    def new_id() -> str:
        nonlocal made
        made += 1
        while f"call_{made}" in taken:
            made += 1
        taken.add(f"call_{made}")
        return f"call_{made}"

    for m in messages:
        pending += m.calls
        if m.role != "tool":
            continue
        if m.call_id in known:
            pending = [c for c in pending if c.id != m.call_id]
            continue
        candidates = [c for c in pending if c.id is None] if m.call_id is not None else pending
        match = next((c for c in candidates if m.name and c.name == m.name), None) or \
            (candidates[0] if candidates else None)
        if match is None:
            continue
        if match.id is None:
            match.id = m.call_id or new_id()
        m.call_id = match.id
        pending.remove(match)
    for m in messages:
        for c in m.calls:
            if c.id is None:
                c.id = new_id()


def read_tools(tools: Any, pointer: str) -> list[Tool]:
    """Tool definitions in any spelling; ``tools`` may be a JSON string of them."""
    if isinstance(tools, str):
        try:
            tools = orjson.loads(tools) if tools.strip() else []
        except orjson.JSONDecodeError:
            raise NotConvertible("tools", "the tool definitions are a string that is not JSON", pointer) from None
    if isinstance(tools, dict):
        tools = [tools]
    if not isinstance(tools, list):
        raise NotConvertible("tools", "the tool definitions are not a list", pointer)
    out: list[Tool] = []
    for i, item in enumerate(tools):
        if not isinstance(item, dict):
            raise NotConvertible("tools", "a tool definition that is not an object", f"{pointer}/{i}")
        if isinstance(item.get("functionDeclarations"), list):  # Gemini
            out += [_tool(d, f"{pointer}/{i}") for d in item["functionDeclarations"]]
        elif isinstance(item.get("toolSpec"), dict):  # Bedrock
            spec = item["toolSpec"]
            schema = spec.get("inputSchema")
            out.append(_tool({"name": spec.get("name"), "description": spec.get("description"),
                              "parameters": schema.get("json") if isinstance(schema, dict) else None},
                             f"{pointer}/{i}"))
        elif isinstance(item.get("function"), dict):  # OpenAI
            out.append(_tool(item["function"], f"{pointer}/{i}"))
        else:  # legacy OpenAI `functions`, LLaMA-Factory, Anthropic (`input_schema`)
            out.append(_tool(item, f"{pointer}/{i}"))
    return out


def _tool(spec: Any, pointer: str) -> Tool:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise NotConvertible("tools", "a tool definition without a name", pointer)
    description = spec.get("description")
    parameters = spec.get("parameters", spec.get("input_schema"))
    return Tool(spec["name"], description if isinstance(description, str) else None, parameters)
