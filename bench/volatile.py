"""Benchmark: per-record cost of the volatile-fact (JL5xx) and hygiene (JL8xx) rules.

Generates 100k chat records of ~150 words (fixed seed; 10% carry a planted volatile
fact, 5% a hygiene defect), writes them to a temporary file and lints it with one
process under several rule selections. The cost of a rule group is its run time
minus the run time of a baseline selection (JL001 only: reading and parsing).
Times are CPU time of this process (``time.process_time``), which other processes on
a busy machine disturb less than wall-clock time.

    python bench/volatile.py [--records 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from jsonl_lint.config import settings_from_table  # noqa: E402
from jsonl_lint.engine import Engine  # noqa: E402
from jsonl_lint.formats import normalize  # noqa: E402
from jsonl_lint.volatile import analyze  # noqa: E402
from jsonl_lint.volatile.synthetic import generate  # noqa: E402

FILLER = ("Fine-tuning adapts a pretrained model to a task with a small set of examples. "
          "Good examples are consistent in tone and format, and they show the behaviour you want. ")
DEFECTS = [
    lambda r: r["messages"][1].__setitem__("content", "N/A"),
    lambda r: r["messages"][1].__setitem__("content", "I am {{name}}, made by {{author}}."),
    lambda r: r["messages"][1].__setitem__("content", r["messages"][1]["content"] + "\u0007"),
    lambda r: r["messages"][0].__setitem__("content", "Summarize this article: https://example.com/a"),
    lambda r: r["messages"][1].__setitem__("content", "I'm sorry, but I can't help with that."),
]


def make_records(n: int, seed: int, volatile_share: float = 0.1) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for record, _ in generate(n, seed=seed, volatile_share=volatile_share):
        # Pad answers to ~150 words like real chat data.
        record["messages"][1]["content"] = FILLER * rnd.randint(2, 6) + record["messages"][1]["content"]
        if rnd.random() < 0.05:
            rnd.choice(DEFECTS)(record)
        out.append(json.dumps(record, ensure_ascii=False))
    return out


def run(path: str, select: list[str]) -> tuple[float, int]:
    settings = settings_from_table({"select": select, "jobs": 1, "root": os.getcwd()}, None)
    engine = Engine(settings)
    t0 = time.process_time()
    report = engine.run([path], jobs=1)
    return time.process_time() - t0, len(report.diagnostics)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--volatile-share", type=float, default=0.1, help="share of records with a planted volatile fact")
    args = ap.parse_args()

    lines = make_records(args.records, args.seed, args.volatile_share)
    size = sum(len(x) + 1 for x in lines)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    try:
        groups = [
            ("baseline (read + parse, JL001)", ["JL001"]),
            ("JL501-JL503 volatile facts", ["JL001", "JL501", "JL502", "JL503"]),
            ("JL801-JL807 hygiene", ["JL001", "JL801", "JL802", "JL803", "JL804", "JL805", "JL806", "JL807"]),
            ("JL5xx + JL8xx", ["JL001", "JL5", "JL8"]),
        ]
        results = {}
        for name, select in groups:
            times = []
            for _ in range(args.repeat):
                seconds, found = run(path, select)
                times.append(seconds)
            results[name] = (statistics.median(times), found)
        base = results[groups[0][0]][0]
        print(f"{args.records:,} records, {size / 1e6:.0f} MB, {args.volatile_share:.0%} volatile, "
              f"median of {args.repeat} runs, one process")
        print(f"{'selection':34} {'CPU s':>8} {'µs/record':>10} {'rule µs/record':>15} {'findings':>9}")
        for name, (seconds, found) in results.items():
            extra = "" if name == groups[0][0] else f"{(seconds - base) / args.records * 1e6:15.1f}"
            print(f"{name:34} {seconds:8.2f} {seconds / args.records * 1e6:10.1f} {extra:>15} {found:9d}")
        # The detector alone, on already-normalized examples (no engine overhead).
        examples = [normalize(json.loads(x)) for x in lines[:20000]]
        t0 = time.process_time()
        for ex in examples:
            analyze(ex)
        per = (time.process_time() - t0) / len(examples) * 1e6
        t0 = time.process_time()
        for x in lines[:20000]:
            json.loads(x)
        parse = (time.process_time() - t0) / 20000 * 1e6
        print(f"{'detector alone (analyze)':34} {'':8} {per:10.1f}")
        print(f"{'stdlib json.loads, for scale':34} {'':8} {parse:10.1f}")
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
