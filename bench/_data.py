"""Generated chat datasets for benchmarks (fixed seeds; nothing is written into the repo)."""

from __future__ import annotations

import json
import os
import random
import tempfile

WORDS = ("the a to of and in is for on with that your you it can this be are we our please order account "
         "refund shipping delivery password reset update billing plan support team help thanks question "
         "answer issue problem device setting app email phone time day week").split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def chat_record(rng: random.Random, i: int, user_words: int = 40, assistant_words: int = 150) -> dict:
    return {"messages": [
        {"role": "system", "content": "You are a helpful support assistant for Acme."},
        {"role": "user", "content": f"[{i}] " + sentence(rng, user_words)},
        {"role": "assistant", "content": sentence(rng, assistant_words)},
    ]}


def write_chat(n: int, path: str | None = None, seed: int = 0, **kw) -> str:
    """Write ``n`` generated chat records to ``path`` (a temp file by default)."""
    rng = random.Random(seed)
    if path is None:
        fd, path = tempfile.mkstemp(suffix=".jsonl", prefix=f"bench-{n}-")
        os.close(fd)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(chat_record(rng, i, **kw)) + "\n")
    return path
