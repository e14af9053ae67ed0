from __future__ import annotations

from ...diagnostics import Severity
from ...positions import join_pointer
from ...rule import Context, RecordRule
from ..schema._messages import messages
from ._shared import finding, targets


# What a key the target does not read would take with it.
LOST = {"system": "; the system prompt would be lost: make it the first message ({\"role\": \"system\", ...})",
        "weight": "; the example weight would be lost",
        "label": "; a KTO label would be lost, so examples labelled false would be trained as good answers"}


class TargetExtraKeys(RecordRule):
    """Reports keys a target does not take, at the record's top level and in messages.

    ## What it does
    For every target of `--target` whose profile lists the keys of the record's shape:
    each top-level key and each message key outside that list, with what the target
    does with it (Together and the Bedrock validators reject the record; others drop
    the value, so what it carried never reaches training).

    ## Why it matters for fine-tuning
    Metadata keys (`id`, `source`) and other tools' fields (`loss_weight`, a top-level
    `system`) are harmless in one pipeline and fatal in the next: Together rejects a
    line with any key it does not know, with a message that may not name the key.

    ## Example
    With `--target together`:
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}], "source": "crm"}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL907"
    needs_target = True
    name = "target-extra-keys"
    summary = "Key is not one the target takes"
    severity = Severity.ERROR
    example_settings = {"target": ["together"]}

    def check(self, record, ctx: Context):
        fmt = record.example.format
        for rt in targets(ctx):
            shapes = rt.profile.shapes
            shape = shapes.accepted.get(fmt)
            if shape is None:
                continue  # the shape rule reports the record
            how, confirmed = shapes.extra_keys, "extra-keys" not in shapes.unconfirmed
            if shape.keys is not None:
                for key in record.value:
                    if key not in shape.keys:
                        lost = LOST.get(key, "")
                        yield finding(rt, how, f"top-level key `{key}` is not one it takes (takes: "
                                               f"{', '.join(shape.keys)}){lost}", pointer=join_pointer(key),
                                      confirmed=confirmed, on_key=True)
            if shape.message_keys is not None:
                for pointer, msg, _ in messages(record):
                    for key in msg:
                        if key not in shape.message_keys:
                            yield finding(rt, how, f"message key `{key}` is not one it takes (takes: "
                                                   f"{', '.join(shape.message_keys)})",
                                          pointer=pointer + join_pointer(key), confirmed=confirmed, on_key=True)
