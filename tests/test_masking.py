"""Secrets stay masked in every output: excerpts, messages, fixes, SARIF, annotations, the
HTML report, --diff and --fix, whether or not the JL7xx rules are selected."""

from __future__ import annotations

import io
import json
import random
import string

import pytest

from jsonl_lint.cli import main
from jsonl_lint.diagnostics import Secret
from jsonl_lint.masking import mask_secret, redact

ALNUM = string.ascii_letters + string.digits


def _rand(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _card(rng: random.Random) -> str:
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = sum(d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(digits)))
    digits.append((10 - total % 10) % 10)
    s = "".join(map(str, digits))
    return " ".join(s[i:i + 4] for i in range(0, 16, 4))


def realistic_secrets(seed: int = 7) -> dict[str, str]:
    """Secrets of real shapes (random bodies, never the documentation samples)."""
    rng = random.Random(seed)
    material = "\n".join(_rand(rng, 64, ALNUM + "+/") for _ in range(4))
    return {
        "aws-id": "AKIA" + _rand(rng, 16, string.ascii_uppercase + string.digits),
        "aws-secret": _rand(rng, 40, ALNUM + "/+"),
        "github": "ghp_" + _rand(rng, 36),
        "openai": "sk-proj-" + _rand(rng, 48, ALNUM + "_-"),
        "slack": f"xoxb-{rng.randrange(10**11, 10**12)}-{rng.randrange(10**11, 10**12)}-{_rand(rng, 24)}",
        "stripe": "sk_live_" + _rand(rng, 28),
        "private-key": f"-----BEGIN RSA PRIVATE KEY-----\n{material}\n-----END RSA PRIVATE KEY-----",
        "email": "mortimer.quayle1987@fastmail.fm",
        "phone": "(312) 748-2961",
        "card": _card(rng),
        # used only as object keys and as a role (dataset()), never as a string value elsewhere,
        # so nothing but their own detection as keys can mask them
        "key-aws-id": "AKIA" + _rand(rng, 16, string.ascii_uppercase + string.digits),
        "key-github": "ghp_" + _rand(rng, 36),
        "key-email": "h.okonkwo2291@protonmail.ch",
        "role-openai": "sk-proj-" + _rand(rng, 48, ALNUM + "_-"),
    }


# what outputs may show of each secret: (leading, trailing) characters, as the rules say (the
# phone fix keeps the area code of the number it replaces, and its title and --diff show it;
# a private key's END line is boilerplate)
VISIBLE = {"aws-id": (4, 0), "aws-secret": (2, 0), "github": (4, 0), "openai": (8, 0), "slack": (5, 0),
           "stripe": (7, 0), "private-key": (31, 29), "email": (1, 3), "phone": (6, 2), "card": (0, 4),
           "key-aws-id": (4, 0), "key-github": (4, 0), "key-email": (1, 3), "role-openai": (8, 0)}


def hidden_pieces(secrets: dict[str, str], width: int = 6) -> dict[str, list[str]]:
    """Every ``width``-character piece of each secret's hidden part, decoded and as JSON."""
    out = {}
    for name, value in secrets.items():
        a, b = VISIBLE[name]
        forms = {value, json.dumps(value)[1:-1]}
        out[name] = sorted({f[a + i: a + i + width] for f in forms for i in range(len(f) - a - b - width + 1)})
    return out


def _record(user: str, answer: str, role: str = "user", top: dict | None = None,
            user_keys: dict | None = None, answer_keys: dict | None = None) -> str:
    return json.dumps({"messages": [{"role": role, "content": user, **(user_keys or {})},
                                    {"role": "assistant", "content": answer, **(answer_keys or {})}],
                       **(top or {})})


def key_records(secrets: dict[str, str]) -> list[str]:
    """Secrets used as object keys, which unknown-key findings quote: at the top level (one
    character after its kind prefix JSON-escaped) and in messages; and a role that is a key."""
    s = secrets
    key = s["key-aws-id"]
    top = _record("Which region?", "Frankfurt.", top={key: 1})
    return [top.replace(f'"{key}"', f'"{key[:4]}\\u{ord(key[4]):04x}{key[5:]}"'),
            _record("Look this up", "Found it.", user_keys={s["key-github"]: "yes"},
                    answer_keys={s["key-email"]: {"seen": True}}),
            _record("Who are you?", "Your assistant.", role=s["role-openai"])]


def dataset(secrets: dict[str, str]) -> str:
    """Records that carry secrets next to other findings (a misspelled role, whitespace
    with a fix whose content is the whole string, a duplicate), one secret JSON-escaped,
    and the secrets used as keys."""
    s = secrets
    lines = [
        _record("My AWS keys?", f" aws_secret_access_key = {s['aws-secret']} id {s['aws-id']} "),
        _record(f"token {s['github']} and {s['openai']}", "Rotate them now.", role="User"),
        _record("Paste my key", s["private-key"] + " "),
        _record(f"mail {s['email']}, call {s['phone']}, card {s['card']}", "Noted. "),
        _record(f"slack {s['slack']} stripe {s['stripe']}", "ok", role="Assistant"),
        _record(f"slack {s['slack']} stripe {s['stripe']}", "ok", role="Assistant"),  # a duplicate
        *key_records(s),
    ]
    escaped = _record("escaped", f"key {s['openai']} ").replace("sk-proj-", "sk-proj\\u002d")
    return "\n".join(lines + [escaped]) + "\n"


def run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    main(list(args), out, err)
    return out.getvalue() + err.getvalue()


def leaks(text: str, secrets: dict[str, str]) -> list[str]:
    return [f"{name}: {piece!r}" for name, pieces in hidden_pieces(secrets).items() for piece in pieces
            if piece in text]


# A house rule whose message quotes what it matched: an email and a key with their labels.
QUOTING_RULE = """\
extends: existence
message: "quoted '%s'"
level: warning
scope: [user, assistant]
tokens:
  - mail \\S+
  - aws_secret_access_key = \\S+
"""


@pytest.fixture
def secret_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    secrets = realistic_secrets()
    path = tmp_path / "train.jsonl"
    path.write_text(dataset(secrets))
    (tmp_path / "rules" / "House").mkdir(parents=True)
    (tmp_path / "rules" / "House" / "Quote.yml").write_text(QUOTING_RULE)
    (tmp_path / "lint.toml").write_text('rules-path = ["rules"]\n')
    return path, secrets


@pytest.mark.parametrize("select", [None, "JL1,JL3,House."])
def test_every_output_format_masks_every_secret(secret_file, tmp_path, monkeypatch, select):
    path, secrets = secret_file
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    extra = (["--config", str(tmp_path / "lint.toml"), "--preview"]  # preview: JL116 shows an excerpt
             + (["--select", select] if select else []))
    outputs = {fmt: run("check", str(path), "--output-format", fmt, *extra)
               for fmt in ("full", "concise", "json", "json-lines", "sarif", "github")}
    outputs["step summary"] = summary.read_text()
    outputs["diff"] = run("check", str(path), "--diff", "--unsafe-fixes", *extra)
    outputs["html"] = run("report", str(path), "-o", "-", *extra)
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_text(path.read_text())
    outputs["fix"] = run("check", str(fixed), "--fix", "--unsafe-fixes", *extra)
    keys = tmp_path / "keys.jsonl"  # the targets' first errors: the keys come first
    keys.write_text("\n".join(key_records(secrets)) + "\n")
    outputs["targets"] = run("targets", str(keys), "--output-format", "json", *extra[:2])
    # the run found what it should: excerpts, fixes and the diff are there to be masked
    assert "JL104" in outputs["full"] and "JL116" in outputs["full"] and "^" in outputs["full"]
    assert "quoted 'aws_secret_access_key = " + secrets["aws-secret"][:2] + "****" in outputs["full"]
    assert "quoted 'mail m*****" in outputs["full"]
    assert '"content":' in outputs["json"] and "--- a/" in outputs["diff"]
    # the keys are quoted (unknown keys, target extra keys), masked
    assert "unknown top-level key `AKIA****" in outputs["full"] and "unknown message key `ghp_****" in outputs["full"]
    assert "unknown message key `h*****" in outputs["full"] and "top-level key `AKIA****" in outputs["targets"]
    assert '"AKIA******' in outputs["full"]  # the escaped key as written, in the excerpt
    if select is None:
        assert outputs["concise"].count("JL70") >= 9
    for name, text in outputs.items():
        assert not leaks(text, secrets), f"{name} output shows a secret: {leaks(text, secrets)[:3]}"
    assert "*" * 20 in outputs["full"]


def test_show_secrets_shows_them(secret_file):
    path, secrets = secret_file
    out = run("check", str(path), "--config", str(path.parent / "lint.toml"), "--show-secrets")
    assert secrets["github"] in out and secrets["aws-secret"] in out
    assert leaks(out, secrets)  # the leak check itself finds an unmasked secret


def test_mask_keeps_length_and_visible_ends():
    assert mask_secret("4539148803436467", 0, 4) == "*" * 12 + "6467"
    assert mask_secret("ghp_abcdefgh", 4, 0) == "ghp_********"
    assert mask_secret("ab", 4, 4) == "ab"  # nothing to hide beyond what the rule shows


def test_redact_masks_raw_decoded_and_cut_pieces():
    value = "sk-proj-Qm7vR2xT9kLp4WzN8bYc3HdF6gJs1AeU5oVi0tXr"
    raw = value.replace("-", "\\u002d", 1)
    secret = Secret(raw, value, 8, 0)
    masked = redact(f"a {value} b {raw} c", [secret])
    assert value not in masked and raw not in masked
    assert masked.startswith("a sk-proj-****") and masked.endswith("****** c")
    # a message quoting the start or the end of the secret only
    quoted = redact(f"starts with '{value[:20]}…' and ends with '…{value[-12:]}'", [secret])
    assert value[8:20] not in quoted and value[-12:] not in quoted
    # a secret that shares a piece with another is masked whole
    other = Secret("ghp_" + value[10:46], "ghp_" + value[10:46], 4, 0)
    both = redact(f"{value} {other.value}", [secret, other])
    assert both == f"{mask_secret(value, 8, 0)} {mask_secret(other.value, 4, 0)}"
