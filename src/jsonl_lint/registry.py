"""Rule discovery, selection and the resolved rule pack of a run.

Built-in rules are every ``Rule`` subclass in the ``jsonl_lint.rules`` package;
plugins register more through the ``jsonl_lint.rules`` entry-point group (a
zero-argument callable returning rule classes); declarative YAML rules compile
to the same classes. Selection follows flake8 and ruff: the longest matching
selector wins, and ``ignore`` wins a tie.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Iterable

from pydantic import ValidationError

from .config import ConfigError, Settings, format_validation_error
from .diagnostics import Severity
from .rule import DatasetRule, RecordRule, Rule, default_options
from .timings import stage

ENTRY_POINT_GROUP = "jsonl_lint.rules"


@lru_cache(maxsize=1)
@stage("load rules")
def builtin_rules() -> tuple[type[Rule], ...]:
    from . import rules as package

    found: list[type[Rule]] = []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, Rule) and obj.__module__ == module.__name__
                    and "code" in vars(obj)):
                found.append(obj)
    return tuple(sorted(found, key=lambda r: r.code))


@lru_cache(maxsize=1)
def plugin_rules() -> tuple[type[Rule], ...]:
    found: list[type[Rule]] = []
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.value.split(":")[0] == "jsonl_lint.rules":
            continue  # the built-ins, already loaded
        try:
            found.extend(ep.load()())
        except Exception as exc:  # a broken plugin must fail loudly, not be skipped
            raise ConfigError(f"plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from None
    return tuple(found)


def all_rules(settings: Settings | None = None) -> tuple[type[Rule], ...]:
    rules = list(builtin_rules()) + list(plugin_rules())
    if settings is not None:  # shipped styles enabled by default (AIBoilerplate), rules-path, styles
        from .declarative import load_declarative_rules

        rules += load_declarative_rules(settings)
    _check_unique(rules)
    return tuple(rules)


def _check_unique(rules: Iterable[type[Rule]]) -> None:
    seen: dict[str, type[Rule]] = {}
    for r in rules:
        for key in (r.code, r.name):
            if key in seen and seen[key] is not r:
                raise ConfigError(f"rule {key!r} is defined twice ({seen[key].__module__} and {r.__module__})")
            seen[key] = r


def find_rule(ref: str, rules: Iterable[type[Rule]]) -> type[Rule] | None:
    for r in rules:
        if ref in (r.code, r.name):
            return r
    return None


def _match_length(selector: str, rule: type[Rule]) -> int:
    """How specifically ``selector`` names ``rule`` (0: not at all)."""
    if selector == "ALL":
        return 1
    if selector == rule.name or selector == rule.code:
        return 100
    if rule.code.startswith(selector):
        return 1 + len(selector)
    if selector.endswith(".") and rule.name.startswith(selector):  # declarative style "Tone."
        return 1 + len(selector)
    return 0


def is_selected(rule: type[Rule], select: Iterable[str], ignore: Iterable[str]) -> bool | None:
    """True/False when a selector decides, None when none matches."""
    best_select = max((_match_length(s, rule) for s in select), default=0)
    best_ignore = max((_match_length(s, rule) for s in ignore), default=0)
    if not best_select and not best_ignore:
        return None
    return best_select > best_ignore


def validate_selectors(selectors: Iterable[str], rules: Iterable[type[Rule]], where: str) -> None:
    rules = list(rules)
    for s in selectors:
        if s == "ALL" or any(_match_length(s, r) for r in rules):
            continue
        raise ConfigError(f"{where}: {s!r} matches no rule code, prefix or name (see `jsonl-lint rules`)")


@dataclass(frozen=True)
class RulePack:
    """The rules of one run, instantiated with their options and severities."""

    record_rules: tuple[RecordRule, ...]
    dataset_rules: tuple[DatasetRule, ...]
    severities: dict[str, Severity]
    settings: Settings
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Warnings about the selection itself (a selector that enables nothing without preview),
    # for the CLI's stderr and the language server's log; the engine never prints them.
    notes: tuple[str, ...] = ()
    # Codes whose severity the configuration sets (it then overrides a finding's own).
    configured_severities: frozenset[str] = frozenset()

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.record_rules + self.dataset_rules

    def ignored_in(self, rule: Rule, path: str) -> bool:
        rel = os.path.relpath(path, self.settings.root) if self.settings.root and os.path.isabs(path) else path
        for pattern, selectors in self.per_file_ignores:
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern):
                if any(_match_length(s, type(rule)) for s in selectors):
                    return True
        return False

    def applicable(self, path: str, levels: frozenset[str]) -> tuple[tuple[RecordRule, ...], tuple[DatasetRule, ...]]:
        """The selection every runner uses (CLI engine, workers, language server): the
        record and dataset rules that apply to ``path`` (per-file ignores applied) and to
        records satisfying ``levels``, without the rules whose options leave nothing to check
        (nor the target rules of a run without a target)."""
        keep = [r for r in self.rules if r.active() and r.requires in levels
                and not (r.needs_target and not self.settings.target)
                and not (path and self.ignored_in(r, path))]
        return (tuple(r for r in keep if isinstance(r, RecordRule)),
                tuple(r for r in keep if isinstance(r, DatasetRule)))


def resolve(settings: Settings, rules: Iterable[type[Rule]] | None = None) -> RulePack:
    rules = tuple(rules) if rules is not None else all_rules(settings)
    where = f"{settings.root or '.'} config"
    select = settings.select + settings.extend_select
    ignore = settings.ignore + settings.extend_ignore
    validate_selectors(select + ignore, rules, where)
    for selectors in settings.per_file_ignores.values():
        validate_selectors(selectors, rules, where)
    for key in settings.severity:
        validate_selectors((key,), rules, f"{where} [severity]")

    chosen: list[Rule] = []
    severities: dict[str, Severity] = {}
    for cls in rules:
        if not is_enabled(cls, settings, select, ignore):
            continue
        options = _options_for(cls, settings)
        chosen.append(cls(options))
        severities[cls.code] = _severity_for(cls, settings)
    for ref in settings.rules:
        if find_rule(ref, rules) is None:
            raise ConfigError(f"{where}: [rules.{ref}] names no rule (use a code such as JL601 or a name)")
    return RulePack(
        record_rules=tuple(r for r in chosen if isinstance(r, RecordRule)),
        dataset_rules=tuple(r for r in chosen if isinstance(r, DatasetRule)),
        severities=severities,
        settings=settings,
        per_file_ignores=tuple(settings.per_file_ignores.items()),
        notes=preview_notes(settings, rules, select),
        configured_severities=frozenset(r.code for r in chosen
                                        if any(_match_length(s, type(r)) for s in settings.severity)),
    )


def is_enabled(cls: type[Rule], settings: Settings, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Whether a run with these settings runs ``cls``: the selectors decide, else the
    rule's default (only when no ``select`` is given); a preview rule also needs preview."""
    select, ignore = tuple(select), tuple(ignore)
    decided = is_selected(cls, select, ignore)
    if decided is None:
        decided = cls.default_enabled and not settings.select
    return decided and preview_allows(cls, settings, select)


def preview_allows(cls: type[Rule], settings: Settings, select: Iterable[str]) -> bool:
    """Ruff's preview semantics: a preview rule runs only with preview on, and with
    ``explicit-preview-rules`` only when a selector names it exactly."""
    if not cls.preview:
        return True
    if not settings.preview:
        return False
    return not settings.explicit_preview_rules or any(s in (cls.code, cls.name) for s in select)


def preview_notes(settings: Settings, rules: Iterable[type[Rule]], select: Iterable[str]) -> tuple[str, ...]:
    """A warning for each selector that matches only preview rules while preview is off
    (it would otherwise be silently ignored)."""
    if settings.preview:
        return ()
    rules = tuple(rules)
    notes = []
    for s in dict.fromkeys(select):
        matched = [r for r in rules if s != "ALL" and _match_length(s, r)]
        if matched and all(r.preview for r in matched):
            notes.append(f"selection {s!r} has no effect because preview is not enabled "
                         "(pass --preview or set preview = true)")
    return tuple(notes)


def secret_detectors(pack: RulePack) -> tuple[RecordRule, ...]:
    """The rules that find secrets, with the run's options, selected or not: outputs mask
    what they find even when their findings are not reported (see jsonl_lint.masking)."""
    chosen = {r.code: r for r in pack.record_rules}
    return tuple(chosen.get(cls.code) or cls(_options_for(cls, pack.settings))
                 for cls in builtin_rules() + plugin_rules() if cls.finds_secrets)


def _options_for(cls: type[Rule], settings: Settings):
    raw: dict = {}
    for key in (cls.code, cls.name):
        raw.update(settings.rules.get(key, {}))
    if not raw:
        return default_options(cls.Options)
    try:
        return cls.Options.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, f"{settings.root or '.'} config",
                                                  f"[rules.{cls.name}]")) from None


def _severity_for(cls: type[Rule], settings: Settings) -> Severity:
    best, severity = 0, cls.severity
    for selector, value in settings.severity.items():
        length = _match_length(selector, cls)
        if length > best:
            best, severity = length, value
    return severity
