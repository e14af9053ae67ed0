"""OpenAI's shapes, which most providers and trainers share: chat `messages`, DPO
`input` / `preferred_output` / `non_preferred_output`, `prompt` / `completion` and `text`.
What varies by target comes from its profile: the argument form, the image form
(Mistral's bare string), the message keys and the preference rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import KTO, PREFERENCE, SFT, TEXT, Conversation, Message
from . import Shape, arguments_value

if TYPE_CHECKING:
    from ..plan import Plan


def message(m: Message, plan: "Plan", shape: Shape) -> dict:
    """One message in OpenAI's spelling."""
    out: dict = {"role": m.role}
    if m.images:
        string_form = plan.profile.images.form == "string"
        out["content"] = [{"type": "text", "text": p.text} if p.text is not None else
                          {"type": "image_url", "image_url": p.image if string_form else {"url": p.image}}
                          for p in m.parts]
    elif m.parts or not m.calls:
        out["content"] = m.text
    if m.name is not None:
        out["name"] = m.name
    if m.calls:
        form = shape.arguments(plan)
        out["tool_calls"] = [{"id": c.id, "type": "function",
                              "function": {"name": c.name, "arguments": arguments_value(c, form)}} for c in m.calls]
    if m.role == "tool" and m.call_id is not None:
        out["tool_call_id"] = m.call_id
    if m.reasoning:
        out["reasoning_content"] = m.reasoning
    if m.weight is not None:
        out["weight"] = m.weight
    out.update(m.extra)
    return out


def tools(conv: Conversation) -> list[dict]:
    out = []
    for t in conv.tools or ():
        fn: dict = {"name": t.name}
        if t.description is not None:
            fn["description"] = t.description
        if t.parameters is not None:
            fn["parameters"] = t.parameters
        out.append({"type": "function", "function": fn})
    return out


class OpenAIChat(Shape):
    name = "openai-chat"
    kinds = (SFT,)
    own_keys = ("messages", "tools")

    def problem(self, conv, plan):
        return None if conv.messages else "no messages"

    def write(self, conv, plan):
        out: dict = {"messages": [message(m, plan, self) for m in conv.messages]}
        if conv.tools:
            out["tools"] = tools(conv)
        out.update(conv.extra)
        return out


class OpenAIPreference(Shape):
    name = "openai-preference"
    kinds = (PREFERENCE,)
    own_keys = ("input", "preferred_output", "non_preferred_output")

    def problem(self, conv, plan):
        shape = self.accepted(plan)
        if shape is not None and shape.single_output and (len(conv.chosen) != 1 or len(conv.rejected) != 1):
            return f"{plan.name} takes one assistant message per preference output"
        body = [m for m in conv.messages if m.role not in ("system", "developer")]
        if shape is not None and shape.single_turn and len(body) != 1:
            return f"{plan.name} takes one-turn preference examples (one user message)"
        if shape is not None and shape.prompt_ends_user and body and body[-1].role == "assistant":
            return f"{plan.name} takes no preference prompt that ends with an assistant message"
        return None

    def write(self, conv, plan):
        inp: dict = {"messages": [message(m, plan, self) for m in conv.messages]}
        if conv.tools:
            inp["tools"] = tools(conv)
        out = {"input": inp, "preferred_output": [message(m, plan, self) for m in conv.chosen],
               "non_preferred_output": [message(m, plan, self) for m in conv.rejected]}
        out.update(conv.extra)
        return out


class PromptCompletion(Shape):
    """`prompt` / `completion` strings: one user message and its answer (a system prompt
    joins the prompt: the plan reports it). TRL also takes them as message lists."""

    name = "prompt-completion"
    kinds = (SFT,)
    own_keys = ("prompt", "completion")
    system_slots = 0

    def __init__(self, conversational: bool = False):
        self.conversational = conversational
        if conversational:
            self.system_slots = None

    def problem(self, conv, plan):
        if self.conversational:
            if not conv.messages or conv.messages[-1].role != "assistant":
                return "no answer at the end"
            return None
        roles = [m.role for m in conv.messages]
        if roles != ["user", "assistant"]:
            return "more than one user message and its answer (prompt/completion strings hold one turn)"
        if any(m.images or m.calls or m.role == "tool" for m in conv.messages):
            return "images or tool calls (prompt/completion strings hold text only)"
        return None

    def write(self, conv, plan):
        if self.conversational:
            split = len(conv.messages) - 1
            while split > 0 and conv.messages[split - 1].role == "assistant":
                split -= 1
            out = {"prompt": [message(m, plan, self) for m in conv.messages[:split]],
                   "completion": [message(m, plan, self) for m in conv.messages[split:]]}
        else:
            out = {"prompt": conv.messages[0].text, "completion": conv.messages[1].text}
        out.update(conv.extra)
        return out


class Text(Shape):
    name = "text"
    kinds = (TEXT,)
    own_keys = ("text",)

    def write(self, conv, plan):
        return {"text": conv.messages[0].text if conv.messages else "", **conv.extra}


KINDS = {SFT: "SFT", PREFERENCE: "preference", KTO: "KTO", TEXT: "plain text"}
