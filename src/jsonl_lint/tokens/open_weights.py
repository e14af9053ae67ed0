"""Offline tokenizers of open-weight models, read from the PyPI wheels that ship them.

| name | file (package, optional extra) | what |
|---|---|---|
| ``llama3`` | ``llama_models/llama3/tokenizer.model`` (``llama-models``, ``jsonl-lint[llama]``) | Llama 3.x BPE |
| ``llama4`` | ``llama_models/llama4/tokenizer.model`` (same) | Llama 4 BPE |
| ``mistral-v1`` … ``mistral-v7`` | ``mistral_common/data/*.model.v*`` (``mistral-common[sentencepiece]``, ``jsonl-lint[mistral]``) | SentencePiece |
| ``tekken-240718``, ``tekken-240911`` | ``mistral_common/data/tekken_*.json`` (same) | Tekken BPE |
| ``qwen`` | ``dashscope/resources/qwen.tiktoken`` (``dashscope``, ``jsonl-lint[qwen]``) | Qwen BPE |

Each file is found without importing its package and accepted only when its sha256 equals
the one pinned here (the bytes of the named wheel version), as the OpenAI encodings are.
Counts equal the reference implementation's own ``encode`` of the same text (without BOS /
EOS), including its splitting of very long inputs; the tests compare them on corpora.

When the package is missing or its file differs, :func:`load` raises
:class:`TokenizerUnavailable` naming the extra to install; callers fall back to the
labelled estimate, never silently.

``estimate`` is for models with no public tokenizer (Gemini 2.5, Nova, Claude): the
o200k_base count, a large modern vocabulary, with the spread measured against the exact
tokenizers above (:data:`ESTIMATE_SPREAD`, ``bench/estimate_error.py``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import unicodedata
from dataclasses import dataclass

from .encodings import TiktokenCounter, TokenCounter, parse_ranks


class TokenizerUnavailable(Exception):
    """The tokenizer's package is not installed or its file is not the expected one."""


@dataclass(frozen=True)
class Spec:
    name: str
    package: str  # import name of the package that ships the file
    path: str  # inside the package
    sha256: str
    extra: str  # jsonl-lint extra that installs the package
    distribution: str  # what pip installs
    kind: str  # tiktoken | sentencepiece | tekken
    description: str
    pattern: str = ""


LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
                  r"\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA4_PATTERN = (r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+"
                  r"(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+"
                  r"[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|"
                  r"\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
                r"\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN_SPECIALS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>") + tuple(f"<|extra_{i}|>" for i in range(205))
QWEN_SPECIAL_START = 151643

_LLAMA = dict(package="llama_models", extra="llama", distribution="llama-models", kind="tiktoken")
_MISTRAL = dict(package="mistral_common", extra="mistral", distribution="mistral-common[sentencepiece]")

TOKENIZERS: dict[str, Spec] = {s.name: s for s in (
    Spec("llama3", path="llama3/tokenizer.model", pattern=LLAMA3_PATTERN, description="Llama 3.x (128,000 ranks)",
         sha256="82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55", **_LLAMA),
    Spec("llama4", path="llama4/tokenizer.model", pattern=LLAMA4_PATTERN, description="Llama 4",
         sha256="d0bdbaf59b0762c8c807617e2d8ea51420eb1b1de266df2495be755c8e0ed6ed", **_LLAMA),
    Spec("mistral-v1", path="data/tokenizer.model.v1", kind="sentencepiece", description="Mistral SentencePiece v1",
         sha256="dadfd56d766715c61d2ef780a525ab43b8e6da4de6865bda3d95fdef5e134055", **_MISTRAL),
    Spec("mistral-v2", path="data/mistral_instruct_tokenizer_240216.model.v2", kind="sentencepiece",
         description="Mistral SentencePiece v2",
         sha256="37f00374dea48658ee8f5d0f21895b9bc55cb0103939607c8185bfd1c6ca1f89", **_MISTRAL),
    Spec("mistral-v3", path="data/mistral_instruct_tokenizer_240323.model.v3", kind="sentencepiece",
         description="Mistral SentencePiece v3 (open-mistral-7b, mixtral-8x22b, codestral-2405)",
         sha256="9addc8bdce5988448ae81b729336f43a81262160ae8da760674badab9d4c7d33", **_MISTRAL),
    Spec("mistral-v7", path="data/mistral_instruct_tokenizer_241114.model.v7", kind="sentencepiece",
         description="Mistral SentencePiece v7 (mistral-large-2411)",
         sha256="1b968b8dc352f42192367337c78ccc61e1eaddc6d641a579372d4f20694beb7a", **_MISTRAL),
    Spec("tekken-240718", path="data/tekken_240718.json", kind="tekken",
         description="Mistral Tekken (open-mistral-nemo, ministral-8b, mistral-small-2409)",
         sha256="eccd1665d2e477697c33cb7f0daa6f6dfefc57a0a6bceb66d4be52952f827516", **_MISTRAL),
    Spec("tekken-240911", path="data/tekken_240911.json", kind="tekken", description="Mistral Tekken (pixtral-12b-2409)",
         sha256="1948e2d48b0e7377f1bb5f1210f1ae5f984934e75713fc07e2452729b8365316", **_MISTRAL),
    Spec("qwen", package="dashscope", path="resources/qwen.tiktoken", extra="qwen", distribution="dashscope",
         kind="tiktoken", pattern=QWEN_PATTERN, description="Qwen BPE (151,643 ranks)",
         sha256="b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186"),
)}

ESTIMATE = "estimate"
# Exact tokenizers of other models (llama3, llama4, tekken-240718, mistral-v3, qwen) against
# the o200k_base count of the same text, per corpus text of 20 tokens or more
# (bench/estimate_error.py, 10,000 texts, 2026-12-02): the 5th and 95th percentile of
# (exact - estimate) / estimate, pooled. Per tokenizer the medians were 0% (Llama 3 and 4),
# +2% (Qwen), +5% (Tekken) and +14% (Mistral v3): real tokenizers mostly count more.
ESTIMATE_SPREAD = (0.0, 0.275)
ESTIMATE_NOTE = ("no public tokenizer: estimated with o200k_base; other models' exact tokenizers count "
                 "{low:+.0%} to {high:+.0%} more on 90% of texts")


def spread_phrase() -> str:
    low, high = ESTIMATE_SPREAD
    return ESTIMATE_NOTE.format(low=low, high=high)


def known() -> list[str]:
    return list(TOKENIZERS) + [ESTIMATE]


def install_hint(name: str) -> str:
    spec = TOKENIZERS[name]
    return f"pip install 'jsonl-lint[{spec.extra}]'"


def locate(spec: Spec) -> str:
    """The file inside the installed package (found without importing the package)."""
    try:
        found = importlib.util.find_spec(spec.package)
    except (ImportError, ValueError):
        found = None
    if found is None or not found.submodule_search_locations:
        raise TokenizerUnavailable(f"the {spec.name} tokenizer ships in {spec.distribution}, which is not installed "
                                   f"({install_hint(spec.name)})")
    path = os.path.join(list(found.submodule_search_locations)[0], *spec.path.split("/"))
    if not os.path.isfile(path):
        raise TokenizerUnavailable(f"{path} is missing from the installed {spec.distribution} "
                                   f"({install_hint(spec.name)})")
    return path


def _verified(spec: Spec, path: str) -> bytes:
    with open(path, "rb") as f:
        data = f.read()
    actual = hashlib.sha256(data).hexdigest()
    if actual != spec.sha256:
        raise TokenizerUnavailable(f"{path}: sha256 {actual[:12]}… is not the pinned {spec.sha256[:12]}… of the "
                                   f"{spec.name} tokenizer (a different {spec.distribution} version?)")
    return data


def load(name: str) -> TokenCounter:
    """The exact counter for a tokenizer name (raises :class:`TokenizerUnavailable`)."""
    spec = TOKENIZERS[name]
    path = locate(spec)
    data = _verified(spec, path)
    if spec.kind == "sentencepiece":
        return SentencePieceCounter(spec, path, data)
    if spec.kind == "tekken":
        return _tekken(spec, path, data)
    import tiktoken

    # Verified now, parsed on the first count: a run whose records are all far below the
    # target's limit never needs the ranks (see tokens.bound_with).
    if name == "qwen":
        specials = {t: QWEN_SPECIAL_START + i for i, t in enumerate(QWEN_SPECIALS)}
        return QwenCounter(None, path, name=name, loader=lambda: tiktoken.Encoding(
            "qwen", pat_str=spec.pattern, mergeable_ranks=parse_ranks(data), special_tokens=specials))
    return LlamaCounter(None, path, name=name, loader=lambda: tiktoken.Encoding(
        name, pat_str=spec.pattern, mergeable_ranks=parse_ranks(data), special_tokens={}))


class LlamaCounter(TiktokenCounter):
    """llama-models' ``Tokenizer.encode``: special-token strings are text (``encode_ordinary``),
    inputs are cut into 400,000-character pieces and runs of more than 25,000 whitespace or
    non-whitespace characters are split, as the reference does."""

    MAX_CHARS = 400_000
    MAX_RUN = 25_000

    def count_once(self, text: str) -> int:
        if len(text) <= self.MAX_RUN:
            return super().count_once(text)
        return sum(super(LlamaCounter, self).count_once(piece) for piece in self._pieces(text))

    def prefetch(self, texts: list[str]) -> None:
        super().prefetch([t for t in texts if len(t) <= self.MAX_RUN])

    def _pieces(self, text: str):
        for i in range(0, len(text), self.MAX_CHARS):
            yield from _split_runs(text[i:i + self.MAX_CHARS], self.MAX_RUN)


def _split_runs(s: str, limit: int):
    """llama-models' ``_split_whitespaces_or_nonwhitespaces``."""
    run = 0
    space = s[0].isspace() if s else False
    start = 0
    for i, ch in enumerate(s):
        now = ch.isspace()
        if space ^ now:
            run, space = 1, now
        else:
            run += 1
            if run > limit:
                yield s[start:i]
                start, run = i, 1
    yield s[start:]


class QwenCounter(TiktokenCounter):
    """dashscope's ``QwenTokenizer.encode``: NFC-normalized, special-token strings count as
    one token, inputs over 100,000 characters encoded in line-aligned chunks."""

    CHUNK = 100_000
    bytes_bound = False  # NFC can make a text longer (U+0958 is one code point, two after NFC)

    def count_once(self, text: str) -> int:
        text = unicodedata.normalize("NFC", text)
        encode = self.encoding.encode
        if len(text) <= self.CHUNK:
            return len(encode(text, allowed_special="all", disallowed_special=()))
        return sum(len(encode(c, allowed_special="all", disallowed_special=())) for c in _qwen_chunks(text, self.CHUNK))

    def prefetch(self, texts: list[str]) -> None:
        self._prefetched = {}

    def offsets(self, text: str) -> list[int]:
        tokens = self.encoding.encode(unicodedata.normalize("NFC", text), allowed_special="all", disallowed_special=())
        return self.encoding.decode_with_offsets(tokens)[1]


def _qwen_chunks(text: str, size: int) -> list[str]:
    parts: list[str] = []
    for i, line in enumerate(text.split("\n")):
        piece = line if i == 0 else "\n" + line
        parts += [piece] if len(piece) <= size else [piece[j:j + size] for j in range(0, len(piece), size)]
    chunks: list[str] = []
    current: list[str] = []
    length = 0
    for part in parts:
        if length + len(part) <= size:
            current.append(part)
            length += len(part)
        else:
            if current:
                chunks.append("".join(current))
            current, length = [part], len(part)
    if current:
        chunks.append("".join(current))
    return chunks


def _tekken(spec: Spec, path: str, data: bytes) -> TokenCounter:
    """mistral-common's ``Tekkenizer``: the first ``default_vocab_size - default_num_special_tokens``
    ranks with the file's own pattern; special tokens are never matched in text."""
    import base64

    import orjson
    import tiktoken

    def encoding():
        model = orjson.loads(data)
        config = model["config"]
        size = config["default_vocab_size"] - config["default_num_special_tokens"]
        ranks = {base64.b64decode(v["token_bytes"]): v["rank"] for v in model["vocab"][:size]}
        return tiktoken.Encoding(spec.name, pat_str=config["pattern"], mergeable_ranks=ranks, special_tokens={})

    return TiktokenCounter(None, path, name=spec.name, loader=encoding)


class SentencePieceCounter(TokenCounter):
    """mistral-common's ``SentencePieceTokenizer.encode`` (``SentencePieceProcessor.encode``)."""

    def __init__(self, spec: Spec, path: str, data: bytes):
        try:
            from sentencepiece import SentencePieceProcessor
        except ImportError:
            raise TokenizerUnavailable(f"the {spec.name} tokenizer needs sentencepiece ({install_hint(spec.name)})") \
                from None
        self.processor = SentencePieceProcessor(model_proto=data)
        self.name = spec.name
        self.source = path
        self._encode = self.processor.encode

    def count(self, text: str) -> int:
        try:
            return len(self._encode(text))
        except RuntimeError:  # lone surrogates, which the reference cannot encode either: as U+FFFD
            return len(self._encode(text.encode("utf-8", "replace").decode("utf-8")))

    def offsets(self, text: str) -> list[int]:
        # Byte offsets of every piece, as code points.
        proto = self.processor.encode(text, out_type="immutable_proto")
        raw = text.encode("utf-8", "surrogatepass")
        return [len(raw[:p.begin].decode("utf-8", "ignore")) for p in proto.pieces]


class EstimateCounter(TokenCounter):
    """The o200k_base count standing in for a tokenizer jsonl-lint cannot load (``reason`` says
    why: no public tokenizer, or its extra is not installed). Always said to be an estimate."""

    exact = False

    def __init__(self, base: TokenCounter, reason: str = "", name: str = ESTIMATE):
        self.base = base
        self.name = name
        self.reason = reason or spread_phrase()
        self.source = f"estimate: {self.reason}"
        self.count = base.count
        self.count_once = base.count_once
        self.prefetch = base.prefetch
        self.offsets = base.offsets
        self.bytes_bound = base.bytes_bound
