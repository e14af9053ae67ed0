from __future__ import annotations

import math
from typing import NamedTuple

from pydantic import Field

from ...diagnostics import Finding
from ...rule import Context
from ...style.stats import fmt, summarize
from ._common import ProfileRule


class LengthRow(NamedTuple):
    pointer: str
    words: int


class LengthOutlier(ProfileRule):
    """Reports replies far longer or shorter than the dataset's typical reply.

    ## What it does
    Measures every assistant reply in words and compares it with the dataset's
    distribution on a log scale using robust statistics (median and scaled median
    absolute deviation). A reply is reported when its robust z-score is at or
    beyond `z`, it is at least `min-ratio` times longer (or shorter) than the
    median, and at most `rare-share` of the dataset is as extreme. Datasets with
    fewer than `min-records` replies are not judged.

    ## Why it matters for fine-tuning
    Reply length is learned. A 1,000-word essay among 80-word answers, or a
    one-word reply among paragraphs, shifts the length the model produces, and it
    is often a defect (a pasted document, a truncated generation).

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days of shipping."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Open the settings page, choose Security and select Reset password to get a link."}]}
    {"messages": [{"role": "user", "content": "Can I change my address?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America within ten days."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "No."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days of shipping."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Open the settings page, choose Security and select Reset password to get a link."}]}
    {"messages": [{"role": "user", "content": "Can I change my address?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America within ten days."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "Yes. Send it back within 30 days in its original box for a full refund."}]}
    ```
    """

    code = "JL403"
    name = "length-outlier"
    summary = "Reply is far longer or shorter than the dataset's typical reply"
    example_options = {"min-records": 5, "rare-share": 0.2}

    class Options(ProfileRule.Options):
        min_ratio: float = Field(3.0, ge=1, description=(
            "A reply must be at least this many times longer or shorter than the median reply."))

    def entry(self, p):
        return LengthRow(p.pointer, p.words)

    def finish(self, state: list, ctx: Context):
        opts = self.options
        if len(state) < opts.min_records:
            return
        logs = [math.log1p(row.words) for _, row in state]
        summ = summarize(logs)
        words = summarize([row.words for _, row in state])
        med = words.median
        found = []
        for (ref, row), lv in zip(state, logs):
            z = summ.z(lv, 0.25)
            if abs(z) < opts.z:
                continue
            low = lv < summ.median
            if low:
                if row.words * opts.min_ratio > med or summ.share_at_most(lv) > opts.rare_share:
                    continue
                tail = f"p5 {fmt(words.p5)}"
            else:
                if row.words < med * opts.min_ratio or summ.share_at_least(lv) > opts.rare_share:
                    continue
                tail = f"p95 {fmt(words.p95)}"
            n = f"{row.words:,} word" + ("" if row.words == 1 else "s")
            ratio = row.words / med if not low else med / max(row.words, 1)
            how = "longer" if not low else "shorter"
            found.append((abs(z), Finding(
                f"reply is {n}, {ratio:.1f}x {how} than typical; this dataset's median is {fmt(med)} words ({tail})",
                pointer=row.pointer, record=ref)))
        yield from self.limit(found)
