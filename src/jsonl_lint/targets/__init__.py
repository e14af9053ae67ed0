"""Target profiles: what each fine-tuning provider and trainer accepts, as data.

One YAML file per target in ``profiles/`` (package data), validated strictly by
:mod:`jsonl_lint.targets.schema`. Users add or override targets in the config::

    [tool.jsonl-lint]
    target = ["together", "my-cluster"]          # what `check` judges (JL9xx)

    [tool.jsonl-lint.targets.my-cluster]         # a new target: TRL on our own cluster
    extends = "trl"
    max-tokens = 8192                            # our max_length
    tokenizer = "./tokenizer.json"               # our model's tokenizer (or a name such as llama3)

    [tool.jsonl-lint.targets.together.roles]     # override one value of a shipped target
    alternate = false

Besides the shorthand keys (``extends``, ``max-tokens``, ``tokenizer``, ``model``), a
target table takes any key of a profile file; its sections are merged over the base
profile and validated the same way, with the config file as their source.

``--model TARGET:MODEL`` (``together:meta-llama/Llama-3.3-70B-Instruct``) picks the base
model of a target: its tokenizer, limit and price. The model registry of ``--model``
(:mod:`jsonl_lint.tokens.models`) is read from these profiles: one source of truth.
"""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import ConfigError

if TYPE_CHECKING:
    from ..config import Settings
    from .schema import Model, Profile

PROFILES_DIR = Path(__file__).parent / "profiles"
SHORTHAND = ("extends", "max-tokens", "tokenizer", "model")
CONFIG_SOURCE = "config"


def profile_names() -> list[str]:
    """Names of the shipped targets (without reading the files)."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def _load(name: str) -> tuple[Profile, dict]:
    path = PROFILES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(f"no shipped target {name!r} (known: {', '.join(profile_names())})")
    from .schema import parse_profile  # pydantic models and YAML: only when a profile is read

    return parse_profile(path)


def shipped_profile(name: str) -> Profile:
    """One shipped profile, read on first use (the model registry needs only a few)."""
    return _load(name)[0]


def shipped_profiles() -> dict[str, Profile]:
    profiles = {name: shipped_profile(name) for name in profile_names()}
    for p in profiles.values():
        if p.models_from is not None and p.models_from not in profiles:
            raise ConfigError(f"{PROFILES_DIR / (p.name + '.yaml')}: models-from {p.models_from!r} names no target")
    return profiles


def models_of(profile: Profile, profiles: dict[str, Profile] | None = None) -> list[Model]:
    """A profile's base models (its own, or those of ``models-from``)."""
    if profile.models or profile.models_from is None:
        return list(profile.models)
    base = profiles.get(profile.models_from) if profiles else shipped_profile(profile.models_from)
    return list(base.models) if base is not None else []


# -- user-defined targets -----------------------------------------------------------------

@dataclass(frozen=True)
class UserTarget:
    """A target table of the config, resolved: the merged profile and its shorthand values."""

    profile: Profile
    max_tokens: int | None
    tokenizer: str | None  # a tokenizer name, or an absolute path to a tokenizer.json
    model: str | None


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "accepted":
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _user_target(name: str, table: dict, root: str, where: str) -> UserTarget:
    from ..tokens.encodings import TIKTOKEN_URLS
    from ..tokens.open_weights import known as known_tokenizers
    from .schema import parse_profile_data

    if not isinstance(table, dict):
        raise ConfigError(f"{where}: targets.{name} must be a table")
    profiles = shipped_profiles()
    base_name = table.get("extends", name if name in profiles else None)
    if base_name is not None and base_name not in profiles:
        raise ConfigError(f"{where}: targets.{name}.extends: no shipped target {base_name!r} "
                          f"(known: {', '.join(profiles)})")
    over = {k: v for k, v in table.items() if k not in SHORTHAND}
    data = dict(_load(base_name)[1]) if base_name else {}
    sources = dict(data.get("sources") or {})
    sources[CONFIG_SOURCE] = {"url": where, "date": datetime.date.today()}
    for key, value in over.items():  # a section the user writes is sourced to the config unless it says otherwise
        if isinstance(value, dict) and key not in ("sources", "status") and "source" not in value:
            over[key] = {**value, "source": CONFIG_SOURCE}
    merged = _merge(data, over)
    merged["sources"] = {**sources, **(over.get("sources") or {})}
    merged["name"] = name
    if base_name and base_name != name and "title" not in over:
        merged["title"] = f"{name} (extends {profiles[base_name].title})"
    if base_name and "models" not in over and "models-from" not in over and not data.get("models-from"):
        merged["models-from"], merged["models"] = base_name, []
    where_target = f"{where}: targets.{name}"
    profile = parse_profile_data(merged, where_target)
    max_tokens = table.get("max-tokens")
    if max_tokens is not None and (not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1):
        raise ConfigError(f"{where_target}.max-tokens: a positive integer (tokens per example)")
    tokenizer = table.get("tokenizer")
    if tokenizer is not None:
        if not isinstance(tokenizer, str) or not tokenizer:
            raise ConfigError(f"{where_target}.tokenizer: a tokenizer name or the path of a tokenizer.json")
        if tokenizer not in TIKTOKEN_URLS and tokenizer not in known_tokenizers():
            path = tokenizer if os.path.isabs(tokenizer) else os.path.join(root, tokenizer)
            if not os.path.isfile(path):
                raise ConfigError(f"{where_target}.tokenizer: {tokenizer!r} is neither a tokenizer name "
                                  f"({', '.join(list(TIKTOKEN_URLS) + known_tokenizers())}) nor a file ({path})")
            tokenizer = os.path.abspath(path)
    model = table.get("model")
    if model is not None and model not in {m.name for m in models_of(profile, profiles)} | \
            {a for m in models_of(profile, profiles) for a in m.aliases}:
        raise ConfigError(f"{where_target}.model: {model!r} is not a model of {name} "
                          f"(`jsonl-lint targets --models {name}` lists them)")
    return UserTarget(profile, max_tokens, tokenizer, model)


@lru_cache(maxsize=32)
def _user_targets(tables_json: str, root: str) -> dict[str, UserTarget]:
    tables = json.loads(tables_json)
    where = f"{root or '.'} config"
    return {name: _user_target(name, table, root, where) for name, table in tables.items()}


def user_targets(settings: "Settings") -> dict[str, UserTarget]:
    if not settings.targets:
        return {}
    return _user_targets(json.dumps(settings.targets, sort_keys=True, default=str), settings.root)


def all_profiles(settings: "Settings | None" = None) -> dict[str, Profile]:
    """Shipped profiles with the config's targets added or overriding them."""
    out = dict(shipped_profiles())
    if settings is not None:
        out.update({name: u.profile for name, u in user_targets(settings).items()})
    return out


def check_target_settings(settings: "Settings") -> None:
    """Settings validator: every user target is valid and every ``target`` name is known."""
    from ..config import ConfigError as _Err

    try:
        known = all_profiles(settings)
    except _Err as exc:
        raise ValueError(str(exc)) from None
    for name in settings.target:
        if name not in known:
            raise ValueError(f"key 'target': unknown target {name!r} (known: {', '.join(known)}; add your own under "
                             f"[tool.jsonl-lint.targets.{name}] with extends = \"trl\")")


# -- a run's targets ----------------------------------------------------------------------

@dataclass(frozen=True)
class RunTarget:
    """One target of a run: its profile, the base model chosen and what counts tokens."""

    name: str
    profile: Profile
    model: Model | None
    limit: int | None
    limit_source: str  # a phrase for "over ... of N": "trl's default limit", "the limit of MODEL"
    tokenizer: str | None  # tokenizer name or tokenizer.json path (None: the default estimate)
    price: float | None

    @property
    def status(self) -> str:
        return self.profile.status.state_on(datetime.date.today())

    def model_flag(self, key: str, default: bool) -> bool:
        """A model's own tools / images support, else the target's."""
        value = getattr(self.model, key, None) if self.model is not None else None
        return default if value is None else value

    def examples(self):
        """The token formula of this target: its tokenizer and its chat template's overheads.
        Targets with no public tokenizer count with o200k_base (shared with the JL6xx counts
        when the template is OpenAI's) and say so through :meth:`estimate_note`."""
        found = self.__dict__.get("_examples")  # asked for every record: kept on the (frozen) instance
        if found is None:
            from .. import tokens
            from ..tokens.open_weights import ESTIMATE

            name = self.tokenizer or ESTIMATE
            found = tokens.example_counter("o200k_base" if name == ESTIMATE else name, self.profile.tokens.template)
            object.__setattr__(self, "_examples", found)
        return found

    def estimate_note(self) -> str:
        """Why this target's counts are estimates ("" when they are exact)."""
        from ..tokens.open_weights import ESTIMATE, spread_phrase

        if (self.tokenizer or ESTIMATE) == ESTIMATE:
            return spread_phrase()
        counter = self.examples().counter
        return "" if counter.exact else counter.reason

    @property
    def tokenizer_name(self) -> str:
        from ..tokens.open_weights import ESTIMATE

        if self.tokenizer and os.path.isabs(self.tokenizer):
            return os.path.basename(self.tokenizer)
        return self.tokenizer or ESTIMATE

    @property
    def tools_supported(self) -> bool:
        return self.model_flag("tools", self.profile.tools.supported)

    @property
    def images_supported(self) -> bool:
        return self.model_flag("images", self.profile.images.supported)


def _find_model(models: list[Model], name: str) -> Model | None:
    return next((m for m in models if name == m.name or name in m.aliases), None)


def _chosen_model(name: str, profile: Profile, models: list[Model], settings: "Settings",
                  user: UserTarget | None) -> Model | None:
    if user is not None and user.model:
        return _find_model(models, user.model)
    model = settings.model
    prefix = f"{name}:"
    if model.startswith(prefix):
        found = _find_model(models, model[len(prefix):])
        if found is not None:
            return found
    if profile.bare_model_names or (profile.models_from and shipped_profile(profile.models_from).bare_model_names):
        found = _find_model(models, model)
        if found is not None:
            return found
    if ":" not in model or model.startswith("ft:"):  # an OpenAI model on an OpenAI-compatible target (Azure)
        from ..tokens.models import find_model

        info = find_model(model)
        found = _find_model(models, info.name) if info is not None else None
        if found is not None:
            return found
    default = profile.tokens.default_model
    return _find_model(models, default) if default else None


def resolve_target(name: str, settings: "Settings") -> RunTarget:
    profiles = all_profiles(settings)
    if name not in profiles:
        raise ConfigError(f"unknown target {name!r} (known: {', '.join(profiles)})")
    profile = profiles[name]
    user = user_targets(settings).get(name)
    models = models_of(profile, profiles)
    model = _chosen_model(name, profile, models, settings, user)
    tokenizer = (user.tokenizer if user and user.tokenizer else None) or (model.tokenizer if model else None) \
        or profile.tokens.tokenizer
    limits = []
    if user is not None and user.max_tokens:
        limits.append((user.max_tokens, "the configured max-tokens"))  # phrases read "over ... of N"
    else:
        if profile.tokens.limit:
            limits.append((profile.tokens.limit, f"{name}'s default limit"))
        if model is not None and model.limit:
            limits.append((model.limit, f"the limit of {model.name}"))
    limit, source = min(limits) if limits else (None, "")
    return RunTarget(name, profile, model, limit, source, tokenizer, model.price if model else None)


_RUN_TARGETS: dict[str, tuple[RunTarget, ...]] = {}


def run_targets(settings: "Settings") -> tuple[RunTarget, ...]:
    """The targets ``check`` judges (``--target`` / ``target``), resolved once per settings."""
    if not settings.target:
        return ()
    key = json.dumps([settings.target, settings.targets, settings.model, settings.root], default=str)
    found = _RUN_TARGETS.get(key)
    if found is None:
        found = _RUN_TARGETS[key] = tuple(resolve_target(name, settings) for name in settings.target)
    return found


def clear_caches() -> None:
    _load.cache_clear()
    _user_targets.cache_clear()
    _RUN_TARGETS.clear()
