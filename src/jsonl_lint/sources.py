"""Where dataset bytes come from: local files, or object stores through fsspec.

``s3://``, ``gs://`` and ``hf://`` paths work wherever a local path does. Their
protocols come from optional extras (``jsonl-lint[s3]``, ``[gcs]``, ``[hf]``) and
their credentials from each library's usual environment and config files; a path
is never printed with credentials in it (:func:`display`). Remote files are read by
byte ranges, never downloaded whole first. ``.gz`` and ``.zst`` files are
decompressed as streams (one task per file: a compressed stream cannot start in
the middle).
"""

from __future__ import annotations

import io
import os
import re
from functools import lru_cache
from typing import IO

from .config import ConfigError

# Protocol -> the extra that installs it.
EXTRAS = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "hf": "hf"}
COMPRESSED_SUFFIXES = (".gz", ".zst")
_URL = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.I)
_USERINFO = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.I)
_SECRET_QUERY = re.compile(r"([?&](?:[^=&]*(?:token|key|secret|signature|credential|password)[^=&]*)=)[^&]*", re.I)


def protocol(path: str) -> str | None:
    """'s3', 'gs', 'hf', ... for a URL; None for a local path."""
    m = _URL.match(path)
    return m.group(1).lower() if m else None


def is_remote(path: str) -> bool:
    return protocol(path) not in (None, "file")


def is_compressed(path: str) -> bool:
    return path.endswith(COMPRESSED_SUFFIXES)


def display(path: str) -> str:
    """The path as it may be shown: user:password@ and secret query values removed."""
    if "://" not in path:
        return path
    return _SECRET_QUERY.sub(r"\1***", _USERINFO.sub(r"\1", path))


@lru_cache(maxsize=None)
def filesystem(proto: str):
    """The fsspec filesystem of a protocol (one per process), or a clear error naming
    the extra to install."""
    extra = EXTRAS.get(proto)
    try:
        import fsspec

        return fsspec.filesystem(proto)
    except ImportError as exc:
        hint = f"pip install 'jsonl-lint[{extra}]'" if extra else "install the fsspec package for it"
        raise ConfigError(f"{proto}:// paths need an optional dependency ({exc.name or exc}): {hint}") from None
    except ValueError:
        raise ConfigError(f"{proto}:// paths are not supported (no fsspec protocol of that name)") from None


def _fs(path: str):
    return filesystem(protocol(path))


def _strip(path: str) -> str:
    """The path without its protocol, as fsspec filesystems take it."""
    return _URL.sub("", path)


def remote_error(path: str, exc: BaseException) -> ConfigError:
    """A readable error for a failed remote access: missing object or credentials."""
    name = type(exc).__name__
    text = str(exc)
    m = _USERINFO.match(path)
    if m:  # libraries quote the path in their messages, credentials included
        text = text.replace(path[len(m.group(1)):m.end()], "")
    if isinstance(exc, FileNotFoundError):
        return ConfigError(f"{display(path)}: no such object")
    if isinstance(exc, PermissionError) or name in ("NoCredentialsError", "PartialCredentialsError") \
            or "credential" in text.lower() or "AccessDenied" in text or "403" in text:
        return ConfigError(f"{display(path)}: access denied or no credentials ({name}); credentials come from the "
                           f"{protocol(path)} library's usual environment variables and config files")
    return ConfigError(f"{display(path)}: cannot read ({name}: {display(text)[:200]})")


def _remote(path: str, call):
    """``call(filesystem, bare path)`` with its errors made readable."""
    try:
        return call(_fs(path), _strip(path))
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001 - every backend raises its own errors
        raise remote_error(path, exc) from None


def size(path: str) -> int:
    return os.path.getsize(path) if not is_remote(path) else int(_remote(path, lambda fs, p: fs.size(p)))


def exists(path: str) -> bool:
    return os.path.exists(path) if not is_remote(path) else bool(_remote(path, lambda fs, p: fs.exists(p)))


READ_AHEAD = 4 << 20  # bytes fetched per remote request

# The in-memory sources of the runs in progress (editor buffers), by path: a record
# re-read by its byte range comes from here, not from the file (workers forked during a
# run see them too).
in_memory: dict[str, bytes] = {}


def open_binary(path: str, read_ahead: int = READ_AHEAD) -> IO[bytes]:
    """A binary stream of a dataset file, decompressed when it ends in .gz or .zst.
    Remote files are fetched ``read_ahead`` bytes at a time."""
    if is_remote(path):
        try:
            # Whole aligned blocks, two kept: a read-ahead cache would fetch a second block
            # past every request, the whole of a small file.
            raw = _fs(path).open(_strip(path), "rb", block_size=read_ahead, cache_type="blockcache",
                                 cache_options={"maxblocks": 2})
        except ConfigError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise remote_error(path, exc) from None
    else:
        raw = open(path, "rb")
    if path.endswith(".gz"):
        import gzip

        return gzip.GzipFile(fileobj=raw, mode="rb") if is_remote(path) else gzip.open(raw, "rb")
    if path.endswith(".zst"):
        try:
            import zstandard
        except ImportError:
            raw.close()
            raise ConfigError(f"{display(path)}: .zst files need the zstandard package: "
                              "pip install 'jsonl-lint[zstd]'") from None
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=True))
    return raw


def read_range(path: str, offset: int, length: int) -> bytes:
    """``length`` bytes at ``offset`` (of the decompressed stream for .gz/.zst files)."""
    if is_remote(path) and not is_compressed(path):
        return _remote(path, lambda fs, p: fs.cat_file(p, start=offset, end=offset + length))
    with open_binary(path) as f:
        if is_compressed(path):
            _skip(f, offset)
        else:
            f.seek(offset)
        return f.read(length)


def read_ranges(path: str, ranges: list[tuple[int, int]]) -> list[bytes]:
    """Several (offset, length) ranges of an uncompressed remote file in one call
    (fetched concurrently by the async filesystems)."""
    if not ranges:
        return []
    return _remote(path, lambda fs, p: fs.cat_ranges([p] * len(ranges), [o for o, _ in ranges],
                                                     [o + n for o, n in ranges]))


def _skip(stream: IO[bytes], n: int) -> None:
    while n > 0:
        chunk = stream.read(min(n, 1 << 20))
        if not chunk:
            return
        n -= len(chunk)


def expand(path: str, suffixes: tuple[str, ...]) -> list[str]:
    """A remote path as dataset files: a glob, a folder (searched for ``suffixes``)
    or one object. Returned with their protocol, sorted."""
    proto = protocol(path)
    fs = _fs(path)
    bare = _strip(path)
    try:
        if any(ch in bare for ch in "*?["):
            found = sorted(fs.glob(bare))
            if not found:
                raise ConfigError(f"{display(path)}: no object matches")
            return [f"{proto}://{p}" for p in found if not fs.isdir(p)]
        if fs.isdir(bare):
            out = []
            for p in sorted(fs.find(bare)):
                name = p.rsplit("/", 1)[-1]
                if name.endswith(suffixes) and not name.startswith("."):
                    out.append(f"{proto}://{p}")
            return out
        if not fs.exists(bare):
            raise ConfigError(f"{display(path)}: no such object")
    except ConfigError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise remote_error(path, exc) from None
    return [path]
