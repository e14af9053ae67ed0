"""Generated chat datasets with planted exact and near duplicates (fixed seeds).

Used by the tests in this folder and by ``bench/duplicates.py``. Records are
OpenAI chat examples (user ~40 words, assistant ~150 words); a share of prompts
starts with one of a few long tool preambles (boilerplate that must not count as
similarity). Planted copies are exact (key order and surrounding whitespace
changed) or near: numbers changed, typos, case and whitespace changes, a word
added, a name swapped.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

NAMES = ["Maria", "Anna", "John", "Wei", "Fatima", "Carlos", "Olga", "Kenji", "Aisha", "Pierre", "Sven", "Lucia"]
SYLLABLES = ["ka", "lo", "mi", "ter", "san", "vel", "or", "dun", "pri", "sto", "ba", "ne", "quil", "ra", "tho", "ex"]
MUTATIONS = ("numbers", "typos", "case-space", "word-added", "name-swap")


def _vocab(rng: random.Random, size: int = 6000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def _sentence_text(rng: random.Random, vocab: list[str], n: int) -> str:
    out = []
    for i in range(n):
        r = rng.random()
        if r < 0.04:
            out.append(str(rng.randint(2, 2000)))
        elif r < 0.07:
            out.append(rng.choice(NAMES))
        else:
            out.append(rng.choice(vocab))
        if i % 12 == 11:
            out[-1] += "."
    return " ".join(out) + "."


def _preambles(rng: random.Random, vocab: list[str]) -> list[str]:
    return [f"tool: enabled\ntool access: {name}\n" + _sentence_text(rng, vocab, 60) + "\n"
            for name in ("search", "python", "weather")]


def mutate(text: str, kind: str, rng: random.Random) -> str:
    words = text.split(" ")
    if kind == "numbers":
        idx = [i for i, w in enumerate(words) if w.rstrip(".").isdigit()]
        if not idx:
            words.insert(rng.randrange(len(words)), str(rng.randint(2, 99)))
        for i in rng.sample(idx, min(len(idx), 2)):
            words[i] = str(rng.randint(2, 2000)) + ("." if words[i].endswith(".") else "")
    elif kind == "typos":
        for _ in range(3):
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 2:
                j = rng.randrange(len(w) - 1)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]  # transpose two letters
    elif kind == "case-space":
        for i in rng.sample(range(len(words)), min(len(words), 8)):
            words[i] = words[i].upper() if rng.random() < 0.5 else words[i].capitalize()
        return "  ".join(words).replace(".  ", ".\n")
    elif kind == "word-added":
        words.insert(rng.randrange(len(words)), rng.choice(["really", "very", "quite", "also"]))
    elif kind == "name-swap":
        idx = [i for i, w in enumerate(words) if w.rstrip(".") in NAMES]
        if not idx:
            words.insert(rng.randrange(len(words)), rng.choice(NAMES))
        for i in idx[:2]:
            words[i] = rng.choice([n for n in NAMES if n != words[i].rstrip(".")]) + (
                "." if words[i].endswith(".") else "")
    return " ".join(words)


@dataclass
class Planted:
    lines: list[str]
    # (index of the original, index of the copy, "exact" or a mutation kind)
    copies: list[tuple[int, int, str]] = field(default_factory=list)


def generate(n: int, seed: int = 7, dup_rate: float = 0.1, exact_share: float = 0.25,
             preamble_share: float = 0.3, user_words: int = 40, assistant_words: int = 150) -> Planted:
    """``n`` records of which about ``dup_rate`` are planted copies of earlier ones."""
    rng = random.Random(seed)
    vocab = _vocab(rng)
    preambles = _preambles(rng, vocab)
    originals: list[tuple[int, str, str]] = []
    out = Planted([])
    for i in range(n):
        if originals and rng.random() < dup_rate:
            src, user, assistant = originals[rng.randrange(len(originals))]
            if rng.random() < exact_share:
                value = {"messages": [{"content": " " + user, "role": "user"},
                                      {"content": assistant + "\n", "role": "assistant"}]}
                out.lines.append(json.dumps(value, ensure_ascii=False))
                out.copies.append((src, i, "exact"))
            else:
                kind = rng.choice(MUTATIONS)
                if rng.random() < 0.5:
                    user = mutate(user, kind, rng)
                else:
                    assistant = mutate(assistant, kind, rng)
                out.lines.append(_line(user, assistant))
                out.copies.append((src, i, kind))
            continue
        user = _sentence_text(rng, vocab, user_words)
        if rng.random() < preamble_share:
            user = rng.choice(preambles) + user
        assistant = _sentence_text(rng, vocab, assistant_words)
        originals.append((i, user, assistant))
        out.lines.append(_line(user, assistant))
    return out


def _line(user: str, assistant: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": user},
                                    {"role": "assistant", "content": assistant}]}, ensure_ascii=False)


def score(planted: Planted, flagged: dict[int, int]) -> dict:
    """Recall and precision of ``flagged`` ({copy index: index it points at}) against
    the planted copies (a copy counts as found when it points at its original or at
    another copy of the same original)."""
    root = {}
    for src, dst, _ in planted.copies:
        root[dst] = root.get(src, src)
    truth = {dst for _, dst, _ in planted.copies}
    found = {i for i, j in flagged.items() if i in truth and root.get(j, j) == root[i]}
    wrong = {i for i in flagged if i not in found}
    by_kind: dict[str, list[int]] = {}
    for _, dst, kind in planted.copies:
        by_kind.setdefault(kind, [0, 0])
        by_kind[kind][0] += 1
        by_kind[kind][1] += dst in found
    return {"planted": len(truth), "found": len(found), "false": len(wrong),
            "recall": len(found) / max(1, len(truth)),
            "precision": len(found) / max(1, len(found) + len(wrong)),
            "by_kind": {k: v[1] / v[0] for k, v in by_kind.items()}}
