"""Epochs, billed tokens and the estimated training cost.

The default epoch count is OpenAI's cookbook heuristic (what its fine-tuning job picks
when ``n_epochs`` is "auto", as the cookbook describes it): aim for 3 epochs, but keep
examples x epochs within [100, 25,000] and epochs within [1, 25]. Billed tokens per epoch
are the sum over examples of min(limit, tokens); the job charges them once per epoch.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import model_info, price_for

TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25
EPOCH_RULE = ("OpenAI cookbook heuristic: target 3 epochs, keep examples x epochs within [100, 25,000] "
              "and epochs within [1, 25]")


def default_epochs(n_examples: int) -> int:
    if n_examples <= 0:
        return TARGET_EPOCHS
    if n_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_examples)
    if n_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_examples)
    return TARGET_EPOCHS


def billable(tokens: int, limit: int | None) -> int:
    return min(tokens, limit) if limit else tokens


@dataclass(frozen=True)
class CostEstimate:
    model: str
    examples: int
    epochs: int
    epochs_rule: str
    billed_tokens_per_epoch: int
    billed_tokens: int  # x epochs
    price_per_million: float | None
    price_source: str
    cost: float | None  # dollars
    price_table_date: str = ""
    price_table_source: str = ""

    def as_dict(self) -> dict:
        return {"model": self.model, "examples": self.examples, "epochs": self.epochs,
                "epochs_rule": self.epochs_rule, "billed_tokens_per_epoch": self.billed_tokens_per_epoch,
                "billed_tokens": self.billed_tokens, "price_per_million_tokens": self.price_per_million,
                "price_source": self.price_source, "estimated_cost_usd": self.cost,
                "price_table_date": self.price_table_date, "price_table_source": self.price_table_source}


def estimate_cost(billed_tokens_per_epoch: int, n_examples: int, model: str, *, epochs: int | None = None,
                  prices: dict[str, float] | None = None) -> CostEstimate:
    """Estimated training cost of a dataset: billed tokens x epochs x price."""
    rule = EPOCH_RULE if epochs is None else "given"
    epochs = default_epochs(n_examples) if epochs is None else epochs
    price, source = price_for(model, prices)
    billed = billed_tokens_per_epoch * epochs
    cost = billed * price / 1_000_000 if price is not None else None
    info = model_info(model)
    return CostEstimate(model, n_examples, epochs, rule, billed_tokens_per_epoch, billed, price, source, cost,
                        info.price_date, info.price_source)


def share_of_cost(example_tokens: int, limit: int | None, dataset_billed_per_epoch: int, estimate: CostEstimate) -> float | None:
    """Dollars one example contributes to a dataset's estimate (for editor hovers)."""
    if estimate.cost is None or dataset_billed_per_epoch <= 0:
        return None
    return estimate.cost * billable(example_tokens, limit) / dataset_billed_per_epoch
