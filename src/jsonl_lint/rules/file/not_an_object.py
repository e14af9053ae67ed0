from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule

JSON_TYPES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean",
              type(None): "null"}


class NotAnObject(RecordRule):
    """Reports records that are valid JSON but not JSON objects.

    ## What it does
    Every fine-tuning format stores one example per record as a JSON object. Arrays,
    strings, numbers and `null` are reported with their type.

    ## Why it matters for fine-tuning
    Providers reject the file; a stray array usually means a JSON-array dataset was
    saved with a `.jsonl` name, or records were nested one level too deep.

    ## Example
    ```jsonl
    [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL002"
    name = "not-an-object"
    summary = "Record is not a JSON object"
    severity = Severity.ERROR
    requires = "json"

    def check(self, record, ctx: Context):
        if isinstance(record.value, dict):
            return
        kind = JSON_TYPES.get(type(record.value), type(record.value).__name__)
        hint = ""
        if isinstance(record.value, list) and record.value and all(isinstance(v, dict) for v in record.value):
            first = record.value[0]
            if "role" in first:
                hint = '; it looks like a bare message list: wrap it as {"messages": [...]}'
            else:
                hint = "; a JSON-array dataset belongs in a .json file, or write one object per line"
        yield Finding(f"record is {kind}, expected a JSON object{hint}")
