from __future__ import annotations

from pydantic import Field

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ... import tokens
from ._shared import EVERY, counts, locate_token, n, prepare_tokens, token_prefetch


class ExampleTooLong(RecordRule):
    """Reports examples longer than a configured token maximum (below the model's limit).

    ## What it does
    When `max-tokens` is set, reports every example whose token count (counted as in
    `example-over-token-limit`) exceeds it, highlighting where the maximum is crossed;
    `min-tokens` likewise reports examples shorter than a minimum. Without either it
    does nothing.

    ```toml
    [tool.jsonl-lint.rules.example-too-long]
    max-tokens = 8192   # e.g. the sequence length your trainer packs to
    ```

    ## Why it matters for fine-tuning
    Your own trainer may cut at a shorter sequence length than the provider's limit
    (open-weight fine-tuning often trains at 2k-8k tokens), and a dataset budget often
    wants a cap per example too.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Summarise the report."}, {"role": "assistant", "content": "The report covers revenue, costs, hiring plans and the product roadmap for the next two quarters."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Summarise the report."}, {"role": "assistant", "content": "Revenue is up."}]}
    ```
    """

    code = "JL605"
    name = "example-too-long"
    summary = "Example has more tokens than the configured maximum"
    prepare = prepare_tokens  # load the encoding before workers fork
    prefetch = token_prefetch()  # count the chunk's records that may reach counted_from, in one loop
    severity = Severity.WARNING
    example_options = {"max-tokens": 30}

    class Options(Options):
        max_tokens: int | None = Field(None, ge=1, description="tokens per example; unset: no maximum")
        min_tokens: int | None = Field(None, ge=1, description="tokens per example; unset: no minimum")

    def active(self) -> bool:
        return self.options.max_tokens is not None or self.options.min_tokens is not None

    def counted_from(self, ctx: Context) -> float:
        return EVERY if self.options.min_tokens is not None else self.options.max_tokens + 1

    def check(self, record, ctx: Context):
        hi, lo = self.options.max_tokens, self.options.min_tokens
        if lo is None and tokens.bound(record, ctx.settings) <= hi:
            return
        c = counts(record, ctx)
        if c is None:
            return
        if lo is not None and c.total < lo:
            yield Finding(f"example has {n(c.total)} tokens, under the configured minimum of {n(lo)}")
        if hi is None or c.total <= hi:
            return
        message = f"example has {n(c.total)} tokens, over the configured maximum of {n(hi)} by {n(c.total - hi)}"
        crossing = next((t for t in c.turns if t.end > hi and t.content and t.text_start + t.content > hi), None)
        if crossing is None:
            yield Finding(message)
            return
        pointer, span = locate_token(record, ctx, crossing, max(0, hi - crossing.text_start))
        yield Finding(message, pointer=pointer, span=span)
