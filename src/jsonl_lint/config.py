"""Configuration: ``[tool.jsonl-lint]`` in ``pyproject.toml`` or ``.jsonl-lint.toml``.

Found upward from each linted file. Unknown keys and bad values are errors that
name the file, the key and what is allowed. ``extends`` pulls in a shipped
preset (``minimal``, ``recommended``, ``strict``) or another file; CLI flags
override the file.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError, field_validator,
                      model_validator)

from .diagnostics import Severity

if TYPE_CHECKING:
    from .formats import FieldMapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILES = (".jsonl-lint.toml", "pyproject.toml")
PRESETS_DIR = Path(__file__).parent / "presets"
DEFAULT_MODEL = "gpt-4o-mini-2024-07-18"
MAX_DEPTH = 64  # default max-depth: nesting of arrays and objects in one record
# The highest max-depth allowed: about half the depth at which the recursive checks meet
# Python's recursion limit (near 480 levels, measured with every rule selected).
MAX_DEPTH_LIMIT = 256


class ConfigError(Exception):
    """A configuration or usage problem: exit code 2, message names file and key."""


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=_kebab, populate_by_name=True)


class FormatColumns(_Table):
    """Record keys, as LLaMA-Factory's `dataset_info.json` ``columns`` names them."""

    prompt: str | None = None
    query: str | None = None
    response: str | None = None
    history: str | None = None
    messages: str | None = None
    system: str | None = None
    tools: str | None = None
    images: str | None = None
    videos: str | None = None
    audios: str | None = None
    chosen: str | None = None
    rejected: str | None = None
    kto_tag: str | None = None


class FormatTags(_Table):
    """Message keys and role names of sharegpt and openai formatting (LLaMA-Factory ``tags``)."""

    role_tag: str | None = None
    content_tag: str | None = None
    user_tag: str | None = None
    assistant_tag: str | None = None
    observation_tag: str | None = None
    function_tag: str | None = None
    system_tag: str | None = None


_ALPACA_ONLY = ("prompt", "query", "response", "history")


class FormatMapping(_Table):
    """``[tool.jsonl-lint.format]``: how to read records whose fields have other names."""

    formatting: Literal["alpaca", "sharegpt", "openai"]
    ranking: bool = False
    columns: FormatColumns = FormatColumns()
    tags: FormatTags = FormatTags()

    @model_validator(mode="after")
    def _consistent(self) -> "FormatMapping":
        set_columns = {k for k, v in self.columns.model_dump().items() if v is not None}
        if self.formatting == "alpaca":
            if self.tags.model_dump(exclude_none=True):
                raise ValueError("'tags' apply to sharegpt and openai formatting only (alpaca records have no "
                                 "message lists)")
            if "messages" in set_columns:
                raise ValueError("column 'messages' needs formatting = \"sharegpt\" or \"openai\"")
        elif set_columns & set(_ALPACA_ONLY):
            wrong = ", ".join(sorted(set_columns & set(_ALPACA_ONLY)))
            raise ValueError(f"columns {wrong} apply to formatting = \"alpaca\" only; {self.formatting} "
                             "records keep their turns in the 'messages' column")
        if not self.ranking and set_columns & {"chosen", "rejected"}:
            raise ValueError("columns 'chosen' and 'rejected' need ranking = true")
        return self


class Settings(BaseModel):
    """Resolved settings shared by every rule of a run (read-only)."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=_kebab, populate_by_name=True)

    extends: str | None = None
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    severity: dict[str, Severity] = Field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    format: Annotated[Union[Annotated[str, Tag("<name>")], Annotated[FormatMapping, Tag("<table>")]],
                      Discriminator(lambda v: "<table>" if isinstance(v, (dict, FormatMapping)) else "<name>")] = "auto"
    model: str = DEFAULT_MODEL
    tokenizer: str | None = None
    prices: dict[str, float] = Field(default_factory=dict)
    # Fine-tuning targets to check against (JL9xx), and user-defined or overridden target
    # profiles by name (``[tool.jsonl-lint.targets.NAME]``, see jsonl_lint.targets).
    target: tuple[str, ...] = ()
    targets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    datasets: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    validation: tuple[str, ...] = ()
    baseline: str | None = None
    rules_path: tuple[str, ...] = ()
    styles: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    preview: bool = False  # run preview rules too (see docs/preview.md)
    explicit_preview_rules: bool = False  # with preview: a preview rule needs its exact code or name
    jobs: int = 0
    # Records nested deeper are reported (JL001) and not parsed: every check after the reader
    # walks records recursively, and the bound keeps that far from Python's recursion limit.
    max_depth: int = Field(MAX_DEPTH, ge=1, le=MAX_DEPTH_LIMIT)
    backend: str = "local"  # where tasks run: "local" processes or "ray"
    address: str | None = None  # the Ray cluster (default: RAY_ADDRESS, else a local one)
    # Where the config file lives (globs and relative paths resolve against it).
    root: str = ""

    @field_validator("format")
    @classmethod
    def _known_format(cls, v: "str | FormatMapping") -> "str | FormatMapping":
        from .formats import FORMATS

        if isinstance(v, str) and v != "auto" and v not in FORMATS:
            raise ValueError(f"unknown format {v!r} (allowed: auto, {', '.join(FORMATS)}, or a table that maps "
                             "the record's fields: formatting, ranking, columns, tags)")
        return v

    @property
    def expected_format(self) -> str | None:
        """The one format every record must have (``format = "<name>"``), else None."""
        return self.format if isinstance(self.format, str) and self.format != "auto" else None

    @property
    def field_mapping(self) -> "FieldMapping | None":
        """The configured field mapping (``[tool.jsonl-lint.format]`` as a table), else None."""
        if not isinstance(self.format, FormatMapping):
            return None
        return _field_mapping(self.format)

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, v: str) -> str:
        from .backends import BACKENDS

        if v not in BACKENDS:
            raise ValueError(f"unknown backend {v!r} (allowed: {', '.join(BACKENDS)})")
        return v

    @field_validator("model")
    @classmethod
    def _known_model(cls, v: str) -> str:
        from .tokens.models import check_model_name

        return check_model_name(v)

    @field_validator("target", mode="before")
    @classmethod
    def _target_list(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v  # target = "together" means one target

    @model_validator(mode="after")
    def _known_targets(self) -> "Settings":
        if self.target or self.targets:
            from .targets import check_target_settings

            check_target_settings(self)
        return self

    @field_validator("severity", mode="before")
    @classmethod
    def _severity_values(cls, v: Any) -> Any:
        if isinstance(v, dict):
            return {k: Severity.parse(s) if isinstance(s, str) else s for k, s in v.items()}
        return v

    @field_validator("fail_on", mode="before")
    @classmethod
    def _fail_on(cls, v: Any) -> Any:
        return Severity.parse(v) if isinstance(v, str) else v

    def updated(self, **changes: Any) -> "Settings":
        data = self.model_dump()
        data.update({k: v for k, v in changes.items() if v is not None})
        try:
            return Settings.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(format_validation_error(exc, "command line", "options")) from None


@lru_cache(maxsize=16)
def _field_mapping(table: FormatMapping) -> "FieldMapping":
    from .formats import FieldMapping

    return FieldMapping(table.formatting, table.ranking, table.columns.model_dump(exclude_none=True),
                        table.tags.model_dump(exclude_none=True))


def find_config_file(start: str | os.PathLike) -> Path | None:
    """The nearest ``.jsonl-lint.toml`` or ``pyproject.toml`` with ``[tool.jsonl-lint]``."""
    path = Path(start).resolve()
    if path.is_file() or not path.exists():
        path = path.parent
    for folder in (path, *path.parents):
        return_path = _config_in(str(folder))
        if return_path is not None:
            return return_path
    return None


@lru_cache(maxsize=256)
def _config_in(folder: str) -> Path | None:
    for name in CONFIG_FILES:
        candidate = Path(folder) / name
        if not candidate.is_file():
            continue
        if name == "pyproject.toml":
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
                continue
            if "jsonl-lint" not in data.get("tool", {}):
                continue
        return candidate
    return None


def read_table(path: Path) -> dict[str, Any]:
    """The jsonl-lint table of a config file (raises ConfigError with the file name)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("jsonl-lint", {})
    elif "tool" in data and "jsonl-lint" in data["tool"]:
        data = data["tool"]["jsonl-lint"]
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve_extends(table: dict[str, Any], origin: Path, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    name = table.get("extends")
    if not name:
        return table
    preset = PRESETS_DIR / f"{name}.toml"
    target = preset if preset.is_file() else (origin.parent / name)
    if str(target) in seen:
        raise ConfigError(f"{origin}: 'extends' forms a cycle through {target}")
    if not target.is_file():
        presets = ", ".join(sorted(p.stem for p in PRESETS_DIR.glob("*.toml")))
        raise ConfigError(f"{origin}: key 'extends': no preset or file named {name!r} (presets: {presets})")
    base = _resolve_extends(read_table(target), target, seen + (str(target),))
    merged = _merge(base, {k: v for k, v in table.items() if k != "extends"})
    merged["extends"] = name
    return merged


def settings_from_table(table: dict[str, Any], origin: Path | None) -> Settings:
    where = str(origin) if origin else "<settings>"
    if origin is not None:
        table = _resolve_extends(table, origin)
    data = dict(table)
    data.setdefault("root", str(origin.parent) if origin else os.getcwd())
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, where, "[tool.jsonl-lint]")) from None


_NOT_KEYS = ("<name>", "<table>")


def format_validation_error(exc: ValidationError, where: str, table: str) -> str:
    problems = []
    for err in exc.errors():
        # Union branches and model validators add parts to the location that are no keys.
        key = ".".join(str(p) for p in err["loc"] if str(p) not in _NOT_KEYS and not str(p).startswith("function-")
                       ) or "(table)"
        if err["type"] == "extra_forbidden":
            problems.append(f"{where}: unknown key '{key}' in {table}")
        elif key == "(table)" and err["msg"].startswith("Value error, "):  # a check across keys names its key
            problems.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
        else:
            problems.append(f"{where}: key '{key}' in {table}: {err['msg']}")
    return "\n".join(problems)


def load_settings(config_path: str | os.PathLike | None = None, start: str | os.PathLike | None = None,
                  isolated: bool = False) -> Settings:
    """Settings from an explicit file, or discovered upward from ``start``."""
    if isolated:
        return settings_from_table({"extends": None}, None)
    path = Path(config_path) if config_path else find_config_file(start or os.getcwd())
    if path is None:
        return settings_from_table({}, None)
    if config_path and not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    return _load_cached(str(path.resolve()), path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime: int) -> Settings:
    return settings_from_table(read_table(Path(path)), Path(path))
