from __future__ import annotations

from ...diagnostics import Edit, Finding, Fix, Severity
from ...rule import Context, RecordRule


class ByteOrderMark(RecordRule):
    """Reports a UTF-8 byte order mark (BOM) at the start of the file.

    ## What it does
    Flags the invisible U+FEFF character that some Windows editors write at the
    start of a file. The fix removes it.

    ## Why it matters for fine-tuning
    Strict JSON parsers (orjson, several providers' validators) reject the first line
    because of it, with an error that points at an invisible character.

    ## Example
    ```jsonl
    ﻿{"prompt": "2+2=", "completion": "4"}
    ```

    ## Use instead
    ```jsonl
    {"prompt": "2+2=", "completion": "4"}
    ```
    """

    code = "JL004"
    name = "byte-order-mark"
    summary = "File starts with a byte order mark"
    severity = Severity.ERROR
    fixable = "always"
    requires = "raw"

    def check(self, record, ctx: Context):
        if record.bom:
            yield Finding("file starts with a UTF-8 byte order mark (U+FEFF); strict JSON parsers reject it",
                          raw_range=(0, 0), fix=Fix("Remove the byte order mark", (Edit(-1, 0, ""),)))
