"""Output formats. Every formatter writes only to the stream it is given."""

from __future__ import annotations

import os
from typing import TextIO

from .base import Formatter
from .concise import ConciseFormatter
from .full import FullFormatter
from .github import GithubFormatter
from .json import JsonFormatter, JsonLinesFormatter
from .sarif import SarifFormatter

FORMATTERS: dict[str, type[Formatter]] = {
    "full": FullFormatter,
    "concise": ConciseFormatter,
    "json": JsonFormatter,
    "json-lines": JsonLinesFormatter,
    "sarif": SarifFormatter,
    "github": GithubFormatter,
}
OUTPUT_FORMATS = (*FORMATTERS, "auto")


def get_formatter(name: str, stream: TextIO, **kwargs) -> Formatter:
    if name == "auto":
        name = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "full"
    return FORMATTERS[name](stream, **kwargs)
