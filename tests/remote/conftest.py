"""Offline stand-ins for remote storage and a cluster, one of each per test session:
a moto S3 server on 127.0.0.1, a small fake of the Hugging Face Hub's file
endpoints, and a single-node Ray cluster."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager

import pytest


@contextmanager
def environment(**values):
    """Environment variables set for the block (None: unset), restored after."""
    saved = {k: os.environ.get(k) for k in values}
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """A moto S3 server; AWS_* variables point every S3 client (s3fs, boto3, Ray
    workers) at it with dummy credentials."""
    pytest.importorskip("s3fs")
    server_mod = pytest.importorskip("moto.server")
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
    port = free_port()
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    with environment(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
                     AWS_ENDPOINT_URL=endpoint, AWS_PROFILE=None):
        yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    """A clean S3 (moto reset) and an s3fs filesystem on it."""
    import urllib.request

    import s3fs

    urllib.request.urlopen(urllib.request.Request(f"{s3_endpoint}/moto-api/reset", method="POST")).read()
    s3fs.S3FileSystem.clear_instance_cache()
    from jsonl_lint import sources

    sources.filesystem.cache_clear()
    fs = s3fs.S3FileSystem()
    fs.mkdir("bucket")
    return fs


class _FakeHub:
    """The Hugging Face Hub endpoints HfFileSystem reads a dataset repo through
    (repo info, tree listing, paths-info, and ranged file downloads), served from
    memory. These endpoints are the Hub's internal protocol: the test is pinned to
    the huggingface_hub version in the test extra."""

    def __init__(self):
        self.repos: dict[str, dict[str, bytes]] = {}
        self.requests: list[str] = []

    def handler(self):
        import json
        import re
        from http.server import BaseHTTPRequestHandler
        from urllib.parse import unquote, urlparse

        hub = self
        sha = "0" * 40

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _entries(self, repo, prefix, recursive):
                files = hub.repos[repo]
                out, dirs = [], set()
                for path, data in sorted(files.items()):
                    if prefix and not path.startswith(prefix + "/"):
                        continue
                    rest = path[len(prefix) + 1:] if prefix else path
                    if "/" in rest and not recursive:
                        dirs.add((prefix + "/" if prefix else "") + rest.split("/", 1)[0])
                        continue
                    out.append({"type": "file", "path": path, "size": len(data), "oid": sha})
                return [{"type": "directory", "path": d, "oid": sha} for d in sorted(dirs)] + out

            def do_HEAD(self):
                self.do_GET(head=True)

            def do_POST(self):
                hub.requests.append("POST " + self.path)
                m = re.match(r"^/api/datasets/(.+?/.+?)/paths-info/([^/]+)$", urlparse(self.path).path)
                if not m or m.group(1) not in hub.repos:
                    return self._json({"error": "not found"}, 404)
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode()
                from urllib.parse import parse_qs

                try:
                    paths = json.loads(raw).get("paths", [])
                except ValueError:
                    paths = parse_qs(raw).get("paths", [])
                files = hub.repos[m.group(1)]
                out = []
                for p in paths:
                    if p in files:
                        out.append({"type": "file", "path": p, "size": len(files[p]), "oid": sha})
                    elif any(f.startswith(p.rstrip("/") + "/") for f in files):
                        out.append({"type": "directory", "path": p, "oid": sha})
                self._json(out)

            def do_GET(self, head=False):
                hub.requests.append(("HEAD " if head else "GET ") + self.path + " " + self.headers.get("Range", ""))
                url = urlparse(self.path)
                path = unquote(url.path)
                m = re.match(r"^/api/datasets/([^/]+/[^/]+)(?:/revision/[^/]+)?$", path)
                if m:
                    if m.group(1) not in hub.repos:
                        return self._json({"error": "Repository not found"}, 404)
                    return self._json({"id": m.group(1), "sha": sha, "private": False})
                m = re.match(r"^/api/datasets/([^/]+/[^/]+)/tree/([^/]+)/?(.*)$", path)
                if m:
                    if m.group(1) not in hub.repos:
                        return self._json({"error": "Repository not found"}, 404)
                    return self._json(self._entries(m.group(1), m.group(3).strip("/"), "recursive=true" in url.query
                                                     or "recursive=True" in url.query))
                m = re.match(r"^/datasets/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$", path)
                if m and m.group(1) in hub.repos and m.group(3) in hub.repos[m.group(1)]:
                    data = hub.repos[m.group(1)][m.group(3)]
                    rng = self.headers.get("Range")
                    status, start, end = 200, 0, len(data) - 1
                    if rng:
                        a, b = rng.split("=", 1)[1].split("-")
                        start, end, status = int(a), min(int(b) if b else len(data) - 1, len(data) - 1), 206
                    body = data[start:end + 1]
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("ETag", '"' + sha + '"')
                    self.send_header("X-Repo-Commit", sha)
                    self.send_header("Accept-Ranges", "bytes")
                    if status == 206:
                        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
                    self.end_headers()
                    if not head:
                        self.wfile.write(body)
                    return
                self._json({"error": "Entry not found"}, 404)

        return Handler


@pytest.fixture(scope="session")
def fake_hub():
    """A fake Hub on 127.0.0.1; HF_ENDPOINT points huggingface_hub at it."""
    import threading
    from http.server import ThreadingHTTPServer

    pytest.importorskip("huggingface_hub")
    hub = _FakeHub()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), hub.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    with environment(HF_ENDPOINT=endpoint, HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_OFFLINE=None, HF_TOKEN=None):
        from huggingface_hub import constants  # reads HF_ENDPOINT when first imported

        old = constants.ENDPOINT
        constants.ENDPOINT = endpoint  # in case another test imported it first
        yield hub
        constants.ENDPOINT = old
    server.shutdown()


@pytest.fixture(scope="session")
def ray_cluster(s3_endpoint):
    """One single-node Ray cluster for the session (started after the S3 variables are
    set, so its workers read from the moto server too)."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()
