from __future__ import annotations

from dataclasses import dataclass, field

from ...diagnostics import Edit, Finding, Fix, RecordRef, Severity
from ...rule import Context, DatasetRule

MAX_REFS = 10_000  # lines kept per style per file; enough to report every minority line in practice


@dataclass
class _FileEndings:
    # (record, length of its text in code points): the fix edits right after the text.
    lf: list[tuple[RecordRef, int]] = field(default_factory=list)
    crlf: list[tuple[RecordRef, int]] = field(default_factory=list)
    lf_count: int = 0
    crlf_count: int = 0


class MixedLineEndings(DatasetRule[dict]):
    r"""Reports files that mix `\n` and `\r\n` line endings.

    ## What it does
    Counts the line endings of each JSONL file and, when both styles occur, reports
    the lines that use the minority style. The fix rewrites those line endings to
    the file's majority style.

    ## Why it matters for fine-tuning
    Mixed endings are a sign of records pasted together from different tools; a
    stray `\r` ends up inside text when the file is split naively, and diffs of the
    dataset become unreadable.

    ## Example
    ```jsonl
    {"prompt": "a", "completion": "b"}
    {"prompt": "c", "completion": "d"}
    {"prompt": "e", "completion": "f"}\r
    ```

    ## Use instead
    ```jsonl
    {"prompt": "a", "completion": "b"}
    {"prompt": "c", "completion": "d"}
    {"prompt": "e", "completion": "f"}
    ```
    """

    code = "JL007"
    name = "mixed-line-endings"
    summary = "File mixes LF and CRLF line endings"
    severity = Severity.INFO
    fixable = "always"
    requires = "raw"

    def initial(self, ctx: Context) -> dict:
        return {}

    def collect(self, state: dict, record, ctx: Context) -> None:
        if not record.newline or record.container != "jsonl":
            return
        f = state.get(record.path)
        if f is None:  # not setdefault: that builds a tally for every record
            f = state[record.path] = _FileEndings()
        if record.newline == "\r\n":
            f.crlf_count += 1
            if len(f.crlf) < MAX_REFS:
                f.crlf.append((record.ref, len(record.text)))
        else:
            f.lf_count += 1
            if len(f.lf) < MAX_REFS:
                f.lf.append((record.ref, len(record.text)))

    def merge(self, states: list[dict]) -> dict:
        out: dict = {}
        for state in states:
            for path, f in state.items():
                m = out.setdefault(path, _FileEndings())
                m.lf = (m.lf + f.lf)[:MAX_REFS]  # the first lines of the file, as a serial run keeps
                m.crlf = (m.crlf + f.crlf)[:MAX_REFS]
                m.lf_count += f.lf_count
                m.crlf_count += f.crlf_count
        return out

    def finish(self, state: dict, ctx: Context):
        for path, f in state.items():
            if not f.lf_count or not f.crlf_count:
                continue
            majority_crlf = f.crlf_count > f.lf_count
            minority = f.lf if majority_crlf else f.crlf
            style, other = ("CRLF", "LF") if majority_crlf else ("LF", "CRLF")
            total = f.lf_count + f.crlf_count
            share = max(f.lf_count, f.crlf_count) / total
            for ref, end in minority:
                edit = Edit(end, end, "\r") if majority_crlf else Edit(end, end + 1, "")
                yield Finding(f"line ends with {other}; {share:.0%} of this file's {total:,} lines end with {style}",
                              record=ref, fix=Fix(f"Use {style} like the rest of the file", (edit,)))

