from __future__ import annotations

import numpy as np
from pydantic import Field

from ...diagnostics import Finding, Related, Severity
from ...rule import Context, ShuffledRule
from ...similarity.near import NearState, merge_heads, reduce_band_entries
from ._shared import NearCalibration, NearOptions, delete_fix, split_of, where


class LeakageOptions(NearOptions):
    split_key: str | None = Field(None, description="record field naming its split (train, validation, ...) "
                                                    "for datasets that keep both in one file")


class TrainValidationLeakage(NearCalibration, ShuffledRule):
    """Reports validation records that duplicate or nearly duplicate training records.

    ## What it does
    When the run includes a validation file (`--validation FILE`, the `validation`
    globs, or named `datasets` groups), compares records across the split with the
    same method as `near-duplicate`: exact copies and near copies (similarity at or
    above `threshold`) are errors. The finding sits on the validation record and
    points at the training record; the unsafe fix deletes the validation copy.
    Datasets that keep both splits in one file can name the field that says which
    split a record belongs to with `split-key`.

    ## Why it matters for fine-tuning
    A validation example the model has trained on measures memorization, not
    generalization: validation loss looks better than the model is, and early
    stopping and hyperparameter choices are made on a leaked signal.

    ## Example
    ```jsonl
    {"split": "train", "messages": [{"role": "user", "content": "Translate 'good morning' into Spanish."}, {"role": "assistant", "content": "Buenos días."}]}
    {"split": "validation", "messages": [{"role": "user", "content": "Translate 'good morning' into Spanish."}, {"role": "assistant", "content": "Buenos días."}]}
    ```

    ## Use instead
    ```jsonl
    {"split": "train", "messages": [{"role": "user", "content": "Translate 'good morning' into Spanish."}, {"role": "assistant", "content": "Buenos días."}]}
    {"split": "validation", "messages": [{"role": "user", "content": "Translate 'thank you very much' into French."}, {"role": "assistant", "content": "Merci beaucoup."}]}
    ```
    """

    code = "JL304"
    name = "train-validation-leakage"
    summary = "Validation record duplicates a training record"
    severity = Severity.ERROR
    fixable = "always"
    Options = LeakageOptions
    example_options = {"split-key": "split"}

    def _enabled(self, ctx: Context) -> bool:
        s = ctx.settings
        return bool(s.validation or s.datasets or self.options.split_key)

    def calibrate(self, records, ctx: Context):
        return super().calibrate(records if self._enabled(ctx) else [], ctx)  # no split: nothing to filter

    def initial(self, ctx: Context) -> NearState | None:
        return self.near_state(ctx) if self._enabled(ctx) else None

    def collect(self, state: NearState | None, record, ctx: Context) -> None:
        if state is not None:
            state.add(record, split_of(record, ctx, self.options.split_key))

    def partition(self, state: NearState | None, parts: int, ctx: Context):
        if state is None:
            return None, [None] * parts
        return state.partition(parts, keep_texts=not ctx.in_task)

    def reduce(self, pieces: list, ctx: Context):
        return reduce_band_entries([p for p in pieces if p is not None])

    def finish_shuffled(self, heads: list[NearState | None], reduced: list, ctx: Context):
        heads = [h for h in heads if h is not None]
        if not heads:
            return
        state, cand = merge_heads(heads, reduced)
        if len(state.groups) < 2:
            return
        group = np.frombuffer(state.group, dtype=np.int16)
        train = state.groups.index("train") if "train" in state.groups else -1
        reported: set[int] = set()
        for p in sorted(state.pairs(cand, ctx.backend, keep=lambda c: group[c[:, 0]] != group[c[:, 1]]),
                        key=lambda p: (p.second, -p.similarity)):
            a, b = p.first, p.second
            # Anchor on the evaluation side; between two non-train groups, on the later record.
            held, other = (a, b) if group[b] == train else (b, a)
            if held in reported:
                continue
            reported.add(held)
            ref, other_ref = state.refs.ref(held), state.refs.ref(other)
            exact = state.canon[held] == state.canon[other]
            kind = "an exact duplicate" if exact else f"a near duplicate ({int(p.similarity * 100)}% similar)"
            yield Finding(
                f"{state.groups[group[held]]} record is {kind} of the {state.groups[group[other]]} record at "
                f"{where(other_ref, ref)}: the model trains on what it is evaluated on",
                record=ref,
                related=(Related(other_ref, f"{state.groups[group[other]]} copy"),),
                fix=delete_fix(state.refs.cplen(held), f"Delete this {state.groups[group[held]]} record"),
            )
