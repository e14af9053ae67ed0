"""Rule kinds: per-record rules and dataset-wide rules.

A rule is one small module: a class with metadata (code, name, summary,
default severity), typed ``Options``, documentation in its docstring with fixed
sections, and the check. Rules yield :class:`~jsonl_lint.diagnostics.Finding`
objects; the engine stamps code, severity and positions.

Per-record rules must be pure functions of (record text, options, settings) so
the language server can cache their results per line. Dataset rules keep
explicit, picklable state with ``initial`` / ``collect`` / ``merge`` /
``finish`` so a run can split across processes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Iterable, TypeVar

from pydantic import BaseModel, ConfigDict

from .diagnostics import Finding, Severity

if TYPE_CHECKING:
    from .config import Settings
    from .engine import FileSummary
    from .reader import Record

DOCS_URL = "https://github.com/jsonl-lint/jsonl-lint/blob/main/docs/rules/{code}.md"
DOC_SECTIONS = ("What it does", "Why it matters for fine-tuning", "Example", "Use instead", "Options")
CODE_PATTERN = re.compile(r"^[A-Z]{2,8}\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Options(BaseModel):
    """Typed rule options. Field names are snake_case in Python and kebab-case in TOML."""

    # The validator is built on first use: a run validates only the options its config sets
    # (see ``default_options``), and building every rule's costs start-up about 20 ms.
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=_kebab, populate_by_name=True,
                              defer_build=True)


def default_options(options: type[Options]) -> Options:
    """``options()``, without building its validator when validating would change nothing:
    pydantic validates no default unless told to, so only validators could."""
    hooks = options.__pydantic_decorators__
    if (hooks.validators or hooks.field_validators or hooks.root_validators or hooks.model_validators
            or options.model_config.get("validate_default")
            or any(f.validate_default for f in options.model_fields.values())):
        return options()
    return options.model_construct()


@dataclass(frozen=True)
class Context:
    """Read-only facts a check may use besides the record: settings and where it runs."""

    settings: "Settings"
    path: str = ""
    group: str = "train"  # dataset group of the file ("train", "validation", ...)
    cache: dict = field(default_factory=dict, compare=False)  # per-run memo for shared work
    # What calibrating dataset rules learned from the run's sample, by rule code.
    calibration: dict = field(default_factory=dict, compare=False)
    # The run's backend (``backends.Backend``) for work a dataset rule's finish spreads
    # over tasks; None in tasks themselves.
    backend: Any = field(default=None, compare=False)
    # True in a task of a split run: its dataset states leave the process, so texts a
    # rule would keep for its finish stay behind (the finish re-reads records by range).
    in_task: bool = False


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    fixable: ClassVar[str] = "never"  # "never" | "sometimes" | "always"
    default_enabled: ClassVar[bool] = True
    # Preview rules run only when preview is on (`--preview`, `preview = true`): their
    # precision on real datasets has not been shown yet (docs/precision.md).
    preview: ClassVar[bool] = False
    # What a record must be for the rule to look at it:
    # "raw" every line; "json" valid JSON; "object" a JSON object; "example" a known format.
    requires: ClassVar[str] = "example"
    Options: ClassVar[type[Options]] = Options
    # True for rules that find secrets (their findings set ``Finding.secret``): every output
    # masks what they find, even when they are not selected.
    finds_secrets: ClassVar[bool] = False
    # True for rules that judge records against the run's targets (``--target``): with no
    # target they find nothing, so the engine leaves them out instead of calling them.
    needs_target: ClassVar[bool] = False
    # Rule options used when the docs' Example / Use instead blocks are linted (tests),
    # e.g. a lower minimum dataset size so a short example can show a dataset rule.
    example_options: ClassVar[dict] = {}
    # Settings used with them (``[tool.jsonl-lint]`` keys), e.g. the target a JL9xx example is
    # for, and for the Use instead block when it differs (another target).
    example_settings: ClassVar[dict] = {}
    use_instead_settings: ClassVar[dict | None] = None

    def __init__(self, options: Options | None = None):
        self.options = options if options is not None else default_options(self.Options)

    def active(self) -> bool:
        """False when the options leave nothing to check (an optional maximum left unset):
        the engine then skips the rule instead of calling it for every record."""
        return True

    def prefetch(self, records: "list[Record]", ctx: Context) -> None:
        """Optional: work on a chunk of records done before any of them is checked, where
        doing it for many at once is cheaper (token counts: one tight tokenizer loop).
        Rules that share one hook function get one call per chunk between them."""

    def prepare(self, settings: "Settings") -> None:
        """Load shared read-only resources (a tokenizer, a lexicon) in the parent process
        before workers fork, so each worker does not load them again."""

    def before_fork(self, settings: "Settings") -> None:
        """Optional: load a large read-only resource that a run of the rule most likely
        needs but loads lazily (a language model, a dictionary), when workers are about to
        fork from this process: they share it instead of each loading its own copy. Not
        called when the run stays in one process, which loads it on first use, if ever."""

    @classmethod
    def url(cls) -> str:
        return DOCS_URL.format(code=cls.code)

    @classmethod
    def doc(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc_section(cls, title: str) -> str:
        """Body of one ``## title`` section of the docs."""
        text = cls.doc()
        m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
        return m.group(1).strip() if m else ""

    @classmethod
    def doc_examples(cls, title: str) -> list[str]:
        """Fenced code blocks of a docs section (the Example / Use instead data)."""
        return [b.strip("\n") for b in re.findall(r"```[a-z]*\n(.*?)```", cls.doc_section(title), re.S)]


class RecordRule(Rule):
    def check(self, record: "Record", ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError


S = TypeVar("S")


class DatasetRule(Rule, Generic[S]):
    """A rule whose findings depend on many records. ``finish`` runs once after every
    file of the run; findings must name their record (``Finding.record``) or file."""

    def initial(self, ctx: Context) -> S:
        raise NotImplementedError

    def collect(self, state: S, record: "Record", ctx: Context) -> None:
        raise NotImplementedError

    def collect_file(self, state: S, summary: "FileSummary", ctx: Context) -> None:
        """Optional: called after the records of each file (or of each part of a split
        file) with what the engine counted, so a rule also sees files without records."""

    def merge(self, states: list[S]) -> S:
        """Combine states collected by separate tasks (in input order). Merging must be
        associative: the run merges each task's state into the states before it. The
        states are the run's own (unpickled) copies: a merge may reuse the first one."""
        raise NotImplementedError

    # Calibration (optional): a statistic that steers ``collect`` (the near-duplicate
    # boilerplate filter) is learned from a sample of the whole run before any record is
    # collected, never from whichever records one task happens to see.
    def calibration_size(self) -> int:
        """Records of the run's sample this rule calibrates on (0: no calibration)."""
        return 0

    def calibrate(self, records: "list[Record]", ctx: Context) -> Any:
        """Counts over one piece of the sample (records the rule applies to)."""
        raise NotImplementedError

    def calibrated(self, pieces: list) -> Any:
        """The calibration every task receives as ``ctx.calibration[self.code]``, from
        the counts of all pieces of the sample (in sample order)."""
        raise NotImplementedError

    def finish(self, state: S, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def mergeable(cls) -> bool:
        return cls.merge is not DatasetRule.merge


class ShuffledRule(DatasetRule[S]):
    """A dataset rule whose per-record state is too large to merge on one machine
    (duplicates: every record's hashes). Each task's state is split into a small
    ``head`` the driver keeps and one piece per reduce task by key (content hash,
    LSH band key), so records that can match meet in the same reduce task, wherever
    they were read. A serial run is the same with one task and one partition."""

    def partition(self, state: S, parts: int, ctx: Context) -> tuple[Any, list]:
        """(head, pieces): what the driver keeps of one task's state, and ``parts``
        pieces by key. ``ctx.in_task`` is True in a task (the state then leaves it)."""
        raise NotImplementedError

    def reduce(self, pieces: list, ctx: Context) -> Any:
        """Runs in a reduce task: one partition's pieces from every task, in task order."""
        raise NotImplementedError

    def finish_shuffled(self, heads: list, reduced: list, ctx: Context) -> Iterable[Finding]:
        """Findings from the heads of every task and the result of every reduce task."""
        raise NotImplementedError

    def merge(self, states: list[S]) -> S:
        raise NotImplementedError("shuffled rules are partitioned, not merged")

    @classmethod
    def mergeable(cls) -> bool:
        return True

    def finish(self, state: S, ctx: Context) -> Iterable[Finding]:
        head, pieces = self.partition(state, 1, ctx)
        return self.finish_shuffled([head], [self.reduce(pieces, ctx)], ctx)


_RAW = frozenset({"raw"})
_JSON = frozenset({"raw", "json"})
_OBJECT = frozenset({"raw", "json", "object"})
_EXAMPLE = frozenset({"raw", "json", "object", "example"})
LEVELS = _EXAMPLE  # every level


def record_levels(record: "Record") -> frozenset[str]:
    """The ``requires`` levels a record satisfies (computed once per record)."""
    if not record.parsed:
        return _RAW
    if not isinstance(record.value, dict):
        return _JSON
    return _OBJECT if record.format is None else _EXAMPLE


def options_doc(options: type[Options]) -> str:
    """Markdown list of a rule's options with types and defaults."""
    lines = []
    for name, f in options.model_fields.items():
        default: Any = f.default if f.default_factory is None else f.default_factory()
        ann = getattr(f.annotation, "__name__", str(f.annotation)).replace("typing.", "")
        desc = f" {f.description}" if f.description else ""
        lines.append(f"- `{_kebab(name)}` ({ann}, default `{default!r}`):{desc}")
    return "\n".join(lines) or "This rule has no options."

