from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from pydantic import Field

from ...diagnostics import Finding
from ...rule import Context
from ...similarity.refs import RowTable
from ...style import request
from ...style.stats import pct
from ...style.structure import (CODE, FEATURE_TEXT, FEATURES, HEADINGS, JSON_ARRAY, JSON_OBJECT, TABLE, TEXT, XML,
                                describe, kind_plural)
from ._common import ConsistencyOptions, ProfileRule

# Markdown that changes a reply's format; lists are left out (prose uses them naturally).
RARE_FEATURES = tuple(f for f in FEATURES if f != "list")
# The formats a prompt asks for (or hands over) that explain a reply's shape.
EXPLAINED_BY = {
    JSON_OBJECT: {request.JSON, request.ARRAY, request.CODE_FORMAT},
    JSON_ARRAY: {request.JSON, request.ARRAY, request.CODE_FORMAT, request.LIST},
    XML: {request.MARKUP, request.CODE_FORMAT},
    TABLE: {request.TABLE, request.MARKUP},
    CODE: {request.CODE_FORMAT, request.MARKUP, request.JSON},
    HEADINGS: {request.LIST, request.TABLE, request.MARKUP, request.CODE_FORMAT},
}


class Shape(NamedTuple):
    kind: str
    keys: tuple | None
    features: tuple
    asked: frozenset  # formats the prompt asks for or hands over


class StructureRow(NamedTuple):
    pointer: str
    shape: Shape  # one value, not four: most rows repeat a few shapes, and a column adds each value


def _explained(shape: str, asked: frozenset) -> bool:
    return not asked.isdisjoint(EXPLAINED_BY.get(shape, ()))


class StructureOptions(ConsistencyOptions):
    min_majority: float = Field(0.8, gt=0.5, le=1, description=(
        "The dataset has a format only when at least this share of replies share it."))
    feature_share: float = Field(0.02, gt=0, le=0.5, description=(
        "Markdown a text reply uses (table, fenced code, headings) is reported only when at most "
        "this share of the text replies use it."))


class StructureOutlier(ProfileRule):
    r"""Reports replies whose format differs from the format most replies use.

    ## What it does
    Classifies every assistant reply as a JSON object (with its top-level keys), a
    JSON array, XML-like markup, or text, and notes the markdown the text uses
    (tables, code, headings, lists). When at least `min-majority` of the
    replies share a format, replies in another format are reported: prose in a
    dataset of JSON replies, a JSON object with different keys than the majority,
    a markdown table in a dataset of plain prose. A format is only reported when at
    most `rare-share` of the replies use it, and markdown inside text (a table,
    fenced code, headings; not lists, which prose uses naturally) only when at most
    `feature-share` of the text replies use it. A reply in the format its own
    prompt asks for is not an outlier: a JSON object for "create a JSON object", an
    HTML form for "generate an HTML form", a table for "make a spreadsheet", code
    for "write a function", a JSON array for "sort this array" (a reply follows the
    form of the data it was given). Tool calls are not text replies. Datasets with
    fewer than `min-records` replies are not judged.

    ## Why it matters for fine-tuning
    Teaching an output format is one of the main reasons to fine-tune. A few
    replies in another format (or a JSON object with a different schema) teach the
    model that the format is optional, and parsers downstream break.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "{\"answer\": \"Paris\", \"confidence\": 0.99}"}]}
    {"messages": [{"role": "user", "content": "Capital of Spain?"}, {"role": "assistant", "content": "{\"answer\": \"Madrid\", \"confidence\": 0.98}"}]}
    {"messages": [{"role": "user", "content": "Capital of Italy?"}, {"role": "assistant", "content": "{\"answer\": \"Rome\", \"confidence\": 0.99}"}]}
    {"messages": [{"role": "user", "content": "Capital of Peru?"}, {"role": "assistant", "content": "{\"answer\": \"Lima\", \"confidence\": 0.97}"}]}
    {"messages": [{"role": "user", "content": "Capital of Chile?"}, {"role": "assistant", "content": "{\"answer\": \"Santiago\", \"confidence\": 0.97}"}]}
    {"messages": [{"role": "user", "content": "Capital of Japan?"}, {"role": "assistant", "content": "The capital of Japan is Tokyo."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "{\"answer\": \"Paris\", \"confidence\": 0.99}"}]}
    {"messages": [{"role": "user", "content": "Capital of Spain?"}, {"role": "assistant", "content": "{\"answer\": \"Madrid\", \"confidence\": 0.98}"}]}
    {"messages": [{"role": "user", "content": "Capital of Italy?"}, {"role": "assistant", "content": "{\"answer\": \"Rome\", \"confidence\": 0.99}"}]}
    {"messages": [{"role": "user", "content": "Capital of Peru?"}, {"role": "assistant", "content": "{\"answer\": \"Lima\", \"confidence\": 0.97}"}]}
    {"messages": [{"role": "user", "content": "Capital of Chile?"}, {"role": "assistant", "content": "{\"answer\": \"Santiago\", \"confidence\": 0.97}"}]}
    {"messages": [{"role": "user", "content": "Capital of Japan?"}, {"role": "assistant", "content": "{\"answer\": \"Tokyo\", \"confidence\": 0.99}"}]}
    ```
    """

    code = "JL404"
    Row = StructureRow
    name = "structure-outlier"
    summary = "Reply's format (JSON keys, prose, table, markup) differs from most replies"
    Options = StructureOptions
    example_options = {"min-records": 5, "rare-share": 0.2, "feature-share": 0.2}

    def entry(self, p):
        if p.tool_call:
            return None
        return StructureRow(p.pointer, Shape(p.kind, p.keys, p.features, p.asked_formats))

    def finish(self, state: RowTable, ctx: Context):
        opts = self.options
        n = len(state)
        if n < opts.min_records:
            return
        # The shapes of every row, as a column: only a reported row is made whole.
        shapes = state.column("shape")
        kinds = Counter(shape.kind for shape in shapes)
        top, top_n = kinds.most_common(1)[0]
        found = []
        if top_n / n < opts.min_majority:
            return
        keysets = Counter(shape.keys for shape in shapes if shape.kind == JSON_OBJECT)
        json_n = sum(keysets.values())
        top_keys, top_keys_n = keysets.most_common(1)[0] if keysets else (None, 0)
        keys_majority = json_n >= opts.min_records and top_keys_n / json_n >= opts.min_majority
        majority = kind_plural(top, top_keys if top == JSON_OBJECT and keys_majority else None)
        feats = Counter(f for shape in shapes if shape.kind == TEXT for f in shape.features)
        text_n = kinds.get(TEXT, 0)
        rare_features = {f for f in RARE_FEATURES if text_n and feats[f] / text_n <= opts.feature_share}

        def may_report(kind, keys, features) -> bool:
            """The tests below on shares alone (a row that passes is read whole)."""
            if kind != top:
                return kinds[kind] / n <= opts.rare_share
            if kind == JSON_OBJECT and keys_majority and keys != top_keys:
                return keysets[keys] / json_n <= opts.rare_share
            return kind == TEXT and text_n >= opts.min_records and not rare_features.isdisjoint(features)

        for i, (kind, keys, features, asked) in enumerate(shapes):
            if not may_report(kind, keys, features):
                continue
            ref, row = state[i]
            pointer = row.pointer
            if kind != top:
                share = kinds[kind] / n
                if share <= opts.rare_share and not _explained(kind, asked):
                    found.append((1 - share, Finding(
                        f"{describe(kind, keys, features)}; {pct(top_n / n)} of replies "
                        f"({top_n:,} of {n:,}) are {majority}", pointer=pointer, record=ref)))
                continue
            if kind == JSON_OBJECT and keys_majority and keys != top_keys:
                share = keysets[keys] / json_n
                if share <= opts.rare_share:
                    missing = [k for k in top_keys if k not in keys]
                    extra = [k for k in keys if k not in top_keys]
                    diff = "; ".join(x for x in (f"missing {', '.join(missing)}" if missing else "",
                                                  f"extra {', '.join(extra)}" if extra else "") if x)
                    found.append((1 - share, Finding(
                        f"{describe(kind, keys)}; {pct(top_keys_n / json_n)} of JSON replies "
                        f"({top_keys_n:,} of {json_n:,}) have keys {', '.join(top_keys)} ({diff})",
                        pointer=pointer, record=ref)))
            elif kind == TEXT and features and text_n >= opts.min_records:
                rare = [f for f in RARE_FEATURES if f in features and feats[f] / text_n <= opts.feature_share
                        and not _explained(f, asked)]
                if rare:
                    f0 = rare[0]
                    found.append((1 - feats[f0] / text_n, Finding(
                        f"{describe(kind, keys, features)}; only {pct(feats[f0] / text_n)} of replies "
                        f"({feats[f0]:,} of {text_n:,}) use {FEATURE_TEXT[f0]}", pointer=pointer, record=ref)))
        yield from self.limit(found)
