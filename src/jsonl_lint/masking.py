"""Secrets stay masked in everything jsonl-lint prints.

The JL7xx rules find secrets (keys, tokens, private keys, personal data) and mark the
span of each finding as one (``Finding.secret``: how many leading and trailing
characters may be shown). The engine runs these detectors on every record that has a
finding, whether or not they are selected, and attaches what they found to the
record's diagnostics (``Diagnostic.secrets``). Every output passes the record text it
shows through :func:`redact`: source excerpts, messages that quote the record, fix
contents, JSON pointers, SARIF, GitHub annotations, the HTML report, ``--diff`` and
the language server. The detectors read object keys as well as string values, so a
secret used as a key is masked wherever the key is quoted. ``--show-secrets`` turns it off for local use.

Masks keep the secret's length (one ``*`` per hidden character), so columns and
carets after a secret stay right and an excerpt cut anywhere stays masked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from .diagnostics import Diagnostic, Secret
from .positions import escape_pointer

if TYPE_CHECKING:
    from .engine import Engine

MASK = "*"
PROBE = 8  # a piece of a secret this long, cut at either end (a quoted excerpt), is masked too


def mask_secret(text: str, keep_start: int, keep_end: int) -> str:
    """``text`` with every character but its visible ends replaced by ``*``."""
    n = len(text)
    a = max(0, min(keep_start, n))
    b = max(0, min(keep_end, n - a))
    return text[:a] + MASK * (n - a - b) + text[n - b:]


def redact(text: str, secrets: Iterable[Secret]) -> str:
    """``text`` with every secret masked, whether it appears as written in the file, decoded,
    in a JSON pointer (a secret that is an object key names its member) or cut (a quote
    that starts or ends inside the secret)."""
    needles = {}
    for s in secrets:
        for needle in (s.raw, s.value, escape_pointer(s.value)):
            if len(needle) >= 2:
                needles[needle] = mask_secret(needle, s.keep_start, s.keep_end)
    # whole secrets first (longest first), so a secret that shares a piece with another
    # is masked whole before the pieces are looked for
    order = sorted(needles, key=len, reverse=True)
    for needle in order:
        if needle in text:
            text = text.replace(needle, needles[needle])
    for needle in order:
        text = _mask_pieces(text, needle, needles[needle])
    return text


def _mask_pieces(text: str, needle: str, masked: str) -> str:
    n = len(needle)
    probe = min(PROBE, n)
    head, tail = needle[:probe], needle[n - probe:]
    i = text.find(head)
    while i >= 0:  # a piece cut at its end: "sk-proj-Qm7v…"
        k = probe
        while k < n and i + k < len(text) and text[i + k] == needle[k]:
            k += 1
        text = text[:i] + masked[:k] + text[i + k:]
        i = text.find(head, i + k)
    j = text.find(tail)
    while j >= 0:  # a piece cut at its start: "…0tXr9"
        end = j + probe
        k = probe
        while k < n and end - k - 1 >= 0 and text[end - k - 1] == needle[n - k - 1]:
            k += 1
        text = text[:end - k] + masked[n - k:] + text[end:]
        j = text.find(tail, end)
    return text


def line_masker(engine: "Engine", diagnostics: Iterable[Diagnostic]) -> Callable[[str, str], str]:
    """``mask(path, line)`` for outputs that show whole lines of a file (``--diff``): the
    secrets of the line's own record (JSONL) and of every finding in that file."""
    by_path: dict[str, set[Secret]] = {}
    for d in diagnostics:
        by_path.setdefault(d.filename, set()).update(d.secrets)

    def mask(path: str, line: str) -> str:
        secrets = by_path.get(path, set()).union(engine.secrets_in_text(line, path))
        return redact(line, secrets) if secrets else line

    return mask
