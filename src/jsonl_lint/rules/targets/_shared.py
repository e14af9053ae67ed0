"""Helpers shared by the JL9xx target rules (not a rule module).

Every JL9xx rule reads one section of each target profile of the run (``--target`` /
``target``); with no target they check nothing. A finding names its target (the
``target`` field of JSON and SARIF findings, and the message's first word), the
requirement, and what the target does about it; its severity follows the section's
``on-violation``: ``reject`` is an error, everything the target does silently (skip,
truncate, train, ignore) a warning.
"""

from __future__ import annotations

from typing import Any

from ...diagnostics import Finding, Severity
from ...rule import Context
from ...targets import RunTarget, run_targets

EFFECT = {
    "reject": "the upload or job is rejected",
    "drop": "the trainer skips the example with only a log warning",
    "truncate": "training truncates the example",
    "train": "training learns what you did not mean it to",
    "ignore": "the target ignores it",
}


def targets(ctx: Context) -> tuple[RunTarget, ...]:
    """The run's targets (resolved once per run, kept in the context's cache)."""
    found = ctx.cache.get("targets")
    if found is None:
        found = ctx.cache["targets"] = run_targets(ctx.settings)
    return found


def severity(on_violation: str) -> Severity:
    return Severity.ERROR if on_violation == "reject" else Severity.WARNING


def finding(rt: RunTarget, on_violation: str, message: str, pointer: str = "", confirmed: bool = True,
            **kw: Any) -> Finding:
    """A finding about ``rt``: "NAME: message (effect)", with the severity of ``on_violation``.
    A rejection no source states directly (``confirmed`` False) is a warning: the target
    may take the record after all."""
    how = severity(on_violation) if confirmed else Severity.WARNING
    effect = EFFECT[on_violation] if confirmed else f"{EFFECT[on_violation]}, unconfirmed"
    return Finding(f"{rt.name}: {message} ({effect})", pointer=pointer, severity=how, target=rt.name, **kw)


def role_of(msg: dict, dialect) -> str:
    """A raw message's role, normalized as the record's dialect spells it (``gpt`` -> assistant)."""
    raw = msg.get(dialect.role_key)
    if not isinstance(raw, str):
        return ""
    return dialect.roles.get(raw.lower(), raw) if dialect.roles else raw


def roles_phrase(roles) -> str:
    roles = list(roles)
    return roles[0] if len(roles) == 1 else ", ".join(roles[:-1]) + " or " + roles[-1]
