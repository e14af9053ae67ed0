"""Every file of ../shared/corpora converted to every target: records converted, records
left out, and findings by code. Writes the tables of docs/convert-corpora.md (stdout), and
with --samples DIR one converted record per (file, target) to read by eye.

    python3 bench/convert_corpora.py > /tmp/tables.md
    python3 bench/convert_corpora.py --samples /tmp/convert-samples
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

from jsonl_lint.config import load_settings
from jsonl_lint.convert import Converter, convert_records
from jsonl_lint.convert.losses import LOSSES
from jsonl_lint.targets import profile_names, resolve_target

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPORA.rglob("*") if p.name.endswith((".json", ".jsonl", ".jsonl.gz")))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--samples", metavar="DIR", help="write one converted record per file and target here")
    args = p.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"{CORPORA} not found")
    settings = load_settings(isolated=True)
    targets = profile_names()
    results: dict[tuple[str, str], tuple[int, int, Counter]] = {}
    for path in corpus_files():
        name = str(path.relative_to(CORPORA))
        for target in targets:
            converter = Converter(resolve_target(target, settings), settings)
            records = written = 0
            found: Counter = Counter()
            sample = None
            for record, converted in convert_records(converter, [str(path)], settings):
                records += 1
                if converted.output is not None:
                    written += 1
                    if sample is None or (converted.findings and not sample[2]):
                        sample = (record.line, converted.output, [(k.code, f.message) for k, f in converted.findings])
                found.update(kind.code for kind, _ in converted.findings)
            results[name, target] = (records, written, found)
            if args.samples and sample is not None:
                out = Path(args.samples) / name.replace("/", "__")
                out.mkdir(parents=True, exist_ok=True)
                (out / f"{target}.json").write_text(json.dumps(
                    {"input_line": sample[0], "findings": sample[2], "output": sample[1]}, indent=1,
                    ensure_ascii=False))
            print(f"{name} -> {target}: {written}/{records} {dict(found)}", file=sys.stderr)
    write_tables(results, targets)


HEADER = """# Converting the shared corpora

Every file of `../shared/corpora` converted to every shipped target with `jsonl-lint convert`
(default models, no options), written by `python3 bench/convert_corpora.py >
docs/convert-corpora.md`. Every record is accounted for: records converted + records left
out = records, and each record left out has exactly one error finding (the script checks
both). What the codes mean: [convert.md](convert.md#the-findings).
"""


def write_tables(results, targets: list[str]) -> None:
    files = sorted({f for f, _ in results})
    print(HEADER)
    print("## Records converted, per file and target\n")
    print("Each cell: records written out of the file's records (blank lines aside); **all** when none was "
          "left out.\n")
    print("| file | records | " + " | ".join(targets) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in targets) + " |")
    for f in files:
        total = results[f, targets[0]][0]
        cells = []
        for t in targets:
            records, written, _ = results[f, t]
            cells.append("**all**" if written == records else f"{written:,}")
        print(f"| {f} | {total:,} | " + " | ".join(cells) + " |")
    codes = [k.code for k in LOSSES]
    print("\n## Findings by code, per target (all files)\n")
    print("| target | records | converted | left out | " + " | ".join(codes) + " |")
    print("| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in codes) + " |")
    for t in targets:
        records = sum(results[f, t][0] for f in files)
        written = sum(results[f, t][1] for f in files)
        found: Counter = Counter()
        for f in files:
            found.update(results[f, t][2])
        print(f"| {t} | {records:,} | {written:,} | {records - written:,} | "
              + " | ".join(f"{found[c]:,}" if found[c] else "" for c in codes) + " |")
    assert all(sum(results[f, t][2][k.code] for k in LOSSES if k.severity.value == "error")
               == results[f, t][0] - results[f, t][1] for f in files for t in targets), \
        "a record left out without its finding"


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
