from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, DatasetRule


class EmptyFile(DatasetRule[dict]):
    """Reports dataset files that hold no record: 0 bytes, only blank lines, or an empty
    JSON array.

    ## What it does
    Counts the records of each file and reports a file without any, once.

    ## Why it matters for fine-tuning
    Providers reject an empty training file ("File is empty"), and a pipeline that
    wrote nothing (a failed export, a filter that dropped every record) should not
    pass a check silently.

    ## Example
    ```jsonl

    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL009"
    name = "empty-file"
    summary = "File holds no record"
    severity = Severity.ERROR
    requires = "raw"

    def initial(self, ctx: Context) -> dict:
        return {}

    def collect(self, state: dict, record, ctx: Context) -> None:
        """Records are counted per file by the engine (``collect_file``)."""

    def collect_file(self, state: dict, summary, ctx: Context) -> None:
        counts = state.setdefault(summary.path, [0, 0])
        counts[0] += summary.records
        counts[1] += summary.blank

    def merge(self, states: list[dict]) -> dict:
        out: dict = {}
        for state in states:
            for path, (records, blank) in state.items():
                counts = out.setdefault(path, [0, 0])
                counts[0] += records
                counts[1] += blank
        return out

    def finish(self, state: dict, ctx: Context):
        for path, (records, blank) in state.items():
            if records > blank:
                continue
            what = "no records" if not records else f"only blank lines ({blank:,}), no records"
            yield Finding(f"the file is empty: it holds {what}; providers reject an empty training file",
                          path=path)
