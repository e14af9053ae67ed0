from __future__ import annotations

from ...diagnostics import Severity
from ...rule import Context, RecordRule
from ..schema._messages import messages
from ._shared import finding, role_of, roles_phrase, targets


class TargetWeight(RecordRule):
    """Reports per-message `weight` values a target rejects, or ignores and so trains on.

    ## What it does
    For every target of `--target`:
    - where the target ignores per-message weights (Bedrock, Vertex, TRL, Unsloth,
      LLaMA-Factory; Axolotl unless `message_field_training: weight` is set), an example
      with `weight: 0` turns is reported once, naming the first of them: those turns
      will be trained;
    - where it honours them, a weight outside its values (0 or 1) or on a role it does
      not weigh (OpenAI: assistant only) is rejected.

    `loss_weight` (LLaMA-Factory's v1 name) counts as a weight where weights are ignored;
    where they are honoured only `weight` is read (another key is target-extra-keys').

    ## Why it matters for fine-tuning
    `weight: 0` marks an answer the model must not learn (a wrong draft kept for
    context). A target that ignores the key trains on exactly those answers, and
    nothing in the job says so.

    ## Example
    With `--target trl`:
    ```jsonl
    {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "5", "weight": 0}, {"role": "user", "content": "Check again."}, {"role": "assistant", "content": "4", "weight": 1}]}
    ```

    ## Use instead
    Drop the weight-0 turn, or keep it as context by splitting the example:
    ```jsonl
    {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]}
    ```
    """

    code = "JL904"
    needs_target = True
    name = "target-weight"
    summary = "Message weight is rejected or ignored by the target"
    severity = Severity.WARNING
    example_settings = {"target": ["trl"]}

    def check(self, record, ctx: Context):
        if not targets(ctx):
            return  # no target in the run (the default): nothing to look at
        weighted = [t for t in record.example.all_turns if t.weight is not None]
        if not weighted:
            return
        for rt in targets(ctx):
            rules = rt.profile.weight
            if record.example.format in rules.honoured_in:
                continue
            if not rules.honoured:
                zero = [t for t in weighted if t.weight == 0 and t.role == "assistant"]
                if zero:
                    how = f"; to honour it, {rules.how}" if rules.how else ""
                    more = f" (and {len(zero) - 1} more)" if len(zero) > 1 else ""
                    yield finding(rt, "train", f"ignores per-message weights, so the weight-0 {zero[0].role} turn at "
                                               f"{zero[0].pointer}{more} will be trained{how}", pointer=zero[0].pointer)
                continue
            for pointer, msg, dialect in messages(record):  # the key the target reads: `weight` itself
                weight, role = msg.get("weight"), role_of(msg, dialect)
                if weight is None:
                    continue
                if weight not in rules.values or isinstance(weight, bool):
                    yield finding(rt, rules.on_violation, f"`weight` must be one of "
                                                          f"{', '.join(map(str, rules.values))}, not {weight!r}",
                                  pointer=f"{pointer}/weight")
                    break
                if role not in rules.roles:
                    yield finding(rt, rules.on_violation, f"`weight` is taken on {roles_phrase(rules.roles)} "
                                                          f"messages only, not on {role}", pointer=f"{pointer}/weight")
                    break
