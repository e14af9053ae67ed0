from __future__ import annotations

from ... import tokens
from ...diagnostics import Severity
from ...rule import Context, RecordRule
from ..tokens._shared import n, where
from ._shared import finding, targets


def _prepare(rule, settings) -> None:
    """Find and verify every target's tokenizer before workers fork (a byte-level one loads
    its ranks on the first count)."""
    from ...targets import run_targets

    for rt in run_targets(settings):
        rt.examples()


class TargetTokenLimit(RecordRule):
    """Reports examples longer than a target takes, counted with that target's tokenizer.

    ## What it does
    For every target of `--target` with a known limit, counts the example with the
    target's own tokenizer (the chosen base model's: `--model together:NAME`, else the
    profile's default model) and chat template overheads, and compares it with the
    limit: the model's training context, the trainer's default sequence length (TRL's
    `max_length` 1,024, LLaMA-Factory's `cutoff_len` 2,048) or `max-tokens` from the
    config. Over the limit, the target either rejects the example (an error) or truncates
    it from the end (a warning that says how many trained tokens are lost).

    Llama 3/4, Mistral (SentencePiece and Tekken) and Qwen counts are exact when their
    extra is installed (`pip install 'jsonl-lint[llama]'`, `[mistral]`, `[qwen]`);
    without it, and for targets with no public tokenizer (Gemini, Nova), the count is
    the o200k_base estimate and the message says so, with how far off it tends to be.

    ## Why it matters for fine-tuning
    The same example is within OpenAI's 65,536 tokens and over the 24,576 of Llama 3.3
    70B on Together or the 1,024 TRL keeps by default, where training silently learns
    from a cut answer.

    ## Example
    With `--target trl` and `max-tokens = 16` for it:
    ```jsonl
    {"messages": [{"role": "user", "content": "Say hello."}, {"role": "assistant", "content": "Hello, hello, hello, hello, hello, hello, hello, hello, hello, hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Say hello."}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL909"
    needs_target = True
    name = "target-token-limit"
    summary = "Example is longer than the target takes"
    severity = Severity.ERROR
    prepare = _prepare
    example_settings = {"target": ["small-trl"], "targets": {"small-trl": {"extends": "trl", "max-tokens": 16}}}

    def prefetch(self, records, ctx: Context) -> None:
        # Only records whose byte bound reaches a limit are tokenized (exact: the bound never
        # undercounts; infinite for tokenizers whose tokens need not cover a byte each).
        limits: dict = {}
        for rt in targets(ctx):
            if rt.limit is not None:
                examples = rt.examples()
                limits[examples] = min(rt.limit, limits.get(examples, rt.limit))
        for examples, limit in limits.items():
            todo = [r for r in records if tokens.bound_with(r, examples) > limit]
            if todo:
                tokens.count_records_with(todo, examples)

    def check(self, record, ctx: Context):
        for rt in targets(ctx):
            limit = rt.limit
            if limit is None:
                continue
            examples = rt.examples()
            if tokens.bound_with(record, examples) <= limit:
                continue
            c = tokens.count_with(record, examples)
            if c is None or c.total <= limit:
                continue
            section = rt.profile.tokens
            how = section.on_violation
            note = rt.estimate_note()
            count = f"about {n(c.total)} tokens ({note})" if note else f"{n(c.total)} tokens ({rt.tokenizer_name})"
            message = f"example has {count}, over {rt.limit_source} of {n(limit)}"
            cut = c.cut(limit)
            if how == "truncate" and cut.tokens:
                message += f"; truncating from the end cuts {n(cut.tokens)} of its {n(cut.trained_total)} trained " \
                           f"tokens, from the {where(cut.turn)}"
            turn = cut.turn
            yield finding(rt, how, message, pointer=turn.pointer if turn is not None else "",
                          confirmed="on-violation" not in section.unconfirmed)
