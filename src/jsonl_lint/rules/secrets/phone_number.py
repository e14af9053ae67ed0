from __future__ import annotations

import re

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ._scan import digit_shape, in_tool_schema, line_digit_shape, replace_fix, reported_on_chosen, texts, where

# North American numbers need separators (555-123-4567, (555) 123-4567, 555.123.4567);
# international numbers need a leading + and 8 to 15 digits in groups.
_NANP = re.compile(r"(?<![\w+/.-])(?:\+?1[ .-]?)?(?:\((\d{3})\)[ ]?|(\d{3})([-. ]))(\d{3})[-. ](\d{4})(?![\w/-]|\.\d)")
_INTL = re.compile(r"(?<![\w+])\+(?!1\D)\d{1,3}(?:[ .-]\(?\d{1,5}\)?){0,4}[ .-]\d{2,8}(?![\w-]|\.\d)")
# Every NANP candidate contains "<digit><separator><4 digits>" (in a digit shape, see
# ``digit_shape``, the substring b"0-0000"); every international one a "+", 1 to 3 digits,
# a separator and a digit (a regex that starts with a literal, so it is fast).
_NANP_PREFILTER = re.compile(r"\d[-. ]\d{4}")
_INTL_PREFILTER = re.compile(r"\+\d{1,3}[ .-]\(?\d")
_TOLL_FREE = {"800", "833", "844", "855", "866", "877", "888"}
# Words that present a number as an organisation's line, not a person's.
_BUSINESS = re.compile(r"(?i)\b(?:fax|toll[- ]free|hotline|helpline|help line|lifeline|customer (?:service|care|support)|"
                       r"support line|switchboard|reservations?|call cent(?:er|re)|front desk|main line|"
                       r"non-emergency|poison control|dispatch)\b")
# Public offices and institutions: a congressman's office, the White House comment line, an
# embassy, a city hall. Their numbers are published to be called.
_INSTITUTION = re.compile(r"(?i)\b(?:congress(?:man|woman|person|ional)?|senat(?:e|or)|representatives?|governor|"
                          r"mayor|white house|presidential|capitol|parliament|ministry|embassy|consulate|"
                          r"city hall|town hall|city council|county|police|sheriff|fire department|"
                          r"(?:press|district|campaign|constituent|public affairs|field) office|comment line|"
                          r"department of|agency|government|federal|state department|court ?house)\b")


def nanp_fictional(area: str, exchange: str, line: str) -> bool:
    """Numbers that cannot belong to a subscriber: invalid NANP codes (leading 0/1,
    N9X or N11 area codes), the fictional 555 exchange, toll-free lines, and
    placeholders such as 123-456-7890."""
    digits = area + exchange + line
    return (area[0] in "01" or exchange[0] in "01" or area[1] == "9" or area[1:] == "11" or exchange[1:] == "11"
            or exchange == "555" or area in _TOLL_FREE or digits in ("1234567890", "0123456789", "9876543210")
            or len(set(digits)) <= 2)


def fictional_number(number: str) -> str | None:
    """The same North American number with a fictional 555-01xx subscriber part, in the
    same format ((415) 867-5309 -> (415) 555-0109); None for international numbers."""
    m = _NANP.fullmatch(number)
    if m is None:
        return None
    start, end = m.start(4), m.end(5)
    return number[:start] + "555" + number[m.end(4):m.start(5)] + "01" + m.group(5)[-2:] + number[end:]


def mask_phone(number: str) -> str:
    total = sum(c.isdigit() for c in number)
    seen = 0
    out = []
    for c in number:
        if c.isdigit():
            seen += 1
            out.append(c if seen > total - 2 else "*")
        else:
            out.append(c)
    return "".join(out)


def _candidates(text: str, shape: bytes | None) -> tuple[bool, bool]:
    """Whether ``text`` (``shape``: its digit shape, None when it has none) can hold a
    North American candidate, and an international one."""
    if shape is None:
        nanp = _NANP_PREFILTER.search(text) is not None
    else:
        nanp = b"0-0000" in shape
    return nanp, "+" in text and _INTL_PREFILTER.search(text) is not None


def _may_have_candidates(record) -> bool:
    """Whether the strings of a record can hold a candidate at all, from its raw line.
    JSON escapes other than ``\\uXXXX`` decode to none of the characters a candidate is
    made of, so without one a candidate appears in the line as it is; with one, any "+"
    may start one."""
    line = record.text
    return any(_candidates(line, line_digit_shape(record))) or ("+" in line and "\\u" in line)


class PhoneNumber(RecordRule):
    """Reports phone numbers that may belong to a person.

    ## What it does
    Finds formatted phone numbers in every string and object key of the record: North American
    numbers with separators (`(415) 867-5309`, `415-867-5309`) and international
    numbers with a `+` prefix (`+44 20 7946 1234`). Bare digit runs are not
    reported (they are usually quantities, IDs or years). Not reported either:
    numbers that cannot be a subscriber's (the fictional `555` exchange, toll-free
    `800`-style lines, invalid or reserved area codes, `123-456-7890`) and, with
    `skip-business-lines`, numbers presented as an organisation's line ("fax",
    "toll free", "hotline", "customer service" right before or after) or a public
    office's ("congressman", "senator", "press office", "White House", "embassy",
    "city hall" within 150 characters before or 60 after); numbers in tool
    definitions (a schema's default or example). Text the chosen and rejected sides
    of a preference pair share (hh-rlhf transcripts) is reported once, on the chosen
    side. The message shows only the last two digits.

    ## Why it matters for fine-tuning
    Personal phone numbers in training data can be reproduced by the model to any
    user. Replace them with fictional numbers (`555-0100` to `555-0199`); for North
    American numbers the unsafe fix does that, keeping the area code and format.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "How do I reach Tom?"}, {"role": "assistant", "content": "Call Tom on (415) 867-5309 after six."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "How do I reach Tom?"}, {"role": "assistant", "content": "Call Tom on (415) 555-0142 after six."}]}
    ```
    """

    code = "JL704"
    name = "phone-number"
    summary = "Record contains a personal phone number"
    severity = Severity.WARNING
    requires = "json"
    fixable = "sometimes"
    finds_secrets = True

    class Options(Options):
        skip_business_lines: bool = True

    def check(self, record, ctx: Context):
        if not _may_have_candidates(record):
            return
        for pointer, text, on_key in texts(record):
            numbers = self._numbers(text)
            if not numbers or in_tool_schema(record, pointer):
                continue
            for span, number in numbers:
                if reported_on_chosen(record, pointer, span[1], on_key):
                    continue
                fictional = fictional_number(number)
                fix = replace_fix(record, pointer, span, fictional, f"Replace with the fictional number {fictional}") \
                    if fictional and not on_key else None
                yield Finding(f"phone number '{mask_phone(number)}' (masked) {where(pointer, on_key)}: if it "
                              "belongs to a person, replace it with a fictional 555-01xx number", pointer, span,
                              on_key=on_key, fix=fix, secret=(0, 2))

    def _numbers(self, text: str) -> list[tuple[tuple[int, int], str]]:
        nanp, intl = _candidates(text, digit_shape(text))
        found = []
        for m in _NANP.finditer(text) if nanp else ():
            area = m.group(1) or m.group(2)
            if not m.group(1) and m.group(3) != text[m.end(4):m.end(4) + 1]:
                continue  # 415-867.5309: mixed separators are not a phone number
            if not nanp_fictional(area, m.group(4), m.group(5)):
                found.append(m.span())
        # A match starts at a "+"; the lookbehind still sees the text before ``pos``.
        for m in _INTL.finditer(text, text.index("+")) if intl else ():
            digits = sum(c.isdigit() for c in m.group(0))
            if 8 <= digits <= 15 and not any(s <= m.start() < e for s, e in found):
                found.append(m.span())
        out = []
        for s, e in sorted(found):
            if self.options.skip_business_lines and (_BUSINESS.search(text, max(0, s - 60), min(len(text), e + 30))
                                                     or _INSTITUTION.search(text, max(0, s - 150), min(len(text), e + 60))):
                continue
            out.append(((s, e), text[s:e]))
        return out
