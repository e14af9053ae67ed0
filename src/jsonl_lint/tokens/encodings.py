"""Offline token encodings: tiktoken BPE files verified by sha256, local tokenizer.json files.

tiktoken downloads its encoding files on first use. jsonl-lint never does: it looks for
the file, in this order,

1. in the ``bpe-openai`` wheel (``bpe_openai/data/<name>.tiktoken.gz``), a dependency,
2. in tiktoken's own cache (``$TIKTOKEN_CACHE_DIR``, ``$DATA_GYM_CACHE_DIR`` or
   ``<tmp>/data-gym-cache``), where an earlier online tiktoken run left it,

and accepts it only when its sha256 equals the hash tiktoken itself expects (read from
``tiktoken_ext.openai_public``). The pattern and special tokens come from the same
constructors, so the resulting ``tiktoken.Encoding`` is tiktoken's, byte for byte.
Nothing is written except to jsonl-lint's user cache (``cache.py``): the parsed ranks and
the fact that a file, as it is now, was verified. When no verified file exists,
:func:`load_counter` returns an :class:`ApproximateCounter` whose ``reason`` says why;
callers report it once.
"""

from __future__ import annotations

import binascii
import gzip
import hashlib
import marshal
import os
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from .. import cache
from ..timings import stage

# The encodings jsonl-lint can load offline, with the URL tiktoken would fetch.
TIKTOKEN_URLS = {
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
}
CHARS_PER_TOKEN = 4.0  # the approximate fallback: ~4 characters of English per token
MEMO_SIZE = 4096  # distinct texts remembered per process by TiktokenCounter.count


class EncodingUnavailable(Exception):
    """No verified encoding file could be found offline."""


class TokenCounter:
    """Counts tokens of plain text. ``exact`` is False for the character estimate."""

    name: str = ""
    exact: bool = True
    source: str = ""
    reason: str = ""  # why counts are approximate (empty when exact)
    max_length: int | None = None  # a tokenizer.json's own truncation length, if any
    bytes_bound: bool = False  # no text has more tokens than UTF-8 bytes (byte-level BPE): see tokens.bound

    def count(self, text: str) -> int:
        raise NotImplementedError

    def count_once(self, text: str) -> int:
        """``count`` for a text that is unlikely to repeat (a reply, a question)."""
        return self.count(text)

    def prefetch(self, texts: list[str]) -> None:
        """Texts ``count_once`` is about to be asked for; a counter may count them now, together."""

    def offsets(self, text: str) -> list[int]:
        """Start offset (in code points) of every token of ``text``."""
        raise NotImplementedError

    def char_offset(self, text: str, tokens: int) -> int:
        """Code-point offset in ``text`` where token number ``tokens`` (0-based) starts."""
        if tokens <= 0:
            return 0
        offs = self.offsets(text)
        return offs[tokens] if tokens < len(offs) else len(text)


class TiktokenCounter(TokenCounter):
    """Counts with a ``tiktoken.Encoding``, given, or loaded by ``loader`` on first use
    (a run whose records are all far below every limit never tokenizes: see
    ``tokens.bound``), so knowing the counter is exact costs no loading."""

    bytes_bound = True  # every token of a byte-level BPE covers at least one byte

    def __init__(self, encoding, source: str, *, name: str = "", loader: "Callable[[], object] | None" = None):
        self.source = source
        self.name = name
        self._loader = loader
        if encoding is not None:
            self._use(encoding)
        self._memo: dict[str, int] = {}
        self._prefetched: dict[int, tuple[str, int]] = {}

    def _use(self, encoding) -> None:
        self.encoding = encoding
        self.name = encoding.name
        # encode_ordinary: user text may contain "<|endoftext|>" and is counted as text. The
        # Rust method directly (tiktoken's wrapper only retries lone surrogates, handled below).
        self._encode = encoding._core_bpe.encode_ordinary

    def __getattr__(self, attr: str):
        # Only for attributes not set yet: the encoding and its method, before the first use.
        if attr in ("encoding", "_encode") and self.__dict__.get("_loader") is not None:
            with _PATCH_LOCK:
                if "encoding" not in self.__dict__:
                    self._use(self._loader())
            return self.__dict__[attr]
        raise AttributeError(attr)

    def count(self, text: str) -> int:
        # Texts that repeat (the same system prompt or tool on every record) are counted once.
        memo = self._memo
        n = memo.get(text)
        if n is None:
            n = self.count_once(text)
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[text] = n
        return n

    def count_once(self, text: str) -> int:
        # Not remembered: hashing and storing a text that never comes back costs ~5% of counting it.
        found = self._prefetched.get(id(text))
        if found is not None and found[0] is text:
            return found[1]
        try:
            return len(self._encode(text))
        except UnicodeEncodeError:  # lone surrogates: tiktoken's own fallback
            return len(self.encoding.encode_ordinary(text))

    def prefetch(self, texts: list[str]) -> None:
        # One tight loop: the tokenizer's tables stay in the CPU caches between texts, which
        # interleaving with other per-record work evicts. Keyed by identity (no hashing of long
        # texts); each entry keeps its text alive, so an id cannot be reused while it is here.
        encode, out = self._encode, {}
        for text in texts:
            try:
                out[id(text)] = (text, len(encode(text)))
            except UnicodeEncodeError:
                pass  # count_once falls back for this one
        self._prefetched = out

    def offsets(self, text: str) -> list[int]:
        tokens = self._encode(text)
        _, offs = self.encoding.decode_with_offsets(tokens)
        return offs


class HFCounter(TokenCounter):
    """A local Hugging Face ``tokenizer.json`` (``tokenizers`` library, no hub access)."""

    def __init__(self, path: str):
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(path)
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.name = os.path.basename(os.path.dirname(os.path.abspath(path))) or path
        self.source = path
        self.max_length = _truncation_length(path)

    def count(self, text: str) -> int:
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def offsets(self, text: str) -> list[int]:
        enc = self.tokenizer.encode(text, add_special_tokens=False)
        return [s for s, _ in enc.offsets]


class ApproximateCounter(TokenCounter):
    """ceil(characters / 4): said to be approximate wherever it is used."""

    exact = False
    bytes_bound = True

    def __init__(self, name: str, reason: str):
        self.name = name
        self.reason = reason
        self.source = "estimate: 1 token per 4 characters"

    def count(self, text: str) -> int:
        return -(-len(text) // 4)

    def offsets(self, text: str) -> list[int]:
        return list(range(0, len(text), 4))


def _truncation_length(path: str) -> int | None:
    import json

    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        trunc = data.get("truncation") or {}
        value = trunc.get("max_length")
        return int(value) if isinstance(value, int) and value > 0 else None
    except (OSError, ValueError, AttributeError):
        return None


# -- tiktoken files -------------------------------------------------------------------

def bundled_path(name: str) -> str | None:
    """The ``.tiktoken.gz`` file shipped in the bpe-openai wheel, if installed."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("bpe_openai")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "data", f"{name}.tiktoken.gz")
    return path if os.path.isfile(path) else None


def tiktoken_cache_path(name: str) -> str | None:
    """Where tiktoken's own cache would hold the file (it is only read, never written)."""
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR", os.environ.get("DATA_GYM_CACHE_DIR"))
    if cache_dir is None:
        cache_dir = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    if not cache_dir:
        return None
    key = hashlib.sha1(TIKTOKEN_URLS[name].encode()).hexdigest()
    path = os.path.join(cache_dir, key)
    return path if os.path.isfile(path) else None


def _read(path: str) -> bytes:
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def parse_ranks(data: bytes) -> dict[bytes, int]:
    # binascii directly: base64.b64decode's Python wrapper adds ~20% to parsing 200k ranks (every start).
    a2b = binascii.a2b_base64
    return {a2b(tok): int(rank) for tok, rank in (line.split() for line in data.splitlines() if line)}


_PATCH_LOCK = threading.RLock()  # also serialises a lazy counter's first load


def tiktoken_params(name: str, ranks_for: Callable[[str, str], dict[bytes, int]]) -> dict:
    """Run tiktoken's own constructor for ``name`` with its loader replaced by
    ``ranks_for(url, expected_sha256)``: pattern, special tokens and the expected hash
    come from tiktoken, the bytes from a local file."""
    import tiktoken_ext.openai_public as public

    with _PATCH_LOCK:
        original = public.load_tiktoken_bpe
        public.load_tiktoken_bpe = lambda url, expected_hash=None: ranks_for(url, expected_hash)
        try:
            return public.ENCODING_CONSTRUCTORS[name]()
        finally:
            public.load_tiktoken_bpe = original


def _ranks_entry(expected: str) -> str:
    return f"bpe-ranks-{expected}.marshal"


def _cached_ranks(expected: str | None) -> dict[bytes, int] | None:
    """The ranks parsed from a file whose SHA-256 was ``expected``, from the user cache
    (written only after that check): 4x faster than parsing the file at every start."""
    if not expected:
        return None
    data = cache.load(_ranks_entry(expected))
    if data is None:
        return None
    try:
        ranks = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    return ranks if isinstance(ranks, dict) else None


def expected_hash(name: str) -> str | None:
    """The SHA-256 tiktoken expects of the encoding's file (from its own constructor), kept
    in the user cache for the constructors' file as it is now: reading it imports tiktoken,
    ~10 ms of a small run that never tokenizes (``tokens.bound``)."""
    entry = _expected_entry(name)
    found = cache.load(entry) if entry else None
    if found:
        return found.decode("ascii")
    expected = _constructor_hash(name)
    if entry and expected:
        cache.store(entry, expected.encode("ascii"))
    return expected


def _expected_entry(name: str) -> str | None:
    try:
        import importlib.util

        spec = importlib.util.find_spec("tiktoken_ext.openai_public")  # without importing it
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not os.path.isfile(spec.origin):
        return None
    return f"tiktoken-expected-{cache.key(*cache.file_identity(spec.origin), name)}"


def _constructor_hash(name: str) -> str | None:
    seen: dict = {}

    def ranks_for(url: str, expected: str | None) -> dict[bytes, int]:
        seen["expected"] = expected
        return {}

    try:
        tiktoken_params(name, ranks_for)
    except Exception:  # tiktoken_ext missing or changed: no verified loading possible
        return None
    return seen.get("expected")


def verified_path(name: str) -> str:
    """The first local file of ``name`` with tiktoken's expected SHA-256; raises :class:`EncodingUnavailable` naming every place looked at."""
    if name not in TIKTOKEN_URLS:
        raise EncodingUnavailable(f"encoding {name!r} is not one jsonl-lint can load offline "
                                  f"(known: {', '.join(TIKTOKEN_URLS)})")
    expected = expected_hash(name)
    problems = []
    for path in candidates(name):
        try:
            seen = _verified_entry(path, expected)
            if seen is not None and cache.load(seen) == b"verified":
                return path  # this very file (path, size, modification time) was verified before
            actual = hashlib.sha256(_read(path)).hexdigest()
        except (OSError, EOFError, ValueError) as exc:
            problems.append(f"{path}: unreadable ({exc})")
            continue
        if expected is not None and actual == expected:
            if seen is not None:
                cache.store(seen, b"verified")
            return path
        problems.append(f"{path}: sha256 {actual[:12]}… is not tiktoken's {str(expected)[:12]}…")
    where = "; ".join(problems) if problems else (
        "no bpe-openai data file and nothing in tiktoken's cache (TIKTOKEN_CACHE_DIR)")
    raise EncodingUnavailable(f"no verified {name} encoding file found offline: {where}")


def _verified_entry(path: str, expected: str | None) -> str | None:
    """The user-cache entry recording that ``path``, as it is now, has the ``expected``
    SHA-256: hashing the decompressed file costs more than the rest of a small run's start.
    Keyed by the file's identity (``cache.file_identity``), so a changed file is hashed again."""
    if expected is None:
        return None
    return f"encoding-verified-{cache.key(*cache.file_identity(path), expected)}"


def candidates(name: str) -> list[str]:
    return [p for p in (bundled_path(name), tiktoken_cache_path(name)) if p]


@stage("load encoding")
def load_tiktoken(name: str, paths: list[str] | None = None):
    """A ``tiktoken.Encoding`` for ``name`` from the first verified local file.

    Raises :class:`EncodingUnavailable` naming every place looked at."""
    import tiktoken

    if name not in TIKTOKEN_URLS:
        raise EncodingUnavailable(f"encoding {name!r} is not one jsonl-lint can load offline "
                                  f"(known: {', '.join(TIKTOKEN_URLS)})")
    paths = candidates(name) if paths is None else paths
    problems: list[str] = []
    for path in paths:
        chosen: dict = {}

        def ranks_for(url: str, expected: str | None, path=path, chosen=chosen) -> dict[bytes, int]:
            data = _read(path)
            actual = hashlib.sha256(data).hexdigest()
            if expected is None or actual != expected:
                raise EncodingUnavailable(f"{path}: sha256 {actual[:12]}… is not tiktoken's {str(expected)[:12]}…")
            chosen["path"] = path
            ranks = _cached_ranks(expected)
            if ranks is None:
                ranks = parse_ranks(data)
                cache.store(_ranks_entry(expected), marshal.dumps(ranks))
            return ranks

        try:
            params = tiktoken_params(name, ranks_for)
        except EncodingUnavailable as exc:
            problems.append(str(exc))
            continue
        except (OSError, EOFError, ValueError) as exc:
            problems.append(f"{path}: unreadable ({exc})")
            continue
        params = dict(params)
        params.pop("explicit_n_vocab", None)
        return tiktoken.Encoding(**params), chosen.get("path", path)
    where = "; ".join(problems) if problems else (
        "no bpe-openai data file and nothing in tiktoken's cache (TIKTOKEN_CACHE_DIR)")
    raise EncodingUnavailable(f"no verified {name} encoding file found offline: {where}")


@dataclass(frozen=True)
class CounterKey:
    encoding: str | None
    tokenizer: str | None


@lru_cache(maxsize=16)
@stage("load encoding")
def _load(key: CounterKey) -> TokenCounter:
    if key.tokenizer:
        return HFCounter(key.tokenizer)
    if key.encoding is None:
        return ApproximateCounter("estimate", "this model has no tiktoken encoding; pass its tokenizer.json "
                                              "with --tokenizer PATH for exact counts")
    if key.encoding not in TIKTOKEN_URLS:
        return _open_weights(key.encoding)
    try:
        path = verified_path(key.encoding)
    except EncodingUnavailable as exc:
        return ApproximateCounter(key.encoding, str(exc))
    return TiktokenCounter(None, path, name=key.encoding, loader=lambda: load_tiktoken(key.encoding, [path])[0])


def _open_weights(name: str) -> TokenCounter:
    """An open-weight model's tokenizer from its wheel, else the labelled o200k estimate."""
    from . import open_weights as ow

    if name not in ow.TOKENIZERS and name != ow.ESTIMATE:
        raise ValueError(f"unknown tokenizer {name!r} (known: {', '.join(list(TIKTOKEN_URLS) + ow.known())})")
    base = _load(CounterKey("o200k_base", None))
    if name == ow.ESTIMATE:
        return ow.EstimateCounter(base)
    try:
        return ow.load(name)
    except ow.TokenizerUnavailable as exc:
        return ow.EstimateCounter(base, f"{exc}; estimated with o200k_base meanwhile", name=name)


def load_counter(encoding: str | None, tokenizer: str | None = None) -> TokenCounter:
    """The (cached) counter for a tiktoken encoding name or a local tokenizer.json."""
    return _load(CounterKey(encoding, os.path.abspath(tokenizer) if tokenizer else None))


def clear_cache() -> None:
    _load.cache_clear()
