from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ...diagnostics import Finding, RecordRef, Severity
from ...formats import compatible
from ...rule import Context, DatasetRule

MAX_REFS_PER_FORMAT = 10_000


@dataclass
class _FileFormats:
    counts: Counter = field(default_factory=Counter)
    refs: dict[str, list[RecordRef]] = field(default_factory=dict)


class MixedFormats(DatasetRule[dict]):
    """Reports files whose records use different dataset formats.

    ## What it does
    Detects the format of every record (OpenAI chat, OpenAI preference,
    prompt/completion, ShareGPT, Alpaca and its variants, chosen/rejected pairs, KTO,
    LLaMA-Factory v1, Anthropic, Bedrock, Gemini, plain text) and, when one file mixes
    them, reports each record that differs from the file's majority format, with the
    counts. Anthropic chat records without their optional `system` key read as OpenAI
    chat and may share its files.

    ## Why it matters for fine-tuning
    A trainer reads one format per file: records in another layout are rejected by
    providers, or silently dropped or mis-templated by open-source trainers.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    {"prompt": "Thanks", "completion": "You're welcome!"}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    {"messages": [{"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "You're welcome!"}]}
    ```
    """

    code = "JL008"
    name = "mixed-formats"
    summary = "File mixes dataset formats"
    severity = Severity.ERROR
    requires = "example"

    def initial(self, ctx: Context) -> dict:
        return {}

    def collect(self, state: dict, record, ctx: Context) -> None:
        fmt = record.example.format
        f = state.get(record.path)
        if f is None:  # not setdefault: that builds a tally for every record
            f = state[record.path] = _FileFormats()
        f.counts[fmt] += 1
        refs = f.refs.setdefault(fmt, [])
        if len(refs) < MAX_REFS_PER_FORMAT:
            refs.append(record.ref)

    def merge(self, states: list[dict]) -> dict:
        out: dict = {}
        for state in states:
            for path, f in state.items():
                m = out.setdefault(path, _FileFormats())
                m.counts.update(f.counts)
                for fmt, refs in f.refs.items():
                    kept = m.refs.setdefault(fmt, [])
                    kept.extend(refs[: max(0, MAX_REFS_PER_FORMAT - len(kept))])
        return out

    def finish(self, state: dict, ctx: Context):
        expected = ctx.settings.expected_format
        for path, f in state.items():
            total = sum(f.counts.values())
            majority, n = f.counts.most_common(1)[0]
            if expected is not None:
                majority, n = expected, f.counts.get(expected, 0)
            if len(f.counts) < 2 and (expected is None or majority in f.counts):
                continue
            for fmt, refs in f.refs.items():
                if compatible(fmt, majority):
                    continue
                why = (f"the configured format is {majority}" if expected is not None
                       else f"{n / total:.0%} of this file's {total:,} records ({n:,}) are {majority}")
                for ref in refs:
                    yield Finding(f"record is {fmt}; {why}", record=ref)
