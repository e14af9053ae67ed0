"""When two records hold the same example, whatever their shapes: the round-trip test of
`convert` (a record converted to a target and back must equal the original, unless a
finding said what was lost) and the corpus tables compare records this way.

Two records are the same example when their conversations (:mod:`.read`: the normalized
view and what it does not keep) agree on the roles and order of their messages, every
text, image, reasoning and participant name, which messages are trained (a weight of 1
on an answer is its default), each tool call's name and arguments (a JSON string and the
object it spells are equal), which call each result answers (ids are compared up to a
consistent renaming: they are labels), the tool definitions, the preference answers or
KTO label, and metadata keys.
"""

from __future__ import annotations

from typing import Any

import orjson

from .model import Conversation, Message


def canonical(conv: Conversation) -> dict:
    ids: dict[str, str] = {}

    def label(call_id: str | None) -> str | None:
        if call_id is None:
            return None
        return ids.setdefault(call_id, f"#{len(ids) + 1}")

    def message(m: Message) -> tuple:
        role = "system" if m.role == "developer" else m.role
        parts = tuple(("text", p.text) if p.text is not None else ("image", p.image) for p in _joined(m))
        calls = tuple((label(c.id), c.name, _args(c.arguments)) for c in m.calls)
        return (role, parts, m.trained, calls, label(m.call_id) if m.role == "tool" else None, m.reasoning,
                m.name if m.role != "tool" else None, tuple(sorted(m.extra.items(), key=lambda kv: kv[0])))

    def branch(messages: list[Message]) -> list[tuple]:
        return [message(m) for m in messages]

    return {"kind": conv.kind, "label": conv.label, "messages": branch(conv.messages),
            "chosen": branch(conv.chosen), "rejected": branch(conv.rejected),
            "tools": [(t.name, t.description, t.parameters) for t in conv.tools or ()],
            "extra": {k: v for k, v in conv.extra.items()}}


def _joined(m: Message):
    """Parts with adjacent texts joined as the view joins them (a list of two text parts
    and one text of both read the same)."""
    out = []
    for p in m.parts:
        if p.text is not None and out and out[-1].text is not None:
            out[-1] = type(p)(text=out[-1].text + "\n" + p.text)
        else:
            out.append(p)
    if len(out) == 1 and out[0].text == "" and m.calls:
        return []  # an empty text beside calls is no text
    return out


def _args(arguments: Any) -> Any:
    if isinstance(arguments, str):
        try:
            return _freeze(orjson.loads(arguments))
        except orjson.JSONDecodeError:
            return arguments
    return _freeze(arguments)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def differences(a: Conversation, b: Conversation) -> list[str]:
    """What differs between two conversations (empty: the same example)."""
    ca, cb = canonical(a), canonical(b)
    out = []
    for key in ca:
        if ca[key] != cb[key]:
            out.append(f"{key}: {ca[key]!r} != {cb[key]!r}")
    return out
