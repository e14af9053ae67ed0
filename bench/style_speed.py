"""Per-record cost of the JL4xx style work, this tree against another checkout of
jsonl-lint, timed alternately in fresh processes: the profile and the languages as the
default check computes them (each reading what it needs of the request), then the whole
request (what the preview rules JL402 and JL403 read besides).

  python bench/style_speed.py --other /path/to/other/src [--records 3000] [--rounds 3]
  python bench/style_speed.py --other /path/to/other/src --jsonl ../data/r20k.jsonl

Records are real texts from ../shared/corpora (Alpaca, LIMA, GSM8K, role-play,
preference pairs), or the records of a JSONL file (``--jsonl``: bench/full.py's
chat records), read once and handed to both builds as the same parsed values. Each
round runs both builds once, each in its own process (no shared caches), and prints
CPU µs per record; the ratio of the medians is the figure to quote on a loaded
machine. Each build also prints a hash of its requests, profiles and languages,
which must be the same for both.
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
import hashlib, json, pickle, sys, time
sys.path.insert(0, sys.argv[1])
from jsonl_lint.diagnostics import RecordRef
from jsonl_lint.reader import Record
from jsonl_lint.style import profile, request
import orjson
values = json.load(open(sys.argv[2]))
records = []
for i, v in enumerate(values):
    text = orjson.dumps(v).decode()
    records.append(Record(RecordRef("bench.jsonl", i, i + 1, 1, 0, len(text)), text, value=v))
for r in records[:50]:  # warm-up: dictionaries, models
    profile.profile_record(r); profile.record_languages(r)
from jsonl_lint.style import readability
readability.load_syllables(); readability._hyphenator()  # loaded once per run, for the first unknown word
best = {}
for _ in range(int(sys.argv[3])):  # the best of a few passes: the least disturbed by other processes
    profile.PROFILES.clear(); profile.LANGUAGES.clear()
    for r in records:
        r.extra.clear()
    # As the default check: the profile and the languages read what they need of the request.
    t0 = time.process_time()
    for r in records:
        profile.profile_record(r)
    t1 = time.process_time()
    for r in records:
        profile.record_languages(r)
    t2 = time.process_time()
    for r in records:  # the whole request, as JL402 and JL403 read it
        request.of(r)
    t3 = time.process_time()
    for part, seconds in (("profile", t1 - t0), ("languages", t2 - t1), ("request", t3 - t2)):
        best[part] = min(best.get(part, seconds), seconds)
# What the default rules read (a build's profile may hold more, or fields another build has
# not): sentences only through the exclamations' rate, no lexicon markers (JL402 completes them).
FIELDS = ("pointer", "words", "emoji", "exclaim", "caps_words", "letters_words", "hostile", "kind", "keys", "features",
          "asked_formats", "tool_call")
def read(p):
    return p and (tuple(getattr(p, f) for f in FIELDS), p.exclaim / max(p.sentences, 1),
                  sorted((k, v) for k, v in p.evidence.items() if k in ("emoji", "exclaim", "caps", "hostile")))
out = [(r.extra.get(request._KEY), read(r.extra.get(profile._KEY)), r.extra.get(profile._LANG_KEY)) for r in records]
n = len(records)
print(json.dumps({**{part: seconds / n * 1e6 for part, seconds in best.items()},
                  "hash": hashlib.sha256(pickle.dumps(out)).hexdigest()[:12]}))
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


def read_jsonl(path: str, n: int) -> list:
    values = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if len(values) >= n:
                break
            values.append(json.loads(line))
    return values


def run(src: str, data: str, passes: int) -> dict:
    env = dict(os.environ, PYTHONHASHSEED="0")  # frozensets pickle in the same order in both builds
    out = subprocess.run([sys.executable, "-c", WORKER, src, data, str(passes)], capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--other", required=True, help="src/ folder of the build to compare with")
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--jsonl", help="records of this JSONL file instead of the corpora")
    ap.add_argument("--records", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--passes", type=int, default=3, help="passes per process, the best of which counts")
    args = ap.parse_args()
    values = read_jsonl(args.jsonl, args.records) if args.jsonl else sample(Path(args.corpora), args.records)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(values, f)
    try:
        this, other = [], []
        for _ in range(args.rounds):
            this.append(run(str(REPO / "src"), f.name, args.passes))
            other.append(run(args.other, f.name, args.passes))
            print(f"this {this[-1]}  other {other[-1]}", flush=True)
        if {r["hash"] for r in this} != {r["hash"] for r in other}:
            print("RESULTS DIFFER between the two builds", flush=True)
    finally:
        os.unlink(f.name)
    print(f"\n{len(values):,} records, {args.rounds} alternating rounds (median µs per record)\n")
    print("| part | other | this | this / other |\n|---|---|---|---|")
    parts = ("profile", "languages")  # the default check's; "request" is the whole request, read by preview rules
    for part in parts + ("request",):
        a = statistics.median(r[part] for r in other)
        b = statistics.median(r[part] for r in this)
        print(f"| {part} | {a:.0f} | {b:.0f} | {b / a:.2f} |")
    a = statistics.median(sum(r[p] for p in parts) for r in other)
    b = statistics.median(sum(r[p] for p in parts) for r in this)
    print(f"| profile + languages | {a:.0f} | {b:.0f} | {b / a:.2f} |")


if __name__ == "__main__":
    main()
