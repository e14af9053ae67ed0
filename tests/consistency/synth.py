"""Generated datasets with a consistent voice and format plus planted outliers.

Used by the consistency tests and by ``bench/consistency.py``. Everything is
driven by a seeded ``random.Random``: the same seed gives the same dataset.
"""

from __future__ import annotations

import json
import random

SYSTEM = "You are the support assistant of Northwind Outfitters. Answer clearly and politely."

TOPICS = [
    ("Where is my order?", "order", "Your order left our warehouse on {day} and should arrive within {n} business days."),
    ("How do I reset my password?", "account", "Open the account page, choose Security and select Reset password."),
    ("Can I change my delivery address?", "address", "You can edit the delivery address in your profile until the parcel ships."),
    ("Do you ship to Canada?", "shipping", "We ship to Canada, and delivery usually takes {n} to {m} business days."),
    ("Is there a warranty on the tent?", "warranty", "Every tent comes with a {n}-year warranty that covers manufacturing defects."),
    ("How do I return a jacket?", "returns", "Print the return label from your order page and drop the parcel at any post office."),
    ("Can I pay in installments?", "payment", "Orders above {n}0 dollars can be split into {m} monthly payments at checkout."),
    ("Which size should I pick?", "sizing", "Our size guide lists chest and waist measurements for every model."),
    ("Do you have a store in Boston?", "stores", "Our Boston store is on Newbury Street and opens at {n} in the morning."),
    ("How do I clean a down jacket?", "care", "Wash it on a gentle cycle with a down detergent and tumble dry on low heat."),
    ("Can I cancel my order?", "cancel", "You can cancel an order from your account page until it has been packed."),
    ("Is the backpack waterproof?", "product", "The backpack is water resistant and comes with a rain cover for heavy showers."),
]
FILLERS = [
    "If anything is unclear, our team is available every day from {n} to {m}.",
    "You will receive an email confirmation as soon as the change is saved.",
    "Please keep your order number at hand when you contact us.",
    "Thank you for shopping with us.",
    "Let us know if there is anything else we can help with.",
    "The tracking link in your confirmation email shows the latest status.",
    "Most customers find the answer in the help center under {topic}.",
    "We are happy to help if you run into any trouble.",
    "Refunds are issued to the original payment method.",
    "Our support line is open on weekdays and on Saturday mornings.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

SLANG = ["lol", "tbh", "gonna", "u", "ur", "gotta", "kinda", "dude", "omg", "btw", "yeah", "nah"]
EMOJI = ["😂", "🔥", "😎", "👍", "🙌", "💯", "😅", "🤷"]
LEGAL = [
    "Notwithstanding the foregoing, the purchaser shall, pursuant to the terms and conditions hereinafter set forth, "
    "indemnify the seller in accordance with the provisions thereof.",
    "Whereas the aforementioned goods were delivered to the undersigned, any claim arising hereunder shall be "
    "submitted forthwith in writing, without prejudice to the remedies stipulated herein.",
    "The obligations of the parties hereto shall, to the extent permitted by applicable legislation, survive the "
    "termination of this agreement, and said obligations shall be construed in accordance with the laws thereof.",
    "Pursuant to section four hereof, the warranty shall be deemed null and void in the event that the product "
    "has been modified, notwithstanding any representation to the contrary made heretofore.",
]
RUDE = [
    "Seriously? This is a stupid question.", "Figure it out yourself.", "Read the manual, it is not my problem.",
    "Are you serious? Stop asking me the same thing.", "Honestly, only an idiot would get this wrong.",
    "This is a waste of my time.", "Use your brain for once.", "How many times do I have to explain this?",
]
FOREIGN = [
    "Su pedido salió de nuestro almacén el lunes y debería llegar en un plazo de tres días hábiles. "
    "Gracias por confiar en nosotros.",
    "Vous pouvez modifier l'adresse de livraison dans votre profil tant que le colis n'a pas été expédié. "
    "Merci de votre confiance.",
    "Öffnen Sie die Kontoseite, wählen Sie Sicherheit und klicken Sie auf Passwort zurücksetzen. "
    "Vielen Dank für Ihren Einkauf.",
    "Ogni tenda ha una garanzia di due anni che copre i difetti di fabbricazione. Grazie per averci scelto.",
    "Pode editar o endereço de entrega no seu perfil até que a encomenda seja enviada. Obrigado pela preferência.",
]


def _fill(rng: random.Random, s: str, topic: str = "orders") -> str:
    n = rng.randint(2, 9)
    return s.format(day=rng.choice(DAYS), n=n, m=n + rng.randint(1, 5), topic=topic)


VARIANTS = [  # natural variety of the consistent voice: a few exclamations, contractions, acronyms, lists
    "Happy to help!", "We're glad you asked.", "It's usually quicker through the app.",
    "UPS and DHL both deliver to your area.", "See the FAQ for more details.", "Thanks for your patience!",
]


def plain_reply(rng: random.Random, topic_i: int) -> str:
    _, topic, first = TOPICS[topic_i]
    parts = [_fill(rng, first, topic)]
    for s in rng.sample(FILLERS, rng.randint(1, 3)):
        parts.append(_fill(rng, s, topic))
    if rng.random() < 0.35:
        parts.insert(rng.randint(1, len(parts)), rng.choice(VARIANTS))
    if rng.random() < 0.1:
        steps = rng.sample(FILLERS, 2)
        return " ".join(parts) + "\n\n" + "\n".join(f"{i + 1}. {_fill(rng, x)}" for i, x in enumerate(steps))
    return " ".join(parts)


def json_reply(rng: random.Random, topic_i: int, keys=("answer", "steps")) -> str:
    body = {}
    for k in keys:
        if k == "steps":
            body[k] = [_fill(rng, s) for s in rng.sample(FILLERS, rng.randint(1, 3))]
        else:
            body[k] = plain_reply(rng, topic_i)
    return json.dumps(body, indent=2, ensure_ascii=False)


def planted_reply(rng: random.Random, kind: str, topic_i: int, base_format: str) -> str:
    if kind == "slang_emoji":
        words = plain_reply(rng, topic_i).split()
        for _ in range(rng.randint(3, 5)):
            words.insert(rng.randrange(len(words) + 1), rng.choice(SLANG))
        words.insert(rng.randrange(len(words) + 1), "".join(rng.choice(EMOJI) for _ in range(rng.randint(2, 3))))
        words.append(rng.choice(EMOJI))
        return " ".join(words)
    if kind == "shouting":
        text = plain_reply(rng, topic_i).upper()
        return text.replace(".", "!", rng.randint(1, 2))
    if kind == "legalese":
        return " ".join(rng.sample(LEGAL, rng.randint(2, 3)))
    if kind == "rudeness":
        return " ".join([rng.choice(RUDE), plain_reply(rng, topic_i), rng.choice(RUDE)])
    if kind == "json":
        return json_reply(rng, topic_i, ("answer", "confidence"))
    if kind == "table":
        rows = "\n".join(f"| {TOPICS[(topic_i + i) % len(TOPICS)][1]} | {rng.randint(1, 9)} days |" for i in range(3))
        return f"Here is an overview:\n\n| Topic | Time |\n|---|---|\n{rows}"
    if kind == "prose":
        return plain_reply(rng, topic_i)
    if kind == "other_keys":
        return json_reply(rng, topic_i, ("answer", "reasoning"))
    if kind == "language":
        return rng.choice(FOREIGN)
    raise ValueError(kind)


PROSE_KINDS = ("slang_emoji", "shouting", "legalese", "rudeness", "json", "table", "language")
JSON_KINDS = ("prose", "other_keys", "table")


def dataset(seed: int = 0, n: int = 400, per_kind: int = 8, base_format: str = "prose",
            kinds: tuple[str, ...] | None = None) -> tuple[list[dict], dict[int, str]]:
    """Records and {record index: planted kind}."""
    rng = random.Random(seed)
    kinds = kinds if kinds is not None else (PROSE_KINDS if base_format == "prose" else JSON_KINDS)
    plan = [None] * n + [k for k in kinds for _ in range(per_kind)]
    rng.shuffle(plan)
    records, planted = [], {}
    for i, kind in enumerate(plan):
        t = rng.randrange(len(TOPICS))
        if kind is None:
            reply = plain_reply(rng, t) if base_format == "prose" else json_reply(rng, t)
        else:
            reply = planted_reply(rng, kind, t, base_format)
            planted[i] = kind
        records.append({"messages": [{"role": "system", "content": SYSTEM},
                                     {"role": "user", "content": TOPICS[t][0]},
                                     {"role": "assistant", "content": reply}]})
    return records, planted


def to_jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# Which findings count as detecting each planted kind: (codes, message clause prefixes).
DETECTORS = {
    "slang_emoji": (("JL401", "JL402"), ("uses ", "informal slang")),
    "shouting": (("JL401",), ("shouts",)),
    "legalese": (("JL402",), ("legalese", "reads at Flesch-Kincaid grade")),
    "rudeness": (("JL401",), ("hostile",)),
    "json": (("JL404",), ("a JSON object",)),
    "table": (("JL404",), ("text with a markdown table",)),
    "prose": (("JL404",), ("plain prose", "text with a bulleted")),
    "other_keys": (("JL404",), ("a JSON object with keys",)),
    "language": (("JL405", "JL406"), ("",)),  # JL406 when the user's language is known
}


def detects(kind: str, code: str, message: str) -> bool:
    codes, prefixes = DETECTORS[kind]
    if code not in codes:
        return False
    clauses = [c.strip() for c in message.split("; also ")]
    return any(c.startswith(p) for c in clauses for p in prefixes)


def score(diagnostics, planted: dict[int, str], kinds) -> dict[str, tuple[float, float, int, int]]:
    """kind -> (recall, precision, planted, flagged) from diagnostics with ``record.index``."""
    out = {}
    for kind in kinds:
        flagged = {d.record.index for d in diagnostics if d.record is not None and detects(kind, d.code, d.message)}
        truth = {i for i, k in planted.items() if k == kind}
        tp = len(flagged & truth)
        recall = tp / len(truth) if truth else 1.0
        precision = tp / len(flagged) if flagged else (1.0 if not truth else 0.0)
        out[kind] = (recall, precision, len(truth), len(flagged))
    return out
