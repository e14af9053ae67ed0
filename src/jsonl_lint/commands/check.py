"""`jsonl-lint check`: lint datasets and report findings."""

from __future__ import annotations

import gc
import json
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

from .. import timings
from ..diagnostics import Severity
from ..formatters import OUTPUT_FORMATS, get_formatter
from ..formatters.base import plural
from ._common import (NO_DATASET_FILES, add_dataset_options, add_show_secrets, config_groups, dataset_paths, progress_bar,
                      settings_from_args, write_selection_notes)

if TYPE_CHECKING:
    from ..engine import Engine, Report
    from ..fixer import FixResult


def register(subparsers) -> None:
    p = subparsers.add_parser("check", help="lint datasets (the default command)",
                              description="Lint JSONL fine-tuning datasets and report findings with exact positions.")
    add_dataset_options(p)
    p.add_argument("--output-format", "--format", dest="output_format", choices=OUTPUT_FORMATS,
                   default=os.environ.get("JSONL_LINT_OUTPUT_FORMAT", "full"),
                   help="full (default), concise, json, json-lines, sarif, github, or auto (github on GitHub Actions)")
    p.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--fail-on", choices=[s.value for s in Severity], help="lowest severity that fails the run (default: error)")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings fail the run")
    p.add_argument("--show-settings", action="store_true", help="print the resolved settings and the selected rules, then exit")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    p.add_argument("--no-group", action="store_true",
                   help="human formats: list every finding, even when many are identical (JSON and SARIF always do)")
    add_show_secrets(p)
    p.add_argument("--timings", action="store_true",
                   help="print where the time went (rules and shared stages, slowest first) on stderr, or as a "
                        f"top-level \"timings\" object in JSON output; also {timings.ENV_VAR}=1 (=N or =all: rows shown)")
    fixes = p.add_argument_group("fixes and changed records")
    fixes.add_argument("--fix", action="store_true", help="apply safe fixes to the files (atomic writes)")
    fixes.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes (with --fix or --diff)")
    fixes.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff and write nothing; exit 1 when there is something to fix")
    fixes.add_argument("--diff-base", metavar="REV",
                       help="report only findings on records added or changed since git revision REV "
                            "(dataset rules still see every record), with the change's token and cost budget")
    p.set_defaults(func=run)


def run(args, out, err) -> int:
    if _own_process():
        gc.disable()  # until the rules are loaded: see _start_up_done
        # jsonl-lint never calls BLAS, but the OpenBLAS numpy loads starts a thread per core
        # that spins, waiting for work: ~40 ms of CPU in a 16-record check. Unless the user
        # chose, one thread (workers inherit it); set before the engine imports numpy.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from .. import engine  # noqa: F401  (not when the parser is built; before the clock, so start-up counts it)

    rows = timings.env_rows()
    if rows is False and args.timings:
        rows = timings.TABLE_ROWS
    if rows is False:
        return _check(args, out, err, None)
    clock = _Clock(timings.start(), rows)
    try:
        return _check(args, out, err, clock)
    finally:
        timings.stop()
        if not clock.shown:
            clock.finish()
            err.write(clock.timings.table(rows))


class _Clock:
    """A timed run: from the process start (interpreter and imports) to the report written."""

    def __init__(self, t: timings.Timings, rows: int | None):
        self.timings, self.rows, self.shown = t, rows, False
        self.began = time.perf_counter()
        self.before = timings.since_process_start() if _own_process() else None
        if self.before is not None:
            t.add(timings.STARTUP_STAGE, self.before)

    def finish(self) -> timings.Timings:
        self.timings.wall = (self.before or 0.0) + time.perf_counter() - self.began
        self.timings.cpu = timings.cpu_seconds()
        return self.timings


def _start_up_done() -> None:
    """In jsonl-lint's own process, once an engine has loaded its rules (before it reads a
    record): what start-up allocated (modules, classes, rules, compiled patterns) lives until
    the process ends, so the cyclic garbage collector, paused while it was allocated, now
    leaves it out of every pass (gc.freeze) instead of walking it again at each older-
    generation collection: about a fifth of a small check's CPU, and shorter full
    collections in a large run (worker processes fork with it frozen too). Never in a
    program that calls :func:`jsonl_lint.cli.main`, whose objects are not ours to freeze."""
    gc.freeze()
    gc.enable()


def _own_process() -> bool:
    from ..cli import own_process

    return own_process()


def _check(args, out, err, clock: _Clock | None) -> int:
    from ..engine import Engine, discover, merge_reports

    settings = settings_from_args(args)
    if args.show_settings:
        engine = Engine(settings)
        write_selection_notes(engine, err)
        data = settings.model_dump(mode="json", by_alias=True)
        data["selected-rules"] = [f"{r.code} {r.name} ({engine.pack.severities[r.code].value})" for r in engine.pack.rules]
        out.write(json.dumps(data, indent=2) + "\n")
        return 0
    files = discover(dataset_paths(args, settings), settings)
    if not files:
        err.write(f"jsonl-lint: {NO_DATASET_FILES}\n")
        return 2
    progress = progress_bar(args, err)
    reports = []
    notes: list[str] = []
    not_written: dict[str, str] = {}
    diffs = []
    selection_notes: set[str] = set()
    started = _start_up_done if _own_process() else None
    for run in lint_groups(args, settings, files, progress, fixes=args.fix or args.diff, started=started):
        write_selection_notes(run.engine, err, selection_notes)
        report = run.report
        if args.diff:
            diffs.append(run)
            continue
        if args.fix:
            report = run.fixed.report
            problems = run.fixed.write()
            not_written.update(problems)
            notes += fix_notes(run.fixed, problems, args)
        if args.diff_base:
            from ..gitdiff import changed_records

            changes = changed_records(run.files, args.diff_base)
            report = changes.filter(report)
            notes.append(changes.budget_line(run.engine.settings))
        reports.append(report)
    if progress is not None:
        progress.close()
    if args.diff:
        return _write_diff(diffs, args, out, err)
    report = merge_reports(reports)
    stream = open(args.output_file, "w", encoding="utf-8") if args.output_file else out
    summary_stream = None
    try:
        fmt = args.output_format
        kwargs = {"group": not args.no_group} if fmt in ("full", "concise", "github", "auto") else {}
        kwargs["show_secrets"] = args.show_secrets
        if fmt == "auto" and os.environ.get("GITHUB_ACTIONS") == "true" or fmt == "github":
            if os.environ.get("GITHUB_STEP_SUMMARY"):
                summary_stream = open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8")
                kwargs["summary_stream"] = summary_stream
        if fmt in ("full", "auto"):
            kwargs["color"] = args.color == "always" or (args.color == "auto" and _isatty(stream)
                                                         and "NO_COLOR" not in os.environ)
        if clock is not None and fmt in ("json", "json-lines"):
            report.timings, clock.shown = clock.finish(), True  # written with the findings
        with timings.section("write report"):
            get_formatter(fmt, stream, **kwargs).write_report(report)
        # Notes (fixes made, the --diff-base budget) follow a human-readable report;
        # they go to stderr when stdout carries JSON or SARIF, and so do errors.
        human = fmt in ("full", "concise", "github", "auto")
        for note in notes:
            (stream if human and not note.startswith("error:") else err).write(note + "\n")
        if notes and summary_stream is not None:
            summary_stream.write("".join(n + "  \n" for n in notes) + "\n")
    finally:
        if stream is not out:
            stream.close()
        if summary_stream is not None:
            summary_stream.close()
    if not_written:
        return 2  # the findings shown are those of the fixed text, which is not on disk
    return 0 if args.exit_zero else report.exit_code()


@dataclass
class GroupRun:
    """The lint of one config group (the files under one config file, linted as one dataset)."""

    engine: Engine
    files: list[str]
    report: Report  # the files as they are on disk
    fixed: FixResult | None = None  # with fixes: the files fixed in memory, nothing written yet

    def diff(self, show_secrets: bool = False) -> str:
        """The fixes as a unified diff, every line shown masked (see :mod:`jsonl_lint.masking`)."""
        mask = None
        if not show_secrets:
            from ..masking import line_masker

            mask = line_masker(self.engine, self.report.diagnostics + self.fixed.report.diagnostics)
        return self.fixed.diff(mask)


def lint_groups(args, settings, files: list[str], progress=None, *, fixes: bool = False,
                started: Callable[[], None] | None = None) -> Iterator[GroupRun]:
    """Lint ``files`` one config group at a time, as `check` does (the MCP tools too); with
    ``fixes``, also apply the fixes in memory (safe ones, and unsafe ones with
    ``args.unsafe_fixes``), writing nothing. ``progress`` gets the bytes read of all the
    groups together, so it only goes up (an MCP client requires it). ``started`` is called
    when each group's engine is built, before it reads a record."""
    from ..engine import Engine, file_size

    groups = config_groups(args, settings, files)
    whole = sum(map(file_size, files)) if progress is not None and len(groups) > 1 else 0
    read_before = 0
    for group_settings, group_files in groups:
        engine = Engine(group_settings)
        if started is not None:
            started()
        run_progress = progress if not whole else (
            lambda done, _total, base=read_before: progress(base + done, whole))
        read_before += sum(map(file_size, group_files)) if whole else 0
        if not fixes:
            yield GroupRun(engine, group_files, engine.run(group_files, progress=run_progress))
            continue
        from ..fixer import file_stats, fix_files

        stats = file_stats(group_files)  # before the lint, so a write refuses files edited meanwhile
        report = engine.run(group_files, progress=run_progress)
        fixed = fix_files(engine, group_files, report, unsafe=args.unsafe_fixes, stats=stats)
        yield GroupRun(engine, group_files, report, fixed)


def _write_diff(runs: list[GroupRun], args, out, err) -> int:
    """``--diff``: the fixes as a unified diff; nothing is written."""
    n = files = 0
    for run in runs:
        out.write(run.diff(args.show_secrets))
        n += run.fixed.total_applied
        files += len(run.fixed.changed)
    if n:
        err.write(f"Would fix {plural(n, 'finding')} in {plural(files, 'file')}.\n")
    else:
        err.write("No fixes available.\n")
    for run in runs:
        for line in fix_notes(run.fixed, {}, args, written=False):
            err.write(line + "\n")
    return 1 if n else 0


def fix_notes(fixed, problems: dict[str, str], args, written: bool = True,
              unsafe_hint: str = "`--fix --unsafe-fixes`") -> list[str]:
    """What a fix run did or would do, beyond the findings: files fixed, not written, left
    alone, and the unsafe fixes not applied (``unsafe_hint`` says how to get them)."""
    from ..fixer import MAX_ITERATIONS, hidden_unsafe

    notes = []
    changed = [p for p in fixed.changed if p not in problems]
    if written and changed:
        n = sum(fixed.applied.get(p, 0) for p in changed)
        notes.append(f"Fixed {plural(n, 'finding')} in {plural(len(changed), 'file')}.")
    for path, why in problems.items():
        notes.append(f"error: {path} not fixed: {why}")
    for path in fixed.unfixable_files:
        notes.append(f"warning: {path} is compressed or stdin; fixes are not applied to it")
    if not fixed.converged:
        notes.append(f"warning: fixes did not settle after {MAX_ITERATIONS} passes; run again to fix the rest")
    hidden = hidden_unsafe(fixed.report.diagnostics) if not args.unsafe_fixes else 0
    if hidden:
        notes.append(f"{hidden:,} more fix{'es' if hidden != 1 else ''} available with {unsafe_hint}.")
    return notes


def _isatty(stream) -> bool:
    return getattr(stream, "isatty", lambda: False)()
