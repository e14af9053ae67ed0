"""Offline encodings: verified against tiktoken's expected sha256, no network, honest fallback."""

from __future__ import annotations

import gzip
import hashlib
import os

import pytest

from jsonl_lint.tokens import encodings
from jsonl_lint.tokens.encodings import ApproximateCounter, EncodingUnavailable, TiktokenCounter

ADVERSARIAL = [
    "", " ", "\n\n\n", "hello world", "Hello <|endoftext|> world", "<|endofprompt|><|fim_prefix|>",
    "naïve café — 東京都 🙂🙂 \u2028 \u00a0", "    indented\tcode()\r\n", "1234567890" * 7, "a" * 5000,
    "' s 're 've 'LL", "lone \ud800 surrogate", "ÀÉÎÕÜ ÆØÅ", "\x00\x01 control", "😀" * 30, "مرحبا بالعالم", "ok" + " " * 200 + "end",
]


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_offline_counter_equals_tiktoken_and_uses_no_network(name, reference_encoding, no_network, fresh_tokens,
                                                             tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))  # empty cache: tiktoken would download
    counter = encodings.load_counter(name)
    assert isinstance(counter, TiktokenCounter) and counter.exact
    assert counter.source.endswith(f"{name}.tiktoken.gz")
    ref = reference_encoding(name)
    for text in ADVERSARIAL:
        expected = len(ref.encode_ordinary(text))
        assert counter.count_once(text) == expected, text  # not remembered
        assert counter.count(text) == counter.count(text) == expected, text  # remembered, then a memo hit
    assert no_network == []
    assert os.listdir(tmp_path) == []  # nothing written into the cache


def test_hash_mismatch_is_rejected(tmp_path):
    bad = tmp_path / "o200k_base.tiktoken.gz"
    src = encodings.bundled_path("o200k_base")
    data = gzip.open(src).read()
    bad.write_bytes(gzip.compress(data[:-10] + b"AAAA 1\n"))
    with pytest.raises(EncodingUnavailable, match="sha256"):
        encodings.load_tiktoken("o200k_base", [str(bad)])


def test_tiktoken_cache_is_used_when_the_wheel_file_is_missing(tmp_path, monkeypatch, fresh_tokens, no_network):
    data = gzip.open(encodings.bundled_path("cl100k_base")).read()
    key = hashlib.sha1(encodings.TIKTOKEN_URLS["cl100k_base"].encode()).hexdigest()
    (tmp_path / key).write_bytes(data)
    monkeypatch.setattr(encodings, "bundled_path", lambda name: None)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    counter = encodings.load_counter("cl100k_base")
    assert counter.exact and counter.source == str(tmp_path / key)
    assert counter.count("hello world") == 2


def test_no_encoding_anywhere_is_approximate_and_says_why(tmp_path, monkeypatch, fresh_tokens, no_network):
    monkeypatch.setattr(encodings, "bundled_path", lambda name: None)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    counter = encodings.load_counter("o200k_base")
    assert isinstance(counter, ApproximateCounter) and not counter.exact
    assert "no verified o200k_base encoding file found offline" in counter.reason
    assert counter.count("abcdefgh") == 2 and counter.count("abcdefghi") == 3


def test_no_encoding_is_reported_once_by_check_and_stats(tmp_path, monkeypatch, fresh_tokens, no_network):
    from io import StringIO

    from helpers import lint
    from jsonl_lint.cli import main

    monkeypatch.setattr(encodings, "bundled_path", lambda name: None)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))
    text = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n' * 3
    found = [d for d in lint(text, ["JL6"]) if d.code == "JL600"]
    assert len(found) == 1 and "approximate" in found[0].message and "3 examples" in found[0].message
    data = tmp_path / "d.jsonl"
    data.write_text(text)
    out, err = StringIO(), StringIO()
    assert main(["stats", "--isolated", str(data), "--output-format", "json"], out, err) == 0
    assert err.getvalue().count("approximate") == 1
    import json

    assert json.loads(out.getvalue())["exact"] is False


def _hashes(monkeypatch) -> list[int]:
    """Counts the SHA-256 computations of an encoding file's contents."""
    calls: list[int] = []
    real = hashlib.sha256

    def counting(data=b""):
        if len(data) > 1_000_000:
            calls.append(len(data))
        return real(data)

    monkeypatch.setattr(encodings.hashlib, "sha256", counting)
    return calls


def test_a_verified_file_is_hashed_once_and_again_when_changed(tmp_path, monkeypatch, no_network):
    monkeypatch.setenv("JSONL_LINT_CACHE_DIR", str(tmp_path / "user-cache"))
    data = gzip.open(encodings.bundled_path("cl100k_base")).read()
    key = hashlib.sha1(encodings.TIKTOKEN_URLS["cl100k_base"].encode()).hexdigest()
    file = tmp_path / "tiktoken" / key
    file.parent.mkdir()
    file.write_bytes(data)
    monkeypatch.setattr(encodings, "bundled_path", lambda name: None)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(file.parent))
    hashes = _hashes(monkeypatch)
    assert encodings.verified_path("cl100k_base") == str(file) and len(hashes) == 1
    assert encodings.verified_path("cl100k_base") == str(file) and len(hashes) == 1  # remembered
    # Same size, modification time set back: the change time still differs, so it is hashed again.
    st = os.stat(file)
    file.write_bytes(data[:100] + (b"B" if data[100:101] != b"B" else b"C") + data[101:])
    assert os.path.getsize(file) == st.st_size
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(EncodingUnavailable, match="sha256"):
        encodings.verified_path("cl100k_base")
    assert len(hashes) == 2


def test_an_unwritable_user_cache_only_means_hashing_again(tmp_path, monkeypatch, no_network):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("JSONL_LINT_CACHE_DIR", str(blocker))
    hashes = _hashes(monkeypatch)
    for _ in range(2):
        assert encodings.verified_path("o200k_base") == encodings.bundled_path("o200k_base")
    assert len(hashes) == 2 and blocker.read_text().startswith("a file")
