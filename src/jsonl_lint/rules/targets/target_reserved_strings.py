from __future__ import annotations

import re

from ...diagnostics import Severity
from ...rule import Context, RecordRule
from ._shared import finding, targets


class TargetReservedStrings(RecordRule):
    """Reports strings a target reserves and rejects inside the text of an example.

    ## What it does
    For every target of `--target` whose profile lists reserved strings, searches every
    turn's text (system prompt included) and reports the first one in each turn:
    Bedrock Nova rejects its role labels and special tokens (`User:`, `USER:`,
    `Assistant:`, `System:`, `Bot:`, `Thought:`, `<image>`, `<video>`, `[EOS]`, as its
    validator lists them);
    OpenAI's validator rejects its encodings' special-token strings such as
    `<|fim_suffix|>`.

    ## Why it matters for fine-tuning
    Nova's job fails with "Invalid text content, following tokens are invalid: User:";
    OpenAI's with "Example 6174 message contains an invalid token: <|fim_suffix|>". Both
    say so only after the upload, and transcripts and code datasets are full of them.

    ## Example
    With `--target bedrock-nova`:
    ```jsonl
    {"messages": [{"role": "user", "content": [{"text": "Summarize: User: hi Bot: hello"}]}, {"role": "assistant", "content": [{"text": "A greeting."}]}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": [{"text": "Summarize: (customer) hi (agent) hello"}]}, {"role": "assistant", "content": [{"text": "A greeting."}]}]}
    ```
    """

    code = "JL906"
    needs_target = True
    name = "target-reserved-strings"
    summary = "Text contains a string the target reserves"
    severity = Severity.ERROR
    example_settings = {"target": ["bedrock-nova"]}

    def check(self, record, ctx: Context):
        for rt in targets(ctx):
            reserved = rt.profile.reserved
            if reserved is None or not reserved.strings:
                continue
            pattern = _pattern(tuple(reserved.strings), reserved.ignorecase)
            doubtful = "strings" in reserved.unconfirmed
            for turn in record.example.all_turns:
                m = pattern.search(turn.text) if turn.text else None
                if m is None:
                    continue
                pointer, span = turn.locate(m.start(), m.end())
                yield finding(rt, reserved.on_violation, f"{m.group(0)!r} is a reserved string there",
                              pointer=pointer, span=span,
                              confirmed=not doubtful or m.group(0) in reserved.seen_rejected)


_PATTERNS: dict[tuple, re.Pattern] = {}


def _pattern(strings: tuple[str, ...], ignorecase: bool) -> re.Pattern:
    key = (strings, ignorecase)
    found = _PATTERNS.get(key)
    if found is None:
        found = _PATTERNS[key] = re.compile("|".join(map(re.escape, strings)), re.I if ignorecase else 0)
    return found
