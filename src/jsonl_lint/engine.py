"""The rule engine: one streaming pass per file, dataset rules finished at the end.

Per-record rules run as each record is read; dataset rules collect small state
and report after every file of the run. Large runs split JSONL files into
byte ranges (tasks) run by a backend (local processes or Ray, see ``backends``);
tasks return findings and dataset state, never parsed records (shipping records
between processes costs more than parsing). A task numbers its lines from 1 and
the run adds the line counts of the earlier ranges afterwards, so nothing scans
a file before the work starts. Rules that calibrate on the dataset (the
near-duplicate boilerplate filter) first see a sample of records fixed by the
files alone, so every split of the work gives the same findings.
"""

from __future__ import annotations

import gc
import hashlib
import io
import math
import os
import pickle
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, NamedTuple

import orjson

from . import sources, timings
from .backends import Backend, dumps, make_backend
from .config import ConfigError, Settings, load_settings
from .diagnostics import (
    Diagnostic,
    Finding,
    Position,
    RecordRef,
    ResolvedEdit,
    ResolvedFix,
    ResolvedRelated,
    Secret,
    Severity,
    lines_shifted,
)
from .positions import pointer_tokens
from .reader import DATASET_SUFFIXES, Record, is_json_array_path, open_binary, read_range_records, read_records
from .registry import RulePack, resolve, secret_detectors
from .rule import LEVELS, Context, DatasetRule, RecordRule, Rule, ShuffledRule, record_levels

READ_STAGE = "read and parse"
CALIBRATION_STAGE = "calibration sample"
REDUCE_STAGE = "shuffle and reduce"
DIAGNOSTICS_STAGE = "positions and diagnostics"
PARALLEL_MIN_BYTES = 16 << 20  # below this a second process costs more than it saves
TASK_BYTES = 32 << 20  # a large file's tasks cover at most this much: a task's state, and so a
# worker's peak and each result the driver takes in, stay bounded however large the file
REDUCE_BYTES = 96 << 20  # input a reduce partition covers at most: more partitions (a multiple
# of the workers) for a larger run, so a reduce worker's peak stays bounded too
CHUNK = 256  # records read before any is checked, so prefetch hooks see them together
# Young-generation collections during the per-record pass: one each time this many more
# containers were allocated than freed (Python's default: 700). Records allocate hundreds of
# containers each, freed by reference counting (a 5k-record run leaves ~800 objects in cycles),
# so what the collector walks is mostly the growing dataset state: at 700 it took 7-10% of a
# run's CPU, at 10,000 still 4-5% of the pass (r100k, one process: 191 collections, 0.74 s).
GC_YOUNG = 200_000
SAMPLE_WINDOWS = 64  # calibration sample: records from this many places spread over the files
Progress = Callable[[int, int], None]


class Task(NamedTuple):
    """A file, or the lines of a JSONL file that start in the byte range [start, end)."""

    path: str
    start: int = 0
    end: int | None = None  # None: to the end of the file
    limit: int | None = None  # at most this many records (calibration windows)


@dataclass
class FileSummary:
    path: str
    group: str
    records: int = 0
    blank: int = 0
    invalid: int = 0
    formats: Counter = field(default_factory=Counter)

    @property
    def unknown(self) -> int:
        """Records that parse but match no known format (or are not objects)."""
        return self.records - self.blank - self.invalid - sum(self.formats.values())

    def add(self, other: "FileSummary") -> None:
        self.records += other.records
        self.blank += other.blank
        self.invalid += other.invalid
        self.formats.update(other.formats)


@dataclass
class Report:
    diagnostics: list[Diagnostic]
    files: list[FileSummary]
    settings: Settings
    rules: tuple[Rule, ...] = ()
    severities: dict[str, Severity] = field(default_factory=dict)
    timings: "timings.Timings | None" = None  # when the run was timed (--timings)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def exit_code(self, fail_on: Severity | None = None) -> int:
        bar = (fail_on or self.settings.fail_on).rank
        return 1 if any(d.severity.rank >= bar for d in self.diagnostics) else 0


# -- public API --------------------------------------------------------------------

def lint_paths(paths: Iterable[str], settings: Settings | None = None, *, jobs: int | None = None,
               progress: Progress | None = None, config_path: str | None = None) -> Report:
    """Lint files and folders as one dataset. Settings are discovered from the first
    path unless given."""
    paths = list(paths)
    if settings is None:
        settings = load_settings(config_path, start=paths[0] if paths else None)
    files = discover(paths, settings)
    return Engine(settings).run(files, jobs=jobs, progress=progress)


def lint_text(text: str, path: str = "<stdin>", settings: Settings | None = None,
              *, dataset_rules: bool = True) -> list[Diagnostic]:
    """Lint an in-memory dataset (the language server's and the tests' entry point)."""
    settings = settings or load_settings(start=path if os.path.isabs(path) else None)
    engine = Engine(settings)
    return engine.run_text(text, path, dataset_rules=dataset_rules).diagnostics


def merge_reports(reports: list[Report]) -> Report:
    """One report from the runs of several config groups (each its own dataset)."""
    if len(reports) == 1:
        return reports[0]
    rules: dict[str, Rule] = {}
    severities: dict[str, Severity] = {}
    for r in reports:
        rules.update({rule.code: rule for rule in r.rules})
        severities.update(r.severities)
    diagnostics = sorted((d for r in reports for d in r.diagnostics), key=Diagnostic.sort_key)
    return Report(diagnostics, [f for r in reports for f in r.files], reports[0].settings,
                  tuple(rules.values()), severities)


def discover(paths: Iterable[str], settings: Settings) -> list[str]:
    """Files to lint: given files as they are; folders searched for datasets."""
    spec = None
    if settings.exclude:
        from pathspec import PathSpec  # 15 ms of imports: only for a config that excludes files

        spec = PathSpec.from_lines("gitwildmatch", settings.exclude)
    out: list[str] = []
    for p in paths:
        if sources.is_remote(p):
            out.extend(sources.expand(p, DATASET_SUFFIXES))
        elif os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
                for name in sorted(names):
                    full = os.path.join(root, name)
                    if name.endswith(DATASET_SUFFIXES) and _looks_like_dataset(full):
                        out.append(full)
        elif os.path.exists(p) or p == "-":
            out.append(p)
        else:
            raise ConfigError(f"{p}: no such file or folder")
    if spec is not None:
        root = settings.root or os.getcwd()
        out = [f for f in out if sources.is_remote(f)
               or not spec.match_file(os.path.relpath(os.path.abspath(f), root))]
    return out


def _looks_like_dataset(path: str) -> bool:
    if not is_json_array_path(path):
        return True
    with open_binary(path) as f:
        head = f.read(256).lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"[") and head[1:].lstrip()[:1] in (b"{", b"]")


# -- the engine ----------------------------------------------------------------------

class Engine:
    def __init__(self, settings: Settings, pack: RulePack | None = None):
        self.settings = settings
        # A pack given by the caller (e.g. the stats pass) travels to workers; the default
        # one is rebuilt there from the settings (declarative rule classes do not pickle).
        self._custom_pack = pack
        self.pack = pack or resolve(settings)
        self.detectors = secret_detectors(self.pack)
        self._contexts: dict[tuple[str, str], Context] = {}
        self._active: dict[tuple[str, frozenset[str]], tuple] = {}
        # In-memory sources (stdin, editor buffers) by path, for re-reading records.
        self._texts: dict[str, bytes] = {}
        # What calibrating rules learned from the run's sample, by rule code.
        self.calibration: dict[str, Any] = {}
        # Records of remote files read in one batch for the findings of dataset rules.
        self._fetched: dict[tuple[str, int, int], bytes] = {}

    def context(self, path: str) -> Context:
        group = group_of(path, self.settings)
        key = (path, group)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = self._contexts[key] = Context(self.settings, path, group, calibration=self.calibration)
        return ctx

    def use_calibration(self, calibration: dict[str, Any]) -> None:
        if calibration is not self.calibration:
            self.calibration = calibration
            self._contexts.clear()

    def active_rules(self, path: str, levels: frozenset[str] = LEVELS
                     ) -> tuple[tuple[RecordRule, ...], tuple[DatasetRule, ...]]:
        """The record and dataset rules that apply to ``path`` (per-file ignores applied once;
        rules whose options leave nothing to check are left out) and to records that
        satisfy ``levels`` (all levels by default)."""
        key = (path, levels)
        active = self._active.get(key)
        if active is None:
            active = self._active[key] = self.pack.applicable(path, levels)
        return active

    # Per-record work, pure in (record, options, settings): the LSP caches it by line.
    def check_record(self, record: Record, ctx: Context, levels: frozenset[str] | None = None) -> list[Diagnostic]:
        rules = self.active_rules(ctx.path, levels or record_levels(record))[0]
        t = timings.current()
        if t is not None:
            return self._check_record_timed(record, ctx, rules, t)
        out: list[Diagnostic] = []
        for rule in rules:
            for finding in rule.check(record, ctx):
                out.append(self.diagnostic(rule, finding, record))
        return out

    def _check_record_timed(self, record: Record, ctx: Context, rules: tuple[RecordRule, ...],
                            t: timings.Timings) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for rule in rules:
            t.push(rule.code)
            found = list(rule.check(record, ctx))
            t.pop()
            if found:
                t.push(DIAGNOSTICS_STAGE)
                out += [self.diagnostic(rule, finding, record) for finding in found]
                t.pop()
        return out

    def diagnostic(self, rule: Rule, finding: Finding, record: Record | None) -> Diagnostic:
        severity = self.pack.severities.get(rule.code, rule.severity)
        if finding.severity is not None and rule.code not in self.pack.configured_severities:
            severity = finding.severity
        if record is None:
            filename = finding.path or (finding.record.path if finding.record else "")
            start = end = Position(1, 1)
            fingerprint = _fingerprint(rule.code, f"file:{os.path.basename(filename)}:{finding.message}")
            return Diagnostic(rule.code, rule.name, severity, finding.message, sources.display(filename), start, end,
                              rule.url(),
                              related=tuple(self._related(finding)), fingerprint=fingerprint, target=finding.target)
        s, e = span_of(record, finding)
        start, end = Position(*record.position(s)), Position(*record.position(e))
        fix = None
        if finding.fix is not None:
            edits = tuple(ResolvedEdit(Position(*record.position(x.start)), Position(*record.position(x.end)), x.text)
                          for x in finding.fix.edits)
            fix = ResolvedFix(finding.fix.title, finding.fix.applicability, edits, record.ref, finding.fix.edits)
        return Diagnostic(rule.code, rule.name, severity, finding.message, sources.display(record.ref.path), start, end,
                          rule.url(),
                          fix=fix, related=tuple(self._related(finding)), pointer=finding.pointer,
                          record=record.ref, target=finding.target,
                          fingerprint=_fingerprint(rule.code, record_key(record), finding.pointer,
                                                   *((finding.target,) if finding.target else ())),
                          secrets=self.secrets(record))

    def secrets(self, record: Record) -> tuple[Secret, ...]:
        """The secrets in a record with findings or shown otherwise (a hover's roles), found
        once per record, for every output to mask (see :mod:`jsonl_lint.masking`)."""
        found = record.extra.get("secrets")
        if found is None:
            with timings.section("secrets to mask"):
                found = record.extra["secrets"] = tuple(self._find_secrets(record)) if record.parsed else ()
        return found

    def secrets_in_text(self, text: str, path: str) -> tuple[Secret, ...]:
        """The secrets in the JSONL records of ``text``: lines an output shows outside
        any finding (the context lines of ``--diff``)."""
        data = text.encode("utf-8", "surrogatepass")
        return tuple(s for record in read_records(io.BytesIO(data), path, json_array=False,
                                                  max_depth=self.settings.max_depth)
                     for s in self.secrets(record))

    def _find_secrets(self, record: Record) -> Iterator[Secret]:
        ctx = self.context(record.path)
        strings = None
        for rule in self.detectors:
            for finding in rule.check(record, ctx):
                if finding.secret is None or finding.span is None:
                    continue
                if finding.on_key:  # a secret in an object key: the last token of its member's pointer
                    text = pointer_tokens(finding.pointer)[-1] if finding.pointer else None
                else:
                    strings = strings or dict(record.string_values)
                    text = strings.get(finding.pointer)
                if text is not None:
                    s, e = span_of(record, finding)
                    yield Secret(record.text[s:e], text[finding.span[0]:finding.span[1]], *finding.secret)

    def _related(self, finding: Finding) -> Iterator[ResolvedRelated]:
        for rel in finding.related:
            record = self._reread(rel.record) if rel.pointer else None  # only a pointer needs it
            if record is not None:
                s, _ = span_of(record, Finding("", rel.pointer))
                line, col = record.position(s)
            else:
                line, col = rel.record.line, rel.record.column
            yield ResolvedRelated(sources.display(rel.record.path), Position(line, col), rel.message)

    # -- whole runs ------------------------------------------------------------------
    def run(self, files: list[str], jobs: int | None = None, progress: Progress | None = None,
            texts: dict[str, bytes] | None = None, dataset_rules: bool = True, *,
            backend: Backend | None = None, tasks: int | list[Task] | None = None) -> Report:
        """Lint ``files`` as one dataset. ``texts`` supplies in-memory contents for some
        paths (editor buffers, fixed files not yet written); those runs stay in-process.
        ``backend`` runs the tasks (default: the configured one with ``jobs`` workers);
        ``tasks`` is how many byte-range tasks a large run is split into (default: one
        per worker and file), or the tasks themselves."""
        if texts:
            self._texts.update(texts)
            sources.in_memory.update(texts)
        if "-" in files and "-" not in self._texts:
            self._texts["-"] = _read_stdin()
        t = timings.current()
        if t is not None:
            t.kinds.update((rule.code, "rule") for rule in self.pack.rules)
        try:
            in_memory = any(f in self._texts for f in files)  # only this process can read them
            if backend is None and (in_memory or not dataset_rules or (
                    self.settings.backend == "local" and self._jobs(files, jobs) == 1)):
                return self._run_serial(files, progress, dataset_rules)
            if backend is None:
                with make_backend(self.settings.backend, self._jobs(files, jobs), self.settings.address) as own:
                    return self.run_plan(plan(files, tasks or own.workers, max_bytes=None if tasks else TASK_BYTES),
                                         own, progress)
            if not isinstance(tasks, list):
                tasks = plan(files, tasks or backend.workers, self._texts, shared=backend.forks)
            return self.run_plan(tasks, backend, progress)
        finally:
            for path in set(texts or ()) | {"-"}:
                self._texts.pop(path, None)
            for path in texts or ():
                sources.in_memory.pop(path, None)

    def _run_serial(self, files: list[str], progress: Progress | None, dataset_rules: bool) -> Report:
        if dataset_rules:
            with timings.section(CALIBRATION_STAGE):
                self.calibrate(files, Backend())
        states = {r.code: r.initial(self.context("")) for r in self.pack.dataset_rules} if dataset_rules else {}
        diagnostics: list[Diagnostic] = []
        summaries: list[FileSummary] = []
        total = sum(self._size(f) for f in files)
        done = 0
        for path in files:
            ctx = self.context(path)
            summary = FileSummary(path, ctx.group)
            report_progress = None if progress is None else (lambda offset, base=done: progress(base + offset, total))
            with self._open(path) as stream:
                self._consume(read_records(stream, path, max_depth=self.settings.max_depth,
                                           mapping=self.settings.field_mapping), ctx, states, diagnostics,
                              summary, report_progress)
            done += self._size(path)
            summaries.append(summary)
        diagnostics += self._finish(states, Backend())
        return self._report(diagnostics, summaries)

    def calibrate(self, files: list[str], backend: Backend) -> None:
        """Show the calibrating rules (``DatasetRule.calibrate``) their sample of the run:
        up to ``calibration_size()`` records from ``SAMPLE_WINDOWS`` places spread over
        the files by byte offset. The sample depends on the files alone, never on how
        the run is split, and a small dataset is sampled whole."""
        rules = [r for r in self.pack.dataset_rules if r.calibration_size() > 0]
        self.use_calibration({})
        if not rules:
            return
        windows = sample_windows(files, max(r.calibration_size() for r in rules), self._texts)
        parts = max(1, min(backend.workers, len(windows)))
        groups = [windows[i * len(windows) // parts:(i + 1) * len(windows) // parts] for i in range(parts)]
        self._share_with_workers(backend)
        pieces: dict[str, list] = {r.code: [] for r in rules}
        if type(backend) is Backend:  # in-process: in-memory sources are readable
            results = (self._calibration_pieces(g) for g in groups)
        else:
            results = backend.map(_calibration_worker, [(self.settings, self._custom_pack, g) for g in groups])
        for result in results:
            for code, found in result.items():
                pieces[code] += found
        self.use_calibration({r.code: r.calibrated(pieces[r.code]) for r in rules})

    def _calibration_pieces(self, windows: list[Task]) -> dict[str, list]:
        """Each calibrating rule's counts over each window (in window order)."""
        out: dict[str, list] = {}
        for window in windows:
            records: dict[str, list[Record]] = {}
            calibrating: dict[frozenset[str], list[DatasetRule]] = {}  # by record levels
            with self._open(window.path, window) as stream:
                for record in self._task_records(stream, window):
                    levels = record_levels(record)
                    rules = calibrating.get(levels)
                    if rules is None:
                        rules = calibrating[levels] = [r for r in self.active_rules(window.path, levels)[1]
                                                       if r.calibration_size() > 0]
                    for rule in rules:
                        records.setdefault(rule.code, []).append(record)
            ctx = self.context(window.path)
            for rule in self.pack.dataset_rules:
                if rule.calibration_size() > 0:
                    out.setdefault(rule.code, []).append(rule.calibrate(records.get(rule.code, []), ctx))
        return out

    def _task_records(self, stream, task: Task) -> Iterator[Record]:
        depth, mapping = self.settings.max_depth, self.settings.field_mapping
        if task.end is None:
            return islice(read_records(stream, task.path, max_depth=depth, mapping=mapping), task.limit)
        return read_range_records(stream, task.path, task.start, task.end, limit=task.limit, max_depth=depth,
                                  mapping=mapping)

    def run_plan(self, tasks: list[Task], backend: Backend, progress: Progress | None = None) -> Report:
        """Run a list of tasks on ``backend``: merge their results in task order, and
        shuffle the state of ``ShuffledRule``s by key across reduce tasks."""
        files = list(dict.fromkeys(t.path for t in tasks))
        with timings.section(CALIBRATION_STAGE):
            self.calibrate(files, backend)
        self._share_with_workers(backend)
        timed = timings.current()
        shuffled = [r for r in self.pack.dataset_rules if isinstance(r, ShuffledRule)]
        total = sum(self._size(f) for f in files)
        workers = max(1, backend.workers)
        parts = workers * max(1, -(-total // (workers * REDUCE_BYTES))) if shuffled else 0
        diagnostics: list[Diagnostic] = []
        summaries: dict[str, FileSummary] = {}
        merged: dict[str, Any] = {}
        heads: dict[str, list] = {r.code: [] for r in shuffled}
        lines_before: dict[str, int] = {}
        bases: list[int] = []
        done = 0
        args = [(self.settings, self._custom_pack, self.calibration, t, parts, timed is not None) for t in tasks]
        results, pieces = backend.shuffle(_worker, args, parts)
        for task, (lines, blob) in zip(tasks, results):
            base = lines_before.get(task.path, 0)
            lines_before[task.path] = base + lines
            bases.append(base)
            with lines_shifted(base):
                diags, states, summary, worker_timings = pickle.loads(blob)
            if worker_timings is not None:
                timed.merge(worker_timings)
            diagnostics += diags
            for rule in self.pack.dataset_rules:
                state = states[rule.code]
                if rule.code in heads:
                    heads[rule.code].append(state)
                elif rule.code not in merged:
                    merged[rule.code] = state
                else:
                    with timings.section(rule.code):
                        merged[rule.code] = rule.merge([merged[rule.code], state])
            summaries.setdefault(summary.path, FileSummary(summary.path, summary.group)).add(summary)
            done += (task.end if task.end is not None else self._size(task.path)) - task.start
            if progress is not None:
                progress(min(done, total), total)
        if timed is not None:
            timed.processes = 1 + min(backend.workers, len(tasks))
        for rule in self.pack.dataset_rules:
            if rule.code not in merged and rule.code not in heads:
                merged[rule.code] = rule.initial(self.context(""))
        reducing = None
        if shuffled:
            extra = (self.settings, self._custom_pack, self.calibration, bases)
            with timings.section(REDUCE_STAGE):
                waiting = backend.start_reduce(_reduce_worker, pieces, extra)

            def reducing() -> dict:
                with timings.section(REDUCE_STAGE):
                    reduced = [pickle.loads(r) for r in waiting()]
                return {rule.code: _Shuffled(heads[rule.code], [r[rule.code] for r in reduced]) for rule in shuffled}
        diagnostics += self._finish(merged, backend, reducing)
        return self._report(diagnostics, [summaries[f] for f in files if f in summaries])

    def _share_with_workers(self, backend: Backend) -> None:
        with timings.section("prepare rules"):
            for rule in self.pack.rules:
                rule.prepare(self.settings)  # workers fork after this and share what it loaded
                if backend.forks:
                    rule.before_fork(self.settings)
        _WORKER_ENGINES[_engine_key(self.settings, self._custom_pack)] = self

    def run_text(self, text: str | bytes, path: str, dataset_rules: bool = True) -> Report:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        return self.run([path], jobs=1, texts={path: data}, dataset_rules=dataset_rules)

    def _consume(self, records: Iterator[Record], ctx: Context, states: dict, out: list[Diagnostic],
                 summary: FileSummary, progress: Callable[[int], None] | None = None) -> None:
        """Check a stream of records in chunks: each chunk's prefetch hooks run first."""
        with _fewer_collections():
            self._consume_chunks(records, ctx, states, out, summary, progress)

    def _consume_chunks(self, records: Iterator[Record], ctx: Context, states: dict, out: list[Diagnostic],
                        summary: FileSummary, progress: Callable[[int], None] | None) -> None:
        prefetchers = self._prefetchers(ctx.path)
        t = timings.current()
        if t is not None:
            records = timings.timed_iter(READ_STAGE, records)
        while chunk := list(islice(records, CHUNK)):
            for rule in prefetchers:
                if t is not None:
                    t.push(rule.code)
                rule.prefetch(chunk, ctx)
                if t is not None:
                    t.pop()
            self._check_chunk(chunk, ctx, states, out, summary, t)
            if progress is not None:
                progress(chunk[-1].ref.offset)
        for rule in self.active_rules(ctx.path)[1]:
            if type(rule).collect_file is not DatasetRule.collect_file and rule.code in states:
                rule.collect_file(states[rule.code], summary, ctx)

    def _prefetchers(self, path: str) -> list[Rule]:
        """One active rule per distinct prefetch hook."""
        by_hook: dict = {}
        for rule in (*self.active_rules(path)[0], *self.active_rules(path)[1]):
            hook = type(rule).prefetch
            if hook is not Rule.prefetch:
                by_hook.setdefault(hook, rule)
        return list(by_hook.values())

    def _check_chunk(self, chunk: list[Record], ctx: Context, states: dict, out: list[Diagnostic],
                     summary: FileSummary, t: timings.Timings | None) -> None:
        """Check a chunk rule by rule (each rule over all its records) instead of record by
        record: a rule's code, patterns and lexicons then stay in the CPU caches from one
        record to the next (record rules and collects: ~230 instead of ~280-360 µs per
        record on r5k). Each record still meets the rules in the same order and each rule
        the records in file order, so findings and dataset states are the same. A chunk
        whose records satisfy different levels (a broken line among examples) goes record
        by record, keeping that order for every rule."""
        levels = record_levels(chunk[0])
        if len(chunk) > 1 and any(record_levels(record) != levels for record in chunk):
            for record in chunk:
                self._check_chunk([record], ctx, states, out, summary, t)
            return
        for record in chunk:
            _count(summary, record, levels)
        record_rules, dataset_rules = self.active_rules(ctx.path, levels)
        for rule in record_rules:
            if t is None:
                check = rule.check  # one bound method per chunk, not one per record
                for record in chunk:
                    for finding in check(record, ctx):
                        out.append(self.diagnostic(rule, finding, record))
            else:
                for record in chunk:
                    out += self._check_record_timed(record, ctx, (rule,), t)
        if not states:  # empty when the run leaves dataset rules out
            return
        for rule in dataset_rules:
            state = states[rule.code]
            if t is None:
                collect = rule.collect
                for record in chunk:
                    collect(state, record, ctx)
                continue
            for record in chunk:
                t.push(rule.code)
                rule.collect(state, record, ctx)
                t.pop()

    def _finish(self, states: dict, backend: Backend, shuffled: Callable[[], dict] | None = None
                ) -> list[Diagnostic]:
        """The dataset rules' findings as diagnostics. ``shuffled`` waits for a reduce still
        running and gives the shuffled rules' states: the other rules are finished first,
        meanwhile. A rule's state is dropped once it is finished. The diagnostics come in
        the same order either way: by file, each file's by record offset, ties in rule order."""
        ctx = Context(self.settings, "", "train", calibration=self.calibration, backend=backend)
        done = self._diagnosed(self._findings(states, ctx))
        if shuffled is not None:
            done += self._diagnosed(self._findings(shuffled(), ctx))
        done.sort(key=lambda item: item[0])
        by_path: dict[str, list] = {}
        for _, finding, diagnostic in done:
            by_path.setdefault(finding.record.path if finding.record else "", []).append((finding, diagnostic))
        out: list[Diagnostic] = []
        for items in by_path.values():
            items.sort(key=lambda fd: fd[0].record.offset if fd[0].record else -1)
            out += [diagnostic for _, diagnostic in items]
        return out

    def _findings(self, states: dict, ctx: Context) -> list[tuple[tuple[int, int], Rule, Finding]]:
        """((rule's place in the pack, finding's place), rule, finding) of the rules in ``states``."""
        out = []
        for i, rule in enumerate(self.pack.dataset_rules):
            if rule.code not in states:
                continue
            state = states.pop(rule.code)
            with timings.section(rule.code):
                found = list(rule.finish_shuffled(state.heads, state.reduced, ctx) if isinstance(state, _Shuffled)
                             else rule.finish(state, ctx))
            del state
            out += [((i, k), rule, finding) for k, finding in enumerate(found)]
        return out

    def _diagnosed(self, found: list[tuple[tuple[int, int], Rule, Finding]]
                   ) -> list[tuple[tuple[int, int], Finding, Diagnostic]]:
        """Each finding with its diagnostic; records are read again file by file in offset order."""
        self._fetch_remote([ref for _, _, f in found for ref in ((f.record,) if f.record else ())
                            + tuple(r.record for r in f.related)])
        by_path: dict[str, list] = {}
        for item in found:
            finding = item[2]
            by_path.setdefault(finding.record.path if finding.record else "", []).append(item)
        out = []
        with timings.section(DIAGNOSTICS_STAGE):
            for items in by_path.values():
                items.sort(key=lambda item: item[2].record.offset if item[2].record else -1)
                for place, rule, finding in items:
                    record = self._reread(finding.record) if finding.record else None
                    shown = finding
                    if finding.record is not None and record is None:
                        shown = Finding(finding.message, path=finding.record.path, related=finding.related)
                    out.append((place, finding, self.diagnostic(rule, shown, record)))
        self._fetched.clear()
        return out

    def _fetch_remote(self, refs: list[RecordRef]) -> None:
        """Read the records of remote findings in one batch per file (one request each
        would take a round trip per finding)."""
        by_path: dict[str, set[tuple[int, int]]] = {}
        for ref in refs:
            if sources.is_remote(ref.path) and not sources.is_compressed(ref.path):
                by_path.setdefault(ref.path, set()).add((ref.offset, ref.length))
        for path, ranges in by_path.items():
            ordered = sorted(ranges)
            try:
                chunks = sources.read_ranges(path, ordered)
            except ConfigError:
                continue
            self._fetched.update({(path, o, n): c for (o, n), c in zip(ordered, chunks)})

    def _open(self, path: str, task: Task | None = None):
        data = self._texts.get(path)
        if data is not None:
            return io.BytesIO(data)
        if task is not None and task.end is not None:  # a range task reads little past its end
            return open_binary(path, min(sources.READ_AHEAD, task.end - task.start + (64 << 10)))
        return open_binary(path)

    def _size(self, path: str) -> int:
        data = self._texts.get(path)
        return len(data) if data is not None else file_size(path)

    def _reread(self, ref: RecordRef) -> Record | None:
        """Read one record again by its byte range (dataset findings, related links)."""
        data = self._texts.get(ref.path)
        try:
            if data is not None:
                chunk = data[ref.offset: ref.offset + ref.length]
            elif (ref.path, ref.offset, ref.length) in self._fetched:
                chunk = self._fetched[(ref.path, ref.offset, ref.length)]
            else:
                chunk = sources.read_range(ref.path, ref.offset, ref.length)
        except (OSError, EOFError, ConfigError):
            return None
        from .reader import record_again

        return record_again(ref, chunk, self.settings.max_depth, self.settings.field_mapping)

    def _report(self, diagnostics: list[Diagnostic], summaries: list[FileSummary]) -> Report:
        from .baseline import apply_baseline

        diagnostics = [d for d in diagnostics if d is not None]
        diagnostics = apply_baseline(diagnostics, self.settings, self.pack, [s.path for s in summaries])
        diagnostics.sort(key=Diagnostic.sort_key)
        return Report(diagnostics, summaries, self.settings, self.pack.rules, self.pack.severities)

    # -- parallel runs ---------------------------------------------------------------
    def _jobs(self, files: list[str], jobs: int | None) -> int:
        jobs = jobs if jobs is not None else self.settings.jobs
        if jobs == 1 or not files:
            return 1
        if any(not r.mergeable() for r in self.pack.dataset_rules):
            return 1
        if jobs <= 0:
            if sum(file_size(f) for f in files) < PARALLEL_MIN_BYTES:
                return 1
            jobs = os.cpu_count() or 1
        return max(1, jobs)



@contextmanager
def _fewer_collections():
    """Collect young objects once per ``GC_YOUNG`` allocations in the block (see there)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_YOUNG), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


class _Shuffled(NamedTuple):
    heads: list  # each task's head, in task order
    reduced: list  # each reduce task's result


def _worker(args: tuple[Settings, RulePack | None, dict, Task, int, bool]) -> tuple[tuple[int, bytes], list[bytes]]:
    """One task: ((records read, pickled (diagnostics, dataset states, file summary,
    timings or None)), one pickled piece per reduce partition of the shuffled rules'
    states). Lines are numbered from the task's first line (see ``diagnostics.lines_shifted``)."""
    settings, pack, calibration, task, parts, timed = args
    timings.stop()  # a forked worker inherits the parent's timer: it must not add to that copy
    own = timings.start() if timed else None
    engine = _worker_engine(settings, pack)
    engine.use_calibration(calibration)
    ctx = replace(engine.context(task.path), in_task=True)
    states = {r.code: r.initial(ctx) for r in engine.pack.dataset_rules}
    diagnostics: list[Diagnostic] = []
    summary = FileSummary(task.path, ctx.group)
    with engine._open(task.path, task) as stream:
        engine._consume(engine._task_records(stream, task), ctx, states, diagnostics, summary)
    pieces = _partition(engine, states, parts, ctx)
    timings.stop()
    blobs = []
    for p in range(parts):  # each piece freed once pickled: never all of them twice over
        blobs.append(dumps(pieces[p]))
        pieces[p] = None
    return (summary.records, dumps((diagnostics, states, summary, own))), blobs


def _partition(engine: Engine, states: dict, parts: int, ctx: Context) -> list[dict]:
    """Each reduce partition's pieces of the shuffled rules' states (their heads stay in ``states``)."""
    pieces: list[dict] = [{} for _ in range(parts)]
    for rule in engine.pack.dataset_rules:
        if isinstance(rule, ShuffledRule):
            states[rule.code], by_part = rule.partition(states[rule.code], parts, ctx)
            for p, piece in enumerate(by_part):
                pieces[p][rule.code] = piece
    return pieces


def _reduce_worker(args: tuple[list[bytes], tuple]) -> bytes:
    """One reduce partition: each shuffled rule's pieces from every task, in task order
    (each unpickled with its task's lines added)."""
    blobs, (settings, pack, calibration, bases) = args
    engine = _worker_engine(settings, pack)
    engine.use_calibration(calibration)
    by_code: dict[str, list] = {}
    for k, base in enumerate(bases):
        blob, blobs[k] = blobs[k], None  # each piece's bytes freed once unpickled
        with lines_shifted(base):
            for code, piece in pickle.loads(blob).items():
                by_code.setdefault(code, []).append(piece)
        del blob
    ctx = engine.context("")
    return dumps({r.code: r.reduce(by_code.get(r.code, []), ctx)
                  for r in engine.pack.dataset_rules if isinstance(r, ShuffledRule)})


def _calibration_worker(args: tuple[Settings, RulePack | None, list[Task]]) -> dict[str, list]:
    settings, pack, windows = args
    return _worker_engine(settings, pack)._calibration_pieces(windows)


def plan(files: list[str], parts: int, texts: dict[str, bytes] | None = None, *, shared: bool = False,
         max_bytes: int | None = None) -> list[Task]:
    """Tasks for a run: each JSONL file cut into ``parts`` byte ranges of equal size, or
    more when a range would be over ``max_bytes`` (cut anywhere: a task starts at the
    first line start in its range); JSON arrays, compressed files and in-memory sources
    are one task each, unless ``shared``: workers forked from the process that holds the
    in-memory sources read them too."""
    out: list[Task] = []
    for path in files:
        if parts <= 1 or not splittable(path, None if shared else texts):
            out.append(Task(path))
            continue
        size = len(texts[path]) if texts and path in texts else file_size(path)
        n = parts if max_bytes is None else max(parts, -(-size // max_bytes))
        bounds = sorted({size * k // n for k in range(n)})
        out += [Task(path, s, e) for s, e in zip(bounds, bounds[1:] + [size])]
    return out


def splittable(path: str, texts: dict[str, bytes] | None = None) -> bool:
    return not (path == "-" or (texts and path in texts) or is_json_array_path(path) or sources.is_compressed(path))


def sample_windows(files: list[str], records: int, texts: dict[str, bytes] | None = None) -> list[Task]:
    """The calibration sample as tasks: ``SAMPLE_WINDOWS`` windows spread over the
    files in proportion to their sizes, each reading at most its share of ``records``
    from the lines that start in it. Files that cannot be split give their first
    records. Depends on the files' bytes alone: an editor's or ``--fix``'s in-memory text
    is sampled as the same file on disk is, so its findings equal the CLI's."""
    sizes = [len(texts[f]) if texts and f in texts else file_size(f) for f in files]
    total = sum(sizes)
    out: list[Task] = []
    for path, size in zip(files, sizes):
        if not size:
            continue
        share = size / total
        if not splittable(path):
            out.append(Task(path, limit=math.ceil(records * share)))
            continue
        k = max(1, round(SAMPLE_WINDOWS * share))
        bounds = sorted({size * i // k for i in range(k)})
        limit = math.ceil(records * share / len(bounds))
        out += [Task(path, s, e, limit) for s, e in zip(bounds, bounds[1:] + [size])]
    return out


def _count(summary: FileSummary, record: Record, levels: frozenset[str]) -> None:
    summary.records += 1
    if "example" in levels:
        summary.formats[record.format] += 1
    elif record.blank:
        summary.blank += 1
    elif not record.parsed:
        summary.invalid += 1


_WORKER_ENGINES: dict[tuple, Engine] = {}


def _engine_key(settings: Settings, pack: RulePack | None) -> tuple:
    return settings.model_dump_json(), tuple(r.code for r in pack.rules) if pack else None


def _worker_engine(settings: Settings, pack: RulePack | None) -> Engine:
    """The engine of a worker process: the parent's own (inherited by fork), else built once."""
    key = _engine_key(settings, pack)
    engine = _WORKER_ENGINES.get(key)
    if engine is None:
        engine = _WORKER_ENGINES[key] = Engine(settings, pack)
    return engine


# -- helpers ---------------------------------------------------------------------------

def group_of(path: str, settings: Settings) -> str:
    """The dataset group of a file: 'validation' for --validation files, a named group
    from ``datasets``, else 'train'."""
    import fnmatch

    if not path:
        return "train"
    remote = sources.is_remote(path)
    rel = os.path.relpath(os.path.abspath(path), settings.root) if settings.root and not remote else path
    for pattern in settings.validation:
        if fnmatch.fnmatch(rel, pattern) or path == pattern or (
                not remote and os.path.abspath(path) == os.path.abspath(pattern)):
            return "validation"
    for group, patterns in settings.datasets.items():
        if any(fnmatch.fnmatch(rel, p) for p in patterns):
            return group
    return "train"


def span_of(record: Record, finding: Finding) -> tuple[int, int]:
    """Record-relative code-point range a finding highlights."""
    if finding.raw_range is not None:
        return finding.raw_range
    text_len = len(record.text)
    if not finding.pointer and finding.span is None:
        return 0, text_len
    if not record.parsed:
        return 0, text_len
    sm = record.source_map
    node = sm.find(finding.pointer)
    if node is None:
        return 0, text_len
    if finding.on_key and node.key_start >= 0:
        if finding.span is not None:
            return sm.string_span(node, finding.span, key=True)
        return node.key_start, node.key_end
    if finding.span is not None and record.text[node.value_start:node.value_start + 1] == '"':
        return sm.string_span(node, finding.span)
    return node.value_start, node.value_end


def record_key(record: Record) -> str:
    """Content fingerprint of a record: survives reordering and edits elsewhere."""
    if record.parsed:
        data = orjson.dumps(record.value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS) \
            if _orjson_ok(record.value) else record.text.strip().encode()
    else:
        data = record.text.strip().encode("utf-8", "replace")
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def _orjson_ok(value) -> bool:
    try:
        orjson.dumps(value)
        return True
    except TypeError:
        return False


def _fingerprint(code: str, *parts: str) -> str:
    return hashlib.blake2b("\x1f".join((code,) + parts).encode("utf-8", "replace"), digest_size=10).hexdigest()


def file_size(path: str) -> int:
    """A dataset file's size in bytes (local or remote); 0 when it cannot be found (reading it says why)."""
    try:
        return sources.size(path)
    except (OSError, ConfigError):
        return 0


def _read_stdin() -> bytes:
    import sys

    return sys.stdin.buffer.read()
