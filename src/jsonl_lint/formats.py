"""Dataset formats and the normalized view rules read.

Whatever the format (OpenAI chat or preference, prompt/completion, ShareGPT, Alpaca and
its variants, chosen/rejected pairs, KTO, LLaMA-Factory v1, Anthropic, Bedrock
conversation, Vertex Gemini), downstream rules see an :class:`Example`: a list of
:class:`Turn` objects with a role, the text, the tool calls and results, and the JSON
pointers the text came from, so a finding inside a turn maps back to an exact position.

Field names of other layouts are mapped in the configuration (``[tool.jsonl-lint.format]``,
modelled on LLaMA-Factory's ``dataset_info.json``): :class:`FieldMapping` reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import orjson

from .positions import join_pointer

OPENAI_CHAT = "openai-chat"
OPENAI_PREFERENCE = "openai-preference"
PROMPT_COMPLETION = "prompt-completion"
SHAREGPT = "sharegpt"
ALPACA = "alpaca"
PREFERENCE_PAIRS = "preference-pairs"
TEXT = "text"
# Dialects: each judged by its own rules, not as OpenAI chat.
KTO = "kto"  # a conversation (or prompt/completion) with a boolean desirable `label`
ANTHROPIC_CHAT = "anthropic-chat"  # top-level `system` string + `messages` (Anthropic, Bedrock Claude)
LLAMAFACTORY_V1 = "llamafactory-v1"  # `messages` with typed `{type, value}` parts, `loss_weight`
BEDROCK_CONVERSATION = "bedrock-conversation"  # Bedrock `bedrock-conversation-2024` (Nova, Llama 3.2)
BEDROCK_PREFERENCE = "bedrock-preference"  # the same with a final `candidates` message (Nova DPO)
VERTEX_GEMINI = "vertex-gemini"  # `systemInstruction` + `contents` with `parts` (Gemini tuning)
DOLLY = "dolly"  # `instruction` / `context` / `response` (Databricks Dolly)
QUESTION_ANSWER = "question-answer"  # `question` / `answer` (GSM8K and most QA sets)
QUERY_RESPONSE = "query-response"  # `query` / `response` (+ `history`; ModelScope swift, Qwen)
PROMPT_RESPONSE = "prompt-response"  # `prompt` / `response` (Databricks, Predibase)
FORMATS = (OPENAI_CHAT, OPENAI_PREFERENCE, PROMPT_COMPLETION, SHAREGPT, ALPACA, PREFERENCE_PAIRS, TEXT, KTO,
           ANTHROPIC_CHAT, LLAMAFACTORY_V1, BEDROCK_CONVERSATION, BEDROCK_PREFERENCE, VERTEX_GEMINI, DOLLY,
           QUESTION_ANSWER, QUERY_RESPONSE, PROMPT_RESPONSE)
# Formats whose records are one conversation (a list of turns that ends with the answer).
CONVERSATION_FORMATS = frozenset({OPENAI_CHAT, SHAREGPT, KTO, ANTHROPIC_CHAT, LLAMAFACTORY_V1, BEDROCK_CONVERSATION,
                                  VERTEX_GEMINI})
PREFERENCE_FORMATS = frozenset({OPENAI_PREFERENCE, PREFERENCE_PAIRS, BEDROCK_PREFERENCE})
# Records of these formats may share a file: the second is the first without its optional key.
_COMPATIBLE = {frozenset({OPENAI_CHAT, ANTHROPIC_CHAT})}

SHAREGPT_ROLES = {
    "human": "user", "user": "user",
    "gpt": "assistant", "assistant": "assistant", "chatgpt": "assistant", "bard": "assistant",
    "bing": "assistant", "model": "assistant", "function_call": "assistant",
    "system": "system",
    "observation": "tool", "tool": "tool", "function": "tool",
}
# Content-part types whose text is prose the model reads or writes.
TEXT_PART_TYPES = {"text", "input_text", "output_text"}
REASONING_PART_TYPES = {"reasoning", "thinking"}
IMAGE_PART_TYPES = {"image_url", "image", "input_image"}
CALL_PART_TYPES = {"tool_call", "tool_calls", "tool_use"}  # LLaMA-Factory v1, Anthropic
RESULT_PART_TYPES = {"tool_result"}  # Anthropic


def compatible(a: str, b: str) -> bool:
    """Whether records of formats ``a`` and ``b`` can share one file (the same layout)."""
    return a == b or frozenset({a, b}) in _COMPATIBLE


# -- the normalized view --------------------------------------------------------------

class Segment(NamedTuple):
    """A piece of a turn's text that comes from one JSON string value (a NamedTuple:
    built for every message of every record, it must be cheap)."""

    pointer: str
    turn_offset: int  # where this piece starts in Turn.text
    value_offset: int  # where this piece starts in the decoded string at ``pointer``
    length: int


class ToolCall(NamedTuple):
    """One tool call of an assistant turn, whatever the dialect spells it.

    ``kind`` says where it came from, and so what is valid:
    ``openai`` (`tool_calls[]` entry: `id`, `function.name`, `function.arguments` a JSON
    string), ``function_call`` (legacy OpenAI, no id), ``text`` (a JSON string holding
    `{"name", "arguments"}`: a ShareGPT `function_call` turn or a LLaMA-Factory v1
    `tool_call` part), ``anthropic`` (`tool_use` part), ``bedrock`` (`toolUse` block),
    ``gemini`` (`functionCall` part). ``arguments`` is as written (None when missing);
    ``text`` is the literal call text the trainer sees for ``text`` calls (on the first
    call of a string that holds several), else "".
    """

    pointer: str  # the call object, part or block (for ``text`` calls: the string)
    kind: str
    id: Any
    name: Any
    arguments: Any
    raw: Any  # the call object as written (the parsed object for ``text`` calls)
    text: str = ""

    def at(self, what: str) -> str:
        """Pointer of the call's ``id``, ``name`` or ``arguments``."""
        return self.pointer + _CALL_FIELDS.get(self.kind, {}).get(what, "")


_CALL_FIELDS = {
    "openai": {"id": "/id", "name": "/function/name", "arguments": "/function/arguments"},
    "function_call": {"name": "/name", "arguments": "/arguments"},
    "anthropic": {"id": "/id", "name": "/name", "arguments": "/input"},
    "bedrock": {"id": "/toolUse/toolUseId", "name": "/toolUse/name", "arguments": "/toolUse/input"},
    "gemini": {"name": "/functionCall/name", "arguments": "/functionCall/args"},
}
# Call kinds whose calls carry ids that results must quote.
CALL_ID_KINDS = frozenset({"openai", "anthropic", "bedrock"})


class ToolResult(NamedTuple):
    """One tool result: a `tool` message, an observation, or a result part or block.
    ``id`` is the call id it answers (None when the dialect names none), ``name`` the
    tool's name when the result gives it."""

    pointer: str
    kind: str  # openai | function (legacy) | text | sharegpt | anthropic | bedrock | gemini
    id: Any
    name: Any

    @property
    def id_pointer(self) -> str:
        return self.pointer + _RESULT_ID.get(self.kind, "")


_RESULT_ID = {"openai": "/tool_call_id", "anthropic": "/tool_use_id", "bedrock": "/toolResult/toolUseId"}


@dataclass(slots=True)
class Turn:
    role: str  # normalized: system, developer, user, assistant, tool
    text: str  # what the turn says (reasoning and tool-call payloads excluded)
    pointer: str  # the message object (or the string, for string-valued turns)
    segments: tuple[Segment, ...] = ()
    raw_role: str = ""
    weight: Any = None
    name: str | None = None
    tool_calls: tuple[ToolCall, ...] | None = None
    images: int = 0
    branch: str = ""  # "chosen" / "rejected" for preference outputs and KTO answers, else ""
    tool_results: tuple[ToolResult, ...] = ()
    reasoning: str = ""  # reasoning the turn writes before its answer (trained, not the reply)

    @property
    def trained(self) -> bool:
        """Whether training learns from this turn (assistant with weight not 0)."""
        return self.role == "assistant" and self.weight != 0

    @property
    def full_text(self) -> str:
        """Everything the turn writes as text: its reasoning, then its answer (token counts)."""
        return f"{self.reasoning}\n{self.text}" if self.reasoning else self.text

    @property
    def text_pointer(self) -> str:
        return self.segments[0].pointer if self.segments else self.pointer

    def locate(self, start: int, end: int | None = None) -> tuple[str, tuple[int, int] | None]:
        """Map a [start, end) range of ``text`` to (pointer, decoded span in that value)."""
        end = start if end is None else end
        for seg in self.segments:
            if seg.turn_offset <= start <= seg.turn_offset + seg.length:
                rel = start - seg.turn_offset
                rel_end = min(end - seg.turn_offset, seg.length)
                return seg.pointer, (seg.value_offset + rel, seg.value_offset + max(rel, rel_end))
        return self.pointer, None

    def span(self) -> tuple[str, tuple[int, int] | None]:
        """Where the whole turn is: its value, or its slice of a transcript string."""
        if len(self.segments) == 1 and self.segments[0].value_offset:
            return self.locate(0, len(self.text))
        return self.text_pointer, None


@dataclass(slots=True)
class Example:
    format: str
    turns: list[Turn]
    rejected: list[Turn] = field(default_factory=list)
    tools: Any = None
    tools_pointer: str = ""
    # answer_turns by its arguments: several rules ask for the same answers of a record.
    answers: dict = field(default_factory=dict, repr=False, compare=False)

    def by_role(self, *roles: str) -> list[Turn]:
        return [t for t in self.turns if t.role in roles]

    @property
    def all_turns(self) -> list[Turn]:
        return self.turns + self.rejected


def answer_turns(example: Example, *, rejected: bool = False, tool_calls: bool = False) -> list[Turn]:
    """The answers a fine-tune learns to write: the turns that style, volatile-fact and
    boilerplate rules judge (one definition for every rule).

    - Preference data (some turns carry a ``branch``): the assistant turns of the chosen
      side, and of the rejected side with ``rejected=True``. Turns both sides share (the
      input conversation, the common part of hh-rlhf transcripts, the conversation before
      a KTO answer) are prompt context. A KTO answer labelled undesirable is ``rejected``.
    - Other data: assistant turns whose weight is not 0.

    Turns that are only a tool call are left out unless ``tool_calls``: no text beside
    ``tool_calls`` (a ShareGPT ``function_call`` turn is one: its call is in ``tool_calls``).
    The list is the example's own, shared by every caller: do not modify it.
    """
    key = (rejected, tool_calls)
    found = example.answers.get(key)
    if found is not None:
        return found
    branches = ("chosen", "rejected") if rejected else ("chosen",)
    turns = example.all_turns if rejected else example.turns
    preference = any(t.branch for t in turns)
    out = []
    for t in turns:
        if t.role != "assistant" or (preference and t.branch not in branches) or (not preference and t.weight == 0):
            continue
        if not tool_calls and (t.raw_role == "function_call" or (t.tool_calls and not t.text.strip())):
            continue
        out.append(t)
    example.answers[key] = out
    return out


# Tool-call syntax written into an answer's text (toolformer style): ``search('...')``,
# ``weather(query='...')``, ``request("https://...")``.
TEXT_TOOL_CALL = re.compile(r"\b[A-Za-z_][\w.]*\(\s*(?:[A-Za-z_]\w*\s*=\s*)?['\"]")


def has_text_tool_call(text: str) -> bool:
    """Whether ``text`` calls a tool in toolformer style (a substring test first: most
    answers have no quote after a parenthesis or an equals sign)."""
    return (("('" in text or '("' in text or "='" in text or '="' in text)
            and TEXT_TOOL_CALL.search(text) is not None)


def calls_tool(turn: Turn) -> bool:
    """Whether an assistant turn calls a tool (structured calls or toolformer syntax)."""
    return bool(turn.tool_calls) or turn.raw_role == "function_call" or has_text_tool_call(turn.text)


def reply_calls_tool(turns: list[Turn], index: int) -> bool:
    """Whether the reply to the user turn at ``index`` looks something up: before the next
    user turn, an assistant turn calls a tool or a tool result comes back."""
    for t in turns[index + 1:]:
        if t.role == "user":
            return False
        if t.role == "tool" or (t.role == "assistant" and calls_tool(t)):
            return True
    return False


# -- detection ----------------------------------------------------------------------

def detect_format(value: dict) -> str | None:
    """The built-in format of a record (see :class:`FieldMapping` for configured ones)."""
    if ("input" in value and ("preferred_output" in value or "non_preferred_output" in value)) or (
            "preferred_output" in value and "non_preferred_output" in value):
        return OPENAI_PREFERENCE
    if ("chosen" in value and "rejected" in value) or "chosen_messages" in value:
        return PREFERENCE_PAIRS
    if "messages" in value:
        return KTO if type(value.get("label")) is bool else _messages_format(value)
    if "conversations" in value:
        return KTO if type(value.get("label")) is bool else SHAREGPT
    if "contents" in value:
        return VERTEX_GEMINI
    if "prompt" in value:
        if "completion" in value:
            return KTO if type(value.get("label")) is bool else PROMPT_COMPLETION
        if "response" in value:
            return PROMPT_RESPONSE
    if "instruction" in value:
        if "output" in value or "input" in value:
            return KTO if type(value.get("label")) is bool else ALPACA
        if "response" in value:
            return DOLLY
    if "question" in value and "answer" in value:
        return QUESTION_ANSWER
    if "query" in value and "response" in value:
        return QUERY_RESPONSE
    if "text" in value and len(value) <= 2:
        return TEXT
    return None


def _messages_format(value: dict) -> str:
    """Which dialect a ``messages`` record is written in (its first message decides)."""
    messages = value["messages"]
    if "schemaVersion" in value or "toolConfig" in value or type(value.get("system")) is list:
        return _bedrock(messages)
    if type(messages) is list and messages and type(messages[0]) is dict:
        first = messages[0]
        content = first.get("content")
        if type(content) is list and content and type(content[0]) is dict:
            if "type" not in content[0]:
                return _bedrock(messages)  # Bedrock content blocks are keyed by kind, untyped
            if "value" in content[0]:
                return LLAMAFACTORY_V1
        if "loss_weight" in first:
            return LLAMAFACTORY_V1
    if type(value.get("system")) is str:
        return ANTHROPIC_CHAT
    return OPENAI_CHAT


def _bedrock(messages: Any) -> str:
    last = messages[-1] if type(messages) is list and messages else None
    return BEDROCK_PREFERENCE if type(last) is dict and "candidates" in last else BEDROCK_CONVERSATION


def _kto_base(value: dict) -> str:
    """The layout a KTO record's conversation is written in."""
    if "messages" in value:
        return _messages_format(value)
    if "conversations" in value:
        return SHAREGPT
    if "instruction" in value:
        return ALPACA
    return PROMPT_COMPLETION


def normalize(value: dict, fmt: str | None = None, mapping: "FieldMapping | None" = None) -> Example | None:
    """The normalized view of a record (``fmt``: its format, when already detected;
    ``mapping``: the configured field mapping, when there is one)."""
    if mapping is not None:
        return mapping.normalize(value, fmt)
    fmt = fmt or detect_format(value)
    if fmt is None:
        return None
    return _NORMALIZERS[fmt](value, fmt)


# -- message lists, as schema rules read them ----------------------------------------

class Dialect(NamedTuple):
    """How one message list spells a message."""

    name: str
    role_key: str
    content_key: str
    roles: dict | None  # raw role (lower-cased) -> normalized role; None: roles as written
    allowed: tuple[str, ...]  # the roles the dialect defines, as written
    call_roles: tuple[str, ...] = ()  # roles whose text is a JSON tool call (ShareGPT function_call)
    exact: bool = False  # read exactly role_key and content_key (configured mappings)


OPENAI_DIALECT = Dialect("openai", "role", "content", None,
                         ("system", "developer", "user", "assistant", "tool", "function"))
SHAREGPT_DIALECT = Dialect("sharegpt", "from", "value", SHAREGPT_ROLES,
                           ("human", "gpt", "system", "function_call", "observation", "tool", "user", "assistant"),
                           ("function_call",))
ANTHROPIC_DIALECT = Dialect("anthropic", "role", "content", None, ("user", "assistant"))
LLAMAFACTORY_DIALECT = Dialect("llamafactory", "role", "content", None, ("system", "user", "assistant", "tool"))
BEDROCK_DIALECT = Dialect("bedrock", "role", "content", None, ("user", "assistant"))
GEMINI_DIALECT = Dialect("gemini", "role", "parts", {"user": "user", "model": "assistant"}, ("user", "model"))


class MessageList(NamedTuple):
    pointer: str
    items: Any  # the raw value (checked to be a list by the schema rules)
    dialect: Dialect


def message_lists(value: dict, fmt: str, mapping: "FieldMapping | None" = None) -> list[MessageList]:
    """Every message list of a record, with the dialect its messages are written in."""
    if mapping is not None and mapping.reads(value):
        return mapping.message_lists(value)
    if fmt == KTO:
        fmt = _kto_base(value)
    if fmt in (OPENAI_CHAT, ANTHROPIC_CHAT, LLAMAFACTORY_V1, BEDROCK_CONVERSATION):
        return [MessageList("/messages", value.get("messages"), _MESSAGE_DIALECTS[fmt])]
    if fmt == BEDROCK_PREFERENCE:
        messages = value.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[-1], dict):
            return [MessageList("/messages", messages[:-1], BEDROCK_DIALECT)]  # the candidates message apart
        return [MessageList("/messages", messages, BEDROCK_DIALECT)]
    if fmt == SHAREGPT:
        return [MessageList("/conversations", value.get("conversations"), SHAREGPT_DIALECT)]
    if fmt == VERTEX_GEMINI:
        return [MessageList("/contents", value.get("contents"), GEMINI_DIALECT)]
    if fmt == OPENAI_PREFERENCE:
        out = []
        inp = value.get("input")
        if isinstance(inp, dict):
            out.append(MessageList("/input/messages", inp.get("messages"), OPENAI_DIALECT))
        for key in ("preferred_output", "non_preferred_output"):
            if key in value:
                out.append(MessageList(f"/{key}", value.get(key), OPENAI_DIALECT))
        return out
    if fmt == PREFERENCE_PAIRS:
        out = []
        for key in ("conversations", "messages", "chosen_messages", "rejected_messages", "chosen", "rejected", "prompt"):
            v = value.get(key)
            if isinstance(v, list):
                sharegpt = v and isinstance(v[0], dict) and "from" in v[0]
                out.append(MessageList(f"/{key}", v, SHAREGPT_DIALECT if sharegpt else OPENAI_DIALECT))
        return out
    if fmt == PROMPT_COMPLETION:  # TRL's conversational prompt/completion
        return [MessageList(f"/{key}", value[key], OPENAI_DIALECT) for key in ("prompt", "completion")
                if _is_messages(value.get(key))]
    return []


_MESSAGE_DIALECTS = {OPENAI_CHAT: OPENAI_DIALECT, ANTHROPIC_CHAT: ANTHROPIC_DIALECT,
                     LLAMAFACTORY_V1: LLAMAFACTORY_DIALECT, BEDROCK_CONVERSATION: BEDROCK_DIALECT}

# Top-level keys each format defines (`id` is allowed everywhere).
TOP_LEVEL_KEYS = {
    OPENAI_CHAT: ("messages", "tools", "parallel_tool_calls", "functions", "system"),
    OPENAI_PREFERENCE: ("input", "preferred_output", "non_preferred_output"),
    PROMPT_COMPLETION: ("prompt", "completion"),
    SHAREGPT: ("conversations", "system", "tools", "images", "videos", "audios"),
    ALPACA: ("instruction", "input", "output", "system", "history", "images", "videos", "audios"),
    PREFERENCE_PAIRS: ("prompt", "chosen", "rejected", "conversations", "messages", "chosen_messages",
                       "rejected_messages", "system", "tools", "instruction", "input", "history", "images"),
    TEXT: ("text",),
    KTO: ("messages", "conversations", "label", "prompt", "completion", "instruction", "input", "output", "system",
          "tools", "history", "images"),
    ANTHROPIC_CHAT: ("system", "messages"),
    LLAMAFACTORY_V1: ("messages", "tools", "extra_info"),
    BEDROCK_CONVERSATION: ("schemaVersion", "system", "messages", "toolConfig"),
    BEDROCK_PREFERENCE: ("schemaVersion", "system", "messages"),
    VERTEX_GEMINI: ("systemInstruction", "contents", "tools"),
    DOLLY: ("instruction", "context", "response", "category"),
    QUESTION_ANSWER: ("question", "answer", "system"),
    QUERY_RESPONSE: ("query", "response", "history", "system"),
    PROMPT_RESPONSE: ("prompt", "response", "system"),
}


def known_keys(value: dict, fmt: str, mapping: "FieldMapping | None" = None) -> tuple[str, ...]:
    """The top-level keys a record's format defines (its mapped columns, when a configured
    mapping reads it)."""
    if mapping is not None and mapping.reads(value):
        return mapping.top_level_keys
    return TOP_LEVEL_KEYS[fmt]


MESSAGE_KEYS = ("role", "content", "name", "tool_calls", "tool_call_id", "function_call", "weight", "refusal",
                "from", "value", "loss_weight", "reasoning_content", "reasoning", "parts", "candidates")


# -- plain records (the token counters' fast path) ------------------------------------

class PlainShape(NamedTuple):
    """Where a plain message list keeps its parts (see :func:`plain_messages`)."""

    list_key: str
    role_key: str
    text_key: str
    role_map: dict | None

    def role(self, message: dict) -> str:
        """The normalized role of one of its messages (as the normalized view has it)."""
        raw = message[self.role_key]
        return self.role_map.get(raw.lower(), raw) if self.role_map else raw


PLAIN_SHAPES = {
    OPENAI_CHAT: PlainShape("messages", "role", "content", None),
    ANTHROPIC_CHAT: PlainShape("messages", "role", "content", None),
    SHAREGPT: PlainShape("conversations", "from", "value", SHAREGPT_ROLES),
}


def plain_messages(value: dict, fmt: str) -> tuple[PlainShape, list[dict], str | None] | None:
    """An OpenAI chat, Anthropic chat or ShareGPT record in its plainest shape as (shape,
    messages, top-level system prompt or None), else None.

    Plain: nothing beside the list and a string ``system`` adds turns or tokens (no ``tools``
    or ``functions`` key) and every message has exactly a string role (``role`` / ``from``)
    and a string text (``content`` / ``value``), optionally with a ``weight`` and a string
    ``name``. The normalized turns of such a record are the system prompt (pointer
    ``/system``) and then its messages one for one (role as :meth:`PlainShape.role` gives it,
    text, weight, name, pointer ``/<list>/<i>``), so work that needs only those, like token
    counting, can skip building the view. ShareGPT ``function_call`` turns are not plain
    (their text is a tool call).
    """
    shape = PLAIN_SHAPES.get(fmt)
    if shape is None:
        return None
    messages = value.get(shape.list_key)
    if type(messages) is not list or "tools" in value or "functions" in value:
        return None
    role_key, text_key = shape.role_key, shape.text_key
    for m in messages:
        if type(m) is not dict or type(m.get(role_key)) is not str or type(m.get(text_key)) is not str:
            return None
        extra = len(m) - 2  # keys beside role and text: only weight and a string name
        if extra and (extra != ("weight" in m) + ("name" in m) or type(m.get("name", "")) is not str):
            return None
        if shape.role_map is not None and m[role_key] in _SHAREGPT_TOOL_ROLES:
            return None
    system = value.get("system")
    return shape, messages, system if type(system) is str else None  # the view ignores a non-string one


_SHAREGPT_TOOL_ROLES = frozenset(SHAREGPT_DIALECT.call_roles)


# -- builders ---------------------------------------------------------------------

_new_tuple = tuple.__new__


def _string_turn(role: str, value: Any, pointer: str, branch: str = "") -> Turn:
    # Positional and without the NamedTuple constructor: one per field of every Alpaca record.
    if type(value) is str:
        return Turn(role, value, pointer, (_new_tuple(Segment, (pointer, 0, 0, len(value))),), role,
                    None, None, None, 0, branch)
    return Turn(role, "", pointer, (), role, None, None, None, 0, branch)


class _Content(NamedTuple):
    text: str
    segments: tuple[Segment, ...]
    images: int
    calls: tuple[ToolCall, ...]
    results: tuple[ToolResult, ...]
    reasoning: str


def content_text(content: Any, pointer: str) -> tuple[str, tuple[Segment, ...], int]:
    """Text, segments and image count of a message ``content`` (string or parts)."""
    c = _content(content, pointer)
    return c.text, c.segments, c.images


def _content(content: Any, pointer: str) -> _Content:
    """What a message's content holds, whatever the dialect writes its parts as: typed parts
    (OpenAI, Anthropic, LLaMA-Factory v1: by ``type``), Bedrock blocks and Gemini parts (by
    the key of their payload)."""
    if isinstance(content, str):
        return _Content(content, (Segment(pointer, 0, 0, len(content)),), 0, (), (), "")
    if not isinstance(content, list):
        return _Content("", (), 0, (), (), "")
    pieces: list[str] = []
    segs: list[Segment] = []
    reasoning: list[str] = []
    calls: list[ToolCall] = []
    results: list[ToolResult] = []
    images = 0
    offset = 0
    for i, part in enumerate(content):
        if not isinstance(part, dict):
            continue
        at = f"{pointer}/{i}"
        kind = part.get("type")
        key = None
        if kind is None:  # Bedrock block or Gemini part: the payload key says what it is
            if isinstance(part.get("text"), str):
                if part.get("thought") is True:  # Gemini thought summary
                    reasoning.append(part["text"])
                else:
                    key = "text"
            elif "image" in part or _is_image_data(part.get("inlineData")) or _is_image_data(part.get("fileData")):
                images += 1
            elif isinstance(part.get("toolUse"), dict):
                use = part["toolUse"]
                calls.append(ToolCall(at, "bedrock", use.get("toolUseId"), use.get("name"), use.get("input"), use))
            elif isinstance(part.get("toolResult"), dict):
                results.append(ToolResult(at, "bedrock", part["toolResult"].get("toolUseId"), None))
            elif isinstance(part.get("reasoningContent"), dict):
                rt = part["reasoningContent"].get("reasoningText")
                if isinstance(rt, dict) and isinstance(rt.get("text"), str):
                    reasoning.append(rt["text"])
            elif isinstance(part.get("functionCall"), dict):
                fc = part["functionCall"]
                calls.append(ToolCall(at, "gemini", None, fc.get("name"), fc.get("args"), fc))
            elif isinstance(part.get("functionResponse"), dict):
                results.append(ToolResult(at, "gemini", None, part["functionResponse"].get("name")))
        elif not isinstance(kind, str):
            continue  # malformed part (invalid-content reports it)
        elif kind in TEXT_PART_TYPES:
            key = "text" if isinstance(part.get("text"), str) else "value" if isinstance(part.get("value"), str) else None
        elif kind in IMAGE_PART_TYPES:
            images += 1
        elif kind in REASONING_PART_TYPES:
            text = next((part[k] for k in ("value", "text", "thinking") if isinstance(part.get(k), str)), None)
            if text is not None:
                reasoning.append(text)
        elif kind == "tool_use":
            calls.append(ToolCall(at, "anthropic", part.get("id"), part.get("name"), part.get("input"), part))
        elif kind in CALL_PART_TYPES:
            if isinstance(part.get("value"), str):
                calls += _text_calls(part["value"], f"{at}/value")
        elif kind in RESULT_PART_TYPES:
            results.append(ToolResult(at, "anthropic", part.get("tool_use_id"), None))
        if key is None:
            continue
        if pieces:
            pieces.append("\n")
            offset += 1
        piece = part[key]
        segs.append(Segment(f"{at}/{key}", offset, 0, len(piece)))
        pieces.append(piece)
        offset += len(piece)
    return _Content("".join(pieces), tuple(segs), images, tuple(calls), tuple(results), "\n".join(reasoning))


def _is_image_data(data: Any) -> bool:
    return isinstance(data, dict) and str(data.get("mimeType", "")).startswith("image/")


def _text_calls(text: str, pointer: str) -> list[ToolCall]:
    """The calls a JSON call string holds (one object, or a list of them for parallel
    calls). A string that does not parse is still one call, with no name."""
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return [ToolCall(pointer, "text", None, None, None, None, text)]
    items = parsed if isinstance(parsed, list) and parsed else [parsed]
    return [ToolCall(pointer, "text", None, c.get("name") if isinstance(c, dict) else None,
                     c.get("arguments") if isinstance(c, dict) else None, c, text if i == 0 else "")
            for i, c in enumerate(items)]


def _text_results(text: str, pointer: str, kind: str) -> tuple[ToolResult, ...]:
    """Results of a tool turn's text: LLaMA-Factory v1 writes `[{"tool_call_id", "name",
    "content"}, ...]` there; any other text is one result without an id."""
    if text[:1] in ("[", "{") and ("tool_call_id" in text or '"name"' in text):
        try:
            parsed = orjson.loads(text)
        except orjson.JSONDecodeError:
            parsed = None
        items = parsed if isinstance(parsed, list) else [parsed] if isinstance(parsed, dict) else []
        found = tuple(ToolResult(pointer, kind, item.get("tool_call_id"), item.get("name"))
                      for item in items if isinstance(item, dict) and ("tool_call_id" in item or "name" in item))
        if found:
            return found
    return (ToolResult(pointer, kind, None, None),)


def _message_turn(msg: Any, pointer: str, dialect: Dialect | None = None, branch: str = "") -> Turn:
    # Hot path: runs for every message of every record, so it avoids keyword calls.
    if not isinstance(msg, dict):
        return Turn("", "", pointer, branch=branch)
    if dialect is not None and dialect.exact:  # a configured mapping names its keys
        raw_role = msg.get(dialect.role_key, "")
        key = dialect.content_key
    else:
        raw_role = msg.get("role")
        if raw_role is None:
            raw_role = msg.get("from", "")
        key = "content" if "content" in msg else "value" if "value" in msg else "text" if "text" in msg \
            else "parts" if "parts" in msg else "content"
    if not isinstance(raw_role, str):
        raw_role = ""
    roles = dialect.roles if dialect is not None else None
    role = roles.get(raw_role.lower(), raw_role) if roles else raw_role
    content = msg.get(key)
    calls: tuple[ToolCall, ...] = ()
    results: tuple[ToolResult, ...] = ()
    reasoning = ""
    if type(content) is str:
        # tuple.__new__: the NamedTuple's own constructor is a Python call, once per message.
        segs = (_new_tuple(Segment, (f"{pointer}/{key}", 0, 0, len(content))),)
        if len(msg) == 2 and raw_role and role != "tool" and (dialect is None or raw_role not in dialect.call_roles):
            return Turn(role, content, pointer, segs, raw_role, None, None, None, 0, branch)
        text, images = content, 0
        if dialect is not None and raw_role in dialect.call_roles:
            calls, text, segs = tuple(_text_calls(content, f"{pointer}/{key}")), "", ()
    else:
        text, segs, images, calls, results, reasoning = _content(content, f"{pointer}/{key}")
        if results and not text and not calls and role != "assistant":
            role = "tool"  # a user message that only carries tool results (Bedrock, Gemini, Anthropic)
    name = msg.get("name")
    name = name if isinstance(name, str) else None
    if role == "tool" or raw_role == "function":
        results = _results(msg, pointer, raw_role, dialect, text, segs, results, name)
    weight = msg.get("weight")
    if weight is None:
        weight = msg.get("loss_weight")
    raw_calls = msg.get("tool_calls")
    if isinstance(raw_calls, list):
        calls += tuple(_openai_call(c, f"{pointer}/tool_calls/{j}") for j, c in enumerate(raw_calls)
                       if isinstance(c, dict))
    elif isinstance(msg.get("function_call"), dict):
        fc = msg["function_call"]
        calls += (ToolCall(f"{pointer}/function_call", "function_call", None, fc.get("name"), fc.get("arguments"),
                           fc),)
    for rk in ("reasoning_content", "reasoning"):
        if isinstance(msg.get(rk), str):
            reasoning = f"{msg[rk]}\n{reasoning}" if reasoning else msg[rk]
            break
    return Turn(role, text, pointer, segs, raw_role, weight, name, calls or None, images, branch, results, reasoning)


def _openai_call(call: dict, pointer: str) -> ToolCall:
    fn = call.get("function")
    fn = fn if isinstance(fn, dict) else {}
    return ToolCall(pointer, "openai", call.get("id"), fn.get("name"), fn.get("arguments"), call)


def _results(msg: dict, pointer: str, raw_role: str, dialect: Dialect | None, text: str, segs: tuple,
             found: tuple[ToolResult, ...], name: str | None) -> tuple[ToolResult, ...]:
    """The results a tool turn carries: OpenAI names the call in `tool_call_id`, the legacy
    `function` role by name; result parts and blocks name it themselves; LLaMA-Factory v1
    writes the ids into the turn's text; a ShareGPT observation names nothing."""
    openai = dialect is None or dialect is OPENAI_DIALECT
    if "tool_call_id" in msg:
        return (ToolResult(pointer, "openai", msg["tool_call_id"], name),)
    if raw_role == "function" and openai:
        return (ToolResult(pointer, "function", None, name),)
    if found:
        return found
    from_text = _text_results(text, segs[0].pointer if segs else pointer, "sharegpt" if dialect is SHAREGPT_DIALECT
                              else "text")
    if openai and raw_role == "tool" and from_text[0].id is None:
        return (ToolResult(pointer, "openai", None, name),)  # an OpenAI tool message without its `tool_call_id`
    return from_text


def _messages(value: Any, pointer: str, dialect: Dialect | None = None, branch: str = "") -> list[Turn]:
    if not isinstance(value, list):
        return []
    return [_message_turn(m, f"{pointer}/{i}", dialect, branch) for i, m in enumerate(value)]


def _tools_of(value: dict, keys: tuple[str, ...] = ("tools", "functions")) -> tuple[Any, str]:
    for key in keys:
        if key in value:
            return value[key], f"/{key}"
    return None, ""


def _openai_chat(value: dict, fmt: str) -> Example:
    turns = []
    if isinstance(value.get("system"), str):  # Anthropic/Bedrock Claude top-level system prompt
        turns.append(_string_turn("system", value["system"], "/system"))
    turns += _messages(value.get("messages"), "/messages",
                       LLAMAFACTORY_DIALECT if fmt == LLAMAFACTORY_V1 else None)
    tools, tools_pointer = _tools_of(value)
    return Example(fmt, turns, tools=tools, tools_pointer=tools_pointer)


def _openai_preference(value: dict, fmt: str) -> Example:
    inp = value.get("input")
    turns = _messages(inp.get("messages") if isinstance(inp, dict) else None, "/input/messages")
    turns += _messages(value.get("preferred_output"), "/preferred_output", branch="chosen")
    rejected = _messages(value.get("non_preferred_output"), "/non_preferred_output", branch="rejected")
    tools = inp.get("tools") if isinstance(inp, dict) else None
    return Example(fmt, turns, rejected, tools=tools, tools_pointer="/input/tools" if tools is not None else "")


_TRANSCRIPT = re.compile(r"\n\n(Human|Assistant|H|A):[ ]?")


def _transcript(text: str, pointer: str, branch: str) -> list[Turn]:
    """Split an hh-rlhf style "\\n\\nHuman: ... \\n\\nAssistant: ..." transcript."""
    turns: list[Turn] = []
    marks = list(_TRANSCRIPT.finditer(text))
    if not marks:
        return [Turn("assistant", text, pointer, (Segment(pointer, 0, 0, len(text)),), branch=branch)]
    for m, nxt in zip(marks, marks[1:] + [None]):
        start, end = m.end(), nxt.start() if nxt else len(text)
        role = "user" if m.group(1) in ("Human", "H") else "assistant"
        turns.append(Turn(role, text[start:end], pointer, (Segment(pointer, 0, start, end - start),),
                          raw_role=m.group(1), branch=branch))
    return turns


def turn_location(value: dict, turn: Turn) -> tuple[str, tuple[int, int] | None]:
    """(pointer, span) of a whole turn for a finding: its value, or its slice of an hh-rlhf
    transcript; an empty transcript turn points at its "Assistant:" marker."""
    pointer, span = turn.span()
    if span is not None and span[0] == span[1]:
        text = value.get(pointer[1:]) if pointer.count("/") == 1 else None
        if isinstance(text, str):
            start = text.rfind("\n\n", 0, span[0])
            span = (start + 2, span[0]) if start >= 0 else span
    return pointer, span


def _side(value: Any, pointer: str, branch: str) -> list[Turn]:
    if isinstance(value, str):
        return _transcript(value, pointer, branch) if "\n\nHuman:" in value else [
            _string_turn("assistant", value, pointer, branch=branch)]
    if isinstance(value, dict):
        return [_message_turn(value, pointer, SHAREGPT_DIALECT, branch)]
    if isinstance(value, list):
        return _messages(value, pointer, SHAREGPT_DIALECT, branch)
    return []


def _preference_pairs(value: dict, fmt: str) -> Example:
    chosen_key = "chosen_messages" if "chosen_messages" in value else "chosen"
    rejected_key = "rejected_messages" if "rejected_messages" in value else "rejected"
    prompt: list[Turn] = []
    if isinstance(value.get("system"), str):
        prompt.append(_string_turn("system", value["system"], "/system"))
    if "conversations" in value:
        prompt += _messages(value["conversations"], "/conversations", SHAREGPT_DIALECT)
    elif "messages" in value:  # Axolotl's DPO form: the prompt's messages, then one message per answer
        prompt += _messages(value["messages"], "/messages")
    elif "prompt" in value:
        prompt += _side(value["prompt"], "/prompt", "")
        for t in prompt:
            if t.role == "assistant" and t.pointer == "/prompt":
                t.role = "user"
    elif "instruction" in value:  # LLaMA-Factory's Alpaca-style ranking data
        prompt += _alpaca_prompt(value, "instruction", "input")
    chosen = _side(value.get(chosen_key), f"/{chosen_key}", "chosen")
    rejected = _side(value.get(rejected_key), f"/{rejected_key}", "rejected")
    if not any(t.role == "user" for t in prompt) and chosen and rejected:
        # Implicit prompt: the shared leading turns of both sides (hh-rlhf, TRL).
        shared = 0
        while (shared < min(len(chosen), len(rejected)) - 1 and chosen[shared].role == rejected[shared].role
               and chosen[shared].text == rejected[shared].text):
            shared += 1
        for t in chosen[:shared]:
            t.branch = ""
        rejected = rejected[shared:]
    tools, tools_pointer = _tools_of(value, ("tools",))
    return Example(fmt, prompt + chosen, rejected, tools=tools, tools_pointer=tools_pointer)


def _sharegpt(value: dict, fmt: str) -> Example:
    turns = []
    if isinstance(value.get("system"), str):
        turns.append(_string_turn("system", value["system"], "/system"))
    turns += _messages(value.get("conversations"), "/conversations", SHAREGPT_DIALECT)
    tools, tools_pointer = _tools_of(value, ("tools",))
    return Example(fmt, turns, tools=tools, tools_pointer=tools_pointer)


def _is_messages(value: Any) -> bool:
    """A list of messages (TRL's conversational prompt/completion), not of content parts."""
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict) and "role" in value[0]


def _prompt_completion(value: dict, fmt: str) -> Example:
    turns = []
    for key, role in (("prompt", "user"), ("completion", "assistant")):
        side, at = value.get(key), f"/{key}"
        if _is_messages(side):  # TRL's conversational form
            turns += _messages(side, at)
        elif isinstance(side, list):  # content parts (Together's multimodal prompt)
            c = _content(side, at)
            turns.append(Turn(role, c.text, at, c.segments, role, None, None, c.calls or None, c.images))
        else:
            turns.append(_string_turn(role, side, at))
    return Example(fmt, turns)


def _history(value: Any, pointer: str) -> list[Turn]:
    turns: list[Turn] = []
    if isinstance(value, list):
        for i, pair in enumerate(value):
            if isinstance(pair, list) and len(pair) == 2:
                turns.append(_string_turn("user", pair[0], f"{pointer}/{i}/0"))
                turns.append(_string_turn("assistant", pair[1], f"{pointer}/{i}/1"))
    return turns


@lru_cache(maxsize=256)
def _key_pointer(key: str) -> str:
    return join_pointer(key)


def _alpaca_prompt(value: dict, prompt_key: str, query_key: str | None, system_key: str | None = None,
                   history_key: str | None = None) -> list[Turn]:
    """System prompt, history and the user turn of an instruction-style record: the
    trainer joins the instruction and its input (or context); both pointers are kept."""
    turns: list[Turn] = []
    if system_key and isinstance(value.get(system_key), str):
        turns.append(_string_turn("system", value[system_key], _key_pointer(system_key)))
    if history_key:
        turns += _history(value.get(history_key), _key_pointer(history_key))
    user = _string_turn("user", value.get(prompt_key), _key_pointer(prompt_key))
    inp = value.get(query_key) if query_key else None
    if isinstance(inp, str) and inp:
        segs = user.segments + (Segment(_key_pointer(query_key), len(user.text) + 2, 0, len(inp)),)
        user = Turn("user", f"{user.text}\n\n{inp}", user.pointer, segs, raw_role=prompt_key)
    turns.append(user)
    return turns


def _alpaca(value: dict, fmt: str) -> Example:
    turns = _alpaca_prompt(value, "instruction", "input", "system", "history")
    turns.append(_string_turn("assistant", value.get("output"), "/output"))
    return Example(fmt, turns)


# The prompt, input and answer keys of the instruction/answer variants.
_PAIR_KEYS = {
    DOLLY: ("instruction", "context", "response"),
    QUESTION_ANSWER: ("question", None, "answer"),
    QUERY_RESPONSE: ("query", None, "response"),
    PROMPT_RESPONSE: ("prompt", None, "response"),
}


def _instruction_pair(value: dict, fmt: str) -> Example:
    prompt_key, query_key, answer_key = _PAIR_KEYS[fmt]
    turns = _alpaca_prompt(value, prompt_key, query_key, "system", "history")
    turns.append(_string_turn("assistant", value.get(answer_key), _key_pointer(answer_key)))
    return Example(fmt, turns)


def _text(value: dict, fmt: str) -> Example:
    return Example(fmt, [_string_turn("assistant", value.get("text"), "/text")])


def _kto(value: dict, fmt: str) -> Example:
    example = _NORMALIZERS[_kto_base(value)](value, fmt)
    mark_kto_answer(example.turns, value.get("label") is True)
    return example


def mark_kto_answer(turns: list[Turn], desirable: bool) -> None:
    """A KTO example's answer is its final assistant turn(s): chosen when labelled
    desirable, rejected when not (so rules treat it as preference data); the
    conversation before it is prompt context."""
    for t in reversed(turns):
        if t.role != "assistant":
            break
        t.branch = "chosen" if desirable else "rejected"


def _bedrock_conversation(value: dict, fmt: str) -> Example:
    turns: list[Turn] = []
    system = value.get("system")
    if isinstance(system, list):
        c = _content(system, "/system")
        turns.append(Turn("system", c.text, "/system", c.segments, "system"))
    elif isinstance(system, str):
        turns.append(_string_turn("system", system, "/system"))
    messages = value.get("messages")
    rejected: list[Turn] = []
    if fmt == BEDROCK_PREFERENCE and isinstance(messages, list) and messages:
        turns += _messages(messages[:-1], "/messages", BEDROCK_DIALECT)
        last, at = messages[-1], f"/messages/{len(messages) - 1}"
        candidates = last.get("candidates") if isinstance(last, dict) else None
        for k, cand in enumerate(candidates if isinstance(candidates, list) else ()):
            if not isinstance(cand, dict):
                continue
            label = str(cand.get("preferenceLabel", "")).lower()
            c = _content(cand.get("content"), f"{at}/candidates/{k}/content")
            turn = Turn("assistant", c.text, f"{at}/candidates/{k}", c.segments, "assistant", None, None,
                        c.calls or None, c.images, "chosen" if label == "preferred" else "rejected", c.results,
                        c.reasoning)
            (turns if turn.branch == "chosen" else rejected).append(turn)
    else:
        turns += _messages(messages, "/messages", BEDROCK_DIALECT)
    config = value.get("toolConfig")
    tools = config.get("tools") if isinstance(config, dict) else None
    return Example(fmt, turns, rejected, tools=tools, tools_pointer="/toolConfig/tools" if tools is not None else "")


def _vertex_gemini(value: dict, fmt: str) -> Example:
    turns: list[Turn] = []
    si = value.get("systemInstruction")
    if isinstance(si, dict):
        c = _content(si.get("parts"), "/systemInstruction/parts")
        turns.append(Turn("system", c.text, "/systemInstruction", c.segments, "system"))
    elif isinstance(si, str):
        turns.append(_string_turn("system", si, "/systemInstruction"))
    turns += _messages(value.get("contents"), "/contents", GEMINI_DIALECT)
    tools, tools_pointer = _tools_of(value, ("tools",))
    return Example(fmt, turns, tools=tools, tools_pointer=tools_pointer)


_NORMALIZERS = {
    OPENAI_CHAT: _openai_chat,
    ANTHROPIC_CHAT: _openai_chat,
    LLAMAFACTORY_V1: _openai_chat,
    OPENAI_PREFERENCE: _openai_preference,
    PREFERENCE_PAIRS: _preference_pairs,
    SHAREGPT: _sharegpt,
    PROMPT_COMPLETION: _prompt_completion,
    ALPACA: _alpaca,
    DOLLY: _instruction_pair,
    QUESTION_ANSWER: _instruction_pair,
    QUERY_RESPONSE: _instruction_pair,
    PROMPT_RESPONSE: _instruction_pair,
    TEXT: _text,
    KTO: _kto,
    BEDROCK_CONVERSATION: _bedrock_conversation,
    BEDROCK_PREFERENCE: _bedrock_conversation,
    VERTEX_GEMINI: _vertex_gemini,
}


# -- configured field mappings ----------------------------------------------------------

# LLaMA-Factory's `dataset_info.json` columns and tags, with its defaults per formatting.
MAPPING_COLUMNS = ("prompt", "query", "response", "history", "messages", "system", "tools", "images", "videos",
                   "audios", "chosen", "rejected", "kto_tag")
MAPPING_TAGS = ("role_tag", "content_tag", "user_tag", "assistant_tag", "observation_tag", "function_tag",
                "system_tag")
MAPPING_FORMATTINGS = ("alpaca", "sharegpt", "openai")
_DEFAULT_COLUMNS = {
    "alpaca": {"prompt": "instruction", "query": "input", "response": "output"},
    "sharegpt": {"messages": "conversations"},
    "openai": {"messages": "messages"},
}
_DEFAULT_TAGS = {
    "sharegpt": {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                 "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"},
    "openai": {"role_tag": "role", "content_tag": "content", "user_tag": "user", "assistant_tag": "assistant",
               "observation_tag": "tool", "function_tag": "function", "system_tag": "system"},
}


class FieldMapping:
    """Reads records whose fields have other names, as LLaMA-Factory's ``dataset_info.json``
    maps them: ``formatting`` (alpaca, sharegpt or openai), ``ranking`` (preference
    pairs), ``columns`` (record keys) and ``tags`` (message keys and role names).

    Records that have the mapped columns are read through the mapping and get the
    format of their formatting (alpaca, sharegpt, openai-chat; preference-pairs when
    ranking; kto with a boolean `kto_tag` column); other records keep their own format.
    """

    def __init__(self, formatting: str, ranking: bool = False, columns: dict | None = None,
                 tags: dict | None = None):
        self.formatting = formatting
        self.ranking = ranking
        self.columns = {**_DEFAULT_COLUMNS[formatting], **{k: v for k, v in (columns or {}).items() if v}}
        self.tags = {**_DEFAULT_TAGS.get(formatting, {}), **{k: v for k, v in (tags or {}).items() if v}}
        t = self.tags
        if formatting == "alpaca":
            self.dialect = None
        else:
            roles = {t["user_tag"].lower(): "user", t["assistant_tag"].lower(): "assistant",
                     t["observation_tag"].lower(): "tool", t["function_tag"].lower(): "assistant",
                     t["system_tag"].lower(): "system"}
            self.dialect = Dialect(f"mapped {formatting}", t["role_tag"], t["content_tag"], roles,
                                   tuple(t[k] for k in ("system_tag", "user_tag", "assistant_tag", "function_tag",
                                                        "observation_tag")),
                                   (t["function_tag"],) if formatting == "sharegpt" else (), True)
        self.format = {"alpaca": ALPACA, "sharegpt": SHAREGPT, "openai": OPENAI_CHAT}[formatting]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldMapping) and (self.formatting, self.ranking, self.columns, self.tags) == (
            other.formatting, other.ranking, other.columns, other.tags)

    def __hash__(self) -> int:
        return hash((self.formatting, self.ranking, tuple(sorted(self.columns.items())),
                     tuple(sorted(self.tags.items()))))

    @property
    def top_level_keys(self) -> tuple[str, ...]:
        return tuple(self.columns.values())

    def reads(self, value: dict) -> bool:
        """Whether the record has the mapped columns (else it keeps its built-in format)."""
        c = self.columns
        if self.formatting == "alpaca":
            return c["prompt"] in value and (c.get("response") in value or c.get("query") in value
                                             or (self.ranking and c.get("chosen") in value))
        return isinstance(value.get(c["messages"]), list)

    def detect(self, value: dict) -> str | None:
        if not self.reads(value):
            return detect_format(value)
        kto = self.columns.get("kto_tag")
        if kto and type(value.get(kto)) is bool:
            return KTO
        return PREFERENCE_PAIRS if self.ranking else self.format

    def normalize(self, value: dict, fmt: str | None = None) -> Example | None:
        fmt = fmt or self.detect(value)
        if fmt is None:
            return None
        if not self.reads(value):
            return _NORMALIZERS[fmt](value, fmt)
        c = self.columns
        if self.dialect is None:
            turns = _alpaca_prompt(value, c["prompt"], c.get("query"), c.get("system"), c.get("history"))
        else:
            turns = []
            if c.get("system") and isinstance(value.get(c["system"]), str):
                turns.append(_string_turn("system", value[c["system"]], join_pointer(c["system"])))
            turns += _messages(value[c["messages"]], join_pointer(c["messages"]), self.dialect)
        rejected: list[Turn] = []
        if self.ranking and c.get("chosen") and c.get("rejected"):
            for key, branch in ((c["chosen"], "chosen"), (c["rejected"], "rejected")):
                side = value.get(key)
                at = join_pointer(key)
                side_turns = [_string_turn("assistant", side, at, branch)] if isinstance(side, str) else \
                    [_message_turn(side, at, self.dialect, branch)] if isinstance(side, dict) else []
                (turns if branch == "chosen" else rejected).extend(side_turns)
        elif self.dialect is None and c.get("response"):
            turns.append(_string_turn("assistant", value.get(c["response"]), join_pointer(c["response"])))
        if fmt == KTO:
            mark_kto_answer(turns, value.get(c["kto_tag"]) is True)
        tools, tools_pointer = (value.get(c["tools"]), join_pointer(c["tools"])) if c.get("tools") in value \
            else (None, "")
        return Example(fmt, turns, rejected, tools=tools, tools_pointer=tools_pointer)

    def message_lists(self, value: dict) -> list[MessageList]:
        if self.dialect is None:
            return []
        c = self.columns
        out = [MessageList(join_pointer(c["messages"]), value.get(c["messages"]), self.dialect)]
        if self.ranking:
            for key in (c.get("chosen"), c.get("rejected")):
                if key and isinstance(value.get(key), dict):
                    out.append(MessageList(join_pointer(key), [value[key]], self.dialect))
        return out
