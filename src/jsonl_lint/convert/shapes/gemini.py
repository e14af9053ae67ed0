"""Vertex AI Gemini tuning records: `systemInstruction`, `contents` of `user` / `model`
turns with `parts` (`text`, `fileData`, `functionCall`, `functionResponse`), `tools`."""

from __future__ import annotations

import mimetypes

from ..model import SFT, Message
from . import Shape, system_text, untyped_image


class VertexGemini(Shape):
    name = "vertex-gemini"
    kinds = (SFT,)
    results_in_user_messages = True
    own_keys = ("systemInstruction", "contents", "tools")
    system_slots = 1  # the instruction's parts are read as one prompt

    def arguments(self, plan):
        return "object"  # the call's input is a JSON object, whatever the profile allows

    def carries_reasoning(self, plan):
        return False  # thought parts are not documented for tuning data

    def problem(self, conv, plan):
        return untyped_image(conv, _mime)

    def write(self, conv, plan):
        out: dict = {}
        system, messages = system_text(conv.messages)
        if system is not None:
            out["systemInstruction"] = {"role": "system", "parts": [{"text": system}]}
        contents: list[dict] = []
        names = {c.id: c.name for m in messages for c in m.calls}  # a response names its function
        for m in messages:
            role = "model" if m.role == "assistant" else "user"
            parts = self.parts(m, names)
            if contents and role == "user" and contents[-1]["role"] == "user" and \
                    all("functionResponse" in p for p in contents[-1]["parts"]):
                contents[-1]["parts"] += parts  # results, and the user text after them: one turn
            else:
                contents.append({"role": role, "parts": parts})
        out["contents"] = contents
        if conv.tools:
            decls = []
            for t in conv.tools:
                d: dict = {"name": t.name}
                if t.description is not None:
                    d["description"] = t.description
                if t.parameters is not None:
                    d["parameters"] = t.parameters
                decls.append(d)
            out["tools"] = [{"functionDeclarations": decls}]
        out.update(conv.extra)
        return out

    @staticmethod
    def parts(m: Message, names: dict) -> list[dict]:
        if m.role == "tool":
            return [{"functionResponse": {"name": m.name or names.get(m.call_id), "response": {"content": m.text}}}]
        out: list[dict] = []
        for p in m.parts:
            if p.text is not None:
                out.append({"text": p.text})
            else:
                out.append({"fileData": {"mimeType": _mime(p.image, p.mime), "fileUri": p.image}})
        out += [{"functionCall": {"name": c.name, "args": c.arguments}} for c in m.calls]
        return out


def _mime(ref: str, mime: str | None) -> str | None:
    return mime or mimetypes.guess_type(ref.split("?")[0])[0]
