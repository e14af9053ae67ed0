"""`jsonl-lint report PATH... -o report.html`: one self-contained HTML page with charts."""

from __future__ import annotations

import datetime as _dt

from .stats import gather
from ._common import add_dataset_options, add_show_secrets, progress_bar, write_selection_notes


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help="write a self-contained HTML report (charts, findings, cost)",
                              description="Lint the datasets and write one HTML page: token histogram with the "
                                          "model's limit, findings per rule, longest examples, cost estimate. "
                                          "The page loads nothing from the network.")
    add_dataset_options(p)
    p.add_argument("-o", "--output", metavar="FILE", default="jsonl-lint-report.html",
                   help="HTML file to write (default: jsonl-lint-report.html; '-' for stdout)")
    p.add_argument("--epochs", type=int, metavar="N", help="epochs of the job (default: the usual heuristic)")
    p.add_argument("--title", default="jsonl-lint report")
    add_show_secrets(p)
    p.set_defaults(func=run)


def run(args, out, err) -> int:
    from ..engine import Engine
    from ..report import render

    progress = progress_bar(args, err)
    try:
        stats = gather(args, progress)
        engine = Engine(stats.settings)
        write_selection_notes(engine, err)
        report = engine.run([f.path for f in stats.files], progress=progress)
    finally:
        if progress is not None:
            progress.close()
    when = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    targets = None
    if stats.settings.target:  # --target or `target` in the config: the compatibility matrix too
        from ..targets.matrix import build

        targets = [r.as_dict() for r in build([f.path for f in stats.files], stats.settings, stats.settings.target)]
    page = render(stats.as_dict(), report.diagnostics, title=args.title, generated=when,
                  show_secrets=args.show_secrets, targets=targets)
    if args.output == "-":
        out.write(page)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(page)
        err.write(f"jsonl-lint: wrote {args.output} ({len(stats.rows):,} examples, "
                  f"{len(report.diagnostics):,} findings)\n")
    return 0
