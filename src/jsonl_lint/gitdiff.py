"""Changed-records mode (``--diff-base REV``): findings only on new or changed records.

The whole dataset is linted as usual, so dataset rules (duplicates, leakage,
consistency) still compare every record; only the report is narrowed. A record
counts as unchanged when the same bytes (line break included) existed in the
file at ``REV``; matching is by content, so moving records around or inserting
lines above them does not make them "new", and a second copy of an old record is
new. Old versions are read with one ``git cat-file --batch`` for all files.

It also measures the change: examples, tokens and estimated training cost added
(records added or changed minus records removed or changed).
"""

from __future__ import annotations

import gzip
import io
import os
import subprocess
from collections import Counter
from dataclasses import dataclass, field, replace

from .config import ConfigError
from .formatters.base import plural
from .reader import is_json_array_path, read_records


@dataclass
class FileChange:
    path: str
    new_file: bool  # not in REV (or untracked): every record is new
    changed: set[int] = field(default_factory=set)  # record indexes (new version) added or changed
    added: list[bytes] = field(default_factory=list)  # texts of those records (for the budget)
    removed: list[bytes] = field(default_factory=list)  # texts of old records that are gone


@dataclass
class ChangeSet:
    rev: str
    files: dict[str, FileChange]

    def keeps(self, d) -> bool:
        if d.record is not None:
            change = self.files.get(d.record.path)
            return change is None or change.new_file or d.record.index in change.changed
        change = self.files.get(d.filename)
        return change is None or change.new_file

    def filter(self, report):
        """The report with only the findings on new or changed records (file-level
        findings only for new files)."""
        return replace(report, diagnostics=[d for d in report.diagnostics if self.keeps(d)])

    def budget(self, settings) -> "Budget":
        return measure(self, settings)

    def budget_line(self, settings) -> str:
        return self.budget(settings).line(self.rev)


def changed_records(files: list[str], rev: str, cwd: str | None = None) -> ChangeSet:
    """Which records of ``files`` are new or changed since git revision ``rev``."""
    paths = [f for f in files if f != "-"]
    start = cwd or (os.path.dirname(os.path.abspath(paths[0])) if paths else os.getcwd())
    root = _git(["rev-parse", "--show-toplevel"], start).decode().strip()
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    except ConfigError:
        raise ConfigError(f"--diff-base: {rev!r} is not a commit in {root}") from None
    specs: list[str | None] = []
    for path in paths:
        rel = os.path.relpath(os.path.realpath(path), os.path.realpath(root))
        inside = rel != ".." and not rel.startswith(".." + os.sep)
        specs.append(f"{rev}:{rel.replace(os.sep, '/')}" if inside else None)  # outside the repository: new
    found = iter(_cat_files([s for s in specs if s], root) if any(specs) else [])
    old = [next(found) if s else None for s in specs]
    out: dict[str, FileChange] = {}
    for path, before in zip(paths, old):
        with open(path, "rb") as f:
            after = f.read()
        if path.endswith(".gz"):
            after = _gunzip(after)
            before = _gunzip(before) if before is not None else None
        out[path] = compare(path, before, after)
    return ChangeSet(rev, out)


def compare(path: str, before: bytes | None, after: bytes) -> FileChange:
    """Match the records of two versions of a file by content (a multiset)."""
    new = record_texts(after, path)
    if before is None:
        return FileChange(path, True, set(range(len(new))), [t for t in new if t.strip()])
    if before == after:
        return FileChange(path, False)
    old = Counter(record_texts(before, path))
    change = FileChange(path, False)
    for i, text in enumerate(new):
        if old[text] > 0:
            old[text] -= 1
        else:
            change.changed.add(i)
            if text.strip():
                change.added.append(text)
    change.removed = [t for t, n in old.items() if t.strip() for _ in range(n)]
    return change


def record_texts(data: bytes, path: str) -> list[bytes]:
    """The raw bytes of every record, indexed like the reader's ``RecordRef.index``
    (JSONL: each line with its line break)."""
    name = path[:-3] if path.endswith(".gz") else path
    if is_json_array_path(name) and data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()[:1] == b"[":
        return [r.text.encode("utf-8", "surrogatepass") for r in read_records(io.BytesIO(data), name)]
    return list(io.BytesIO(data))


def _gunzip(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError):
        return data


def _git(args: list[str], cwd: str, stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise ConfigError("--diff-base needs git on PATH") from None
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip()
        raise ConfigError(f"--diff-base: git {args[0]} failed: {msg or 'exit code ' + str(proc.returncode)}")
    return proc.stdout


def _cat_files(specs: list[str], cwd: str) -> list[bytes | None]:
    """Contents of ``rev:path`` objects (None when missing) from one git process."""
    data = _git(["cat-file", "--batch"], cwd, ("\n".join(specs) + "\n").encode())
    out: list[bytes | None] = []
    pos = 0
    for _ in specs:
        nl = data.index(b"\n", pos)
        header = data[pos:nl].split()
        pos = nl + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            out.append(data[pos:pos + size])
            pos += size + 1
        else:  # "<spec> missing" (new or untracked file) or not a blob
            out.append(None)
    return out


# -- the budget line ------------------------------------------------------------------

@dataclass
class Budget:
    examples: int  # net examples added (negative when the change removes more)
    tokens: int  # net training tokens per epoch
    cost: float | None  # net estimated training cost per epoch, in dollars
    price: float | None
    model: str
    approximate: bool
    price_source: str = ""

    def line(self, rev: str = "") -> str:
        verb = "adds" if self.examples >= 0 else "removes"
        n = abs(self.examples)
        approx = "~" if self.approximate else ""
        tokens = f"{'+' if self.tokens >= 0 else '-'}{approx}{abs(self.tokens):,} tokens"
        if self.cost is None:
            cost = f"training cost unknown ({self.price_source})"
        else:
            sign = "+" if self.cost >= 0 else "-"
            cost = f"{sign}${_money(abs(self.cost))} estimated training cost"
        where = f" since {rev}" if rev else ""
        price = f"; {self.model} at ${self.price:g}/1M training tokens, per epoch" if self.price is not None else ""
        return f"Budget{where}: this change {verb} {plural(n, 'example')}, {tokens}, {cost}{price}"


def _money(x: float) -> str:
    return f"{x:,.2f}" if x >= 0.01 or x == 0 else f"{x:.4f}"


def measure(changes: ChangeSet, settings) -> Budget:
    """Net examples, tokens and cost of the change, counting only the records that
    differ (records added or changed minus records removed or changed)."""
    from .tokens.counting import ExampleCounter
    from .tokens.encodings import load_counter
    from .tokens.models import model_info, price_for

    info = model_info(settings.model)
    counter = ExampleCounter(load_counter(info.encoding, settings.tokenizer))
    examples = tokens = 0
    for change in changes.files.values():
        for sign, texts in ((1, change.added), (-1, change.removed)):
            for text in texts:
                n = _tokens(counter, text)
                if n is not None:
                    examples += sign
                    tokens += sign * n
    price, source = price_for(settings.model, settings.prices)
    cost = tokens * price / 1_000_000 if price is not None else None
    return Budget(examples, tokens, cost, price, info.name, not counter.counter.exact, source)


def _tokens(counter, text: bytes) -> int | None:
    """Training tokens of one record, or None when it is not an example."""
    import orjson

    from .formats import normalize

    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    example = normalize(value) if isinstance(value, dict) else None
    if example is None:
        return None
    try:
        return counter.example(example, value).total
    except Exception:  # a malformed example is the rules' business, not the budget's
        return 0
