from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ...diagnostics import Finding
from ...rule import Context
from ...similarity.refs import RowTable
from ...style.stats import fmt
from ._common import Dim, ProfileRule, dataset_clause, high_outliers, markers_text, none_clause, per100


class ToneRow(NamedTuple):
    pointer: str
    words: int
    sentences: int
    emoji: int
    exclaim: int
    caps_words: int
    letters_words: int
    hostile: int
    evidence: dict


DIMS = (
    Dim("emoji", lambda r: per100(r.emoji, r.words), lambda r: r.emoji, 2, 1.0, 0.5,
        lambda v, c, m: f"uses {c:.0f} emoji ({markers_text(m)}), {fmt(v)} per 100 words", " per 100 words"),
    Dim("exclaim", lambda r: r.exclaim / np.maximum(r.sentences, 1), lambda r: r.exclaim, 3, 0.5, 0.1,
        lambda v, c, m: f"has {c:.0f} exclamations ({markers_text(m)}), {fmt(v)} per sentence", " per sentence"),
    Dim("caps", lambda r: per100(r.caps_words, r.letters_words), lambda r: r.caps_words, 5, 30.0, 2.0,
        lambda v, c, m: f"shouts: {v:.0f}% of its words are in capitals ({markers_text(m)}, ...)", "%"),
    Dim("hostile", lambda r: r.hostile, lambda r: r.hostile, 2, 2.0, 0.5,
        lambda v, c, m: f"hostile or dismissive toward the user ({markers_text(m)}), hostility score {v:.0f}"),
)
_KEYS = {d.key for d in DIMS}
_NO_EVIDENCE: dict = {}  # shared by the rows without markers (never changed)


class ToneOutlier(ProfileRule):
    """Reports replies whose tone differs from the rest of the dataset.

    ## What it does
    Profiles every reply (emoji per 100 words, exclamation marks per sentence,
    share of words in capitals, hostile or dismissive wording) and compares each
    reply with the dataset's own distribution using robust statistics (median and
    scaled median absolute deviation). A reply is reported when it is far above
    the median (robust z-score at or above `z`) on one of these measures, above an
    absolute floor (at least 2 emoji; 3 exclamations and 0.5 per sentence; 5 words
    and 30% of words in capitals; a hostility score of 2), at least twice the
    dataset's 90th percentile, and at most `rare-share` of the dataset is like it.
    A consistently cheerful dataset is therefore not flagged for being cheerful;
    one shouting reply in a calm dataset is. Datasets with fewer than
    `min-records` replies are not judged.

    The reply is read against its own prompt: emoji in a requested tweet, "!" in
    an advert or a role-play persona, an insult the user asked to see or analyse
    are what was asked for, and quoted speech is someone else's voice. Capitals
    count as shouting only in runs with capitalised function words ("YOU NEED TO"),
    not acronyms or SQL keywords. Hostility is judged by phrasing aimed at the user
    or the request (contempt: "that's a stupid question"; condescension: "I can't
    believe you don't know this"; dismissal: "figure it out yourself"; sarcasm:
    "wow, great job breaking it"), scored 2 for a hostile phrasing and 1 for a
    weaker cue such as "ugh" or "as I said", so an insult word alone ("Dumb and
    Dumber", "a dumb terminal") is not hostility.

    ## Why it matters for fine-tuning
    Fine-tuning teaches a voice. One reply full of emoji or capitals, or one that
    insults the user, is learned like every other example and resurfaces in
    production at random.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Open the settings page, choose Security and select Reset password."}]}
    {"messages": [{"role": "user", "content": "Can I change my address?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "OMG YES!!! JUST SEND IT BACK 😂😂 EASY!!!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Open the settings page, choose Security and select Reset password."}]}
    {"messages": [{"role": "user", "content": "Can I change my address?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "Yes. Send it back within 30 days for a full refund."}]}
    ```
    """

    code = "JL401"
    Row = ToneRow
    name = "tone-outlier"
    summary = "Reply's tone (emoji, exclamations, capitals, hostility) differs from the dataset's"
    example_options = {"min-records": 5, "rare-share": 0.2}

    def entry(self, p):
        if p.tool_call:
            return None
        ev = {k: v for k, v in p.evidence.items() if k in _KEYS} if p.evidence else _NO_EVIDENCE
        return ToneRow(p.pointer, p.words, p.sentences, p.emoji, p.exclaim, p.caps_words, p.letters_words,
                       p.hostile, ev)

    def finish(self, state: RowTable, ctx: Context):
        if len(state) < self.options.min_records:
            return
        yield from self.limit(outlier_findings(state, DIMS, self.options))


def outlier_findings(state: RowTable, dims, opts) -> list:
    found = []
    for i, hits in high_outliers(state, dims, opts).items():
        ref, row = state[i]
        hits.sort(key=lambda h: -h[0])
        z, dim, v, c, summ = hits[0]
        pointer, span, markers = row.evidence.get(dim.key, (row.pointer, None, ()))
        message = f"{dim.describe(v, c, markers)}; {dataset_clause(summ, dim.unit)}{none_clause(summ)}"
        if len(hits) > 1:
            message += "; also " + "; ".join(h[1].describe(h[2], h[3], row.evidence.get(h[1].key, ("", None, ()))[2])
                                             for h in hits[1:])
        found.append((z, Finding(message, pointer=pointer, span=span, record=ref)))
    return found

