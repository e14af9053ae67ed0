from __future__ import annotations

import sys
from array import array

import numpy as np
import orjson

from ...diagnostics import Finding, Related, Severity
from ...formats import answer_turns
from ...rule import Context, ShuffledRule
from ...similarity.claims import claims, disagreement, open_ended, prompt_words
from ...similarity.refs import RefTable, TextStore, group_ids, merge_groups, repeated
from ...similarity.text import stable_hash64
from ._shared import where


def _norm(text: str) -> str:
    """Whitespace collapsed, case ignored (str.split: several times faster than a regex)."""
    return " ".join(text.split()).casefold()


def prompt_and_answer(example) -> tuple[str, str, str, str] | None:
    """(prompt key text, answer text, answer pointer, last request): the answer is the
    last answer the fine-tune learns (the chosen side of preference data, not a KTO
    undesirable answer), the prompt every turn before it (role and text) and the tools
    the example declares."""
    answers = answer_turns(example, tool_calls=True)
    if not answers:
        return None
    answer = answers[-1]
    context: list[str] = []
    request = None  # the last user turn with text
    for t in example.turns:  # the turns before the answer, in one loop
        if t is answer:
            break
        if t.branch != "rejected":
            text = t.text
            # (``not text.isspace()``: ``text.strip()`` without the copy)
            if t.role == "user" and text and not text.isspace():
                request = text
            context.append(t.role + "\x1d" + _norm(text))
    if request is None:
        return None
    prompt = "\x1f".join(context)
    if example.tools:
        tools = example.tools if isinstance(example.tools, str) else orjson.dumps(
            example.tools, option=orjson.OPT_SORT_KEYS).decode()
        prompt += "\x1ftools\x1d" + _norm(tools)
    text = answer.text
    if answer.tool_calls:  # the calls made, whatever the dialect writes them as
        try:
            text += "\x1d" + orjson.dumps([(c.name, c.arguments) for c in answer.tool_calls],
                                          option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:
            pass
    return prompt, text, answer.text_pointer, request


TEXT_BUDGET = 16 << 20  # characters of texts kept in memory per state
PENDING = 1024  # records collected before they are added to the state's columns


class _State:
    def __init__(self, text_budget: int = TEXT_BUDGET) -> None:
        self.refs = RefTable()
        self.prompt = array("Q")
        self.answer = array("Q")
        self.pointers: list[str] = []
        self.groups: list[str] = []
        self.group = array("h")
        self.store = TextStore(text_budget)
        self.pending: list[tuple] = []  # (ref, code points, group, prompt, answer, pointer, request)

    def add(self, ref, cplen: int, group: str, found: tuple[str, str, str, str]) -> None:
        # Kept as it comes and added a batch at a time: fewer calls a record.
        self.pending.append((ref, cplen, group, *found))
        if len(self.pending) >= PENDING:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        refs, cplens, groups, prompts, answers, pointers, requests = zip(*pending)
        base = len(self.prompt)
        self.refs.add_many(refs, cplens)
        self.prompt.extend([stable_hash64(p) for p in prompts])
        # The answer as written: normalized only in ``_findings``, for the few records whose
        # prompt repeats (equal as written implies equal normalized).
        self.answer.extend([stable_hash64(a) for a in answers])
        self.pointers += map(sys.intern, pointers)  # one string per distinct pointer, not per record
        self.group.extend(group_ids(self.groups, groups))
        self.store.keep_many(base, zip(answers, prompts, requests))

    def subset(self, rows: np.ndarray, keep_texts: bool) -> "_State":
        out = _State()
        out.refs = self.refs.subset(rows)
        out.prompt.frombytes(np.frombuffer(self.prompt, dtype=np.uint64)[rows].tobytes())
        out.answer.frombytes(np.frombuffer(self.answer, dtype=np.uint64)[rows].tobytes())
        out.pointers = [self.pointers[r] for r in rows.tolist()]
        out.groups = list(self.groups)
        out.group.frombytes(np.frombuffer(self.group, dtype=np.int16)[rows].tobytes())
        out.store = self.store.subset(rows.tolist()) if keep_texts else TextStore(0)
        return out


class ConflictingAnswers(ShuffledRule):
    """Reports records that repeat an earlier prompt with an answer that disagrees with it.

    ## What it does
    Groups records by their prompt: every turn before the answer the fine-tune learns
    (the last one; for preference data the chosen one), compared by role and text
    after collapsing whitespace and case, together with the tools the example
    declares. When records with the same prompt end in different answers, a later
    answer is reported when it disagrees with an earlier one on a point that can be
    checked: yes against no, a different option of the ones the prompt offers, other
    names or numbers in the first sentence ("Sydney" against "Canberra", "6" against
    "5"), or the same sentence with "not". Reworded answers (several phrasings of one
    fact, as knowledge-injection datasets use), and different answers to open-ended
    prompts ("Write ...", "Explain ...", "Compare ..."), are not conflicts.

    ## Why it matters for fine-tuning
    Two answers that contradict each other teach the model two things at once: it
    learns to hedge between them or picks one at random, and the wrong one is
    trained as much as the right one.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "What is the capital of Australia?"}, {"role": "assistant", "content": "Canberra."}]}
    {"messages": [{"role": "user", "content": "What is the capital of Australia?"}, {"role": "assistant", "content": "Sydney is the capital of Australia."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "What is the capital of Australia?"}, {"role": "assistant", "content": "Canberra."}]}
    {"messages": [{"role": "user", "content": "What is the capital of Australia?"}, {"role": "assistant", "content": "The capital of Australia is Canberra."}]}
    ```
    """

    code = "JL302"
    name = "conflicting-answers"
    summary = "Same prompt as an earlier record with an answer that disagrees"
    severity = Severity.WARNING

    def initial(self, ctx: Context) -> _State:
        return _State(0 if ctx.in_task else TEXT_BUDGET)  # a task's texts would be dropped unread

    def collect(self, state: _State, record, ctx: Context) -> None:
        found = prompt_and_answer(record.example)
        if found is not None:
            state.add(record.ref, len(record.text), ctx.group, found)

    def partition(self, state: _State, parts: int, ctx: Context) -> tuple[None, list[_State]]:
        """Records with the same prompt meet in one reduce task (split by prompt hash);
        texts stay behind and are re-read there."""
        state.flush()
        prompt = np.frombuffer(state.prompt, dtype=np.uint64)
        where = prompt % np.uint64(parts) if parts > 1 else np.zeros(len(prompt), dtype=np.uint64)
        return None, [state.subset(np.flatnonzero(where == p), not ctx.in_task) for p in range(parts)]

    def reduce(self, pieces: list[_State], ctx: Context) -> list[Finding]:
        out = _State()
        for s in pieces:
            base = len(out.prompt)
            out.refs.extend(s.refs)
            out.prompt.extend(s.prompt)
            out.answer.extend(s.answer)
            out.pointers.extend(s.pointers)
            merge_groups(out.groups, out.group, s.groups, s.group)
            out.store.merge(s.store, base)
        return list(self._findings(out))

    def finish_shuffled(self, heads: list, reduced: list[list[Finding]], ctx: Context):
        for findings in reduced:
            yield from findings

    def _findings(self, state: _State):
        n = len(state.prompt)
        if n < 2:
            return
        prompt = np.frombuffer(state.prompt, dtype=np.uint64)
        group = np.frombuffer(state.group, dtype=np.int16).astype(np.uint64)
        key = prompt ^ (group * np.uint64(0x9E3779B97F4A7C15))
        groups = []
        for members in repeated(key):
            answers = {state.answer[int(m)] for m in members}
            if len(answers) > 1:
                groups.append(sorted(int(m) for m in members))
        if not groups:
            return
        need = [m for members in groups for m in members]
        texts = state.store.fetch(need, state.refs, _parts_of,
                                  lambda k, parts: stable_hash64(parts[0]) == state.answer[k])
        normalized = {m: stable_hash64(_norm(parts[0])) for m, parts in texts.items()}
        for members in groups:
            yield from self._conflicts(state, members, texts, normalized)

    def _conflicts(self, state: _State, members: list[int], texts: dict, normalized: dict[int, int]):
        """Each later distinct answer (``normalized``: hash of each record's normalized
        answer) that disagrees with an earlier one, reported once."""
        known = [m for m in members if m in texts]
        if len(known) < 2:
            return
        _, prompt, request = texts[known[0]]
        given = prompt_words(prompt)
        open_prompt = open_ended(request)
        seen: dict[int, object] = {}  # answer hash -> claims of its first record
        firsts: list[int] = []
        for m in known:
            h = normalized[m]
            if h in seen:
                continue
            mine = claims(texts[m][0], given)
            seen[h] = mine
            point, other = None, None
            for x in firsts:
                point = disagreement(mine, seen[normalized[x]], given, open_prompt)
                if point:
                    other = x
                    break
            firsts.append(m)
            if other is None:
                continue
            ref, other_ref = state.refs.ref(m), state.refs.ref(other)
            yield Finding(
                f"same prompt as the record at {where(other_ref, ref)} but a contradicting answer "
                f"({_snippet(texts[m][0])} here, {_snippet(texts[other][0])} there: {point}); "
                f"{len(members)} records share this prompt",
                record=ref, pointer=state.pointers[m],
                related=(Related(other_ref, "the answer it disagrees with", state.pointers[other]),),
            )


def _parts_of(value) -> tuple[str, str, str] | None:
    from ...formats import normalize

    if not isinstance(value, dict):
        return None
    example = normalize(value)
    found = prompt_and_answer(example) if example is not None else None
    return (found[1], found[0], found[3]) if found else None


def _snippet(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
