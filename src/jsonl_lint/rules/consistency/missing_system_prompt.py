from __future__ import annotations

from pydantic import Field

from ...diagnostics import Finding
from ...rule import Context, DatasetRule
from ...style.stats import pct
from . import _system
from ._common import ConsistencyOptions


class MissingSystemOptions(ConsistencyOptions):
    min_share: float = Field(0.8, gt=0.5, le=1, description=(
        "Report examples without a system prompt only when at least this share of examples have one."))


class MissingSystemPrompt(DatasetRule[dict]):
    """Reports examples without the system prompt that most other examples have.

    ## What it does
    Counts the examples that carry a system (or developer) prompt. When at least
    `min-share` of the examples have one, each example without one is reported at
    its first turn, with the counts and the most common prompt. Datasets with fewer
    than `min-records` examples are not judged.

    ## Why it matters for fine-tuning
    Examples without the system prompt teach the behaviour unconditioned, so the
    model learns it twice, with and without the prompt, and the prompt you deploy
    with carries less weight. Usually it is a bug in the script that built the file.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "It shipped on Monday."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "Yes, to most of Europe."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Yes, for two years."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "Can I pay later?"}, {"role": "assistant", "content": "Yes, within 30 days."}]}
    {"messages": [{"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "Yes, within 30 days."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "It shipped on Monday."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "Yes, to most of Europe."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Yes, for two years."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "Can I pay later?"}, {"role": "assistant", "content": "Yes, within 30 days."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant."}, {"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "Yes, within 30 days."}]}
    ```
    """

    code = "JL408"
    name = "missing-system-prompt"
    summary = "Example lacks the system prompt most examples have"
    requires = "example"
    Options = MissingSystemOptions
    example_options = {"min-records": 5}

    def initial(self, ctx: Context) -> dict:
        return _system.initial()

    def collect(self, state: dict, record, ctx: Context) -> None:
        _system.collect(state, record)

    def merge(self, states: list[dict]) -> dict:
        return _system.merge(states)

    def finish(self, state: dict, ctx: Context):
        opts = self.options
        n = state["examples"]
        missing = state["missing"]
        with_prompt = n - len(missing)
        if n < opts.min_records or not missing or with_prompt / n < opts.min_share:
            return
        groups = sorted(state["groups"].values(), key=lambda g: -g[0])
        top = groups[0]
        most = f"most often {_system.preview(top[1])} ({top[0]:,})" if len(groups) > 1 else \
            f"all the same: {_system.preview(top[1])}"
        message = (f"no system prompt; {with_prompt:,} of {n:,} examples ({pct(with_prompt / n)}) have one, "
                   f"{most}")
        cap = opts.max_findings or len(missing)
        for ref, pointer in missing[:cap]:
            yield Finding(message, pointer=pointer, record=ref)
