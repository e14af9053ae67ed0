from __future__ import annotations

import datetime

from ...diagnostics import Finding, Severity
from ...rule import Context, DatasetRule
from ._shared import targets


class TargetStatus(DatasetRule[list]):
    """Reports a target that is deprecated, closing or closed, with the date and what to do.

    ## What it does
    Once per run, for every target of `--target` whose profile says it is deprecated or
    closes on a date: the state, the date, and the action the profile recommends. A
    target past its closing date (OpenAI's self-serve fine-tuning from 2027-01-06) is an
    error: no job can start there; a deprecated or closing one is a warning.

    ## Why it matters for fine-tuning
    A dataset prepared for a provider that stops taking jobs is work to redo. Knowing
    the date early leaves time to check the data against the next target
    (`jsonl-lint targets PATH` compares them all).

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```

    With `--target mistral`: "mistral: Mistral fine-tuning API is deprecated since
    2026-04-17. "No longer actively supported"; no replacement documented. Train Mistral
    models elsewhere ...".

    ## Use instead
    The same data checked against an active target (`--target together`):
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL900"
    needs_target = True
    name = "target-status"
    summary = "Target is deprecated, closing or closed"
    severity = Severity.WARNING
    example_settings = {"target": ["mistral"]}
    use_instead_settings = {"target": ["together"]}

    def initial(self, ctx: Context) -> list:
        return []

    def collect(self, state: list, record, ctx: Context) -> None:
        if not state and record.ref.path:
            state.append(record.ref.path)

    def merge(self, states: list[list]) -> list:
        return next((s for s in states if s), [])

    def finish(self, state: list, ctx: Context):
        if not state:
            return
        today = datetime.date.today()
        for rt in targets(ctx):
            status = rt.profile.status
            state_now = status.state_on(today)
            if state_now == "active" and status.closes is None:
                continue
            if state_now == "closed":
                when = f"closed since {status.closes or status.date}"
            elif status.closes is not None:
                when = f"{state_now}; takes no new jobs from {status.closes}"  # no day count: it keys baselines
            else:
                when = f"{state_now} since {status.date}"
            message = f"{rt.name}: {rt.profile.title} is {when}. {status.note} {status.action[:1].upper()}{status.action[1:]}."
            yield Finding(" ".join(message.split()), path=state[0], target=rt.name,
                          severity=Severity.ERROR if state_now == "closed" else Severity.WARNING)
