from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pydantic import Field

from ...diagnostics import Finding, RecordRef, Related, Severity
from ...rule import Context, DatasetRule, Options
from ._shared import LABELS, analysis_of

_KEEP = 5  # records named in the finding


@dataclass
class ShareState:
    total: int = 0
    volatile: int = 0
    categories: Counter = field(default_factory=Counter)
    refs: list[RecordRef] = field(default_factory=list)
    anchors: list[tuple[str, tuple[int, int] | None]] = field(default_factory=list)  # first volatile phrase of each


class VolatileShareOptions(Options):
    max_share: float = Field(0.1, ge=0.0, le=1.0, description="Largest acceptable share of examples with volatile facts.")
    min_examples: int = Field(20, ge=1, description="Datasets with fewer examples are not judged.")


class VolatileShare(DatasetRule[ShareState]):
    """Reports datasets in which many examples carry volatile facts (knowledge, not behaviour).

    ## What it does
    Counts the examples in which `volatile-fact` (JL501) or `current-state-question`
    (JL502) finds something, and reports the share, with the most common kinds, when
    it is above `max-share` (10% by default). The finding sits on the first such
    example and links a few more.

    ## Why it matters for fine-tuning
    Fine-tuning is for style, format and behaviour; knowledge that changes belongs in
    retrieval (RAG). A dataset where many answers state prices, office holders or
    "latest" versions is a knowledge base in disguise: it goes stale as a whole, and
    the model learns to answer such questions from memory.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Price of Pro?"}, {"role": "assistant", "content": "The Pro plan costs $49 per month."}]}
    {"messages": [{"role": "user", "content": "Who runs Acme?"}, {"role": "assistant", "content": "The current CEO of Acme is Jane Doe."}]}
    {"messages": [{"role": "user", "content": "Say hi"}, {"role": "assistant", "content": "Hi!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Say hi"}, {"role": "assistant", "content": "Hi!"}]}
    {"messages": [{"role": "user", "content": "Say bye"}, {"role": "assistant", "content": "Bye!"}]}
    {"messages": [{"role": "user", "content": "Say thanks"}, {"role": "assistant", "content": "Thanks!"}]}
    ```
    """

    code = "JL503"
    name = "volatile-dataset"
    summary = "Many examples teach facts that change; use retrieval for them"
    severity = Severity.WARNING
    requires = "example"
    Options = VolatileShareOptions
    example_options = {"min-examples": 3, "max-share": 0.5}

    def initial(self, ctx: Context) -> ShareState:
        return ShareState()

    def collect(self, state: ShareState, record, ctx: Context) -> None:
        state.total += 1
        analysis = analysis_of(record)
        if not analysis.volatile:
            return
        state.volatile += 1
        # Sorted: a set's order changes with the hash seed of each worker process.
        state.categories.update(sorted({h.category for _, h in analysis.facts + analysis.questions}))
        if len(state.refs) < _KEEP:
            index, hit = (analysis.facts + analysis.questions)[0]
            state.refs.append(record.ref)
            state.anchors.append(record.example.turns[index].locate(hit.start, hit.end))

    def merge(self, states: list[ShareState]) -> ShareState:
        out = ShareState()
        for s in states:
            out.total += s.total
            out.volatile += s.volatile
            out.categories.update(s.categories)
            room = max(0, _KEEP - len(out.refs))
            out.refs.extend(s.refs[:room])
            out.anchors.extend(s.anchors[:room])
        return out

    def finish(self, state: ShareState, ctx: Context):
        if state.total < self.options.min_examples or not state.volatile:
            return
        share = state.volatile / state.total
        if share <= self.options.max_share:
            return
        kinds = ", ".join(f"{LABELS.get(c, c)} {n}" for c, n in state.categories.most_common(4))
        first, rest = state.refs[0], state.refs[1:]
        pointer, span = state.anchors[0]
        yield Finding(
            f"{state.volatile} of {state.total} examples ({share:.0%}) state volatile facts ({kinds}), above the "
            f"{self.options.max_share:.0%} limit: this dataset teaches knowledge rather than behaviour, and that "
            f"knowledge goes stale. Serve changing facts with retrieval (RAG) and fine-tune on format and style",
            pointer=pointer, span=span, record=first,
            related=tuple(Related(r, "another example with a volatile fact", a[0])
                          for r, a in zip(rest, state.anchors[1:])))
