"""The style profile's building blocks: textstat-equal readability offline, language
detection, structure detection."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given, strategies as st

from jsonl_lint.style import language, readability
from jsonl_lint.style.structure import structure

TEXTS = [
    "The cat sat on the mat. It was happy.",
    "Notwithstanding the foregoing, the purchaser shall indemnify the seller pursuant to section 4 hereof.",
    "Don't worry, it's fine! We'll fix it. You're all set... Really?",
    "Photosynthesis converts light energy into chemical energy stored in glucose molecules.",
    "Call me Ishmael. Some years ago - never mind how long precisely - having little or no money in my purse, "
    "I thought I would sail about a little and see the watery part of the world.",
    "The square root of 144 is 12 because 12 * 12 = 144.",
    "",
    "one",
]


def test_readability_equals_textstat_offline(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    readability.enable_offline_textstat(str(tmp_path / "nltk_data"))
    import textstat
    from textstat.backend import metrics

    for text in TEXTS:
        grade, ease, _ = readability.scores(text)
        assert grade == pytest.approx(metrics.flesch_kincaid_grade(text, "en_US"), abs=1e-9), text
        assert ease == pytest.approx(metrics.flesch_reading_ease(text, "en_US"), abs=1e-9), text
    assert textstat.flesch_kincaid_grade(TEXTS[1]) > 12 > textstat.flesch_kincaid_grade(TEXTS[0])


SAMPLES = {
    "en": "Thanks for reaching out. Your order has shipped and should arrive within three business days.",
    "es": "Gracias por escribirnos. Su pedido ya fue enviado y llegará en tres días hábiles.",
    "fr": "Merci de nous avoir contactés. Votre commande a été expédiée et arrivera sous trois jours ouvrés.",
    "de": "Danke für Ihre Nachricht. Ihre Bestellung wurde versandt und kommt in drei Werktagen an.",
    "pt": "Obrigado pelo contato. O seu pedido foi enviado e deve chegar em três dias úteis.",
    "it": "Grazie per averci contattato. Il tuo ordine è stato spedito e arriverà entro tre giorni lavorativi.",
    "ru": "Спасибо за обращение. Ваш заказ отправлен и прибудет в течение трёх рабочих дней.",
    "zh": "感谢您的联系。您的订单已经发货，预计三个工作日内送达。如果有任何问题，请随时告诉我们，我们很乐意为您提供帮助。",
}


def test_language_detection_on_replies_and_abstains_on_short_text():
    found = {code: language.detect(text, 20) for code, text in SAMPLES.items()}
    # Never a wrong language (the two detectors must agree); abstaining is allowed, rarely.
    assert all(v in (code, None) for code, v in found.items()), found
    assert sum(v == code for code, v in found.items()) >= 7, found
    for short in ("Sure, here you go!", "OK.", "Paris", "I don't know."):
        assert language.detect(short) is None


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=60)
       | st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60))
def test_letter_count_fast_path_equals_the_regex(text):
    # The ASCII path deletes bytes instead of running the regex; the count must not change.
    assert language.count_letters(text) == len(language._NON_LETTERS.sub("", text))


def test_letter_count_on_every_ascii_character():
    every = "".join(map(chr, range(128)))
    assert language.count_letters(every) == len(language._NON_LETTERS.sub("", every)) == 52


@pytest.mark.parametrize("text,kind,keys,features", [
    ('{"answer": "Paris", "steps": []}', "json-object", ("answer", "steps"), ()),
    ('```json\n{"b": 1, "a": 2}\n```', "json-object", ("a", "b"), ()),
    ("[1, 2]", "json-array", None, ()),
    ("<answer>Paris</answer>", "xml", None, ()),
    ("Plain words here.", "text", None, ()),
    ("| a | b |\n|---|---|\n| 1 | 2 |", "text", None, ("table",)),
    ("Steps:\n1. Open\n2. Close", "text", None, ("list",)),
    ("# Title\n\nText\n\n```py\nx = 1\n```", "text", None, ("code", "headings")),
    ('{"answer": "unclosed"', "text", None, ()),
    ("import numpy as np\na = np.array([1, 2])\n\n# Output\nprint(a)", "text", None, ("code",)),
    ("# Getting started\n\nInstall the app, then sign in.\n\n## Next\n\nInvite your team.", "text", None,
     ("headings",)),
])
def test_structure(text, kind, keys, features):
    assert structure(text) == (kind, keys, features)
