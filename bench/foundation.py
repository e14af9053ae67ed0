"""Foundation benchmark: records per second of `jsonl-lint check` (schema rules) and
peak memory from 10k to 1M generated lines. Memory must stay flat: per-record work
never holds the file.

    python3 bench/foundation.py [--sizes 10000,100000,1000000] [--select JL0,JL1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _data import write_chat  # noqa: E402

CHILD = """
import resource, sys, time
from jsonl_lint.config import settings_from_table
from jsonl_lint.engine import Engine
path, select, jobs = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
settings = settings_from_table({"select": select, "root": "/"}, None)
t = time.perf_counter()
report = Engine(settings).run([path], jobs=jobs)
elapsed = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(elapsed, report.files[0].records, len(report.diagnostics), rss)
"""


def measure(path: str, select: str, jobs: int) -> tuple[float, int, int, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, path, select, str(jobs)], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2]), int(out[3])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="10000,100000,1000000")
    p.add_argument("--select", default="JL0,JL1")
    p.add_argument("--jobs", default="1,2")
    args = p.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, rules {args.select}")
    print(f"{'records':>9} {'MB':>7} {'jobs':>4} {'seconds':>8} {'records/s':>10} {'peak RSS MB':>12} {'findings':>8}")
    for n in (int(s) for s in args.sizes.split(",")):
        path = write_chat(n, user_words=20, assistant_words=40)
        size = os.path.getsize(path) / 1e6
        try:
            for jobs in (int(j) for j in args.jobs.split(",")):
                secs, records, findings, rss_kb = measure(path, args.select, jobs)
                print(f"{records:>9,} {size:>7.1f} {jobs:>4} {secs:>8.2f} {records / secs:>10,.0f} "
                      f"{rss_kb / 1024:>12.0f} {findings:>8}")
        finally:
            os.unlink(path)


if __name__ == "__main__":
    main()
