"""Alpaca records (`instruction`, `input`, `output`, with LLaMA-Factory's `system` and
`history`): one answer to one instruction, earlier turns as history pairs."""

from __future__ import annotations

from ..model import SFT
from . import Shape, system_text


class Alpaca(Shape):
    name = "alpaca"
    kinds = (SFT,)
    own_keys = ("instruction", "input", "output", "system", "history")
    system_slots = 1

    def carries_reasoning(self, plan):
        return False

    def message_keys(self, plan):
        return set()  # fields of texts: no names, no message keys

    def problem(self, conv, plan):
        system, messages = system_text(conv.messages)
        roles = [m.role for m in messages]
        if not roles or len(roles) % 2 or roles != ["user", "assistant"] * (len(roles) // 2):
            return "not user and assistant turns taking turns (Alpaca holds instruction/answer pairs)"
        if any(m.images or m.calls for m in messages):
            return "images or tool calls (Alpaca holds text only)"
        return None

    def write(self, conv, plan):
        system, messages = system_text(conv.messages)
        user, answer = messages[-2], messages[-1]
        instruction, query = user.text, ""
        if len(user.fields) == 2 and "\n\n".join(user.fields) == user.text:
            instruction, query = user.fields  # the input's own split, as the trainer joins it
        out: dict = {"instruction": instruction, "input": query, "output": answer.text}
        if system is not None:
            out["system"] = system
        if len(messages) > 2:
            out["history"] = [[messages[i].text, messages[i + 1].text] for i in range(0, len(messages) - 2, 2)]
        out.update(conv.extra)
        return out
