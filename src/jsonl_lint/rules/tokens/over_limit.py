from __future__ import annotations

from pydantic import Field

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ... import tokens
from ._shared import NONE, counts, limit_of, locate_token, n, prepare_tokens, token_prefetch, where


class ExampleOverTokenLimit(RecordRule):
    """Reports examples longer than the target model's per-example training limit.

    ## What it does
    Counts the tokens of each example exactly as training sees them, with the target
    model's own encoding (`--model`, or `model` in the config; default
    `gpt-4o-mini-2024-07-18`, limit 65,536), and reports examples over the limit with
    the count, the limit, and how many trained assistant tokens training would cut. The
    finding highlights the text from the first token past the limit.

    The count is `tools + Σ messages + 3`, each message being `3 + role + content`
    (`+ name + 1` with a name) plus its tool calls (`3 + function name + arguments`
    each) and images (85 tokens at `detail: low`, else 765: an estimate). Tool
    definitions count as in OpenAI's cookbook (`7` per function on o200k models, `10`
    on cl100k, the `name:description` and `key:type:description` texts, `+12`). Texts
    are counted with tiktoken's `encode_ordinary`, so `<|endoftext|>` in data is text.

    ## Why it matters for fine-tuning
    Training truncates an example that is too long from the end, so what is lost is
    the assistant's answer: the very thing the example is there to teach. The job does
    not fail; it silently learns from a cut answer.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Say hello."}, {"role": "assistant", "content": "Hello, hello, hello, hello, hello, hello, hello, hello, hello, hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Say hello."}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL601"
    name = "example-over-token-limit"
    summary = "Example is longer than the model's per-example token limit"
    prepare = prepare_tokens  # load the encoding before workers fork
    prefetch = token_prefetch()  # count the chunk's records that may reach counted_from, in one loop
    severity = Severity.ERROR
    example_options = {"limit": 20}

    class Options(Options):
        limit: int | None = Field(None, ge=1, description="tokens per example; default: the model's training limit")

    def counted_from(self, ctx: Context) -> float:
        limit = limit_of(ctx, self.options.limit)[0]
        return NONE if limit is None else limit + 1

    def check(self, record, ctx: Context):
        limit, source = limit_of(ctx, self.options.limit)
        if limit is None or tokens.bound(record, ctx.settings) <= limit:
            return
        c = counts(record, ctx)
        if c is None or c.total <= limit:
            return
        cut = c.cut(limit)
        approx = " (approximate count)" if c.approximate else ""
        message = (f"example has {n(c.total)} tokens{approx}, over {source} ({n(limit)}) by {n(c.total - limit)}; "
                   f"training truncates from the end")
        if cut.tokens:
            message += (f" and would cut {n(cut.tokens)} of its {n(cut.trained_total)} trained assistant tokens, "
                        f"starting in the {where(cut.turn)}")
        elif c.trained:
            message += " and would cut no trained assistant tokens, only the text after them"
        else:
            message += "; the example has no trained assistant tokens"
        if cut.turn is None:
            yield Finding(message)
            return
        pointer, span = locate_token(record, ctx, cut.turn, cut.tokens_into_turn)
        yield Finding(message, pointer=pointer, span=span)
