"""The folders the MCP tools may read and write, and the paths they are given.

A coding agent names paths; the server reads and fixes only files inside the roots
the client declares (MCP roots), else inside the folders given with ``--root``, else
the working directory. Each path is resolved first (``..`` and symlinks, as the
operating system will open it), then checked, so neither ``../..`` nor a link that
points out of the workspace reaches a file outside it.
"""

from __future__ import annotations

import os
from typing import Iterable
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from .. import sources
from ..config import ConfigError


class PathRefused(ConfigError):
    """A path outside the workspace roots."""


class Workspace:
    def __init__(self, roots: Iterable[str]):
        self.roots = tuple(dict.fromkeys(os.path.realpath(r) for r in roots))
        if not self.roots:
            raise PathRefused("the client declared no folder roots, so there is no workspace to read: "
                              "open a folder in the client, or start the server with --root FOLDER")

    @classmethod
    def from_uris(cls, uris: Iterable[str]) -> "Workspace":
        """The workspace of the client's roots (``file://`` URIs; others name no folder)."""
        folders = []
        for uri in uris:
            parsed = urlparse(uri)
            if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
                folders.append(url2pathname(unquote(parsed.path)))
        return cls(folders)

    def contains(self, real_path: str) -> bool:
        return any(real_path == root or real_path.startswith(root.rstrip(os.sep) + os.sep) for root in self.roots)

    def resolve(self, path: str) -> str:
        """``path`` (relative to the first root) with ``..`` and symlinks resolved; refused
        with a clear error unless it is inside a root."""
        if not path or "\0" in path:
            raise PathRefused(f"{path!r} is not a path")
        if path.startswith("file://"):
            path = self.from_uris([path]).roots[0]
        elif "://" in path:
            raise PathRefused(f"{sources.display(path)}: the MCP tools read only local files inside the workspace, "
                              "not remote locations (run the CLI for those)")
        real = os.path.realpath(os.path.join(self.roots[0], path))
        if not self.contains(real):
            shown = path if real == os.path.abspath(os.path.join(self.roots[0], path)) else f"{path} (-> {real})"
            raise PathRefused(f"{shown} is outside the workspace roots ({', '.join(self.roots)}); jsonl-lint reads "
                              "and fixes only files inside the folders the client declares, or its working "
                              "directory (--root)")
        return real

    def keep(self, files: list[str]) -> tuple[list[str], list[str]]:
        """The files found in folders split into those inside the roots and those that are
        links to files outside (left out)."""
        inside, outside = [], []
        for f in files:
            (inside if self.contains(os.path.realpath(f)) else outside).append(f)
        return inside, outside
