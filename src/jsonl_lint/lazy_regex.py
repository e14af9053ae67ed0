"""Regular expressions compiled on first use.

A module's patterns are usually compiled at import, but a small run (a 16-record check)
uses few of the rarely matching ones, whose compiling was a good part of its start-up."""

from __future__ import annotations

import re
from typing import Any, Callable


class LazyRegex:
    """``compile(pattern, flags)`` (``re.compile`` unless given another engine's, such as
    the ``regex`` module's), done when a method is first called."""

    __slots__ = ("pattern", "flags", "_compile", "_regex")

    def __init__(self, pattern: str, flags: int = 0, compile: Callable[[str, int], Any] | None = None):
        self.pattern = pattern
        self.flags = flags
        self._compile = compile
        self._regex: Any = None

    @property
    def regex(self) -> re.Pattern:
        if self._regex is None:
            self._regex = (self._compile or re.compile)(self.pattern, self.flags)
        return self._regex

    def search(self, *args, **kwargs) -> re.Match | None:
        return self.regex.search(*args, **kwargs)

    def match(self, *args, **kwargs) -> re.Match | None:
        return self.regex.match(*args, **kwargs)

    def finditer(self, *args, **kwargs):
        return self.regex.finditer(*args, **kwargs)

    def findall(self, *args, **kwargs) -> list:
        return self.regex.findall(*args, **kwargs)

    def sub(self, *args, **kwargs) -> str:
        return self.regex.sub(*args, **kwargs)
