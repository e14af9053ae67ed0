"""Target models: token encoding, per-example training limit, and training price.

The figures live in the target profiles (``jsonl_lint/targets/profiles/*.yaml``), each
with its source and date: this module is their view for ``--model``. OpenAI's models (and
the open-weight models of the ``trl`` profile) keep their bare names (``gpt-4o-mini``);
every other target's models are ``TARGET:MODEL`` (``together:Qwen/Qwen3-8B``). Limits are
per-example training contexts; longer examples are truncated from the end. Prices are
dollars per 1M *training* tokens and change over time: ``prices`` in the config overrides
any of them (``[tool.jsonl-lint.prices]`` ``"gpt-4o-mini-2024-07-18" = 3.0``).
"""

from __future__ import annotations

import marshal
import os
from dataclasses import astuple, dataclass
from functools import lru_cache

from .. import cache
from ..config import ConfigError


@dataclass(frozen=True)
class ModelInfo:
    name: str
    encoding: str | None  # tokenizer name (tiktoken encoding or open-weight tokenizer); None: --tokenizer
    limit: int | None  # training tokens per example
    limit_source: str
    price: float | None = None  # $ per 1M training tokens
    provider: str = "openai"  # the target profile it comes from
    aliases: tuple[str, ...] = ()
    price_source: str = ""  # the profile's source of the price (address and note)
    price_date: str = ""  # when that source was read


# Targets whose models keep their bare names (a test checks this against the profiles'
# bare-model-names): listed here so a bare name never reads every profile.
BARE_NAME_TARGETS = ("openai", "trl")


@lru_cache(maxsize=None)
def _target_models(target: str) -> dict[str, ModelInfo]:
    """The models of one target profile by every name they answer to within it: read from
    the user cache when the profile file and the code that reads it are unchanged, since
    validating a profile imports the profile schema's models and YAML (most of a small
    check's start)."""
    entry = _cache_entry(target)
    payload = cache.load(entry) if entry else None
    if payload is not None:
        try:
            kind, value = marshal.loads(payload)
            if kind == "models-from":
                return _target_models(value)
            infos, names = value
            found = [ModelInfo(*fields) for fields in infos]
            return {n: found[i] for n, i in names}
        except (ValueError, TypeError, EOFError):
            pass  # an entry of another layout: build it again
    from ..targets import shipped_profile

    profile = shipped_profile(target)
    if profile.models_from:  # the same models as another target (trainers that take any HF model)
        if entry:
            cache.store(entry, marshal.dumps(("models-from", profile.models_from)))
        return _target_models(profile.models_from)
    by_name: dict[str, ModelInfo] = {}
    for m in profile.models:
        sources = [profile.sources[s] for s in m.source]
        priced = [s for s in sources if "pric" in s.url] or sources
        # Short and without parentheses (stats prints it in some): the addresses are in docs/targets.md.
        limit_keys = [k for k in m.source if "pric" not in profile.sources[k].url] or m.source
        limit_source = f"{target} target profile: " + ", ".join(
            f"{k} read {profile.sources[k].date}" for k in limit_keys)
        if "limit" in m.unconfirmed:
            limit_source += ", unconfirmed"
        price_source = "; ".join(s.url + (f", {s.note}" if s.note else "") for s in priced)
        bare = profile.bare_model_names
        info = ModelInfo(m.name if bare else f"{target}:{m.name}", m.tokenizer, m.limit,
                         limit_source, m.price, target, tuple(m.aliases) if bare else (),
                         price_source, max(str(s.date) for s in priced))
        for n in (m.name, *m.aliases):
            by_name.setdefault(n, info)
    if entry:
        index: dict[int, int] = {}  # one entry per model, however many names it has
        for info in by_name.values():
            index.setdefault(id(info), len(index))
        infos = list({id(info): astuple(info) for info in by_name.values()}.values())
        cache.store(entry, marshal.dumps(("models", (infos, [(n, index[id(i)]) for n, i in by_name.items()]))))
    return by_name


def _cache_entry(target: str) -> str | None:
    """The user-cache name of a target's models: the hash of its profile file and of the
    code that turns a profile into models (None when a file cannot be read)."""
    from ..targets import PROFILES_DIR

    try:
        profile = (PROFILES_DIR / f"{target}.yaml").read_bytes()
        code = _code()
    except OSError:
        return None
    return f"target-models-{cache.key(profile, *code)}.marshal"


@lru_cache(maxsize=1)
def _code() -> tuple[bytes, ...]:
    """The source of this module and of the profile schema."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = []
    for path in (os.path.abspath(__file__), os.path.join(package, "targets", "schema.py")):
        with open(path, "rb") as f:
            out.append(f.read())
    return tuple(out)


def all_models() -> tuple[ModelInfo, ...]:
    from ..targets import profile_names

    out: dict[str, ModelInfo] = {}
    for target in profile_names():
        for info in _target_models(target).values():
            out.setdefault(info.name, info)
    return tuple(out.values())


def known_models() -> list[str]:
    return [m.name for m in all_models()]


def find_model(name: str) -> ModelInfo | None:
    """A model by name or alias: bare for OpenAI's (and the trl profile's open-weight models),
    TARGET:MODEL for any target's; fine-tuned names ("ft:gpt-4o-mini-2024-07-18:org::id")
    map to their base."""
    from ..targets import profile_names

    if name.startswith("ft:"):
        name = name.split(":")[1]
    target, sep, rest = name.partition(":")
    if sep and target in profile_names():
        return _target_models(target).get(rest)
    for target in BARE_NAME_TARGETS:
        found = _target_models(target).get(name)
        if found is not None:
            return found
    return None


def model_info(name: str) -> ModelInfo:
    info = find_model(name)
    if info is None:
        raise ConfigError(unknown_model_message(name))
    return info


def unknown_model_message(name: str) -> str:
    bare = list(dict.fromkeys(m for t in BARE_NAME_TARGETS for m in _target_models(t).values()))
    aliases = [a for m in bare for a in m.aliases]
    return (f"unknown model {name!r}; known models: {', '.join(m.name for m in bare)} (aliases: {', '.join(aliases)}), "
            f"or TARGET:MODEL for another target's base model; 'ft:<base>:...' names use their base "
            f"(`jsonl-lint models` lists them all with their limits and prices)")


def check_model_name(name: str) -> str:
    """Settings validator: raises ValueError with the known models."""
    if find_model(name) is None:
        raise ValueError(unknown_model_message(name))
    return name


def price_for(name: str, prices: dict[str, float] | None = None) -> tuple[float | None, str]:
    """$ per 1M training tokens and where the figure comes from."""
    info = model_info(name)
    prices = prices or {}
    for key in (name, info.name, *info.aliases):
        if key in prices:
            return float(prices[key]), "config 'prices'"
    if info.price is None:
        return None, "no price known (set 'prices' in the config)"
    return info.price, f"price table of {info.price_date}"
