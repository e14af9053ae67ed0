from __future__ import annotations

from pydantic import Field

from ...diagnostics import Finding, Related
from ...rule import Context, DatasetRule
from ...style.stats import pct
from . import _system
from ._common import ConsistencyOptions


class SystemPromptOptions(ConsistencyOptions):
    similarity: float = Field(0.85, gt=0, lt=1, description=(
        "A prompt at least this similar to the most common one (normalized edit similarity) "
        "is a near-identical variant: a typo or version skew."))
    min_dominant_share: float = Field(0.5, gt=0, le=1, description=(
        "Only judge when the most common system prompt is used by at least this share of the "
        "examples that have one (otherwise the prompts vary on purpose)."))
    max_distinct: int = Field(10, ge=2, description=(
        "Report distinct (not near-identical) prompts only when there are at most this many."))


def _diff(a: str, b: str) -> tuple[int, int, str, str]:
    """Where b differs from a: (start, end in b, a's piece, b's piece)."""
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    j = 0
    while j < min(len(a), len(b)) - i and a[len(a) - 1 - j] == b[len(b) - 1 - j]:
        j += 1
    while i > 0 and not b[i - 1].isspace():  # whole words read better than fragments
        i -= 1
    while j > 0 and not b[len(b) - j].isspace():
        j -= 1
    return i, len(b) - j, a[i: len(a) - j], b[i: len(b) - j]


def _piece(s: str) -> str:
    s = s if len(s) <= 40 else s[:39] + "…"
    return repr(s) if s else "nothing"


class SystemPromptDrift(DatasetRule[dict]):
    """Reports system prompts that drift from the one most examples use.

    ## What it does
    Counts the distinct system prompts of the dataset. When one prompt is used by
    at least `min-dominant-share` of the examples that have a system prompt, every
    example whose prompt is a near-identical variant of it (normalized edit
    similarity at or above `similarity`: a typo, a changed version number, an extra
    sentence) is reported with the differing text highlighted and the counts of
    both variants. Clearly different prompts are reported once each, at their first
    example, with the count of every distinct prompt, when there are at most
    `max-distinct` of them. Datasets with fewer than `min-records` examples are not
    judged.

    ## Why it matters for fine-tuning
    The model learns its behaviour conditioned on the system prompt. Near-identical
    variants split that conditioning (the variant used in production may be the
    rarer one) and are almost always accidents of copy-paste or of a prompt that
    changed while the data was being built.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "You are Acme's support assistant. Answer in two sentences."}, {"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "It shipped on Monday."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant. Answer in two sentences."}, {"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "Yes, to most of Europe."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant. Answer in two sentences."}, {"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Yes, for two years."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant. Answer in two sentences."}, {"role": "user", "content": "Can I pay later?"}, {"role": "assistant", "content": "Yes, within 30 days."}]}
    {"messages": [{"role": "system", "content": "You are Acme's suport assistant. Answer in two sentences."}, {"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "Yes, within 30 days."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "You are Acme's support assistant. Answer in two sentences."}, {"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "It shipped on Monday."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant. Answer in two sentences."}, {"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "Yes, to most of Europe."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant. Answer in two sentences."}, {"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Yes, for two years."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant. Answer in two sentences."}, {"role": "user", "content": "Can I pay later?"}, {"role": "assistant", "content": "Yes, within 30 days."}]}
    {"messages": [{"role": "system", "content": "You are Acme's support assistant. Answer in two sentences."}, {"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "Yes, within 30 days."}]}
    ```
    """

    code = "JL407"
    name = "system-prompt-drift"
    summary = "System prompt is a variant of, or differs from, the one most examples use"
    requires = "example"
    Options = SystemPromptOptions
    example_options = {"min-records": 5}

    def initial(self, ctx: Context) -> dict:
        return _system.initial()

    def collect(self, state: dict, record, ctx: Context) -> None:
        _system.collect(state, record)

    def merge(self, states: list[dict]) -> dict:
        return _system.merge(states)

    def finish(self, state: dict, ctx: Context):
        from rapidfuzz import fuzz

        opts = self.options
        groups = sorted(state["groups"].values(), key=lambda g: -g[0])
        with_prompt = sum(g[0] for g in groups)
        if state["examples"] < opts.min_records or len(groups) < 2:
            return
        top_n, top_text, top_refs = groups[0]
        if top_n / with_prompt < opts.min_dominant_share or top_text is None:
            return
        top_ref, top_pointer = top_refs[0]
        related = (Related(top_ref, f"the most common system prompt ({top_n:,} examples)", top_pointer),)
        distinct = []
        budget = opts.max_findings or float("inf")
        for count, text, refs in groups[1:]:
            if text is None:
                continue
            sim = fuzz.ratio(top_text, text) / 100
            if sim < opts.similarity:
                distinct.append((count, text, refs))
                continue
            start, end, was, now = _diff(top_text, text)
            message = (f"system prompt is a near-identical variant (similarity {sim:.2f}) of the one "
                       f"{top_n:,} of {with_prompt:,} examples use: {_piece(now)} where it has {_piece(was)}; "
                       f"{count:,} example{'s' if count != 1 else ''} use{'s' if count == 1 else ''} this variant")
            for ref, pointer in refs:
                if budget <= 0:
                    return
                budget -= 1
                span = (start, max(end, start))
                yield Finding(message, pointer=pointer, span=span, record=ref, related=related)
        if distinct and len(groups) <= opts.max_distinct:
            summary = "; ".join(f"{c:,} × {_system.preview(t)}" for c, t, _ in [(top_n, top_text, None)] +
                                [(c, t, None) for c, t, _ in distinct])
            for count, text, refs in distinct:
                if budget <= 0:
                    return
                budget -= 1
                ref, pointer = refs[0]
                yield Finding(
                    f"one of {len(groups)} distinct system prompts: this one is used by {count:,} of "
                    f"{with_prompt:,} examples ({pct(count / with_prompt)}); all: {summary}",
                    pointer=pointer, record=ref, related=related)
