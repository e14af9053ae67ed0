"""Options shared by the commands that read datasets, and settings from them."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Settings

# The engine, pydantic and the sources are imported by the functions that run a command,
# not at import: building the parser (--help, --version) needs none of them.


NO_DATASET_FILES = "no dataset files found (looked for *.jsonl, *.ndjson and JSON-array *.json)"


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_dataset_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="dataset files or folders (folders are searched for *.jsonl, *.ndjson and JSON datasets)")
    parser.add_argument("--config", metavar="FILE", help="use this config file instead of discovering one")
    parser.add_argument("--isolated", action="store_true", help="ignore every config file")
    parser.add_argument("--select", type=_csv, metavar="RULES", help="only these codes, prefixes or names (comma-separated)")
    parser.add_argument("--extend-select", type=_csv, metavar="RULES", help="add rules to the selection")
    parser.add_argument("--ignore", type=_csv, metavar="RULES", help="skip these codes, prefixes or names")
    parser.add_argument("--preview", action="store_true", default=None,
                        help="also run preview rules (not yet measured precise enough to be on by default)")
    parser.add_argument("--no-preview", dest="preview", action="store_false", help="run no preview rules")
    parser.add_argument("--model", help="target model (token encoding and per-example training limit), e.g. gpt-4o-mini-2024-07-18")
    parser.add_argument("--tokenizer", metavar="PATH", help="count tokens with a local tokenizer.json (open-weight models)")
    parser.add_argument("--target", type=_csv, metavar="NAME[,NAME...]",
                        help="check what these fine-tuning targets accept (JL9xx; `jsonl-lint targets` lists them), "
                             "e.g. together,bedrock-nova")
    parser.add_argument("--validation", action="append", metavar="FILE",
                        help="a validation file: judged separately, and leakage from training is an error")
    parser.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: auto, all cores on large runs)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    parser.add_argument("--backend", choices=["local", "ray"],
                        help="where the work runs: local processes (default) or a Ray cluster (pip install "
                             "'jsonl-lint[ray]')")
    parser.add_argument("--address", metavar="ADDRESS",
                        help="the Ray cluster to use (default: RAY_ADDRESS, else a new local one)")


def add_show_secrets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--show-secrets", action="store_true",
                        help="show keys, tokens and personal data found in the records unmasked (local use only: "
                             "never in CI logs)")


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings discovered from the first path (or --config), with the CLI flags on top."""
    from ..config import load_settings

    start = next((p for p in args.paths if p != "-" and os.path.exists(p)), None)
    return with_overrides(args, load_settings(args.config, start=start, isolated=args.isolated))


def config_groups(args: argparse.Namespace, base: Settings, files: list[str]) -> list[tuple[Settings, list[str]]]:
    """Files grouped by the config file found upward from each, CLI flags applied to
    every group; files under one config are linted as one dataset."""
    from .. import sources
    from ..config import find_config_file, load_settings

    if args.config or args.isolated:
        return [(base, files)]
    by_config: dict = {}
    for f in files:
        local = f if f != "-" and not sources.is_remote(f) else os.getcwd()
        by_config.setdefault(find_config_file(local), []).append(f)
    if len(by_config) == 1:
        return [(base, files)]
    return [(with_overrides(args, load_settings(cfg) if cfg else load_settings(isolated=True)), group)
            for cfg, group in by_config.items()]


def with_overrides(args: argparse.Namespace, settings: Settings) -> Settings:
    from .. import sources
    from ..config import ConfigError

    changes: dict = {}
    if args.select:
        changes["select"] = tuple(args.select)
    if args.extend_select:
        changes["extend_select"] = settings.extend_select + tuple(args.extend_select)
    if args.ignore:
        changes["extend_ignore"] = settings.extend_ignore + tuple(args.ignore)
    if args.preview is not None:
        changes["preview"] = args.preview
    if args.model:
        changes["model"] = args.model
    if args.tokenizer:
        changes["tokenizer"] = args.tokenizer
    if getattr(args, "target", None):
        changes["target"] = tuple(args.target)
    if args.validation:
        for path in args.validation:
            if not sources.exists(path):
                raise ConfigError(f"{sources.display(path)}: no such validation file")
        changes["validation"] = settings.validation + tuple(
            p if sources.is_remote(p) else os.path.abspath(p) for p in args.validation)
    if args.jobs is not None:
        changes["jobs"] = args.jobs
    if getattr(args, "backend", None):
        changes["backend"] = args.backend
    if getattr(args, "address", None):
        changes["address"] = args.address
    if getattr(args, "fail_on", None):
        changes["fail_on"] = args.fail_on
    return settings.updated(**changes) if changes else settings


def dataset_paths(args: argparse.Namespace, settings: Settings) -> list[str]:
    """The positional paths plus validation files, each once."""
    paths = list(args.paths)
    for v in getattr(args, "validation", None) or ():
        if not any(v == p or os.path.abspath(v) == os.path.abspath(p) for p in paths):
            paths.append(v)
    return paths


def write_selection_notes(engine, err, written: set[str] | None = None) -> None:
    """The rule selection's warnings (a preview rule selected without preview) on stderr,
    each once per run (``written`` remembers them across config groups)."""
    written = set() if written is None else written
    for note in engine.pack.notes:
        if note not in written:
            written.add(note)
            err.write(f"jsonl-lint: warning: {note}\n")


def progress_bar(args: argparse.Namespace, err) -> "ProgressBar | None":
    """A progress bar on stderr when it is a terminal and --no-progress is not given."""
    if args.no_progress or not getattr(err, "isatty", lambda: False)():
        return None
    return ProgressBar(err)


class ProgressBar:
    """A one-line progress bar on a terminal stream (never in pipes or CI logs)."""

    def __init__(self, stream):
        self.stream = stream
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 100
        if pct != self.last:
            self.last = pct
            bar = "#" * (pct // 4)
            self.stream.write(f"\r[{bar:<25}] {pct:3d}%")
            self.stream.flush()

    def close(self) -> None:
        if self.last >= 0:
            self.stream.write("\r" + " " * 40 + "\r")
            self.stream.flush()


