"""Strict schema of target profile files (``targets/profiles/<name>.yaml``).

A profile says what one fine-tuning provider or trainer accepts, one section per kind of
requirement (the JL9xx rules read one section each). Every section names its ``source``
(keys of the profile's ``sources`` table, each with an address and the date it was read)
and lists the values no source states directly in ``unconfirmed``. The files are read
like rule packs: PyYAML's safe loader with a line for every key, unknown keys, wrong
types and dangling source names are errors that name the file and the line.

Severity follows ``on-violation``: what the target does with a record that breaks the
section's requirement. ``reject`` (the upload or job fails) is an error; ``drop`` (the
trainer skips the example), ``truncate`` (it cuts the example), ``train`` (it trains on what
the user did not mean, like ignored weights) and ``ignore`` (it leaves the value out) are
warnings: nothing stops the run, and the user may not notice.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..config import ConfigError
from ..declarative.schema import Lines, line_of, load_yaml

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ROLES = ("system", "developer", "user", "assistant", "tool")
IMAGE_SOURCES = ("http", "data", "s3", "gs", "path")
TOKENIZER_REF = re.compile(r"^[a-z0-9][a-z0-9_.:-]*$")
OnViolation = Literal["reject", "drop", "truncate", "train", "ignore"]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, alias_generator=_kebab,
                              populate_by_name=False)


class Source(_Strict):
    """Where a value comes from: an address (URL, or ``owner/repo@commit path``) and when it was read."""

    url: str = Field(min_length=1)
    date: datetime.date
    note: str = ""


class Section(_Strict):
    """Keys every requirement section shares."""

    source: list[str] = Field(min_length=1)
    unconfirmed: list[str] = Field(default_factory=list)  # kebab names of values no source states directly
    note: str = ""
    on_violation: OnViolation = "reject"

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _unconfirmed_names_exist(self):
        known = {f.alias or n for n, f in type(self).model_fields.items()}
        for name in self.unconfirmed:
            if name not in known:
                raise ValueError(f"unconfirmed: {name!r} is not a key of this section (keys: {', '.join(sorted(known))})")
        return self


class Status(_Strict):
    state: Literal["active", "deprecated", "closed"]
    date: datetime.date | None = None  # when the state began
    closes: datetime.date | None = None  # from this day on the target takes no new jobs
    note: str = ""
    action: str = ""  # what a user should do
    source: list[str] = Field(min_length=1)

    def state_on(self, day: datetime.date) -> str:
        return "closed" if self.closes is not None and day >= self.closes else self.state

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _dated(self):
        if (self.state != "active" or self.closes) and (self.date is None and self.closes is None or not self.action):
            raise ValueError(f"a {self.state} or closing target needs a 'date' or 'closes' and an 'action' "
                             "(what users should do)")
        return self


class Shape(_Strict):
    """One accepted record shape (a jsonl-lint format name)."""

    keys: list[str] | None = None  # top-level keys the target accepts with this shape (None: any)
    message_keys: list[str] | None = None  # keys of a message object (None: any)
    single_output: bool = False  # preference: each output holds exactly one assistant message
    single_turn: bool = False  # preference: the input is one user message (after a system prompt)
    prompt_ends_user: bool = False  # preference: the input does not end with an assistant message
    note: str = ""  # what to configure for it (trainers), shown in the docs and hints


class Shapes(Section):
    accepted: dict[str, Shape]  # empty: only the target's own shape (conversion.native), which jsonl-lint cannot read
    extra_keys: OnViolation = "ignore"  # what the target does with keys outside a shape's ``keys``

    @field_validator("accepted")
    @classmethod
    def _known_formats(cls, v: dict[str, Shape]) -> dict[str, Shape]:
        from ..formats import FORMATS

        for name in v:
            if name not in FORMATS:
                raise ValueError(f"unknown record shape {name!r} (jsonl-lint formats: {', '.join(FORMATS)})")
        return v


class Roles(Section):
    allowed: list[Literal[ROLES]] = Field(min_length=1)  # type: ignore[valid-type]
    # first: only as the first message(s); separate: the target keeps it in its own field, so
    # only leading system messages can move there; none: not accepted at all.
    system: Literal["anywhere", "first", "separate", "none"] = "anywhere"
    max_system: int | None = Field(None, ge=0)
    first: list[Literal[ROLES]] | None = None  # type: ignore[valid-type]  # first role after the system prompt
    last: list[Literal[ROLES]] | None = None  # type: ignore[valid-type]
    alternate: bool = False  # prompt side and answer side take turns after the system prompt
    prompt_side: list[Literal[ROLES]] = Field(default_factory=lambda: ["user", "tool"])  # type: ignore[valid-type]
    answer_side: list[Literal[ROLES]] = Field(default_factory=lambda: ["assistant"])  # type: ignore[valid-type]
    no_repeat: list[Literal[ROLES]] = Field(default_factory=list)  # type: ignore[valid-type]
    transitions: dict[Literal[ROLES], list[Literal[ROLES]]] | None = None  # type: ignore[valid-type]
    min_messages: int = Field(1, ge=1)
    single_message: list[Literal[ROLES]] | None = None  # type: ignore[valid-type]  # roles a one-message example may have
    require_assistant: bool = True
    require_user: bool = False
    even_count: bool = False  # after the system prompt (LLaMA-Factory SFT)


class ToolCalls(Section):
    supported: bool = True
    arguments: Literal["string", "object", "any"] = "any"
    id_required: bool = False
    id_pattern: str | None = None
    name_pattern: str | None = None
    content_with_calls: bool = True  # an assistant message may carry text and tool calls together
    results_follow_calls: bool = False  # tool results must come right after the calls they answer
    max_tools: int | None = Field(None, ge=1)

    @field_validator("id_pattern", "name_pattern")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"bad regex {v!r}: {exc}") from None
        return v


class Weight(Section):
    honoured: bool  # False: the target ignores per-message weight, so weight-0 turns are trained
    values: list[int | float] = Field(default_factory=lambda: [0, 1])
    roles: list[Literal[ROLES]] = Field(default_factory=lambda: ["assistant"])  # type: ignore[valid-type]
    how: str = ""  # how to honour it where it takes configuration (Axolotl)
    honoured_in: list[str] = Field(default_factory=list)  # formats whose own weight key the target reads


class Images(Section):
    supported: bool = True
    sources: list[Literal[IMAGE_SOURCES]] = Field(default_factory=lambda: list(IMAGE_SOURCES))  # type: ignore[valid-type]
    form: Literal["object", "string", "any"] = "object"  # OpenAI's image_url {url} vs a bare string
    roles: list[Literal[ROLES]] = Field(default_factory=lambda: ["user"])  # type: ignore[valid-type]
    max_per_example: int | None = Field(None, ge=1)
    max_per_message: int | None = Field(None, ge=1)
    max_bytes: int | None = Field(None, ge=1)
    formats: list[str] | None = None  # lower-case: jpeg, png, webp, gif


class Reserved(Section):
    strings: list[str] = Field(default_factory=list)
    ignorecase: bool = False
    seen_rejected: list[str] = Field(default_factory=list)  # of ``strings``, those a source shows rejected


class Dataset(Section):
    min_examples: int | None = Field(None, ge=1)
    max_examples: int | None = Field(None, ge=1)
    max_file_bytes: int | None = Field(None, ge=1)
    max_examples_x_epochs: int | None = Field(None, ge=1)
    max_tokens_x_epochs: int | None = Field(None, ge=1)
    epochs: float | None = Field(None, gt=0)  # the default epoch count, for the caps above and the cost


class Validation(Section):
    min_examples: int | None = Field(None, ge=1)
    max_examples: int | None = Field(None, ge=1)
    max_file_bytes: int | None = Field(None, ge=1)


class Model(_Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)  # also reachable without the target prefix
    limit: int | None = Field(None, ge=1)  # training tokens per example
    tokenizer: str | None = None  # a jsonl-lint tokenizer name (`jsonl-lint targets --tokenizers`)
    price: float | None = Field(None, ge=0)  # dollars per 1M training tokens
    tools: bool | None = None  # overrides the target's tools.supported for this model
    images: bool | None = None  # overrides images.supported
    source: list[str] = Field(min_length=1)
    unconfirmed: list[str] = Field(default_factory=list)
    note: str = ""

    @field_validator("source", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Tokens(Section):
    limit: int | None = Field(None, ge=1)  # per example, when the chosen model gives none
    on_violation: OnViolation = "truncate"
    tokenizer: str | None = None  # default tokenizer (a model's own wins)
    template: Literal["openai", "llama3", "mistral", "chatml", "gemma"] = "openai"  # per-message overheads
    default_model: str | None = None
    billing: Literal["tokens", "model-turns"] = "tokens"  # model-turns: every assistant turn with its context

    @field_validator("tokenizer")
    @classmethod
    def _tokenizer(cls, v: str | None) -> str | None:
        if v is not None and not TOKENIZER_REF.match(v):
            raise ValueError(f"tokenizer {v!r}: a jsonl-lint tokenizer name such as llama3 or o200k_base")
        return v


class Conversion(Section):
    hint: str = Field(min_length=1)  # one line: what `jsonl-lint convert --to NAME` (or the user) must change
    native: str = ""  # the target's own record shape, when jsonl-lint has no format name for it
    role_names: dict[str, str] = Field(default_factory=dict)  # normalized role -> the target's name (for convert)


class Profile(_Strict):
    name: str
    title: str = Field(min_length=1)
    kind: Literal["provider", "trainer"]
    as_of: datetime.date  # when the profile's values were last checked as a whole
    bare_model_names: bool = False  # its models are also --model NAME without the "target:" prefix
    models_from: str | None = None  # use another profile's models (trainers that take any HF model)
    status: Status
    sources: dict[str, Source] = Field(min_length=1)
    shapes: Shapes
    roles: Roles
    tools: ToolCalls
    weight: Weight
    images: Images
    reserved: Reserved | None = None
    dataset: Dataset
    validation: Validation | None = None
    tokens: Tokens
    models: list[Model] = Field(default_factory=list)
    conversion: Conversion

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME.match(v):
            raise ValueError(f"target name {v!r} must be kebab-case (letters, digits, single dashes)")
        return v

    @model_validator(mode="after")
    def _models(self):
        names = [m.name for m in self.models]
        if len(names) != len(set(names)):
            raise ValueError("models: a model name appears twice")
        if self.models and self.models_from:
            raise ValueError("set either models or models-from, not both")
        if not self.shapes.accepted and not self.conversion.native:
            raise ValueError("shapes.accepted is empty: name the target's own shape in conversion.native")
        if self.tokens.default_model is not None and self.models and self.tokens.default_model not in names:
            raise ValueError(f"tokens.default-model {self.tokens.default_model!r} is not one of models")
        return self

    def sections(self) -> list[tuple[str, Any]]:
        """(name, section) of everything that names a source."""
        out: list[tuple[str, Any]] = [("status", self.status)]
        for name in ("shapes", "roles", "tools", "weight", "images", "reserved", "dataset", "validation", "tokens",
                     "conversion"):
            value = getattr(self, name)
            if value is not None:
                out.append((name, value))
        out += [(f"models.{m.name}", m) for m in self.models]
        return out


def parse_profile_data(data: Any, where: str, lines: Lines | None = None) -> Profile:
    """Validate a profile's data; errors name ``where`` and the line of the key."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}:1: a target profile must be a mapping of keys (name, title, kind, ...)")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_profile_errors(exc, where, lines)) from None
    for name, section in profile.sections():
        for key in section.source:
            if key not in profile.sources:
                loc = ("models", next(i for i, m in enumerate(profile.models) if m is section)) \
                    if name.startswith("models.") else (name,)
                raise ConfigError(f"{where}:{line_of(lines, loc + ('source',))}: {name}: source {key!r} is not in "
                                  f"'sources' (known: {', '.join(profile.sources)})")
    return profile


def parse_profile(path: Path) -> tuple[Profile, dict]:
    """A profile file, validated, with its raw data (for user targets that extend it)."""
    data, lines = load_yaml(path, fast=True)
    profile = parse_profile_data(data, str(path), lines)
    if profile.name != path.stem:
        raise ConfigError(f"{path}:{line_of(lines, ('name',))}: name {profile.name!r} must match the file name "
                          f"({path.stem!r})")
    return profile, data


def format_profile_errors(exc: ValidationError, where: str, lines: Lines) -> str:
    out = []
    for err in exc.errors():
        # Drop pydantic's union-branch and validator markers from the location.
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p in ("str", "function-after"))))
        key = ".".join(str(p) for p in loc)
        line = line_of(lines, loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            parent = _model_at(loc[:-1])
            allowed = f" (allowed: {', '.join(sorted(f.alias or n for n, f in parent.model_fields.items()))})" \
                if parent else ""
            out.append(f"{where}:{line}: unknown key {key!r}{allowed}")
        elif err["type"] == "missing":
            out.append(f"{where}:{line}: missing key {key!r}")
        elif not loc:
            out.append(f"{where}:{line}: {msg}")
        else:
            out.append(f"{where}:{line}: key {key!r}: {msg}")
    return "\n".join(dict.fromkeys(out))


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The schema model at a location (for the allowed keys of an unknown-key error)."""
    if not loc:
        return Profile
    top, depth = loc[0], len(loc)
    if top in ("sources", "models"):
        return (Source if top == "sources" else Model) if depth == 2 else None
    if top == "shapes" and depth == 3:
        return Shape
    field = Profile.model_fields.get(str(top).replace("-", "_"))
    if depth != 1 or field is None:
        return None
    return next((a for a in getattr(field.annotation, "__args__", (field.annotation,))
                 if isinstance(a, type) and issubclass(a, BaseModel)), None)
