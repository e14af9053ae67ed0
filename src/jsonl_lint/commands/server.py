"""`jsonl-lint server`: the language server (LSP over stdio) for editors."""

from __future__ import annotations


def register(subparsers) -> None:
    p = subparsers.add_parser("server", help="run the language server (LSP over stdio) for editors")
    p.add_argument("--stdio", action="store_true",
                   help="talk LSP over stdin/stdout (the default and only transport; accepted because "
                        "editor clients such as vscode-languageclient add it)")
    p.add_argument("--log-file", metavar="FILE", help="write the server's debug log to FILE")
    p.set_defaults(func=run)


def run(args, out, err) -> int:
    import logging

    if args.log_file:
        logging.basicConfig(filename=args.log_file, level=logging.DEBUG,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
    else:  # stderr is the editor's output channel: warnings and errors only, pygls' own notes left out
        logging.basicConfig(level=logging.WARNING, stream=err)
        logging.getLogger("pygls").setLevel(logging.ERROR)
    from ..lsp.server import server

    server.start_io()
    return 0
