from __future__ import annotations

import re
from array import array

import numpy as np
from pydantic import Field
from rapidfuzz.distance import Indel

from ...diagnostics import Finding, Related, Severity
from ...rule import Context, DatasetRule, Options
from ...similarity.refs import RefTable, TextStore, group_id, merge_groups
from ...similarity.shingles import tokens
from ...similarity.text import stable_hash64
from ._shared import where

_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


def prompt_and_answer(example) -> tuple[str, str, str] | None:
    """(prompt key text, answer text, answer pointer): every turn before the last
    assistant turn is the prompt (role and text), that turn is the answer."""
    turns = example.turns
    last = max((i for i, t in enumerate(turns) if t.role == "assistant"), default=-1)
    if last <= 0:
        return None
    prompt = "\x1f".join(f"{t.role}\x1d{_norm(t.text)}" for t in turns[:last])
    if not any(t.role == "user" and t.text.strip() for t in turns[:last]):
        return None
    answer = turns[last]
    text = answer.text
    if answer.tool_calls:
        import orjson

        try:
            text += "\x1d" + orjson.dumps(answer.tool_calls, option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:
            pass
    return prompt, text, answer.text_pointer


class ConflictOptions(Options):
    similar_answers: float = Field(0.9, ge=0.5, le=1.0,
                                   description="answers at least this similar are variants, not a conflict "
                                               "(near-duplicate reports them)")


class _State:
    def __init__(self) -> None:
        self.refs = RefTable()
        self.prompt = array("Q")
        self.answer = array("Q")
        self.pointers: list[str] = []
        self.groups: list[str] = []
        self.group = array("h")
        self.store = TextStore(16 << 20)


class ConflictingAnswers(DatasetRule):
    """Reports records that repeat an earlier prompt with a different answer.

    ## What it does
    Groups records by their prompt: every turn before the last assistant turn,
    compared by role and text after collapsing whitespace and case. When records
    with the same prompt end in different answers, each later answer is reported
    at its assistant turn, pointing at the first record's answer. Answers that are
    only slightly different (at least `similar-answers` alike) are variants, left
    to `near-duplicate`.

    ## Why it matters for fine-tuning
    Two answers to the same prompt teach the model two things at once: it learns
    to hedge between them or picks one at random, and a wrong answer among them
    is trained as much as the right one.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "What is the capital of Australia?"}, {"role": "assistant", "content": "Canberra."}]}
    {"messages": [{"role": "user", "content": "What is the capital of Australia?"}, {"role": "assistant", "content": "Sydney is the capital of Australia."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "What is the capital of Australia?"}, {"role": "assistant", "content": "Canberra."}]}
    {"messages": [{"role": "user", "content": "What is the largest city in Australia?"}, {"role": "assistant", "content": "Sydney."}]}
    ```
    """

    code = "JL302"
    name = "conflicting-answers"
    summary = "Same prompt as an earlier record with a different answer"
    severity = Severity.WARNING
    Options = ConflictOptions

    def initial(self, ctx: Context) -> _State:
        return _State()

    def collect(self, state: _State, record, ctx: Context) -> None:
        found = prompt_and_answer(record.example)
        if found is None:
            return
        prompt, answer, pointer = found
        i = len(state.prompt)
        state.refs.add(record.ref, len(record.text))
        state.prompt.append(stable_hash64(prompt))
        state.answer.append(stable_hash64(_norm(answer)))
        state.pointers.append(pointer)
        state.group.append(group_id(state.groups, ctx.group))
        state.store.keep(i, (answer,))

    def merge(self, states: list[_State]) -> _State:
        out = _State()
        for s in states:
            base = len(out.prompt)
            out.refs.extend(s.refs)
            out.prompt.extend(s.prompt)
            out.answer.extend(s.answer)
            out.pointers.extend(s.pointers)
            merge_groups(out.groups, out.group, s.groups, s.group)
            out.store.merge(s.store, base)
        return out

    def finish(self, state: _State, ctx: Context):
        n = len(state.prompt)
        if n < 2:
            return
        prompt = np.frombuffer(state.prompt, dtype=np.uint64)
        group = np.frombuffer(state.group, dtype=np.int16).astype(np.uint64)
        key = prompt ^ (group * np.uint64(0x9E3779B97F4A7C15))
        order = np.argsort(key, kind="stable")
        k = key[order]
        brk = np.flatnonzero(k[1:] != k[:-1]) + 1
        conflicts = []
        for members in np.split(order, brk):
            if len(members) < 2:
                continue
            answers = {state.answer[int(m)] for m in members}
            if len(answers) > 1:
                conflicts.append([int(m) for m in members])
        if not conflicts:
            return
        need = [m for members in conflicts for m in members]
        texts = state.store.fetch(need, state.refs, _answer_of,
                                  lambda k, parts: stable_hash64(_norm(parts[0])) == state.answer[k])
        for members in conflicts:
            first = members[0]
            first_ref = state.refs.ref(first)
            kept = [first]  # distinct answers seen so far
            for m in members[1:]:
                if state.answer[m] in {state.answer[x] for x in kept}:
                    continue
                a = texts.get(m)
                similar = [x for x in kept if a is not None and texts.get(x) is not None
                           and Indel.normalized_similarity(" ".join(tokens(a[0])), " ".join(tokens(texts[x][0])))
                           >= self.options.similar_answers]
                kept.append(m)
                if similar:
                    continue
                ref = state.refs.ref(m)
                mine = _snippet(a[0]) if a else "this answer"
                theirs = _snippet(texts[first][0]) if first in texts else "its answer"
                yield Finding(
                    f"same prompt as the record at {where(first_ref, ref)} but a different answer "
                    f"({mine} here, {theirs} there); {len(members)} records share this prompt",
                    record=ref, pointer=state.pointers[m],
                    related=(Related(first_ref, "first answer to the same prompt", state.pointers[first]),),
                )


def _answer_of(value) -> tuple[str] | None:
    from ...formats import normalize

    if not isinstance(value, dict):
        return None
    example = normalize(value)
    found = prompt_and_answer(example) if example is not None else None
    return (found[1],) if found else None


def _snippet(text: str, limit: int = 40) -> str:
    text = _SPACE.sub(" ", text).strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
