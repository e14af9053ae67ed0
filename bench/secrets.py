"""Benchmark: JL7xx secrets/personal-data rules and declarative rule packs.

Runs standalone (python bench/secrets.py [--records N]); generated data with fixed
seeds; writes nothing. Prints:

1. added lint time per 1,000 records for JL7xx and for the AIBoilerplate style,
   over a baseline run with only JL001 selected (same data, same process);
2. recall on planted secrets and false positives on look-alike controls;
3. how long a catastrophic user regex can hold a run (time limit + circuit breaker).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests"), str(ROOT / "tests" / "secrets")]

from jsonl_lint.config import settings_from_table  # noqa: E402
from jsonl_lint.engine import Engine  # noqa: E402

WORDS = ("the model answers questions about billing accounts invoices shipping returns and the weather in "
         "plain words with numbers like 42 and 3.14 and dates such as 2023-05-01 and prices of $19.99 for "
         "order 10293 while users ask follow up questions about versions 1.2.3 and tickets").split()


def ordinary(rng: random.Random) -> str:
    def text(n):
        return " ".join(rng.choice(WORDS) for _ in range(n))

    return json.dumps({"messages": [{"role": "system", "content": "You are a support assistant."},
                                    {"role": "user", "content": text(rng.randint(8, 40))},
                                    {"role": "assistant", "content": text(rng.randint(30, 250))}]})


def dataset(n: int, seed: int = 7) -> tuple[str, int]:
    from test_secrets_planted import planted  # the same generators as the tests

    rng = random.Random(seed)
    lines, planted_count = [], 0
    for i in range(n):
        if i % 100 == 0:  # 1% of records carry a planted secret
            code, secret, line = rng.choice(planted(seed * 100_000 + i))
            lines.append(line)
            planted_count += 1
        else:
            lines.append(ordinary(rng))
    return "\n".join(lines) + "\n", planted_count


def timed(text: str, table: dict, repeat: int) -> tuple[float, list]:
    settings = settings_from_table({**table, "root": str(ROOT)}, None)
    engine = Engine(settings)
    times, found = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        found = engine.run_text(text, "bench.jsonl").diagnostics
        times.append(time.perf_counter() - start)
    return min(times), found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    text, planted_count = dataset(args.records)
    n = args.records
    base, _ = timed(text, {"select": ["JL001"]}, args.repeat)
    sec, found = timed(text, {"select": ["JL001", "JL7"]}, args.repeat)
    aib, _ = timed(text, {"select": ["JL001", "AIBoilerplate."], "styles": ["AIBoilerplate"]}, args.repeat)
    every, _ = timed(text, {"select": ["JL001", "AIBoilerplate.", "Placeholders.", "BrandVoice."],
                            "styles": ["AIBoilerplate", "Placeholders", "BrandVoice"]}, args.repeat)
    print(f"{n:,} records ({len(text) / 1e6:.1f} MB), {planted_count} with a planted secret; best of {args.repeat}")
    print(f"{'selection':<34}{'run s':>8}{'added ms/1k rec':>17}")
    for label, t in (("JL001 only (baseline)", base), ("+ JL7xx (5 rules)", sec),
                     ("+ AIBoilerplate style (5 rules)", aib), ("+ all 3 shipped styles (16 rules)", every)):
        added = "" if t is base else f"{(t - base) / n * 1e6:.1f}"
        print(f"{label:<34}{t:>8.2f}{added:>17}")

    corpus = ROOT.parent / "shared" / "corpora" / "alpaca" / "alpaca_5000.json"
    if corpus.exists():
        from jsonl_lint.engine import lint_paths

        def on_corpus(table):
            settings = settings_from_table({**table, "root": str(ROOT)}, None)
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                lint_paths([str(corpus)], settings, jobs=1)
                runs.append(time.perf_counter() - start)
            return min(runs)

        cbase = on_corpus({"select": ["JL001"]})
        print(f"\nalpaca_5000.json (real data, 5,000 records, JSON array): baseline {cbase:.2f} s")
        for label, table in (("+ JL7xx", {"select": ["JL001", "JL7"]}),
                             ("+ AIBoilerplate", {"select": ["JL001", "AIBoilerplate."], "styles": ["AIBoilerplate"]})):
            t = on_corpus(table)
            print(f"{label:<34}{t:>8.2f}{(t - cbase) / 5000 * 1e6:>17.1f}")

    import os

    print(f"\nload average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    flagged_lines = {d.location.line for d in found if d.code.startswith("JL7")}
    planted_lines = {i + 1 for i in range(0, n, 100)}
    print(f"\nplanted recall: {len(flagged_lines & planted_lines)}/{len(planted_lines)}; "
          f"ordinary records flagged: {len(flagged_lines - planted_lines)}/{n - len(planted_lines)}")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "rules" / "Evil"
        folder.mkdir(parents=True)
        (folder / "Backtrack.yml").write_text("extends: existence\nmessage: '%s'\nlevel: warning\n"
                                              "scope: assistant\nnonword: true\ntokens: ['(a+)+$']\n")
        evil = json.dumps({"messages": [{"role": "user", "content": "q"},
                                        {"role": "assistant", "content": "a" * 5000 + "b"}]})
        evil_text = "\n".join([evil] * 1000) + "\n"
        settings = settings_from_table({"rules-path": ["rules"], "select": ["Evil."], "root": tmp}, None)
        start = time.perf_counter()
        found = Engine(settings).run_text(evil_text, "evil.jsonl").diagnostics
        elapsed = time.perf_counter() - start
    print(f"\ncatastrophic regex (a+)+$ on 1,000 records of 5,001 chars: {elapsed:.2f} s, "
          f"{len(found)} findings (5 timeouts of 0.1 s, then the rule disables itself)")


if __name__ == "__main__":
    main()
