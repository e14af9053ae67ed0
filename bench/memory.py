"""Bytes per record of each dataset rule's state (issue 15: 1M records within 2 GB).

    python bench/memory.py /work/data/r20k.jsonl                  # every default dataset rule
    python bench/memory.py /work/data/r20k.jsonl --select JL303   # one rule

Runs the whole default check (``--model gpt-4o-mini-2024-07-18``) in this process, as one
task of a split run (``--jobs 2``) does, then measures, before ``finish``, the deep size of each dataset rule's state (every
object reachable from it, counted once: containers, their items, numpy and ``array`` buffers),
of what each shuffled rule keeps as its head and sends as pieces (pickled), and of the
per-record diagnostics the task holds. Sizes are divided by the records read; the process's
resident memory before and after the records, too (what the sizes do not explain is caches,
allocator slack, rows not yet in columns).
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import sys
import time
from array import array
from dataclasses import replace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

MODEL = "gpt-4o-mini-2024-07-18"


def deep_size(obj, seen: set[int] | None = None) -> int:
    """Bytes of ``obj`` and everything reachable from it (each object once)."""
    import numpy as np

    seen = set() if seen is None else seen
    total = 0
    stack = [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen or isinstance(o, type) or callable(o) and not hasattr(o, "__dict__"):
            continue
        seen.add(id(o))
        if isinstance(o, np.ndarray):
            total += sys.getsizeof(o) + (o.nbytes if o.base is not None else 0)
            if o.base is not None:
                seen.add(id(o.base))
            if o.dtype == object:
                stack.extend(o.ravel().tolist())
            continue
        total += sys.getsizeof(o)
        if isinstance(o, (str, bytes, bytearray, int, float, bool, complex, array, memoryview)) or o is None:
            continue
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        else:
            if hasattr(o, "__dict__"):
                stack.append(o.__dict__)
            for cls in type(o).__mro__:
                for slot in getattr(cls, "__slots__", ()):
                    if isinstance(slot, str) and hasattr(o, slot):
                        stack.append(getattr(o, slot))
    return total


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--select", default=None, help="rule codes to select (default: the default rules)")
    args = ap.parse_args()

    from jsonl_lint.config import load_settings
    from jsonl_lint.engine import Engine, FileSummary
    from jsonl_lint.backends import Backend
    from jsonl_lint.reader import read_records
    from jsonl_lint.rule import ShuffledRule

    overrides = {"model": MODEL}
    if args.select:
        overrides["select"] = tuple(args.select.split(","))
    settings = load_settings(None).model_copy(update=overrides)
    engine = Engine(settings)
    engine.calibrate([args.file], Backend())
    ctx = replace(engine.context(args.file), in_task=True)
    states = {r.code: r.initial(ctx) for r in engine.pack.dataset_rules}
    diagnostics: list = []
    summary = FileSummary(args.file, ctx.group)
    rss = _rss()
    cpu = time.process_time()
    with engine._open(args.file) as stream:
        engine._consume(read_records(stream, args.file, max_depth=settings.max_depth,
                                     mapping=settings.field_mapping), ctx, states, diagnostics, summary)
    cpu = time.process_time() - cpu
    gc.collect()
    n = summary.records
    together = deep_size(list(states.values()))
    rows = []
    for rule in engine.pack.dataset_rules:
        size = deep_size(states[rule.code])
        extra = ""
        if isinstance(rule, ShuffledRule):
            head, pieces = rule.partition(states[rule.code], 2, ctx)
            extra = (f"  head {deep_size(head) / n:8.1f} B  pickled head {len(pickle.dumps(head, 5)) / n:7.1f} B"
                     f"  pieces {sum(len(pickle.dumps(p, 5)) for p in pieces) / n:7.1f} B")
        rows.append((size, rule.code, extra))
    print(f"{args.file}: {n:,} records, collect CPU {cpu:.1f} s, RSS {rss / 2**20:,.0f} -> {_rss() / 2**20:,.0f} MB "
          f"({(_rss() - rss) / n:,.0f} B/record)")
    for size, code, extra in sorted(rows, reverse=True):
        print(f"{code:8} {size / n:9.1f} B/record{extra}")
    print(f"{'states':8} {sum(r[0] for r in rows) / n:9.1f} B/record "
          f"({together / n:.1f} with what rules share counted once)")
    print(f"{'diagnostics':8} {deep_size(diagnostics) / n:9.1f} B/record ({len(diagnostics):,} diagnostics, "
          f"pickled {len(pickle.dumps(diagnostics, 5)) / n:.1f} B/record)")


if __name__ == "__main__":
    main()
