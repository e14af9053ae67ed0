"""The rule engine: one streaming pass per file, dataset rules finished at the end.

Per-record rules run as each record is read; dataset rules collect small state
and report after every file of the run. Large runs split JSONL files into
byte ranges across processes; workers return findings and dataset state, never
parsed records (shipping records between processes costs more than parsing).
"""

from __future__ import annotations

import hashlib
import io
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator

import orjson

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
)
from .procs import exit_with_parent
from .reader import DATASET_SUFFIXES, Record, is_json_array_path, iter_lines_offsets, open_binary, read_records
from .registry import RulePack, resolve, secret_detectors
from .rule import LEVELS, Context, DatasetRule, RecordRule, Rule, record_levels

PARALLEL_MIN_BYTES = 16 << 20  # below this a second process costs more than it saves
CHUNK = 256  # records read before any is checked, so prefetch hooks see them together
Progress = Callable[[int, int], None]


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
    from pathspec import PathSpec

    spec = PathSpec.from_lines("gitwildmatch", settings.exclude) if settings.exclude else None
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
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
        out = [f for f in out if not spec.match_file(os.path.relpath(os.path.abspath(f), root))]
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

    def context(self, path: str) -> Context:
        group = group_of(path, self.settings)
        key = (path, group)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = self._contexts[key] = Context(self.settings, path, group)
        return ctx

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
        out: list[Diagnostic] = []
        for rule in self.active_rules(ctx.path, levels or record_levels(record))[0]:
            for finding in rule.check(record, ctx):
                out.append(self.diagnostic(rule, finding, record))
        return out

    def diagnostic(self, rule: Rule, finding: Finding, record: Record | None) -> Diagnostic:
        severity = self.pack.severities.get(rule.code, rule.severity)
        if record is None:
            filename = finding.path or (finding.record.path if finding.record else "")
            start = end = Position(1, 1)
            fingerprint = _fingerprint(rule.code, f"file:{os.path.basename(filename)}:{finding.message}")
            return Diagnostic(rule.code, rule.name, severity, finding.message, filename, start, end, rule.url(),
                              related=tuple(self._related(finding)), fingerprint=fingerprint)
        s, e = span_of(record, finding)
        start, end = Position(*record.position(s)), Position(*record.position(e))
        fix = None
        if finding.fix is not None:
            edits = tuple(ResolvedEdit(Position(*record.position(x.start)), Position(*record.position(x.end)), x.text)
                          for x in finding.fix.edits)
            fix = ResolvedFix(finding.fix.title, finding.fix.applicability, edits, record.ref, finding.fix.edits)
        return Diagnostic(rule.code, rule.name, severity, finding.message, record.ref.path, start, end, rule.url(),
                          fix=fix, related=tuple(self._related(finding)), pointer=finding.pointer,
                          record=record.ref, fingerprint=_fingerprint(rule.code, record_key(record), finding.pointer),
                          secrets=self._secrets(record))

    def _secrets(self, record: Record) -> tuple[Secret, ...]:
        """The secrets in a record with findings (found once per record), for every output
        to mask (see :mod:`jsonl_lint.masking`)."""
        found = record.extra.get("secrets")
        if found is None:
            found = record.extra["secrets"] = tuple(self._find_secrets(record)) if record.parsed else ()
        return found

    def secrets_in_text(self, text: str, path: str) -> tuple[Secret, ...]:
        """The secrets in the JSONL records of ``text``: lines an output shows outside
        any finding (the context lines of ``--diff``)."""
        data = text.encode("utf-8", "surrogatepass")
        return tuple(s for record in read_records(io.BytesIO(data), path, json_array=False,
                                                  max_depth=self.settings.max_depth)
                     for s in self._secrets(record))

    def _find_secrets(self, record: Record) -> Iterator[Secret]:
        ctx = self.context(record.path)
        strings = None
        for rule in self.detectors:
            for finding in rule.check(record, ctx):
                if finding.secret is None or finding.span is None:
                    continue
                strings = strings or dict(record.string_values)
                text = strings.get(finding.pointer)
                if text is not None:
                    s, e = span_of(record, finding)
                    yield Secret(record.text[s:e], text[finding.span[0]:finding.span[1]], *finding.secret)

    def _related(self, finding: Finding) -> Iterator[ResolvedRelated]:
        for rel in finding.related:
            record = self._reread(rel.record)
            if record is not None and rel.pointer:
                s, _ = span_of(record, Finding("", rel.pointer))
                line, col = record.position(s)
            else:
                line, col = rel.record.line, rel.record.column
            yield ResolvedRelated(rel.record.path, Position(line, col), rel.message)

    # -- whole runs ------------------------------------------------------------------
    def run(self, files: list[str], jobs: int | None = None, progress: Progress | None = None,
            texts: dict[str, bytes] | None = None, dataset_rules: bool = True) -> Report:
        """Lint ``files`` as one dataset. ``texts`` supplies in-memory contents for some
        paths (editor buffers, fixed files not yet written); those runs stay in-process."""
        if texts:
            self._texts.update(texts)
            jobs = 1
        try:
            return self._run(files, jobs, progress, dataset_rules)
        finally:
            for path in texts or ():
                self._texts.pop(path, None)

    def _run(self, files: list[str], jobs: int | None, progress: Progress | None, dataset_rules: bool) -> Report:
        jobs = self._jobs(files, jobs)
        if jobs > 1 and dataset_rules:
            return self._run_parallel(files, jobs, progress)
        states = {r.code: r.initial(self.context("")) for r in self.pack.dataset_rules} if dataset_rules else {}
        diagnostics: list[Diagnostic] = []
        summaries: list[FileSummary] = []
        total = sum(_size(f) for f in files)
        done = 0
        for path in files:
            ctx = self.context(path)
            summary = FileSummary(path, ctx.group)
            if path == "-":
                self._texts[path] = _read_stdin()
            report_progress = None if progress is None else (lambda offset, base=done: progress(base + offset, total))
            with self._open(path) as stream:
                self._consume(read_records(stream, path, max_depth=self.settings.max_depth,
                                           mapping=self.settings.field_mapping), ctx, states, diagnostics,
                              summary, report_progress)
            done += _size(path)
            summaries.append(summary)
        diagnostics += self._finish(states)
        return self._report(diagnostics, summaries)

    def run_text(self, text: str | bytes, path: str, dataset_rules: bool = True) -> Report:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
        return self.run([path], jobs=1, texts={path: data}, dataset_rules=dataset_rules)

    def _consume(self, records: Iterator[Record], ctx: Context, states: dict, out: list[Diagnostic],
                 summary: FileSummary, progress: Callable[[int], None] | None = None) -> None:
        """Check a stream of records in chunks: each chunk's prefetch hooks run first."""
        prefetchers = self._prefetchers(ctx.path)
        while chunk := list(islice(records, CHUNK)):
            for rule in prefetchers:
                rule.prefetch(chunk, ctx)
            for record in chunk:
                self._one(record, ctx, states, out, summary)
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

    def _one(self, record: Record, ctx: Context, states: dict, out: list[Diagnostic], summary: FileSummary) -> None:
        levels = record_levels(record)
        summary.records += 1
        if "example" in levels:
            summary.formats[record.format] += 1
        elif record.blank:
            summary.blank += 1
        elif not record.parsed:
            summary.invalid += 1
        out.extend(self.check_record(record, ctx, levels))
        if states:  # empty when the run leaves dataset rules out
            for rule in self.active_rules(ctx.path, levels)[1]:
                rule.collect(states[rule.code], record, ctx)

    def _finish(self, states: dict) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        ctx = self.context("")
        by_path: dict[str, list[tuple[Rule, Finding]]] = {}
        for rule in self.pack.dataset_rules:
            if rule.code not in states:
                continue
            for finding in rule.finish(states[rule.code], ctx):
                key = finding.record.path if finding.record else ""
                by_path.setdefault(key, []).append((rule, finding))
        for path, items in by_path.items():
            items.sort(key=lambda rf: rf[1].record.offset if rf[1].record else -1)
            for rule, finding in items:
                record = self._reread(finding.record) if finding.record else None
                if finding.record is not None and record is None:
                    finding = Finding(finding.message, path=finding.record.path, related=finding.related)
                out.append(self.diagnostic(rule, finding, record))
        return out

    def _open(self, path: str):
        data = self._texts.get(path)
        return io.BytesIO(data) if data is not None else open_binary(path)

    def _reread(self, ref: RecordRef) -> Record | None:
        """Read one record again by its byte range (dataset findings, related links)."""
        data = self._texts.get(ref.path)
        try:
            if data is not None:
                chunk = data[ref.offset: ref.offset + ref.length]
            else:
                with open_binary(ref.path) as f:
                    if ref.path.endswith(".gz"):
                        f.read(ref.offset)
                    else:
                        f.seek(ref.offset)
                    chunk = f.read(ref.length)
        except OSError:
            return None
        from .reader import parse_text

        text = chunk.decode("utf-8", "replace")
        value, syntax = parse_text(text, max_depth=self.settings.max_depth)
        return Record(ref, text, value=value, syntax=syntax, mapping=self.settings.field_mapping)

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
            if sum(_size(f) for f in files) < PARALLEL_MIN_BYTES:
                return 1
            jobs = os.cpu_count() or 1
        return max(1, jobs)

    def _run_parallel(self, files: list[str], jobs: int, progress: Progress | None) -> Report:
        tasks: list[tuple[str, int, int | None, int, int]] = []
        for path in files:
            if is_json_array_path(path) or path.endswith(".gz"):
                tasks.append((path, 0, None, 1, 0))
            else:
                for start, end, line, index in iter_lines_offsets(path, jobs):
                    tasks.append((path, start, end, line, index))
        diagnostics: list[Diagnostic] = []
        summaries: dict[str, FileSummary] = {}
        states_per_task = []
        total = sum(_size(f) for f in files)
        done = 0
        for rule in self.pack.rules:
            rule.prepare(self.settings)  # workers fork after this and share what it loaded
        _WORKER_ENGINES[_engine_key(self.settings, self._custom_pack)] = self
        with ProcessPoolExecutor(max_workers=jobs, initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
            for task, (diags, states, summary) in zip(tasks, pool.map(_worker, [(self.settings, self._custom_pack, t) for t in tasks])):
                diagnostics += diags
                states_per_task.append(states)
                summaries.setdefault(summary.path, FileSummary(summary.path, summary.group)).add(summary)
                done += (task[2] or _size(task[0])) - task[1]
                if progress is not None:
                    progress(done, total)
        merged = {r.code: r.merge([s[r.code] for s in states_per_task]) for r in self.pack.dataset_rules}
        diagnostics += self._finish(merged)
        return self._report(diagnostics, [summaries[f] for f in files if f in summaries])


def _worker(args: tuple[Settings, RulePack | None, tuple[str, int, int | None, int, int]]):
    settings, pack, (path, start, end, line, index) = args
    engine = _worker_engine(settings, pack)
    ctx = engine.context(path)
    states = {r.code: r.initial(ctx) for r in engine.pack.dataset_rules}
    diagnostics: list[Diagnostic] = []
    summary = FileSummary(path, ctx.group)
    with open_binary(path) as stream:
        if start:
            stream.seek(start)
        engine._consume(read_records(stream, path, start_line=line, start_offset=start, end_offset=end,
                                     start_index=index, max_depth=settings.max_depth, mapping=settings.field_mapping),
                        ctx, states, diagnostics, summary)
    return diagnostics, states, summary


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
    rel = os.path.relpath(os.path.abspath(path), settings.root) if settings.root else path
    for pattern in settings.validation:
        if fnmatch.fnmatch(rel, pattern) or os.path.abspath(path) == os.path.abspath(pattern):
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


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _read_stdin() -> bytes:
    import sys

    return sys.stdin.buffer.read()
