"""The user cache folder: things costly to build at every start, built once.

``$JSONL_LINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/jsonl-lint``, else ``~/.cache/jsonl-lint``
(as platformdirs puts a user cache on Linux). Entries are named by the hash of what they
were built from, so a changed source never reads a stale entry; each file carries the
SHA-256 of its payload, checked on every read, and is written atomically (a temporary file,
then a rename). An unwritable or missing folder only means building again: the cache is
never needed for a correct result.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import tempfile

MAGIC = b"jsonl-lint cache 1\n"


def cache_dir() -> str:
    return os.environ.get("JSONL_LINT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "jsonl-lint")


def _path(name: str) -> str:
    return os.path.join(cache_dir(), name)


def load(name: str) -> bytes | None:
    """The payload stored under ``name``, or None (absent, unreadable or damaged)."""
    try:
        with open(_path(name), "rb") as f:
            data = f.read()
    except OSError:
        return None
    return _payload(data)


def load_mapped(name: str) -> memoryview | None:
    """``load`` for a large entry, without reading it into memory: the payload as a
    read-only view of the file mapped into memory (checked as ``load`` checks it). Workers
    forked from this process share its pages instead of a copy. ``store`` replaces a file
    (a new one, renamed), so a mapped entry never changes under its reader."""
    try:
        with open(_path(name), "rb") as f:
            view = memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
        return None
    return _payload(view)


def _payload(data: bytes | memoryview):
    """An entry's payload after its magic and SHA-256 header, or None when either is wrong."""
    head = len(MAGIC) + 32
    if data[:len(MAGIC)] != MAGIC or hashlib.sha256(data[head:]).digest() != data[len(MAGIC):head]:
        return None
    return data[head:]


def store(name: str, payload: bytes) -> bool:
    """Write ``payload`` under ``name`` atomically; False when the folder is not writable."""
    folder = cache_dir()
    tmp = None
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, os.path.join(folder, name))
        return True
    except OSError:
        if tmp is not None:
            try:
                os.remove(tmp)
            except OSError:
                pass
        return False


def key(*parts: str | bytes) -> str:
    """A short hex digest naming an entry by what it is built from."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def file_identity(path: str) -> tuple[str, ...]:
    """A file's path, identity, size, modification and change time, for naming an entry built
    from it: any write or replacement changes the change time (which, unlike the modification
    time, cannot be set back). Raises OSError."""
    st = os.stat(path)
    return (os.path.abspath(path), *map(str, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)))
