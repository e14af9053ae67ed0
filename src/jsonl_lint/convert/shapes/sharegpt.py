"""ShareGPT records (`conversations` of `from` / `value` turns) as LLaMA-Factory, Axolotl
and Unsloth read them: `function_call` and `observation` turns, `tools` as a JSON
string, images in an `images` column with one `<image>` token each; LLaMA-Factory's
ranking form (`chosen` / `rejected` message objects) and its KTO form (a `label`)."""

from __future__ import annotations

import json

from ..model import KTO, PREFERENCE, SFT, Conversation, Message
from ..read import IMAGE_TOKEN
from . import Shape, arguments_value

FROM = {"user": "human", "assistant": "gpt", "system": "system", "developer": "system", "tool": "observation"}


def turns(messages: list[Message], images: list[str]) -> list[dict]:
    """Messages as ShareGPT turns; image references go to ``images``, a token in the text."""
    out: list[dict] = []
    for m in messages:
        if m.role == "assistant" and m.calls:
            calls = [{"name": c.name, "arguments": arguments_value(c, "object")} for c in m.calls]
            out.append({"from": "function_call", "value": json.dumps(calls[0] if len(calls) == 1 else calls,
                                                                      ensure_ascii=False)})
            continue
        text = "".join(p.text if p.text is not None else _image(p.image, images) for p in m.parts) \
            if m.images else m.text
        turn = {"from": FROM[m.role], "value": text}
        if m.weight is not None:  # Axolotl's message_field_training reads it on any turn
            turn["weight"] = m.weight
        out.append(turn)
    return out


def _image(ref: str, images: list[str]) -> str:
    images.append(ref)
    return IMAGE_TOKEN


def tools_json(conv: Conversation) -> str:
    return json.dumps([{k: v for k, v in (("name", t.name), ("description", t.description),
                                          ("parameters", t.parameters)) if v is not None} for t in conv.tools or ()],
                      ensure_ascii=False)


class ShareGPT(Shape):
    name = "sharegpt"
    kinds = (SFT,)
    own_keys = ("conversations", "tools", "images")
    system_slots = 1  # a first `system` turn (LLaMA-Factory's system_tag, Axolotl's role mapping)

    def carries_reasoning(self, plan):
        return False

    def message_keys(self, plan):
        return {"from", "value", "weight"}  # no participant names, no other message keys

    def problem(self, conv, plan):
        return _problem(conv.all_messages())

    def write(self, conv, plan):
        out: dict = {}
        images: list[str] = []
        out["conversations"] = turns(conv.messages, images)
        _common(out, conv, images)
        return out


class LlamaFactoryRanking(ShareGPT):
    """LLaMA-Factory's preference data: the prompt turns, then `chosen` and `rejected`
    each one message object (`ranking: true` in dataset_info.json)."""

    name = "preference-pairs"
    kinds = (PREFERENCE,)
    own_keys = ("conversations", "chosen", "rejected", "tools", "images")

    def problem(self, conv, plan):
        if len(conv.chosen) != 1 or len(conv.rejected) != 1:
            return "LLaMA-Factory's chosen and rejected are one message each"
        return _problem(conv.all_messages())

    def write(self, conv, plan):
        out: dict = {}
        images: list[str] = []
        out["conversations"] = turns(conv.messages, images)
        out["chosen"] = turns(conv.chosen, images)[0]
        out["rejected"] = turns(conv.rejected, images)[0]
        _common(out, conv, images)
        return out


class LlamaFactoryKTO(ShareGPT):
    name = "kto"
    kinds = (KTO,)
    own_keys = ("conversations", "label", "tools", "images")

    def write(self, conv, plan):
        out = super().write(conv, plan)
        out["label"] = bool(conv.label)
        return out


def _problem(messages: list[Message]) -> str | None:
    for m in messages:
        if m.role == "assistant" and m.calls and m.text.strip():
            return "an assistant message with text and tool calls (a function_call turn holds the calls only)"
        if m.images and m.role != "user":
            return "images outside user messages"
    return None


def _common(out: dict, conv: Conversation, images: list[str]) -> None:
    if conv.tools:
        out["tools"] = tools_json(conv)
    if images:
        out["images"] = images
    out.update(conv.extra)
