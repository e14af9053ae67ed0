from __future__ import annotations

from pydantic import Field

from ... import tokens
from ...diagnostics import Finding, Severity
from ...rule import Context, DatasetRule, Options
from ._shared import EVERY, counts, n, prepare_tokens, token_prefetch


class DatasetOverBudget(DatasetRule[dict]):
    """Reports a training dataset whose estimated cost or billed tokens exceed a budget.

    ## What it does
    Sums the billed tokens of the training files (each example counts
    min(tokens, limit), once per epoch), multiplies by the epoch count (the `epochs`
    option, or the default heuristic: aim for 3 epochs, keep examples x epochs within
    [100, 25,000] and epochs within [1, 25]) and by the model's price per 1M training
    tokens (the shipped price table, dated, or `prices` in the config), and reports
    when the estimate exceeds `max-cost` (dollars) or `max-tokens` (billed tokens).
    Validation files are not counted. Without either option it does nothing.

    ```toml
    [tool.jsonl-lint.rules.dataset-over-budget]
    max-cost = 50.0
    ```

    ## Why it matters for fine-tuning
    Training is billed per token and per epoch; a dataset that grew by a careless merge
    or a pasted corpus costs real money before anyone looks at the bill. A budget gate
    in CI stops the job before it starts.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help you today?"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye, and good luck with the training run!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL606"
    name = "dataset-over-budget"
    summary = "Dataset's estimated training cost or tokens exceed the budget"
    prepare = prepare_tokens  # load the encoding before workers fork
    prefetch = token_prefetch()  # count the chunk's records that may reach counted_from, in one loop
    severity = Severity.ERROR
    requires = "example"
    example_options = {"max-tokens": 1000}

    class Options(Options):
        max_cost: float | None = Field(None, ge=0, description="dollars; unset: no cost gate")
        max_tokens: int | None = Field(None, ge=0, description="billed training tokens (all epochs); unset: no token gate")
        epochs: int | None = Field(None, ge=1, description="epochs of the job; unset: the default heuristic")

    def active(self) -> bool:
        return self.options.max_cost is not None or self.options.max_tokens is not None

    def counted_from(self, ctx: Context) -> float:
        return EVERY  # every example's tokens are billed

    def initial(self, ctx: Context) -> dict:
        return {"examples": 0, "billed": 0, "path": None}

    def collect(self, state: dict, record, ctx: Context) -> None:
        if ctx.group != "train":
            return
        c = counts(record, ctx)
        if c is None:
            return
        state["examples"] += 1
        state["billed"] += tokens.billable(c.total, tokens.target(ctx.settings).limit)
        if state["path"] is None:
            state["path"] = record.path

    def merge(self, states: list[dict]) -> dict:
        return {"examples": sum(s["examples"] for s in states), "billed": sum(s["billed"] for s in states),
                "path": next((s["path"] for s in states if s["path"]), None)}

    def finish(self, state: dict, ctx: Context):
        if not state["examples"]:
            return
        settings = ctx.settings
        est = tokens.estimate_cost(state["billed"], state["examples"], settings.model, epochs=self.options.epochs,
                                   prices=settings.prices)
        basis = (f"{n(state['examples'])} example{'s' if state['examples'] != 1 else ''}, {n(est.billed_tokens_per_epoch)} billed tokens per epoch x "
                 f"{est.epochs} epochs = {n(est.billed_tokens)} tokens")
        over = []
        if self.options.max_tokens is not None and est.billed_tokens > self.options.max_tokens:
            over.append(f"{n(est.billed_tokens)} billed training tokens exceed max-tokens {n(self.options.max_tokens)}")
        if self.options.max_cost is not None:
            if est.cost is None:
                over.append(f"max-cost is set but {settings.model} has no known price ({est.price_source})")
            elif est.cost > self.options.max_cost:
                over.append(f"estimated training cost ${est.cost:,.2f} exceeds max-cost ${self.options.max_cost:,.2f} "
                            f"(${est.price_per_million:g} per 1M tokens for {settings.model}, {est.price_source})")
        if over:
            yield Finding("; ".join(over) + f" ({basis})", path=state["path"])
