from __future__ import annotations

from pydantic import Field

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ... import tokens
from ._shared import counts, locate_token, n, prepare_tokens, token_prefetch, where


class TurnTooLong(RecordRule):
    """Reports single turns longer than a configured token maximum.

    ## What it does
    When `max-tokens` is set, reports every turn (of the roles in `roles`, or of every
    role) whose own tokens (content, tool calls, images) exceed it, highlighting the
    text from the first token past the maximum. Without `max-tokens` it does nothing.

    ```toml
    [tool.jsonl-lint.rules.turn-too-long]
    max-tokens = 4096
    roles = ["assistant"]
    ```

    ## Why it matters for fine-tuning
    One very long turn (a pasted document, a runaway generation) can dominate what an
    example teaches and push it toward the model's limit; a per-turn maximum catches
    it even when the example as a whole still fits.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! It is a pleasure to meet you today; how can I help you with your dataset?"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}]}
    ```
    """

    code = "JL604"
    name = "turn-too-long"
    summary = "Turn has more tokens than the configured maximum"
    prepare = prepare_tokens  # load the encoding before workers fork
    prefetch = token_prefetch()  # count the chunk's records that may reach counted_from, in one loop
    severity = Severity.WARNING
    example_options = {"max-tokens": 10}

    class Options(Options):
        max_tokens: int | None = Field(None, ge=1, description="tokens per turn; unset: the rule is off")
        roles: tuple[str, ...] = Field((), description="roles to check (empty: every role)")

    def active(self) -> bool:
        return self.options.max_tokens is not None

    def counted_from(self, ctx: Context) -> float:
        return self.options.max_tokens + 1  # a turn has no more tokens than its example

    def check(self, record, ctx: Context):
        limit = self.options.max_tokens
        if tokens.bound(record, ctx.settings) <= limit:
            return
        c = counts(record, ctx)
        if c is None:
            return
        roles = self.options.roles
        for tt in c.turns:
            size = tt.content + tt.tool_calls + tt.images
            if size <= limit or (roles and tt.role not in roles):
                continue
            pointer, span = locate_token(record, ctx, tt, limit)
            yield Finding(f"{where(tt)} has {n(size)} tokens, over the configured maximum of {n(limit)} "
                          f"by {n(size - limit)}", pointer=pointer, span=span)
