"""Dataset formats and the normalized view rules read.

Whatever the format (OpenAI chat or preference, prompt/completion, ShareGPT,
Alpaca, chosen/rejected pairs), downstream rules see an :class:`Example`: a
list of :class:`Turn` objects with a role, the text, and the JSON pointers the
text came from, so a finding inside a turn maps back to an exact position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .positions import join_pointer

OPENAI_CHAT = "openai-chat"
OPENAI_PREFERENCE = "openai-preference"
PROMPT_COMPLETION = "prompt-completion"
SHAREGPT = "sharegpt"
ALPACA = "alpaca"
PREFERENCE_PAIRS = "preference-pairs"
TEXT = "text"
FORMATS = (OPENAI_CHAT, OPENAI_PREFERENCE, PROMPT_COMPLETION, SHAREGPT, ALPACA, PREFERENCE_PAIRS, TEXT)

SHAREGPT_ROLES = {
    "human": "user", "user": "user",
    "gpt": "assistant", "assistant": "assistant", "chatgpt": "assistant", "bard": "assistant",
    "bing": "assistant", "model": "assistant", "function_call": "assistant",
    "system": "system",
    "observation": "tool", "tool": "tool", "function": "tool",
}
# Content-part types whose text is prose the model reads or writes.
TEXT_PART_TYPES = {"text", "input_text", "output_text", "reasoning"}
IMAGE_PART_TYPES = {"image_url", "image", "input_image"}


class Segment(NamedTuple):
    """A piece of a turn's text that comes from one JSON string value (a NamedTuple:
    built for every message of every record, it must be cheap)."""

    pointer: str
    turn_offset: int  # where this piece starts in Turn.text
    value_offset: int  # where this piece starts in the decoded string at ``pointer``
    length: int


@dataclass(slots=True)
class Turn:
    role: str  # normalized: system, developer, user, assistant, tool
    text: str
    pointer: str  # the message object (or the string, for string-valued turns)
    segments: tuple[Segment, ...] = ()
    raw_role: str = ""
    weight: Any = None
    name: str | None = None
    tool_calls: list | None = None
    images: int = 0
    branch: str = ""  # "chosen" / "rejected" for preference outputs, else ""

    @property
    def trained(self) -> bool:
        """Whether training learns from this turn (assistant with weight not 0)."""
        return self.role == "assistant" and self.weight != 0

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


@dataclass(slots=True)
class Example:
    format: str
    turns: list[Turn]
    rejected: list[Turn] = field(default_factory=list)
    tools: Any = None
    tools_pointer: str = ""

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
      input conversation, the common part of hh-rlhf transcripts) are prompt context.
    - Other data: assistant turns whose weight is not 0.

    Turns that are only a tool call are left out unless ``tool_calls``: no text beside
    ``tool_calls``, or a ShareGPT ``function_call`` turn, whose text is the call's JSON.
    """
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


def detect_format(value: dict) -> str | None:
    if "input" in value and ("preferred_output" in value or "non_preferred_output" in value):
        return OPENAI_PREFERENCE
    if ("chosen" in value and "rejected" in value) or "chosen_messages" in value:
        return PREFERENCE_PAIRS
    if "messages" in value:
        return OPENAI_CHAT
    if "conversations" in value:
        return SHAREGPT
    if "prompt" in value and "completion" in value:
        return PROMPT_COMPLETION
    if "instruction" in value and ("output" in value or "input" in value):
        return ALPACA
    if "text" in value and len(value) <= 2:
        return TEXT
    return None


def normalize(value: dict, fmt: str | None = None) -> Example | None:
    """The normalized view of a record (``fmt``: its format, when already detected)."""
    fmt = fmt or detect_format(value)
    if fmt is None:
        return None
    return _NORMALIZERS[fmt](value, fmt)


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
    SHAREGPT: PlainShape("conversations", "from", "value", SHAREGPT_ROLES),
}


def plain_messages(value: dict, fmt: str) -> tuple[PlainShape, list[dict], str | None] | None:
    """An OpenAI chat or ShareGPT record in its plainest shape as (shape, messages, top-level
    system prompt or None), else None.

    Plain: nothing beside the list and a string ``system`` adds turns or tokens (no ``tools``
    or ``functions`` key) and every message has exactly a string role (``role`` / ``from``)
    and a string text (``content`` / ``value``), optionally with a ``weight`` and a string
    ``name``. The normalized turns of such a record are the system prompt (pointer
    ``/system``) and then its messages one for one (role as :meth:`PlainShape.role` gives it,
    text, weight, name, pointer ``/<list>/<i>``), so work that needs only those, like token
    counting, can skip building the view.
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
    system = value.get("system")
    return shape, messages, system if type(system) is str else None  # the view ignores a non-string one


# -- builders ---------------------------------------------------------------------

_new_tuple = tuple.__new__


def _string_turn(role: str, value: Any, pointer: str, branch: str = "") -> Turn:
    # Positional and without the NamedTuple constructor: one per field of every Alpaca record.
    if type(value) is str:
        return Turn(role, value, pointer, (_new_tuple(Segment, (pointer, 0, 0, len(value))),), role,
                    None, None, None, 0, branch)
    return Turn(role, "", pointer, (), role, None, None, None, 0, branch)


def content_text(content: Any, pointer: str) -> tuple[str, tuple[Segment, ...], int]:
    """Text, segments and image count of a message ``content`` (string or parts)."""
    if isinstance(content, str):
        return content, (Segment(pointer, 0, 0, len(content)),), 0
    if not isinstance(content, list):
        return "", (), 0
    pieces: list[str] = []
    segs: list[Segment] = []
    images = 0
    offset = 0
    for i, part in enumerate(content):
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if not isinstance(kind, str) and kind is not None:
            continue  # malformed part (invalid-content reports it)
        if kind in IMAGE_PART_TYPES:
            images += 1
            continue
        if kind not in TEXT_PART_TYPES and kind is not None:
            continue
        key = "text" if isinstance(part.get("text"), str) else "value" if isinstance(part.get("value"), str) else None
        if key is None:
            continue
        if pieces:
            pieces.append("\n")
            offset += 1
        piece = part[key]
        segs.append(Segment(join_pointer_from(pointer, i, key), offset, 0, len(piece)))
        pieces.append(piece)
        offset += len(piece)
    return "".join(pieces), tuple(segs), images


def join_pointer_from(base: str, *tokens: object) -> str:
    return base + join_pointer(*tokens)


def _message_turn(msg: Any, pointer: str, role_map: dict | None = None, branch: str = "") -> Turn:
    # Hot path: runs for every message of every record, so it avoids keyword calls.
    if not isinstance(msg, dict):
        return Turn("", "", pointer, branch=branch)
    raw_role = msg.get("role")
    if raw_role is None:
        raw_role = msg.get("from", "")
    if not isinstance(raw_role, str):
        raw_role = ""
    role = role_map.get(raw_role.lower(), raw_role) if role_map else raw_role
    key = "content" if "content" in msg else "value" if "value" in msg else "text" if "text" in msg else "content"
    content = msg.get(key)
    if type(content) is str:
        # tuple.__new__: the NamedTuple's own constructor is a Python call, once per message.
        segs = (_new_tuple(Segment, (f"{pointer}/{key}", 0, 0, len(content))),)
        if len(msg) == 2 and raw_role:  # just a role and the content (most messages)
            return Turn(role, content, pointer, segs, raw_role, None, None, None, 0, branch)
        text, images = content, 0
    else:
        text, segs, images = content_text(content, f"{pointer}/{key}")
    weight = msg.get("weight")
    if weight is None:
        weight = msg.get("loss_weight")
    tool_calls = msg.get("tool_calls")
    if tool_calls is None and msg.get("function_call") is not None:
        tool_calls = [{"type": "function", "function": msg["function_call"]}]
    name = msg.get("name")
    return Turn(role, text, pointer, segs, raw_role, weight, name if isinstance(name, str) else None,
                tool_calls if isinstance(tool_calls, list) else None, images, branch)


def _messages(value: Any, pointer: str, role_map: dict | None = None, branch: str = "") -> list[Turn]:
    if not isinstance(value, list):
        return []
    return [_message_turn(m, f"{pointer}/{i}", role_map, branch) for i, m in enumerate(value)]


def _openai_chat(value: dict, fmt: str) -> Example:
    turns = []
    if isinstance(value.get("system"), str):  # Anthropic/Bedrock style top-level system prompt
        turns.append(_string_turn("system", value["system"], "/system"))
    turns += _messages(value.get("messages"), "/messages")
    tools_key = "tools" if "tools" in value else "functions" if "functions" in value else ""
    return Example(fmt, turns, tools=value.get(tools_key) if tools_key else None,
                   tools_pointer=f"/{tools_key}" if tools_key else "")


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


def _side(value: Any, pointer: str, branch: str) -> list[Turn]:
    if isinstance(value, str):
        return _transcript(value, pointer, branch) if "\n\nHuman:" in value else [
            _string_turn("assistant", value, pointer, branch=branch)]
    if isinstance(value, dict):
        return [_message_turn(value, pointer, SHAREGPT_ROLES, branch)]
    if isinstance(value, list):
        return _messages(value, pointer, SHAREGPT_ROLES, branch)
    return []


def _preference_pairs(value: dict, fmt: str) -> Example:
    chosen_key = "chosen_messages" if "chosen_messages" in value else "chosen"
    rejected_key = "rejected_messages" if "rejected_messages" in value else "rejected"
    prompt: list[Turn] = []
    if "conversations" in value:
        prompt = _messages(value["conversations"], "/conversations", SHAREGPT_ROLES)
    elif "prompt" in value:
        prompt = _side(value["prompt"], "/prompt", "")
        for t in prompt:
            if t.role == "assistant" and t.pointer == "/prompt":
                t.role = "user"
    chosen = _side(value.get(chosen_key), f"/{chosen_key}", "chosen")
    rejected = _side(value.get(rejected_key), f"/{rejected_key}", "rejected")
    if not prompt and chosen and rejected:
        # Implicit prompt: the shared leading turns of both sides (hh-rlhf, TRL).
        shared = 0
        while (shared < min(len(chosen), len(rejected)) - 1 and chosen[shared].role == rejected[shared].role
               and chosen[shared].text == rejected[shared].text):
            shared += 1
        for t in chosen[:shared]:
            t.branch = ""
        rejected = rejected[shared:]
    return Example(fmt, prompt + chosen, rejected)


def _sharegpt(value: dict, fmt: str) -> Example:
    turns = []
    if isinstance(value.get("system"), str):
        turns.append(_string_turn("system", value["system"], "/system"))
    turns += _messages(value.get("conversations"), "/conversations", SHAREGPT_ROLES)
    tools = value.get("tools")
    return Example(fmt, turns, tools=tools, tools_pointer="/tools" if tools is not None else "")


def _prompt_completion(value: dict, fmt: str) -> Example:
    return Example(fmt, [_string_turn("user", value.get("prompt"), "/prompt"),
                         _string_turn("assistant", value.get("completion"), "/completion")])


def _alpaca(value: dict, fmt: str) -> Example:
    turns: list[Turn] = []
    if isinstance(value.get("system"), str):
        turns.append(_string_turn("system", value["system"], "/system"))
    history = value.get("history")
    if isinstance(history, list):
        for i, pair in enumerate(history):
            if isinstance(pair, list) and len(pair) == 2:
                turns.append(_string_turn("user", pair[0], f"/history/{i}/0"))
                turns.append(_string_turn("assistant", pair[1], f"/history/{i}/1"))
    instruction = value.get("instruction")
    inp = value.get("input")
    user = _string_turn("user", instruction, "/instruction")
    if isinstance(inp, str) and inp:
        # The trainer joins instruction and input; keep both pointers.
        segs = user.segments + (Segment("/input", len(user.text) + 2, 0, len(inp)),)
        user = Turn("user", f"{user.text}\n\n{inp}", "/instruction", segs, raw_role="instruction")
    turns.append(user)
    turns.append(_string_turn("assistant", value.get("output"), "/output"))
    return Example(fmt, turns)


def _text(value: dict, fmt: str) -> Example:
    return Example(fmt, [_string_turn("assistant", value.get("text"), "/text")])


_NORMALIZERS = {
    OPENAI_CHAT: _openai_chat,
    OPENAI_PREFERENCE: _openai_preference,
    PREFERENCE_PAIRS: _preference_pairs,
    SHAREGPT: _sharegpt,
    PROMPT_COMPLETION: _prompt_completion,
    ALPACA: _alpaca,
    TEXT: _text,
}
