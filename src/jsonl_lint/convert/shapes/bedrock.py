"""Amazon Bedrock's `bedrock-conversation-2024` (Nova, Llama 3.2): content blocks,
`toolUse` / `toolResult`, `toolConfig`, and the DPO form whose last assistant message
holds two `candidates`. Llama 3.1 models take `prompt` / `completion` instead."""

from __future__ import annotations

import mimetypes

from ..model import PREFERENCE, SFT, Conversation, Message
from . import TARGETS, Shape, system_text, untyped_image

SCHEMA_VERSION = "bedrock-conversation-2024"
IMAGE_FORMATS = {"image/jpeg": "jpeg", "image/jpg": "jpeg", "image/png": "png", "image/gif": "gif",
                 "image/webp": "webp"}


def image_format(ref: str, mime: str | None) -> str | None:
    mime = mime or (mimetypes.guess_type(ref.split("?")[0])[0] if "://" in ref else None)
    return IMAGE_FORMATS.get((mime or "").lower())


class BedrockConversation(Shape):
    name = "bedrock-conversation"
    kinds = (SFT,)
    results_in_user_messages = True
    own_keys = ("schemaVersion", "system", "messages", "toolConfig")
    system_slots = 1  # several system elements are read as one prompt

    def arguments(self, plan):
        return "object"  # the call's input is a JSON object, whatever the profile allows

    def carries_reasoning(self, plan):
        return bool(TARGETS.get(plan.name, {}).get("reasoning"))

    def problem(self, conv, plan):
        return untyped_image(conv, image_format)

    def write(self, conv, plan):
        out: dict = {"schemaVersion": SCHEMA_VERSION}
        system, messages = system_text(conv.messages)
        if system is not None:
            out["system"] = [{"text": system}]
        out["messages"] = self.messages(messages)
        if conv.tools:
            out["toolConfig"] = {"tools": [{"toolSpec": {
                **{"name": t.name}, **({"description": t.description} if t.description is not None else {}),
                "inputSchema": {"json": t.parameters if t.parameters is not None else {"type": "object"}}}}
                for t in conv.tools]}
        out.update(conv.extra)
        return out

    def messages(self, messages: list[Message]) -> list[dict]:
        """Messages as Bedrock writes them: tool results, and the user text right after
        them, are one user message."""
        out: list[dict] = []
        for m in messages:
            role = "assistant" if m.role == "assistant" else "user"
            blocks = self.blocks(m)
            if out and role == "user" and out[-1]["role"] == "user" and m.role in ("tool", "user") and \
                    _results_only(out[-1]):
                out[-1]["content"] += blocks
            else:
                out.append({"role": role, "content": blocks})
        return out

    @staticmethod
    def blocks(m: Message) -> list[dict]:
        if m.role == "tool":
            return [{"toolResult": {"toolUseId": m.call_id, "content": [{"text": m.text}]}}]
        out: list[dict] = []
        if m.reasoning:
            out.append({"reasoningContent": {"reasoningText": {"text": m.reasoning}}})
        for p in m.parts:
            if p.text is not None:
                out.append({"text": p.text})
            else:
                out.append({"image": {"format": image_format(p.image, p.mime),
                                      "source": {"s3Location": {"uri": p.image}}}})
        out += [{"toolUse": {"toolUseId": c.id, "name": c.name, "input": c.arguments}} for c in m.calls]
        return out


class BedrockPreference(BedrockConversation):
    name = "bedrock-preference"
    kinds = (PREFERENCE,)

    def problem(self, conv, plan):
        if len(conv.chosen) != 1 or len(conv.rejected) != 1:
            return "Bedrock candidates are one assistant message each"
        if any(m.images or m.calls for m in conv.chosen + conv.rejected):
            return "Bedrock candidates hold text only (no media, no tool calls)"
        return super().problem(conv, plan)

    def write(self, conv, plan):
        out = super().write(Conversation(SFT, conv.format, conv.messages, tools=conv.tools, extra=conv.extra), plan)
        out["messages"].append({"role": "assistant", "candidates": [
            {"content": self.blocks(conv.chosen[0]), "preferenceLabel": "preferred"},
            {"content": self.blocks(conv.rejected[0]), "preferenceLabel": "non-preferred"}]})
        return out


def _results_only(message: dict) -> bool:
    return all("toolResult" in b for b in message["content"])
