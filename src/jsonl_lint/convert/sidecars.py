"""Files trainers need beside the records: LLaMA-Factory's `dataset_info.json` entry and
Axolotl's dataset configuration, written from what the converted records hold."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from .shapes import Shape


@dataclass
class Features:
    """What the written records use, for the columns and options to declare."""

    keys: set[str] = field(default_factory=set)  # top-level keys of the written records
    weights: bool = False  # some message carries a weight

    def add(self, output: dict) -> None:
        self.keys.update(output)
        if not self.weights:
            lists = [output.get(k) for k in ("messages", "prompt", "completion", "chosen", "rejected")]
            self.weights = any(isinstance(m, dict) and "weight" in m for v in lists
                               for m in (v if isinstance(v, list) else [v]))


def llama_factory_entry(shape: Shape, file_name: str, features: Features) -> dict:
    """The dataset_info.json entry of a converted file."""
    if shape.name == "alpaca":
        columns = {"prompt": "instruction", "query": "input", "response": "output"}
        columns.update({k: k for k in ("system", "history") if k in features.keys})
        entry: dict = {"file_name": file_name, "columns": columns}
    else:
        columns = {"messages": "conversations"}
        columns.update({k: k for k in ("tools", "images") if k in features.keys})
        if shape.name == "preference-pairs":
            columns.update(chosen="chosen", rejected="rejected")
        if shape.name == "kto":
            columns["kto_tag"] = "label"
        entry = {"file_name": file_name, "formatting": "sharegpt", "columns": columns}
        if shape.name == "preference-pairs":
            entry["ranking"] = True
        entry["tags"] = {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                         "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"}
    return entry


def llama_factory_info(path: str, entries: dict[str, dict]) -> str:
    """dataset_info.json with ``entries`` added: an existing file keeps its other entries."""
    info: dict = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            try:
                info = json.load(f)
            except ValueError as exc:
                raise ValueError(f"{path} is not valid JSON ({exc}); it is left as it is") from None
        if not isinstance(info, dict):
            raise ValueError(f"{path} is not a JSON object; it is left as it is")
    info.update(entries)
    return json.dumps(info, indent=2, ensure_ascii=False) + "\n"


def axolotl_config(shape: Shape, train: str, validation: str | None, features: Features) -> str:
    """A dataset section for an Axolotl config (YAML) that reads the converted files."""
    lines = ["# Axolotl dataset configuration written by `jsonl-lint convert --to axolotl`:",
             "# paste it into your config (paths are relative to where axolotl runs)."]
    if shape.name == "preference-pairs":
        lines.append("rl: dpo")
    for key, path in (("datasets", train), ("test_datasets", validation)):
        if path is None:
            continue
        lines += [f"{key}:", f"  - path: {path}", "    ds_type: json"]
        if key == "test_datasets":
            lines.append("    split: train")
        lines += ["    " + line for line in _dataset_lines(shape, features)]
    return "\n".join(lines) + "\n"


def _dataset_lines(shape: Shape, features: Features) -> list[str]:
    if shape.name == "preference-pairs":
        return ["type: chat_template.default", "field_messages: messages", "field_chosen: chosen",
                "field_rejected: rejected", "message_property_mappings:", "  role: role", "  content: content"]
    if shape.name == "sharegpt":
        out = ["type: chat_template", "field_messages: conversations", "message_property_mappings:", "  role: from",
               "  content: value", "roles:", '  user: ["human"]', '  assistant: ["gpt", "function_call"]',
               '  system: ["system"]', '  tool: ["observation"]']
    else:
        out = ["type: chat_template", "field_messages: messages", "message_property_mappings:", "  role: role",
               "  content: content"]
    if "tools" in features.keys:
        out.append("field_tools: tools")
    out.append('roles_to_train: ["assistant"]')
    if features.weights:
        out.append("message_field_training: weight  # weight 0 turns are not trained")
    return out
