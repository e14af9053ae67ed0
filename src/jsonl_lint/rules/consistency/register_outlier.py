from __future__ import annotations

from typing import NamedTuple

from pydantic import Field

from ...diagnostics import Finding
from ...rule import Context
from ...style.stats import fmt, summarize
from ._common import Dim, ProfileRule
from .tone_outlier import outlier_findings

MIN_GRADE_WORDS = 30  # grade levels of shorter replies are noise
NOT_PROSE = {"list", "table", "code"}  # items without full stops read as one endless sentence


class RegisterRow(NamedTuple):
    pointer: str
    words: int
    grade: float | None
    slang: int
    legalese: int
    evidence: dict


def _per100(count: float, words: int) -> float:
    return 100.0 * count / words if words else 0.0


DIMS = (
    Dim("slang", lambda r: _per100(r.slang, r.words), lambda r: r.slang, 2, 1.0, 0.5,
        lambda v, c, m: f"informal slang ({', '.join(repr(x) for x in m)}): {c:.0f} markers, {fmt(v)} per 100 words",
        " per 100 words"),
    Dim("legalese", lambda r: _per100(r.legalese, r.words), lambda r: r.legalese, 2, 1.0, 0.5,
        lambda v, c, m: f"legalese ({', '.join(repr(x) for x in m)}): {c:.0f} markers, {fmt(v)} per 100 words",
        " per 100 words"),
)
_KEYS = {d.key for d in DIMS}


class RegisterOutlier(ProfileRule):
    """Reports replies written in a different register (formal vs informal) than the dataset.

    ## What it does
    Compares each assistant reply with the rest of the dataset on reading grade
    (Flesch-Kincaid, as textstat computes it), slang (`gonna`, `lol`, `tbh`) and
    legalese (`hereinafter`, `pursuant`, `notwithstanding`).
    Grade is judged on both sides with a robust z-score (median and scaled median
    absolute deviation) and a minimum difference of `min-grade-difference` grades;
    markers are judged when a reply has at least 2, at least twice the dataset's
    90th percentile rate, and at most `rare-share` of the dataset is like it. Only prose replies of at least 30 words and 2 sentences are
    graded (list items and table cells without full stops read as one endless
    sentence). Datasets with fewer than `min-records` replies are not judged.

    ## Why it matters for fine-tuning
    A support bot trained on plain answers plus a few contract-style ones, or a
    formal assistant with a few slangy replies, learns to switch register at random.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Open the settings page, choose Security and select Reset password."}]}
    {"messages": [{"role": "user", "content": "Can I change my address?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "Can I return it?"}, {"role": "assistant", "content": "lol yeah u can totally send it back, gonna be fine tbh"}]}
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

    code = "JL402"
    name = "register-outlier"
    summary = "Reply's register (reading grade, slang, legalese) differs from the dataset's"
    example_options = {"min-records": 5, "rare-share": 0.2}

    class Options(ProfileRule.Options):
        min_grade_difference: float = Field(4.0, ge=0, description=(
            "A reply's grade must differ from the dataset's median by at least this many grades."))

    def entry(self, p):
        ev = {k: v for k, v in p.evidence.items() if k in _KEYS}
        gradable = (p.words >= MIN_GRADE_WORDS and p.sentences >= 2 and p.kind == "text"
                    and not set(p.features) & NOT_PROSE)
        grade = p.grade if gradable else None
        return RegisterRow(p.pointer, p.words, grade, p.slang, p.legalese, ev)

    def finish(self, state: list, ctx: Context):
        opts = self.options
        if len(state) < opts.min_records:
            return
        by_ref = {f.record: (z, f) for z, f in outlier_findings(state, DIMS, opts)}
        graded = [(i, row.grade) for i, (_, row) in enumerate(state) if row.grade is not None]
        if len(graded) >= opts.min_records:
            summ = summarize([g for _, g in graded])
            for i, g in graded:
                z = summ.z(g, 1.0)
                if abs(z) < opts.z or abs(g - summ.median) < opts.min_grade_difference:
                    continue
                low = g < summ.median
                share = summ.share_at_most(g) if low else summ.share_at_least(g)
                if share > opts.rare_share:
                    continue
                ref, row = state[i]
                tail = f"p5 {fmt(summ.p5)}" if low else f"p95 {fmt(summ.p95)}"
                text = f"reads at grade {fmt(g)}; this dataset's median is {fmt(summ.median)} ({tail})"
                if ref in by_ref:
                    z0, f0 = by_ref[ref]
                    by_ref[ref] = (max(z0, abs(z)), Finding(f0.message + "; also " + text, pointer=f0.pointer,
                                                            span=f0.span, record=ref))
                else:
                    by_ref[ref] = (abs(z), Finding(text, pointer=row.pointer, record=ref))
        yield from self.limit(list(by_ref.values()))
