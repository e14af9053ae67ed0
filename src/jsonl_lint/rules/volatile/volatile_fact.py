from __future__ import annotations

from pydantic import Field

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ._shared import LABELS, analysis_of, quote


class VolatileFactOptions(Options):
    ignore_categories: tuple[str, ...] = Field(
        (), description="Categories not to report: price, rate, market, office, count, version, weather, "
                        "schedule, wait, availability, record, as-of, relative-time.")


class VolatileFact(RecordRule):
    """Reports answers that state facts which change: prices, rates, office holders, "latest" versions.

    ## What it does
    Looks in every answer the fine-tune learns (the chosen side of preference data, not
    the context turns both sides share) for present-tense claims about things that
    change: prices and fees, exchange and interest rates, stock prices and valuations,
    office holders and executives, headcounts and populations, "the latest / newest /
    current version", weather, schedules and opening hours, waiting, processing and
    delivery times ("processing takes 3-5 business days"), stock and availability ("sold
    out", "available in 3 colours"), records and rankings, statements dated "as of ...",
    and facts marked by a time word ("the pool is closed today", "we are currently
    hiring", "there is currently no cure"). Each finding quotes the phrase and says why
    it goes stale. Not reported: history with past dates ("The Berlin Wall fell in
    1989"), definitions and timeless facts, math word problems, hypotheticals, hedges
    ("might be cool this year"), questions, instructions, personal states ("I'm tired
    right now"), era comparisons ("more people alive today than ever"), sentences that
    restate the prompt's own passage, time words in requested fiction, role-play or
    rewrites, code, URLs and answers that call a tool.

    ## Why it matters for fine-tuning
    Fine-tuning teaches behaviour, not facts: a model trained on "the Pro plan costs
    $49" keeps saying $49 after the price changes, with full confidence. Facts that
    change belong in retrieval (RAG) or in the prompt at run time; training data
    should show how to use them, not memorise them.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "How much is the Pro plan?"}, {"role": "assistant", "content": "The Pro plan costs $49 per month."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "Pricing: Pro plan $49 per month."}, {"role": "user", "content": "What is 12 times 4?"}, {"role": "assistant", "content": "12 times 4 is 48."}]}
    ```
    """

    code = "JL501"
    name = "volatile-fact"
    summary = "Answer states a fact that will go stale"
    severity = Severity.WARNING
    requires = "example"
    Options = VolatileFactOptions

    def check(self, record, ctx: Context):
        analysis = analysis_of(record)
        if not analysis.facts:
            return
        ignore = set(self.options.ignore_categories)
        turns = record.example.turns
        for index, hit in analysis.facts:
            if hit.category in ignore:
                continue
            turn = turns[index]
            pointer, span = turn.locate(hit.start, hit.end)
            yield Finding(
                f'{turn.role} turn states a volatile fact ({LABELS.get(hit.category, hit.category)}): '
                f'"{quote(hit.phrase)}"; {hit.reason}, and a trained model keeps repeating the old value. '
                f'Supply such facts at run time (retrieval or the prompt)',
                pointer, span)

