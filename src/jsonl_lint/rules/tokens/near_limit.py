from __future__ import annotations

from pydantic import Field

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ... import tokens
from ._shared import NONE, counts, limit_of, n, prepare_tokens, token_prefetch


class ExampleNearTokenLimit(RecordRule):
    """Reports examples within a few percent of the model's per-example token limit.

    ## What it does
    Reports examples whose token count (counted as in `example-over-token-limit`) is at
    least `threshold` of the limit but not over it, with the count, the limit and the
    headroom left. The limit is this rule's `limit`, else the `limit` of
    `example-over-token-limit`, else the model's training limit.

    ## Why it matters for fine-tuning
    An example this close to the limit is one edit, one longer system prompt or one
    switch to a model with a smaller limit (or another tokenizer) away from being
    truncated, and truncation cuts the assistant's answer.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Say hello."}, {"role": "assistant", "content": "Hello, hello, hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Say hello."}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL602"
    name = "example-near-token-limit"
    summary = "Example is close to the model's per-example token limit"
    prepare = prepare_tokens  # load the encoding before workers fork
    prefetch = token_prefetch()  # count the chunk's records that may reach counted_from, in one loop
    severity = Severity.INFO
    example_options = {"limit": 24, "threshold": 0.8}

    class Options(Options):
        threshold: float = Field(0.9, gt=0, le=1, description="fraction of the limit from which to report")
        limit: int | None = Field(None, ge=1, description="tokens per example; default: the model's training limit")

    def counted_from(self, ctx: Context) -> float:
        limit = limit_of(ctx, self.options.limit)[0]
        return NONE if limit is None else self.options.threshold * limit

    def check(self, record, ctx: Context):
        limit, source = limit_of(ctx, self.options.limit)
        if limit is None or tokens.bound(record, ctx.settings) < self.options.threshold * limit:
            return
        c = counts(record, ctx)
        if c is None or c.total > limit or c.total < self.options.threshold * limit:
            return
        approx = " (approximate count)" if c.approximate else ""
        yield Finding(f"example has {n(c.total)} tokens{approx}, {c.total / limit:.0%} of {source} ({n(limit)}); "
                      f"{n(limit - c.total)} tokens of headroom (reported from {self.options.threshold:.0%})")
