"""Cold start of a small check: wall, CPU and peak memory of fresh processes (issue 15).

    python bench/startup.py                                   # this checkout, 7 runs of each command
    python bench/startup.py --tree ../main --runs 9           # this checkout and another, alternately
    python bench/startup.py --command "check examples/support-chat.jsonl --model gpt-4o-mini-2024-07-18"

Each run is ``python -m jsonl_lint COMMAND`` in a new process with the tree's ``src/`` first on
``PYTHONPATH`` and a fresh user cache per tree (kept across that tree's runs, as a user's is,
so the first run pays for building it); the trees take turns run by run, so a busy machine
slows both alike. The sources are byte-compiled first, as ``pip install`` does (with
``PYTHONDONTWRITEBYTECODE=1`` and no ``__pycache__`` every run would compile every module).
Prints the median and range of wall time, CPU time (user + system) and peak RSS per tree
and command, and the ratio of the medians against the first tree.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMANDS = ["check examples/support-chat.jsonl", "--version"]


def cold_run(tree: str, command: str, cache: str) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one fresh ``python -m jsonl_lint COMMAND``."""
    env = dict(os.environ, PYTHONPATH=os.path.join(tree, "src"), XDG_CACHE_HOME=cache)
    env.pop("JSONL_LINT_TIMING", None)
    env.pop("JSONL_LINT_CACHE_DIR", None)
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "jsonl_lint", *shlex.split(command)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{tree}: `{command}` exited {code}\n{proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", action="append", default=[], metavar="DIR",
                    help="another checkout to measure too (repeatable); this one comes first")
    ap.add_argument("--command", action="append", metavar="ARGS", help=f"jsonl-lint arguments (default: {COMMANDS})")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    trees = [ROOT] + [os.path.abspath(t) for t in args.tree]
    commands = args.command or COMMANDS
    for tree in trees:
        compileall.compile_dir(os.path.join(tree, "src", "jsonl_lint"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        caches = {tree: os.path.join(tmp, str(i)) for i, tree in enumerate(trees)}
        for command in commands:
            samples: dict[str, list[tuple[float, float, float]]] = {t: [] for t in trees}
            for _ in range(args.runs):
                for tree in trees:
                    samples[tree].append(cold_run(tree, command, caches[tree]))
            print(f"jsonl-lint {command}  ({args.runs} cold runs per tree, medians [min-max])")
            first = None
            for tree in trees:
                wall, cpu, rss = (statistics.median(col) for col in zip(*samples[tree]))
                lo, hi = min(s[1] for s in samples[tree]), max(s[1] for s in samples[tree])
                ratio = "" if first is None else f"  CPU x{cpu / first:.2f} of the first"
                first = cpu if first is None else first
                print(f"  {wall:6.3f} s wall  {cpu:6.3f} s CPU [{lo:.3f}-{hi:.3f}]  {rss:5.0f} MB  {tree}{ratio}")


if __name__ == "__main__":
    main()
