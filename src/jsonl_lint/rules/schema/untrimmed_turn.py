from __future__ import annotations

import json

from ...diagnostics import Edit, Finding, Fix, Severity
from ...rule import Context, RecordRule


# Ordinary whitespace only: a leading form feed or vertical tab is usually a swallowed
# "\\f" / "\\v" (swallowed-escape) and must not be trimmed away.
_TRIM = " \t\n\r\u00a0\u3000"


class UntrimmedTurn(RecordRule):
    """Reports turns whose text starts or ends with whitespace.

    ## What it does
    Flags whitespace at the ends of a turn's text that changes what the model learns to
    write: a leading space or tab (the space a detokenizer leaves before " Sure, ..."
    makes the first token a different one), blank lines before or after the text
    (padding), and runs of three or more spaces at the end. A single line break or one
    or two spaces at an end are formatting noise and are not reported. The safe fix
    removes the whitespace, editing only the characters inside the JSON string.

    ## Why it matters for fine-tuning
    The model learns to emit the whitespace too (an answer that ends in "\\n\\n" teaches
    the model to pad every reply), and near-duplicate checks see two texts as
    different.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!\\n\\n"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL116"
    name = "untrimmed-turn"
    summary = "Turn text has leading or trailing whitespace"
    preview = True  # true share 0.69 on the corpora (docs/precision.md)
    severity = Severity.INFO
    fixable = "sometimes"

    def check(self, record, ctx: Context):
        for turn in record.example.all_turns:
            for seg in turn.segments:
                if seg.value_offset:  # a slice of a transcript string: not separately trimmable
                    continue
                text = turn.text[seg.turn_offset: seg.turn_offset + seg.length]
                stripped = text.strip(_TRIM)
                if stripped == text or not stripped:
                    continue
                lead = len(text) - len(text.lstrip(_TRIM))
                trail = len(text) - len(text.rstrip(_TRIM))
                head, tail = text[:lead], text[len(text) - trail:]
                if not (" " in head or "\t" in head or head.count("\n") >= 2):
                    lead = 0
                if not (tail.count("\n") >= 2 or len(tail.replace("\r", "")) >= 3):
                    trail = 0
                if not (lead or trail):
                    continue
                sm = record.source_map
                node = sm.find(seg.pointer)
                edits = []
                if lead:
                    s, e = sm.string_span(node, (0, lead))
                    edits.append(Edit(s, e, ""))
                if trail:
                    s, e = sm.string_span(node, (len(text) - trail, len(text)))
                    edits.append(Edit(s, e, ""))
                where = " and ".join(w for w, n in (("leading", lead), ("trailing", trail)) if n)
                shown = json.dumps(text[:lead] if lead else text[len(text) - trail:])
                yield Finding(f"{turn.role} text has {where} whitespace ({shown})", pointer=seg.pointer,
                              span=(0, lead) if lead else (len(text) - trail, len(text)),
                              fix=Fix("Trim whitespace", tuple(edits)))
