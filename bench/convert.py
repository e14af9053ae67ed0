"""Convert benchmark: records per second and peak memory of `jsonl-lint convert` beside
`check` on the same generated file (one process each, so the ratios compare like with
like). Memory must stay flat from 10k to 100k records: conversion streams.

The file mixes the cases conversion has work to do on: plain chats (70%), tool calls with
their results (15%), two user turns in a row (10%) and weight-0 answers (5%).

    python3 bench/convert.py [--sizes 10000,100000] [--targets together,bedrock-nova,vertex-gemini]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from _data import chat_record, sentence  # noqa: E402

CONVERT = """
import resource, sys, time
from jsonl_lint.config import load_settings
from jsonl_lint.convert.run import Request, convert
path, target, out = sys.argv[1], sys.argv[2], sys.argv[3]
t = time.perf_counter()
result = convert(Request([path], target, out, line_map=True), load_settings(isolated=True))
elapsed = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(elapsed, result.records, result.written, rss)
"""

CHECK = """
import resource, sys, time
from jsonl_lint.config import settings_from_table
from jsonl_lint.engine import Engine
path, select, target = sys.argv[1], sys.argv[2], sys.argv[3]
table = {"root": "/", "target": [target] if target != "-" else []}
if select != "default":
    table["select"] = select.split(",")
t = time.perf_counter()
report = Engine(settings_from_table(table, None)).run([path], jobs=1)
elapsed = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(elapsed, report.files[0].records, len(report.diagnostics), rss)
"""

TOOL = {"type": "function", "function": {"name": "lookup_order", "description": "Find an order",
                                         "parameters": {"type": "object",
                                                        "properties": {"order": {"type": "string"}}}}}


def record(rng: random.Random, i: int) -> dict:
    r = chat_record(rng, i, user_words=30, assistant_words=60)
    kind = rng.random()
    messages = r["messages"]
    if kind < 0.15:
        call_id = f"call_{i:06d}"
        messages[2:2] = [{"role": "assistant", "tool_calls": [{"id": call_id, "type": "function", "function": {
            "name": "lookup_order", "arguments": json.dumps({"order": f"A{i}"})}}]},
                         {"role": "tool", "tool_call_id": call_id, "content": sentence(rng, 12)}]
        r["tools"] = [TOOL]
    elif kind < 0.25:
        messages.insert(2, {"role": "user", "content": sentence(rng, 8)})
    elif kind < 0.30:
        messages[2:2] = [{"role": "assistant", "content": sentence(rng, 20), "weight": 0},
                         {"role": "user", "content": sentence(rng, 8)}]
    return r


def write(n: int) -> str:
    rng = random.Random(0)
    fd, path = tempfile.mkstemp(suffix=".jsonl", prefix=f"bench-convert-{n}-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(record(rng, i)) + "\n")
    return path


def run(code: str, *args: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True,
                          text=True).stdout.split()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--targets", default="together,bedrock-nova,vertex-gemini")
    p.add_argument("--no-default-check", action="store_true", help="skip check with the default rules (slowest)")
    args = p.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print(f"{'records':>9} {'MB':>6}  {'what':<40} {'seconds':>8} {'records/s':>10} {'peak RSS MB':>12}")
    for n in (int(s) for s in args.sizes.split(",")):
        path = write(n)
        out = path + ".out.jsonl"
        mb = os.path.getsize(path) / 1e6
        try:
            rows = [("check --select JL0,JL1", CHECK, (path, "JL0,JL1", "-"))]
            for target in args.targets.split(","):
                rows.append((f"check --target {target} --select JL0,JL1,JL9", CHECK, (path, "JL0,JL1,JL9", target)))
                rows.append((f"convert --to {target}", CONVERT, (path, target, out)))
            if not args.no_default_check:
                rows.append(("check (default rules)", CHECK, (path, "default", "-")))
            for what, code, argv in rows:
                secs, records, _, rss = run(code, *argv)
                secs_f = float(secs)
                print(f"{int(records):>9,} {mb:>6.1f}  {what:<40} {secs_f:>8.2f} {int(records) / secs_f:>10,.0f} "
                      f"{int(rss) / 1024:>12.0f}", flush=True)
        finally:
            for f in (path, out, path + ".out.map.tsv"):
                if os.path.exists(f):
                    os.unlink(f)
    print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
