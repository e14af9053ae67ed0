"""Bad or odd input never raises: arbitrary strings in any position of a record."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import lint

ALPHABET = st.sampled_from(list("0123456789 -.()+@_/=:\n\\\"'#xAKIAsk-ghp_eyJ.-----BEGIN PRIVATE KEY-----é\u2028"))
TEXT = st.lists(ALPHABET, max_size=120).map("".join)
VALUE = st.recursive(TEXT | st.integers() | st.none(),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                     max_leaves=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUE, TEXT)
def test_jl7_and_shipped_styles_never_raise(value, answer):
    lines = [json.dumps(value), json.dumps({"messages": [{"role": "user", "content": answer},
                                                          {"role": "assistant", "content": answer}]})]
    found = lint("\n".join(lines) + "\n", ["JL7", "AIBoilerplate.", "Placeholders.", "BrandVoice."],
                 styles=["AIBoilerplate", "Placeholders", "BrandVoice"])
    for d in found:
        assert d.location.line in (1, 2) or d.record is None
