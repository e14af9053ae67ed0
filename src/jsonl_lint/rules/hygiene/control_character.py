from __future__ import annotations

import re
from collections import Counter

from ...diagnostics import Applicability, Finding, Fix, Severity
from ...rule import Context, RecordRule
from ._shared import raw_edit
from .mojibake import mojibake_repairs
from .swallowed_escape import lost_backslashes

# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Cheap test on the raw line: control characters appear escaped in valid JSON (\u0000-\u001f,
# \b, \f) or raw (DEL and C1). A match here only means "look closer".
_RAW_HINT = re.compile(r"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|\\[bf]")
# C1 characters (U+0080-U+009F) are exactly the UTF-8 pairs C2 80-C2 9F: a search for a
# literal byte and its follower instead of a class test at every character of the line.
_RAW_C1 = re.compile(rb"\xc2[\x80-\x9f]")
# Controls that separate text (vertical tab, form feed, the information separators): a
# fix keeps a break in their place so "page one\fpage two" does not become "page onepage two".
_SEPARATORS = {"\x0b": "\\n", "\x0c": "\\n", "\x1c": " ", "\x1d": " ", "\x1e": " ", "\x1f": " "}


def _may_have_controls(raw: str) -> bool:
    """Cheap test on the raw line: escapes of controls, or raw DEL / C1 characters."""
    if ("\\u00" in raw or "\\b" in raw or "\\f" in raw) and _RAW_HINT.search(raw):
        return True
    return "\x7f" in raw or (not raw.isascii() and _RAW_C1.search(raw.encode("utf-8", "surrogatepass")) is not None)


def stray_controls(text: str) -> list[int]:
    """Control characters of ``text`` that are neither a swallowed backslash escape
    (swallowed-escape) nor part of repairable mojibake (mojibake): those rules report them."""
    hits = [m.start() for m in _CONTROL.finditer(text)]
    if not hits:
        return hits
    claimed = {x.index for x in lost_backslashes(text)}
    if any(text[i] >= "\x80" for i in hits):
        for r in mojibake_repairs(text):
            claimed.update(range(r.start, r.end))
    return [i for i in hits if i not in claimed]


class ControlCharacter(RecordRule):
    r"""Reports control characters (NUL, escape, C1 codes ...) inside string values.

    ## What it does
    Looks at every string value of a record for control characters other than tab,
    line feed and carriage return: U+0000-U+001F, DEL (U+007F) and the C1 range
    U+0080-U+009F. One finding per string, pointing at the first one, with a fix that
    deletes them all (a form feed or vertical tab becomes a line break, an information
    separator a space, so words stay apart): safe for C0 controls and DEL, unsafe when C1 characters are
    among them, since those are usually what is left of mis-decoded text whose other
    bytes are gone. Two causes have their own rules, with a repair instead of a
    deletion: a backslash escape a JSON writer swallowed (`\frac` read as a form feed
    and "rac": swallowed-escape, JL808) and UTF-8 decoded with the wrong codec
    (`â\u0080\u0094` for an em dash: mojibake, JL809).

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
            hits = stray_controls(text)
            if not hits:
                continue
            n = len(hits)
            counts = Counter(f"U+{ord(text[i]):04X}" for i in hits)
            listing = ", ".join(f"{c} ×{k}" if k > 1 else c for c, k in counts.most_common(4))
            c1 = any(text[i] >= "\x80" for i in hits)
            edits = tuple(e for e in (raw_edit(record, pointer, (i, i + 1), _SEPARATORS.get(text[i], ""))
                                      for i in hits) if e is not None)
            kept = " (page breaks and separators become line breaks and spaces)" \
                if any(text[i] in _SEPARATORS for i in hits) else ""
            fix = Fix(f"Delete {n} control character{'s' if n > 1 else ''}{kept}", edits,
                      Applicability.UNSAFE if c1 else Applicability.SAFE) if len(edits) == n else None
            where = pointer or "the record"
            why = ("; C1 characters are usually the remains of text decoded with the wrong codec: check what "
                   "the text said before deleting them") if c1 else "; expected printable text (tab and line breaks are fine)"
            yield Finding(f"{n} control character{'s' if n > 1 else ''} ({listing}) in {where}{why}",
                          pointer, (hits[0], hits[0] + 1), fix=fix)
