from __future__ import annotations

import re

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ._scan import line_digit_shape, luhn_ok, replace_fix, texts, where

# 13 to 19 digits, optionally grouped by single spaces or dashes.
_CANDIDATE = re.compile(r"(?<![\w.,/-])\d(?:[ -]?\d){12,18}(?![\w/-]|[.,]\d)")
_ARITHMETIC = re.compile(r"[=+*/×÷^<>] ?$")
_ARITHMETIC_AFTER = re.compile(r" ?[=+*/×÷^<>]")
# Numbers labelled as something else: order #..., invoice no. ..., tracking ..., ID ...
_LABELLED = re.compile(r"(?i)(?:#|\b(?:order|invoice|tracking|reference|ref|id|isbn|serial|account|acct|"
                       r"policy|ticket|case|transaction|confirmation|imei|iccid|no)\b\.?:?)\s*$")
# On the raw line. A match has 8 digits in a row or "dddd dddd" (its digit shape, see
# ``digit_shape``, b"00000000" or b"0000-0000"): two substring tests go first.
_PREFILTER = re.compile(r"\d{4}[ -]?\d{4,6}[ -]?\d{4}")
# Test numbers published by card networks and payment processors.
TEST_NUMBERS = frozenset({
    "4111111111111111", "4242424242424242", "4012888888881881", "4222222222222", "4000056655665556",
    "5555555555554444", "5105105105105100", "5200828282828210", "2223003122003222", "378282246310005",
    "371449635398431", "378734493671000", "6011111111111117", "6011000990139424", "3056930009020004",
    "30569309025904", "38520000023237", "3566002020360505", "3530111333300000", "6200000000000005",
})


def card_brand(digits: str) -> str | None:
    n = len(digits)
    two, four = int(digits[:2]), int(digits[:4])
    if digits[0] == "4" and n in (16, 19):  # 13-digit Visa numbers are no longer issued
        return "Visa"
    if (51 <= two <= 55 or 2221 <= four <= 2720) and n == 16:
        return "Mastercard"
    if two in (34, 37) and n == 15:
        return "American Express"
    if (digits.startswith("6011") or two == 65 or 644 <= int(digits[:3]) <= 649) and 16 <= n <= 19:
        return "Discover"
    if 3528 <= four <= 3589 and 16 <= n <= 19:
        return "JCB"
    if (two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305) and 14 <= n <= 19:
        return "Diners Club"
    if two == 62 and 16 <= n <= 19:
        return "UnionPay"
    return None


def _grouping_ok(number: str) -> bool:
    """Separators, if any, are all the same and make card-like groups (4-4-4-4, 4-6-5, ...)."""
    seps = {c for c in number if not c.isdigit()}
    if not seps:
        return True
    if len(seps) > 1:
        return False
    groups = [len(g) for g in re.split(r"[ -]", number)]
    return all(3 <= g <= 6 for g in groups[:-1]) and 1 <= groups[-1] <= 7


class PaymentCard(RecordRule):
    """Reports payment card numbers (Luhn-checked).

    ## What it does
    Finds runs of 13 to 19 digits, plain or grouped by spaces or dashes
    (`4539 1488 0343 6467`) and not part of arithmetic (`... = 4212...`) or labelled as another
    kind of number (`order #...`, `tracking ...`, `ID ...`), whose prefix and length match a card network (Visa,
    Mastercard, American Express, Discover, JCB, Diners Club, UnionPay) and whose
    Luhn check digit is valid. Published test numbers (`4242 4242 4242 4242`,
    `4111 1111 1111 1111`, ...) are not reported unless `allow-test-numbers` is
    false. The message shows the network and the last four digits only.

    ## Why it matters for fine-tuning
    Card numbers are payment data: storing or uploading them can breach PCI DSS,
    and a model trained on them can reproduce them. The unsafe fix masks all but the
    last four digits (`XXXX XXXX XXXX 6467`).

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Pay with my card"}, {"role": "assistant", "content": "Charging card 4539 1488 0343 6467 now."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Pay with my card"}, {"role": "assistant", "content": "Charging the card ending in 6467 now."}]}
    ```
    """

    code = "JL705"
    name = "payment-card-number"
    summary = "Record contains a payment card number"
    severity = Severity.ERROR
    requires = "json"
    fixable = "sometimes"
    finds_secrets = True

    class Options(Options):
        allow_test_numbers: bool = True

    def check(self, record, ctx: Context):
        shape = line_digit_shape(record)
        if (shape is not None and b"00000000" not in shape and b"0000-0000" not in shape) \
                or not _PREFILTER.search(record.text):
            return
        for pointer, text, on_key in texts(record):
            for m in _CANDIDATE.finditer(text):
                number = m.group(0)
                digits = re.sub(r"\D", "", number)
                brand = card_brand(digits)
                if brand is None or not _grouping_ok(number) or not luhn_ok(digits) or len(set(digits)) <= 1:
                    continue
                if self.options.allow_test_numbers and digits in TEST_NUMBERS:
                    continue
                if _ARITHMETIC.search(text, max(0, m.start() - 2), m.start()) or \
                        _ARITHMETIC_AFTER.match(text, m.end()):
                    continue  # an operand or a result: 256626720691 + 1646615806005 = ...
                if _LABELLED.search(text, max(0, m.start() - 24), m.start()):
                    continue
                masked = re.sub(r"\d", "X", number[:-4]) + number[-4:]
                fix = None if on_key else replace_fix(record, pointer, m.span(), masked,
                                                      f"Mask the card number as {masked}")
                yield Finding(f"{brand} card number ending in {digits[-4:]} ({len(digits)} digits, masked) "
                              f"{where(pointer, on_key)}: remove it; if you need an example, use a network test "
                              "number such as 4242 4242 4242 4242", pointer, m.span(), on_key=on_key, fix=fix,
                              secret=(0, 4))
