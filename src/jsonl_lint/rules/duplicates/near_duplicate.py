from __future__ import annotations

import numpy as np

from ...diagnostics import Finding, Related, Severity
from ...rule import Context, ShuffledRule
from ...similarity.near import NearState, clusters, merge_heads, reduce_band_entries
from ._shared import NearCalibration, NearOptions, delete_fix, where


class NearDuplicate(NearCalibration, ShuffledRule):
    """Reports records whose text is nearly the same as an earlier record's.

    ## What it does
    Compares the user and assistant text of every record (the `roles` option)
    after lowercasing and dropping punctuation and whitespace differences. Candidate
    pairs come from MinHash signatures over word shingles with LSH banding (no
    all-pairs comparison), and each candidate is verified with an edit-based ratio
    (rapidfuzz Indel, normalized); pairs at or above `threshold` (0.9) are near
    duplicates. Prompt text shared by many records (a long system prompt, a tool
    preamble, an instruction template) is boilerplate and does not count as
    similarity: a prompt shingle is boilerplate when at least `boilerplate-df` of
    the records contain it, measured on a sample spread evenly over the whole run
    (the first records of 64 equal byte slices, up to `boilerplate-sample` / 64
    from each), so the findings are the same however the run is split across
    processes or machines. Each cluster is reported once: every later member names the
    record it is most similar to and the similarity, and where the cluster starts when
    that is another record; the unsafe fix deletes the later record. Exact copies are left to `exact-duplicate`, copies across the
    train/validation split to `train-validation-leakage`.

    ## Why it matters for fine-tuning
    Templated generations, copy-paste with one number changed, and case or
    whitespace variants weight one example many times over: the model memorizes
    the template instead of learning the task, and the real dataset is smaller
    than its record count.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Write a short thank-you note to Maria for the birthday gift she sent me last week."}, {"role": "assistant", "content": "Dear Maria, thank you so much for the lovely birthday gift you sent last week. It made my day and I will think of you every time I use it. With love."}]}
    {"messages": [{"role": "user", "content": "Write a short thank-you note to Anna for the birthday gift she sent me last week."}, {"role": "assistant", "content": "Dear Anna, thank you so much for the lovely birthday gift you sent last week. It made my day and I will think of you every time I use it. With love."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Write a short thank-you note to Maria for the birthday gift she sent me last week."}, {"role": "assistant", "content": "Dear Maria, thank you so much for the lovely birthday gift you sent last week. It made my day and I will think of you every time I use it. With love."}]}
    {"messages": [{"role": "user", "content": "Draft a polite email declining a meeting invitation for Thursday."}, {"role": "assistant", "content": "Hello, thank you for the invitation. Unfortunately I am not available on Thursday; could we find another time next week?"}]}
    ```
    """

    code = "JL303"
    name = "near-duplicate"
    summary = "Record is a near duplicate of an earlier record"
    severity = Severity.WARNING
    fixable = "always"
    Options = NearOptions

    def initial(self, ctx: Context) -> NearState:
        return self.near_state(ctx)

    def collect(self, state: NearState, record, ctx: Context) -> None:
        state.add(record, ctx.group)

    def partition(self, state: NearState, parts: int, ctx: Context):
        return state.partition(parts, keep_texts=not ctx.in_task)

    def reduce(self, pieces: list, ctx: Context):
        return reduce_band_entries(pieces)

    def finish_shuffled(self, heads: list[NearState], reduced: list, ctx: Context):
        state, cand = merge_heads(heads, reduced)
        group = np.frombuffer(state.group, dtype=np.int16)
        pairs = state.pairs(cand, ctx.backend, keep=lambda c: group[c[:, 0]] == group[c[:, 1]])
        yield from report_clusters(state, pairs)


def report_clusters(state: NearState, pairs):
    best: dict[int, tuple[float, int]] = {}  # most similar verified partner of each record
    for p in pairs:
        for a, b in ((p.second, p.first), (p.first, p.second)):
            if p.similarity > best.get(a, (-1.0, 0))[0]:
                best[a] = (p.similarity, b)
    for members in clusters(len(state.canon), pairs).values():
        first = members[0]
        first_ref = state.refs.ref(first)
        seen_canon = {state.canon[first]}
        for m in members[1:]:
            if state.canon[m] in seen_canon:
                continue  # an exact copy: exact-duplicate reports it
            seen_canon.add(state.canon[m])
            ref = state.refs.ref(m)
            sim, closest = best[m]
            related = [Related(first_ref, "first record of the cluster")]
            pct = int(sim * 100)
            if closest == first:
                text = f"near duplicate of the record at {where(first_ref, ref)} ({pct}% similar; " \
                       f"cluster of {len(members)} records)"
            else:  # name the record it duplicates first, the cluster after it
                closest_ref = state.refs.ref(closest)
                text = f"near duplicate of the record at {where(closest_ref, ref)} ({pct}% similar; " \
                       f"cluster of {len(members)} records from {where(first_ref, ref)})"
                related.append(Related(closest_ref, f"most similar record ({pct}% similar)"))
            yield Finding(
                text,
                record=ref,
                related=tuple(related),
                fix=delete_fix(state.refs.cplen(m), "Delete this near-duplicate record"),
            )
