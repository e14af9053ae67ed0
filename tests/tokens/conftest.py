import gzip
import os

import pytest


@pytest.fixture(scope="session")
def reference_encoding(tmp_path_factory):
    """tiktoken's own loader (load_tiktoken_bpe with its expected hash) on the decompressed
    bpe-openai file, caching disabled: an independent reference for our counter."""
    import tiktoken
    import tiktoken.load
    import tiktoken_ext.openai_public as public

    from jsonl_lint.tokens.encodings import bundled_path

    def build(name):
        src = bundled_path(name)
        if src is None:
            pytest.skip("bpe-openai data files not installed")
        raw = tmp_path_factory.mktemp("ref") / f"{name}.tiktoken"
        raw.write_bytes(gzip.open(src).read())
        old = os.environ.get("TIKTOKEN_CACHE_DIR")
        os.environ["TIKTOKEN_CACHE_DIR"] = ""  # tiktoken: empty string disables its cache
        original = public.load_tiktoken_bpe
        public.load_tiktoken_bpe = lambda url, expected_hash=None: tiktoken.load.load_tiktoken_bpe(
            str(raw), expected_hash=expected_hash)
        try:
            params = dict(public.ENCODING_CONSTRUCTORS[name]())
        finally:
            public.load_tiktoken_bpe = original
            if old is None:
                os.environ.pop("TIKTOKEN_CACHE_DIR", None)
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = old
        params.pop("explicit_n_vocab", None)
        return tiktoken.Encoding(**params)

    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = build(name)
        return cache[name]

    return get


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket (requests, urllib, http.client) fails the test."""
    import socket

    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    try:
        import requests

        monkeypatch.setattr(requests, "get", refuse)
        monkeypatch.setattr(requests.Session, "request", refuse)
    except ImportError:
        pass
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return calls


@pytest.fixture
def fresh_tokens():
    """Drop cached encodings/targets before and after a test that changes where they come from."""
    from jsonl_lint import tokens

    tokens.clear_caches()
    yield tokens
    tokens.clear_caches()
