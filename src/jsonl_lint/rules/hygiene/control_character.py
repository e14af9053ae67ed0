from __future__ import annotations

import re
from collections import Counter

from ...diagnostics import Applicability, Finding, Fix, Severity
from ...rule import Context, RecordRule
from ._shared import raw_edit

# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Cheap test on the raw line: control characters appear escaped in valid JSON (\u0000-\u001f,
# \b, \f) or raw (DEL and C1). A match here only means "look closer".
_RAW_HINT = re.compile(r"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|\\[bf]")
_RAW_C1 = re.compile(r"[\x7f-\x9f]")


def _may_have_controls(raw: str) -> bool:
    """Cheap test on the raw line: escapes of controls, or raw DEL / C1 characters."""
    if ("\\u00" in raw or "\\b" in raw or "\\f" in raw) and _RAW_HINT.search(raw):
        return True
    return "\x7f" in raw or (not raw.isascii() and bool(_RAW_C1.search(raw)))


class ControlCharacter(RecordRule):
    r"""Reports control characters (NUL, backspace, escape, C1 codes ...) inside string values.

    ## What it does
    Looks at every string value of a record for control characters other than tab,
    line feed and carriage return: U+0000-U+001F, DEL (U+007F) and the C1 range
    U+0080-U+009F (often the trace of text decoded with the wrong codec). One finding
    per string, pointing at the first one, with a safe fix that deletes them all.

    ## Why it matters for fine-tuning
    Control characters are invisible in editors and review tools, tokenize into odd
    tokens, and the model can learn to emit them; some providers reject them outright.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello\u0007 there\u001b[0m!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello there!"}]}
    ```
    """

    code = "JL804"
    name = "control-character"
    summary = "Control character in a string value"
    severity = Severity.WARNING
    fixable = "always"
    requires = "json"

    def check(self, record, ctx: Context):
        if not _may_have_controls(record.text):
            return
        for pointer, text in record.string_values:
            hits = [m.start() for m in _CONTROL.finditer(text)]
            if not hits:
                continue
            counts = Counter(f"U+{ord(text[i]):04X}" for i in hits)
            listing = ", ".join(f"{c} ×{n}" if n > 1 else c for c, n in counts.most_common(4))
            edits = tuple(e for e in (raw_edit(record, pointer, (i, i + 1), "") for i in hits) if e is not None)
            fix = Fix(f"Delete {len(hits)} control character{'s' if len(hits) > 1 else ''}", edits,
                      Applicability.SAFE) if len(edits) == len(hits) else None
            where = pointer or "the record"
            yield Finding(f"{len(hits)} control character{'s' if len(hits) > 1 else ''} ({listing}) in {where}; "
                          f"expected printable text (tab and line breaks are fine)", pointer, (hits[0], hits[0] + 1),
                          fix=fix)
