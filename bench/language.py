"""CPU per record of language identification, on bench/full.py's real-text records (issue 15).

    python bench/language.py                          # 20k records
    python bench/language.py --corpora                # every readable file of ../shared/corpora too
    python bench/language.py --tree ../main           # another checkout's code (run both, alternately)

Every ``language.detect`` call that the language rules' shared stage (``record_languages``,
memoized per record, so JL405 and JL406 share it) makes is recorded once, then replayed
with no wrapper; the stage itself is timed with its caches cleared. Both report thread CPU
time per record, best of 3, and a hash of the results, which must not change between two
checkouts.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def best_cpu(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = None, None
    for _ in range(repeat):
        t = time.thread_time()
        out = fn()
        d = time.thread_time() - t
        best = d if best is None else min(best, d)
    return best, out


def digest(value) -> str:
    return hashlib.sha256(pickle.dumps(value)).hexdigest()[:12]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--corpora", action="store_true", help="also every readable file of ../shared/corpora")
    ap.add_argument("--tree", metavar="DIR", help="import jsonl_lint from this checkout's src/")
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from full import CORPORA, build  # puts this checkout's src/ first on the path

    sys.path.insert(0, os.path.join(os.path.abspath(args.tree or ROOT), "src"))
    from jsonl_lint.reader import read_records
    from jsonl_lint.style import language, profile, request

    with tempfile.TemporaryDirectory() as tmp:
        sets = {f"{args.records:,} records": [os.path.join(tmp, "records.jsonl")]}
        build(args.records, sets[f"{args.records:,} records"][0])
        if args.corpora:
            sets["corpora"] = sorted(os.path.join(d, f) for d, _, fs in os.walk(CORPORA) for f in fs
                                     if not f.endswith(".md"))
        language.identifier()
        print(f"jsonl_lint from {os.path.dirname(language.__file__)}")
        for label, paths in sets.items():
            records = []
            for path in paths:
                try:
                    with open(path, "rb") as f:
                        records += [r for r in read_records(f, path) if r.example is not None]
                except Exception:  # a file that is not records at all (the user-realworld one)
                    continue
            for r in records:
                request.of(r)  # the request's parse is another stage's

            def stage():
                profile.LANGUAGES.clear()
                for r in records:
                    r.extra.pop(profile._LANG_KEY, None)
                return [profile.record_languages(r) for r in records]

            calls = []
            detect = language.detect

            def recorded(text, min_letters=language.MIN_LETTERS, confirm_english=True):
                calls.append((text, min_letters, confirm_english))
                return detect(text, min_letters, confirm_english)

            language.detect = recorded
            stage()
            language.detect = detect
            raw = detect.__wrapped__
            detect_cpu, found = best_cpu(lambda: [raw(*c) for c in calls])
            stage_cpu, langs = best_cpu(stage)
            n = len(records)
            print(f"{label}: {n:,} records, {len(calls):,} detect calls ({len(set(calls)):,} distinct texts); "
                  f"CPU per record: detect {detect_cpu / n * 1e6:.1f} µs (results {digest(found)}), "
                  f"language stage {stage_cpu / n * 1e6:.1f} µs (results {digest(langs)})")


if __name__ == "__main__":
    main()
