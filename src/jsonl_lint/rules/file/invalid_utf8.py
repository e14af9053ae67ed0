from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule


class InvalidUtf8(RecordRule):
    r"""Reports lines that are not valid UTF-8.

    ## What it does
    Decodes every line as UTF-8 and reports the column of the first byte that does
    not decode (shown as U+FFFD in the excerpt). The rest of the file is still checked.

    ## Why it matters for fine-tuning
    JSONL must be UTF-8. Files exported from spreadsheets in Latin-1 or Windows-1252
    fail upload, or worse, train the model on mojibake.

    ## Example
    The byte 0xE9 (Latin-1 "é"), written here as `\xe9`:
    ```jsonl
    {"prompt": "caf\xe9", "completion": "coffee"}
    ```

    ## Use instead
    ```jsonl
    {"prompt": "café", "completion": "coffee"}
    ```
    """

    code = "JL005"
    name = "invalid-utf8"
    summary = "Line is not valid UTF-8"
    severity = Severity.ERROR
    requires = "raw"

    def check(self, record, ctx: Context):
        pos = record.encoding_error
        if pos is not None:
            yield Finding("invalid UTF-8 byte sequence; save the file as UTF-8 (was it Latin-1 or Windows-1252?)",
                          raw_range=(pos, pos + 1))
