"""The style rules read the prompt: each false-positive pattern of the precision audit
(docs/precision.md, issue 12) as a synthetic record planted in a plain dataset, next to
a control that shows the rule still fires on the same reply when nothing asked for it.

Every case is built here from generated support chats (``synth``); nothing is copied
from the corpora.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import synth  # noqa: E402
from helpers import lint  # noqa: E402
from jsonl_lint.formats import normalize  # noqa: E402
from jsonl_lint.style import request  # noqa: E402


def _chat(reply, user="How do I reset my password?", system=None):
    msgs = [{"role": "system", "content": system}] if system else []
    return {"messages": msgs + [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]}


def _alpaca(instruction, output, inp=""):
    return {"instruction": instruction, "input": inp, "output": output}


def _findings(record, select, seed=7, base=None, n=200):
    """Findings of ``select`` on ``record`` planted last in a plain generated dataset."""
    records = base if base is not None else synth.dataset(seed, n=n, kinds=())[0]
    rows = list(records) + [record]
    diags = lint(synth.to_jsonl(rows), select=select)
    return [d for d in diags if d.record is not None and d.record.index == len(rows) - 1]


def _alpaca_base(n=200, seed=11):
    """A plain Alpaca dataset of prose answers to open questions."""
    import random

    rng = random.Random(seed)
    rows = []
    for i in range(n):
        q, _, _ = synth.TOPICS[i % len(synth.TOPICS)]
        rows.append(_alpaca(f"Explain to a customer: {q}", synth.plain_reply(rng, i % len(synth.TOPICS))))
    return rows


# -- JL404: the format the instruction asked for -----------------------------------------

@pytest.mark.parametrize("instruction, output, inp", [
    ("Create a JSON object based on the given description.", '{"name": "Gerard", "age": 23, "gender": "male"}',
     "The person is 23, male, and called Gerard."),
    ("Generate a valid HTML form with labels for a name and an email.",
     '<form>\n  <label>Name <input name="name"></label>\n  <label>Email <input name="email"></label>\n</form>', ""),
    ("Put the following sales figures in a spreadsheet.",
     "| Product | Units | Revenue |\n|---|---|---|\n| Tea | 30 | $420 |\n| Coffee | 12 | $180 |", "Tea: 30 units, $420"),
    ("Write a Python function that returns the larger of two numbers.",
     "def larger(a, b):\n    if a > b:\n        return a\n    return b\n\n# larger(3, 5) -> 5", ""),
    ("Sort these numbers from smallest to largest.", "[-7, -3, 2, 4, 8]", "[4, -3, 8, -7, 2]"),
])
def test_requested_format_is_not_a_structure_outlier(instruction, output, inp):
    base = _alpaca_base()
    assert not _findings(_alpaca(instruction, output, inp), ["JL404"], base=base)
    # The same reply to a prompt that did not ask for it is reported.
    assert _findings(_alpaca("Describe your favourite season.", output), ["JL404"], base=base)


# -- JL401: the register the instruction asked for ----------------------------------------

@pytest.mark.parametrize("instruction, output", [
    ("Compose a tweet that gets young people to vote.", "Your voice matters 🗳️🔥 Get out and vote this Tuesday! 🙌"),
    ("Post an advertisement for a software engineering job.",
     "We're hiring! Join our team! Great salary, great people, great coffee! Apply today!"),
    ("Pretend you are a pirate captain recruiting a crew.",
     "Ahoy, me hearties! Join me crew! Treasure awaits! Gold for every sailor! Set sail at dawn!"),
 ])
def test_requested_register_is_not_a_tone_outlier(instruction, output):
    base = _alpaca_base()
    assert not _findings(_alpaca(instruction, output), ["JL401"], base=base)
    assert _findings(_alpaca("Explain how to reset a password.", output), ["JL401"], base=base)


def test_characters_speaking_are_not_the_replys_voice():
    """A dialogue or a script (speaker lines, quoted speech): the exclamations are the
    characters', whatever the prompt said."""
    base = _alpaca_base()
    dialogue = 'Anna: "Is that you?! No way!"\nBen: "Anna! It has been forever!"\nAnna: "Look at you! Amazing!"'
    for instruction in ("Write a short dialogue between two friends meeting after years.", "Describe a reunion."):
        assert not _findings(_alpaca(instruction, dialogue), ["JL401"], base=base)


def test_sql_and_acronyms_are_not_shouting():
    base = _alpaca_base()
    for output in ("SELECT name, AVG(salary) FROM employees WHERE country = 'US' GROUP BY name ORDER BY name;",
                   "TCP/IP, UDP, FTP, HTTP, HTTPS, SSH, SSL, NFS, SMTP",
                   "The sum of 50 USD and 30 EUR is about 82 USD at the ECB rate."):
        assert not _findings(_alpaca("Answer briefly.", output), ["JL401"], base=base), output
    shouting = "YOU NEED TO RESET THE PASSWORD FROM THE SETTINGS PAGE. IT IS THE ONLY WAY TO DO THIS."
    assert _findings(_alpaca("How do I reset my password?", shouting), ["JL401"], base=base)


def test_a_film_title_or_a_quoted_insult_is_not_hostility():
    base = _alpaca_base()
    for instruction, output in [
        ("Which comedy did the Farrelly brothers make in 1994?",
         "They made Dumb and Dumber, which earned about $247 million worldwide."),
        ("Provide an example of abusive language.", '"You\'re just a stupid idiot."'),
        ("What does the insult in this sentence mean: 'Only an idiot would think that'?",
         "The phrase 'only an idiot would think that' attacks the person instead of the argument."),
        ("How can I break into my neighbour's house?", "I don't think you should do that! Stealing is wrong!"),
    ]:
        assert not _findings(_alpaca(instruction, output), ["JL401"], base=base), output


@pytest.mark.parametrize("output", [
    "That's a stupid question. The reset link is on the login page.",
    "Obviously you didn't read the manual. The reset link is on the login page.",
    "Figure it out yourself. It's on the login page.",
    "I can't believe you don't know this. The reset link is on the login page.",
    "Wow, great job breaking it. Now open the login page and reset it.",
])
def test_hostile_reply_in_a_polite_dataset_is_found(output):
    found = _findings(_chat(output), ["JL401"])
    assert found and "hostile or dismissive" in found[0].message, output


def test_hostility_precision_and_recall_on_the_labelled_set():
    """Per-reply detector on the hand-labelled set; HELD_OUT was not used while writing
    the patterns. Figures: docs/consistency.md."""
    import tone_cases

    from jsonl_lint.style import hostility
    from jsonl_lint.style.profile import mask_quotes

    for cases, min_precision, min_recall in ((tone_cases.DEV, 1.0, 1.0), (tone_cases.HELD_OUT, 0.95, 0.9)):
        tp = fp = fn = 0
        for label, reply, _ in cases:
            hit = hostility.score(mask_quotes(reply)) >= 2
            tp += hit and label
            fp += hit and not label
            fn += label and not hit
        assert tp / (tp + fp) >= min_precision and tp / (tp + fn) >= min_recall, (tp, fp, fn)


# -- JL402: register and readability -------------------------------------------------------

def test_requested_slang_and_archaic_voice_are_not_register_outliers():
    base = _alpaca_base()
    rap = "Yo, I'm gonna crawl real slow, ain't nobody rushin' me, gotta keep my shell on, y'all can't catch me"
    assert not _findings(_alpaca("Create a rap about the life of a garden snail.", rap), ["JL402"], base=base)
    assert _findings(_alpaca("Explain how to clean a jacket.", rap), ["JL402"], base=base)
    spirit = ("Fear not, traveller. You shall find the stream, and there you shall rest. The path shall open "
              "before you, and the forest shall guide your steps home.")
    assert not _findings(_alpaca("Imagine you are a forest spirit guiding a lost traveller.", spirit), ["JL402"],
                         base=base)


def test_ordinary_formal_words_are_not_legalese():
    base = _alpaca_base()
    plain = ("Podcasts are recorded audio you can download, whereas radio is broadcast live over the air. "
             "Listeners choose episodes, whereas radio plays a schedule.")
    assert not _findings(_alpaca("How are podcasts different from radio?", plain), ["JL402"], base=base)
    contract = ("Notwithstanding the foregoing, the purchaser shall indemnify the seller pursuant to the terms "
                "hereinafter set forth, and any claim arising hereunder shall be submitted forthwith.")
    assert _findings(_alpaca("How do I return a jacket?", contract), ["JL402"], base=base)
    assert not _findings(_alpaca("Draft a liability clause for a rental contract.", contract), ["JL402"], base=base)


def test_no_readability_grade_on_math_or_enumerations():
    import random

    rng = random.Random(3)
    base = []
    for i in range(150):
        a, b = rng.randint(2, 9), rng.randint(10, 40)
        base.append(_alpaca(f"Tom has {b} apples and buys {a} more bags of {a} apples. How many apples does he have?",
                            f"He buys {a} * {a} = {a * a} apples.\nSo he has {b} + {a * a} = {b + a * a} apples."))
    worked = ("First figure out how many total calories come from the carrots by multiplying the calories per "
              "carrot by the number of carrots: 20 calories/carrot * 5 carrots = 100 calories\nThen subtract the "
              "calories the kids have already eaten from the goal number of calories to find out how many more "
              "calories they need: 750 calories - 400 calories - 100 calories = 250 calories\nThen divide the "
              "remaining calories by the calories per cookie to find the number of cookies: 250 calories / 50 "
              "calories/cookie = 5 cookies")
    task = "Marissa packs 5 carrot sticks with 20 calories each. How many 50-calorie cookies reach 750 calories?"
    assert not [d for d in _findings(_alpaca(task, worked), ["JL402"], base=base) if "grade" in d.message]
    enumeration = ("Key concerns include: 1) bias and fairness, as systems may discriminate based on their "
                   "training data; 2) transparency and explainability of automated decisions; 3) privacy of "
                   "personal information used for training; 4) accountability when harm occurs.")
    records, _ = synth.dataset(4, n=150, kinds=())
    assert not [d for d in _findings(_chat(enumeration), ["JL402"], base=records) if "grade" in d.message]


def test_grade_message_names_the_measure_and_the_kind():
    records, _ = synth.dataset(4, n=150, kinds=())
    dense = ("Notwithstanding considerable heterogeneity in organisational infrastructure, comprehensive "
             "authentication reconfiguration necessitates administrative authorisation, cryptographic "
             "credential regeneration, and subsequent verification procedures. Institutional "
             "administrators occasionally circumvent standardised procedures. Consequently, "
             "documentation inconsistencies proliferate considerably throughout organisations.")
    found = [d for d in _findings(_chat(dense), ["JL402"], base=records) if "grade" in d.message]
    assert found and "Flesch-Kincaid grade" in found[0].message
    assert "median for answers to open questions" in found[0].message


# -- JL403: the length the task dictates --------------------------------------------------

def _long_base(n=200):
    """Answers of about 60-90 words, so a one-word reply is far below the median."""
    import random

    rng = random.Random(5)
    rows = []
    for i in range(n):
        t = i % len(synth.TOPICS)
        reply = " ".join(synth.plain_reply(rng, t) for _ in range(3))
        rows.append(_chat(reply, user=synth.TOPICS[t][0]))
    return rows


@pytest.mark.parametrize("user, reply", [
    ("Is the backpack waterproof? Answer yes or no.", "Yes."),
    ("Does the tent come with a warranty?", "Yes."),
    ("Translate into English: Der Rucksack ist wasserdicht.", "The backpack is waterproof."),
    ("In one word, what colour is the logo?", "Green."),
    ("Write four lines about autumn.", "Leaves drift down\nthe air turns cold\nthe days grow short\nthe year grows old"),
    ("Classify the sentiment of this review as positive or negative: 'Great tent!'", "positive"),
    ("Hello!", "Hi! How can I help?"),
])
def test_length_the_task_dictates_is_not_an_outlier(user, reply):
    base = _long_base()
    assert not _findings(_chat(reply, user=user), ["JL403"], base=base), user
    # An open question answered in a word is still reported.
    assert _findings(_chat("Yes.", user="How do I clean a down jacket without ruining it?"), ["JL403"], base=base)


def test_a_bare_tool_call_is_not_a_text_reply():
    tools = "wikipedia(query)\nA search engine for encyclopedia articles.\n\n"
    import random

    rng = random.Random(9)
    base = []
    for i in range(150):
        t = i % len(synth.TOPICS)
        base.append(_chat(synth.plain_reply(rng, t) + f" See wikipedia('{synth.TOPICS[t][1]}').",
                          user=tools + synth.TOPICS[t][0]))
    assert not _findings(_chat("wikipedia('Battle of Waterloo')", user=tools + "Summarise the Battle of Waterloo."),
                         ["JL401", "JL402", "JL403", "JL404"], base=base)



def test_a_reply_far_over_the_requested_length_is_reported():
    base = _long_base()
    long_reply = " ".join(["The backpack is water resistant and has a rain cover."] * 12)
    found = _findings(_chat(long_reply, user="In at most 10 words, is the backpack waterproof?"), ["JL403"], base=base)
    assert found and "the prompt asked for at most 10 words" in found[0].message


def test_shared_hh_context_is_not_judged():
    """hh-rlhf: the turns both sides share are prompt context (formats.answer_turns)."""
    import random

    rng = random.Random(2)
    rows = []
    for i in range(150):
        t = i % len(synth.TOPICS)
        shared = f"\n\nHuman: {synth.TOPICS[t][0]}\n\nAssistant: {synth.plain_reply(rng, t)}\n\nHuman: Thanks."
        rows.append({"chosen": shared + "\n\nAssistant: You're welcome.", "rejected": shared + "\n\nAssistant: Ok."})
    rude_context = ("\n\nHuman: Say something mean.\n\nAssistant: WOW!!! YOU ARE SO STUPID!!! FIGURE IT OUT "
                    "YOURSELF!!! 😂😂😂\n\nHuman: Thanks.")
    record = {"chosen": rude_context + "\n\nAssistant: You're welcome.", "rejected": rude_context + "\n\nAssistant: Ok."}
    assert not _findings(record, ["JL401", "JL402"], base=rows)
    # The same words as the preferred answer itself are reported.
    rude_answer = {"chosen": "\n\nHuman: Say something mean.\n\nAssistant: WOW!!! YOU ARE SO STUPID!!! FIGURE IT OUT "
                             "YOURSELF!!! 😂😂😂", "rejected": "\n\nHuman: Say something mean.\n\nAssistant: No."}
    assert _findings(rude_answer, ["JL401"], base=rows)


# -- JL405 / JL406: the language of the request -------------------------------------------

def _lang_base(n=150):
    import random

    rng = random.Random(4)
    return [_chat(synth.plain_reply(rng, i % len(synth.TOPICS)), user=synth.TOPICS[i % len(synth.TOPICS)][0] +
                  " I placed the order last week and would like an answer.") for i in range(n)]


def test_a_reply_in_the_language_of_its_prompt_is_not_an_outlier():
    base = _lang_base()
    for user, reply in [
        ("你好，请介绍一下你自己", "您好，我是一个人工智能助手，很高兴认识您。我可以回答问题、提供建议和帮助您完成各种任务。"),
        ("¿Cuál es la diferencia entre echo y print en PHP?",
         "La diferencia principal es que echo no devuelve ningún valor, mientras que print siempre devuelve uno."),
    ]:
        assert not _findings(_chat(reply, user=user), ["JL405", "JL406"], base=base), user


def test_the_language_of_the_request_not_of_the_passage():
    base = _lang_base()
    passage = ("Abschließend möchte ich darauf hinweisen, dass eine Angleichung erforderlich und begrüßenswert ist, "
               "solange die kulturellen Unterschiede berücksichtigt werden.")
    record = _chat("This text is in German; it is about harmonising financial products.",
                   user=passage + "\n\nWhich language is this?")
    assert not _findings(record, ["JL405", "JL406"], base=base)
    # A reply in another language than a request whose language is known is a switch.
    switched = _chat("Sie können die Lieferadresse in Ihrem Profil ändern, solange das Paket noch nicht versandt wurde.",
                     user="Can I change my delivery address after placing the order last night?")
    found = _findings(switched, ["JL405", "JL406"], base=base)
    assert [d.code for d in found] == ["JL406"]


# -- The request model on phrasings the tests above do not use ---------------------------

@pytest.mark.parametrize("text, kind, fmt, register", [
    ("Could you give me the data as key-value pairs in JSON?", None, request.JSON, None),
    ("Lay this out as a table with three columns.", None, request.TABLE, None),
    ("Whip up a bash one-liner that counts lines in every file.", request.CODE, request.CODE_FORMAT, None),
    ("Render the contact form in HTML5.", request.CODE, request.MARKUP, None),
    ("Drop me some bars about Monday mornings, hip-hop style.", None, None, request.CASUAL),
    ("Craft an Instagram caption for our summer sale.", request.CREATIVE, None, request.PROMOTIONAL),
    ("Act as a medieval herald announcing the tournament.", None, None, request.PERSONA),
    ("Draft the indemnification clause of a software licence.", None, None, request.FORMAL),
    ("Put this paragraph into French, please.", None, None, None),
    ("Respond with just the name of the city.", None, None, None),
])
def test_request_model_reads_held_out_phrasings(text, kind, fmt, register):
    example = normalize(_chat("x", user=text))
    req = request.analyze(example)
    if kind:
        assert req.kind == kind, req
    if fmt:
        assert fmt in request.formats_of(example, req.kind), req
    if register:
        assert register in request.registers_of(example), req
    if text.startswith("Put this paragraph"):
        assert "fr" in req.languages
    if text.startswith("Respond with just"):
        assert req.yes_no or (req.length and req.length.unit == "short"), req



_ES_TOPICS = [
    ("¿Dónde está mi pedido?", "Su pedido salió del almacén el lunes y llegará dentro de tres días hábiles."),
    ("¿Cómo cambio mi contraseña?", "Abra la página de configuración, elija la pestaña de seguridad y cambie la contraseña."),
    ("¿Puedo devolver el producto?", "Sí, puede devolverlo dentro de los treinta días siguientes para obtener un reembolso."),
    ("¿Hacen envíos al extranjero?", "Enviamos a casi todos los países de Europa y de América en diez días hábiles."),
    ("¿Tiene garantía el portátil?", "Todos los equipos tienen una garantía de dos años que cubre los defectos de fábrica."),
]


def _spanish_dataset() -> str:
    """120 Spanish chats, then English replies: to no request, to an English one, to a Spanish one."""
    rows = [_chat(f"{a} Gracias por escribirnos, el equipo {i} queda a su disposición.", user=q)
            for i in range(120) for q, a in [_ES_TOPICS[i % len(_ES_TOPICS)]]]
    english = "Your order shipped on Monday and should arrive within three business days."
    rows += [{"messages": [{"role": "assistant", "content": english}]},
             _chat(english, user="Where is my order? I placed it last week and have not heard back."),
             _chat(english, user="¿Dónde está mi pedido? Lo pedí la semana pasada y no sé nada.")]
    return synth.to_jsonl(rows)


@pytest.mark.parametrize("select", [["JL405"], ["JL405", "JL406"]])
def test_an_english_reply_in_a_spanish_dataset_is_judged_by_its_request(select):
    """JL405 reads an English reply's request only when English turns out rare (the records
    are read again in finish): a reply whose user's language is unknown is reported, one to
    an English request is not, one to a Spanish request is JL406's."""
    diags = lint(_spanish_dataset(), select=select)
    found = sorted((d.code, d.record.index) for d in diags)
    assert found == [("JL405", 120), ("JL406", 122)][:len(select)], [d.message for d in diags]
    assert "English (en)" in diags[0].message and "Spanish (es)" in diags[0].message


def test_english_replies_read_from_standard_input_are_judged_too(monkeypatch):
    """Standard input cannot be read again in finish: its English replies are judged at once."""
    import io

    from helpers import settings_for
    from jsonl_lint.engine import Engine

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(_spanish_dataset().encode())))
    diags = Engine(settings_for(["JL405"])).run(["-"]).diagnostics
    assert [(d.code, d.record.index) for d in diags] == [("JL405", 120)]
