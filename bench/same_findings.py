"""Do two checkouts report the same findings? (issue 15: a speed change must not alter one)

    python bench/same_findings.py snapshot OUT_DIR [--tree DIR] [--extra FILE ...]
    python bench/same_findings.py compare BEFORE_DIR AFTER_DIR

``snapshot`` runs ``jsonl-lint check --preview --output-format json`` of the checkout
``--tree`` (default: this one; its ``src/`` goes first on ``PYTHONPATH``) on every file in
``../shared/corpora`` and on each ``--extra`` file (for example a file from
``bench/full.py --keep``), with a fresh user cache, and writes one normalized JSON file per
input: every finding's code, range, pointer, message, severity, related locations and fix,
sorted. ``compare`` prints what differs (a finding only in one snapshot) and exits 1 if
anything does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = os.path.join(os.path.dirname(ROOT), "shared", "corpora")
MODEL = "gpt-4o-mini-2024-07-18"


def inputs(extra: list[str]) -> list[str]:
    found = []
    for base, _dirs, files in os.walk(CORPORA):
        found += [os.path.join(base, f) for f in files if not f.endswith(".md") and not f.startswith(".")]
    return sorted(found) + list(extra)


def _name(path: str) -> str:
    rel = os.path.relpath(path, CORPORA) if path.startswith(CORPORA) else "extra/" + os.path.basename(path)
    return rel.replace(os.sep, "__") + ".json"


def _normalized(raw: dict, path: str) -> list[str]:
    items = raw["diagnostics"] if isinstance(raw, dict) else raw
    out = []
    for d in items:
        d = dict(d)
        d.pop("url", None)
        text = json.dumps(d, sort_keys=True, ensure_ascii=False).replace(path, "<file>")
        out.append(text)
    return sorted(out)


def snapshot(out_dir: str, tree: str, extra: list[str], jobs: int) -> None:
    os.makedirs(out_dir, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.abspath(tree), "src"))
    env.pop("JSONL_LINT_TIMING", None)
    with tempfile.TemporaryDirectory() as cache:
        env["XDG_CACHE_HOME"] = cache
        for path in inputs(extra):
            with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
                proc = subprocess.run(
                    [sys.executable, "-m", "jsonl_lint", "check", path, "--preview", "--model", MODEL,
                     "--jobs", str(jobs), "--output-format", "json", "-o", tmp.name],
                    env=env, capture_output=True, text=True, cwd=os.path.dirname(path))
                if proc.returncode not in (0, 1):
                    raise SystemExit(f"{path}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
                with open(tmp.name, encoding="utf-8") as fh:
                    findings = _normalized(json.load(fh), path)
            with open(os.path.join(out_dir, _name(path)), "w", encoding="utf-8") as fh:
                json.dump(findings, fh, ensure_ascii=False, indent=0)
            print(f"{len(findings):6d}  {path}", file=sys.stderr)


def compare(before: str, after: str) -> int:
    differ = 0
    names = sorted(set(os.listdir(before)) | set(os.listdir(after)))
    total = 0
    for name in names:
        sides = []
        for d in (before, after):
            p = os.path.join(d, name)
            sides.append(json.load(open(p, encoding="utf-8")) if os.path.exists(p) else None)
        if None in sides:
            print(f"{name}: only in {'after' if sides[0] is None else 'before'}")
            differ += 1
            continue
        a, b = sides
        total += len(a)
        only_a = sorted(set(a) - set(b))
        only_b = sorted(set(b) - set(a))
        if only_a or only_b or len(a) != len(b):
            differ += 1
            print(f"{name}: {len(a)} -> {len(b)} findings")
            for t in only_a[:5]:
                print("  - " + t[:400])
            for t in only_b[:5]:
                print("  + " + t[:400])
    print(f"{len(names)} files, {total} findings before; {differ} files differ")
    return 1 if differ else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("out_dir")
    s.add_argument("--tree", default=ROOT)
    s.add_argument("--extra", nargs="*", default=[])
    s.add_argument("--jobs", type=int, default=1)
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    args = ap.parse_args()
    if args.cmd == "snapshot":
        snapshot(args.out_dir, args.tree, args.extra, args.jobs)
    else:
        raise SystemExit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
