from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule


class InvalidUtf8(RecordRule):
    r"""Reports lines that are not valid UTF-8, and escaped lone surrogates.

    ## What it does
    Decodes every line as UTF-8 and reports the column of the first byte that does
    not decode (shown as U+FFFD in the excerpt). The rest of the file is still checked.
    Also reports an escaped lone surrogate such as `"a\ud800b"`: valid JSON, but half
    of a UTF-16 pair that no UTF-8 text can hold.

    ## Why it matters for fine-tuning
    JSONL must be UTF-8. Files exported from spreadsheets in Latin-1 or Windows-1252
    fail upload, or worse, train the model on mojibake. A lone surrogate (often an
    emoji cut in half by a truncation that counted UTF-16 units) breaks tokenizers,
    uploads and parsers such as orjson and serde_json.

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
    summary = "Line is not valid UTF-8, or has an escaped lone surrogate"
    severity = Severity.ERROR
    requires = "raw"

    def check(self, record, ctx: Context):
        pos = record.encoding_error
        if pos is not None:
            yield Finding("invalid UTF-8 byte sequence; save the file as UTF-8 (was it Latin-1 or Windows-1252?)",
                          raw_range=(pos, pos + 1))
        pos = record.lone_surrogate
        if pos is not None:
            yield Finding(f"escaped lone surrogate {record.text[pos:pos + 6]}: half of a UTF-16 pair, which UTF-8 "
                          "cannot encode (tokenizers, uploads and many JSON parsers fail on it); remove it or "
                          "write the whole character", raw_range=(pos, pos + 6))
