"""Exact offline tokenizers: counts equal the reference packages' own encode."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import CORPORA
from jsonl_lint.tokens import open_weights as ow
from jsonl_lint.tokens.encodings import load_counter


def references():
    """name -> the reference package's own count of a text (without BOS / EOS)."""
    refs = {}
    from llama_models.llama3.tokenizer import Tokenizer as Llama3
    from llama_models.llama4.tokenizer import Tokenizer as Llama4

    refs["llama3"] = lambda t, r=Llama3.get_instance(): len(r.encode(t, bos=False, eos=False))
    refs["llama4"] = lambda t, r=Llama4.get_instance(): len(r.encode(t, bos=False, eos=False))
    import mistral_common
    from mistral_common.tokens.tokenizers.sentencepiece import SentencePieceTokenizer
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer

    data = Path(mistral_common.__file__).parent / "data"
    for name in ("mistral-v1", "mistral-v2", "mistral-v3", "mistral-v7"):
        tok = SentencePieceTokenizer(data / Path(ow.TOKENIZERS[name].path).name)
        refs[name] = lambda t, r=tok: len(r.encode(t, bos=False, eos=False))
    for name in ("tekken-240718", "tekken-240911"):
        tok = Tekkenizer.from_file(data / Path(ow.TOKENIZERS[name].path).name)
        refs[name] = lambda t, r=tok: len(r.encode(t, bos=False, eos=False))
    import dashscope
    from dashscope.tokenizers.qwen_tokenizer import QwenTokenizer

    qwen = QwenTokenizer(os.path.join(os.path.dirname(dashscope.__file__), "resources", "qwen.tiktoken"))
    refs["qwen"] = lambda t, r=qwen: len(r.encode(t))
    return refs


@pytest.fixture(scope="module")
def refs():
    return references()


SYNTHETIC = [
    "", "Hello world", "  leading spaces\n\n\ttabs  ", "ünïcödé e\u0301 café ﬁ", "日本語のテキストと한국어",
    "<|eot_id|> <|begin_of_text|> <|im_end|> <|endoftext|> [INST] </s> <s> [/INST]",
    "numbers 1234567 3.14159 1e10", "emoji 🤖👍🏽 and ZWJ 👨‍👩‍👧", "code: def f(x):\n    return x ** 2\n",
    "x" * 30000, " " * 26000 + "a", ("word " * 5000 + "\n") * 25, "a\ud800b",
]


@pytest.mark.parametrize("name", list(ow.TOKENIZERS))
def test_counts_equal_the_reference_on_synthetic_text(refs, name):
    counter = load_counter(name)
    assert counter.exact, counter.reason
    mismatches = []
    for text in SYNTHETIC:
        try:
            expected = refs[name](text)
        except RuntimeError:  # SentencePiece cannot encode a lone surrogate: ours counts it as U+FFFD
            expected = refs[name](text.encode("utf-8", "replace").decode("utf-8"))
        if counter.count(text) != expected:
            mismatches.append((text[:30], counter.count(text), expected))
    assert not mismatches


def test_files_are_pinned_and_a_changed_file_is_refused(tmp_path, monkeypatch):
    import dataclasses

    fake = tmp_path / "fake_llama_wheel" / "llama3"
    fake.mkdir(parents=True)
    (fake.parent / "__init__.py").write_text("")
    (fake / "tokenizer.model").write_bytes(b"not the file")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(ow.TOKENIZERS, "llama3", dataclasses.replace(ow.TOKENIZERS["llama3"], package="fake_llama_wheel"))
    with pytest.raises(ow.TokenizerUnavailable, match="sha256"):
        ow.load("llama3")


def test_a_missing_extra_is_named_and_the_estimate_labelled(monkeypatch):
    import importlib.util

    from jsonl_lint.tokens.encodings import clear_cache

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llama_models" else real(name, *a))
    clear_cache()
    try:
        counter = load_counter("llama3")
        assert not counter.exact and "pip install 'jsonl-lint[llama]'" in counter.reason
        assert counter.count("hello world") > 0
    finally:
        clear_cache()


def corpus_texts(limit: int = 10_000) -> list[str]:
    """Distinct turn texts of every corpus file, in file order (deterministic)."""
    from jsonl_lint.engine import discover
    from jsonl_lint.config import settings_from_table
    from jsonl_lint.reader import open_binary, read_records

    settings = settings_from_table({}, None)
    seen: dict[str, None] = {}
    for path in discover([str(CORPORA)], settings):
        with open_binary(path) as f:
            for record in read_records(f, path):
                if record.format is None:
                    continue
                for turn in record.example.all_turns:
                    if turn.text:
                        seen.setdefault(turn.text)
    texts = list(seen)
    step = max(1, len(texts) // limit)  # spread over every file, not the first ones only
    return texts[::step][:limit]


@pytest.mark.slow
def test_counts_equal_the_reference_on_10000_corpus_texts(refs):
    if not CORPORA.exists():
        pytest.skip("corpora not available")
    texts = corpus_texts()
    assert len(texts) == 10_000
    for name in ow.TOKENIZERS:
        counter, ref = load_counter(name), refs[name]
        mismatches = [t[:40] for t in texts if counter.count(t) != ref(t)]
        assert not mismatches, (name, len(mismatches), mismatches[:3])
