"""CPU cost per record of each rule and shared stage of the default check (``--timings``
with a CPU clock, one process), for speed work on the per-record rules.

    python bench/rule_costs.py /work/data/r5k.jsonl            # table, slowest first
    python bench/rule_costs.py FILE --json > costs.json         # rows for comparing checkouts

The wall clock of ``--timings`` counts time the process waited for the CPU on a shared
machine; this counts CPU time only (``time.process_time``), so two checkouts can be
compared on a busy machine. The clock's own cost is charged to the rows, alike in both.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time

MODEL = "gpt-4o-mini-2024-07-18"


def costs(path: str, model: str = MODEL) -> dict:
    from jsonl_lint import timings
    from jsonl_lint.cli import main

    timings._clock = time.process_time
    out = io.StringIO()
    begun = time.process_time()
    main(["check", path, "--model", model, "--jobs", "1", "--timings", "--output-format", "json"], out, io.StringIO())
    cpu = time.process_time() - begun
    data = json.loads(out.getvalue())
    records = sum(1 for _ in open(path, "rb"))
    return {"records": records, "cpu_seconds": cpu, "findings": len(data["diagnostics"]),
            "rows": {r["name"]: r["seconds"] for r in data["timings"]["rows"]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()
    found = costs(args.file, args.model)
    if args.json:
        json.dump(found, sys.stdout)
        return
    n = found["records"]
    print(f"{found['cpu_seconds'] / n * 1e6:.1f} us/record CPU in all, {found['findings']} findings, {n} records")
    for name, seconds in sorted(found["rows"].items(), key=lambda kv: -kv[1]):
        print(f"{name:<42} {seconds / n * 1e6:8.1f} us/record")


if __name__ == "__main__":
    main()
