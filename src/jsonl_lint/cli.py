"""`jsonl-lint` command line: subcommands are discovered from ``jsonl_lint.commands``."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import TextIO

from . import __version__, commands


def command_modules() -> list[str]:
    return sorted(i.name for i in pkgutil.iter_modules(commands.__path__) if not i.name.startswith("_"))


def build_parser(modules: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser with the commands of every module, or of those ``modules`` only."""
    parser = argparse.ArgumentParser(
        prog="jsonl-lint",
        description="Lint JSONL fine-tuning datasets: schema, tokens, duplicates, consistency, volatile facts.",
    )
    parser.add_argument("--version", action="version", version=f"jsonl-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_modules() if modules is None else modules:
        importlib.import_module(f"{commands.__name__}.{name}").register(sub)
    return parser


def own_process() -> bool:
    """Whether this process is jsonl-lint's own (the command, or ``python -m jsonl_lint``),
    not a program calling :func:`main`, whose start-up and state are not ours."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return os.path.basename(sys.argv[0]) == "jsonl-lint" or getattr(spec, "name", "") == "jsonl_lint.__main__"


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:
        parser = build_parser([])  # not even the list of modules (listing imports inspect)
    else:
        if own_process():
            from .regex_cache import warm

            warm()  # before anything compiles the rules' patterns
        # A command named as its module (`jsonl-lint check`, as pre-commit runs it) needs
        # only that module: importing every command's costs each such run about 10 ms.
        modules = command_modules()
        parser = build_parser([argv[0]] if argv and argv[0] in modules else None)
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
