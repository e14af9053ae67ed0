"""Compiled regular expressions kept across runs in the user cache (``cache.py``).

Compiling the few hundred patterns of a check's rules costs a 16-record run about 60 ms,
a sixth of its CPU: ``re``'s parser and code generator are Python. Building the same
patterns from their compiled code takes about 2 ms. In jsonl-lint's own process,
:func:`warm` puts every pattern an earlier run compiled into ``re``'s own cache of compiled
patterns, where ``re.compile`` finds it, and at exit the patterns compiled meanwhile are
added to the entry. A pattern comes back identical to a fresh compile (same code, flags and
groups). The entry is keyed by the interpreter's build and the regex engine's code version
(``_sre.MAGIC``); with internals other than those of CPython 3.11 to 3.13, or any problem
reading it, patterns are compiled as usual.
"""

from __future__ import annotations

import atexit
import marshal
import re
import sys

from . import cache

# Room left in re's cache (512 patterns) for what the run compiles besides the warmed ones.
_SPARE = 64


def _internals():
    """(re's pattern cache, its size limit, _parser, _compiler, _sre) or None."""
    if sys.implementation.name != "cpython" or not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return None
    try:
        import _sre
        from re import _compiler, _parser

        store, limit = re._cache, re._MAXCACHE
    except (ImportError, AttributeError):
        return None
    if not isinstance(store, dict) or not callable(getattr(_sre, "compile", None)):
        return None
    return store, limit, _parser, _compiler, _sre


def _entry(sre) -> str:
    return f"compiled-regex-{cache.key(sys.version, str(sre.MAGIC), str(sre.CODESIZE))}.marshal"


def warm() -> int:
    """Put the patterns of earlier runs into ``re``'s cache and remember, at exit, those this
    run compiles; returns how many were put there."""
    found = _internals()
    if found is None:
        return 0
    store, limit, _parser, _compiler, sre = found
    entry = _entry(sre)
    payload = cache.load(entry)
    try:
        rows = marshal.loads(payload) if payload is not None else []
    except (ValueError, EOFError, TypeError):
        rows = []
    known: dict = {}  # key -> row, the rows last needed first
    warmed: dict = {}  # key -> the pattern put into re's cache
    room = max(0, limit - len(store) - _SPARE)
    for row in reversed(rows):  # the rows last needed first, when not all fit
        try:
            pattern, flags, final_flags, code, groups, groupindex, indexgroup = row
            key = (type(pattern), pattern, flags)
            known[key] = row
            if key not in store and len(warmed) < room:
                store[key] = warmed[key] = sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)
        except Exception:  # a row from other internals: compiled as usual when asked for
            continue
    atexit.register(_remember, store, known, warmed, entry, limit - _SPARE, _parser, _compiler)
    return len(warmed)


def _remember(store: dict, known: dict, warmed: dict, entry: str, most: int, _parser, _compiler) -> None:
    """Add the patterns compiled since :func:`warm` to the entry (only when there are any),
    keeping at most ``most`` rows: those this run compiled or used last, so the patterns a
    repeated run needs stay when other runs needed others."""
    added = []
    for key, compiled in list(store.items()):
        if key in known or key[0] is not str or not isinstance(compiled, re.Pattern) or key[2] & re.LOCALE:
            continue
        try:
            added.append(_row(key[1], key[2], _parser, _compiler))
        except Exception:  # never fails a run: that pattern is compiled again next time
            continue
    if not added:
        return
    # Which warmed patterns the run used: re's cache does not say, but a module or an object
    # that compiled one holds it, so it has more references than one only the caches hold.
    refs = {key: sys.getrefcount(pattern) - (store.get(key) is pattern) for key, pattern in warmed.items()}
    unheld = min(refs.values(), default=0)
    used = {key for key, n in refs.items() if n > unheld}
    rows = list(reversed(known.values()))  # oldest first, as stored
    kept = [r for r in rows if _key(r) not in used] + [r for r in rows if _key(r) in used] + added
    try:
        cache.store(entry, marshal.dumps(kept[-most:]))
    except ValueError:  # a row marshal cannot write: left as it was
        pass


def _key(row: tuple) -> tuple:
    return (type(row[0]), row[0], row[1])


def _row(pattern: str, flags: int, _parser, _compiler) -> tuple:
    """What ``_compiler.compile`` passes to ``_sre.compile``, in marshal's types."""
    parsed = _parser.parse(pattern, flags)
    code = [int(c) for c in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (pattern, int(flags), int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex,
            tuple(indexgroup))
