"""What a conversion carries from one shape to another: a conversation as the writers
need it (the normalized view plus what the view does not keep: images in their place
among the text, tool results' payloads, tool definitions, metadata keys).

Built by :mod:`jsonl_lint.convert.read` from a record's normalized view; changed by
:mod:`jsonl_lint.convert.plan` into what the target can take (every change that loses
something is a loss finding); written by one module of :mod:`jsonl_lint.convert.shapes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SFT = "sft"
PREFERENCE = "preference"
KTO = "kto"
TEXT = "text"  # pretraining-style text, no roles


@dataclass(slots=True)
class Part:
    """One piece of a message's content, in order: text, or an image."""

    text: str | None = None
    image: str | None = None  # an http(s) URL, a data URL, an s3:// or gs:// URI, or a local path
    mime: str | None = None  # the image's media type, when the input names it


@dataclass(slots=True)
class Call:
    """A tool call. ``arguments`` is as written: a JSON string (OpenAI) or a parsed value
    (Bedrock, Gemini, ShareGPT and LLaMA-Factory text calls)."""

    id: str | None
    name: str
    arguments: Any


@dataclass(slots=True)
class Message:
    role: str  # system, developer, user, assistant, tool
    parts: list[Part]
    pointer: str  # where the message is in the input record (findings point there)
    weight: Any = None
    calls: list[Call] = field(default_factory=list)
    call_id: str | None = None  # a tool result: the call it answers
    name: str | None = None  # a tool result: the tool; other roles: a participant name
    reasoning: str = ""
    extra: dict = field(default_factory=dict)  # message keys no writer reads (`refusal`, ...)
    fields: tuple = ()  # the texts the view joined into this one (an Alpaca instruction and its input)

    @property
    def text(self) -> str:
        """The message's text parts joined as the normalized view joins them."""
        texts = [p.text for p in self.parts if p.text is not None]
        return texts[0] if len(texts) == 1 else "\n".join(texts)

    @property
    def images(self) -> list[Part]:
        return [p for p in self.parts if p.image is not None]

    @property
    def trained(self) -> bool:
        """Whether training learns this message where weights are honoured: an assistant
        message unless its weight is 0, another role only when weighted above 0."""
        if self.role == "assistant":
            return self.weight != 0
        return self.weight is not None and self.weight != 0


@dataclass(slots=True)
class Tool:
    """A tool definition, whatever the input spelled it as (OpenAI `tools` or `functions`,
    Bedrock `toolSpec`, Gemini `functionDeclarations`, a JSON string of them)."""

    name: str
    description: str | None
    parameters: Any  # a JSON schema, or None


@dataclass(slots=True)
class Conversation:
    """One example: ``messages`` is the prompt and, for SFT data, the answers; preference
    data keeps its two answers in ``chosen`` and ``rejected``; a KTO example has a
    ``label`` and its answer at the end of ``messages``."""

    kind: str  # SFT, PREFERENCE, KTO or TEXT
    format: str  # the input format
    messages: list[Message]
    chosen: list[Message] = field(default_factory=list)
    rejected: list[Message] = field(default_factory=list)
    label: bool | None = None
    tools: list[Tool] | None = None
    tools_pointer: str = ""
    extra: dict = field(default_factory=dict)  # top-level keys the input format does not define
    strings: bool = False  # prompt and completion were plain strings (no chat roles)

    def all_messages(self) -> list[Message]:
        return self.messages + self.chosen + self.rejected

    def has_tools(self) -> bool:
        return bool(self.tools) or any(m.calls or m.role == "tool" for m in self.all_messages())
