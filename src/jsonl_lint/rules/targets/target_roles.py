from __future__ import annotations

from ...diagnostics import Severity
from ...rule import Context, RecordRule
from ._shared import finding, roles_phrase, targets

SYSTEM_ROLES = ("system", "developer")


def _role(turn) -> str:
    return "system" if turn.role in SYSTEM_ROLES else turn.role


class TargetRoles(RecordRule):
    """Reports roles and role orders a target does not take.

    ## What it does
    For every target of `--target`, the conversation (the prompt and the chosen answer)
    is checked against the profile's role rules: which roles exist, where a system
    prompt may stand (first only on Together and Fireworks, a separate field on Bedrock
    and Vertex), which role comes first and last, strict alternation of the prompt side
    (user, tool results) and the answer side (assistant) where the target requires it
    (Together, Bedrock, Vertex, LLaMA-Factory), roles that must not repeat (two assistant
    messages in a row fail on Azure), Mistral's table of allowed transitions, the
    minimum number of messages and an even count (LLaMA-Factory). One finding per
    broken rule and record, at the first message that breaks it. A record with tool
    results is left to target-tool-calls for a target that takes no tools (one finding,
    not a role one too: the roles change once the calls are taken out).

    ## Why it matters for fine-tuning
    OpenAI tolerates two user messages in a row; Together rejects the file ("Invalid role
    turns on line N"), Azure fails with "contains invalid schema (20)" and no line, and
    LLaMA-Factory skips the example with only a log line, so it is silently missing from
    training.

    ## Example
    With `--target together`:
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Are you there?"}, {"role": "assistant", "content": "Yes!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi. Are you there?"}, {"role": "assistant", "content": "Yes!"}]}
    ```
    """

    code = "JL902"
    needs_target = True
    name = "target-roles"
    summary = "Roles or their order are not what the target takes"
    severity = Severity.ERROR
    example_settings = {"target": ["together"]}

    def check(self, record, ctx: Context):
        if not targets(ctx):
            return  # no target in the run (the default): nothing to look at
        turns = [t for t in record.example.turns if t.role]
        if not turns:
            return
        tool_results = any(t.role == "tool" for t in turns)
        for rt in targets(ctx):
            if tool_results and not rt.tools_supported:
                continue  # target-tool-calls reports the record; its roles change with the calls taken out
            for message, pointer in _problems(rt.profile.roles, turns):
                yield finding(rt, rt.profile.roles.on_violation, message, pointer=pointer)


def _problems(rules, turns):
    """(message, pointer) for each broken rule, first occurrence only."""
    roles = [_role(t) for t in turns]
    allowed = set(rules.allowed) | ({"system"} if "developer" in rules.allowed else set())
    bad = next((t for t, r in zip(turns, roles) if r not in allowed), None)
    if bad is not None:
        yield f"role `{bad.raw_role or bad.role}` is not one it takes (takes: {', '.join(rules.allowed)})", bad.pointer
    lead = 0
    while lead < len(roles) and roles[lead] == "system":
        lead += 1
    body, body_roles = turns[lead:], roles[lead:]
    if "system" in roles:
        if rules.system == "none":
            t = turns[roles.index("system")]
            yield "takes no system prompt", t.pointer
        elif rules.system in ("first", "separate") and "system" in body_roles:
            t = body[body_roles.index("system")]
            where = "before the first message" if rules.system == "first" else "in its own system field, so only " \
                                                                             "leading system messages can move there"
            yield f"a system message may only stand {where}; this one follows other messages", t.pointer
        if rules.max_system is not None and roles.count("system") > rules.max_system:
            t = [t for t, r in zip(turns, roles) if r == "system"][rules.max_system]
            yield f"takes at most {rules.max_system} system message(s); this example has {roles.count('system')}", \
                t.pointer
    counted = body if rules.system == "separate" else turns
    if len(counted) < rules.min_messages:
        yield (f"needs at least {rules.min_messages} messages{' besides the system prompt' if counted is body else ''};"
               f" this example has {len(counted)}"), turns[-1].pointer
    if len(turns) == 1 and rules.single_message is not None and roles[0] not in rules.single_message:
        yield f"a one-message example must be {roles_phrase(rules.single_message)}", turns[0].pointer
    if body and rules.first is not None and body_roles[0] not in rules.first:
        yield (f"the conversation must start with {roles_phrase(rules.first)} (after any system prompt), "
               f"not {body_roles[0]}"), body[0].pointer
    if rules.last is not None and roles[-1] not in rules.last:
        yield f"the conversation must end with {roles_phrase(rules.last)}, not {roles[-1]}", turns[-1].pointer
    if rules.alternate and bad is None:  # an unknown role already explains the order
        yield from _alternation(rules, body, body_roles)
    for i in range(1, len(roles)):
        if roles[i] == roles[i - 1] and roles[i] in rules.no_repeat:
            yield f"two {roles[i]} messages in a row are rejected", turns[i].pointer
            break
    if rules.transitions is not None and bad is None:
        for i in range(1, len(roles)):
            nxt = rules.transitions.get(roles[i - 1])
            if nxt is not None and roles[i] not in nxt:
                yield (f"{roles[i]} may not follow {roles[i - 1]} (after {roles[i - 1]} come "
                       f"{roles_phrase(nxt)})"), turns[i].pointer
                break
    if rules.require_assistant and "assistant" not in roles:
        yield "needs at least one assistant message", turns[-1].pointer
    if rules.require_user and "user" not in roles:
        yield "needs at least one user message", turns[0].pointer
    if rules.even_count and len(body) % 2:
        yield (f"needs an even number of messages after the system prompt (prompt, answer, prompt, answer ...); "
               f"this example has {len(body)}"), body[-1].pointer if body else turns[-1].pointer


def _alternation(rules, body, body_roles):
    """Prompt side and answer side must take turns; consecutive tool results count as one
    (the answers to one batch of parallel calls)."""
    prompt, answer = set(rules.prompt_side), set(rules.answer_side)
    previous = previous_role = None
    for t, role in zip(body, body_roles):
        side = "prompt" if role in prompt else "answer" if role in answer else None
        if side is None:
            continue
        if side == previous and not (role == "tool" and previous_role == "tool"):
            other = roles_phrase(rules.answer_side if side == "prompt" else rules.prompt_side)
            yield (f"messages must alternate between {roles_phrase(rules.prompt_side)} and "
                   f"{roles_phrase(rules.answer_side)}, but {previous_role} is followed by {role} "
                   f"(expected {other}; merge the two or insert the missing turn)"), t.pointer
            return
        previous, previous_role = side, role
