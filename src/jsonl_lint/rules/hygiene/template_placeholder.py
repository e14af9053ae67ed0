from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pydantic import Field

from ...diagnostics import Finding, RecordRef, Related, Severity
from ...lazy_regex import LazyRegex
from ...rule import Context, DatasetRule, Options
from ._shared import code_spans, excerpt, inside
from .placeholder_input import NO_INPUT

# Template variables a pipeline forgot to render: {{name}}, ${name} (not GitHub's ${{ expr }}).
VARIABLES = (r"(?<!\$)\{\{\s*[A-Za-z_][\w.\- ]{0,40}?\s*\}\}", r"\$\{\s*[A-Za-z_]\w{0,40}\s*\}")
# Slots for a person to fill in: [INSERT NAME], <TODO>; "Enter", "Add" and "Put" only when they
# address someone ("[Enter your name]", "[ADD DATE]"): "[Enter FATHER and MOTHER]" is a stage direction.
SLOTS = (r"\[\s*(?:INSERT|FILL[ -]IN|PLACEHOLDER|TODO|TBD|REPLACE)\b[^\]\n]{0,60}\]",
         r"<\s*(?:INSERT|PLACEHOLDER|TODO|TBD|REPLACE)\b[^>\n]{0,60}>",
         r"[\[<]\s*(?:ENTER|ADD|PUT)\b[^\]>\n]{0,60}[\]>]")
MARKER = r"<\s*no\s*(?:input|output)\s*>"  # Alpaca's <noinput> leaking into a text
_SOFT = LazyRegex(r"[\[<]\s*(?:enter|add|put)\b", re.I)
_ADDRESSED = LazyRegex(r"\b(?:your|the|a|an|my|our|his|her|their|here)\b", re.I)
# The prompt asks for a template, a form or fill-in text: its placeholders are the answer.
_TEMPLATE_REQUEST = LazyRegex(r"\b(?:templates?|placeholders?|fill[- ]in|form letter|mad ?libs?|boilerplate|"
                               r"skeleton|blanks?)\b", re.I)
# The prompt asks to draft a document for the user (an email, a job ad, a letter)...
_DRAFT_REQUEST = LazyRegex(
    r"\b(?:write|draft|compose|create|prepare|generate|make|craft|design|produce)\b[^.?!\n]{0,80}?\b(?:e-?mails?|"
    r"letters?|notes?|messages?|memos?|announcements?|invitations?|ads?|adverts?|advertisements?|postings?|posts?|"
    r"press releases?|speech|toast|resumes?|cvs?|proposals?|contracts?|agreements?|polic(?:y|ies)|notices?|"
    r"newsletters?|flyers?|brochures?|scripts?|bios?|profiles?|reviews?|cards?|reports?|abstracts?|forms?|"
    r"documents?|descriptions?|pages?|websites?|plans?|itinerar(?:y|ies)|menus?|quotes?|invoices?)\b", re.I)
# ... and the slot asks for a detail only the user knows: leaving it open is the right answer.
_USER_DETAIL = LazyRegex(
    r"\b(?:names?|dates?|times?|days?|deadline|links?|url|website|numbers?|phone|e-?mail|address|company|"
    r"organi[sz]ation|business|locations?|city|venue|amount|price|cost|salary|budget|title|position|role|"
    r"signature|contact|details?|information|info|department|recipient|school|products?|event|years?)\b", re.I)
# Text that is code: "${x}" and "{{ x }}" there are interpolation, not forgotten variables.
_CODE_REQUEST = LazyRegex(r"\b(?:code|script|program|function|jinja2?|handlebars|mustache|liquid|twig|django|helm|"
                           r"ansible|terraform|workflow|github actions?|yaml|template literals?|interpolat\w*|"
                           r"javascript|typescript|scala|kotlin|groovy|bash|shell|php|perl|powershell|sql)\b", re.I)
_CODE_LINE = LazyRegex(r"[=;]|\w\(|^\s*//|[{}]\s*$")

_MIN_TEMPLATE, _ALWAYS_TEMPLATE = 5, 20  # examples sharing a placeholder: a template at this share / always
_KEEP_RECORDS = 20_000  # per file: records with placeholders kept for their own findings
_RELATED = 4


class TemplatePlaceholderOptions(Options):
    extra_patterns: tuple[str, ...] = Field((), description="More regular expressions that mark an unfilled placeholder.")
    ignore_case: bool = Field(True, description="Match the INSERT/TODO words in any case.")
    template_share: float = Field(0.5, gt=0.0, le=1.0, description=(
        "A placeholder in at least this share of a file's examples (and in at least 5), or in at least 20, is "
        "reported once for the file, as an unrendered template, instead of once per example."))


@dataclass
class Hit:
    pointer: str
    span: tuple[int, int] | None
    token: str
    role: str


@dataclass
class FileTally:
    examples: int = 0
    records: list[tuple[RecordRef, list[Hit]]] = field(default_factory=list)
    # placeholder -> examples containing it, and the first few of them
    counts: Counter = field(default_factory=Counter)
    firsts: dict[str, list[tuple[RecordRef, Hit]]] = field(default_factory=dict)


class TemplatePlaceholder(DatasetRule[dict]):
    """Reports unfilled template placeholders such as {{name}} or [INSERT ...] left in the text.

    ## What it does
    Looks in every turn (system, user and assistant) for template variables a pipeline
    never rendered (`{{name}}`, `${name}`), slots nobody filled (`[INSERT COMPANY NAME]`,
    `<PLACEHOLDER>`, `[TODO]`, `[Enter your name]`) and a leaked `<noinput>` marker.
    One finding per example lists all its placeholders. When the same placeholder is in
    most examples of a file (`template-share`, half by default), the file is an
    unrendered template: one finding says so instead of one per example. More patterns
    can be added with `extra-patterns`.

    Not reported: placeholders inside code (fenced or inline backticks, lines of code,
    answers to a question about code or a template language: `${x}` in a Scala string,
    `{{ github.repository }}` in a workflow); slots in an answer to a prompt that asks
    for a template, a form or fill-in text ("Generate a template for ..."); slots for a
    detail only the user knows in a document the prompt asks to draft ("Write an email
    ..." answered with "visit [Insert Link]"); stage directions ("[Enter FATHER and
    MOTHER]").

    ## Why it matters for fine-tuning
    The model learns the placeholder literally: it will introduce itself as "{{name}}"
    or write "[INSERT DATE]" in answers. Template datasets (such as identity data meant
    to be filled with the assistant's name) must be rendered before training.

    ## Example
    ```jsonl
    {"instruction": "Who are you?", "input": "", "output": "I am {{name}}, an AI assistant developed by {{author}}."}
    ```

    ## Use instead
    ```jsonl
    {"instruction": "Who are you?", "input": "", "output": "I am Aria, an AI assistant developed by Acme."}
    ```
    """

    code = "JL803"
    name = "template-placeholder"
    summary = "Unfilled template placeholder in the text"
    severity = Severity.WARNING
    requires = "example"
    Options = TemplatePlaceholderOptions

    def __init__(self, options=None):
        super().__init__(options)
        flags = re.I if self.options.ignore_case else 0
        kinds = [("variable", p) for p in VARIABLES] + [("slot", p) for p in SLOTS] + [("marker", MARKER)] + [
            ("extra", p) for p in self.options.extra_patterns]
        self._regex = re.compile("|".join(f"(?P<k{i}>{p})" for i, (_, p) in enumerate(kinds)), flags)
        self._kinds = {f"k{i}": kind for i, (kind, _) in enumerate(kinds)}
        # Every built-in pattern needs one of the characters hits() tests for first.
        self._extra = re.compile("|".join(f"(?:{p})" for p in self.options.extra_patterns), flags) \
            if self.options.extra_patterns else None

    # -- one example -----------------------------------------------------------------------

    def hits(self, example) -> list[Hit]:
        """The unfilled placeholders of one example."""
        prompt = None
        found: list[Hit] = []
        extra = self._extra
        for turn in example.all_turns:
            text = turn.text
            # Cheap test before the regex (substring tests: several times faster than a regex);
            # written out here, as most turns stop at it
            if not text or not ("[" in text or "<" in text or "{{" in text or "${" in text
                                or (extra is not None and extra.search(text) is not None)):
                continue
            code = None
            for m in self._regex.finditer(text):
                kind, token = self._kinds[m.lastgroup], m.group()
                if code is None:
                    code = code_spans(text)
                if inside(code, m.start()):
                    continue
                pointer, span = turn.locate(m.start(), m.end())
                if kind == "marker" and (text.strip() == token.strip() or NO_INPUT.match(_value(turn, pointer))):
                    continue  # the whole answer or input: empty-answer / placeholder-input report it
                elif kind == "slot" and _SOFT.match(token) and not (_ADDRESSED.search(token) or token.isupper()):
                    continue  # "[Enter ALEXANDER]": a stage direction
                if prompt is None:
                    prompt = "\n".join(t.text for t in example.all_turns if t.role in ("user", "system"))
                if kind == "variable" and (_CODE_REQUEST.search(prompt) or _code_line(text, m.start())):
                    continue
                if kind == "slot" and turn.role == "assistant" and (
                        _TEMPLATE_REQUEST.search(prompt)
                        or (_DRAFT_REQUEST.search(prompt) and _USER_DETAIL.search(token))):
                    continue
                found.append(Hit(pointer, span, token, turn.role))
        return found

    # -- the dataset ---------------------------------------------------------------------------

    def initial(self, ctx: Context) -> dict:
        return {}

    def collect(self, state: dict, record, ctx: Context) -> None:
        tally = state.get(record.ref.path)
        if tally is None:  # not setdefault: that builds a tally for every record
            tally = state[record.ref.path] = FileTally()
        tally.examples += 1
        hits = self.hits(record.example)
        if not hits:
            return
        for token in dict.fromkeys(h.token for h in hits):
            tally.counts[token] += 1
            firsts = tally.firsts.setdefault(token, [])
            if len(firsts) <= _RELATED:
                firsts.append((record.ref, next(h for h in hits if h.token == token)))
        if len(tally.records) < _KEEP_RECORDS:
            tally.records.append((record.ref, hits))

    def merge(self, states: list[dict]) -> dict:
        out: dict = {}
        for state in states:
            for path, t in state.items():
                o = out.setdefault(path, FileTally())
                o.examples += t.examples
                o.records = (o.records + t.records)[:_KEEP_RECORDS]
                o.counts.update(t.counts)
                for token, firsts in t.firsts.items():
                    o.firsts[token] = (o.firsts.get(token, []) + firsts)[:_RELATED + 1]
        return out

    def finish(self, state: dict, ctx: Context):
        for tally in state.values():
            yield from self._file_findings(tally)

    def _file_findings(self, t: FileTally):
        least = min(max(_MIN_TEMPLATE, self.options.template_share * t.examples), _ALWAYS_TEMPLATE)
        template = [token for token, n in t.counts.most_common() if n >= least]
        if template:
            with_any = sum(1 for _, hits in t.records if any(h.token in template for h in hits))
            ref, hit = t.firsts[template[0]][0]
            names = _listing([(tok, 0) for tok in template])
            share = with_any / t.examples
            what = "this file is an unrendered template" if share >= self.options.template_share else \
                "these examples are an unrendered template"
            others = [(r, f'also here ({h.role} turn)', h.pointer) for r, h in t.firsts[template[0]][1:]]
            yield Finding(f"{names} {'is' if len(template) == 1 else 'are'} left unfilled in {with_any} of "
                          f"{t.examples} examples ({share:.0%}): {what}, and the model would learn the "
                          f"placeholders literally. Replace them with their values before training",
                          hit.pointer, hit.span, record=ref, related=tuple(Related(r, m, p) for r, m, p in others))
        for ref, hits in t.records:
            own = [h for h in hits if h.token not in template]
            if not own:
                continue
            counts = Counter(h.token for h in own)
            roles = " and ".join(dict.fromkeys(h.role or "unknown-role" for h in own))
            what = "placeholder" if len(own) == 1 else "placeholders"
            yield Finding(f"unfilled {what} {_listing(counts.items())} in the {roles} "
                          f"turn{'s' if ' and ' in roles else ''}; the model would learn "
                          f"{'it' if len(own) == 1 else 'them'} literally. Render the template or write the "
                          f"content before training", own[0].pointer, own[0].span, record=ref)


def _value(turn, pointer: str) -> str:
    """The part of a turn's text that comes from the string at ``pointer``."""
    return "".join(turn.text[s.turn_offset:s.turn_offset + s.length] for s in turn.segments if s.pointer == pointer)


def _code_line(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return bool(_CODE_LINE.search(text[start:end if end >= 0 else len(text)]))


def _listing(counts) -> str:
    items = [f'"{excerpt(tok)}"' + (f" ({n} times)" if n > 1 else "") for tok, n in counts]
    shown = items[:4] + ([f"{len(items) - 4} more"] if len(items) > 4 else [])
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]
