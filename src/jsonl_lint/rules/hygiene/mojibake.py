from __future__ import annotations

import re
from typing import NamedTuple

import orjson

from ...diagnostics import Applicability, Finding, Fix, Severity
from ...rule import Context, RecordRule
from ._shared import raw_edit, visible

# What UTF-8 bytes look like when read as Latin-1 or Windows-1252: a lead byte (U+00C2-U+00F4)
# followed by a continuation byte (U+0080-U+00BF, or the Windows-1252 letters 0x80-0x9F map to).
_CP1252 = "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a\u201c" \
          "\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_HINT = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252}]")
_ESCAPED_LEAD = re.compile(r"\\u00[c-fC-F][0-9a-fA-F]")
# A run of such characters: what ftfy is asked to re-decode (ASCII around it is never part of it).
_RUN = re.compile(f"[\u0080-\u00ff{_CP1252}]{{2,}}")


class Repair(NamedTuple):
    start: int
    end: int
    text: str  # the repaired characters


def mojibake_repairs(text: str) -> list[Repair]:
    """Runs of ``text`` that are UTF-8 decoded with the wrong codec, with ftfy's repair."""
    if text.isascii() or not _HINT.search(text):
        return []
    from ftfy import fix_encoding  # on the first suspicious string only: 65-130 ms, mostly wcwidth

    repairs = []
    for m in _RUN.finditer(text):
        if not _HINT.search(m.group()):
            continue
        fixed = fix_encoding(m.group())
        if fixed != m.group():
            repairs.append(Repair(m.start(), m.end(), fixed))
    return repairs


def may_have_mojibake(raw: str) -> bool:
    """Cheap test on the raw record: a lead-byte character written raw or as an escape."""
    return (not raw.isascii() and bool(_HINT.search(raw))) or ("\\u00" in raw and bool(_ESCAPED_LEAD.search(raw)))


class Mojibake(RecordRule):
    """Reports mojibake: UTF-8 text decoded with the wrong codec ("â€”" for "—", "Ã©" for "é").

    ## What it does
    Finds runs of characters that are UTF-8 bytes read as Latin-1 or Windows-1252 and
    repairs them with [ftfy](https://ftfy.readthedocs.io): `"â€™"` becomes `’`,
    `"Ã‰poque"` becomes `Époque`, and `"â\\u0080\\u0094"` (with invisible C1 control
    characters) becomes `—`. One finding per string, showing the first run before and
    after, with an unsafe fix that writes every repair (review it: a text *about*
    mojibake is rare but possible).

    ## Why it matters for fine-tuning
    The model learns to write "donâ€™t" and "cafÃ©". Control characters left by the
    wrong decoding are invisible in most editors, and deleting them leaves "â" where an
    em dash belonged: only re-decoding restores the text.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Quote it."}, {"role": "assistant", "content": "She said: â€œdonâ€™t goâ€\u009d."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Quote it."}, {"role": "assistant", "content": "She said: “don’t go”."}]}
    ```
    """

    code = "JL809"
    name = "mojibake"
    summary = "Text decoded with the wrong codec (mojibake)"
    severity = Severity.WARNING
    fixable = "sometimes"
    requires = "json"

    def check(self, record, ctx: Context):
        if not may_have_mojibake(record.text):
            return
        for pointer, text in record.string_values:
            repairs = mojibake_repairs(text)
            if not repairs:
                continue
            first = repairs[0]
            edits = tuple(raw_edit(record, pointer, (r.start, r.end), orjson.dumps(r.text).decode()[1:-1])
                          for r in repairs)
            n = len(repairs)
            fix = Fix(f"Re-decode {n} mojibake run{'s' if n > 1 else ''} as UTF-8", edits, Applicability.UNSAFE) \
                if all(edits) else None
            before = visible(text[first.start:first.end])
            more = f" ({n - 1} more in this string)" if n > 1 else ""
            yield Finding(f"mojibake {before} reads \"{first.text}\" when re-decoded as UTF-8{more}: UTF-8 text was "
                          f"decoded as Latin-1 or Windows-1252 and the model would learn the garbled characters",
                          pointer, (first.start, first.end), fix=fix)
