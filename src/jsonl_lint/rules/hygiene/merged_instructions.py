from __future__ import annotations

import re

from ...diagnostics import Applicability, Finding, Fix, Severity
from ...rule import Context, RecordRule
from ._shared import code_spans, excerpt, inside, raw_edit, segment_end

# "2. Instruction:", "### Instruction:", "Instruction 3:" at the start of a line, inside a turn.
_MERGED = re.compile(
    r"(?:^|\n)[ \t]*(?:\d{1,3}[.)][ \t]*Instruction|Instruction[ \t]+\d{1,3}|#{1,4}[ \t]*(?:\d{1,3}[.)][ \t]*)?Instruction)[ \t]*:",
    re.I,
)
# Separator junk left before the merged tail ("##", "<!-- -->", "111", "---").
_JUNK_LINE = re.compile(r"(?:\n[ \t]*(?:#+|<!--.*?-->|\d{1,4}|[-=*_~]{2,})?[ \t]*)+$")


class MergedInstructions(RecordRule):
    r"""Reports records with another task glued on ("2. Instruction: ... 2. Output: ...").

    ## What it does
    Finds lines such as `8. Instruction:`, `11. Input:`, `### Instruction:` or
    `Instruction 2:` inside a turn, outside code: the trace of a generator that
    wrote several tasks into one record. The unsafe fix cuts the answer before the
    glued-on tail (and the separator junk before it).

    ## Why it matters for fine-tuning
    The model learns to keep going after its answer and invent a new instruction
    and answer. The Alpaca-cleaned authors found such merged instructions among the
    defects of the original Alpaca data.

    ## Example
    ```jsonl
    {"instruction": "Name a primary color.", "input": "", "output": "Red.\n\n2. Instruction: Name a fruit.\n2. Input:\n<noinput>\n2. Output:\nApple."}
    ```

    ## Use instead
    ```jsonl
    {"instruction": "Name a primary color.", "input": "", "output": "Red."}
    ```
    """

    code = "JL805"
    name = "merged-instructions"
    summary = "Several instructions merged into one record"
    severity = Severity.ERROR
    fixable = "sometimes"
    requires = "example"

    def check(self, record, ctx: Context):
        for turn in record.example.all_turns:
            text = turn.text
            if not text or "nstruction" not in text:
                continue
            code = code_spans(text)
            for m in _MERGED.finditer(text):
                start = m.start() + (1 if m.group().startswith("\n") else 0)
                if inside(code, start) or not text[:start].strip():
                    continue  # code, or the record's own instruction header
                pointer, span = turn.locate(start, m.end())
                fix = None
                if turn.role == "assistant":
                    cut = start - len(_JUNK_LINE.search(text[:start]).group())
                    where = segment_end(turn, cut)
                    if where is not None and where[0] == pointer:
                        edit = raw_edit(record, pointer, (where[1], where[2]), "")
                        if edit is not None:
                            fix = Fix("Cut the merged tail", (edit,), Applicability.UNSAFE)
                tail = excerpt(text[start:], 50)
                yield Finding(f'{turn.role} turn has another task glued on at "{tail}"; one record should hold one '
                              f"instruction and its answer, or the model learns to invent new tasks after answering",
                              pointer, span, fix=fix)
                break
