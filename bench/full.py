"""The whole default check against the floor, on real-text chat records (issue 15).

    python bench/full.py                                  # 10k and 100k records, 3 alternations each
    python bench/full.py --sizes 1000000 --repeat 1       # 1M: time and peak memory of all processes
    python bench/full.py --sizes 100000 --timings         # also the --timings table of the check
    python bench/full.py --lsp 50000                      # the editor's dataset pass on a 50k-line file
    python bench/full.py --tree ../old-checkout           # the check of another checkout
    python bench/full.py --before ../old-checkout         # that checkout and this one, alternately (before/after)

Records: one system, user and assistant turn each, built at run time from the Alpaca and
GSM8K texts in ``../shared/corpora`` (nothing of them is written into the repository): the
corpus texts are cut into sentences, and each record draws as many user and assistant
sentences as a randomly chosen corpus example has (fixed seed), so lengths and vocabulary
are the corpora's and records are distinct; 1 in 200 repeats an earlier record exactly.

Floor: read every line with orjson and count every message text with tiktoken's
``o200k_base`` (``encode_ordinary``) on one core, nothing else, in this process with the
encoding loaded. Check: ``jsonl-lint check --model gpt-4o-mini-2024-07-18`` in a fresh
process (every default rule, both cores: ``--jobs 2``), end to end, findings written as
JSON to a temporary file. The two alternate, so a busy machine slows both alike: compare
the ratio, not the seconds. Peak memory is the largest sum, over the check's process tree,
of resident (RSS) and proportional (PSS, shared pages split between processes) memory,
sampled every 0.1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import orjson

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
CORPORA = os.path.join(os.path.dirname(ROOT), "shared", "corpora")
SOURCES = ("alpaca/alpaca_5000.json", "alpaca-cleaned/gsm_8k_train.json")
SYSTEMS = ("You are a helpful assistant.",
           "You are a careful math tutor. Show your working step by step.",
           "You are a concise assistant. Answer clearly and accurately.")
MODEL = "gpt-4o-mini-2024-07-18"
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_BREAK.split(text) if s.strip()]


def build(n: int, path: str, seed: int = 0, corpora: str = CORPORA, distinct: bool = False) -> int:
    """Write ``n`` chat records to ``path``; returns its size in bytes. ``distinct``: a
    prompt (system and user turn) or answer drawn before is drawn again with a sentence
    more, and 1 in 200 records repeats an earlier prompt with a new answer, so shared
    prompts, near and exact duplicates are a fixed share of the records at every size (by
    default short prompts and answers repeat more and more often as the file grows: the
    sentence pool is finite)."""
    users: list[str] = []
    answers: list[str] = []
    shapes: list[tuple[int, int]] = []
    for name in SOURCES:
        with open(os.path.join(corpora, name), encoding="utf-8") as f:
            for ex in json.load(f):
                u = _sentences(ex["instruction"]) + _sentences(ex.get("input", ""))
                a = _sentences(ex["output"])
                users += u
                answers += a
                shapes.append((max(1, len(u)), max(1, len(a))))
    rng = random.Random(seed)
    kept: list[bytes] = []
    drawn: set[int] = set()  # hashes of the prompts and answers drawn (``distinct``)
    kept_prompts: list[tuple[str, str]] = []
    with open(path, "wb") as f:
        for _ in range(n):
            if kept and rng.random() < 0.005:
                line = kept[rng.randrange(len(kept))]
            else:
                nu, na = rng.choice(shapes)
                system = rng.choice(SYSTEMS)
                if distinct and kept_prompts and rng.random() < 0.005:
                    system, user = kept_prompts[rng.randrange(len(kept_prompts))]
                else:
                    user = " ".join(rng.choice(users) for _ in range(nu))
                    if distinct:
                        while hash((system, user)) in drawn:  # drawn before: one with a sentence more
                            nu += 1
                            user = " ".join(rng.choice(users) for _ in range(nu))
                        drawn.add(hash((system, user)))
                        if len(kept_prompts) < 5000:
                            kept_prompts.append((system, user))
                answer = " ".join(rng.choice(answers) for _ in range(na))
                if distinct:
                    while hash(answer) in drawn:
                        na += 1
                        answer = " ".join(rng.choice(answers) for _ in range(na))
                    drawn.add(hash(answer))
                record = {"messages": [
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                    {"role": "assistant", "content": answer}]}
                line = orjson.dumps(record) + b"\n"
                if len(kept) < 5000:
                    kept.append(line)
            f.write(line)
    return os.path.getsize(path)


def load_encoding():
    from jsonl_lint.tokens.encodings import load_tiktoken

    return load_tiktoken("o200k_base")[0]


def floor(path: str, encoding) -> tuple[float, float, int]:
    """(wall s, CPU s, tokens): orjson and o200k_base over every message, one core."""
    count = encoding.encode_ordinary
    loads = orjson.loads
    tokens = 0
    t, c = time.perf_counter(), time.process_time()
    with open(path, "rb") as f:
        for line in f:
            for m in loads(line)["messages"]:
                tokens += len(count(m["content"]))
    return time.perf_counter() - t, time.process_time() - c, tokens


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _memory(pids: list[int]) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over ``pids``."""
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


class PeakMemory(threading.Thread):
    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.rss = self.pss = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            rss, pss = _memory(_tree(self.pid))
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)


def check(path: str, jobs: int, timings: bool = False, extra: tuple[str, ...] = (), tree: str | None = None) -> dict:
    """The CLI in a fresh process: wall seconds, CPU of it and its workers, peak memory,
    findings, and the --timings object when asked. ``tree``: a checkout whose ``src`` runs."""
    out = path + ".findings.json"
    cmd = [sys.executable, "-m", "jsonl_lint", "check", path, "--model", MODEL, "--jobs", str(jobs),
           "--output-format", "json", "-o", out, "--no-progress", *extra] + (["--timings"] if timings else [])
    before = os.times()
    t = time.perf_counter()
    env = dict(os.environ)
    if tree:
        env["PYTHONPATH"] = os.path.join(os.path.abspath(tree), "src")
    proc = subprocess.Popen(cmd, cwd=os.path.dirname(path), stderr=subprocess.PIPE, text=True, env=env)
    peak = PeakMemory(proc.pid)
    peak.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t
    peak.done.set()
    peak.join()
    after = os.times()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"check failed ({proc.returncode}): {err[-2000:]}")
    with open(out, "rb") as f:
        data = orjson.loads(f.read())
    os.remove(out)
    found = data["diagnostics"] if isinstance(data, dict) else data
    codes: dict[str, int] = {}
    for d in found:
        codes[d["code"]] = codes.get(d["code"], 0) + 1
    return {"wall": wall, "cpu": (after.children_user - before.children_user) + (after.children_system - before.children_system),
            "rss": peak.rss, "pss": peak.pss, "findings": len(found), "codes": codes,
            "timings": data.get("timings") if isinstance(data, dict) else None}


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_size(n: int, repeat: int, jobs: int, timings: bool, keep: str | None, tree: str | None = None,
             before: str | None = None, distinct: bool = False) -> dict:
    tmp = tempfile.mkdtemp(prefix="jsonl-lint-full-")
    path = os.path.join(tmp, "train.jsonl")
    size = build(n, path, distinct=distinct)
    encoding = load_encoding()
    print(f"\n{n:,} records, {size / 1e6:.1f} MB; load average {load_average()}", flush=True)
    rows = []
    for i in range(repeat):
        if before:  # its own floor just before it: the load can change between checks
            f_wall, f_cpu, tokens = floor(path, encoding)
            b = check(path, jobs, tree=before)
            print(f"  run {i + 1}: floor {f_wall:7.2f} s wall ({f_cpu:.2f} CPU) | before ({before}) {b['wall']:7.2f} s "
                  f"wall ({b['cpu']:.2f} CPU), peak RSS {b['rss'] / 2**20:,.0f} MB / PSS {b['pss'] / 2**20:,.0f} MB, "
                  f"{b['findings']:,} findings | ratio {b['wall'] / f_wall:.2f}x wall, {b['cpu'] / f_cpu:.2f}x CPU; "
                  f"load {load_average()}", flush=True)
        f_wall, f_cpu, tokens = floor(path, encoding)
        c = check(path, jobs, timings=timings and i == repeat - 1, tree=tree)
        ratio = c["wall"] / f_wall
        rows.append((f_wall, f_cpu, c, ratio))
        print(f"  run {i + 1}: floor {f_wall:7.2f} s wall ({f_cpu:.2f} CPU, {tokens:,} tokens) | check {c['wall']:7.2f} s "
              f"wall ({c['cpu']:.2f} CPU), peak RSS {c['rss'] / 2**20:,.0f} MB / PSS {c['pss'] / 2**20:,.0f} MB, "
              f"{c['findings']:,} findings | ratio {ratio:.2f}x wall, {c['cpu'] / f_cpu:.2f}x CPU; load {load_average()}",
              flush=True)
    ratios = [r[3] for r in rows]
    last = rows[-1][2]
    print(f"  ratio check/floor: median {statistics.median(ratios):.2f}x (range {min(ratios):.2f}-{max(ratios):.2f}); "
          f"findings by rule: {json.dumps(dict(sorted(last['codes'].items())))}")
    if last["timings"]:
        from jsonl_lint.timings import Timings

        t = Timings()
        t.seconds = {r["name"]: r["seconds"] for r in last["timings"]["rows"]}
        t.calls = {r["name"]: r["calls"] for r in last["timings"]["rows"]}
        t.kinds = {r["name"]: r["kind"] for r in last["timings"]["rows"]}
        t.wall, t.cpu, t.processes = (last["timings"]["wall_seconds"], last["timings"]["cpu_seconds"],
                                      last["timings"]["processes"])
        print(t.table(30))
    if keep:
        os.replace(path, keep)
    else:
        os.remove(path)
    os.rmdir(tmp)
    return {"records": n, "mb": size / 1e6, "ratios": ratios, "rows": rows}


def run_lsp(lines: int) -> None:
    tmp = tempfile.mkdtemp(prefix="jsonl-lint-full-lsp-")
    path = os.path.join(tmp, "train.jsonl")
    build(lines, path)
    print(f"\neditor: {lines:,}-line file; load average {load_average()}", flush=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "lsp.py"), "--file", path], check=True)
    os.remove(path)
    os.rmdir(tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated record counts")
    ap.add_argument("--repeat", type=int, default=3, help="floor/check alternations per size")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timings", action="store_true", help="the last check of each size runs with --timings")
    ap.add_argument("--lsp", type=int, default=0, metavar="LINES", help="also the editor's dataset pass")
    ap.add_argument("--keep", metavar="PATH", help="keep the (last) generated file here")
    ap.add_argument("--tree", metavar="DIR", help="run the check of this checkout (its src/ on PYTHONPATH)")
    ap.add_argument("--before", metavar="DIR", help="also the check of this checkout, in the same alternation "
                                                    "(a before/after pair measured under the same load)")
    ap.add_argument("--distinct-prompts", action="store_true",
                    help="records whose prompts repeat only by design (1 in 200), at every size: to show time "
                         "linear in records (by default short prompts repeat more often in a larger file)")
    args = ap.parse_args()
    if not os.path.isdir(CORPORA):
        raise SystemExit(f"no corpora at {CORPORA}")
    print(f"cores {os.cpu_count()}, python {sys.version.split()[0]}, load average {load_average()}"
          + (f", check from {args.tree}" if args.tree else ""))
    for n in (int(s) for s in args.sizes.split(",") if s):
        run_size(n, args.repeat, args.jobs, args.timings, args.keep, args.tree, args.before, args.distinct_prompts)
    if args.lsp:
        run_lsp(args.lsp)


if __name__ == "__main__":
    main()
