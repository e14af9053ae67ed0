from __future__ import annotations

from array import array

import numpy as np

from ...diagnostics import Finding, Related, Severity
from ...rule import Context, DatasetRule
from ...similarity.refs import RefTable, group_id, merge_groups
from ...similarity.text import record_canonical_hash
from ._shared import delete_fix, where


class _State:
    def __init__(self) -> None:
        self.refs = RefTable()
        self.canon = array("Q")
        self.groups: list[str] = []
        self.group = array("h")

    def add(self, record, group: str) -> None:
        self.refs.add(record.ref, len(record.text))
        self.canon.append(record_canonical_hash(record))
        self.group.append(group_id(self.groups, group))


class ExactDuplicate(DatasetRule):
    """Reports records that repeat an earlier record exactly, pointing at the first copy.

    ## What it does
    Compares every record of the run (all files of the same dataset group) after
    canonicalization: key order does not matter and whitespace at both ends of
    every string is trimmed. Each later copy is reported once, with a related
    location at the first copy and the number of copies; the unsafe fix deletes
    the later copy. Copies across the train/validation split are reported by
    `train-validation-leakage` instead.

    ## Why it matters for fine-tuning
    Duplicates spend training budget on the same example and weight it more than
    the others, so the model overfits to it; they also inflate the dataset size
    you think you have.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}]}
    {"messages": [{"role": "user", "content": "What is 2 + 2? "}, {"content": "4", "role": "assistant"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}]}
    {"messages": [{"role": "user", "content": "What is 3 + 5?"}, {"role": "assistant", "content": "8"}]}
    ```
    """

    code = "JL301"
    name = "exact-duplicate"
    summary = "Record is an exact duplicate of an earlier record"
    severity = Severity.WARNING
    fixable = "always"
    requires = "object"

    def initial(self, ctx: Context) -> _State:
        return _State()

    def collect(self, state: _State, record, ctx: Context) -> None:
        state.add(record, ctx.group)

    def merge(self, states: list[_State]) -> _State:
        out = _State()
        for s in states:
            out.refs.extend(s.refs)
            merge_groups(out.groups, out.group, s.groups, s.group)
            out.canon.extend(s.canon)
        return out

    def finish(self, state: _State, ctx: Context):
        n = len(state.canon)
        if n < 2:
            return
        canon = np.frombuffer(state.canon, dtype=np.uint64)
        group = np.frombuffer(state.group, dtype=np.int16).astype(np.uint64)
        key = canon ^ (group * np.uint64(0x9E3779B97F4A7C15))
        order = np.argsort(key, kind="stable")
        k = key[order]
        brk = np.flatnonzero(k[1:] != k[:-1]) + 1
        for members in np.split(order, brk):
            if len(members) < 2:
                continue
            first = state.refs.ref(int(members[0]))
            total = len(members)
            for m in members[1:]:
                ref = state.refs.ref(int(m))
                yield Finding(
                    f"exact duplicate of the record at {where(first, ref)} "
                    f"(same example after ignoring key order and trimming strings; {total} copies in total)",
                    record=ref,
                    related=(Related(first, "first copy"),),
                    fix=delete_fix(state.refs.cplen(int(m)), "Delete this duplicate record"),
                )
