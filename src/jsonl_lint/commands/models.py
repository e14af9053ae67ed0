"""`jsonl-lint models` lists the models token counts, limits and costs can target."""

from __future__ import annotations

import json


def register(subparsers) -> None:
    p = subparsers.add_parser("models", help="list the models for --model: encoding, training limit, price")
    p.add_argument("--output-format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args, out, err) -> int:
    from ..config import load_settings
    from ..tokens.models import all_models, price_for

    settings = load_settings()
    rows = []
    for m in all_models():
        price, price_source = price_for(m.name, settings.prices)
        rows.append({"name": m.name, "aliases": list(m.aliases), "provider": m.provider,
                     "encoding": m.encoding or "tokenizer.json (--tokenizer)", "limit": m.limit,
                     "limit_source": m.limit_source, "price_per_million": price, "price_source": price_source,
                     "default": m.name == settings.model or settings.model in m.aliases})
    if args.output_format == "json":
        out.write(json.dumps(rows, indent=2) + "\n")
        return 0
    width = max(len(r["name"]) for r in rows)
    out.write(f"  {'model':<{width}}  {'tokenizer':<13}  {'limit':>9}  {'$/1M training':>13}  aliases\n")
    for r in rows:
        mark = "*" if r["default"] else " "
        limit = f"{r['limit']:,}" if r["limit"] else "-"
        price = f"{r['price_per_million']:g}" if r["price_per_million"] is not None else "-"
        encoding = r["encoding"] if r["encoding"] and "--tokenizer" not in r["encoding"] else "own"
        out.write(f"{mark} {r['name']:<{width}}  {encoding:<13}  {limit:>9}  {price:>13}  "
                  f"{', '.join(r['aliases'])}".rstrip() + "\n")
    out.write(f"\n* the configured model ({settings.model})\n"
              "limit: training tokens per example; price: dollars per 1M training tokens, from the target profiles "
              "(dated sources)\nor from `prices` in the config; 'own': counted with --tokenizer tokenizer.json; "
              "estimate: no public tokenizer;\nsources: --output-format json; every target: `jsonl-lint targets --list`\n")
    return 0
