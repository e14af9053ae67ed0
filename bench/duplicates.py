"""Benchmark of the duplicate rules on generated chat data with planted duplicates.

Runs standalone: ``python bench/duplicates.py [--sizes 10000,100000,1000000] [--jobs 2]``.
For each size it writes a generated JSONL file to a temporary folder (fixed seed,
~10% planted copies: exact, changed numbers, typos, case/whitespace, a word added,
a name swapped; 30% of prompts carry one of three long tool preambles), lints it in a
fresh process with JL301 + JL303 (engine ``jobs``), and prints wall time, peak RSS
(the linting process and its largest worker) and recall/precision against the
planted copies. The baseline is an all-pairs rapidfuzz ``ratio`` (``cdist``, 2
workers) over the same normalized texts of the first ``--baseline`` records,
measured in the same run. Writes nothing into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "duplicates"))
sys.path.insert(0, str(HERE.parent / "src"))

from planted import generate, score  # noqa: E402


def _status_kb(pid: int | str, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class _Sampler(threading.Thread):
    """Peak of the summed RSS of this process and its children (the workers),
    sampled every 0.2 s. ru_maxrss is not used for the main process: Linux carries
    the parent's high-water mark across fork + exec."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_total = 0
        self.stop = False

    def run(self) -> None:
        me = os.getpid()
        while not self.stop:
            try:
                kids = open(f"/proc/{me}/task/{me}/children").read().split()
            except OSError:
                kids = []
            total = _status_kb(me, "VmRSS") + sum(_status_kb(k, "VmRSS") for k in kids)
            self.peak_total = max(self.peak_total, total)
            time.sleep(0.2)


def lint_once(path: str, jobs: int, out: str) -> None:
    """Child mode: lint ``path`` and write timings, memory and flagged pairs to ``out``."""
    from jsonl_lint.config import settings_from_table
    from jsonl_lint.engine import Engine

    settings = settings_from_table({"select": ["JL301", "JL303"], "root": os.getcwd()}, None)
    sampler = _Sampler()
    sampler.start()
    t = time.perf_counter()
    report = Engine(settings).run([path], jobs=jobs)
    elapsed = time.perf_counter() - t
    sampler.stop = True
    flagged = {d.location.line - 1: d.related[0].location.line - 1 for d in report.diagnostics}
    self_kb = _status_kb("self", "VmHWM")
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(out, "w") as f:
        json.dump({"seconds": elapsed, "self_mb": self_kb / 1024, "worker_mb": child_kb / 1024,
                   "total_mb": sampler.peak_total / 1024, "flagged": flagged,
                   "findings": len(report.diagnostics)}, f)


def baseline(lines: list[str], n: int, budget: float) -> dict:
    """All-pairs rapidfuzz ratio over the first ``n`` records (the compared text), in
    blocks of rows against all ``n`` records. When ``budget`` seconds run out, the
    time for all n(n-1)/2 pairs is extrapolated from the pairs compared so far."""
    import numpy as np
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    from jsonl_lint.similarity.shingles import tokens

    texts = []
    for line in lines[:n]:
        v = json.loads(line)
        texts.append(" ".join(tokens("\n".join(m["content"] for m in v["messages"]))))
    t = time.perf_counter()
    done = pairs = compared = 0
    block = 250
    while done < n:
        rows = texts[done:done + block]
        m = cdist(rows, texts[done:], scorer=fuzz.ratio, workers=2, dtype=np.uint8, score_cutoff=90)
        upper = np.triu(np.ones(m.shape, dtype=bool), 1)
        pairs += int((m[upper] >= 90).sum())
        compared += int(upper.sum())
        done += len(rows)
        if time.perf_counter() - t > budget:
            break
    elapsed = time.perf_counter() - t
    total = n * (n - 1) // 2
    return {"seconds": elapsed * total / compared, "measured_seconds": elapsed, "share": compared / total,
            "pairs": pairs, "us_per_pair": elapsed / compared * 1e6}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--baseline", type=int, default=10000, help="records in the all-pairs baseline (0: skip)")
    ap.add_argument("--budget", type=float, default=600.0,
                    help="seconds for the baseline; beyond that its total time is extrapolated")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--child", nargs=3, metavar=("PATH", "JOBS", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        lint_once(args.child[0], int(args.child[1]), args.child[2])
        return 0
    rows = []
    base_lines = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",") if s]:
            t = time.perf_counter()
            planted = generate(n, seed=args.seed)
            path = os.path.join(tmp, f"chat-{n}.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(planted.lines) + "\n")
            gen = time.perf_counter() - t
            size_mb = os.path.getsize(path) / 1e6
            out = os.path.join(tmp, "result.json")
            subprocess.run([sys.executable, __file__, "--child", path, str(args.jobs), out], check=True)
            res = json.loads(Path(out).read_text())
            sc = score(planted, {int(k): v for k, v in res["flagged"].items()})
            row = {"n": n, "mb": size_mb, "gen": gen, **{k: v for k, v in res.items() if k != "flagged"}, **sc}
            rows.append(row)
            print(f"{n:>9,} records ({size_mb:,.0f} MB): {res['seconds']:.1f} s, peak RSS {res['self_mb']:,.0f} MB "
                  f"main, {res['worker_mb']:,.0f} MB largest worker, {res['total_mb']:,.0f} MB all together; planted {sc['planted']:,}, recall {sc['recall']:.4f}, "
                  f"precision {sc['precision']:.4f}", flush=True)
            os.remove(path)
            if args.baseline and n >= args.baseline and base_lines is None:
                base_lines = planted.lines[:args.baseline]
            del planted
        if base_lines is not None:
            b = baseline(base_lines, args.baseline, args.budget)
            rows.append({"baseline": True, "n": args.baseline, **b})
            how = "measured" if b["share"] >= 1 else f"extrapolated from {b['share']:.0%} of the pairs"
            print(f"baseline: all pairs of {args.baseline:,} records, rapidfuzz cdist ratio (2 workers): "
                  f"{b['seconds']:.1f} s ({how}; {b['us_per_pair']:.1f} us/pair), "
                  f"{b['pairs']} pairs >= 0.90 among those compared", flush=True)
    print()
    print("| records | file | lint JL301+JL303 | peak RSS main / largest worker / all processes | recall | precision |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r.get("baseline"):
            continue
        print(f"| {r['n']:,} | {r['mb']:,.0f} MB | {r['seconds']:.1f} s | {r['self_mb']:,.0f} / {r['worker_mb']:,.0f} / "
              f"{r['total_mb']:,.0f} MB "
              f"| {r['recall']:.4f} | {r['precision']:.4f} |")
    for r in rows:
        if r.get("baseline"):
            how = "" if r["share"] >= 1 else f" (extrapolated from {r['share']:.0%} of the pairs)"
            print(f"| all-pairs rapidfuzz baseline, {r['n']:,} records | | {r['seconds']:.0f} s{how} | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
