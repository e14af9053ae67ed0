"""What training sees, in tokens: the counting formula.

For one example (any format, through its normalized turns)::

    total = tools + sum(message) + 3                      # 3: reply priming, as OpenAI counts it
    message = 3 + role + content [+ name + 1] + tool_calls + images
    tool_calls = sum over calls of (3 + function name + arguments)
    tools = sum over functions of (F + "name:description" + properties) + 12
            properties = 3 + sum over properties of (3 + "key:type:description" [+ enum])
            enum = -3 + sum over items of (3 + item)       # F = 7 for o200k models, 10 for cl100k
    images = 85 per image with detail "low", else 765 (a 1024x1024 image at high detail:
             85 + 4 tiles x 170): an estimate, said so (jsonl-lint cannot see the pixels offline)

Every text piece is ``len(encoding.encode_ordinary(text))`` with the model's tiktoken
encoding (or the local tokenizer.json). The message overheads follow OpenAI's
"How to count tokens with tiktoken" cookbook (3 per message: <|im_start|>, <|im_sep|>,
<|im_end|>, plus the role; +1 for a name; +3 reply priming); the tool-definition constants
follow the same cookbook's ``num_tokens_for_tools``. Tool-call overheads are an estimate.

Trained tokens are the content and tool-call tokens of assistant turns whose ``weight``
is not 0. Preference examples (DPO) count the prompt plus the longer of the chosen and
rejected outputs as ``total``; both outputs are trained. Training truncates an example
that is too long from the end, so :meth:`ExampleTokens.cut` reports which trained tokens
lie past the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import orjson

from ..formats import Example, PlainShape, ToolCall, Turn
from .encodings import TokenCounter

MESSAGE_OVERHEAD = 3
NAME_OVERHEAD = 1
REPLY_PRIMING = 3


class ChatTemplate(NamedTuple):
    """Tokens a chat template adds around each message and once per example (the texts
    themselves are counted exactly; these constants are the template's markers)."""

    name: str
    head: int  # before the content, besides the role's own tokens
    tail: int  # after the content
    example: int  # once per example (reply priming, begin-of-text)
    role_counted: bool = True  # the role's name is written out (and counted)


TEMPLATES = {t.name: t for t in (
    # <|im_start|>role<|im_sep|> content <|im_end|>, + 3 reply priming (OpenAI's cookbook)
    ChatTemplate("openai", MESSAGE_OVERHEAD - 1, 1, REPLY_PRIMING),
    # <|start_header_id|>role<|end_header_id|>\n\n content <|eot_id|>, + <|begin_of_text|>
    ChatTemplate("llama3", 3, 1, 1),
    # [INST] user [/INST] assistant</s>: about one marker on each side, roles not written, + <s>
    ChatTemplate("mistral", 1, 1, 1, False),
    # <|im_start|>role\n content <|im_end|>\n
    ChatTemplate("chatml", 2, 2, 0),
    # <start_of_turn>role\n content <end_of_turn>\n, + <bos>
    ChatTemplate("gemma", 2, 2, 1),
)}
TOOL_CALL_OVERHEAD = 3
IMAGE_LOW = 85
IMAGE_DEFAULT = 85 + 4 * 170
# num_tokens_for_tools constants (OpenAI cookbook): function start by encoding family.
FUNC_INIT = {"o200k_base": 7, "cl100k_base": 10}
PROP_INIT, PROP_KEY, ENUM_INIT, ENUM_ITEM, FUNC_END = 3, 3, -3, 3, 12
# Roles whose texts recur across records (one system prompt for the whole dataset): their
# counts are remembered; user and assistant texts are counted without the memo.
REPEATED_ROLES = frozenset({"system", "developer"})
_new_tuple = tuple.__new__


class TurnTokens(NamedTuple):
    """One turn's place in the token sequence (a tuple: built for every turn, so cheap)."""

    index: int  # position in Example.all_turns
    role: str
    pointer: str
    branch: str
    start: int  # token position of the message's first (overhead) token in its sequence
    text_start: int  # token position of its first content token
    end: int  # token position after its last token
    content: int
    tool_calls: int
    images: int
    trained: bool

    @property
    def tokens(self) -> int:
        return self.end - self.start

    @property
    def learned(self) -> int:
        """Tokens training learns from in this turn (content and tool calls of trained turns)."""
        return self.content + self.tool_calls if self.trained else 0


@dataclass(frozen=True, slots=True)
class Cut:
    tokens: int  # trained tokens past the limit
    trained_total: int
    turn: TurnTokens | None  # the first trained turn that loses tokens (or the first turn cut)
    tokens_into_turn: int  # how many of that turn's content tokens survive


@dataclass(slots=True)
class ExampleTokens:
    total: int  # tokens of the longest sequence training sees
    trained: int  # trained assistant tokens
    tools: int  # tool/function definitions
    images: int  # estimated image tokens included in total
    turns: tuple[TurnTokens, ...]
    approximate: bool = False  # counted by the character estimate (no encoding available)
    encoding: str = ""

    @property
    def estimated(self) -> bool:
        return self.approximate or self.images > 0

    def cut(self, limit: int) -> Cut:
        """Trained tokens training would drop when truncating this example at ``limit``."""
        lost = 0
        first: TurnTokens | None = None
        keep = 0
        for t in self.turns:
            if t.end <= limit:
                continue
            if t.trained:
                span_end = t.text_start + t.content + t.tool_calls
                gone = span_end - max(t.text_start, limit)
                if gone > 0:
                    lost += gone
                    if first is None or not first.trained:
                        first, keep = t, max(0, limit - t.text_start)
            elif first is None:
                first, keep = t, max(0, limit - t.text_start)
        return Cut(lost, self.trained, first, keep)

    def as_dict(self) -> dict:
        return {"total": self.total, "trained": self.trained, "tools": self.tools, "images": self.images,
                "approximate": self.approximate}


class ExampleCounter:
    """Applies the formula with one :class:`TokenCounter`."""

    def __init__(self, counter: TokenCounter, template: ChatTemplate = TEMPLATES["openai"]):
        self.counter = counter
        self.template = template
        self.count = counter.count
        self.count_once = counter.count_once
        self._tail = template.tail
        self._roles: dict[str, int] = {}
        self.func_init = FUNC_INIT.get(counter.name, FUNC_INIT["o200k_base"])

    # -- pieces ---------------------------------------------------------------------
    def tool_calls(self, calls: "tuple[ToolCall, ...] | None", count: "Callable[[str], int] | None" = None) -> int:
        """``count``: how a text is counted (the counter's own, or a bound)."""
        if not calls:
            return 0
        count = count or self.count
        n = 0
        for call in calls:
            if call.kind == "text":  # written as text (ShareGPT function_call, LLaMA-Factory): trained as written
                n += count(call.text) if call.text else 0
            else:
                n += TOOL_CALL_OVERHEAD + count(_text(call.name)) + count(_text(call.arguments))
        return n

    def tools(self, tools: Any, count: "Callable[[str], int] | None" = None) -> int:
        """``count``: how a text is counted (the counter's own, or a bound)."""
        count = count or self.count
        if tools is None:
            return 0
        if isinstance(tools, str):
            try:
                tools = orjson.loads(tools)
            except orjson.JSONDecodeError:
                return count(tools)
        if isinstance(tools, dict):
            tools = [tools]
        if not isinstance(tools, list) or not tools:
            return 0
        n = 0
        for tool in tools:
            if not isinstance(tool, dict):
                n += count(_text(tool))
                continue
            fn = tool.get("function") if isinstance(tool.get("function"), dict) else tool
            n += self.func_init + count(f"{_text(fn.get('name'))}:{_strip_period(_text(fn.get('description')))}")
            params = fn.get("parameters")
            props = params.get("properties") if isinstance(params, dict) else None
            if isinstance(props, dict) and props:
                n += PROP_INIT
                for key, prop in props.items():
                    n += PROP_KEY
                    prop = prop if isinstance(prop, dict) else {}
                    ptype = prop.get("type")
                    ptype = ptype if isinstance(ptype, str) else _text(ptype)
                    enum = prop.get("enum")
                    if isinstance(enum, list):
                        n += ENUM_INIT + sum(ENUM_ITEM + count(_text(item)) for item in enum)
                    n += count(f"{key}:{ptype}:{_strip_period(_text(prop.get('description')))}")
                    for nested in ("properties", "items"):  # nested schemas: their JSON (estimate)
                        if nested in prop:
                            n += count(_text(prop[nested]))
        return n + FUNC_END

    def images(self, turn: Turn, value: Any) -> int:
        if not turn.images:
            return 0
        parts = _resolve(value, turn.segments[0].pointer.rsplit("/", 2)[0] if turn.segments else turn.pointer + "/content")
        if not isinstance(parts, list):
            return turn.images * IMAGE_DEFAULT
        n = 0
        for part in parts:
            if isinstance(part, dict) and part.get("type") in ("image_url", "image", "input_image"):
                detail = part.get("detail")
                if isinstance(part.get("image_url"), dict):
                    detail = part["image_url"].get("detail", detail)
                n += IMAGE_LOW if detail == "low" else IMAGE_DEFAULT
        return n or turn.images * IMAGE_DEFAULT

    # -- whole examples -------------------------------------------------------------
    def example(self, example: Example, value: Any = None) -> ExampleTokens:
        tools = self.tools(example.tools) if example.tools is not None else 0
        turns: list[TurnTokens] = []
        pos = prompt_end = tools
        images_total = trained = 0
        turn = self._turn
        for t in example.turns:
            tt = turn(len(turns), t.role, t.full_text, t.pointer, t.branch, pos, t.name, t.tool_calls,
                      self.images(t, value) if t.images else 0, t.weight)
            turns.append(tt)
            pos = tt.end
            if not t.branch:
                prompt_end = pos
            images_total += tt.images
            if tt.trained:
                trained += tt.content + tt.tool_calls
        longest = pos
        if example.rejected:
            pos = prompt_end
            for t in example.rejected:
                tt = turn(len(turns), t.role, t.full_text, t.pointer, t.branch, pos, t.name, t.tool_calls,
                          self.images(t, value) if t.images else 0, t.weight)
                turns.append(tt)
                pos = tt.end
                images_total += tt.images
                if tt.trained:
                    trained += tt.content + tt.tool_calls
            longest = max(longest, pos)
        return ExampleTokens(longest + self.template.example, trained, tools, images_total, tuple(turns),
                             not self.counter.exact, self.counter.name)

    def messages(self, shape: PlainShape, messages: list[dict], system: str | None = None) -> ExampleTokens:
        """Counts of a plain record (:func:`~jsonl_lint.formats.plain_messages`), equal to
        :meth:`example` of its normalized view, which is not built."""
        turn, text_key, base = self._turn, shape.text_key, f"/{shape.list_key}/"
        turns: list[TurnTokens] = [turn(0, "system", system, "/system", "", 0)] if system is not None else []
        pos = turns[0].end if turns else 0
        first, trained = len(turns), 0
        for i, m in enumerate(messages):
            tt = turn(first + i, shape.role(m), m[text_key], f"{base}{i}", "", pos, m.get("name"), None, 0,
                      m.get("weight"))
            turns.append(tt)
            pos = tt.end
            if tt.trained:
                trained += tt.content
        return ExampleTokens(pos + self.template.example, trained, 0, 0, tuple(turns), not self.counter.exact,
                             self.counter.name)

    def _turn(self, index: int, role: str, text: str, pointer: str, branch: str, start: int,
              name: str | None = None, tool_calls: "tuple[ToolCall, ...] | None" = None, images: int = 0,
              weight: Any = None) -> TurnTokens:
        head = self._roles.get(role)
        if head is None:
            template = self.template
            head = self._roles[role] = template.head + (self.count(role) if template.role_counted else 0)
        if name:
            head += self.count(name) + NAME_OVERHEAD
        content = (self.count if role in REPEATED_ROLES else self.count_once)(text) if text else 0
        calls = self.tool_calls(tool_calls) if tool_calls else 0
        text_start = start + head
        # tuple.__new__ skips the NamedTuple's Python-level constructor (one per turn).
        return _new_tuple(TurnTokens, (index, role, pointer, branch, start, text_start,
                                       text_start + content + calls + images + self._tail,
                                       content, calls, images, role == "assistant" and weight != 0))


# -- without tokenizing ---------------------------------------------------------------
# Every token of a byte-level BPE (tiktoken's encodings, Llama 3/4, Tekken) covers at least
# one byte of UTF-8, and the character estimate is a quarter of the characters: a text never
# has more tokens than bytes (``TokenCounter.bytes_bound``). Bounds built on that, with the
# chat template's own markers, let the limit rules skip records far below a limit.


def _nbytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _message_bound(template: ChatTemplate, role: str) -> int:
    return template.head + template.tail + (_nbytes(role) if template.role_counted else 0)


def bound_messages(shape: PlainShape, messages: list[dict], system: str | None = None,
                   template: ChatTemplate = TEMPLATES["openai"]) -> int:
    """At least the total :meth:`ExampleCounter.messages` counts, from byte lengths alone
    (the helpers written out: each limit rule asks for every record's bound)."""
    n = template.example + (_message_bound(template, "system") + _nbytes(system) if system is not None else 0)
    text_key, role_key, role_map = shape.text_key, shape.role_key, shape.role_map
    markers = template.head + template.tail
    counted = template.role_counted
    for m in messages:
        text = m[text_key]
        n += markers + (len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass")))
        if counted:
            role = m[role_key]  # PlainShape.role
            if role_map:
                role = role_map.get(role.lower(), role)
            n += len(role) if role.isascii() else len(role.encode("utf-8", "surrogatepass"))
        name = m.get("name")
        if name:
            n += _nbytes(name) + NAME_OVERHEAD
    return n


def bound_example(example: Example, value: Any, counter: "ExampleCounter") -> int:
    """At least the total :meth:`ExampleCounter.example` counts: the same formula with
    every text's bytes for its tokens (images are a fixed estimate, counted as they are)."""
    template = counter.template
    n = template.example + (counter.tools(example.tools, _nbytes) if example.tools is not None else 0)
    for t in example.all_turns:
        n += _message_bound(template, t.role) + (_nbytes(t.full_text) if t.full_text else 0)
        if t.name:
            n += _nbytes(t.name) + NAME_OVERHEAD
        if t.tool_calls:
            n += counter.tool_calls(t.tool_calls, _nbytes)
        if t.images:
            n += counter.images(t, value)
    return n


def trains_something(example: Example) -> bool:
    """Whether :meth:`ExampleCounter.example` finds trained tokens, without tokenizing: an
    assistant turn not weighted 0 with text or a tool call (a non-empty text is at least
    one token for tiktoken and for the character estimate)."""
    for t in example.all_turns:
        if t.role == "assistant" and t.weight != 0:
            if t.full_text or any(c.kind != "text" or c.text for c in t.tool_calls or ()):
                return True
    return False


def plain_trains_something(shape: PlainShape, messages: list[dict]) -> bool:
    """:func:`trains_something` of a plain record (see :meth:`ExampleCounter.messages`)."""
    text_key = shape.text_key
    for m in messages:  # a loop, not any() over a generator
        if m[text_key] and m.get("weight") != 0 and shape.role(m) == "assistant":
            return True
    return False


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return str(value)


def _strip_period(s: str) -> str:
    return s[:-1] if s.endswith(".") else s


def _resolve(value: Any, pointer: str) -> Any:
    if not pointer:
        return value
    for token in pointer.lstrip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, list):
            try:
                value = value[int(token)]
            except (ValueError, IndexError):
                return None
        elif isinstance(value, dict):
            value = value.get(token)
        else:
            return None
    return value
