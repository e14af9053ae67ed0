from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule


class InvalidJson(RecordRule):
    """Reports lines (or JSON-array elements) that are not valid JSON.

    ## What it does
    Parses every record and reports the first syntax error with its exact column.
    When the line is a Python dict repr (single quotes, `True`, `None`) or part of a
    record spread over several lines, the message says so.

    ## Why it matters for fine-tuning
    Providers reject the whole upload for one unparsable line, and notebook checks
    stop at the first one. Every bad line is reported here, each with its position.

    ## Example
    ```jsonl
    {'messages': [{'role': 'user', 'content': 'Hi'}, {'role': 'assistant', 'content': 'Hello!'}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL001"
    name = "invalid-json"
    summary = "Record is not valid JSON"
    severity = Severity.ERROR
    requires = "raw"

    def check(self, record, ctx: Context):
        problem = record.syntax
        if problem is None:
            return
        message = f"invalid JSON: {problem.message}"
        if problem.hint:
            message += f" ({problem.hint})"
        pos = min(problem.position, len(record.text))
        yield Finding(message, raw_range=(pos, min(pos + 1, len(record.text)) if record.text else pos))
