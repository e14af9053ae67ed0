"""Exact per-model token counts, limits and cost (offline).

Public API (used by the JL6xx rules, ``stats``, ``report``, the language server and
``check --diff-base``)::

    from jsonl_lint import tokens
    t = tokens.target(settings)                # model, counter, limit (cached)
    n = tokens.count_record(record, settings)  # ExampleTokens, cached on the record
    if tokens.bound(record, settings) < limit: ...  # surely under the limit, without tokenizing
    tokens.bound_with(record, tokens.example_counter("llama3", "llama3"))  # the same for another tokenizer
    n = tokens.count_example(example, "gpt-4o-2024-08-06")
    n.total, n.trained, n.cut(t.limit)
    tokens.model_info("gpt-3.5-turbo-0613").limit
    tokens.estimate_cost(billed_tokens_per_epoch, n_examples, model)

The counting formula is documented in :mod:`jsonl_lint.tokens.counting`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..config import ConfigError
from .cost import CostEstimate, billable, default_epochs, estimate_cost, share_of_cost
from . import counting
from .counting import REPEATED_ROLES, TEMPLATES, Cut, ExampleCounter, ExampleTokens, TurnTokens
from .encodings import TokenCounter, load_counter
from .models import ModelInfo, all_models, find_model, known_models, model_info
from ..timings import stage

if TYPE_CHECKING:
    from ..config import Settings
    from ..formats import Example
    from ..reader import Record

__all__ = [
    "CostEstimate", "Cut", "ExampleTokens", "ModelInfo", "Target", "TokenCounter", "TurnTokens", "all_models",
    "billable", "bound", "bound_with", "count_example", "count_record", "count_records", "count_text", "default_epochs",
    "estimate_cost", "find_model",
    "known_models", "model_info", "share_of_cost", "target", "example_counter", "count_with", "count_records_with",
]


@dataclass(frozen=True, eq=False)
class Target:
    """The resolved target of a run: model facts, the counter and the per-example limit."""

    name: str  # as requested (alias or ft: name kept)
    model: ModelInfo
    counter: TokenCounter
    examples: ExampleCounter
    limit: int | None
    limit_source: str

    @property
    def exact(self) -> bool:
        return self.counter.exact

    def describe(self) -> str:
        how = f"tiktoken {self.counter.name}" if self.model.encoding and not self.tokenizer else self.counter.source
        return f"{self.name} ({how})"

    @property
    def tokenizer(self) -> bool:
        return self.counter.__class__.__name__ == "HFCounter"


def resolve_tokenizer_path(path: str | None, root: str = "") -> str | None:
    if not path:
        return None
    candidates = [path] if os.path.isabs(path) else [os.path.join(root, path), path] if root else [path]
    for c in candidates:
        if os.path.isfile(c):
            return os.path.abspath(c)
    raise ConfigError(f"tokenizer file {path!r} not found (--tokenizer / 'tokenizer' expects a local tokenizer.json)")


@lru_cache(maxsize=32)
def example_counter(tokenizer: str | None, template: str = "openai") -> ExampleCounter:
    """The formula with one tokenizer (a tiktoken encoding or open-weight tokenizer name, an
    absolute tokenizer.json path, or None: no tokenizer known) and one chat template's
    overheads. Shared: rules and targets that count alike share the counts cached on records."""
    if tokenizer and os.path.isabs(tokenizer):
        try:
            counter = load_counter(None, tokenizer)
        except Exception as exc:  # tokenizers raises its own exception types for bad files
            raise ConfigError(f"tokenizer file {tokenizer!r} could not be loaded: {exc}") from None
    else:
        counter = load_counter(tokenizer)
    return ExampleCounter(counter, TEMPLATES[template])


@lru_cache(maxsize=16)
def _target(model: str, tokenizer: str | None) -> Target:
    info = model_info(model)
    examples = example_counter(tokenizer or info.encoding)
    counter = examples.counter
    limit, source = info.limit, info.limit_source
    if tokenizer and counter.max_length:
        limit, source = counter.max_length, f"truncation.max_length of {tokenizer}"
    return Target(model, info, counter, examples, limit, source)


def target(settings: "Settings | str | None" = None, tokenizer: str | None = None) -> Target:
    """The target for settings (model + tokenizer keys), or for a model name."""
    if settings is None or isinstance(settings, str):
        from ..config import DEFAULT_MODEL

        return _target(settings or DEFAULT_MODEL, resolve_tokenizer_path(tokenizer))
    return _target(settings.model, resolve_tokenizer_path(settings.tokenizer, settings.root))


def count_example(example: "Example", model: "str | Settings | None" = None, *, tokenizer: str | None = None,
                  value: Any = None) -> ExampleTokens:
    """Token counts of a normalized example (``value``: the record's JSON, for image details)."""
    return target(model, tokenizer).examples.example(example, value)


def count_text(text: str, model: "str | Settings | None" = None, tokenizer: str | None = None) -> int:
    return target(model, tokenizer).counter.count(text)


_EXTRA_KEY = "jsonl_lint.tokens"


_FAST: dict[tuple, Target] = {}
# The settings object of the latest call and its target: a run asks several times per
# record with the same (frozen) settings, and the key above costs three attribute reads.
_LAST: list = [None, None]


def _target_for(settings: "Settings") -> Target:
    if _LAST[0] is settings:
        return _LAST[1]
    key = (settings.model, settings.tokenizer, settings.root)
    t = _FAST.get(key)
    if t is None:
        t = _FAST[key] = target(settings)
    _LAST[0], _LAST[1] = settings, t
    return t


@stage("tokenization")
def count_record(record: "Record", settings: "Settings") -> ExampleTokens | None:
    """Counts of a record's example, computed once per record and target (rules share it)."""
    cached = record.extra.get(_EXTRA_KEY)
    if cached is not None and (cached[0] is settings or cached[1] == (settings.model, settings.tokenizer)):
        return cached[2]
    if record.format is None:
        return None
    return _count(record, settings, _target_for(settings).examples, record.plain)


@stage("tokenization")
def count_records(records: "list[Record]", settings: "Settings") -> None:
    """Count many records at once (cached on each, as :func:`count_record` does): the texts
    the formula counts without its memo are tokenized first, in one loop."""
    examples = _target_for(settings).examples
    todo = []
    for r in records:
        if r.format is None or _EXTRA_KEY in r.extra:
            continue
        if examples in r.extra:  # counted for a target with the same tokenizer and template
            r.extra[_EXTRA_KEY] = (settings, (settings.model, settings.tokenizer), r.extra[examples])
        else:
            todo.append((r, r.plain))
    examples.counter.prefetch(_unrepeated_texts(todo))
    for record, plain in todo:
        _count(record, settings, examples, plain)


def _unrepeated_texts(todo: list) -> list[str]:
    """The texts of (record, plain) pairs that ExampleCounter._turn counts without its memo
    (system prompts repeat, so they are counted with it and not prefetched)."""
    texts: list[str] = []
    for record, plain in todo:
        if plain is not None:
            shape, messages, _ = plain
            turns = ((shape.role(m), m[shape.text_key]) for m in messages)
        else:
            turns = ((t.role, t.full_text) for t in record.example.all_turns)
        texts += [text for role, text in turns if text and role not in REPEATED_ROLES]
    return texts


def _count(record: "Record", settings: "Settings", examples: ExampleCounter, plain: tuple | None) -> ExampleTokens:
    result = examples.messages(*plain) if plain is not None else examples.example(record.example, record.value)
    record.extra[_EXTRA_KEY] = (settings, (settings.model, settings.tokenizer), result)
    record.extra[examples] = result  # what count_with finds for the same tokenizer and template
    return result


def count_with(record: "Record", examples: ExampleCounter) -> ExampleTokens | None:
    """Counts of a record's example with one :func:`example_counter` (cached on the record)."""
    found = record.extra.get(examples)
    if found is not None or record.format is None:
        return found
    return _count_with(record, examples, record.plain)


def count_records_with(records: "list[Record]", examples: ExampleCounter) -> None:
    """:func:`count_with` for many records, their texts tokenized in one loop first."""
    todo = [(r, r.plain) for r in records if r.format is not None and examples not in r.extra]
    examples.counter.prefetch(_unrepeated_texts(todo))
    for record, plain in todo:
        _count_with(record, examples, plain)


def _count_with(record: "Record", examples: ExampleCounter, plain: tuple | None) -> ExampleTokens:
    result = record.extra[examples] = (examples.messages(*plain) if plain is not None
                                       else examples.example(record.example, record.value))
    return result


def bound(record: "Record", settings: "Settings") -> float:
    """A number of tokens the record's example surely does not exceed, found without
    tokenizing: :func:`bound_with` the run's model."""
    return bound_with(record, _target_for(settings).examples)


def bound_with(record: "Record", examples: ExampleCounter) -> float:
    """:func:`bound` for one :func:`example_counter` (byte lengths: see
    :func:`counting.bound_messages`, with its chat template); infinite when the tokenizer's
    tokens need not cover a byte each (SentencePiece, Qwen's NFC step, a local
    tokenizer.json), 0 for no example. Remembered on the record."""
    key = ("bound", examples)
    found = record.extra.get(key)
    if found is None:
        found = record.extra[key] = _bound(record, examples)
    return found


def _bound(record: "Record", examples: ExampleCounter) -> float:
    if record.format is None:
        return 0
    if not examples.counter.bytes_bound:
        return float("inf")
    plain = record.plain
    if plain is not None:
        return counting.bound_messages(*plain, template=examples.template)
    return counting.bound_example(record.example, record.value, examples)


def trains_something(record: "Record", settings: "Settings") -> bool | None:
    """Whether the record's example has trained tokens, without tokenizing; None when
    that needs the count (a local tokenizer.json may count a text as 0 tokens)."""
    if record.format is None or settings.tokenizer:
        return None
    plain = record.plain
    if plain is not None:
        return counting.plain_trains_something(plain[0], plain[1])
    return counting.trains_something(record.example)


def image_tokens(record: "Record", settings: "Settings") -> tuple[int, str]:
    """(estimated image tokens, pointer of the first turn with images) of the record's
    example, as :func:`count_record` has them, without tokenizing."""
    if record.format is None or record.plain is not None:
        return 0, ""  # plain records have string contents: no images
    examples = _target_for(settings).examples
    total, first = 0, ""
    for t in record.example.all_turns:
        if t.images:
            total += examples.images(t, record.value)
            first = first or t.pointer
    return total, first


def clear_caches() -> None:
    from .encodings import clear_cache

    _target.cache_clear()
    example_counter.cache_clear()
    _FAST.clear()
    _LAST[0] = _LAST[1] = None
    clear_cache()
