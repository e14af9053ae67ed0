import re

from jsonl_lint.lazy_regex import LazyRegex


def test_lazy_regex_compiles_on_first_use_and_matches_as_re():
    lazy = LazyRegex(r"\b(a)(\w*)", re.I)
    assert lazy._regex is None
    plain = re.compile(r"\b(a)(\w*)", re.I)
    text = "An apple, a banana. and ANT"
    assert lazy.search(text).span() == plain.search(text).span()
    assert lazy._regex is not None
    assert lazy.match(text, 3).span() == plain.match(text, 3).span() and lazy.match(text, 2) is None
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in plain.finditer(text)]
    assert lazy.findall(text) == plain.findall(text)
    assert lazy.sub("-", text) == plain.sub("-", text)
