"""Helpers shared by the JL6xx rules (not a rule module)."""

from __future__ import annotations

from ... import tokens
from ...reader import Record
from ...rule import Context


def prepare_tokens(rule, settings) -> None:
    """Rule.prepare for JL6xx: load the encoding before workers fork."""
    tokens.target(settings)


def prefetch_tokens(rule, records: list[Record], ctx: Context) -> None:
    """Rule.prefetch for JL6xx: count a chunk of records in one tokenizer loop."""
    tokens.count_records(records, ctx.settings)


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
