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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .diagnostics import Severity

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
    format: str = "auto"
    model: str = DEFAULT_MODEL
    tokenizer: str | None = None
    prices: dict[str, float] = Field(default_factory=dict)
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
    # Where the config file lives (globs and relative paths resolve against it).
    root: str = ""

    @field_validator("format")
    @classmethod
    def _known_format(cls, v: str) -> str:
        from .formats import FORMATS

        if v != "auto" and v not in FORMATS:
            raise ValueError(f"unknown format {v!r} (allowed: auto, {', '.join(FORMATS)})")
        return v

    @field_validator("model")
    @classmethod
    def _known_model(cls, v: str) -> str:
        from .tokens.models import check_model_name

        return check_model_name(v)

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


def format_validation_error(exc: ValidationError, where: str, table: str) -> str:
    problems = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(table)"
        if err["type"] == "extra_forbidden":
            problems.append(f"{where}: unknown key '{key}' in {table}")
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
