from __future__ import annotations

from ...diagnostics import Severity
from ...formats import OPENAI_PREFERENCE
from ...rule import Context, RecordRule
from ._shared import finding, targets


class TargetRecordShape(RecordRule):
    """Reports records whose shape a target does not take.

    ## What it does
    For every target of `--target`: the record's format must be one the target's profile
    accepts (Together takes OpenAI chat, prompt/completion, text and OpenAI preference
    records; Bedrock Nova only its `bedrock-conversation-2024` form; OpenAI no KTO data,
    whose `label: false` answers it would train as good ones; LLaMA-Factory Alpaca,
    ShareGPT, OpenAI chat and KTO with a `dataset_info.json` entry), and preference
    records must fit the target's rules (one assistant message per output on Together,
    one-turn prompts on Fireworks, a prompt that does not end with an assistant message).

    ## Why it matters for fine-tuning
    Providers check the shape only after the upload, and often without a line number;
    trainers built around one shape fail or read nothing from another.

    ## Example
    With `--target together` (ShareGPT is not one of its shapes):
    ```jsonl
    {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL901"
    needs_target = True
    name = "target-record-shape"
    summary = "Record shape is not one the target takes"
    severity = Severity.ERROR
    example_settings = {"target": ["together"]}

    def check(self, record, ctx: Context):
        fmt = record.example.format
        for rt in targets(ctx):
            shapes = rt.profile.shapes
            shape = shapes.accepted.get(fmt)
            if shape is None:
                takes = ", ".join(shapes.accepted) or f"only its own {rt.profile.conversion.native} shape"
                yield finding(rt, shapes.on_violation, f"does not take {fmt} records (takes: {takes})")
                continue
            if fmt == OPENAI_PREFERENCE:
                yield from self._preference(record, rt, shape, shapes.on_violation)

    def _preference(self, record, rt, shape, on_violation: str):
        value = record.value
        if shape.single_output:
            for key in ("preferred_output", "non_preferred_output"):
                out = value.get(key)
                if isinstance(out, list) and len(out) != 1:
                    yield finding(rt, on_violation, f"`{key}` must hold exactly one assistant message "
                                                     f"(it has {len(out)})", pointer=f"/{key}")
        inp = value.get("input") if isinstance(value.get("input"), dict) else {}
        turns = [m for m in inp.get("messages") or () if isinstance(m, dict)]
        if shape.prompt_ends_user and turns and turns[-1].get("role") == "assistant":
            yield finding(rt, on_violation, "the input conversation must not end with an assistant message",
                          pointer=f"/input/messages/{len(turns) - 1}")
        if shape.single_turn:
            body = [m for m in turns if m.get("role") not in ("system", "developer")]
            if len(body) != 1:
                yield finding(rt, on_violation, f"preference examples must be one-turn (one user message); "
                                                 f"this input has {len(body)} messages after the system prompt",
                              pointer="/input/messages")
