"""JL7xx on generated data with fixed seeds: every planted secret is found with a masked
message, and ordinary look-alikes (hashes, IDs, math, dates, placeholders) are not."""

from __future__ import annotations

import base64
import json
import random
import string

import pytest

from helpers import corpus, lint, settings_for
from jsonl_lint.engine import lint_paths
from jsonl_lint.rules.secrets._scan import luhn_ok

ALNUM = string.ascii_letters + string.digits


def rand(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def card(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + rand(rng, length - len(prefix) - 1, string.digits)
    for check in string.digits:
        if luhn_ok(body + check):
            return body + check
    raise AssertionError


def nanp(rng: random.Random) -> tuple[str, str, str]:
    while True:
        area = rng.choice("23456789") + rng.choice("012345678") + rng.choice(string.digits)
        exchange = rng.choice("23456789") + rand(rng, 2, string.digits)
        if area[1:] != "11" and exchange[1:] != "11" and exchange != "555" and area not in (
                "800", "833", "844", "855", "866", "877", "888"):
            return area, exchange, rand(rng, 4, string.digits)


def secrets(rng: random.Random) -> list[tuple[str, str]]:
    """(code, secret) pairs of every kind and format."""
    out = [
        ("JL701", "sk-proj-" + rand(rng, rng.randint(48, 120), ALNUM + "_-")),
        ("JL701", "sk-" + rand(rng, 48)),
        ("JL701", "sk-ant-api03-" + rand(rng, 93, ALNUM + "_-")),
        ("JL701", rng.choice(["AKIA", "ASIA"]) + rand(rng, 16, string.ascii_uppercase + string.digits)),
        ("JL701", "ghp_" + rand(rng, 36)),
        ("JL701", "github_pat_" + rand(rng, 22) + "_" + rand(rng, 59)),
        ("JL701", f"xoxb-{rand(rng, 11, string.digits)}-{rand(rng, 13, string.digits)}-{rand(rng, 24)}"),
        ("JL701", "AIza" + rand(rng, 35, ALNUM + "_-")),
        ("JL701", "sk_live_" + rand(rng, 24)),
        ("JL701", ".".join([b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()),
                            b64url(json.dumps({"sub": rand(rng, 8), "iat": rng.randint(10**9, 2 * 10**9)}).encode()),
                            b64url(rng.randbytes(32))])),
        ("JL702", "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(
            rand(rng, 64, ALNUM + "+/") for _ in range(rng.randint(3, 12))) + "\n-----END RSA PRIVATE KEY-----"),
    ]
    first, last = rng.choice(["maria", "wei", "olu", "anna", "raj"]), rng.choice(["kowalski", "nguyen", "smith"])
    domain = rng.choice(["gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "acme-corp.io"])
    out.append(("JL703", f"{first}{rng.choice(['.', '_', ''])}{last}{rng.randint(1, 99)}@{domain}"))
    a, e, n = nanp(rng)
    out.append(("JL704", rng.choice([f"({a}) {e}-{n}", f"{a}-{e}-{n}", f"{a}.{e}.{n}", f"+1 {a} {e} {n}"])))
    out.append(("JL704", rng.choice([f"+44 20 {rand(rng, 4, string.digits)} {rand(rng, 4, string.digits)}",
                                     f"+49 30 {rand(rng, 7, string.digits)}",
                                     f"+33 1 {' '.join(rand(rng, 2, string.digits) for _ in range(4))}"])))
    prefix, length = rng.choice([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15),
                                 ("6011", 16), ("3530", 16)])
    number = card(rng, prefix, length)
    sep = rng.choice(["", " ", "-"])
    if sep and length == 16:
        number = sep.join(number[i:i + 4] for i in range(0, 16, 4))
    elif sep:
        number = sep.join((number[:4], number[4:10], number[10:]))
    out.append(("JL705", number))
    return out


def planted(seed: int) -> list[tuple[str, str, str]]:
    """(code, secret, JSONL line) with the secret in a random field of a random format."""
    rng = random.Random(seed)
    rows = []
    for code, secret in secrets(rng):
        text = f"{rng.choice(['Here it is:', 'Use', 'Contact', 'Saved'])} {secret} {rng.choice(['now.', 'thanks', '', '(ok)'])}"
        shape = rng.randrange(4)
        if shape == 0:
            value = {"messages": [{"role": "user", "content": "Help"}, {"role": "assistant", "content": text}]}
        elif shape == 1:
            value = {"messages": [{"role": "system", "content": text}, {"role": "user", "content": "Hi"}]}
        elif shape == 2:
            value = {"instruction": "Store this.", "input": text, "output": "Stored."}
        else:
            value = {"messages": [{"role": "tool", "content": json.dumps({"result": text})}]}
        rows.append((code, secret, json.dumps(value, ensure_ascii=rng.random() < 0.5)))
    return rows


@pytest.mark.parametrize("seed", range(40))
def test_planted_secrets_are_found_and_masked(seed):
    rows = planted(seed)
    found = lint("\n".join(line for _, _, line in rows) + "\n", ["JL7"])
    by_line = {}
    for d in found:
        by_line.setdefault(d.location.line, []).append(d)
    for i, (code, secret, line) in enumerate(rows, start=1):
        hits = [d for d in by_line.get(i, []) if d.code == code]
        assert len(hits) == 1, (code, secret, [d.message for d in by_line.get(i, [])])
        assert secret not in hits[0].message
        core = secret.replace(" ", "").replace("-", "")
        if code == "JL702":
            core = secret.split("\n")[-2]
        assert core[-8:] not in hits[0].message.replace(" ", "").replace("-", "")
    assert sum(len(v) for v in by_line.values()) == len(rows), "no extra findings"


def controls(seed: int) -> list[str]:
    """Ordinary records full of look-alikes: none of them may be flagged."""
    rng = random.Random(seed)
    texts = [
        f"The SHA-256 is {rng.randbytes(32).hex()} and the UUID {rand(rng, 8, '0123456789abcdef')}-4b1e-9c2d-8f3a-{rand(rng, 12, '0123456789abcdef')}.",
        f"Order #{rng.randint(10**15, 10**16 - 1)} shipped on 2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}.",
        f"{rng.randint(10**11, 10**12)} + {rng.randint(10**12, 10**13)} = {rng.randint(10**12, 10**13)}",
        f"The population was {rng.randint(1, 999)},{rng.randint(100, 999)},{rng.randint(100, 999)} in 1990-2000.",
        f"ISBN 978-{rng.randint(0, 9)}-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}-{rng.randint(0, 9)}",
        f"Install with pip install scikit-learn; import sk-learn aliases; version {rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
        "Set OPENAI_API_KEY=sk-... or sk-your-key-here; AWS uses AKIAIOSFODNN7EXAMPLE in its docs.",
        f"Email name@example.com or support@{rand(rng, 6, string.ascii_lowercase)}.com, @{rand(rng, 6, string.ascii_lowercase)} on social.",
        f"Call 555-01{rng.randint(10, 99)} or 1-800-{rng.randint(200, 999)}-{rng.randint(1000, 9999)} (toll free).",
        f"Coordinates +{rng.randint(10, 89)}.{rng.randint(1000, 9999)}, -{rng.randint(10, 179)}.{rng.randint(1000, 9999)}; temperature +{rng.randint(1, 40)} C.",
        f"base64: {base64.b64encode(rng.randbytes(48)).decode()}",
        f"Pi is 3.{rand(rng, 20, string.digits)}; e is 2.71828182845904523536.",
        f"IPv4 192.168.{rng.randint(0, 255)}.{rng.randint(0, 255)} and phone extension x{rng.randint(100, 999)}.",
    ]
    return [json.dumps({"messages": [{"role": "user", "content": "Tell me"}, {"role": "assistant", "content": t}]})
            for t in texts]


@pytest.mark.parametrize("seed", range(40))
def test_look_alikes_are_not_flagged(seed):
    found = lint("\n".join(controls(seed)) + "\n", ["JL7"])
    assert not found, [d.message for d in found]


@pytest.mark.slow
@pytest.mark.parametrize("parts,flagged", [
    (("alpaca", "alpaca_5000.json"), {("JL703", "/input"), ("JL703", "/output")}),  # "Emma Watson" contact record
    (("alpaca-cleaned", "gsm_8k_train.json"), set()),
    (("llamafactory", "lima.json"), set()),
    (("anthropic-cookbook", "json_mode_dataset.jsonl"), set()),
    (("alpaca-cleaned", "roleplay-simple-deduped-roleplay-dataset.json"), set()),
])
def test_ordinary_corpora(parts, flagged):
    """About 17,000 ordinary records. The single alpaca_5000 record flagged is a contact
    entry with a realistic gmail address (see docs/secrets.md)."""
    report = lint_paths([str(corpus(*parts))], settings_for(["JL7"]), jobs=1)
    assert {(d.code, d.pointer) for d in report.diagnostics} == flagged
    assert len({d.record.index for d in report.diagnostics}) == (1 if flagged else 0)


@pytest.mark.slow
def test_red_team_corpus_personal_data_is_found():
    """hh-rlhf red-team transcripts where the assistant hands out people's contacts."""
    report = lint_paths([str(corpus("hh-rlhf", "harmless-base_test.jsonl.gz"))], settings_for(["JL7"]), jobs=1)
    codes = {d.code for d in report.diagnostics}
    assert codes == {"JL703", "JL704"}
    assert len({d.record.index for d in report.diagnostics}) >= 10


@pytest.mark.parametrize("seed", range(10))
def test_unsafe_fixes_remove_personal_data_and_keep_json_valid(seed):
    def fixable(code, secret):  # international phone numbers get no fix
        return code in ("JL703", "JL705") or (code == "JL704" and (secret[0] != "+" or secret.startswith("+1 ")))

    rows = [(code, secret, line) for code, secret, line in planted(seed) if fixable(code, secret)]
    for code, secret, line in rows:
        found = [d for d in lint(line + "\n", [code]) if d.code == code]
        assert len(found) == 1 and found[0].fix is not None, (code, secret)
        assert found[0].fix.applicability.value == "unsafe"
        text = line
        for edit in sorted(found[0].fix.record_edits, key=lambda e: -e.start):
            text = text[:edit.start] + edit.text + text[edit.end:]
        json.loads(text)
        assert secret not in text
        assert not [d for d in lint(text + "\n", ["JL7"])], (code, secret, text)
