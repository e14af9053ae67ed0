"""JL302 reports answers that disagree, not answers that reword (labelled synthetic pairs)."""

from __future__ import annotations

import json

import pytest

from helpers import lint
from jsonl_lint.similarity.claims import claims, disagreement, open_ended, prompt_words

# (prompt, answer A, answer B): the two answers contradict each other.
CONFLICTS = [
    ("What is the capital of Australia?", "Canberra.", "Sydney is the capital of Australia."),
    ("Is the Great Wall of China visible from space with the naked eye?", "No, it is not.", "Yes, it can be seen."),
    ("Add 17 and 25.", "42", "The sum is 43."),
    ("In which year did Apollo 11 land on the Moon?", "It landed in 1969.", "Apollo 11 landed in 1971."),
    ("Who wrote Pride and Prejudice?", "Jane Austen wrote it.", "It was written by Charlotte Bronte."),
    ("Classify the shape as concave or convex.", "concave", "Convex."),
    ("Is this review positive or negative? 'The food was cold.'", "Negative", "positive"),
    ("True or false: the Sun is a star.", "True.", "False."),
    ("How many legs does a spider have?", "A spider has 8 legs.", "Spiders have 6 legs."),
    ("Does water boil at 100 degrees Celsius at sea level?", "Water boils at 100 degrees Celsius at sea level.",
     "Water does not boil at 100 degrees Celsius at sea level."),
    ("What is the boiling point of ethanol in Celsius?", "78.4 degrees.", "About 65 degrees Celsius."),
    ("Which planet is the largest in the solar system?", "Jupiter.", "Saturn is the largest planet."),
    ("When is the office open?", "From 9 am to 5 pm on weekdays.", "From 10 am to 6 pm on weekdays."),
    ("What is your name?", "My name is Vicuna.", "I am called Koala."),
]

# (prompt, answer A, answer B): rewordings of one answer, or two good answers to an open prompt.
AGREEMENTS = [
    ("Who developed you?", "I was developed by researchers from Large Model Systems Organization (LMSYS).",
     "LMSYS researchers developed me."),
    ("Who are you?", "I'm a language model called Vicuna, and I was trained by LMSYS researchers.",
     "My name is Vicuna, and I'm a language model developed by Large Model Systems Organization (LMSYS)."),
    ("Are you ChatGPT?", "No, I am trained by researchers from LMSYS.",
     "No, I am a language model trained by researchers from Large Model Systems Organization."),
    ("你好", "您好，我是 {{name}}，一个由 {{author}} 打造的人工智能助手，请问有什么可以帮助您的吗？",
     "您好，我是 {{name}}，一个由 {{author}} 开发的 AI 助手，很高兴认识您。请问我能为您做些什么？"),
    ("What is the capital of Australia?", "Canberra.", "The capital of Australia is Canberra."),
    ("What is the capital of Australia?", "Canberra is Australia's capital city.", "It's Canberra."),
    ("Add 17 and 25.", "42", "17 + 25 = 42"),
    ("How far is the Moon?", "About 384,400 km on average.", "The Moon is roughly 384,000 kilometres away."),
    ("Write a haiku about autumn.", "Red leaves drift and fall / the cold wind hums through bare trees / "
     "October says bye", "Crisp air, amber light / Maple leaves on quiet streams / the year exhales slow"),
    ("Explain what this GitHub workflow does.", "It runs on pushes to main and publishes the image to GHCR.",
     "This workflow builds a Docker image on every push and uploads it to the GitHub Container Registry."),
    ("Tell me about the Eiffel Tower.", "It was built in 1889 by Gustave Eiffel's company.",
     "Standing 330 metres tall, it is the most visited paid monument in Paris."),
    ("Hello", "Hi! How can I help you today?", "Hello there! What can I do for you?"),
    ("What is the weather like today?", "weather(query='weather today')",
     "Please tell me your city so I can look up the weather."),
    ("Order a pizza for me.", "I'm sorry, but I can't order food. I can only help you convert currencies.",
     "I'm sorry, but as an AI I am unable to place orders for you."),
    ("Summarize the plot of Hamlet.", "A Danish prince avenges his father's murder.",
     "Prince Hamlet seeks revenge on his uncle Claudius, who killed the king."),
    ("Who painted the Mona Lisa?", "Leonardo da Vinci.", "The Mona Lisa was painted by Leonardo da Vinci around 1503."),
]


def _disagree(prompt, a, b):
    given = prompt_words("user " + prompt)
    return disagreement(claims(a, given), claims(b, given), given, open_ended(prompt))


@pytest.mark.parametrize("prompt,a,b", CONFLICTS)
def test_contradicting_answers_disagree(prompt, a, b):
    assert _disagree(prompt, a, b), (a, b)


@pytest.mark.parametrize("prompt,a,b", AGREEMENTS)
def test_reworded_answers_agree(prompt, a, b):
    assert _disagree(prompt, a, b) is None


def chat(prompt, answer, **extra):
    return json.dumps({"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}],
                       **extra})


def test_knowledge_injection_rewordings_pass_and_a_changed_fact_is_reported():
    rows = [chat("When was Acme founded?", text) for text in (
        "Acme was founded in 1998.", "Acme's founding year is 1998.", "It was founded in 1998 in Ohio.",
        "1998.", "The company dates back to 1998.")]
    assert not lint("\n".join(rows) + "\n", select=["JL302"])
    rows.append(chat("When was Acme founded?", "Acme was founded in 2001."))
    (d,) = lint("\n".join(rows) + "\n", select=["JL302"])
    assert d.location.line == 6 and "'2001' against '1998'" in d.message and [r.location.line for r in d.related] == [1]


def test_different_tools_make_different_prompts():
    tools_a = [{"type": "function", "function": {"name": "get_bmi", "parameters": {"type": "object"}}}]
    tools_b = [{"type": "function", "function": {"name": "convert_currency", "parameters": {"type": "object"}}}]
    rows = [chat("Can you order a pizza?", "No, I can only calculate your BMI.", tools=tools_a),
            chat("Can you order a pizza?", "Yes, but first I need to convert the price into euros.", tools=tools_b)]
    assert not lint("\n".join(rows) + "\n", select=["JL302"])
    rows.append(chat("Can you order a pizza?", "Yes, I can calculate your BMI first.", tools=tools_a))
    (d,) = lint("\n".join(rows) + "\n", select=["JL302"])
    assert d.location.line == 3 and "yes against no" in d.message


def test_result_does_not_depend_on_how_records_are_split(tmp_path):
    rows = [chat("Capital of Australia?", a) for a in ("Canberra.", "It is Canberra.", "Sydney.", "Perth.")]
    one = tmp_path / "one.jsonl"
    one.write_text("\n".join(rows) + "\n")
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(rows[:2]) + "\n")
    b.write_text("\n".join(rows[2:]) + "\n")
    from helpers import settings_for
    from jsonl_lint.engine import lint_paths

    whole = [d.message for d in lint_paths([str(one)], settings_for(["JL302"]), jobs=1).diagnostics]
    split = [d.message for d in lint_paths([str(a), str(b)], settings_for(["JL302"]), jobs=2).diagnostics]
    assert len(whole) == len(split) == 2
    assert [m.split(" but ")[1] for m in whole] == [m.split(" but ")[1] for m in split]


def test_an_undesirable_answer_is_not_an_answer_to_compare():
    """KTO data pairs one prompt with a desirable and an undesirable answer (label true and
    false); the dialect marks the undesirable one as the rejected branch, which JL302 leaves
    out, so the pair is no conflict."""
    from jsonl_lint.formats import normalize
    from jsonl_lint.rules.duplicates.conflicting_answers import prompt_and_answer

    def example(branch):  # a fresh view each time: a view's answers are found once (answer_turns)
        found = normalize({"messages": [{"role": "user", "content": "Capital of Australia?"},
                                        {"role": "assistant", "content": "Sydney."}]})
        found.turns[-1].branch = branch
        return found

    assert prompt_and_answer(example("rejected")) is None
    assert prompt_and_answer(example("chosen"))[1] == "Sydney."


def test_a_label_is_read_from_answers_of_at_most_four_words():
    # claims() reads an answer's words only up to one past the label's limit: four words
    # give a label, five none, and a long answer still has its polarity.
    given = prompt_words("user Classify the shape as concave or convex.")
    assert claims("Concave, I am sure.", given).label == {"concave", "sure"}
    assert claims("It is clearly concave, sure.", given).label == frozenset()
    assert claims("No, it is convex and " + "more words " * 50, given).polarity == -1
