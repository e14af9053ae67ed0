"""Regular expressions compiled on first use.

A module's patterns are usually compiled at import, but a small run (a 16-record check)
uses few of the rarely matching ones, whose compiling was a good part of its start-up."""

from __future__ import annotations

import re


class LazyRegex:
    """``re.compile(pattern, flags)``, done when a method is first called."""

    __slots__ = ("pattern", "flags", "_regex")

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags
        self._regex: re.Pattern | None = None

    @property
    def regex(self) -> re.Pattern:
        if self._regex is None:
            self._regex = re.compile(self.pattern, self.flags)
        return self._regex

    def search(self, *args) -> re.Match | None:
        return self.regex.search(*args)

    def match(self, *args) -> re.Match | None:
        return self.regex.match(*args)

    def finditer(self, *args):
        return self.regex.finditer(*args)

    def findall(self, *args) -> list:
        return self.regex.findall(*args)

    def sub(self, *args) -> str:
        return self.regex.sub(*args)
