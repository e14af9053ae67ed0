"""Compile validated rule definitions into ordinary rule classes.

Each kind is a :class:`RecordRule` or :class:`DatasetRule` subclass; a rule file
becomes a subclass of its kind with the definition and compiled regexes as class
data, so the registry, selection, severities, baseline, formatters and the
language server treat it like any built-in rule.

User regexes run through :func:`_search` with the ``regex`` module's ``timeout``:
a catastrophic pattern costs at most ``timeout`` seconds per text, is reported as
a finding, and after :data:`MAX_TIMEOUTS` timeouts the rule stops running for
the rest of the process (one more finding says so), so CI cannot hang.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar, Iterable, Iterator, NamedTuple

import orjson

from ..diagnostics import Applicability, Edit, Finding, Fix, Related, Severity
from ..formats import answer_turns
from ..positions import join_pointer, resolve_pointer
from ..rule import Context, DatasetRule, RecordRule, Rule
from . import schema
from .schema import Definition, compile_alternation, compile_regex, required_literals

MAX_TIMEOUTS = 5
_MARK = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}|%s")


class RegexTimeout(Exception):
    pass


# -- where a rule looks: scopes ---------------------------------------------------------

class Piece(NamedTuple):
    """One text a rule reads (a turn or a string field) and how to point into it (a tuple:
    one is built for every answer of every record, so what only a finding reads, where
    the piece is and how to point into it, is derived from its turn when asked)."""

    text: str
    source: Any  # the turn, or the pointer (a str) of a string field
    prompt: str = ""  # for an answer: the user turn it answers

    @property
    def where(self) -> str:
        """E.g. "assistant turn /messages/2"."""
        s = self.source
        return f"field {s}" if isinstance(s, str) else f"{s.role or 'unknown-role'} turn {s.pointer}"

    @property
    def pointer(self) -> str:
        """The whole piece (for findings about the piece as a whole)."""
        s = self.source
        return s if isinstance(s, str) else s.text_pointer

    def locate(self, start: int, end: int) -> tuple[str, tuple[int, int] | None]:
        s = self.source
        return (s, (start, end)) if isinstance(s, str) else s.locate(start, end)


_new_piece = tuple.__new__  # Piece's own __new__ is a Python function: twice the cost
_ROLES = {"system": ("system", "developer"), "user": ("user",), "tool": ("tool",)}


def _field_pointer(scope: str) -> str:
    name = scope[len("field:"):]
    return name if name.startswith("/") else join_pointer(*name.split("."))


def _prompts(example, answers) -> list[str]:
    """The user turn each answer replies to (the last one before it; for the rejected side
    of a pair, in the rejected turns or else in the prompt the sides share)."""
    out = []
    for answer in answers:
        rejected = answer.branch == "rejected" and answer in example.rejected
        prompt = None
        for t in example.rejected if rejected else example.turns:
            if t is answer:
                break
            if t.role == "user":
                prompt = t.text
        if prompt is None and rejected:
            for t in example.turns:
                if t.role == "user" and t.branch != "chosen":
                    prompt = t.text
        out.append(prompt or "")
    return out


def pieces(record, scopes: tuple[str, ...]) -> tuple[Piece, ...]:
    """Texts of ``record`` in ``scopes`` (each at most once, in scope order). The
    ``assistant`` and ``rejected`` scopes read the answers a fine-tune learns
    (:func:`~jsonl_lint.formats.answer_turns`): not the context preference pairs share,
    not bare tool calls. Found once per record and scopes: rules of a pack share them."""
    key = ("declarative pieces", scopes)
    found = record.extra.get(key)
    if found is None:
        found = record.extra[key] = tuple(_find_pieces(record, scopes))
    return found


def _find_pieces(record, scopes: tuple[str, ...]) -> Iterator[Piece]:
    seen: set[str] = set()
    example = record.example
    for scope in scopes:
        if scope.startswith("field:"):
            pointer = _field_pointer(scope)
            found, value = resolve_pointer(record.value, pointer)
            items = [(pointer, value)] if isinstance(value, str) else \
                [(f"{pointer}/{i}", v) for i, v in enumerate(value) if isinstance(v, str)] \
                if found and isinstance(value, list) else []
            for p, text in items:
                if p not in seen:
                    seen.add(p)
                    yield _new_piece(Piece, (text, p, ""))
            continue
        if example is None:
            continue
        prompts: list[str] | None = None
        if scope == "any-turn":
            turns = example.all_turns
        elif scope in ("assistant", "rejected"):
            turns = answer_turns(example, rejected=scope == "rejected")
            if scope == "rejected":
                turns = [t for t in turns if t.branch == "rejected"]
            prompts = _prompts(example, turns)
        else:
            turns = [t for t in example.all_turns if t.role in _ROLES[scope]]
        if len(turns) == 1 and len(scopes) == 1:  # the usual single answer: nothing to deduplicate
            yield _new_piece(Piece, (turns[0].text, turns[0], prompts[0] if prompts else ""))
            continue
        for i, t in enumerate(turns):
            key = t.pointer + "#" + t.branch
            if key not in seen:
                seen.add(key)
                yield _new_piece(Piece, (t.text, t, prompts[i] if prompts else ""))


def requires_for(scopes: tuple[str, ...]) -> str:
    return "object" if any(s.startswith("field:") for s in scopes) else "example"


# Casefolded texts: the rules of a pack test their literals on the same pieces, one rule
# after the other over a chunk of records, so each text is folded once for all of them.
_FOLDED: dict[str, str] = {}
_FOLDED_MAX = 4096  # a few chunks' pieces


def _may_match(literals: tuple[tuple[str, bool], ...], text: str) -> bool:
    folded = None
    for lit, fold in literals:
        if fold:
            if folded is None:
                folded = _FOLDED.get(text)
                if folded is None:
                    if len(_FOLDED) >= _FOLDED_MAX:
                        _FOLDED.clear()
                    folded = _FOLDED[text] = text.casefold()
            if lit in folded:
                return True
        elif lit in text:
            return True
    return False


def _literals(tokens, ignorecase: bool):
    found = []
    for t in tokens:
        lits = required_literals(t, ignorecase)
        if lits is None:
            return None
        found += [(lit.casefold(), True) if fold else (lit, False) for lit, fold in lits]
    # A literal that contains another of the same kind adds nothing to "one of them is in
    # the text" (the shorter is there whenever the longer is): each one left is one scan less.
    return tuple(x for i, x in enumerate(found)
                 if not any(y[1] == x[1] and y[0] in x[0] and (y[0] != x[0] or j < i) for j, y in enumerate(found)
                            if j != i))


# -- message templates ------------------------------------------------------------------

def render(template: str, positional: tuple = (), **values: Any) -> str:
    """Fill ``%s`` (in order) and ``{name}`` placeholders; ``{{``/``}}`` are literal braces."""
    args = iter(positional)

    def sub(m: re.Match) -> str:
        token = m.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        if token == "%s":
            return str(next(args, ""))
        return str(values.get(m.group(1), token))

    return _MARK.sub(sub, template)


def quote(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- base classes -------------------------------------------------------------------------

class DeclarativeRule(Rule):
    """Class data shared by every compiled YAML rule."""

    definition: ClassVar[Definition]
    source: ClassVar[str] = ""  # the rule file
    style: ClassVar[str] = ""
    scopes: ClassVar[tuple[str, ...]] = ()
    declarative: ClassVar[bool] = True
    # id(compiled pattern) -> literals one of which every match contains (a cheap
    # substring test before the regex runs); absent when no such literals exist.
    literals: ClassVar[dict] = {}
    unless_prompt: ClassVar[Any] = None  # compiled ``unless-prompt`` regexes, or None
    # The literals of ``pattern`` for kinds that report nothing without a match (existence,
    # substitution, ratio): a record none of whose pieces holds one is passed by in one
    # test per piece, without the per-piece search machinery. None: no such shortcut.
    gate: ClassVar[tuple | None] = None

    def __init__(self, options=None):
        super().__init__(options)
        self._timeouts = 0

    def _pieces(self, record) -> Iterator[Piece]:
        """The texts in scope, without answers to a prompt that ``unless-prompt`` excuses."""
        for piece in pieces(record, self.scopes):
            if not self._excused(piece):
                yield piece

    def _excused(self, piece: Piece) -> bool:
        """Whether ``unless-prompt`` excuses this answer (its prompt matches)."""
        if self.unless_prompt is None or not piece.prompt:
            return False
        try:
            return bool(self._search(self.unless_prompt, piece.prompt, first=True))
        except RegexTimeout:
            return False  # the exception could not be checked: read the answer

    @classmethod
    def url(cls) -> str:
        return cls.definition.link or (Path(cls.source).resolve().as_uri() if cls.source else "")

    @classmethod
    def doc(cls) -> str:
        return describe(cls)

    def where_suffix(self, template: str, where: str) -> str:
        return "" if "{where}" in template else f" (in {where})"

    def _search(self, pattern, text: str, first: bool = False) -> list:
        """All (or the first) matches, with the rule's time limit. Raises RegexTimeout."""
        if self._timeouts > MAX_TIMEOUTS:
            raise RegexTimeout
        literals = self.literals.get(id(pattern), None)
        if literals is not None and not _may_match(literals, text):
            return []
        try:
            if first:
                m = pattern.search(text, timeout=self.definition.timeout)
                return [m] if m else []
            return list(pattern.finditer(text, timeout=self.definition.timeout))
        except TimeoutError:
            self._timeouts += 1
            raise RegexTimeout from None

    def timeout_message(self, where: str) -> str | None:
        """What to report for the latest timeout (None once the rule has gone quiet)."""
        t = self.definition.timeout
        if self._timeouts <= MAX_TIMEOUTS:
            return (f"rule {self.name} ({Path(self.source).name}): a regex ran longer than {t:g} s on the "
                    f"{where} and was stopped; the text was not checked (the pattern may backtrack "
                    f"catastrophically, e.g. nested quantifiers such as (a+)+)")
        if self._timeouts == MAX_TIMEOUTS + 1:
            self._timeouts += 1
            return (f"rule {self.name} ({Path(self.source).name}) is disabled for the rest of this run after "
                    f"{MAX_TIMEOUTS} regex timeouts of {t:g} s; fix its pattern")
        return None

    def _gated_out(self, record) -> bool:
        """True when no piece of the record holds a literal of the gate, so _search would find
        nothing (a rule disabled by timeouts goes the long way)."""
        gate = self.gate
        if gate is None or self._timeouts > MAX_TIMEOUTS:
            return False
        for piece in pieces(record, self.scopes):  # a loop: cheaper than any() over a generator here
            if _may_match(gate, piece.text):
                return False
        return True


class DeclarativeRecordRule(DeclarativeRule, RecordRule):
    def check(self, record, ctx: Context) -> Iterable[Finding]:
        if self._gated_out(record):
            return ()
        return self._check(record, ctx)

    def _check(self, record, ctx: Context) -> Iterator[Finding]:
        limit = self.definition.limit
        count = 0
        # The prompt is read only for an answer with something to report: most have nothing.
        for piece in pieces(record, self.scopes):
            try:
                found = list(self.check_piece(piece, record, ctx))
            except RegexTimeout:
                if self._excused(piece):
                    continue
                msg = self.timeout_message(piece.where)
                found = [Finding(msg, piece.pointer)] if msg else []
                if not msg:
                    return
            if found and self._excused(piece):
                continue
            for f in found:
                yield f
                count += 1
                if limit is not None and count >= limit:
                    return

    def check_piece(self, piece: Piece, record, ctx: Context) -> Iterable[Finding]:
        raise NotImplementedError


class ExistenceRule(DeclarativeRecordRule):
    pattern: ClassVar[Any]

    def check_piece(self, piece, record, ctx):
        d = self.definition
        for m in self._search(self.pattern, piece.text):
            pointer, span = piece.locate(m.start(), m.end())
            text = quote(m.group(0))
            yield Finding(render(d.message, (text,), match=text, where=piece.where)
                          + self.where_suffix(d.message, piece.where), pointer, span)


class SubstitutionRule(DeclarativeRecordRule):
    pattern: ClassVar[Any]
    replacements: ClassVar[tuple[str, ...]]

    def check_piece(self, piece, record, ctx):
        d = self.definition
        for m in self._search(self.pattern, piece.text):
            index = next(i for i, _ in enumerate(self.replacements) if m.group(f"s{i}") is not None)
            found, repl = m.group(0), self.replacements[index]
            if d.ignorecase and found[:1].isupper() and repl[:1].islower():
                repl = repl[0].upper() + repl[1:]
            if found == repl:
                continue
            pointer, span = piece.locate(m.start(), m.end())
            msg = render(d.message, (repl, quote(found)), match=quote(found), replacement=repl, where=piece.where)
            fix = _replace_fix(record, pointer, span, found, repl, d.action) if d.action else None
            yield Finding(msg + self.where_suffix(d.message, piece.where), pointer, span, fix=fix)


def _replace_fix(record, pointer: str, span, found: str, repl: str, action: str) -> Fix | None:
    if span is None:
        return None
    sm = record.source_map
    node = sm.nodes.get(pointer)
    if node is None or record.text[node.value_start:node.value_start + 1] != '"':
        return None
    start, end = sm.string_span(node, span)
    escaped = orjson.dumps(repl).decode()[1:-1]
    applicability = Applicability.SAFE if action == "replace" else Applicability.UNSAFE
    return Fix(f"Replace '{quote(found, 40)}' with '{quote(repl, 40)}'", (Edit(start, end, escaped),), applicability)


class OccurrenceRule(DeclarativeRecordRule):
    pattern: ClassVar[Any]

    def check_piece(self, piece, record, ctx):
        d = self.definition
        matches = self._search(self.pattern, piece.text)
        n = len(matches)
        if d.max is not None and n > d.max:
            m = matches[d.max]
            pointer, span = piece.locate(m.start(), m.end())
            msg = render(d.message, (n,), count=n, min=d.min, max=d.max, where=piece.where)
            yield Finding(msg + self.where_suffix(d.message, piece.where), pointer, span)
        elif d.min is not None and n < d.min:
            msg = render(d.message, (n,), count=n, min=d.min, max=d.max, where=piece.where)
            yield Finding(msg + self.where_suffix(d.message, piece.where), piece.pointer)


_WORD = re.compile(r"\S+")


class LengthRule(DeclarativeRecordRule):
    def check_piece(self, piece, record, ctx):
        d = self.definition
        estimated = False
        if d.unit == "chars":
            n = len(piece.text)
        elif d.unit == "words":
            n = sum(1 for _ in _WORD.finditer(piece.text))
        else:
            from .. import tokens

            target = tokens.target(ctx.settings)
            n = target.counter.count(piece.text)
            estimated = not target.exact
        if (d.max is not None and n > d.max) or (d.min is not None and n < d.min):
            unit = d.unit + (" (estimated)" if estimated else "")
            msg = render(d.message, (n,), count=n, min=d.min, max=d.max, unit=unit, where=piece.where)
            yield Finding(msg + self.where_suffix(d.message, piece.where), piece.pointer)


class PatternRule(DeclarativeRecordRule):
    pattern: ClassVar[Any]

    def check_piece(self, piece, record, ctx):
        d = self.definition
        if not self._search(self.pattern, piece.text, first=True):
            msg = render(d.message, (d.pattern,), pattern=d.pattern, where=piece.where)
            yield Finding(msg + self.where_suffix(d.message, piece.where), piece.pointer)


class RequiredRule(DeclarativeRule, RecordRule):
    """Every record must have a non-empty text (after trimming) in each scope."""

    def check(self, record, ctx):
        d = self.definition
        for scope in self.scopes:
            if not any(p.text.strip() for p in pieces(record, (scope,))):
                yield Finding(render(d.message, (scope,), scope=scope) + f" (no non-empty {scope} text)", "")


# -- dataset-wide kinds ---------------------------------------------------------------------

Sample = tuple  # (RecordRef, pointer, span, matched text)


class DeclarativeDatasetRule(DeclarativeRule, DatasetRule):
    def _timed_out(self, state: dict, record) -> None:
        state["timeouts"] += 1
        if state["timeout_ref"] is None:
            state["timeout_ref"] = record.ref

    def _timeout_findings(self, state: dict) -> Iterator[Finding]:
        if state["timeouts"]:
            t = self.definition.timeout
            yield Finding(f"rule {self.name} ({Path(self.source).name}): a regex ran longer than {t:g} s on "
                          f"{state['timeouts']} record(s), which were not counted (the pattern may backtrack "
                          "catastrophically, e.g. nested quantifiers such as (a+)+)", record=state["timeout_ref"])


class ConsistencyRule(DeclarativeDatasetRule):
    """Counts records using each variant of every ``either`` pair; flags the minority."""

    pairs: ClassVar[tuple[tuple[Any, Any], ...]]

    def cap(self) -> int:
        return self.definition.limit or 50

    def initial(self, ctx):
        return {"pairs": [[0, 0, [], []] for _ in self.pairs], "timeouts": 0, "timeout_ref": None}

    def collect(self, state, record, ctx):
        texts = list(self._pieces(record))
        for slot, (pa, pb) in zip(state["pairs"], self.pairs):
            for side, pattern in ((0, pa), (1, pb)):
                try:
                    hit = next(((p, m) for p in texts for m in self._search(pattern, p.text, first=True)), None)
                except RegexTimeout:
                    self._timed_out(state, record)
                    return
                if hit is None:
                    continue
                slot[side] += 1
                if len(slot[2 + side]) < self.cap():
                    piece, m = hit
                    pointer, span = piece.locate(m.start(), m.end())
                    slot[2 + side].append((record.ref, pointer, span, quote(m.group(0), 40), piece.where))

    def merge(self, states):
        out = self.initial(None)
        for s in states:
            for slot, other in zip(out["pairs"], s["pairs"]):
                slot[0] += other[0]
                slot[1] += other[1]
                slot[2] = (slot[2] + other[2])[: self.cap()]
                slot[3] = (slot[3] + other[3])[: self.cap()]
            out["timeouts"] += s["timeouts"]
            out["timeout_ref"] = out["timeout_ref"] or s["timeout_ref"]
        return out

    def finish(self, state, ctx):
        d = self.definition
        emitted = 0
        for na, nb, sa, sb in state["pairs"]:
            if not na or not nb:
                continue
            # The minority is flagged; on a tie, the right-hand variant of the pair.
            minority, majority, n_min, n_maj = (sa, sb, na, nb) if na < nb else (sb, sa, nb, na)
            first = majority[0]
            for ref, pointer, span, text, where in minority:
                if d.limit is not None and emitted >= d.limit:
                    break
                msg = render(d.message, (text, first[3]), match=text, majority=first[3], count=n_min,
                             majority_count=n_maj, where=where)
                msg += self.where_suffix(d.message, where)
                msg += f"; {n_min} record(s) use this form, {n_maj} use '{first[3]}'"
                related = (Related(first[0], f"'{first[3]}' is used here", first[1]),)
                yield Finding(msg, pointer, span, related=related, record=ref)
                emitted += 1
        yield from self._timeout_findings(state)


class RatioRule(DeclarativeDatasetRule):
    """The share of records with a match in scope must fall within [min, max]."""

    pattern: ClassVar[Any]

    def initial(self, ctx):
        return {"total": 0, "matched": 0, "refs": [], "path": None, "timeouts": 0, "timeout_ref": None,
                "matches": Counter()}

    def collect(self, state, record, ctx):
        if state["path"] is None:
            state["path"] = record.ref.path
        if self._gated_out(record):
            state["total"] += 1
            return
        try:
            hit = next((m for p in self._pieces(record) for m in self._search(self.pattern, p.text, first=True)), None)
        except RegexTimeout:
            self._timed_out(state, record)
            return
        state["total"] += 1
        if hit is not None:
            state["matched"] += 1
            state["matches"][quote(hit.group(0).strip(), 80).casefold()] += 1
            if len(state["refs"]) < 3:
                state["refs"].append(record.ref)

    def merge(self, states):
        out = self.initial(None)
        for s in states:
            out["total"] += s["total"]
            out["matched"] += s["matched"]
            out["matches"].update(s["matches"])
            out["refs"] = (out["refs"] + s["refs"])[:3]
            out["path"] = out["path"] or s["path"]
            out["timeouts"] += s["timeouts"]
            out["timeout_ref"] = out["timeout_ref"] or s["timeout_ref"]
        return out

    def finish(self, state, ctx):
        d = self.definition
        total, matched = state["total"], state["matched"]
        if total >= d.min_records:
            share = matched / total
            if (d.max is not None and share > d.max) or (d.min is not None and share < d.min):
                pct = f"{share:.1%}"
                bounds = f"[{_pct(d.min, '0%')}, {_pct(d.max, '100%')}]"
                # the most frequent matched text (ties: the alphabetically first, whatever the split)
                top = min(state["matches"].items(), key=lambda kv: (-kv[1], kv[0]))[0] if state["matches"] else ""
                msg = render(d.message, (pct,), share=pct, count=matched, total=total, min=_pct(d.min, "0%"),
                             max=_pct(d.max, "100%"), match=top)
                msg += f" ({matched} of {total} records, {pct}; expected {bounds})"
                related = tuple(Related(r, "a matching record") for r in state["refs"])
                yield Finding(msg, path=state["path"], related=related)
        yield from self._timeout_findings(state)


def _pct(v: float | None, default: str) -> str:
    return default if v is None else f"{v:.0%}" if v * 100 == int(v * 100) else f"{v:.1%}"


# -- compile ------------------------------------------------------------------------------------

BASES: dict[str, type] = {
    "existence": ExistenceRule, "substitution": SubstitutionRule, "occurrence": OccurrenceRule,
    "length": LengthRule, "pattern": PatternRule, "required": RequiredRule,
    "consistency": ConsistencyRule, "ratio": RatioRule,
}


def build(definition: Definition, style: str, rule: str, source: Path) -> type[Rule]:
    """The rule class of one validated definition."""
    d = definition
    name = f"{style}.{rule}"
    attrs: dict[str, Any] = {
        "definition": d, "source": str(source), "style": style, "scopes": d.scopes,
        "code": d.code or name, "name": name, "summary": summary_of(d, name),
        "severity": Severity.parse(d.severity), "default_enabled": True, "preview": d.preview,
        "requires": requires_for(d.scopes), "__module__": f"rules:{source}",
        "fixable": "sometimes" if getattr(d, "action", None) else "never",
        "__doc__": None,
    }
    ic, nw = d.ignorecase, getattr(d, "nonword", True)
    if d.extends == "existence":
        attrs["pattern"] = compile_alternation(d.tokens, ic, nw)
    elif d.extends == "substitution":
        keys = list(d.swap)
        attrs["pattern"] = compile_alternation(keys, ic, nw, named=True)
        attrs["replacements"] = tuple(d.swap[k] for k in keys)
    elif d.extends in ("occurrence", "ratio"):
        attrs["pattern"] = compile_regex(d.token, ic, nw)
    elif d.extends == "pattern":
        attrs["pattern"] = compile_regex(d.pattern, ic, True)
    elif d.extends == "consistency":
        attrs["pairs"] = tuple((compile_regex(a, ic, nw), compile_regex(b, ic, nw)) for a, b in d.either.items())
    if d.extends == "length" and d.unit == "tokens":
        try:
            from .. import tokens  # noqa: F401
        except ImportError:  # pragma: no cover - tokens ship with the package
            raise schema.ConfigError(f"{source}: unit 'tokens' needs jsonl_lint.tokens (use chars or words)") from None
    literals: dict = {}
    if d.extends in ("existence", "substitution"):
        tokens = d.tokens if d.extends == "existence" else list(d.swap)
        literals[id(attrs["pattern"])] = _literals(tokens, ic)
    elif d.extends in ("occurrence", "ratio"):
        literals[id(attrs["pattern"])] = _literals([d.token], ic)
    elif d.extends == "consistency":
        for (pa, pb), (a, b) in zip(attrs["pairs"], d.either.items()):
            literals[id(pa)], literals[id(pb)] = _literals([a], ic), _literals([b], ic)
    if d.unless_prompt:
        attrs["unless_prompt"] = compile_alternation(d.unless_prompt, ic, True)
        literals[id(attrs["unless_prompt"])] = _literals(d.unless_prompt, ic)
    attrs["literals"] = {k: v for k, v in literals.items() if v is not None}
    if d.extends in ("existence", "substitution", "ratio"):
        attrs["gate"] = attrs["literals"].get(id(attrs["pattern"]))
    cls_name = re.sub(r"\W", "_", name)
    return type(cls_name, (BASES[d.extends],), attrs)


def summary_of(d: Definition, name: str) -> str:
    if d.summary:
        return d.summary
    text = d.description.strip().split("\n")[0].strip() if d.description.strip() else ""
    text = text.split(". ")[0].rstrip(".") if text else f"{name} ({d.extends} rule)"
    return text[:1].upper() + text[1:]


def describe(cls) -> str:
    """Markdown docs of a YAML rule, in the same sections as built-in rules."""
    d: Definition = cls.definition
    lines = ["## What it does",
             f"{'An' if d.extends[0] in 'aeiou' else 'A'} `{d.extends}` rule from the style `{cls.style}` (`{cls.source}`), level `{d.level}`, "
             f"scope {', '.join('`' + s + '`' for s in d.scopes)}.", ""]
    if d.extends == "existence":
        lines.append("Flags: " + ", ".join(f"`{t}`" for t in d.tokens[:8]) + (" ..." if len(d.tokens) > 8 else ""))
    elif d.extends == "substitution":
        lines.append("Swaps: " + ", ".join(f"`{k}` -> `{v}`" for k, v in list(d.swap.items())[:8]))
    elif d.extends in ("occurrence", "ratio"):
        lines.append(f"Token `{d.token}`, min {d.min}, max {d.max}.")
    elif d.extends == "length":
        lines.append(f"Length in {d.unit}: min {d.min}, max {d.max}.")
    elif d.extends == "pattern":
        lines.append(f"Each text must match `{d.pattern}`.")
    elif d.extends == "consistency":
        lines.append("Variants: " + ", ".join(f"`{a}` / `{b}`" for a, b in d.either.items()))
    lines += ["", "## Why it matters for fine-tuning", d.description.strip() or d.message, ""]
    if d.example:
        lines += ["## Example", "```jsonl", d.example.strip("\n"), "```", ""]
    if d.use_instead:
        lines += ["## Use instead", "```jsonl", d.use_instead.strip("\n"), "```", ""]
    if d.link:
        lines += [f"See {d.link}"]
    return "\n".join(lines).strip() + "\n"
