"""Benchmark: the language server's dataset pass (lsp/dataset.py) in this process, in CPU
seconds (this process and its workers), for an open and for saves after one edit.

    python bench/lsp_pass.py --file /work/data/r20k.jsonl [--at 0.1,0.5,0.9] [--serial]

Runs the pass on the file's text (the open), then, for each fraction in ``--at``, on the
text with one character typed into the record at that fraction of the file (a save; the
pass keeps the tasks before the edit), then that same text again without the kept tasks
(what a save costs with nothing kept). ``--serial``: the pass on one core (no workers).
Checks that each save's findings equal the fresh pass's. Writes nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import time

_CONTENT = re.compile(r'"content":\s*"')


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", required=True)
    ap.add_argument("--at", default="0.1,0.5,0.9")
    ap.add_argument("--serial", action="store_true")
    args = ap.parse_args()

    from jsonl_lint.config import load_settings
    from jsonl_lint.lsp import dataset
    from jsonl_lint.registry import all_rules

    all_rules()
    if args.serial:
        dataset.PARALLEL_MIN_LINES = 1 << 62
    with open(args.file, encoding="utf-8") as f:
        lines = f.read().split("\n")
    path = os.path.join(os.path.dirname(os.path.abspath(args.file)), "bench-lsp-pass.jsonl")  # never written
    settings = load_settings(start=path)

    def timed(text: str) -> tuple[float, float, list]:
        c, w = cpu(), time.perf_counter()
        found = dataset.dataset_pass(settings, path, text)
        return cpu() - c, time.perf_counter() - w, found

    c, w, _ = timed("\n".join(lines))
    print(f"{len(lines):,} lines; open: {c:.2f} s CPU, {w:.2f} s wall")
    for at in (float(x) for x in args.at.split(",")):
        i = int(at * (len(lines) - 1))
        while not _CONTENT.search(lines[i]):
            i += 1
        col = _CONTENT.search(lines[i]).end()
        lines[i] = lines[i][:col] + "x" + lines[i][col:]
        text = "\n".join(lines)
        c, w, kept = timed(text)
        dataset._kept.clear()
        c0, w0, fresh = timed(text)
        same = "identical" if kept == fresh else "DIFFERENT"
        print(f"save after an edit at line {i + 1:,} ({at:.0%}): {c:.2f} s CPU, {w:.2f} s wall "
              f"(nothing kept: {c0:.2f} s CPU, {w0:.2f} s wall); findings {same}")


if __name__ == "__main__":
    main()
