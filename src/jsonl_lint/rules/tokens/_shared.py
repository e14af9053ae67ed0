"""Helpers shared by the JL6xx rules (not a rule module)."""

from __future__ import annotations

from ... import tokens
from ...reader import Record
from ...rule import Context


EVERY = 0.0  # counted_from: the rule needs the counts of every record
NONE = float("inf")  # counted_from: the rule never needs counts to pass a record


def prepare_tokens(rule, settings) -> None:
    """Rule.prepare for JL6xx: resolve the target (the encoding file found and verified)
    before workers fork; the encoding itself loads when a record is first tokenized."""
    tokens.target(settings)


def token_prefetch():
    """A Rule.prefetch hook for one JL6xx rule class (each class its own function, so the
    engine calls each): count, in one tokenizer loop, the chunk's records the rule may
    report, those whose :func:`tokens.bound` reaches ``rule.counted_from(ctx)``. Records far
    below every limit are never tokenized."""

    def prefetch(rule, records: list[Record], ctx: Context) -> None:
        start = rule.counted_from(ctx)
        if start == NONE:
            return
        settings = ctx.settings
        todo = records if start <= EVERY else [r for r in records if tokens.bound(r, settings) >= start]
        if todo:
            tokens.count_records(todo, settings)

    return prefetch


def counts(record: Record, ctx: Context) -> tokens.ExampleTokens | None:
    return tokens.count_record(record, ctx.settings)


def n(value: int | float) -> str:
    return f"{value:,}"


def where(turn_tokens: tokens.TurnTokens) -> str:
    label = f"{turn_tokens.branch} " if turn_tokens.branch else ""
    return f"{label}{turn_tokens.role or 'message'} message at {turn_tokens.pointer}"


def locate_token(record: Record, ctx: Context, tt: tokens.TurnTokens, keep: int) -> tuple[str, tuple[int, int] | None]:
    """Pointer and decoded span from content token ``keep`` of a turn to the end of its text
    (the part training would lose); the whole turn when the point is not in its text."""
    turn = record.example.all_turns[tt.index]
    if not turn.text or keep >= tt.content or not turn.segments:
        return turn.pointer, None
    counter = tokens.target(ctx.settings).counter
    start = counter.char_offset(turn.text, keep)
    return turn.locate(start, len(turn.text))


def limit_of(ctx: Context, override: int | None) -> tuple[int | None, str]:
    """The per-example limit and a phrase naming where it comes from: the rule's own
    option, else example-over-token-limit's (so JL601 and JL602 agree), else the model's.
    Asked for every record, so kept in the context's cache."""
    key = ("token-limit", override)
    found = ctx.cache.get(key)
    if found is None:
        found = ctx.cache[key] = _limit(ctx, override)
    return found


def _limit(ctx: Context, override: int | None) -> tuple[int | None, str]:
    if override:
        return override, "the configured limit"
    rules = ctx.settings.rules
    if rules:
        for key in ("example-over-token-limit", "JL601"):
            value = rules.get(key, {}).get("limit")
            if value:
                return int(value), "the configured limit"
    t = tokens._target_for(ctx.settings)
    if t.limit is None:
        return None, ""
    return t.limit, f"the training limit of {t.name}"
