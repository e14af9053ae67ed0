"""What --target costs: `check` (every default rule) on generated chat records, with and
without three targets, run alternately in one process (the machine may be shared: compare
the two, not absolute times). The brief's bar: at most 1.3x.

    python bench/targets.py                          # 100k records, together,bedrock-nova,trl
    python bench/targets.py --records 20000 --targets openai,together,vertex-gemini --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _data import write_chat  # noqa: E402

from jsonl_lint.config import settings_from_table  # noqa: E402
from jsonl_lint.engine import Engine  # noqa: E402


def timed(settings, path: str, jobs: int) -> tuple[float, int]:
    started = time.perf_counter()
    report = Engine(settings).run([path], jobs=jobs)
    return time.perf_counter() - started, len(report.diagnostics)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--targets", default="together,bedrock-nova,trl")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    path = write_chat(args.records)
    try:
        base = settings_from_table({"root": ROOT}, None)
        with_targets = base.updated(target=tuple(args.targets.split(",")))
        timed(with_targets, write_chat(500), 1)  # load every tokenizer once (as an installed run would, per process)
        plain, targeted = [], []
        for _ in range(args.repeat):
            t, n_plain = timed(base, path, args.jobs)
            plain.append(t)
            t, n_targeted = timed(with_targets, path, args.jobs)
            targeted.append(t)
            print(f"without {plain[-1]:7.1f} s ({n_plain:,} findings)   with {args.targets}: {targeted[-1]:7.1f} s "
                  f"({n_targeted:,} findings)   ratio {targeted[-1] / plain[-1]:.2f}   "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
        print(f"median: without {statistics.median(plain):.1f} s, with {statistics.median(targeted):.1f} s, "
              f"ratio {statistics.median(targeted) / statistics.median(plain):.2f} ({args.records:,} records, "
              f"jobs={args.jobs})")
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
