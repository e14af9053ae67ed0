"""The raw-line tests of the hygiene rules never skip a line the rule would report on."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from jsonl_lint.rules.hygiene.control_character import _RAW_HINT, _may_have_controls

LINE = st.lists(st.sampled_from(list("ab \\u0\x7f\x80\x85\x9f\xa0\xc2é’😀\ud800") + ["\\u001b", "\\f", "Â\x80"]),
                max_size=12).map("".join)


@given(LINE)
@example("’ \x9f")
@example("caf\xc3\x83\xc2\x80")
def test_control_test_finds_c1_characters_from_the_utf8_bytes(line):
    """The test on the line's UTF-8 (C2 80-C2 9F) finds a C1 character (U+0080-U+009F)
    exactly when a class test on the text does."""
    escaped = ("\\u00" in line or "\\b" in line or "\\f" in line) and _RAW_HINT.search(line) is not None
    assert _may_have_controls(line) == (escaped or "\x7f" in line or re.search(r"[\x80-\x9f]", line) is not None)
