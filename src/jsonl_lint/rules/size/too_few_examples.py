from __future__ import annotations

from pydantic import Field

from ...diagnostics import Severity
from ._base import SizeOptions, SizeRule


class TooFewOptions(SizeOptions):
    minimum: int = Field(10, ge=0, description="fewer distinct training examples than this are an error")
    validation_minimum: int = Field(1, ge=0, description="fewer distinct validation examples than this are an error")


class TooFewExamples(SizeRule):
    """Reports a dataset with fewer distinct examples than providers accept.

    ## What it does
    Counts the distinct examples of each dataset group (training files, and
    validation files separately) and reports a group below `minimum` (10, OpenAI's
    hard minimum for a training file). Exact duplicates do not count: the message
    says how many records the file has and how many of them are duplicates.

    ## Why it matters for fine-tuning
    The upload is rejected below the provider minimum, and duplicates that make a
    file look big enough still teach only what its distinct examples teach.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    {"messages": [{"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "You're welcome!"}]}
    ```
    """

    code = "JL201"
    name = "too-few-examples"
    summary = "Dataset has fewer distinct examples than the provider minimum"
    severity = Severity.ERROR
    Options = TooFewOptions
    example_options = {"minimum": 3}
    why = "at least {minimum} are required (OpenAI rejects smaller training files)"
