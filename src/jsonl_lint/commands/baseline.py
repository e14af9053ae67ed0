"""`jsonl-lint baseline`: accept today's findings so CI fails only on new ones."""

from __future__ import annotations

import os

from ._common import add_dataset_options, dataset_paths, settings_from_args, write_selection_notes


def register(subparsers) -> None:
    p = subparsers.add_parser("baseline", help="write every current finding to the baseline file (suppressions)")
    add_dataset_options(p)
    p.add_argument("--file", metavar="FILE", help="baseline file (default: .jsonl-lint-baseline.json next to the config)")
    p.set_defaults(func=run)


def run(args, out, err) -> int:
    from ..baseline import baseline_path, write_baseline
    from ..engine import Engine, discover

    settings = settings_from_args(args)
    path = args.file or baseline_path(settings)
    # Lint without the current baseline so every finding is recorded afresh.
    settings = settings.updated(baseline=os.path.abspath(path) + ".ignored-while-writing")
    engine = Engine(settings)
    write_selection_notes(engine, err)
    report = engine.run(discover(dataset_paths(args, settings), settings))
    n = write_baseline(path, report.diagnostics, settings.root or os.getcwd())
    out.write(f"Wrote {n:,} suppressions to {path}.\n")
    return 0
