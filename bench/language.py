"""CPU per record of language identification, on bench/full.py's real-text records (issue 15).

    python bench/language.py                          # 20k records
    python bench/language.py --corpora                # every readable file of ../shared/corpora too
    python bench/language.py --tree ../main           # another checkout's code (run both, alternately)

Times what the default check spends on languages: JL405's collect over every record and
its finish (JL406, a preview rule, is off by default), with the shared caches cleared;
then the whole stage JL406 reads (``record_languages``: the reply's and the request's
language). Every ``language.detect`` call of the JL405 pass is recorded and replayed with
no wrapper. Each figure is thread CPU time per record, best of 3, with a hash of the
results (JL405's findings, JL406's languages), which must not change between checkouts.
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


def best_cpu(fn, setup=lambda: None, repeat: int = 3) -> tuple[float, object]:
    best, out = None, None
    for _ in range(repeat):
        setup()
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
    from jsonl_lint.config import settings_from_table
    from jsonl_lint.reader import read_records
    from jsonl_lint.rule import Context
    from jsonl_lint.rules.consistency.language_outlier import LanguageOutlier
    from jsonl_lint.style import language, profile, request

    with tempfile.TemporaryDirectory() as tmp:
        sets = {f"{args.records:,} records": [os.path.join(tmp, "records.jsonl")]}
        build(args.records, sets[f"{args.records:,} records"][0])
        if args.corpora:
            sets["corpora"] = sorted(os.path.join(d, f) for d, _, fs in os.walk(CORPORA) for f in fs
                                     if not f.endswith(".md"))
        language.identifier()
        print(f"jsonl_lint from {os.path.dirname(language.__file__)}")
        rule = LanguageOutlier()
        ctx = Context(settings_from_table({"root": tmp}, None))
        for label, paths in sets.items():
            records = []
            for path in paths:
                try:
                    with open(path, "rb") as f:
                        records += [r for r in read_records(f, path) if r.example is not None]
                except Exception:  # a file that is not records at all (the user-realworld one)
                    continue
            for r in records:
                request.of(r)  # the request's parse and the style profile are other stages'
                profile.profile_record(r)  # (JL401-JL404 profile every record before JL405)

            def fresh():
                profile.LANGUAGES.clear()
                for r in records:
                    for key in [k for k in r.extra if k.startswith("jl4.") and "lang" in k]:
                        del r.extra[key]

            def jl405():
                state = rule.initial(ctx)
                for r in records:
                    rule.collect(state, r, ctx)
                return [(f.message, f.record) for f in rule.finish(state, ctx)]

            def jl406():
                return [profile.record_languages(r) for r in records]

            calls = []
            detect = language.detect

            def recorded(text, min_letters=language.MIN_LETTERS, confirm_english=True):
                calls.append((text, min_letters, confirm_english))
                return detect(text, min_letters, confirm_english)

            language.detect = recorded
            fresh()
            jl405()
            language.detect = detect
            raw = detect.__wrapped__
            detect_cpu, found = best_cpu(lambda: [raw(*c) for c in calls])
            rule_cpu, findings = best_cpu(jl405, fresh)
            stage_cpu, langs = best_cpu(jl406, fresh)
            n = len(records)
            print(f"{label}: {n:,} records; JL405 (the default check): {len(calls):,} detect calls "
                  f"({len(set(calls)):,} distinct texts), CPU per record: detect {detect_cpu / n * 1e6:.1f} µs "
                  f"(results {digest(found)}), JL405 collect + finish {rule_cpu / n * 1e6:.1f} µs "
                  f"({len(findings)} findings {digest(findings)}); JL406's record_languages "
                  f"{stage_cpu / n * 1e6:.1f} µs (results {digest(langs)})")


if __name__ == "__main__":
    main()
