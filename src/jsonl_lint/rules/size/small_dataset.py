from __future__ import annotations

from pydantic import Field

from ...diagnostics import Severity
from ._base import SizeOptions, SizeRule


class SmallOptions(SizeOptions):
    minimum: int = Field(50, ge=0, description="fewer distinct training examples than this are a warning")
    validation_minimum: int = Field(10, ge=0,
                                    description="fewer distinct validation examples than this are a warning")


class SmallDataset(SizeRule):
    """Reports a dataset with fewer distinct examples than a fine-tune needs to show an effect.

    ## What it does
    Counts the distinct examples of each dataset group and reports a group below
    `minimum` (50) that is not already below `too-few-examples`' minimum. Validation
    groups are judged separately, against `validation-minimum` (10).

    ## Why it matters for fine-tuning
    Guidance from providers is to start with at least 50 to 100 good examples:
    with fewer, a fine-tune rarely beats prompting, and a validation set of a few
    records gives a loss too noisy to act on.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    {"messages": [{"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "You're welcome!"}]}
    ```
    """

    code = "JL202"
    name = "small-dataset"
    summary = "Dataset has fewer distinct examples than recommended for a fine-tune"
    preview = True  # true share 0.50 on the corpora (docs/precision.md)
    severity = Severity.WARNING
    Options = SmallOptions
    stricter = "JL201"
    example_options = {"minimum": 3}
    why = "at least {minimum} are recommended before a fine-tune shows an effect"
