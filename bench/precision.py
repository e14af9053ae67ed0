"""Repeatable precision audit on real datasets: sample findings per rule, keep the judgements.

    python bench/precision.py --seed 20261215                  # run, sample, write docs/precision.md
    python bench/precision.py --seed 20261215 --corpora DIR    # another corpus folder

Each dataset file under the corpora folder (``*.jsonl``, ``*.json`` arrays, ``*.jsonl.gz``
gunzipped into a temporary folder first) is checked on its own with the default settings
plus preview rules (so preview rules are measured too; the table says which rules are on
by default). Per rule, the sample is the ``--per-rule`` findings (8) with the smallest
hash of (seed, finding key): a fixed-seed sample that stays the same when other findings
of the rule come or go, so a re-run after a rule change only asks for the findings that
are new in the sample.

Judgements live in ``bench/precision-judgements.jsonl``, one finding a line: its key (rule,
file, record fingerprint, message), where it is, the verdict (TP, DEBATABLE or FP, judged
as the dataset's maintainer would) and a one-line reason. A run appends the sampled
findings that have no judgement yet with ``"verdict": null`` (fill in verdict and reason,
then run again), marks judgements whose finding no longer exists with ``"gone": true``
(and drops unread entries whose finding went),
and writes, outside the repository, an excerpt of every unread finding's record to read
it by (``--excerpts``; corpus text is never copied into the repository).

The table in ``docs/precision.md``: per rule, the files and findings it fired on, how many
were sampled and judged, TP / DEBATABLE / FP, the true share (a debatable finding counts
half) and whether the rule is on by default or in preview; the overall FP share; and the
files a default run fails, with the error rules that fail them. The doc's hand-written part,
from the heading in ``KEPT_HEADING`` on, is kept as it is.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from jsonl_lint.config import settings_from_table  # noqa: E402
from jsonl_lint.diagnostics import Severity  # noqa: E402
from jsonl_lint.engine import Engine, discover  # noqa: E402

JUDGEMENTS = REPO / "bench" / "precision-judgements.jsonl"
DOC = REPO / "docs" / "precision.md"
VERDICTS = ("TP", "DEBATABLE", "FP")
# The hand-written part of docs/precision.md (the audit's false-positive patterns and their
# regression tests) starts at this heading; a re-run keeps it below the generated table.
KEPT_HEADING = "## The audit's false-positive patterns and their tests"
THRESHOLD = 0.8  # true share a default-on rule needs (a debatable finding counts half)
MAX_FP_SHARE = 0.10  # FP share of the judged default-on sample


@dataclass
class Finding:
    key: str
    rule: str
    file: str  # relative to the corpora folder (a gzipped file without its .gz)
    line: int
    column: int
    pointer: str
    message: str
    severity: str
    record_offset: int | None = None
    record_length: int | None = None
    path: str = ""  # the file that was linted (maybe a gunzipped copy)

    def row(self) -> dict:
        return {"key": self.key, "rule": self.rule, "file": self.file, "line": self.line, "column": self.column,
                "pointer": self.pointer, "message": self.message}


@dataclass
class RuleInfo:
    code: str
    name: str
    severity: str
    preview: bool


@dataclass
class Run:
    findings: dict[str, list[Finding]] = field(default_factory=lambda: defaultdict(list))  # by rule, file order
    default_errors: dict[str, Counter] = field(default_factory=dict)  # file -> error rules of a default run
    files: list[str] = field(default_factory=list)
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    seconds: float = 0.0


def corpus_files(corpora: Path, workdir: Path) -> list[tuple[str, str]]:
    """(name relative to ``corpora``, path to lint) for every dataset file; gzipped
    files are decompressed into ``workdir`` first."""
    settings = settings_from_table({"root": str(corpora)}, None)
    out = []
    for path in discover([str(corpora)], settings):
        rel = os.path.relpath(path, corpora)
        if path.endswith(".gz"):
            rel = rel[:-3]
            target = workdir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with gzip.open(path, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            path = str(target)
        out.append((rel, path))
    return sorted(out)


def finding_key(rule: str, file: str, fingerprint: str, message: str, occurrence: int) -> str:
    raw = "\x1f".join((rule, file, fingerprint, message, str(occurrence)))
    return hashlib.blake2b(raw.encode("utf-8"), digest_size=10).hexdigest()


def run_corpora(corpora: Path, workdir: Path, log=print) -> Run:
    """Check each file alone: default settings (no config file), preview rules on."""
    settings = settings_from_table({"root": str(corpora), "preview": True}, None)
    engine = Engine(settings)
    run = Run()
    for rule in engine.pack.rules:
        run.rules[rule.code] = RuleInfo(rule.code, rule.name, engine.pack.severities[rule.code].value,
                                        type(rule).preview)
    start = time.perf_counter()
    for rel, path in corpus_files(corpora, workdir):
        t0 = time.perf_counter()
        report = engine.run([path], jobs=1)
        run.files.append(rel)
        seen: Counter = Counter()
        errors: Counter = Counter()
        for d in report.diagnostics:
            info = run.rules.get(d.code)
            if info is not None and not info.preview and d.severity == Severity.ERROR:
                errors[d.code] += 1
            ident = (d.code, d.fingerprint, d.message)
            key = finding_key(d.code, rel, d.fingerprint, d.message, seen[ident])
            seen[ident] += 1
            ref = d.record
            run.findings[d.code].append(Finding(
                key, d.code, rel, d.location.line, d.location.column, d.pointer, d.message, d.severity.value,
                ref.offset if ref is not None else None, ref.length if ref is not None else None, path))
        run.default_errors[rel] = errors
        log(f"{rel}: {len(report.diagnostics):,} findings in {time.perf_counter() - t0:.1f} s")
    run.seconds = time.perf_counter() - start
    return run


def sample(findings: list[Finding], seed: str, per_rule: int) -> list[Finding]:
    """The ``per_rule`` findings with the smallest hash of (seed, key), in file order."""
    def rank(f: Finding) -> bytes:
        return hashlib.blake2b(f"{seed}\x1f{f.key}".encode(), digest_size=8).digest()

    chosen = set(id(f) for f in sorted(findings, key=rank)[:per_rule])
    return [f for f in findings if id(f) in chosen]


def load_judgements(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("verdict") not in (None, *VERDICTS):
            raise SystemExit(f"{path}:{n}: verdict must be one of {', '.join(VERDICTS)} (or null while unread)")
        if row.get("verdict") and not (row.get("reason") or "").strip():
            raise SystemExit(f"{path}:{n}: a judged finding needs a one-line reason")
        rows.append(row)
    return rows


@dataclass
class Audit:
    samples: dict[str, list[Finding]]
    judgements: dict[str, dict]  # key -> row, every row of the file (kept, gone or new)
    new: list[Finding]
    gone: list[dict]


def reconcile(run: Run, rows: list[dict], seed: str, per_rule: int) -> Audit:
    """Sample each rule, add the sampled findings that have no judgement yet (verdict
    null), and mark judgements whose finding no longer exists."""
    judgements = {r["key"]: r for r in rows}
    present = {f.key for fs in run.findings.values() for f in fs}
    samples = {code: sample(fs, seed, per_rule) for code, fs in sorted(run.findings.items())}
    new = []
    for code, fs in samples.items():
        for f in fs:
            if f.key not in judgements:
                judgements[f.key] = {**f.row(), "verdict": None, "reason": ""}
                new.append(f)
            else:  # where it is now (line numbers move when records are added)
                judgements[f.key].update(line=f.line, column=f.column, pointer=f.pointer)
    gone = []
    for key, row in list(judgements.items()):
        if key in present:
            row.pop("gone", None)
        elif row.get("verdict") is None:  # never read, and nothing left to read
            del judgements[key]
        else:
            row["gone"] = True
            gone.append(row)
    return Audit(samples, judgements, new, gone)


def write_judgements(path: Path, judgements: dict[str, dict]) -> None:
    order = sorted(judgements.values(), key=lambda r: (r["rule"], r["file"], r["line"], r["column"], r["key"]))
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in order), encoding="utf-8")


def excerpt(f: Finding, width: int = 1500) -> str:
    """The finding's record (re-read from the linted file), cut to ``width`` characters,
    and the value at its pointer: what a reader needs to judge it."""
    if f.record_offset is None:
        return "(a file-level finding)"
    with open(f.path, "rb") as fh:
        fh.seek(f.record_offset)
        raw = fh.read(f.record_length or 0).decode("utf-8", "replace")
    try:
        value = json.loads(raw)
    except ValueError:
        return raw[:width]
    text = json.dumps(value, ensure_ascii=False)
    target = value
    for part in [p for p in f.pointer.split("/")[1:]]:
        part = part.replace("~1", "/").replace("~0", "~")
        try:
            target = target[int(part)] if isinstance(target, list) else target[part]
        except (KeyError, IndexError, ValueError, TypeError):
            target = None
            break
    at = json.dumps(target, ensure_ascii=False) if f.pointer else ""
    return text[:width] + ("…" if len(text) > width else "") + (f"\n  at {f.pointer}: {at[:width]}" if at else "")


def write_excerpts(path: Path, findings: list[Finding]) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for f in findings:
            out.write(f"=== {f.key} {f.rule} {f.file}:{f.line}:{f.column} {f.pointer or '-'}\n{f.message}\n"
                      f"{excerpt(f)}\n\n")


@dataclass
class RuleRow:
    code: str
    name: str
    tier: str
    severity: str
    fired: int
    files: int
    sampled: int
    counts: Counter

    @property
    def judged(self) -> int:
        return sum(self.counts[v] for v in VERDICTS)

    @property
    def true_share(self) -> float | None:
        if not self.judged:
            return None
        return (self.counts["TP"] + 0.5 * self.counts["DEBATABLE"]) / self.judged


def table(run: Run, audit: Audit) -> list[RuleRow]:
    rows = []
    for code, fs in run.findings.items():
        info = run.rules.get(code)
        counts: Counter = Counter()
        for f in audit.samples[code]:
            verdict = audit.judgements[f.key].get("verdict")
            counts[verdict or "unread"] += 1
        rows.append(RuleRow(code, info.name if info else code, "preview" if info and info.preview else "default",
                            info.severity if info else fs[0].severity, len(fs), len({f.file for f in fs}),
                            len(audit.samples[code]), counts))
    return sorted(rows, key=lambda r: (r.tier != "default", r.true_share if r.true_share is not None else 2, r.code))


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def render(run: Run, audit: Audit, rows: list[RuleRow], seed: str, per_rule: int) -> str:
    default = [r for r in rows if r.tier == "default"]
    judged = sum(r.judged for r in default)
    fp = sum(r.counts["FP"] for r in default)
    all_judged = sum(r.judged for r in rows)
    all_fp = sum(r.counts["FP"] for r in rows)
    unread = sum(r.counts["unread"] for r in rows)
    failing = [r for r in default if r.true_share is not None and r.true_share < THRESHOLD]
    out = ["# Precision on real datasets", "",
           "How often a finding is worth a maintainer's time, measured on the real datasets in "
           "`../shared/corpora` (written by others; see its README). Generated by `bench/precision.py` "
           f"with seed `{seed}`; the judgements, one line each with its reason, are in "
           "[`bench/precision-judgements.jsonl`](../bench/precision-judgements.jsonl).", "",
           "Method: every file is checked on its own with the default settings and preview rules on. "
           f"For each rule that fires, {per_rule} findings (all of them when there are fewer) are sampled "
           "by a fixed-seed hash of each finding's key, so a re-run keeps the findings it already has. "
           "Each sampled finding was opened at its line and pointer and judged as the dataset's maintainer "
           "would: **TP** (a real problem, or at least worth knowing), **DEB** (debatable) or **FP** (wrong, or "
           "true but nothing a maintainer would act on). The true share counts a debatable finding as half. "
           f"A rule is on by default only with a true share of at least {THRESHOLD:.1f} ([preview](preview.md)).",
           "",
           f"**Default-on rules: {fp} FP of {judged} judged ({fp / judged:.0%} FP).**" if judged else
           "**Default-on rules: nothing judged yet.**",
           f"All rules including preview: {all_fp} FP of {all_judged} judged"
           + (f" ({all_fp / all_judged:.0%})." if all_judged else "."),
           f"Unread sampled findings: {unread}." if unread else "Every sampled finding is judged.",
           "", "| rule | name | tier | severity | fired (files) | sampled | TP | DEB | FP | true share |",
           "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        extra = f" ({r.counts['unread']} unread)" if r.counts["unread"] else ""
        out.append(f"| {r.code} | `{r.name}` | {r.tier} | {r.severity} | {r.fired:,} ({r.files}) | {r.sampled}{extra} "
                   f"| {r.counts['TP']} | {r.counts['DEBATABLE']} | {r.counts['FP']} | {_pct(r.true_share)} |")
    quiet = sorted(set(run.rules) - set(run.findings))
    out += ["", f"Rules that fired on none of the {len(run.files)} files: " + (", ".join(quiet) or "none") + ". "
            "They keep their tier: these files show them no false positive, their tests cover what they catch, "
            "and a re-run samples them as soon as a file makes them fire.", ""]
    if failing:
        out += ["Default-on rules below the threshold (to move to preview): "
                + ", ".join(f"{r.code} ({_pct(r.true_share)})" for r in failing) + ".", ""]
    out += ["## Files a default run fails", "",
            "A default run (no preview rules, `fail-on = \"error\"`) exits 1 on these files; the error "
            "rules that fail it, with their findings in the file:", ""]
    fails = {f: c for f, c in sorted(run.default_errors.items()) if c}
    for f, c in fails.items():
        parts = []
        for code, n in sorted(c.items()):
            verdicts = Counter(audit.judgements[x.key].get("verdict") or "unread"
                               for x in audit.samples.get(code, ()) if x.file == f)
            judged = ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
            parts.append(f"{code} × {n:,}" + (f" (sampled here: {judged})" if judged else ""))
        out.append(f"- `{f}`: " + "; ".join(parts))
    if not fails:
        out.append("- none")
    passing = [f for f in run.files if f not in fails]
    out += ["", f"Exit 0: {', '.join(f'`{f}`' for f in passing) or 'none'}.", "",
            f"Files: {len(run.files)}; findings: {sum(len(v) for v in run.findings.values()):,}; "
            f"run time {run.seconds:.0f} s on a 2-core machine shared with other work.", ""]
    return "\n".join(out)


def write_doc(path: Path, generated: str) -> None:
    """Writes the generated part of the doc, keeping its hand-written part (from KEPT_HEADING on)."""
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = previous[previous.index(KEPT_HEADING):] if KEPT_HEADING in previous else ""
    path.write_text(generated + ("\n" + kept if kept else ""), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", required=True, help="sampling seed (use one other than the audit's 20241202)")
    p.add_argument("--corpora", type=Path, default=REPO.parent / "shared" / "corpora")
    p.add_argument("--per-rule", type=int, default=8, help="findings sampled per rule (default 8)")
    p.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    p.add_argument("--doc", type=Path, default=DOC, help="where the table goes (default docs/precision.md)")
    p.add_argument("--excerpts", type=Path, default=Path(tempfile.gettempdir()) / "jsonl-lint-precision-unread.txt",
                   help="the records of the unread findings, to judge them by (outside the repository)")
    args = p.parse_args(argv)
    if not args.corpora.is_dir():
        print(f"no corpora at {args.corpora}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="jsonl-lint-precision-") as work:
        run = run_corpora(args.corpora, Path(work), log=lambda m: print(m, file=sys.stderr))
        audit = reconcile(run, load_judgements(args.judgements), args.seed, args.per_rule)
        unread = [f for fs in audit.samples.values() for f in fs if not audit.judgements[f.key].get("verdict")]
        write_excerpts(args.excerpts, unread)
    write_judgements(args.judgements, audit.judgements)
    rows = table(run, audit)
    write_doc(args.doc, render(run, audit, rows, args.seed, args.per_rule))
    print(f"{len(audit.new)} sampled findings are new; {len(unread)} are unread (their records: {args.excerpts}); "
          f"{len(audit.gone)} judgements name a finding that no longer exists (marked gone).")
    print(f"table written to {args.doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
