"""`jsonl-lint` command line: subcommands are discovered from ``jsonl_lint.commands``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import TextIO

from . import __version__, commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jsonl-lint",
        description="Lint JSONL fine-tuning datasets: schema, tokens, duplicates, consistency, volatile facts.",
    )
    parser.add_argument("--version", action="version", version=f"jsonl-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in parser._subparsers._group_actions[0].choices:
        argv.insert(0, "check")  # `jsonl-lint data.jsonl` (and pre-commit's file list) means check
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and 2
    if not getattr(args, "func", None):
        parser.print_help(out)
        return 2
    from .config import ConfigError  # not before: --version and --help need none of pydantic

    try:
        return args.func(args, out, err)
    except ConfigError as exc:
        err.write(f"jsonl-lint: error: {exc}\n")
        return 2
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        err.write("jsonl-lint: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
