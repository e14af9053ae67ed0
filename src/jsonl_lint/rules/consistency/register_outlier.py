from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from pydantic import Field

from ...diagnostics import Finding
from ...rule import Context
from ...similarity.refs import RowTable
from ...style import readability
from ...style.request import KIND_LABEL
from ...style.stats import fmt, summarize
from ._common import Dim, ProfileRule, per100
from .tone_outlier import outlier_findings


class RegisterRow(NamedTuple):
    pointer: str
    words: int
    task: str
    grade: float | None
    slang: int
    legalese: int
    evidence: dict


DIMS = (
    Dim("slang", lambda r: per100(r.slang, r.words), lambda r: r.slang, 2, 1.0, 0.5,
        lambda v, c, m: f"informal slang ({', '.join(repr(x) for x in m)}): {c:.0f} markers, {fmt(v)} per 100 words",
        " per 100 words"),
    Dim("legalese", lambda r: per100(r.legalese, r.words), lambda r: r.legalese, 2, 1.0, 0.5,
        lambda v, c, m: f"legalese ({', '.join(repr(x) for x in m)}): {c:.0f} markers, {fmt(v)} per 100 words",
        " per 100 words"),
)
_KEYS = {d.key for d in DIMS}


class RegisterOutlier(ProfileRule):
    """Reports replies written in a different register (formal vs informal) than the dataset.

    ## What it does
    Compares each reply with the rest of the dataset on reading grade
    (Flesch-Kincaid grade level, as textstat computes it), slang (`gonna`, `lol`,
    `tbh`) and legalese (`hereinafter`, `pursuant`, `notwithstanding`).
    A reply is reported when it reads far harder than its kind: a robust z-score
    (median and scaled median absolute deviation) of at least `z` and at least
    `min-grade-difference` grades above the median,
    against replies to the same kind of task (a worked math answer against worked
    math answers) when the dataset has `min-records` of that kind, else against all
    graded replies. A grade is computed only where it means something: prose of at
    least 30 words and 2 sentences, not math, code, lists, tables, verse,
    enumerations or short answers to closed questions. Markers are judged when a
    reply has at least 2, at least twice the dataset's 90th percentile rate, and at
    most `rare-share` of the dataset is like it. Legalese is a cluster: ordinary
    formal words (`shall`, `whereas`, `wherein`) count only beside a word only
    contracts use. Slang in a requested rap, song, dialogue or role-play, and
    legalese in a requested contract or an archaic persona, are what was asked for;
    quoted speech is not counted. Datasets with fewer than `min-records` replies
    are not judged.

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
    Row = RegisterRow
    name = "register-outlier"
    summary = "Reply's register (reading grade, slang, legalese) differs from the dataset's"
    preview = True  # true share 0.50 on the corpora (docs/precision.md)
    example_options = {"min-records": 5, "rare-share": 0.2}
    complete = True  # the task kind and the reading grade

    class Options(ProfileRule.Options):
        min_grade_difference: float = Field(4.0, ge=0, description=(
            "A reply's grade must differ from the dataset's median by at least this many grades."))

    def before_fork(self, settings) -> None:
        readability.load_syllables()  # the reading grade's dictionary: one copy for all workers

    def entry(self, p):
        if p.tool_call:
            return None
        ev = {k: v for k, v in p.evidence.items() if k in _KEYS}
        return RegisterRow(p.pointer, p.words, p.task, p.grade, p.slang, p.legalese, ev)

    def finish(self, state: RowTable, ctx: Context):
        opts = self.options
        if len(state) < opts.min_records:
            return
        by_ref = {f.record: (z, f) for z, f in outlier_findings(state, DIMS, opts)}
        graded = [(i, row.grade, row.task) for i, row in enumerate(state.rows()) if row.grade is not None]
        by_task = defaultdict(list)
        for i, g, task in graded:
            by_task[task].append(g)
        pooled = summarize([g for _, g, _ in graded]) if len(graded) >= opts.min_records else None
        summaries = {t: summarize(gs) for t, gs in by_task.items() if len(gs) >= opts.min_records}
        for i, g, task in graded:
            summ, label = summaries.get(task), KIND_LABEL.get(task, "replies")
            if summ is None:
                summ, label = pooled, "graded replies"
            if summ is None:
                continue
            # Harder to read than its kind: a plain reply among dense ones is seldom a defect
            # (a greeting, a persona, a simple answer), a dense one among plain ones often is.
            z = summ.z(g, 1.0)
            if z < opts.z or g - summ.median < opts.min_grade_difference:
                continue
            if summ.share_at_least(g) > opts.rare_share:
                continue
            ref, row = state[i]
            tail = f"p95 {fmt(summ.p95)}"
            text = (f"reads at Flesch-Kincaid grade {fmt(g)} (school years of reading needed); this dataset's "
                    f"median for {label} is {fmt(summ.median)} ({tail})")
            if ref in by_ref:
                z0, f0 = by_ref[ref]
                by_ref[ref] = (max(z0, abs(z)), Finding(f0.message + "; also " + text, pointer=f0.pointer,
                                                        span=f0.span, record=ref))
            else:
                by_ref[ref] = (abs(z), Finding(text, pointer=row.pointer, record=ref))
        yield from self.limit(list(by_ref.values()))
