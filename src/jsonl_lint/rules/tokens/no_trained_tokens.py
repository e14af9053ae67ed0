from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule
from ...tokens.counting import _resolve
from ... import tokens
from ._shared import counts, prepare_tokens


class NoTrainedTokens(RecordRule):
    """Reports examples whose assistant turns teach nothing: zero trained tokens.

    ## What it does
    Counts the trained tokens of each example: the content and tool-call tokens of
    assistant turns whose `weight` is not 0. Reports examples that have assistant turns
    but zero trained tokens because every assistant turn has `weight: 0`. Empty
    assistant turns are `empty-answer`'s finding, and examples with no assistant turn
    at all are left to the schema rules.

    ## Why it matters for fine-tuning
    Training learns only from trained assistant tokens. An example without any still
    costs its prompt tokens on every epoch and changes nothing, usually because a
    `weight: 0` meant for one turn was copied to all.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 0}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 1}]}
    ```
    """

    code = "JL603"
    name = "no-trained-tokens"
    summary = "Example has no trained assistant tokens"
    prepare = prepare_tokens  # load the encoding before workers fork
    severity = Severity.WARNING

    def check(self, record, ctx: Context):
        trains = tokens.trains_something(record, ctx.settings)  # without tokenizing, when it can tell
        if trains or record.format is None:
            return
        if trains is None:
            c = counts(record, ctx)
            if c is None or c.trained:
                return
        assistants = [t for t in record.example.all_turns if t.role == "assistant"]
        if not assistants:
            return
        zero = [t for t in assistants if t.weight == 0 and not isinstance(t.weight, bool)]
        if len(zero) != len(assistants):
            return  # some turn is trained but empty: empty-answer reports it
        c = counts(record, ctx)  # the count is needed only for the finding's message
        which = "the assistant turn has" if len(zero) == 1 else f"all {len(zero)} assistant turns have"
        first = zero[0]
        message = _resolve(record.value, first.pointer)
        key = next((k for k in ("weight", "loss_weight") if isinstance(message, dict) and k in message), None)
        pointer = f"{first.pointer}/{key}" if key else first.pointer
        yield Finding(f"example has 0 trained tokens: {which} weight 0, so training learns nothing from it "
                      f"while still billing its {c.total:,} tokens per epoch", pointer=pointer)
