from __future__ import annotations

import base64
import re

import orjson

from ...diagnostics import Finding, Severity
from ...lazy_regex import LazyRegex
from ...rule import Context, Options, RecordRule
from ._scan import looks_random, mask, texts, where

# (name, pattern, characters of the match that identify its kind and may be shown)
_KINDS: tuple[tuple[str, str, int], ...] = (
    ("Anthropic API key", r"sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,}", 14),
    ("OpenAI API key", r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}", 8),
    ("OpenAI API key", r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}", 3),
    ("OpenAI API key", r"sk-[A-Za-z0-9]{32,64}", 3),
    ("AWS access key ID", r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", 4),
    ("AWS secret access key", r"(?i:aws_?secret_?(?:access_?)?key)[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+]{40}", 0),
    ("GitHub token", r"gh[pousr]_[A-Za-z0-9]{36,255}", 4),
    ("GitHub token", r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}", 11),
    ("Slack token", r"xox[abposre]-(?:\d+-)+[A-Za-z0-9-]{10,}", 5),
    ("Slack webhook URL", r"https://hooks\.slack\.com/services/T[A-Z0-9]{8,}/B[A-Z0-9]{8,}/[A-Za-z0-9]{20,}", 34),
    ("Google API key", r"AIza[0-9A-Za-z_-]{35}", 4),
    ("Stripe secret key", r"(?:sk|rk)_live_[0-9A-Za-z]{24,}", 8),
    ("JSON Web Token", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}", 3),
)
_PATTERN = LazyRegex("|".join(f"(?P<k{i}>{p})" for i, (_, p, _) in enumerate(_KINDS)))
_BOUNDED = re.compile(r"[A-Za-z0-9_-]")
# Cheap test on the raw line: no candidate can match without one of these substrings
# (str.__contains__ is several times faster than one regex alternation here).
_MARKERS = ("sk-", "xox", "hooks.slack", "eyJ", "ecret", "ECRET")
# The markers with an underscore, tested only when the line has one (few lines do).
_UNDERSCORE_MARKERS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "_live_")
# The markers that start with "A": a regex with a literal first character finds them in one pass.
_A_MARKERS = re.compile(r"A(?:KIA|SIA|BIA|CCA|Iza)")


def _may_have_key(line: str) -> bool:
    for marker in _MARKERS:  # a loop, not any() over a generator: a third less per line
        if marker in line:
            return True
    return _A_MARKERS.search(line) is not None or ("_" in line and any(m in line for m in _UNDERSCORE_MARKERS))
# Well-known documentation values (AWS docs, jwt.io).
_DOC_VALUES = ("EXAMPLE", "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")


def _jwt_header_ok(token: str) -> bool:
    head = token.split(".", 1)[0]
    try:
        data = orjson.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        return False
    return isinstance(data, dict) and "alg" in data


def find_keys(text: str):
    """(kind, start, end, shown-prefix length) of every credential in ``text``."""
    for m in _PATTERN.finditer(text):
        s, e = m.span()
        escaped = s >= 2 and text[s - 2] == "\\"  # after a literal \n in double-encoded JSON
        if (s and _BOUNDED.match(text[s - 1]) and not escaped) or (e < len(text) and _BOUNDED.match(text[e])):
            continue  # part of a longer identifier
        index = int(m.lastgroup[1:])
        kind, _, shown = _KINDS[index]
        value = m.group(0)
        if any(doc in value for doc in _DOC_VALUES):
            continue
        if kind == "JSON Web Token":
            if not _jwt_header_ok(value):
                continue
        elif kind == "AWS secret access key":
            secret = value[-40:]
            if not looks_random(secret, 4.0):
                continue
            s = e - 40
            value = secret
        elif not looks_random(value[shown:], 2.5 if kind == "AWS access key ID" else 3.0):
            continue
        yield kind, s, e, value, shown


class ApiKey(RecordRule):
    """Reports API keys, access tokens and signed tokens of well-known shapes.

    ## What it does
    Searches every string and object key of the record (turns, tool outputs, metadata) for
    credentials with a recognisable shape: OpenAI (`sk-`, `sk-proj-`), Anthropic
    (`sk-ant-`), AWS access key IDs (`AKIA`, `ASIA`) and secret keys written as
    `aws_secret_access_key = ...`, GitHub (`ghp_`, `gho_`, `github_pat_`), Slack
    tokens (`xoxb-`, `xoxp-`) and webhooks, Google (`AIza`), Stripe live keys and
    JSON Web Tokens. Placeholders (`sk-xxxx`, `your-api-key`), low-entropy strings
    and well-known documentation values (`AKIAIOSFODNN7EXAMPLE`, the jwt.io
    sample) are not reported. The message shows only the kind-identifying prefix.

    ## Why it matters for fine-tuning
    A model memorises rare strings it sees during training and can print them to
    anyone. Uploading the file also hands the key to the training provider.
    Remove the key from the data and rotate it.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Why does my call fail?"}, {"role": "assistant", "content": "Set OPENAI_API_KEY=sk-proj-Qm7vR2xT9kLp4WzN8bYc3HdF6gJs1AeU5oVi0tXr in your shell."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Why does my call fail?"}, {"role": "assistant", "content": "Set OPENAI_API_KEY=<your key> in your shell."}]}
    ```
    """

    code = "JL701"
    name = "api-key"
    summary = "Record contains an API key or access token"
    severity = Severity.ERROR
    requires = "json"
    finds_secrets = True

    class Options(Options):
        pass

    def check(self, record, ctx: Context):
        text = record.text
        if not _may_have_key(text):
            return
        for pointer, text, on_key in texts(record):
            for kind, s, e, value, shown in find_keys(text):
                masked = mask(value, max(shown, 2), 0)
                yield Finding(f"{kind} '{masked}' ({len(value)} characters, masked) "
                              f"{where(pointer, on_key)}: remove it from the data and rotate it", pointer, (s, e),
                              on_key=on_key, secret=(len(masked) - 1, 0))
