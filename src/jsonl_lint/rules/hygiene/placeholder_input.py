from __future__ import annotations

import re

from ...diagnostics import Applicability, Finding, Fix, Severity
from ...rule import Context, RecordRule
from ._shared import whole_value_edit

NO_INPUT = re.compile(
    r"^\s*[<(\[{]?\s*(?:no[\s_-]*inputs?(?:\s+(?:required|needed|provided|given|necessary))?|none|n/?a|null|nil|"
    r"not applicable|empty|blank|-+|\.\.\.|…)\s*[>)\]}]?\s*\.?\s*$",
    re.I,
)


class PlaceholderInput(RecordRule):
    """Reports Alpaca `input` fields that say "no input" instead of being empty.

    ## What it does
    In Alpaca-style records, an `input` such as `<noinput>`, `No input`, `N/A` or
    `None` is reported, and the safe fix empties it (`""`), which is how trainers
    expect "no input" to be written.

    ## Why it matters for fine-tuning
    Trainers format an empty input differently (they drop the "Input:" block); a
    placeholder string is instead inserted into the prompt verbatim, so the model
    learns that "<noinput>" is part of a request. The Alpaca-cleaned authors list
    inconsistent empty-input markers among the defects of the original data.

    ## Example
    ```jsonl
    {"instruction": "Write a haiku about rain.", "input": "<noinput>", "output": "Soft rain on the roof"}
    ```

    ## Use instead
    ```jsonl
    {"instruction": "Write a haiku about rain.", "input": "", "output": "Soft rain on the roof"}
    ```
    """

    code = "JL802"
    name = "placeholder-input"
    summary = "Input says 'no input' instead of being empty"
    severity = Severity.WARNING
    fixable = "always"
    requires = "object"

    def check(self, record, ctx: Context):
        value = record.value
        inp = value.get("input")
        if not isinstance(inp, str) or not inp or "instruction" not in value or not NO_INPUT.match(inp):
            return
        edit = whole_value_edit(record, "/input", '""')
        fix = Fix("Empty the input", (edit,), Applicability.SAFE) if edit else None
        yield Finding(f'input is the placeholder "{inp.strip()}"; write an absent input as "" so the trainer '
                      f"leaves the Input block out instead of showing the model this text", "/input", None, fix=fix)
