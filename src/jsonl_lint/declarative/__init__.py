"""Declarative rules: YAML rule packs ("styles") compiled to ordinary rule classes.

A style is a folder of rule files: ``<Style>/<Rule>.yml`` becomes the rule
``Style.Rule`` (selectable by ``Style.`` or its full name, or by its optional
``code:`` such as ``TONE001``). A ``meta.toml`` in the folder describes the style.

Where styles come from:

- ``rules-path = ["rules"]`` (relative to the config file): folders that hold
  style folders (a folder with rule files directly in it is a style itself);
- the styles shipped with jsonl-lint (the repository's top-level ``rules/``
  folder, installed as package data ``jsonl_lint/_styles``).

``styles = ["AIBoilerplate", ...]`` enables exactly these styles by name (project
folders first, then the shipped ones). Without ``styles``, every style found in
``rules-path`` is enabled, plus the shipped styles whose ``meta.toml`` says
``enabled-by-default = true`` (AIBoilerplate). The registry calls the loader for
every run that has settings.

Nothing in a rules folder is ever executed: rule files are parsed with PyYAML's
safe loader and meta files with ``tomllib``; other files are ignored.
"""

from __future__ import annotations

import marshal
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import cache
from ..config import ConfigError
from .schema import MODELS, STYLE_NAME, RULE_NAME, Meta, parse_meta, parse_rule
from ..timings import stage

if TYPE_CHECKING:
    from ..config import Settings
    from ..rule import Rule
    from .schema import Definition

__all__ = ["load_declarative_rules", "shipped_styles_dir", "find_styles", "load_style", "check_styles", "Style"]

RULE_SUFFIXES = (".yml", ".yaml")
META_FILE = "meta.toml"


def shipped_styles_dir() -> Path | None:
    """The shipped styles: package data when installed, else the repository's ``rules/``."""
    packaged = Path(__file__).resolve().parent.parent / "_styles"  # in the repository: a symlink to rules/
    if packaged.is_dir():
        return packaged.resolve()
    repo = Path(__file__).resolve().parents[3] / "rules"
    return repo if repo.is_dir() else None


class Style:
    def __init__(self, name: str, folder: Path, meta: Meta, shipped: bool):
        self.name = name
        self.folder = folder
        self.meta = meta
        self.shipped = shipped

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Style({self.name!r}, {str(self.folder)!r})"


def _is_style(folder: Path) -> bool:
    return (folder / META_FILE).is_file() or any(_rule_files(folder))


def _rule_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix in RULE_SUFFIXES and not p.name.startswith((".", "_"))
                  and not p.stem.endswith(".cases"))


def _styles_in(folder: Path, shipped: bool) -> list[Style]:
    if _is_style(folder) and any(_rule_files(folder)):
        candidates = [folder]
    else:
        candidates = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
                            and _is_style(p))
    out = []
    for c in candidates:
        meta = parse_meta(c / META_FILE) if (c / META_FILE).is_file() else Meta()
        name = meta.name or c.name
        if not STYLE_NAME.match(name):
            raise ConfigError(f"{c}: style name {name!r} must start with a letter and use letters, digits, - or _")
        out.append(Style(name, c, meta, shipped))
    return out


def _rules_path_dirs(settings: "Settings") -> list[Path]:
    root = Path(settings.root or os.getcwd())
    out = []
    for entry in settings.rules_path:
        p = Path(entry)
        p = p if p.is_absolute() else root / p
        if not p.is_dir():
            raise ConfigError(f"{root} config: rules-path entry {entry!r}: no such folder ({p})")
        out.append(p)
    return out


def find_styles(settings: "Settings") -> tuple[list[Style], list[Style]]:
    """(styles in rules-path, shipped styles)."""
    project = [s for d in _rules_path_dirs(settings) for s in _styles_in(d, False)]
    shipped_dir = shipped_styles_dir()
    shipped = _styles_in(shipped_dir, True) if shipped_dir else []
    return project, shipped


def enabled_styles(settings: "Settings") -> list[Style]:
    project, shipped = find_styles(settings)
    if not settings.styles:
        # Every project style, plus shipped styles whose meta says enabled-by-default.
        names = {s.name for s in project}
        return _unique(project + [s for s in shipped if s.meta.enabled_by_default and s.name not in names])
    by_name: dict[str, Style] = {}
    for s in project + shipped:  # project styles shadow shipped ones of the same name
        by_name.setdefault(s.name, s)
    out = []
    for name in settings.styles:
        if name not in by_name:
            known = ", ".join(sorted(by_name)) or "none"
            raise ConfigError(f"{settings.root or '.'} config: styles: no style named {name!r} "
                              f"(available: {known})")
        out.append(by_name[name])
    return _unique(out)


def _unique(styles: list[Style]) -> list[Style]:
    seen: dict[str, Style] = {}
    for s in styles:
        if s.name in seen and seen[s.name].folder != s.folder:
            raise ConfigError(f"style {s.name!r} is defined twice: {seen[s.name].folder} and {s.folder}")
        seen.setdefault(s.name, s)
    return list(seen.values())


def load_style(style: Style) -> list[type["Rule"]]:
    return list(_load_folder(str(style.folder), style.name, _stamp(style.folder)))


def _stamp(folder: Path) -> tuple:
    """Cache key: every rule file's name, mtime and size (edits reload the style)."""
    out = []
    for p in _rule_files(folder) + ([folder / META_FILE] if (folder / META_FILE).is_file() else []):
        st = p.stat()
        out.append((p.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


@lru_cache(maxsize=64)
def _load_folder(folder: str, style: str, stamp: tuple) -> tuple[type["Rule"], ...]:
    from .kinds import build

    rules = []
    for path in _rule_files(Path(folder)):
        if not RULE_NAME.match(path.stem):
            raise ConfigError(f"{path}: rule file names must start with a letter and use letters, digits, - or _")
        rules.append(build(_definition(path), style, path.stem, path))
    return tuple(rules)


def _definition(path: Path) -> "Definition":
    """:func:`parse_rule`, or the definition it gave for the same file content and the same
    schema code, from the user cache: parsing reads YAML in pure Python and validating
    builds the schema's models, for the same few shipped files at every start. Only valid
    files are stored, so a broken one fails with the same message every time."""
    try:
        entry = f"rule-definition-{cache.key(path.read_bytes(), *_schema_code())}.marshal"
    except OSError:
        return parse_rule(path)  # which says the file cannot be read
    payload = cache.load(entry)
    if payload is not None:
        try:
            kind, values, fields_set = marshal.loads(payload)
            return MODELS[kind].model_construct(_fields_set=set(fields_set), **values)
        except (ValueError, TypeError, EOFError, KeyError):
            pass  # an entry of another layout: parse again
    definition = parse_rule(path)
    cache.store(entry, marshal.dumps((definition.extends, definition.model_dump(),
                                      sorted(definition.model_fields_set))))
    return definition


@lru_cache(maxsize=1)
def _schema_code() -> tuple[bytes, ...]:
    """What a rule file's validation depends on besides its content: the schema module's
    source, pydantic's version and the regex module as installed (its file's identity:
    importing it for its version would cost a run whose patterns all wait ~9 ms)."""
    import importlib.util

    import pydantic

    from . import schema

    with open(schema.__file__, "rb") as f:
        return (f.read(), pydantic.VERSION.encode(),
                *(p.encode() for p in cache.file_identity(importlib.util.find_spec("regex").origin)))


@stage("load rule packs")
def load_declarative_rules(settings: "Settings") -> list[type["Rule"]]:
    """Rule classes of every enabled style (raises ConfigError naming file and line)."""
    rules: list[type[Rule]] = []
    for style in enabled_styles(settings):
        rules.extend(load_style(style))
    return rules


def check_styles(settings: "Settings") -> list[str]:
    """Validate every style in rules-path and every shipped style without linting.

    Returns one line per style (``name: N rules``); raises ConfigError on the first
    broken file."""
    project, shipped = find_styles(settings)
    lines = []
    for style in _unique(project) + [s for s in shipped if s.name not in {p.name for p in project}]:
        rules = load_style(style)
        origin = "shipped" if style.shipped else str(style.folder)
        lines.append(f"{style.name}: {len(rules)} rules ({origin})")
    return lines
