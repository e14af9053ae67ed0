from __future__ import annotations

from pydantic import Field

from ...diagnostics import Severity
from ._base import SizeOptions, SizeRule


class RecommendedOptions(SizeOptions):
    minimum: int = Field(100, ge=0, description="fewer distinct training examples than this are reported (info)")
    validation_minimum: int = Field(0, ge=0, description="the same for validation groups (0: not checked)")


class BelowRecommendedSize(SizeRule):
    """Reports a dataset below the size where fine-tuning usually starts to pay off.

    ## What it does
    Counts the distinct examples of each training group and reports a group below
    `minimum` (100) that is not already reported by `small-dataset` or
    `too-few-examples`. Validation groups are not checked unless
    `validation-minimum` is set.

    ## Why it matters for fine-tuning
    The common recommendation is 100 to 1,000 high-quality examples; quality
    improvements tend to scale with the number of distinct, well-chosen examples.

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

    code = "JL203"
    name = "below-recommended-size"
    summary = "Dataset is below the recommended size"
    preview = True  # true share 0.50 on the corpora (docs/precision.md)
    severity = Severity.INFO
    Options = RecommendedOptions
    stricter = "JL202"
    example_options = {"minimum": 3}
    why = "{minimum} to 1,000 are recommended"
