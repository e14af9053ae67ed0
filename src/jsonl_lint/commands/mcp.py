"""`jsonl-lint mcp`: the MCP server (stdio) that gives coding agents jsonl-lint's tools."""

from __future__ import annotations

import os

MISSING_SDK = ("jsonl-lint mcp needs the MCP Python SDK (version 2): pip install 'jsonl-lint[mcp]'")


def register(subparsers) -> None:
    p = subparsers.add_parser("mcp", help="run the MCP server (stdio) for coding agents",
                              description="Serve jsonl-lint's tools (check, stats, targets, explain_rule, "
                                          "fix_preview, apply_fixes) over the Model Context Protocol on "
                                          "stdin/stdout. See "
                                          "docs/mcp.md for Claude Code, VS Code and Cursor.")
    p.add_argument("--root", action="append", metavar="FOLDER",
                   help="a folder the tools may read and fix files in, when the client declares no roots "
                        "(repeatable; default: the working directory)")
    p.set_defaults(func=run)


def run(args, out, err) -> int:
    from ..config import ConfigError

    roots = args.root or [os.getcwd()]
    for root in roots:
        if not os.path.isdir(root):
            raise ConfigError(f"--root {root}: no such folder")
    try:
        from ..mcp_server.server import serve
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("mcp", "mcp_types"):
            raise ConfigError(MISSING_SDK) from None
        raise
    if os.isatty(0):  # started by hand in a terminal, not by an agent
        err.write("jsonl-lint mcp: serving the Model Context Protocol on stdin/stdout for a coding agent; "
                  "docs/mcp.md says how to add it to one (Ctrl-D stops)\n")
    serve(roots)
    return 0
