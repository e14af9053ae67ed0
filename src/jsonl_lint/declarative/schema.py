"""Strict schema of declarative rule files and style meta files.

Rule files are read with PyYAML's *safe* loader (no tags that build Python
objects) and composed into nodes first, so every key and list item keeps its
line: any problem is a :class:`~jsonl_lint.config.ConfigError` that names the
file and the line. Unknown keys, duplicate keys, wrong types, a missing
``message`` / ``level`` / ``scope``, an unknown kind and a regex that does not
compile are all errors; nothing is coerced or silently defaulted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..config import ConfigError
from ..lazy_regex import LazyRegex

if TYPE_CHECKING:
    import yaml

KINDS = ("existence", "substitution", "occurrence", "length", "pattern", "required", "consistency", "ratio")
LEVELS = ("error", "warning", "info", "suggestion")
TURN_SCOPES = ("system", "user", "assistant", "rejected", "tool", "any-turn")
DEFAULT_TIMEOUT = 0.1  # seconds per regex call on one text
MAX_TIMEOUT = 10.0
DECLARATIVE_CODE = re.compile(r"^[A-Z]{2,8}\d{3}$")
STYLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
RULE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_FIELD = re.compile(r"^field:(/.*|[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*)$")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _regex_compile(pattern: str, flags: int):
    import regex

    return regex.compile(pattern, flags | regex.V0)


def _lazy(pattern: str, ignorecase: bool) -> LazyRegex:
    # Compiled, and the regex module imported, on first use: literals gate most patterns
    # (see kinds._may_match), so a small run compiles few (doing all at load took ~15 ms).
    # re.IGNORECASE is the regex module's IGNORECASE flag too.
    return LazyRegex(pattern, re.IGNORECASE if ignorecase else 0, _regex_compile)


def compile_regex(pattern: str, ignorecase: bool = False, nonword: bool = True) -> LazyRegex:
    """A user regex for the ``regex`` module (re-compatible syntax, V0), compiled on
    first use. Without ``nonword`` the pattern must match whole words."""
    if not nonword:
        pattern = rf"(?<!\w)(?:{pattern})(?!\w)"
    return _lazy(pattern, ignorecase)


def required_literals(pattern: str, ignorecase: bool = False) -> tuple[tuple[str, bool], ...] | None:
    """Literals one of which every match of ``pattern`` contains, each with whether to
    compare case-insensitively: the longest literal run of the pattern's top level, else
    one run of each alternative of a top-level alternation (``(?:i hope|let me know)...``);
    None when some match may contain none of 3 or more characters, or the syntax is not
    stdlib's."""
    import re._parser as p

    try:
        parsed = p.parse(pattern, re.IGNORECASE if ignorecase else 0)
    except Exception:  # regex-module-only syntax: no prefilter
        return None
    found = _sequence_literals(parsed.data)
    if found is None:
        return None
    fold = bool(parsed.state.flags & re.IGNORECASE)
    if fold and len(found) > 1 and not all(lit.isascii() for lit in found):
        return None  # alternatives are new: kept to ASCII, where case folding and IGNORECASE agree
    return tuple((lit, fold) for lit in dict.fromkeys(found))


def _sequence_literals(items) -> list[str] | None:
    import re._constants as c

    best = run = ""
    branches = None
    for op, arg in items:
        if op is c.LITERAL:
            run += chr(arg)
            best = max(best, run, key=len)
            continue
        run = ""
        alternatives = None
        if op is c.BRANCH:
            alternatives = arg[1]
        elif op is c.SUBPATTERN and len(arg[-1].data) == 1 and arg[-1].data[0][0] is c.BRANCH:
            alternatives = arg[-1].data[0][1][1]  # a group holding only an alternation
        if alternatives and branches is None:
            each = [_sequence_literals(alt.data) for alt in alternatives]
            if all(e is not None for e in each):
                branches = [lit for e in each for lit in e]
    if len(best) >= 3:
        return [best]
    return branches


def compile_alternation(tokens: list[str], ignorecase: bool = False, nonword: bool = True,
                        named: bool = False) -> LazyRegex:
    """One pattern for several tokens. Whole-word guards are added per token, and not
    before a token anchored with ``^``, so an all-anchored list stays anchored (fast)."""
    parts = []
    for i, t in enumerate(tokens):
        body = f"(?P<s{i}>{t})" if named else f"(?:{t})"
        if not nonword:
            body = (body if t.startswith("^") else rf"(?<!\w){body}") + r"(?!\w)"
        parts.append(body)
    pattern = "|".join(parts)
    if tokens and all(t.startswith("^") for t in tokens):
        pattern = f"^(?:{pattern})"
    return _lazy(pattern, ignorecase)


def _check_regex(value: str) -> str:
    import regex

    try:
        regex.compile(value, regex.V0)
    except regex.error as exc:
        raise ValueError(f"bad regex {value!r}: {exc}") from None
    if regex.compile(value, regex.V0).fullmatch("") is not None:
        raise ValueError(f"regex {value!r} matches the empty string, so it would match everywhere")
    return value


Regex = Annotated[str, AfterValidator(_check_regex)]


class Definition(BaseModel):
    """Keys every rule kind shares (vale's ``Definition``)."""

    # Built on the first validation: rule files validated before come from the user cache
    # (see jsonl_lint.declarative), and most runs validate none.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, alias_generator=_kebab,
                              populate_by_name=False, defer_build=True)

    extends: str
    message: str = Field(min_length=1)
    level: Literal["error", "warning", "info", "suggestion"]
    scope: str | list[str]
    preview: bool = False  # runs only with preview on, like a built-in preview rule
    code: str | None = None
    summary: str | None = None
    description: str = ""
    link: str = ""
    limit: int | None = Field(default=None, ge=1)
    ignorecase: bool = False
    timeout: float = Field(default=DEFAULT_TIMEOUT, gt=0, le=MAX_TIMEOUT)
    example: str | None = None
    use_instead: str | None = None
    # Regexes: an answer to a prompt (the user turn before it) that matches one is not read.
    unless_prompt: list[Regex] = Field(default_factory=list)

    # Placeholders each kind may use in ``message`` besides ``%s``.
    placeholders: ClassVar[frozenset] = frozenset({"match", "where"})

    @field_validator("scope")
    @classmethod
    def _scope(cls, v: str | list[str]) -> str | list[str]:
        items = [v] if isinstance(v, str) else v
        if not items:
            raise ValueError("scope needs at least one entry")
        for s in items:
            if s not in TURN_SCOPES and not _FIELD.match(s):
                raise ValueError(f"unknown scope {s!r} (allowed: {', '.join(TURN_SCOPES)}, field:<name>)")
        return v

    @model_validator(mode="after")
    def _unless_prompt_needs_answers(self):
        if self.unless_prompt and any(s not in ("assistant", "rejected") for s in self.scopes):
            raise ValueError("unless-prompt applies to answers: use it with scope assistant or rejected only")
        return self

    @field_validator("code")
    @classmethod
    def _code(cls, v: str | None) -> str | None:
        if v is not None and (not DECLARATIVE_CODE.match(v) or v.startswith("JL")):
            raise ValueError(f"code {v!r} must be 2-8 capital letters and 3 digits (e.g. TONE001), "
                             "and JL codes are reserved for built-in rules")
        return v

    @field_validator("summary")
    @classmethod
    def _summary(cls, v: str | None) -> str | None:
        if v is not None and (not v or not v[0].isupper() or v.endswith(".")):
            raise ValueError("summary must start with a capital letter and not end with a period")
        return v

    @model_validator(mode="after")
    def _message_placeholders(self):
        for m in _PLACEHOLDER.finditer(self.message):
            name = m.group(1)
            if name is not None and name not in self.placeholders:
                allowed = ", ".join("{" + p + "}" for p in sorted(self.placeholders))
                raise ValueError(f"message: unknown placeholder {{{name}}} (allowed: %s, {allowed}; "
                                 "write {{ and }} for literal braces)")
        return self

    @property
    def scopes(self) -> tuple[str, ...]:
        return (self.scope,) if isinstance(self.scope, str) else tuple(self.scope)

    @property
    def severity(self) -> str:
        return "info" if self.level == "suggestion" else self.level


class Existence(Definition):
    extends: Literal["existence"]
    tokens: list[Regex] = Field(min_length=1)
    nonword: bool = False


class Substitution(Definition):
    extends: Literal["substitution"]
    swap: dict[Regex, str] = Field(min_length=1)
    nonword: bool = False
    action: Literal["replace", "suggest"] | None = None
    placeholders: ClassVar[frozenset] = frozenset({"match", "replacement", "where"})



class Occurrence(Definition):
    extends: Literal["occurrence"]
    token: Regex
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    nonword: bool = True
    placeholders: ClassVar[frozenset] = frozenset({"count", "min", "max", "where"})


    @model_validator(mode="after")
    def _bounds(self):
        _need_bounds(self)
        return self


class Length(Definition):
    extends: Literal["length"]
    unit: Literal["chars", "words", "tokens"]
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    placeholders: ClassVar[frozenset] = frozenset({"count", "min", "max", "unit", "where"})

    @model_validator(mode="after")
    def _bounds(self):
        _need_bounds(self)
        return self


class Pattern(Definition):
    extends: Literal["pattern"]
    pattern: Regex
    placeholders: ClassVar[frozenset] = frozenset({"pattern", "where"})



class Required(Definition):
    extends: Literal["required"]
    placeholders: ClassVar[frozenset] = frozenset({"scope"})


class Consistency(Definition):
    extends: Literal["consistency"]
    either: dict[Regex, Regex] = Field(min_length=1)
    nonword: bool = False
    placeholders: ClassVar[frozenset] = frozenset({"match", "majority", "count", "majority_count", "where"})



class Ratio(Definition):
    extends: Literal["ratio"]
    token: Regex
    min: float | None = Field(default=None, ge=0, le=1)
    max: float | None = Field(default=None, ge=0, le=1)
    min_records: int = Field(default=20, ge=1)
    nonword: bool = True
    placeholders: ClassVar[frozenset] = frozenset({"share", "count", "total", "min", "max", "match"})


    @model_validator(mode="after")
    def _bounds(self):
        _need_bounds(self)
        return self


def _need_bounds(d: Any) -> None:
    if d.min is None and d.max is None:
        raise ValueError("set min, max or both")
    if d.min is not None and d.max is not None and d.min > d.max:
        raise ValueError(f"min ({d.min}) is greater than max ({d.max})")


MODELS: dict[str, type[Definition]] = {
    "existence": Existence, "substitution": Substitution, "occurrence": Occurrence, "length": Length,
    "pattern": Pattern, "required": Required, "consistency": Consistency, "ratio": Ratio,
}


# -- YAML with line numbers ----------------------------------------------------------

Lines = dict[tuple, int]


def load_yaml(path: Path, fast: bool = False) -> tuple[Any, Lines]:
    """Parse a YAML file safely; return the value and the 1-based line of every key
    and list item (keyed by path tuple). Duplicate keys are errors. ``fast`` uses
    libyaml's safe loader when PyYAML has it (files read at every start)."""
    import yaml  # not at import: rule packs read before come from the user cache

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    loader = (getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ConfigError(f"{path}:1: the file is empty (a rule needs at least 'extends', 'message', "
                              "'level' and 'scope')")
        lines: Lines = {(): node.start_mark.line + 1}
        _walk(node, (), lines, path)
        value = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        detail = exc.problem or exc.context
        if exc.problem and exc.context and exc.context_mark is not None:
            detail += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        raise ConfigError(f"{path}:{line}: invalid YAML: {detail}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}:1: invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return value, lines


def _walk(node: yaml.Node, at: tuple, lines: Lines, path: Path) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: set = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in seen:
                raise ConfigError(f"{path}:{key_node.start_mark.line + 1}: key {key!r} appears twice")
            seen.add(key)
            lines[at + (key,)] = key_node.start_mark.line + 1
            _walk(value_node, at + (key,), lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[at + (i,)] = item.start_mark.line + 1
            _walk(item, at + (i,), lines, path)


def line_of(lines: Lines, loc: tuple) -> int:
    """The line of the deepest known prefix of ``loc``."""
    loc = tuple(loc)
    while loc and loc not in lines:
        loc = loc[:-1]
    return lines.get(loc, 1)


def parse_rule(path: Path) -> Definition:
    """Read and validate one rule file."""
    data, lines = load_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: a rule file must be a mapping of keys (extends, message, level, scope, ...)")
    kind = data.get("extends")
    if kind is None:
        raise ConfigError(f"{path}:1: missing key 'extends' (one of: {', '.join(KINDS)})")
    if kind not in MODELS:
        raise ConfigError(f"{path}:{line_of(lines, ('extends',))}: unknown kind extends: {kind!r} "
                          f"(allowed: {', '.join(KINDS)})")
    model = MODELS[kind]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_errors(exc, path, lines, model, kind)) from None


def _a(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def format_errors(exc: ValidationError, path: Path, lines: Lines, model: type[BaseModel], kind: str) -> str:
    allowed = sorted(f.alias or n for n, f in model.model_fields.items() )
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        # Drop pydantic's union-branch markers ("str", "list[str]") from the location.
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in ("str", "function-after"))))
        key = ".".join(str(p) for p in loc)
        line = line_of(lines, loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            out.append(f"{path}:{line}: unknown key {key!r} in {_a(kind)} rule (allowed: {', '.join(allowed)})")
        elif err["type"] == "missing":
            out.append(f"{path}:{line}: missing key {key!r} ({_a(kind)} rule needs it)")
        elif not loc:
            out.append(f"{path}:{line}: {msg}")
        else:
            out.append(f"{path}:{line}: key {key!r}: {msg}")
    return "\n".join(dict.fromkeys(out))


# -- style meta files ----------------------------------------------------------------

class Meta(BaseModel):
    """``meta.toml`` of a style folder."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, alias_generator=_kebab,
                              populate_by_name=False)

    name: str | None = None
    description: str = ""
    version: str = ""
    license: str = ""
    requires_jsonl_lint: str = ""
    enabled_by_default: bool = False


def parse_meta(path: Path) -> Meta:
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        meta = Meta.model_validate(data)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            m = re.search(rf"^\s*{re.escape(key)}\s*=", text, re.M)
            line = text.count("\n", 0, m.start()) + 1 if m else 1
            what = "unknown key" if err["type"] == "extra_forbidden" else "key"
            detail = "" if err["type"] == "extra_forbidden" else f": {err['msg']}"
            out.append(f"{path}:{line}: {what} {key!r}{detail}")
        raise ConfigError("\n".join(out)) from None
    if meta.requires_jsonl_lint:
        _check_version(meta.requires_jsonl_lint, path, text)
    return meta


def _check_version(spec: str, path: Path, text: str) -> None:
    from .. import __version__ as current

    m = re.fullmatch(r"\s*>=\s*(\d+(?:\.\d+)*)\s*", spec)
    line = next((i + 1 for i, t in enumerate(text.splitlines()) if t.strip().startswith("requires-jsonl-lint")), 1)
    if not m:
        raise ConfigError(f"{path}:{line}: key 'requires-jsonl-lint': write it as '>=X.Y' (got {spec!r})")

    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", v)[:3])

    if parts(current) < parts(m.group(1)):
        raise ConfigError(f"{path}:{line}: this style needs jsonl-lint {spec}, but {current} is installed")
