from __future__ import annotations

import math
from collections import defaultdict
from typing import NamedTuple

from pydantic import Field

from ...diagnostics import Finding
from ...rule import Context
from ...similarity.refs import RowTable
from ...style import request
from ...style.stats import fmt, summarize
from ._common import ProfileRule


SMALL_TALK_WORDS = 5
LOW_SIDE_FACTOR = 3  # a short reply must be min-ratio x this many times shorter than the median


class LengthRow(NamedTuple):
    pointer: str
    words: int
    task: str
    lines: int
    sentences: int
    length: request.Length | None  # the length the prompt asked for
    closed: bool  # a yes/no or multiple-choice question, or a greeting: a short reply is right
    source_words: int  # the passage a translation or rewrite works on


def _requested(row: LengthRow) -> tuple[bool, str]:
    """(whether the prompt set the length, and a clause when the reply breaks an explicit limit)."""
    want = row.length
    if want is None:
        return False, ""
    if want.unit in ("short", "long") or not want.strict:
        return True, ""
    have = {"word": row.words, "line": row.lines, "sentence": row.sentences, "paragraph": row.lines,
            "item": row.lines}.get(want.unit)
    if have is None or want.most is None:
        return True, ""
    limit = want.most * (1.5 if want.unit == "word" else 2) + 3
    if have > 2 * limit and row.words >= 40:
        unit = want.unit + ("" if want.most == 1 else "s")
        return True, f"the prompt asked for at most {want.most} {unit}"
    return True, ""


class LengthOutlier(ProfileRule):
    """Reports replies far longer or shorter than the dataset's typical reply.

    ## What it does
    Measures every reply in words (Chinese, Japanese and Korean by characters) and
    compares it with replies to the same kind of task (a worked math answer with
    worked math answers, creative writing with creative writing; the kinds the
    dataset has fewer than `min-records` of are pooled) on a log scale using robust
    statistics (median and scaled median absolute deviation). A reply is reported
    when its robust z-score is at or beyond `z`, it is at least `min-ratio` times
    longer than the median (three times `min-ratio` shorter: short answers are often
    right), and at most `rare-share` of the replies are as extreme.

    The length a task dictates is not an outlier: the answer to a yes/no,
    multiple-choice or classification question, a completion prompt ("Answer:"), a
    short factoid question or a greeting; a length the prompt asks for ("in one
    word", "four lines", "briefly", "in detail"); a translation or a rewrite, which
    is as long as its source; a bare tool call, which is not a text reply. Two more
    findings come from the prompt itself: a reply far over an explicit limit ("in
    at most 50 words") and a translation or rewrite several times longer than its
    source. Datasets with fewer than `min-records` replies are not judged.

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
    {"messages": [{"role": "user", "content": "How do I return a jacket I bought last week?"}, {"role": "assistant", "content": "No."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Your order shipped on Monday and should arrive within three business days of shipping."}]}
    {"messages": [{"role": "user", "content": "How do I reset my password?"}, {"role": "assistant", "content": "Open the settings page, choose Security and select Reset password to get a link."}]}
    {"messages": [{"role": "user", "content": "Can I change my address?"}, {"role": "assistant", "content": "Yes. Go to your profile and edit the shipping address before the order ships."}]}
    {"messages": [{"role": "user", "content": "Do you ship abroad?"}, {"role": "assistant", "content": "We ship to most countries in Europe and North America within ten days."}]}
    {"messages": [{"role": "user", "content": "Is there a warranty?"}, {"role": "assistant", "content": "Every device comes with a two-year warranty that covers manufacturing defects."}]}
    {"messages": [{"role": "user", "content": "How do I return a jacket I bought last week?"}, {"role": "assistant", "content": "Print the return label from your order page and drop the parcel at a post office."}]}
    ```
    """

    code = "JL403"
    Row = LengthRow
    name = "length-outlier"
    summary = "Reply is far longer or shorter than the dataset's typical reply"
    preview = True  # true share 0.38 on the corpora (docs/precision.md)
    example_options = {"min-records": 5, "rare-share": 0.2}
    complete = True  # the request: its length, a closed question, the passage

    class Options(ProfileRule.Options):
        min_ratio: float = Field(3.0, ge=1, description=(
            "A reply must be at least this many times longer or shorter than the median reply."))

    def entry(self, p):
        if p.tool_call:
            return None  # a tool call is not a text reply
        req = p.request
        # A closed question, or a greeting or thanks of a few words, is rightly answered briefly.
        closed = req.yes_no or 0 < req.prompt_words <= SMALL_TALK_WORDS
        single = p.replies == 1  # a requested length or a passage is the last turn's, so one reply
        return LengthRow(p.pointer, p.words, p.task, p.lines, p.sentences, req.length if single else None, closed,
                         req.source_words if single else 0)

    def finish(self, state: RowTable, ctx: Context):
        opts = self.options
        if len(state) < opts.min_records:
            return
        found = []
        open_rows = []
        for ref, row in state:
            requested, broken = _requested(row)
            if broken:
                found.append((opts.z + row.words / 100, Finding(
                    f"reply is {_words(row.words)}; {broken}", pointer=row.pointer, record=ref)))
            elif (row.task in (request.TRANSLATION, request.REWRITE) and row.source_words >= 5
                  and not (row.length and row.length.unit == "long")):
                ratio = row.words / row.source_words
                if ratio >= 4 * opts.min_ratio / 3 and row.words - row.source_words >= 40:
                    found.append((opts.z + ratio, Finding(
                        f"reply is {_words(row.words)}, {ratio:.1f}x its source of {_words(row.source_words)}; "
                        f"a {'translation' if row.task == request.TRANSLATION else 'rewrite'} is about as long as "
                        f"what it works on", pointer=row.pointer, record=ref)))
            elif row.task not in request.BOUNDED_KINDS:
                open_rows.append((ref, row, requested))
        # Like with like: each task kind against its own distribution when the dataset has
        # enough of it; the kinds it has few of are pooled.
        groups = defaultdict(list)
        for item in open_rows:
            groups[item[1].task].append(item)
        pooled = [item for items in groups.values() if len(items) < opts.min_records for item in items]
        judged = [(items, request.KIND_LABEL[task]) for task, items in groups.items() if len(items) >= opts.min_records]
        if len(pooled) >= opts.min_records:
            judged.append((pooled, "replies" if len(judged) == 0 else "other replies"))
        for items, label in judged:
            found += self._outliers(items, label)
        yield from self.limit(found)

    def _outliers(self, items: list, label: str) -> list:
        opts = self.options
        logs = [math.log1p(row.words) for _, row, _ in items]
        summ = summarize(logs)
        words = summarize([row.words for _, row, _ in items])
        med = words.median
        found = []
        for (ref, row, requested), lv in zip(items, logs):
            z = summ.z(lv, 0.25)
            if abs(z) < opts.z:
                continue
            low = lv < summ.median
            if low:
                # A short reply is suspect only when far shorter: short answers are often right.
                if (requested or row.closed or row.words * opts.min_ratio * LOW_SIDE_FACTOR > med
                        or summ.share_at_most(lv) > opts.rare_share):
                    continue
                tail = f"p5 {fmt(words.p5)}"
            else:
                if requested or row.words < med * opts.min_ratio or summ.share_at_least(lv) > opts.rare_share:
                    continue
                tail = f"p95 {fmt(words.p95)}"
            ratio = row.words / med if not low else med / max(row.words, 1)
            how = "longer" if not low else "shorter"
            found.append((abs(z), Finding(
                f"reply is {_words(row.words)}, {ratio:.1f}x {how} than typical; this dataset's median for {label} "
                f"is {fmt(med)} words ({tail})", pointer=row.pointer, record=ref)))
        return found


def _words(n: int) -> str:
    return f"{n:,} word" + ("" if n == 1 else "s")
