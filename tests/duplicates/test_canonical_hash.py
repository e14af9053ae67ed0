"""The record hash exact duplicates are found by: key order ignored, strings trimmed."""

from __future__ import annotations

import orjson
import xxhash
from hypothesis import given, settings, strategies as st

from jsonl_lint.similarity.text import _canonical, canonical_hash

# Strings with and without whitespace at their ends (ASCII, control and Unicode spaces).
EDGES = ["", " ", "\n", "\t", "\x0b", "\x1c", "\u00a0", "\u2028", "\u3000"]
strings = st.tuples(st.sampled_from(EDGES), st.sampled_from(["a", "Zoë b", "", "\"q\"", "x\\y"]),
                    st.sampled_from(EDGES)).map("".join)
values = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | strings,
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(strings, inner, max_size=4)
                      | st.dictionaries(st.booleans() | st.integers(0, 3), inner, max_size=2),  # not from JSON
                      max_leaves=12)


def _defined(value) -> int:
    canon = _canonical(value)
    try:
        data = orjson.dumps(canon, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except TypeError:
        data = repr(canon).encode("utf-8", "surrogatepass")
    return xxhash.xxh3_64_intdigest(data)


@settings(max_examples=300, deadline=None)
@given(values)
def test_the_hash_is_that_of_the_canonical_record(value):
    assert canonical_hash(value) == _defined(value)


def test_copies_up_to_key_order_and_trimming_hash_alike():
    a = {"messages": [{"role": "user", "content": "Hi "}, {"role": "assistant", "content": "\u00a0Hello"}]}
    b = {"messages": [{"content": "Hi", "role": "user"}, {"content": "Hello", "role": "assistant"}]}
    assert canonical_hash(a) == canonical_hash(b)
    assert canonical_hash(a) != canonical_hash({"messages": [{"role": "user", "content": "Hi"}]})
