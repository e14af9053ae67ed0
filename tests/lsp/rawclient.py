"""A raw JSON-RPC client over stdio for the hostile-client tests: it can send anything
(broken frames, invalid bodies), answers the server's own requests, and records every
message, stderr and the server's child processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from helpers import child_processes

SERVER = [sys.executable, "-m", "jsonl_lint", "server", "--stdio"]


def editor_index(text: str, line: int, character: int) -> int:
    """Reference: a string index from an LSP position (lines end at \\n, \\r\\n or a lone \\r;
    UTF-16 characters), clamped to the document as the server clamps."""
    starts, ends = [0], []
    for m in re.finditer(r"\r\n|\r|\n", text):
        ends.append(m.start())
        starts.append(m.end())
    ends.append(len(text))
    line = max(0, line)
    if line >= len(starts):
        return len(text)
    i, units = starts[line], 0
    while i < ends[line] and units < max(0, character):
        units += 2 if ord(text[i]) > 0xFFFF else 1
        i += 1
    return i


def editor_position(text: str, index: int) -> tuple[int, int]:
    """Reference: the LSP position (UTF-16) of string index ``index``."""
    line, start = 0, 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        if m.end() > index:
            break
        line, start = line + 1, m.end()
    return line, len(text[start:index].encode("utf-16-le")) // 2


def frame(body: bytes | str | Any, length: int | str | None = None) -> bytes:
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode("utf-8")
    return f"Content-Length: {len(body) if length is None else length}\r\n\r\n".encode() + body


class RawClient:
    def __init__(self, cwd: Path, settings: dict | None = None, env: dict | None = None):
        self.settings = settings or {}  # what workspace/configuration answers for jsonlLint
        self.proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, env={**os.environ, **(env or {})})
        self.seen: list[dict] = []  # every message from the server, in order
        self.cond = threading.Condition()
        self.stderr: list[bytes] = []
        self.next_id = 1000
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr), daemon=True).start()

    # -- wire --------------------------------------------------------------------------------
    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line == b"\r\n":
                    break
            message = json.loads(out.read(length))
            if "method" in message and "id" in message:  # the server asks: answer as an editor would
                items = (message.get("params") or {}).get("items", [])
                result = [self.settings] * len(items) if message["method"] == "workspace/configuration" else None
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            with self.cond:
                self.seen.append(message)
                self.cond.notify_all()

    def send_bytes(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: Any) -> None:
        self.send_bytes(frame(message))

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, **({} if params is None else {"params": params})})

    def request(self, method: str, params: Any = None) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method,
                   **({} if params is None else {"params": params})})
        return self.next_id

    # -- waiting -----------------------------------------------------------------------------
    def wait_until(self, found: Callable[[list[dict]], Any], timeout: float = 30.0) -> Any:
        """The first non-empty ``found(messages so far)``."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                result = found(self.seen)
                if result:
                    return result
                left = end - time.monotonic()
                if left <= 0:
                    tail = [m.get("method") or m.get("id") for m in self.seen[-15:]]
                    raise AssertionError(f"timed out; last messages: {tail}; stderr: {self.stderr_text[-2000:]}")
                self.cond.wait(left)

    def response(self, msg_id: Any, timeout: float = 30.0) -> dict:
        return self.wait_until(lambda seen: next((m for m in seen if "method" not in m and m.get("id") == msg_id),
                                                 None), timeout)

    def call(self, method: str, params: Any = None, timeout: float = 30.0) -> dict:
        return self.response(self.request(method, params), timeout)

    def diagnostics(self, uri: str, pred: Callable[[list], bool] = lambda ds: True, timeout: float = 60.0) -> list:
        """The latest published diagnostics of ``uri``, once they satisfy ``pred``."""
        def latest(seen: list[dict]):
            for m in reversed(seen):
                if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
                    return [m["params"]["diagnostics"]] if pred(m["params"]["diagnostics"]) else None
            return None

        return self.wait_until(latest, timeout)[0]

    # -- session -----------------------------------------------------------------------------
    def initialize(self, root: Path, process_id: int | None = None, progress: bool = False) -> dict:
        caps = {"window": {"workDoneProgress": progress},
                "workspace": {"configuration": True}, "textDocument": {"publishDiagnostics": {}}}
        result = self.call("initialize", {"processId": process_id, "rootUri": root.as_uri(), "capabilities": caps})
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "jsonl", "version": version,
                                                              "text": text}})

    def change(self, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        rng = {"start": {"line": start[0], "character": start[1]}, "end": {"line": end[0], "character": end[1]}}
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [{"range": rng, "text": text}]})

    def close(self, timeout: float = 10.0) -> int:
        """shutdown + exit; the server's exit code."""
        if self.proc.poll() is None:
            self.call("shutdown")
            self.notify("exit")
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)

    @property
    def stderr_text(self) -> str:
        return b"".join(self.stderr).decode("utf-8", "replace")

    def descendants(self) -> list[int]:
        """Every process started by the server, at any depth (Linux /proc)."""
        children = child_processes()
        out, todo = [], [self.proc.pid]
        while todo:
            for child in children.get(todo.pop(), ()):
                out.append(child)
                todo.append(child)
        return out
