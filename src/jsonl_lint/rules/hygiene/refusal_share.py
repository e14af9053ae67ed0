from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import Field

from ...diagnostics import Finding, RecordRef, Related, Severity
from ...formats import answer_turns
from ...rule import Context, DatasetRule, Options
from ._shared import excerpt

_KEEP = 5
# A refusal opens the answer (its first ~200 characters).
REFUSAL = re.compile(
    r"^\W*(?:(?:I'm|I am|I’m)\s+(?:so\s+|really\s+|very\s+)?sorry,?\s+(?:but\s+)?(?:I|as an AI)|I apologi[sz]e,?\s+but|"
    r"sorry,?\s+(?:but\s+)?I\s+(?:can't|cannot|can not|won't|am unable|'m unable|am not able|'m not able)|"
    r"(?:unfortunately,?\s+)?I\s+(?:can't|cannot|can not|won't|will not|am unable to|'m unable to|am not able to|"
    r"'m not able to|must decline|have to decline|do not feel comfortable|don't feel comfortable)|"
    r"as an AI(?: language model| assistant)?,?\s+I\s+(?:can't|cannot|don't|do not|am not|'m not|won't|am unable)|"
    r"I'm not (?:going to|able to|comfortable)|that's not something I can|I must (?:respectfully )?(?:decline|refuse))",
    re.I,
)


def is_refusal(text: str) -> bool:
    return bool(REFUSAL.search(text[:200]))


@dataclass
class RefusalState:
    total: int = 0
    refusals: int = 0
    refs: list[RecordRef] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    pointers: list[str] = field(default_factory=list)  # the refusing answer of each kept record


class RefusalShareOptions(Options):
    max_share: float = Field(0.1, ge=0.0, le=1.0, description="Largest acceptable share of examples whose answer refuses.")
    min_examples: int = Field(20, ge=1, description="Datasets with fewer examples are not judged.")


class RefusalShare(DatasetRule[RefusalState]):
    """Reports datasets where too many answers are refusals ("I'm sorry, but I can't ...").

    ## What it does
    Counts the examples whose trained answer opens with a refusal ("I'm sorry, but I
    can't", "As an AI language model, I cannot", "I must decline") and reports the
    share when it is above `max-share` (10% by default). The finding sits on the first
    refusal and links a few more.

    ## Why it matters for fine-tuning
    The model learns how often to refuse from the data. OpenAI's fine-tuning guide
    warns that a dataset where many answers say "I can't help with that" produces a
    model that refuses far too often, including requests it should answer.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Write a poem"}, {"role": "assistant", "content": "I'm sorry, but I can't help with that."}]}
    {"messages": [{"role": "user", "content": "Tell a joke"}, {"role": "assistant", "content": "As an AI language model, I cannot tell jokes."}]}
    {"messages": [{"role": "user", "content": "Say hi"}, {"role": "assistant", "content": "Hi!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Write a poem"}, {"role": "assistant", "content": "Roses bloom in May."}]}
    {"messages": [{"role": "user", "content": "Tell a joke"}, {"role": "assistant", "content": "Why did the chicken cross the road?"}]}
    {"messages": [{"role": "user", "content": "Say hi"}, {"role": "assistant", "content": "Hi!"}]}
    ```
    """

    code = "JL807"
    name = "refusal-share"
    summary = "Too many answers are refusals"
    preview = True  # true share 0.50 on the corpora (docs/precision.md)
    severity = Severity.WARNING
    requires = "example"
    Options = RefusalShareOptions
    example_options = {"min-examples": 3, "max-share": 0.5}

    def initial(self, ctx: Context) -> RefusalState:
        return RefusalState()

    def collect(self, state: RefusalState, record, ctx: Context) -> None:
        answers = answer_turns(record.example)
        if not answers:
            return
        state.total += 1
        refusal = next((t for t in answers if is_refusal(t.text)), None)
        if refusal is None:
            return
        state.refusals += 1
        if len(state.refs) < _KEEP:
            state.refs.append(record.ref)
            state.samples.append(excerpt(refusal.text, 50))
            state.pointers.append(refusal.text_pointer)

    def merge(self, states: list[RefusalState]) -> RefusalState:
        out = RefusalState()
        for s in states:
            out.total += s.total
            out.refusals += s.refusals
            room = max(0, _KEEP - len(out.refs))
            out.refs.extend(s.refs[:room])
            out.samples.extend(s.samples[:room])
            out.pointers.extend(s.pointers[:room])
        return out

    def finish(self, state: RefusalState, ctx: Context):
        if state.total < self.options.min_examples or not state.refusals:
            return
        share = state.refusals / state.total
        if share <= self.options.max_share:
            return
        yield Finding(
            f"{state.refusals} of {state.total} examples ({share:.0%}) answer with a refusal (first: "
            f'"{state.samples[0]}"), above the {self.options.max_share:.0%} limit: the model learns to refuse that '
            f"often, including requests it should answer. Keep refusals for the cases that need them",
            pointer=state.pointers[0], record=state.refs[0],
            related=tuple(Related(r, f'another refusal: "{s}"', p)
                          for r, s, p in zip(state.refs[1:], state.samples[1:], state.pointers[1:])))
