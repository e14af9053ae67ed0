"""The second language detector's model read back from the user cache instead of unpacking
py3langid's LZMA file at every start: the same classifications, and really from the cache."""

from __future__ import annotations

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from jsonl_lint.style import language

TEXTS = [
    "Thanks for reaching out. Your order has shipped and should arrive within three business days.",
    "Gracias por escribirnos. Su pedido ya fue enviado y llegará en tres días hábiles.",
    "Merci de nous avoir contactés. Votre commande a été expédiée et arrivera sous trois jours ouvrés.",
    "Спасибо за обращение. Ваш заказ отправлен и прибудет в течение трёх рабочих дней.",
    "感谢您的联系。您的订单已经发货，预计三个工作日内送达。",
    "Para que serve o with no Python?", "Wie spät ist es?", "", "12345", "ok",
]


@pytest.fixture(scope="module")
def packaged():
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(sorted(language.NAMES))
    return ident


def test_cached_model_classifies_like_the_packaged_one(tmp_path, monkeypatch, packaged):
    monkeypatch.setenv("JSONL_LINT_CACHE_DIR", str(tmp_path))
    first = language._load_identifier()  # unpacks the packaged model and stores the entry
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("py3langid-")]

    def unpacked(*args, **kwargs):
        raise AssertionError("the packaged model was unpacked although the cache holds it")

    monkeypatch.setattr(LanguageIdentifier, "from_model_file", unpacked)
    cached = language._load_identifier()
    assert cached.nb_classes == packaged.nb_classes
    for text in TEXTS:
        assert first.classify(text) == packaged.classify(text), text
        assert cached.classify(text) == packaged.classify(text), text  # same language and probability


def test_damaged_cache_entry_is_rebuilt(tmp_path, monkeypatch, packaged):
    monkeypatch.setenv("JSONL_LINT_CACHE_DIR", str(tmp_path))
    language._load_identifier()
    (entry,) = [p for p in tmp_path.iterdir() if p.name.startswith("py3langid-")]
    data = bytearray(entry.read_bytes())
    data[-1] ^= 1
    entry.write_bytes(bytes(data))
    rebuilt = language._load_identifier()
    assert [rebuilt.classify(t) for t in TEXTS] == [packaged.classify(t) for t in TEXTS]
    assert entry.read_bytes() != bytes(data)  # written again, whole


def test_a_mapped_entry_is_checked_as_a_read_one(tmp_path, monkeypatch):
    from jsonl_lint import cache

    monkeypatch.setenv("JSONL_LINT_CACHE_DIR", str(tmp_path))
    payload = bytes(range(256)) * 1000
    assert cache.store("entry", payload)
    assert cache.load_mapped("entry") == payload == cache.load("entry")
    data = bytearray((tmp_path / "entry").read_bytes())
    data[-1] ^= 1
    (tmp_path / "damaged").write_bytes(bytes(data))
    (tmp_path / "empty").write_bytes(b"")
    for name in ("damaged", "empty", "absent"):
        assert cache.load_mapped(name) is None and cache.load(name) is None, name
