"""`jsonl-lint server`: the language server (LSP over stdio) for editors."""

from __future__ import annotations


def register(subparsers) -> None:
    p = subparsers.add_parser("server", help="run the language server (LSP over stdio) for editors")
    p.add_argument("--stdio", action="store_true",
                   help="talk LSP over stdin/stdout (the default and only transport; accepted because "
                        "editor clients such as vscode-languageclient add it)")
    p.add_argument("--log-file", metavar="FILE", help="write the server's debug log to FILE")
    p.add_argument("--check", action="store_true",
                   help="check that this environment can run the server (everything it imports is installed), "
                        "print its version as JSON and exit (the VS Code extension asks before it starts one)")
    p.set_defaults(func=run)


def check(out, err) -> int:
    import json
    import sys

    from .. import __version__

    try:
        from ..lsp import server  # noqa: F401  (pygls, lsprotocol and every rule)
    except ImportError as exc:
        err.write(f"jsonl-lint server: cannot import {exc.name or exc}: {exc}\n")
        return 3
    out.write(json.dumps({"version": __version__, "python": sys.version.split()[0],
                          "executable": sys.executable}) + "\n")
    return 0


def run(args, out, err) -> int:
    import logging

    if args.check:
        return check(out, err)

    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.DEBUG,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
    else:  # stderr is the editor's output channel: warnings and errors only, pygls' own notes left out
        logging.basicConfig(level=logging.WARNING, stream=err)
        logging.getLogger("pygls").setLevel(logging.ERROR)
    from ..lsp.server import server

    server.start_io()
    return 0
