"""`jsonl-lint convert`: a dataset moved to a target's format, losing nothing silently.

Records stream through four steps: the normalized view of each record
(:mod:`jsonl_lint.formats`) is completed into a :class:`~.model.Conversation`
(:mod:`.read`); the target's profile decides the changes it needs (:mod:`.plan`), each
change that loses something being a finding (:mod:`.losses`); a shape module writes the
record (:mod:`.shapes`); and the target's own per-record JL9xx rules check the result,
so what is written passes ``check --target``. Every input record is either one output
record (the line map says which) or a finding at its input line.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

import orjson

from .. import formats as F
from ..config import Settings
from ..diagnostics import Diagnostic, Finding, RecordRef
from ..engine import Engine, Report
from ..reader import Record, open_binary, read_records
from .losses import BY_KIND, LOSSES, ConversionLoss
from .model import KTO, PREFERENCE, SFT, TEXT, Conversation
from .plan import Loss, Options, Plan
from .read import NotConvertible, read
from .shapes import TARGETS, Shape
from .shapes.alpaca import Alpaca
from .shapes.bedrock import BedrockConversation, BedrockPreference
from .shapes.gemini import VertexGemini
from .shapes.openai import OpenAIChat, OpenAIPreference, PromptCompletion, Text
from .shapes.sharegpt import LlamaFactoryKTO, LlamaFactoryRanking, ShareGPT
from .shapes.trl import AxolotlPreference, TRLKTO, TRLPreference

__all__ = ["Converter", "LOSSES", "convert_records", "convert_text"]

# The shape each input format is closest to: kept when the target takes it.
FAMILY = {F.OPENAI_CHAT: "openai-chat", F.ANTHROPIC_CHAT: "openai-chat", F.LLAMAFACTORY_V1: "openai-chat",
          F.SHAREGPT: "sharegpt", F.ALPACA: "alpaca", F.DOLLY: "alpaca", F.QUESTION_ANSWER: "alpaca",
          F.QUERY_RESPONSE: "alpaca", F.PROMPT_RESPONSE: "alpaca", F.PROMPT_COMPLETION: "prompt-completion",
          F.BEDROCK_CONVERSATION: "bedrock-conversation", F.BEDROCK_PREFERENCE: "bedrock-preference",
          F.VERTEX_GEMINI: "vertex-gemini", F.OPENAI_PREFERENCE: "openai-preference",
          F.PREFERENCE_PAIRS: "preference-pairs", F.KTO: "kto", F.TEXT: "text"}
# Otherwise the first shape of the kind the target takes.
ORDER = {SFT: ("openai-chat", "bedrock-conversation", "vertex-gemini", "sharegpt", "alpaca", "prompt-completion"),
         PREFERENCE: ("openai-preference", "bedrock-preference", "preference-pairs"),
         KTO: ("kto",), TEXT: ("text",)}
KIND_NAMES = {SFT: "SFT examples", PREFERENCE: "preference pairs", KTO: "KTO examples", TEXT: "plain text"}


# The writer of each format; the formats with several spellings pick theirs by target.
WRITERS = {"openai-chat": OpenAIChat, "openai-preference": OpenAIPreference, "text": Text,
           "bedrock-conversation": BedrockConversation, "bedrock-preference": BedrockPreference,
           "vertex-gemini": VertexGemini, "sharegpt": ShareGPT, "alpaca": Alpaca}
VARIANTS = {"preference-pairs": {"axolotl": AxolotlPreference, "llama-factory": LlamaFactoryRanking, "": TRLPreference},
            "kto": {"llama-factory": LlamaFactoryKTO, "": TRLKTO}}


def shape_writer(target: str, fmt: str, conv: Conversation) -> Shape | None:
    """The writer of format ``fmt`` for ``target``."""
    settings = TARGETS.get(target, {})
    if fmt == "prompt-completion":  # strings, or TRL's message lists for a conversational input
        return PromptCompletion(conversational=not conv.strings and bool(settings.get("lists")))
    if fmt in VARIANTS:
        return VARIANTS[fmt][settings.get(fmt, "")]()
    cls = WRITERS.get(fmt)
    return cls() if cls is not None else None


@dataclass
class Converted:
    """One input record's outcome: the output record (None when it was left out) and
    the findings about it."""

    output: dict | None
    findings: list[tuple[type[ConversionLoss], Finding]] = field(default_factory=list)


class Converter:
    """Converts records for one target. A file holds one shape: the first record that
    converts fixes it, and later records that cannot be written in it are reported."""

    def __init__(self, rt, settings: Settings, options: Options | None = None, force_format: str | None = None):
        self.rt = rt
        self.settings = settings
        self.plan = Plan(rt, options)
        self.force_format = force_format
        self.shape: Shape | None = None
        self.shape_from: str = ""  # where the record that fixed the shape is ("path:line")
        self.counts: Counter = Counter()  # output records by kind
        self.check = _TargetCheck(rt, settings)

    def convert(self, record: Record) -> Converted:
        problem = _unreadable(record, self.force_format is not None)
        if problem is not None:
            return self._lost(NotConvertible("unreadable", problem))
        try:
            example = F.normalize(record.value, self.force_format) if self.force_format else record.example
            if example is None:
                raise NotConvertible("unreadable", f"the record is not in the --from format {self.force_format}")
            conv, losses, shape = self._fit(record, example)
            output = shape.write(conv, self.plan)
        except NotConvertible as exc:
            return self._lost(exc)
        rejected = self.check.problem(output, record)
        if rejected is not None:
            return self._lost(NotConvertible("rejected", rejected))
        if self.shape is None:
            self.shape, self.shape_from = shape, f"{record.path}:{record.line}"
        self.counts[conv.kind] += 1
        return Converted(output, [(BY_KIND[loss.kind], Finding(loss.message, pointer=loss.pointer))
                                  for loss in losses])

    def _fit(self, record: Record, example: F.Example) -> tuple[Conversation, list[Loss], Shape]:
        """The conversation fitted to the target and the shape that writes it: the
        file's shape once fixed, else the first candidate it fits."""
        conv = read(record.value, example, record.mapping)
        candidates = [self.shape] if self.shape is not None else self._candidates(conv)
        if self.shape is not None and conv.kind not in self.shape.kinds:
            raise NotConvertible("example", f"this output holds {KIND_NAMES[self.shape.kinds[0]]} (from "
                                            f"{self.shape_from}); a file holds one kind, and this record is "
                                            f"{KIND_NAMES[conv.kind]}")
        if not candidates:
            raise NotConvertible("example", f"{self.rt.name} takes no {KIND_NAMES[conv.kind]} (it takes "
                                            f"{', '.join(self.rt.profile.shapes.accepted) or 'its own shape'})")
        first_error: NotConvertible | None = None
        for i, shape in enumerate(candidates):
            if i:
                conv = read(record.value, example, record.mapping)
            try:
                losses = self.plan.apply(conv, shape)
                why = shape.problem(conv, self.plan)
                if why is None:
                    return conv, losses, shape
                raise NotConvertible("example", f"{self.rt.name} ({shape.name} records) cannot hold it: {why}"
                                     + (f" (the output's shape since {self.shape_from})" if self.shape else ""))
            except NotConvertible as exc:
                first_error = first_error or exc
        raise first_error

    def _candidates(self, conv: Conversation) -> list[Shape]:
        settings = TARGETS.get(self.rt.name, {})
        accepted = self.rt.profile.shapes.accepted
        by_model = settings.get("shape-by-model")
        names: list[str] = [FAMILY.get(conv.format, "")] + list(ORDER[conv.kind])
        if by_model and self.rt.model is not None:
            names = [next((shape for key, shape in by_model.items() if key in self.rt.model.name), names[0])]
        out: list[Shape] = []
        for name in dict.fromkeys(names):
            if name not in accepted or name in settings.get("avoid", ()):
                continue
            shape = shape_writer(self.rt.name, name, conv)
            if shape is not None and conv.kind in shape.kinds:
                out.append(shape)
        return out

    @staticmethod
    def _lost(exc: NotConvertible) -> Converted:
        return Converted(None, [(BY_KIND[exc.kind], Finding(exc.message, pointer=exc.pointer))])


def _unreadable(record: Record, forced: bool) -> str | None:
    if record.encoding_error is not None:
        return "not valid UTF-8"
    if record.syntax is not None:
        return f"not valid JSON: {record.syntax.message}"
    if not isinstance(record.value, dict):
        return f"a JSON {type(record.value).__name__}, not an object"
    if record.format is None and not forced:
        return f"in no format jsonl-lint knows (keys: {', '.join(list(record.value)[:6]) or 'none'})"
    return None


class _TargetCheck:
    """The target's per-record JL9xx rules run on each converted record: an error there
    means the target would reject it, so it is not written."""

    def __init__(self, rt, settings: Settings):
        from ..registry import builtin_rules
        from ..rule import RecordRule

        # Token counts can only stop a record where the target rejects over-long examples;
        # elsewhere the limit is `check`'s warning, and counting every record would cost more
        # than the conversion itself.
        skip = set() if rt.profile.tokens.on_violation == "reject" else {"target-token-limit"}
        codes = [r.code for r in builtin_rules()
                 if r.code.startswith("JL9") and issubclass(r, RecordRule) and r.name not in skip]
        self.engine = Engine(settings.updated(target=(rt.name,), select=tuple(codes), extend_select=(),
                                              ignore=(), extend_ignore=(), per_file_ignores={}))
        self.ctx = self.engine.context("")

    def problem(self, output: dict, source: Record) -> str | None:
        text = orjson.dumps(output).decode()
        ref = RecordRef(source.path, 0, 1, 1, 0, len(text.encode()))
        record = Record(ref, text, value=output)
        for d in self.engine.check_record(record, self.ctx):
            if d.severity.value == "error":
                return f"the converted record would still fail: {d.message} (at {d.pointer or 'the record'})"
        return None


@dataclass
class ConvertReport:
    """A whole run: the findings (as ``check`` reports them), and what was written."""

    report: Report
    records: int = 0  # input records (blank lines aside)
    written: int = 0
    validation: int = 0  # of ``written``, records in the validation file
    outputs: list[str] = field(default_factory=list)
    by_kind: Counter = field(default_factory=Counter)  # output records by kind
    losses: Counter = field(default_factory=Counter)  # findings by code

    @property
    def left_out(self) -> int:
        return self.records - self.written


def convert_records(converter: Converter, paths: list[str], settings: Settings
                    ) -> Iterator[tuple[Record, Converted]]:
    """Each non-blank input record with its outcome, streamed."""
    for path in paths:
        with open_binary(path) as stream:
            for record in read_records(stream, path, max_depth=settings.max_depth, mapping=settings.field_mapping):
                if record.blank:
                    continue
                yield record, converter.convert(record)


@dataclass
class TextResult:
    """:func:`convert_text`'s answer: each input record's output (None: left out) and the
    findings, as diagnostics with positions."""

    outputs: list[dict | None]
    diagnostics: list[Diagnostic]


def convert_text(text: str | bytes, target: str, settings: Settings | None = None, path: str = "input.jsonl",
                 options: Options | None = None, force_format: str | None = None) -> TextResult:
    """Convert an in-memory dataset (tests, the language server)."""
    import io

    from ..config import load_settings
    from ..targets import resolve_target

    settings = settings or load_settings(isolated=True)
    converter = Converter(resolve_target(target, settings), settings, options, force_format)
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    outputs, diagnostics = [], []
    for record in read_records(io.BytesIO(data), path, max_depth=settings.max_depth, mapping=settings.field_mapping):
        if record.blank:
            continue
        converted = converter.convert(record)
        outputs.append(converted.output)
        diagnostics += [converter.check.engine.diagnostic(kind, f, record) for kind, f in converted.findings]
    return TextResult(outputs, diagnostics)


def in_validation(line: bytes, fraction: float, seed: int) -> bool:
    """Whether an output record goes to the validation file: a hash of its bytes and the
    seed, so the split is the same on every run and for every order of the input."""
    digest = hashlib.blake2b(line, digest_size=8, key=str(seed).encode()).digest()
    return int.from_bytes(digest, "big") / 2 ** 64 < fraction


def same_path(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)
