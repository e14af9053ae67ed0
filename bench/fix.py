"""Benchmark --fix, --diff and --diff-base on a generated 100k-line dataset.

    python bench/fix.py [--lines 100000] [--select JL0,JL1,JL301]

Writes only into a temporary folder. Prints one table: wall time of a plain lint, of
the fix passes (in memory, with the re-lints), of one splice pass alone, of the atomic
write, and of --diff-base (git cat-file + record matching + the budget's token counts).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from jsonl_lint import fixer  # noqa: E402
from jsonl_lint.config import settings_from_table  # noqa: E402
from jsonl_lint.engine import Engine  # noqa: E402
from jsonl_lint.gitdiff import changed_records  # noqa: E402

WORDS = "the a model data train answer question city river blue fast slow large small why how when".split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(rng: random.Random, lines: int) -> bytes:
    out = []
    records: list[str] = []
    for i in range(lines):
        roll = rng.random()
        if roll < 0.01 and records:
            line = rng.choice(records)  # exact duplicate (unsafe fix)
        elif roll < 0.02:
            line = ""  # blank line (safe fix)
        else:
            q, a = sentence(rng, rng.randint(5, 20)), sentence(rng, rng.randint(10, 60))
            if roll < 0.04:
                a = "  " + a + " \n"  # untrimmed turn (safe fix)
            line = json.dumps({"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]})
            records.append(line)
        out.append(line + ("\r\n" if roll > 0.995 else "\n"))  # a few CRLF lines (safe fix)
    return "".join(out).encode()


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--select", default="JL0,JL1,JL301")
    args = ap.parse_args()
    rng = random.Random(7)
    data = generate(rng, args.lines)
    settings = settings_from_table({"select": args.select.split(","), "root": os.getcwd()}, None)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "train.jsonl")
        with open(path, "wb") as f:
            f.write(data)
        engine = Engine(settings)
        t_lint, report = timed(lambda: engine.run([path], jobs=1))
        rows.append(("lint (no fix)", t_lint, f"{len(report.diagnostics):,} findings"))
        t_fix, result = timed(lambda: fixer.fix_files(engine, [path], report, unsafe=True))
        rows.append(("fix passes + re-lints (unsafe)", t_fix,
                     f"{result.total_applied:,} fixed in {result.iterations} passes"))
        fixes = [d.fix for d in report.diagnostics if fixer.wanted(d.fix, True)]
        t_pass, done = timed(lambda: fixer.apply_fixes(data, fixes))
        rows.append(("one splice pass alone", t_pass, f"{done.applied:,} applied, {done.skipped:,} deferred"))
        t_diff, text = timed(result.diff)
        rows.append(("unified diff", t_diff, f"{text.count(chr(10)):,} lines"))
        t_write, _ = timed(lambda: fixer.write_atomic(path, result.fixed[path]))
        rows.append(("atomic write (fsync + rename)", t_write, f"{len(result.fixed[path]) / 1e6:.1f} MB"))

        # --diff-base: commit, change 1% of the lines, compare
        env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x", "GIT_COMMITTER_NAME": "b",
               "GIT_COMMITTER_EMAIL": "b@x"}
        for cmd in (["init", "-q"], ["add", "."], ["commit", "-qm", "base"]):
            subprocess.run(["git", *cmd], cwd=tmp, env=env, check=True)
        lines = result.fixed[path].split(b"\n")
        for i in rng.sample(range(len(lines) - 1), len(lines) // 100):
            lines[i] = json.dumps({"messages": [{"role": "user", "content": sentence(rng, 8)},
                                                {"role": "assistant", "content": sentence(rng, 30)}]}).encode()
        with open(path, "wb") as f:
            f.write(b"\n".join(lines))
        t_changes, changes = timed(lambda: changed_records([path], "HEAD"))
        rows.append(("--diff-base: find changed records", t_changes, f"{len(changes.files[path].changed):,} changed"))
        t_budget, line = timed(lambda: changes.budget_line(settings))
        rows.append(("--diff-base: budget (token counts)", t_budget, line.split(": ", 1)[1][:60] + "..."))

    print(f"{args.lines:,} lines, {len(data) / 1e6:.1f} MB, rules {args.select}")
    print(f"{'step':<36} {'seconds':>8}  result")
    for name, secs, note in rows:
        print(f"{name:<36} {secs:8.2f}  {note}")


if __name__ == "__main__":
    main()
