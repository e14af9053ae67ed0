"""Preference and KTO records as message lists: TRL's conversational `prompt` /
`chosen` / `rejected` and `prompt` / `completion` / `label`, and Axolotl's DPO form
(`messages` with single `chosen` / `rejected` message objects)."""

from __future__ import annotations

from ..model import KTO, PREFERENCE
from . import Shape
from .openai import message, tools


class TRLPreference(Shape):
    name = "preference-pairs"
    kinds = (PREFERENCE,)
    own_keys = ("prompt", "chosen", "rejected", "tools")

    def problem(self, conv, plan):
        return None if conv.chosen and conv.rejected else "a preference pair needs both answers"

    def write(self, conv, plan):
        out: dict = {"prompt": [message(m, plan, self) for m in conv.messages],
                     "chosen": [message(m, plan, self) for m in conv.chosen],
                     "rejected": [message(m, plan, self) for m in conv.rejected]}
        if conv.tools:
            out["tools"] = tools(conv)
        out.update(conv.extra)
        return out


class AxolotlPreference(TRLPreference):
    """`rl: dpo` with `type: chat_template.default`: the prompt as `messages`, each answer
    one message object."""

    own_keys = ("messages", "chosen", "rejected", "tools")

    def problem(self, conv, plan):
        if len(conv.chosen) != 1 or len(conv.rejected) != 1:
            return "Axolotl's chosen and rejected are one message each"
        return None

    def write(self, conv, plan):
        out: dict = {"messages": [message(m, plan, self) for m in conv.messages],
                     "chosen": message(conv.chosen[0], plan, self),
                     "rejected": message(conv.rejected[0], plan, self)}
        if conv.tools:
            out["tools"] = tools(conv)
        out.update(conv.extra)
        return out


class TRLKTO(Shape):
    """Unpaired preference: the conversation before the answer as `prompt`, the answer as
    `completion`, and the `label` (desirable or not)."""

    name = "kto"
    kinds = (KTO,)
    own_keys = ("prompt", "completion", "label", "tools")

    def problem(self, conv, plan):
        if not conv.messages or conv.messages[-1].role != "assistant":
            return "no answer at the end"
        return None

    def write(self, conv, plan):
        split = len(conv.messages) - 1
        while split > 0 and conv.messages[split - 1].role == "assistant":
            split -= 1
        out: dict = {"prompt": [message(m, plan, self) for m in conv.messages[:split]],
                     "completion": [message(m, plan, self) for m in conv.messages[split:]],
                     "label": bool(conv.label)}
        if conv.tools:
            out["tools"] = tools(conv)
        out.update(conv.extra)
        return out
