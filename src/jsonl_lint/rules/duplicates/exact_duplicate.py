from __future__ import annotations

from array import array

import numpy as np

from ...diagnostics import Finding, Related, Severity
from ...rule import Context, ShuffledRule
from ...similarity.refs import RefTable, group_id, merge_groups, repeated
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

    def subset(self, rows: np.ndarray) -> "_State":
        out = _State()
        out.refs = self.refs.subset(rows)
        out.canon.frombytes(np.frombuffer(self.canon, dtype=np.uint64)[rows].tobytes())
        out.groups = list(self.groups)
        out.group.frombytes(np.frombuffer(self.group, dtype=np.int16)[rows].tobytes())
        return out


class ExactDuplicate(ShuffledRule):
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

    def partition(self, state: _State, parts: int, ctx: Context) -> tuple[None, list[_State]]:
        """Copies meet in one reduce task: records are split by content hash."""
        if parts == 1:
            return None, [state]
        where = np.frombuffer(state.canon, dtype=np.uint64) % np.uint64(parts)
        return None, [state.subset(np.flatnonzero(where == p)) for p in range(parts)]

    def reduce(self, pieces: list[_State], ctx: Context) -> list[Finding]:
        out = _State()
        for s in pieces:
            out.refs.extend(s.refs)
            merge_groups(out.groups, out.group, s.groups, s.group)
            out.canon.extend(s.canon)
        return list(self._findings(out))

    def finish_shuffled(self, heads: list, reduced: list[list[Finding]], ctx: Context):
        for findings in reduced:
            yield from findings

    def _findings(self, state: _State):
        n = len(state.canon)
        if n < 2:
            return
        canon = np.frombuffer(state.canon, dtype=np.uint64)
        group = np.frombuffer(state.group, dtype=np.int16).astype(np.uint64)
        key = canon ^ (group * np.uint64(0x9E3779B97F4A7C15))
        for members in repeated(key):
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
