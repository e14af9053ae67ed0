"""Generated examples with planted volatile facts and timeless / historical controls.

Used by the detector's recall test and by ``bench/volatile.py``. Deterministic for a
given seed. Volatile templates cover every category in varied wording; controls
are timeless facts, definitions, history with past dates and math word problems
full of dollar amounts and years (the usual false positives).
"""

from __future__ import annotations

import json
import random

COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises", "Cyberdyne"]
PEOPLE = ["Jane Doe", "Maria Lopez", "Kenji Sato", "Amara Okafor", "Lars Berg", "Priya Nair", "Tom Hale"]
COUNTRIES = ["France", "Japan", "Brazil", "Kenya", "Canada", "India", "Norway", "Mexico"]
CITIES = ["Paris", "Tokyo", "Lagos", "Toronto", "Mumbai", "Oslo", "Lima", "Denver"]
PRODUCTS = ["Pro plan", "Team plan", "Premium tier", "Basic subscription", "Gold membership", "Enterprise license"]
SOFTWARE = ["Python", "Node.js", "PostgreSQL", "Kubernetes", "Django", "React", "Rust"]
TITLES = ["CEO", "president", "prime minister", "chancellor", "mayor", "head coach", "CFO"]
NAMES = ["Tom", "Sara", "Ali", "Mei", "John", "Lucia", "Ravi", "Nora"]
ITEMS = ["apples", "notebooks", "pens", "tickets", "cupcakes", "books", "shirts"]

VOLATILE = [
    "The {product} costs ${price} per month.",
    "Our {product} is priced at ${price} a year, billed annually.",
    "A {product} currently runs ${price} per user.",
    "The entry fee for the {city} museum is ${small}.",
    "The current exchange rate between the euro and the dollar is {rate}.",
    "Interest rates in {country} are currently {pct}%.",
    "The unemployment rate in {country} is {pct}% right now.",
    "{company} shares are trading at ${price} today.",
    "{company}'s stock price closed at ${price} yesterday, up {pct}%.",
    "The market cap of {company} is about ${big} billion.",
    "The current {title} of {country} is {person}.",
    "{person} is the CEO of {company}.",
    "{company} is led by CEO {person}, who took over last year.",
    "{person}, the current chairman of {company}, announced the plan.",
    "{city} has a population of about {big} million people.",
    "{company} has over {thousands},000 employees worldwide.",
    "As of {year}, {company} employs {thousands},000 people.",
    "The latest version of {software} is {ver}.",
    "The newest release of {software} adds pattern matching.",
    "{software} is currently at version {ver}.",
    "It's currently {temp} degrees and sunny in {city}.",
    "Today's forecast for {city} calls for rain in the afternoon.",
    "The {city} library is open from 9 am to {small} pm on weekdays.",
    "The store closes at {small} pm on Sundays.",
    "The next train to {city} departs at {small}:15 pm.",
    "{person} holds the world record in the 100 metres.",
    "{company} is currently ranked No. {small} in the league.",
    "The richest person in the world is {person}.",
    "{company} is the most valuable company in the world right now.",
    "Recently, {company} launched a new phone with a {small}-inch screen.",
    "This year, {company} expects revenue to grow by {pct}%.",
    "{company} just announced a {pct}% price increase for the {product}.",
    "The reigning champion is {person}, who won again this season.",
    "At the time of writing, {company} has {thousands} million users.",
    "Gas prices in {country} are now ${small}.{pct} a gallon.",
    "The minimum wage in {country} is ${small}.{pct} per hour.",
    "Bitcoin is trading at ${big},{thousands}00 this week.",
    "The upcoming election in {country} is scheduled to take place in {future}.",
    "The average rent in {city} is ${thousands},{pct}00 a month.",
    "Right now, {company}'s app has {thousands} million daily active users.",
]

CONTROLS = [
    "The Berlin Wall fell in 1989.",
    "The Titanic sank on April 15, 1912, after striking an iceberg.",
    "{person} was elected {title} of {country} in {past}.",
    "Water boils at 100 degrees Celsius at sea level.",
    "A triangle has three sides and its angles add up to 180 degrees.",
    "Photosynthesis converts light energy into chemical energy.",
    "The capital of {country} is a city with a long history.",
    "An exchange rate is the price of one currency in terms of another.",
    "Inflation is a general increase in prices over time.",
    "The president of a country is usually its head of state.",
    "A CEO is the highest-ranking executive in a company.",
    "{person} founded {company} in {past}.",
    "World War II ended in 1945.",
    "The first iPhone was released in 2007.",
    "In {past}, the company sold its first product for ${small}.",
    "The Moon orbits the Earth about once every 27 days.",
    "Shakespeare wrote Hamlet around 1600.",
    "A version control system tracks changes to files.",
    "To compute the total, multiply the price by the quantity.",
    "{name} buys {small} {items} for ${small} each. How much does {name} spend in total?",
    "{name} had ${price}. After spending ${small} on {items}, {name} has ${price} - {small} left.",
    "A shop sells {items} at ${small} each. In {past}, it sold {thousands} of them. What was the revenue?",
    "If a ticket costs ${small} and {name} buys {small}, the total is ${small} times {small}.",
    "{name} saved ${price} in {past} and ${small} more in {past2}; together that is ${price} + ${small}.",
    "The interest on $100 at 5% per year is $5 after one year.",
    "Mount Everest is the highest mountain above sea level.",
    "The Pacific is the largest ocean on Earth.",
    "Light travels at about 300,000 kilometres per second.",
    "Bake the cake at 180 degrees for 35 minutes.",
    "Use the latest stable release when you install a package, and pin it in your lock file.",
]


def _fill(template: str, rnd: random.Random) -> str:
    year = rnd.randint(2019, 2024)
    past = rnd.randint(1850, 1990)
    return template.format(
        product=rnd.choice(PRODUCTS), price=rnd.randint(9, 499), small=rnd.randint(2, 11),
        city=rnd.choice(CITIES), country=rnd.choice(COUNTRIES), company=rnd.choice(COMPANIES),
        person=rnd.choice(PEOPLE), title=rnd.choice(TITLES), software=rnd.choice(SOFTWARE),
        rate=f"{rnd.uniform(0.8, 1.3):.2f}", pct=rnd.randint(2, 9), big=rnd.randint(2, 90),
        thousands=rnd.randint(2, 99), year=year, future=year + rnd.randint(1, 3), past=past, past2=past + 1,
        ver=f"{rnd.randint(1, 20)}.{rnd.randint(0, 12)}", temp=rnd.randint(-5, 35),
        name=rnd.choice(NAMES), items=rnd.choice(ITEMS),
    )


FILLERS = [
    "Let me know if you need anything else.",
    "I hope this helps.",
    "Here is a short answer.",
    "Happy to explain further.",
    "",
]


def generate(n: int, seed: int = 0, volatile_share: float = 0.5) -> list[tuple[dict, bool]]:
    """``n`` chat records and whether each carries a planted volatile fact."""
    rnd = random.Random(seed)
    out: list[tuple[dict, bool]] = []
    for i in range(n):
        volatile = rnd.random() < volatile_share
        sentence = _fill(rnd.choice(VOLATILE if volatile else CONTROLS), rnd)
        answer = " ".join(x for x in (rnd.choice(FILLERS[:4]), sentence, rnd.choice(FILLERS)) if x)
        question = rnd.choice(["Can you help me with this?", "Tell me something useful.", "Please answer briefly.",
                               "I have a question for you."])
        record = {"messages": [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]}
        out.append((record, volatile))
    return out


def generate_jsonl(n: int, seed: int = 0, volatile_share: float = 0.5) -> str:
    return "".join(json.dumps(r) + "\n" for r, _ in generate(n, seed, volatile_share))
