from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from pydantic import Field

from ...diagnostics import Finding
from ...reader import record_again
from ...rule import Context, DatasetRule
from ...similarity.refs import RowTable, reread_bytes
from ...style import language
from ...style.language import MIN_LETTERS, name
from ...style.profile import record_languages, reply_language
from ...style.stats import pct
from ._common import ConsistencyOptions


class LanguageOptions(ConsistencyOptions):
    min_majority: float = Field(0.8, gt=0.5, le=1, description=(
        "The dataset has a language only when at least this share of detected replies use it."))
    min_letters: int = Field(MIN_LETTERS, ge=10, description=(
        "Texts with fewer letters are not language-checked (detection is unreliable on them)."))


class LanguageRow(NamedTuple):
    pointer: str
    lang: str  # the reply's language
    judged: bool | None  # whether the reply may be reported (the request's language is unknown);
    # None for an English reply: decided in finish, and only where English is rare enough to report


class LanguageOutlier(DatasetRule[RowTable]):
    """Reports replies in a different language than the dataset's majority.

    ## What it does
    Detects the language of every assistant reply that has at least `min-letters`
    letters (code, URLs and JSON keys removed). Detection uses CLD2, and any
    language other than English is confirmed by a second detector (py3langid);
    when the two disagree the reply counts as unknown. When at least `min-majority`
    of the detected replies share a language, replies in another language are
    reported, as long as that language covers at most `rare-share` of them (a
    deliberately bilingual dataset stays quiet). A reply in the language of its own
    request (a Chinese answer to a Chinese question, even one as short as "你好"),
    or of the passage it works on, or in a language the user asked for (a
    translation, "answer in French") is not an outlier; a reply in another language
    than a request whose language is known is JL406's finding. So this rule judges
    the replies whose user's language cannot be told (no prompt, or one too short).
    Datasets with fewer than `min-records` detected replies are not judged.

    ## Why it matters for fine-tuning
    A model trained on English replies plus a few Spanish ones learns that
    switching language is acceptable and does it in production.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Open the settings page, choose the security tab and select reset password."}]}
    {"messages": [{"role": "user", "content": "Can I change my address?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America within ten business days."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "Sí, puede devolverlo dentro de los treinta días siguientes para obtener un reembolso completo."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Open the settings page, choose the security tab and select reset password."}]}
    {"messages": [{"role": "user", "content": "Can I change my address?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America within ten business days."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "Yes, you can return it within thirty days of delivery for a full refund."}]}
    ```
    """

    code = "JL405"
    name = "language-outlier"
    summary = "Reply is in a different language than most replies"
    requires = "example"
    Options = LanguageOptions
    example_options = {"min-records": 5, "rare-share": 0.2}

    def before_fork(self, settings) -> None:
        language.identifier()  # the second detector's model (~70 MB): one copy for all workers

    def initial(self, ctx: Context) -> RowTable:
        return RowTable(LanguageRow)

    def collect(self, state: RowTable, record, ctx: Context) -> None:
        lang, pointer = reply_language(record, self.options.min_letters)
        if lang is None:
            return
        # Most datasets are mostly English, and then no English reply can be reported: the
        # request's language (as costly to detect as the reply's) is read for an English
        # reply only in finish, if English turns out rare. Standard input cannot be re-read.
        judged = None
        if lang != "en" or record.path == "-":
            judged = self._judged(record)
        state.append((record.ref, LanguageRow(pointer, lang, judged)))

    def _judged(self, record) -> bool:
        # Judged only where the user's language is unknown: a reply in the request's
        # language is not an outlier, and one in another language is JL406's finding.
        langs = record_languages(record, self.options.min_letters)
        return not langs.explained and langs.request is None

    def merge(self, states: list[RowTable]) -> RowTable:
        return RowTable.merged(states, LanguageRow)

    def finish(self, state: RowTable, ctx: Context):
        opts = self.options
        n = len(state)
        if n < opts.min_records:
            return
        # The finish runs in the driver, after the workers: it reads the rows' columns and
        # makes a row only where a language is rare enough to report.
        column = state.column("lang")
        langs = Counter(column)
        top, top_n = langs.most_common(1)[0]
        if top_n / n < opts.min_majority:
            return
        rare = {lang for lang, count in langs.items() if lang != top and count / n <= opts.rare_share}
        if not rare:
            return
        deferred = self._judge_deferred(state, ctx) if "en" in rare else {}
        found = []
        for k, lang in enumerate(column):
            if lang not in rare:
                continue
            ref, (pointer, _, judged) = state[k]
            if judged is None:
                judged = deferred.get(k, False)
            if judged:
                found.append((1 - langs[lang] / n, Finding(
                    f"reply is in {name(lang)}; {pct(top_n / n)} of replies with a detectable language "
                    f"({top_n:,} of {n:,}) are in {name(top)}", pointer=pointer, record=ref)))
        found.sort(key=lambda sf: -sf[0])
        if opts.max_findings:
            found = found[: opts.max_findings]
        yield from (f for _, f in found)

    def _judge_deferred(self, state: RowTable, ctx: Context) -> dict[int, bool]:
        """Whether each English reply left undecided by collect may be reported, by row,
        from its record read again (one that cannot be read is not reported)."""
        refs = {k: state.refs.ref(k) for k, judged in enumerate(state.column("judged")) if judged is None}
        settings = ctx.settings
        return {k: self._judged(record_again(refs[k], chunk, settings.max_depth, settings.field_mapping))
                for k, chunk in reread_bytes(refs.items()).items()}
