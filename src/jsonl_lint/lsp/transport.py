"""LSP frames over stdio, read so that no client can lose later messages or crash the server.

pygls' reader matches one exact header form, allocates whatever ``Content-Length`` claims
and, after a frame whose length is wrong, reads every later message out of step. This
reader works on a byte buffer instead:

* a missing, unreadable or too large ``Content-Length`` is reported (the server answers
  with an error) and the reader skips to the next ``Content-Length`` header;
* a body that is not JSON where its length says it ends, but is followed by more body
  rather than a header, had a wrong length: the true body runs to the next header, and
  the error answer carries its id when it can be read;
* bodies above :data:`MAX_MESSAGE` bytes are never held in memory.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import orjson

MAX_MESSAGE = 256 << 20  # bytes: an editor sends a whole document in one message (VS Code stops at 50 MB)
MAX_HEADER = 8192
_HEADER = re.compile(rb"content-length[ \t]*:", re.I)
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:[^\r\n]*\r\n")
_KEEP = 32  # bytes kept while skipping: enough for a header name cut between two reads

PARSE_ERROR = -32700
INVALID_REQUEST = -32600


@dataclass(frozen=True)
class Message:
    """A decoded message body (any JSON value: the protocol checks its shape)."""

    value: Any


@dataclass(frozen=True)
class BadFrame:
    """A frame that cannot be read; ``body``, when known, may still name the request id."""

    code: int
    reason: str
    body: bytes | None = None


def decode(body: bytes) -> Any:
    """A JSON body (orjson first; the standard library for what orjson rejects but JSON
    allows, such as lone surrogates). Raises ValueError."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(str(exc).splitlines()[0]) from None


class FrameReader:
    """Splits an LSP byte stream into messages. ``feed`` returns what the new bytes completed."""

    def __init__(self, max_message: int = MAX_MESSAGE):
        self.max_message = max_message
        self.buf = bytearray()
        self.length: int | None = None  # Content-Length of the frame whose body is being read
        self.scanned = 0  # how much of a partial body was searched for a header already
        self.skipping = False  # dropping a refused body: bytes until the next header are expected

    def feed(self, data: bytes) -> list[Message | BadFrame]:
        self.buf += data
        out: list[Message | BadFrame] = []
        while self._step(out):
            pass
        return out

    def _step(self, out: list) -> bool:
        """Consume one frame or header if the buffer holds it; False when more bytes are needed."""
        if self.length is None:
            return self._header(out)
        return self._body(out)

    def _header(self, out: list) -> bool:
        buf = self.buf
        m = _HEADER.search(buf)
        if m is None:  # keep an unfinished last line: it may be a header still arriving
            cut = buf.rfind(b"\n") + 1
            if len(buf) - cut > MAX_HEADER:
                cut = len(buf) - _KEEP
        else:
            cut = m.start()
        if cut > 0:
            before = bytes(buf[:cut])
            del buf[:cut]
            # other header lines (Content-Type) may come first; anything else is junk,
            # reported once per run (not at all after a refused header: that is its body)
            if not self.skipping and _HEADER_LINE.sub(b"", before).strip():
                out.append(BadFrame(PARSE_ERROR, "bytes outside any frame (no Content-Length header)"))
                self.skipping = True
        if m is None:
            return False
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            if len(buf) > MAX_HEADER:
                out.append(BadFrame(PARSE_ERROR, "a frame header without its end (\\r\\n\\r\\n)"))
                del buf[:1]  # look for the next header
                self.skipping = True
                return True
            return False
        headers = list(_HEADER.finditer(buf, 0, end + 2))
        if len(headers) > 1:  # an earlier header lost its blank line: the last one starts the frame
            out.append(BadFrame(PARSE_ERROR, "a frame header without its end (\\r\\n\\r\\n)"))
        m = headers[-1]
        value = bytes(buf[m.end():buf.find(b"\r\n", m.end())]).strip()
        del buf[:end + 4]
        self.skipping = True  # what follows a refused header is its body: skipped quietly
        if not value.isdigit():
            out.append(BadFrame(PARSE_ERROR, f"unreadable Content-Length {value[:40]!r}"))
            return True
        length = int(value)
        if length > self.max_message:
            out.append(BadFrame(INVALID_REQUEST, f"a message of {length:,} bytes is over the limit of "
                                                  f"{self.max_message:,}"))
            return True
        self.length, self.scanned, self.skipping = length, 0, False
        return True

    def _body(self, out: list) -> bool:
        buf, n = self.buf, self.length
        if len(buf) >= n:
            body = bytes(buf[:n])
            try:
                value = decode(body)
            except ValueError as exc:
                rest = bytes(buf[n:n + 64]).lstrip()
                if rest and not _HEADER.match(rest) and not b"content-length:".startswith(rest.lower()):
                    return self._misframed(out, 0)  # more body follows: the length was short
                out.append(BadFrame(PARSE_ERROR, f"the message is not valid JSON: {exc}"))
                del buf[:n]
                self.length = None
                return True
            out.append(Message(value))
            del buf[:n]
            self.length = None
            return True
        return self._misframed(out, max(0, self.scanned - _KEEP), partial=True)

    def _misframed(self, out: list, search_from: int, partial: bool = False) -> bool:
        """The length did not match: a header inside the body, after a complete JSON value,
        shows where the true body ends."""
        buf = self.buf
        m = _HEADER.search(buf, max(search_from, 1))
        while m is not None:
            body = bytes(buf[:m.start()])
            try:
                decode(body)
            except ValueError:
                if not partial:  # a short length: the body is what precedes the next header
                    break
                m = _HEADER.search(buf, m.end())
                continue
            break
        self.scanned = len(buf)
        if m is None:
            return False  # wait for more bytes
        out.append(BadFrame(INVALID_REQUEST, f"Content-Length {self.length:,} does not match the message "
                                             f"({m.start():,} bytes)", bytes(buf[:m.start()])))
        del buf[:m.start()]
        self.length = None
        return True
