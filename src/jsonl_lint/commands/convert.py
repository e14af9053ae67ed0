"""`jsonl-lint convert`: move a dataset to a target's format, reporting every loss."""

from __future__ import annotations

import os

from ..formats import FORMATS
from ..formatters import OUTPUT_FORMATS, get_formatter
from ..formatters.base import plural


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "convert", help="convert datasets to a target's format (every record written or reported)",
        description="Convert datasets to the format of a fine-tuning target. Every input record becomes one "
                    "output record or a finding at its line; every change that loses something is a finding "
                    "(JL95x, `jsonl-lint rule JL954`).")
    p.add_argument("paths", nargs="+", metavar="IN", help="dataset files (JSONL or JSON arrays), read in order")
    p.add_argument("--to", dest="to", required=True, metavar="TARGET",
                   help="the target (`jsonl-lint targets --list` names them), e.g. together, bedrock-nova")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="the converted file (never an input)")
    p.add_argument("--from", dest="force_format", choices=FORMATS, metavar="FORMAT",
                   help="read every record as this format instead of detecting it (see docs/formats.md)")
    p.add_argument("--model", help="the target's base model (TARGET:MODEL), which decides what it takes "
                                   "(e.g. vertex-gemini:gemini-2.0-flash takes tool calls)")
    p.add_argument("--strict", action="store_true",
                   help="any finding fails the run (exit 1) and nothing is written")
    p.add_argument("--split-validation", type=_fraction, metavar="FRACTION",
                   help="move this share of the records (e.g. 0.1) to a validation file, chosen by a hash of "
                        "each record and --seed (the same split on every run)")
    p.add_argument("--seed", type=int, default=0, help="seed of --split-validation (default 0)")
    p.add_argument("--validation-output", metavar="FILE", help="the validation file (default OUT.validation.jsonl)")
    p.add_argument("--media-uri", metavar="URI",
                   help="s3://bucket/prefix/ or gs://bucket/prefix/: inline and local images are written to "
                        "OUT.media/ and referenced under URI (upload the folder there)")
    p.add_argument("--no-map", dest="line_map", action="store_false",
                   help="do not write OUT.map.tsv (each output line's input file and line)")
    p.add_argument("--output-format", "--format", dest="output_format", choices=OUTPUT_FORMATS,
                   default=os.environ.get("JSONL_LINT_OUTPUT_FORMAT", "full"),
                   help="how findings are reported: full (default), concise, json, json-lines, sarif, github")
    p.add_argument("--no-group", action="store_true", help="human formats: list every finding")
    p.add_argument("--config", metavar="FILE", help="use this config file instead of discovering one")
    p.add_argument("--isolated", action="store_true", help="ignore every config file")
    p.set_defaults(func=run)


def _fraction(value: str) -> float:
    try:
        f = float(value)
    except ValueError:
        f = -1.0
    if not 0 < f < 1:
        import argparse

        raise argparse.ArgumentTypeError(f"{value!r} is not a fraction between 0 and 1 (e.g. 0.1)")
    return f


def run(args, out, err) -> int:
    from ..config import ConfigError, load_settings
    from ..convert.run import Request, convert

    for path in args.paths:
        if not os.path.isfile(path):
            raise ConfigError(f"{path}: no such file (convert takes files, not folders)")
    if args.media_uri and not args.media_uri.startswith(("s3://", "gs://")):
        raise ConfigError(f"--media-uri {args.media_uri!r}: an s3:// or gs:// prefix")
    settings = load_settings(args.config, start=args.paths[0], isolated=args.isolated)
    if args.model:
        settings = settings.updated(model=args.model)
    req = Request(args.paths, args.to, args.output, args.force_format, args.strict, args.split_validation,
                  args.seed, args.validation_output, args.media_uri, args.line_map)
    result = convert(req, settings)
    fmt = args.output_format
    kwargs = {"group": not args.no_group} if fmt in ("full", "concise", "github", "auto") else {}
    get_formatter(fmt, out, **kwargs).write_report(result.report)
    human = fmt in ("full", "concise", "github", "auto")
    stream = out if human else err
    for line in summary(result, req):
        stream.write(line + "\n")
    if result.left_out or (req.strict and result.report.diagnostics):
        return 1
    return 0


def summary(result, req) -> list[str]:
    """What the run wrote, in a few lines after the findings."""
    if req.strict and result.report.diagnostics:
        return [f"--strict: {plural(len(result.report.diagnostics), 'finding')}, so nothing was written."]
    lines = [f"Converted {result.written:,} of {plural(result.records, 'record')} for {req.target}"
             + (f" ({result.left_out:,} left out, reported above)" if result.left_out else "") + "."]
    if result.validation:
        lines.append(f"{result.validation:,} of them in the validation file (--split-validation "
                     f"{req.split_validation}, seed {req.seed}).")
    if result.losses:
        lines.append("Findings by code: " + ", ".join(f"{code} {n:,}" for code, n in sorted(result.losses.items()))
                     + " (`jsonl-lint rule CODE` explains each).")
    lines += [f"Wrote {path}" for path in result.outputs]
    return lines
