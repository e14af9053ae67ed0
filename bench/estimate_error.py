"""How far the o200k_base estimate (used where no tokenizer is public: Gemini, Nova) tends
to be from real tokenizers: on 10,000 corpus texts, (exact - estimate) / estimate per text
for every exact open-weight tokenizer jsonl-lint ships, and the same for 1 token per 4
characters. The 5th-95th percentile band of all of them is ESTIMATE_SPREAD in
jsonl_lint/tokens/open_weights.py.

    python bench/estimate_error.py        # needs ../shared/corpora and the llama, mistral, qwen extras
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from targets.test_open_weight_tokenizers import corpus_texts  # noqa: E402

from jsonl_lint.tokens.encodings import load_counter  # noqa: E402

MIN_TOKENS = 20  # shorter texts swing by one token; they say little about a tokenizer


def main() -> None:
    texts = corpus_texts()
    base = load_counter("o200k_base")
    est = np.array([base.count(t) for t in texts], dtype=float)
    keep = est >= MIN_TOKENS
    print(f"{len(texts):,} corpus texts, {int(keep.sum()):,} with >= {MIN_TOKENS} o200k tokens")
    pooled = []
    for name in ("llama3", "llama4", "tekken-240718", "mistral-v3", "qwen"):
        counter = load_counter(name)
        exact = np.array([counter.count(t) for t in texts], dtype=float)
        rel = (exact[keep] - est[keep]) / est[keep]
        pooled.append(rel)
        print(f"{name:14s} p5 {np.percentile(rel, 5):+.1%}  median {np.median(rel):+.1%}  "
              f"p95 {np.percentile(rel, 95):+.1%}  total {exact[keep].sum() / est[keep].sum() - 1:+.1%}")
    chars = np.array([-(-len(t) // 4) for t in texts], dtype=float)
    rel = (est[keep] - chars[keep]) / chars[keep]
    print(f"{'o200k vs c/4':14s} p5 {np.percentile(rel, 5):+.1%}  median {np.median(rel):+.1%}  "
          f"p95 {np.percentile(rel, 95):+.1%}")
    allrel = np.concatenate(pooled)
    print(f"pooled         p5 {np.percentile(allrel, 5):+.1%}  p95 {np.percentile(allrel, 95):+.1%}")


if __name__ == "__main__":
    main()
