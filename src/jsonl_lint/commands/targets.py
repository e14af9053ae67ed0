"""`jsonl-lint targets PATH...`: which fine-tuning targets take the dataset, and what each needs."""

from __future__ import annotations

import datetime
import json

from ._common import NO_DATASET_FILES, add_dataset_options, dataset_paths, settings_from_args


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "targets", help="compatibility matrix: which fine-tuning targets take the dataset (one row per target)",
        description="Check the datasets against every target profile (or those of --target) and print one row "
                    "per target: status, verdict (ready / needs changes / not possible), errors and warnings by "
                    "requirement, examples over the token limit, estimated training cost, and what to convert.")
    add_dataset_options(p)
    p.add_argument("--output-format", "--format", dest="output_format", choices=["text", "json"], default="text")
    p.add_argument("--list", action="store_true", help="list the targets (status, kind, title) and exit")
    p.set_defaults(func=run)


def run(args, out, err) -> int:
    from ..config import ConfigError
    from ..engine import discover
    from ..targets import all_profiles
    from ..targets.matrix import build, render_text

    settings = settings_from_args(args)
    profiles = all_profiles(settings)
    names = target_names(args, settings)
    if args.list:
        today = datetime.date.today()
        rows = [{"target": n, "kind": p.kind, "status": p.status.state_on(today), "title": p.title,
                 "closes": str(p.status.closes) if p.status.closes else None} for n, p in profiles.items()]
        if args.output_format == "json":
            out.write(json.dumps(rows, indent=2) + "\n")
        else:
            width = max(len(r["target"]) for r in rows)
            for r in rows:
                closes = f", closes {r['closes']}" if r["closes"] else ""
                out.write(f"{r['target']:<{width}}  {r['kind']:<8}  {r['status'] + closes:<30}  {r['title']}\n")
        return 0
    files = discover(dataset_paths(args, settings), settings)
    if not files:
        raise ConfigError(NO_DATASET_FILES)
    rows = build(files, settings, names)
    if args.output_format == "json":
        out.write(json.dumps(matrix_json(files, rows), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(render_text(rows))
    return 0


def target_names(args, settings) -> list[str]:
    """The targets of ``--target``, else every profile (the workspace's own included)."""
    from ..targets import all_profiles

    return list(args.target) if args.target else list(all_profiles(settings))


def matrix_json(files: list[str], rows: list) -> dict:
    """The matrix as ``--output-format json`` writes it (the MCP ``targets`` tool returns it too)."""
    return {"files": files, "targets": [r.as_dict() for r in rows]}
