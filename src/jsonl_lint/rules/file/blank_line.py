from __future__ import annotations

from ...diagnostics import Edit, Finding, Fix, Severity
from ...rule import Context, RecordRule


class BlankLine(RecordRule):
    """Reports empty or whitespace-only lines in JSONL files.

    ## What it does
    Flags lines that hold no record. The fix deletes them.

    ## Why it matters for fine-tuning
    Several providers reject a JSONL file with an empty line, and line counts stop
    matching record counts, which makes every later report harder to follow.

    ## Example
    ```jsonl
    {"prompt": "2+2=", "completion": "4"}

    {"prompt": "3+3=", "completion": "6"}
    ```

    ## Use instead
    ```jsonl
    {"prompt": "2+2=", "completion": "4"}
    {"prompt": "3+3=", "completion": "6"}
    ```
    """

    code = "JL003"
    name = "blank-line"
    summary = "Blank line in a JSONL file"
    severity = Severity.ERROR
    fixable = "always"
    requires = "raw"

    def check(self, record, ctx: Context):
        if record.blank and record.container == "jsonl" and record.newline:
            fix = Fix("Delete the blank line", (Edit(0, len(record.text), "", delete_record=True),))
            yield Finding("blank line: JSONL has one record per line and no empty lines",
                          raw_range=(0, len(record.text)), fix=fix)
