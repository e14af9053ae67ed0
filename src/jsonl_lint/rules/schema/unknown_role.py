from __future__ import annotations

import difflib
import json

from ...diagnostics import Edit, Finding, Fix, Severity
from ...rule import Context, RecordRule
from ._messages import PLAIN_DIALECTS, messages, plain


class UnknownRole(RecordRule):
    """Reports messages whose role is not one the format defines.

    ## What it does
    Each dialect defines its roles: OpenAI formats allow `system`, `developer`,
    `user`, `assistant`, `tool` and the deprecated `function`; ShareGPT allows
    `human`, `gpt`, `system`, `function_call`, `observation` and `tool`; Anthropic and
    Bedrock conversations allow `user` and `assistant` (the system prompt is a
    top-level field); Gemini `contents` allow `user` and `model`; a configured mapping
    allows the role names of its `tags`. A misspelled role (`asistant`) gets a safe fix
    to the closest allowed role.

    ## Why it matters for fine-tuning
    Providers reject unknown roles; trainers that template them anyway learn a role
    the model will never see at inference time.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "asistant", "content": "Hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL104"
    name = "unknown-role"
    summary = "Message role is not allowed"
    severity = Severity.ERROR
    fixable = "sometimes"

    def check(self, record, ctx: Context):
        if plain(record):  # string roles: only one outside the dialect's has something to report
            dialect = PLAIN_DIALECTS[record.format]
            role_key, allowed = dialect.role_key, dialect.allowed
            if all(m[role_key] in allowed for m in record.plain[1]):
                return
        for pointer, msg, dialect in messages(record):
            role_key = dialect.role_key
            if role_key not in msg:
                continue
            role = msg[role_key]
            allowed = dialect.allowed
            role_pointer = f"{pointer}/{role_key}"
            if not isinstance(role, str):
                yield Finding(f"`{role_key}` is {json.dumps(role)}, expected a string: one of {', '.join(allowed)}",
                              pointer=role_pointer)
                continue
            if role in allowed:
                continue
            guess = _closest(role, allowed)
            fix = None
            message = f"unknown role {json.dumps(role)}; allowed: {', '.join(allowed)}"
            if guess:
                message += f" (did you mean {json.dumps(guess)}?)"
                node = record.source_map.find(role_pointer)
                fix = Fix(f"Rename role to {json.dumps(guess)}",
                          (Edit(node.value_start, node.value_end, json.dumps(guess)),))
            yield Finding(message, pointer=role_pointer, fix=fix)


def _closest(role: str, allowed: tuple[str, ...]) -> str | None:
    lowered = role.strip().lower()
    if lowered in allowed:
        return lowered
    close = difflib.get_close_matches(lowered, allowed, n=2, cutoff=0.75)
    # Only a single clear candidate is a safe rename.
    return close[0] if len(close) == 1 else None
