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


_LEADS = ["attached", "enclosed", "uploaded", "see", "find", "check", "open", "in", "from", "the", "this",
          "the following", "the given", "the above", "the below", "given", "below", "above", "following",
          "provided", "the provided"]
_OBJECTS = ["file", "image", "photo", "photograph", "picture", "document", "pdf", "spreadsheet", "csv", "screenshot",
            "chart", "graph", "diagram", "video", "audio", "audio clip", "recording", "resume", "cv", "report", "slide",
            "slides", "painting", "figure", "drawing", "illustration", "map", "logo", "attached", "attachment",
            "attachments", "attacheds", "my"]
_NOISE = ["paragraph", "photos", "maps", "images", "x", "_", "2", "", "ſ", "K"]
_SEP = [" ", "  ", "\t", "\n", ", ", ". ", "-", "(", ")", "/", "\x1c"]
ATTACHMENT_TEXT = st.lists(st.tuples(st.sampled_from(_LEADS + _OBJECTS + _NOISE), st.sampled_from(_SEP)),
                           max_size=8).map(lambda parts: "".join(w + s for w, s in parts)) \
    .flatmap(lambda t: st.lists(st.booleans(), min_size=len(t), max_size=len(t))
             .map(lambda up: "".join(c.upper() if u else c for c, u in zip(t, up))))


@given(ATTACHMENT_TEXT)
@example("Describe the attached photo.")
@example("What does THIS Audio clip say?")
@example("see the attachments")
@example("From attacheds")
def test_attachment_word_test_passes_every_text_the_regex_matches(text):
    """JL806's word test before its regex: every text with a match passes (ASCII text by
    its words, other text by the regex's stems); an ASCII word that only contains a stem
    ("paragraph") does not."""
    from jsonl_lint.rules.hygiene.unseen_reference import _ATTACHMENT, _has_attachment_word

    if _ATTACHMENT.search(text):
        assert _has_attachment_word(text)


def test_attachment_word_test_passes_each_word_the_regex_reads():
    from jsonl_lint.rules.hygiene.unseen_reference import _ATTACHMENT, _has_attachment_word

    checked = 0
    for lead in _LEADS:
        for obj in _OBJECTS:
            for text in (f"{lead} {obj}", f"{lead.upper()}\t{obj.title()}!"):
                if _ATTACHMENT.search(text):
                    assert _has_attachment_word(text), text
                    checked += 1
    assert checked > 100
    assert not _has_attachment_word("Rewrite this paragraph about maps.")  # a stem inside a word
