"""`jsonl-lint stats`: records, turns, tokens per example, limits, epochs and estimated cost."""

from __future__ import annotations

import json

from ._common import NO_DATASET_FILES, add_dataset_options, dataset_paths, progress_bar, settings_from_args


def register(subparsers) -> None:
    p = subparsers.add_parser("stats", help="dataset statistics: formats, turns, tokens, limits, epochs, cost",
                              description="Count records, turns and tokens (exactly, with the model's encoding), "
                                          "examples over and near the model's limit, and estimate training cost.")
    add_dataset_options(p)
    p.add_argument("--output-format", "--format", dest="output_format", choices=["full", "json"], default="full")
    p.add_argument("-o", "--output-file", metavar="FILE", help="write the statistics to FILE instead of stdout")
    p.add_argument("--epochs", type=int, metavar="N", help="epochs of the job (default: the usual heuristic)")
    p.add_argument("--no-per-example", action="store_true", help="json: leave out the per-example token counts")
    p.set_defaults(func=run)


def gather(args, progress=None):
    from ..engine import discover

    settings = settings_from_args(args)
    return stats_of(args, settings, discover(dataset_paths(args, settings), settings), progress)


def stats_of(args, settings, files: list[str], progress=None):
    """The statistics of ``files`` (found from ``args.paths``) with ``args.epochs``."""
    from ..config import ConfigError
    from ..tokens.dataset import collect

    if not files:
        raise ConfigError(NO_DATASET_FILES)
    if args.epochs is not None and args.epochs < 1:
        raise ConfigError("--epochs must be at least 1")
    return collect(files, settings, epochs=args.epochs, progress=progress)


def run(args, out, err) -> int:
    progress = progress_bar(args, err)
    try:
        stats = gather(args, progress)
    finally:
        if progress is not None:
            progress.close()
    data = stats.as_dict(per_example=not args.no_per_example)
    if not data["exact"]:
        err.write(f"jsonl-lint: token counts are approximate (1 token per 4 characters): {data['approximate_reason']}\n")
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n" if args.output_format == "json" else render_text(data)
    if args.output_file:
        with open(args.output_file, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        out.write(text)
    return 0


def _n(v) -> str:
    return "-" if v is None else f"{v:,}" if isinstance(v, int) else str(v)


def render_text(d: dict) -> str:
    from ..config import DEFAULT_MODEL
    from ..formats import OPENAI_PREFERENCE, PREFERENCE_PAIRS

    lines: list[str] = []
    add = lines.append
    exact = "exact" if d["exact"] else "APPROXIMATE (1 token per 4 characters)"
    default = "; the default, --model picks another" if d["model"] == DEFAULT_MODEL else ""
    add(f"Model           {d['model']}  (encoding {d['encoding']}, {exact}{default})")
    add(f"Limit           {_n(d['limit']) if d['limit'] else 'none'} tokens per example ({d['limit_source']})")
    add("")
    add(f"Files           {len(d['files'])}")
    for f in d["files"]:
        extra = ", ".join(f"{_n(v)} {k}" for k, v in (("blank", f["blank"]), ("invalid", f["invalid"]),
                                                      ("unknown format", f["unknown_format"])) if v)
        add(f"  {f['file']}  [{f['group']}]  {_n(f['records'])} records" + (f" ({extra})" if extra else ""))
    add(f"Examples        {_n(d['examples'])}  of {_n(d['records'])} records")
    add("Formats         " + (", ".join(f"{k} {_n(v)}" for k, v in sorted(d["formats"].items())) or "none"))
    add(f"Turns           {_n(d['turns'])}  ({d['turns'] / d['examples']:.1f} per example)" if d["examples"]
        else "Turns           0")
    add(f"System prompt   {_n(d['examples_with_system'])} with, {_n(d['examples_without_system'])} without")
    add("")
    p, q = d["tokens_per_example"], d["trained_tokens_per_example"]
    add(f"Tokens/example  {'':8}" + "".join(f"{k:>10}" for k in p))
    add(f"  total         {'':8}" + "".join(f"{_n(v):>10}" for v in p.values()))
    add(f"  trained       {'':8}" + "".join(f"{_n(v):>10}" for v in q.values()))
    add("  (percentiles by nearest rank: each value is a real example's count)")
    add(f"Total tokens    {_n(d['total_tokens'])}")
    add(f"Trained tokens  {_n(d['trained_tokens'])}  (assistant content and tool calls with weight not 0)")
    if d["formats"].get(OPENAI_PREFERENCE) or d["formats"].get(PREFERENCE_PAIRS):
        add("  (preference pairs: total counts the prompt and the longer answer, the longest sequence training")
        add("  sees; trained counts both answers, so it can be the larger of the two)")
    if d["image_tokens_estimated"]:
        add(f"Image tokens    {_n(d['image_tokens_estimated'])}  (estimated: 85 per low-detail image, else 765)")
    if d["limit"]:
        add(f"Over the limit  {_n(d['over_limit'])}  (truncated from the end by training)")
        add(f"Near the limit  {_n(d['near_limit'])}  (at least {d['near_limit_threshold']:.0%} of it)")
    c = d["cost"]
    if c:
        add("")
        add(f"Epochs          {c['epochs']}  ({c['epochs_rule'].split(':')[0]}; --epochs sets it)")
        add(f"Billed tokens   {_n(c['billed_tokens_per_epoch'])} per epoch x {c['epochs']} = {_n(c['billed_tokens'])}"
            f"  (training files only; each example counts at most the limit)")
        if c["estimated_cost_usd"] is not None:
            add(f"Estimated cost  ${c['estimated_cost_usd']:,.2f}  at ${c['price_per_million_tokens']:g} per 1M "
                f"training tokens ({c['price_source']}*)")
        else:
            add(f"Estimated cost  unknown: {c['price_source']}*")
        add("  * prices change: sources in docs/tokens.md and --output-format json; set 'prices' in the config")
    return "\n".join(lines) + "\n"
