"""Record shapes the converter writes: one small module per family of shapes.

A :class:`Shape` writes one jsonl-lint format (the name a target profile lists under
``shapes.accepted``), says why a conversation does not fit it (:meth:`Shape.problem`),
and answers the questions :mod:`jsonl_lint.convert.plan` asks about what it can carry.
Most answers come from the target's profile; the few facts a profile does not state are
written here, next to the shape they concern (see ``TARGETS``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..model import Call, Conversation, Message

if TYPE_CHECKING:
    from ..plan import Plan


class Shape:
    name: str  # the jsonl-lint format name written (a key of a profile's shapes.accepted)
    kinds: tuple[str, ...]  # conversation kinds written
    results_in_user_messages = False  # tool results travel in user messages (Bedrock, Gemini)
    own_keys: tuple[str, ...] = ()  # top-level keys the shape itself writes
    system_slots: int | None = None  # system prompts it keeps apart from the messages (None: as messages)

    def problem(self, conv: Conversation, plan: "Plan") -> str | None:
        """Why ``conv`` (already fitted to the target) cannot be written in this shape."""
        return None

    def write(self, conv: Conversation, plan: "Plan") -> dict:
        raise NotImplementedError

    # what the shape carries (the plan asks) -----------------------------------------------
    def accepted(self, plan: "Plan"):
        return plan.profile.shapes.accepted.get(self.name)

    def arguments(self, plan: "Plan") -> str:
        """How tool-call arguments are written: "string", "object" or "any" (as read)."""
        return TARGETS.get(plan.name, {}).get("arguments") or plan.profile.tools.arguments

    def honours_weight(self, plan: "Plan") -> bool:
        return plan.profile.weight.honoured or bool(TARGETS.get(plan.name, {}).get("weight"))

    def message_keys(self, plan: "Plan") -> set[str] | None:
        shape = self.accepted(plan)
        return set(shape.message_keys) if shape is not None and shape.message_keys is not None else None

    def carries_reasoning(self, plan: "Plan") -> bool:
        keys = self.message_keys(plan)
        return keys is None or bool(keys & {"reasoning", "reasoning_content"})

    def extra_keys(self, plan: "Plan") -> set[str] | None:
        """Top-level keys beside the shape's own that the target takes (None: any)."""
        shape = self.accepted(plan)
        if shape is None or shape.keys is None:
            return None
        return set(shape.keys) - set(self.own_keys)


# What a profile does not say, per target: the shapes it prefers (LLaMA-Factory reads
# OpenAI records with a side effect, so ShareGPT is written), argument form where the
# profile says "any", weights honoured through configuration (Axolotl's
# message_field_training), the writer of a format that has several spellings.
TARGETS: dict[str, dict[str, Any]] = {
    # TRL's docs give arguments as a dict; its prompt/completion may be message lists.
    "trl": {"arguments": "object", "lists": True},
    "unsloth": {"arguments": "object", "lists": True},
    # Axolotl honours weights with message_field_training (set in the config it gets) and
    # reads DPO answers as single message objects; its alpaca type has no system prompt or
    # history, so Alpaca records are written as chats (one file holds one shape).
    "axolotl": {"arguments": "string", "weight": "message_field_training", "preference-pairs": "axolotl",
                "avoid": ("alpaca",), "sidecar": "axolotl"},
    # LLaMA-Factory's openai formatting rewrites system prompts ("detailed thinking off").
    "llama-factory": {"arguments": "string", "avoid": ("openai-chat",), "preference-pairs": "llama-factory",
                      "kto": "llama-factory", "sidecar": "llama-factory"},
    # Llama 3.1 models take prompt/completion, 3.2 models the conversation form.
    "bedrock-llama": {"shape-by-model": {"llama3-1": "prompt-completion", "llama3-2": "bedrock-conversation"}},
    # reasoningContent blocks (Nova 2 Lite).
    "bedrock-nova": {"reasoning": True},
    # Predibase marks validation records in a `split` column rather than a second file.
    "predibase": {"split-column": ("train", "evaluation")},
}


def arguments_text(args: Any) -> str:
    """Tool-call arguments as OpenAI writes them: a JSON string."""
    return args if isinstance(args, str) else json.dumps({} if args is None else args, ensure_ascii=False)


def arguments_value(call: Call, form: str) -> Any:
    if form == "string":
        return arguments_text(call.arguments)
    if form == "object" and isinstance(call.arguments, str):
        try:
            return json.loads(call.arguments)
        except ValueError:
            return call.arguments
    return call.arguments


def untyped_image(conv: Conversation, typed) -> str | None:
    """Why an image cannot be written when the shape must name its type and ``typed``
    (reference, media type) cannot tell it (None: every image can)."""
    for m in conv.all_messages():
        for p in m.images:
            if typed(p.image, p.mime) is None:
                return f"an image whose type jsonl-lint cannot tell ({p.image[:60]}), and the shape names it"
    return None


def system_text(messages: list[Message]) -> tuple[str | None, list[Message]]:
    """The leading system prompt (the plan leaves at most one where a shape keeps it
    apart) and the messages after it."""
    if messages and messages[0].role in ("system", "developer"):
        return messages[0].text, messages[1:]
    return None, messages
