"""Per-record cost of the JL4xx style work (profile + request + languages), this tree
against another checkout of jsonl-lint, timed alternately in fresh processes.

  python bench/style_speed.py --other /path/to/other/src [--records 3000] [--rounds 3]

Records are real texts from ../shared/corpora (Alpaca, LIMA, GSM8K, role-play,
preference pairs), read once and handed to both builds as the same parsed values. Each
round runs both builds once, each in its own process (no shared caches), and prints
µs per record; the ratio of the medians is the figure to quote on a loaded machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FILES = ("alpaca/alpaca_5000.json", "llamafactory/lima.json", "alpaca-cleaned/gsm_8k_train.json",
         "alpaca-cleaned/roleplay-simple-deduped-roleplay-dataset.json", "llamafactory/dpo_en_demo.json",
         "llamafactory/glaive_toolcall_en_demo.json")

WORKER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from jsonl_lint.diagnostics import RecordRef
from jsonl_lint.reader import Record
from jsonl_lint.style import profile
import orjson
values = json.load(open(sys.argv[2]))
records = []
for i, v in enumerate(values):
    text = orjson.dumps(v).decode()
    records.append(Record(RecordRef("bench.jsonl", i, i + 1, 1, 0, len(text)), text, value=v))
for r in records[:50]:  # warm-up: dictionaries, models
    profile.profile_record(r); profile.record_languages(r)
profile.PROFILES.clear(); profile.LANGUAGES.clear()
for r in records:
    r.extra.clear()
t0 = time.process_time()
for r in records:
    profile.profile_record(r)
t1 = time.process_time()
for r in records:
    profile.record_languages(r)
t2 = time.process_time()
print(json.dumps({"profile": (t1 - t0) / len(records) * 1e6, "languages": (t2 - t1) / len(records) * 1e6}))
"""


def sample(root: Path, n: int) -> list:
    import random

    values = []
    for rel in FILES:
        path = root / rel
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            values.extend(data if isinstance(data, list) else [])
    random.Random(15).shuffle(values)
    return values[:n]


def run(src: str, data: str) -> dict:
    out = subprocess.run([sys.executable, "-c", WORKER, src, data], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--other", required=True, help="src/ folder of the build to compare with")
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--records", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    values = sample(Path(args.corpora), args.records)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(values, f)
    try:
        this, other = [], []
        for _ in range(args.rounds):
            this.append(run(str(REPO / "src"), f.name))
            other.append(run(args.other, f.name))
            print(f"this {this[-1]}  other {other[-1]}", flush=True)
    finally:
        os.unlink(f.name)
    print(f"\n{len(values):,} records, {args.rounds} alternating rounds (median µs per record)\n")
    print("| part | other | this | this / other |\n|---|---|---|---|")
    for part in ("profile", "languages"):
        a = statistics.median(r[part] for r in other)
        b = statistics.median(r[part] for r in this)
        print(f"| {part} | {a:.0f} | {b:.0f} | {b / a:.2f} |")
    a = statistics.median(r["profile"] + r["languages"] for r in other)
    b = statistics.median(r["profile"] + r["languages"] for r in this)
    print(f"| both | {a:.0f} | {b:.0f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
