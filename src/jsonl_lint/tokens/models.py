"""Target models: token encoding, per-example training limit, and training price.

Every figure carries its source. Limits are the per-example training context of
OpenAI's fine-tuning guide ("Token limits" table); longer examples are truncated
from the end. Prices are dollars per 1M *training* tokens and change over time:
the table says when and where they were taken, and ``prices`` in the config
overrides any of them (``[tool.jsonl-lint.prices]`` ``"gpt-4o-mini-2024-07-18" = 3.0``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import ConfigError

PRICE_TABLE_DATE = "2025-06-01"
PRICE_TABLE_SOURCE = ("OpenAI API pricing page, fine-tuning section, training price per 1M tokens "
                      "(https://openai.com/api/pricing/); gpt-4o-mini $3, gpt-4o $25 and gpt-3.5-turbo $8 "
                      "are also quoted by brainwires-finetune (cost.rs, 2025); not re-checked online when this table "
                      "was written: check the page before relying on a figure")
GUIDE = "OpenAI fine-tuning guide, 'Token limits' table"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    encoding: str | None  # tiktoken encoding, None for open-weight models (use --tokenizer)
    limit: int | None  # training tokens per example
    limit_source: str
    price: float | None = None  # $ per 1M training tokens (PRICE_TABLE_DATE)
    provider: str = "openai"
    aliases: tuple[str, ...] = ()


MODELS: tuple[ModelInfo, ...] = (
    ModelInfo("gpt-4o-mini-2024-07-18", "o200k_base", 65536, GUIDE + ": 65,536; 128k at inference", 3.0,
              aliases=("gpt-4o-mini",)),
    ModelInfo("gpt-4o-2024-08-06", "o200k_base", 65536, GUIDE + ": 65,536; 128k at inference", 25.0,
              aliases=("gpt-4o",)),
    ModelInfo("gpt-4.1-2025-04-14", "o200k_base", 65536,
              "assumed equal to gpt-4o's 65,536 (not confirmed by a stored source; override the "
              "example-over-token-limit 'limit' option if your job says otherwise)", 25.0, aliases=("gpt-4.1",)),
    ModelInfo("gpt-4.1-mini-2025-04-14", "o200k_base", 65536, "assumed equal to gpt-4o-mini's 65,536 (unconfirmed)",
              5.0, aliases=("gpt-4.1-mini",)),
    ModelInfo("gpt-4.1-nano-2025-04-14", "o200k_base", 65536, "assumed equal to gpt-4o-mini's 65,536 (unconfirmed)",
              1.5, aliases=("gpt-4.1-nano",)),
    ModelInfo("gpt-3.5-turbo-0125", "cl100k_base", 16385, GUIDE + ": 16,385", 8.0, aliases=("gpt-3.5-turbo",)),
    ModelInfo("gpt-3.5-turbo-1106", "cl100k_base", 16385, GUIDE + ": 16,385", 8.0),
    ModelInfo("gpt-3.5-turbo-0613", "cl100k_base", 4096, GUIDE + ": 4,096; 16,385 at inference", 8.0),
    ModelInfo("gpt-4-0613", "cl100k_base", 8192, "gpt-4-0613 context window (8,192); experimental fine-tuning",
              None),
    ModelInfo("babbage-002", "cl100k_base", 16384, "legacy completions fine-tuning (16,384 context)", 0.4),
    ModelInfo("davinci-002", "cl100k_base", 16384, "legacy completions fine-tuning (16,384 context)", 6.0),
    # Open-weight models: counted with their own tokenizer.json (--tokenizer PATH). The limit is
    # the model's context length; set the rule's 'limit' to your training sequence length.
    ModelInfo("llama-3.1-8b", None, 131072, "Llama 3.1 model card: 128k context", provider="open-weight"),
    ModelInfo("llama-3.2-3b", None, 131072, "Llama 3.2 model card: 128k context", provider="open-weight"),
    ModelInfo("mistral-7b-v0.3", None, 32768, "Mistral 7B v0.3 model card: 32k context", provider="open-weight"),
    ModelInfo("qwen2.5-7b", None, 32768, "Qwen2.5 model card: 32,768 context (131,072 with YaRN)",
              provider="open-weight"),
    ModelInfo("custom", None, None, "no limit: set the example-over-token-limit 'limit' option",
              provider="open-weight"),
)

_BY_NAME = {m.name: m for m in MODELS} | {a: m for m in MODELS for a in m.aliases}


def known_models() -> list[str]:
    return [m.name for m in MODELS]


def find_model(name: str) -> ModelInfo | None:
    """A model by name or alias; fine-tuned names ("ft:gpt-4o-mini-2024-07-18:org::id") map to their base."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name.startswith("ft:"):
        return _BY_NAME.get(name.split(":")[1])
    return None


def model_info(name: str) -> ModelInfo:
    info = find_model(name)
    if info is None:
        raise ConfigError(unknown_model_message(name))
    return info


def unknown_model_message(name: str) -> str:
    return (f"unknown model {name!r}; known models: {', '.join(known_models())} "
            f"(aliases: {', '.join(a for m in MODELS for a in m.aliases)}; 'ft:<base>:...' names use their base; "
            f"`jsonl-lint models` shows their limits and prices)")


def check_model_name(name: str) -> str:
    """Settings validator: raises ValueError with the known models."""
    if find_model(name) is None:
        raise ValueError(unknown_model_message(name))
    return name


def price_for(name: str, prices: dict[str, float] | None = None) -> tuple[float | None, str]:
    """$ per 1M training tokens and where the figure comes from."""
    info = model_info(name)
    prices = prices or {}
    for key in (name, info.name, *info.aliases):
        if key in prices:
            return float(prices[key]), "config 'prices'"
    if info.price is None:
        return None, "no price known (set 'prices' in the config)"
    return info.price, f"price table of {PRICE_TABLE_DATE}"
