"""Local processes vs Ray on one machine, and the driver's memory against the task count.

Runs standalone: ``python bench/distributed.py [--records 1000000] [--tasks 2,8,32]
[--select JL0,JL1,JL3]``. Writes generated chat records (bench/_data.py, fixed seed,
1% exact copies and 1% near copies planted) to a temporary file, then lints it in a
fresh process per run:

* ``local``: the local process backend (2 workers) with each ``--tasks`` count;
* ``ray``: a single-node Ray cluster (``ray.init(num_cpus=2)``) with the first count.

Each run reports wall time (Ray: cluster start apart), the peak RSS of the driver
(``VmHWM``) and of each worker process (sampled every 0.2 s from /proc: local
workers are the driver's children, Ray workers the raylet's ``ray::`` processes),
and the bytes each record costs on the way: task results sent to the driver and
pieces shuffled between map and reduce tasks. Writes nothing into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from duplicates import _status_kb as _kb  # noqa: E402


class _Sampler(threading.Thread):
    """Peak RSS of every worker process (children of this process, and Ray's ``ray::``
    workers), sampled every 0.2 s."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[str, int] = {}
        self.stop = False

    def _workers(self):
        me = str(os.getpid())
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or pid == me:
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = f.read().rsplit(")", 1)[1].split()[1]
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if ppid == me or cmd.startswith("ray::"):
                yield pid, cmd.split(" ")[0][:40]

    def run(self) -> None:
        while not self.stop:
            for pid, name in list(self._workers()):
                key = f"{name} {pid}"
                self.peaks[key] = max(self.peaks.get(key, 0), _kb(pid, "VmRSS"))
            time.sleep(0.2)


def lint_once(path: str, backend: str, tasks: int, select: list[str], out: str) -> None:
    """Child mode: one run, measured; writes a JSON line to ``out``."""
    from jsonl_lint import backends
    from jsonl_lint.config import settings_from_table
    from jsonl_lint.engine import Engine

    sent, shuffled = [0], [0]
    phases: dict[str, float] = {}

    def counting(cls):
        class Counting(cls):
            def shuffle(self, fn, args, parts):
                results, pieces = super().shuffle(fn, args, parts)

                def counted():
                    for lines, blob in results:
                        sent[0] += len(blob)
                        phases["map_done"] = time.perf_counter()  # the last task's result
                        yield lines, blob
                return counted(), pieces

            def reduce(self, fn, pieces, extra):
                out = super().reduce(fn, pieces, extra)
                sent[0] += sum(len(r) for r in out)
                phases["reduce_done"] = time.perf_counter()
                return out
        return Counting

    def piece_bytes(pieces) -> int:
        if backend == "ray":
            import ray

            refs = [ref for task in pieces for ref in task]
            return sum(v["object_size"] for v in ray.experimental.get_object_locations(refs).values())
        return sum(os.path.getsize(name) for task in pieces for name in task)

    settings = settings_from_table({"select": select, "root": os.getcwd()}, None)
    sampler = _Sampler()
    sampler.start()
    start = time.perf_counter()
    if backend == "ray":
        import ray

        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
        from jsonl_lint.ray_backend import RayBackend

        ready = time.perf_counter()
        engine_backend = counting(RayBackend)()
    else:
        ready = start
        engine_backend = counting(backends.ProcessBackend)(2)
    original_reduce = engine_backend.reduce

    def reduce_and_measure(fn, pieces, extra):
        shuffled[0] += piece_bytes(pieces)
        return original_reduce(fn, pieces, extra)

    engine_backend.reduce = reduce_and_measure
    with engine_backend:
        report = Engine(settings).run([path], backend=engine_backend, tasks=tasks)
    elapsed = time.perf_counter() - ready
    sampler.stop = True
    records = report.files[0].records
    with open(out, "a") as f:
        f.write(json.dumps({
            "backend": backend, "tasks": tasks, "records": records, "seconds": round(elapsed, 1),
            "start_seconds": round(ready - start, 1), "findings": len(report.diagnostics),
            "map_seconds": round(phases["map_done"] - ready, 1),
            "reduce_seconds": round(phases["reduce_done"] - phases["map_done"], 1),
            "finish_seconds": round(ready + elapsed - phases["reduce_done"], 1),
            "driver_mb": round(_kb("self", "VmHWM") / 1024), "workers_mb": sorted(
                (round(v / 1024) for v in sampler.peaks.values() if v), reverse=True)[:6],
            "sent_bytes_per_record": round(sent[0] / records, 1),
            "shuffled_bytes_per_record": round(shuffled[0] / records, 1)}) + "\n")


def write_dataset(n: int, path: str) -> None:
    """Generated chat records with 1% exact and 1% near copies of earlier records."""
    from _data import chat_record

    rng = random.Random(0)
    kept: list[dict] = []
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            roll = rng.random()
            if kept and roll < 0.01:
                rec = rng.choice(kept)
            elif kept and roll < 0.02:
                rec = json.loads(json.dumps(rng.choice(kept)))
                rec["messages"][2]["content"] = rec["messages"][2]["content"].replace(" the ", " a ", 1)
            else:
                rec = chat_record(rng, i)
                if len(kept) < 10000:
                    kept.append(rec)
            f.write(json.dumps(rec) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--tasks", default="2,8,32")
    ap.add_argument("--select", default="JL0,JL1,JL3")
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--data", help="an existing dataset written by an earlier run (kept)")
    ap.add_argument("--child", nargs=5, metavar=("PATH", "BACKEND", "TASKS", "SELECT", "OUT"))
    args = ap.parse_args(argv)
    if args.child:
        path, backend, tasks, select, out = args.child
        lint_once(path, backend, int(tasks), select.split(","), out)
        return 0
    folder = tempfile.mkdtemp(prefix="bench-distributed-")
    data = args.data or os.path.join(folder, "train.jsonl")
    if not args.data:
        write_dataset(args.records, data)
    out = os.path.join(folder, "results.jsonl")
    counts = [int(t) for t in args.tasks.split(",")]
    runs = [("local", counts[0])] + ([] if args.skip_ray else [("ray", counts[0])]) + [("local", t) for t in counts[1:]]
    print(f"{args.records:,} records, {os.path.getsize(data) / 1e6:.0f} MB, rules {args.select}", flush=True)
    for backend, tasks in runs:
        subprocess.run([sys.executable, __file__, "--child", data, backend, str(tasks), args.select, out], check=True)
        with open(out) as f:
            print(f.read().splitlines()[-1], flush=True)
    if not args.data:
        os.remove(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
