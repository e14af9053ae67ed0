"""What each MCP tool returns: the output schemas clients see (``outputSchema``) and
validate ``structuredContent`` against. A finding is exactly an element of
``jsonl-lint check --output-format json`` (:func:`jsonl_lint.formatters.json.diagnostic_dict`)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SeverityName = Literal["error", "warning", "info"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(_Out):
    row: int = Field(description="1-based line")
    column: int = Field(description="1-based column, in Unicode code points")


class FixEdit(_Out):
    content: str
    location: Location
    end_location: Location


class FindingFix(_Out):
    applicability: Literal["safe", "unsafe"]
    message: str
    edits: list[FixEdit]


class RelatedLocation(_Out):
    filename: str
    location: Location
    message: str


class Finding(_Out):
    code: str = Field(description="rule code, e.g. JL104")
    name: str = Field(description="rule name, e.g. unknown-role")
    severity: SeverityName
    message: str
    filename: str
    location: Location
    end_location: Location
    pointer: str = Field(description="JSON pointer of the field in the record ('' for the whole record or file)")
    url: str = Field(description="the rule's documentation")
    fix: Optional[FindingFix] = Field(description="the fix `--fix` applies (safe) or `--fix --unsafe-fixes` (unsafe)")
    related: list[RelatedLocation]
    fingerprint: str = Field(description="stable across reordering and edits to other records")
    target: Optional[str] = Field(None, description="JL9xx: the fine-tuning target the finding is about")


class FileChecked(_Out):
    file: str
    group: str = Field(description="train, validation, or a group named in the configuration")
    records: int


class CheckResult(_Out):
    files: list[FileChecked]
    total: int = Field(description="findings in all (before truncation)")
    by_severity: dict[str, int] = Field(description="findings in all by severity")
    by_rule: dict[str, int] = Field(description="findings in all by rule code, most frequent first")
    offset: int = Field(description="index of the first finding returned")
    findings: list[Finding] = Field(description="the findings from `offset`, in the CLI's order (file, line, column)")
    truncated: bool = Field(description="more findings follow: call again with a larger offset")
    failed: bool = Field(description="whether `jsonl-lint check` would fail (findings at or above fail-on)")
    notes: list[str] = Field(description="warnings about the run (files left out, preview rules not run)")


class TokenPercentiles(_Out):
    min: Optional[int]
    p5: Optional[int]
    p50: Optional[int]
    p95: Optional[int]
    max: Optional[int]


class StatsFile(_Out):
    file: str
    group: str
    records: int
    blank: int
    invalid: int
    unknown_format: int


class Cost(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: str
    examples: int
    epochs: int
    epochs_rule: str
    billed_tokens_per_epoch: int
    billed_tokens: int
    price_per_million_tokens: Optional[float]
    price_source: str
    estimated_cost_usd: Optional[float] = Field(description="None when the model has no known price")


class ExampleTokens(_Out):
    file: str
    line: int
    index: int
    format: str
    turns: int
    total: int
    trained: int


class StatsResult(BaseModel):
    """`jsonl-lint stats --output-format json`, with the per-example counts cut to a page."""

    model_config = ConfigDict(extra="allow")  # fields the CLI's JSON gains pass through

    model: str
    tokenizer: str = Field(description="what counts the tokens")
    encoding: str
    exact: bool = Field(description="exact counts with the model's own tokenizer, else an estimate")
    approximate_reason: Optional[str]
    limit: Optional[int] = Field(description="training tokens per example")
    limit_source: str
    files: list[StatsFile]
    records: int
    examples: int
    formats: dict[str, int]
    turns: int
    examples_with_system: int
    examples_without_system: int
    tokens_per_example: TokenPercentiles
    trained_tokens_per_example: TokenPercentiles
    percentile_method: str
    total_tokens: int
    trained_tokens: int
    image_tokens_estimated: int
    over_limit: int = Field(description="examples longer than the limit (training truncates them)")
    near_limit: int
    near_limit_threshold: float
    cost: Optional[Cost]
    per_example: Optional[list[ExampleTokens]] = Field(
        None, description="with per_example: token counts of the examples from per_example_offset")
    per_example_truncated: Optional[bool] = None
    notes: list[str] = Field(description="files left out (links to files outside the workspace)")


class RuleDoc(_Out):
    code: str
    name: str
    summary: str
    severity: SeverityName = Field(description="default severity")
    kind: Literal["record", "dataset"]
    fixable: str
    default_enabled: bool
    preview: bool
    url: str
    documentation: str = Field(description="the rule's page, Markdown: what, why, example, instead, options")


class FileFixes(_Out):
    file: str
    fixes: int = Field(description="findings whose fix was applied")


class FixPreview(_Out):
    diff: str = Field(description="unified diff of the fixes; secrets masked; nothing is written")
    diff_truncated: bool
    fixes: int
    files: list[FileFixes]
    unsafe_available: int = Field(description="further fixes that need unsafe=true")
    notes: list[str]


class AppliedFixes(_Out):
    written: bool = Field(description="false unless called with write=true: then nothing was written")
    fixes: int
    files: list[FileFixes] = Field(description="files changed (or that would change, without write)")
    not_written: dict[str, str] = Field(description="files left as they were, with the reason")
    findings_left: int = Field(description="findings in the fixed files")
    unsafe_available: int = Field(description="further fixes that need unsafe=true")
    notes: list[str]


class TargetRow(BaseModel):
    """One row of `jsonl-lint targets --output-format json`."""

    model_config = ConfigDict(extra="allow")  # fields the CLI's JSON gains pass through

    target: str
    title: str
    kind: str = Field(description="provider or trainer")
    status: str = Field(description="active, deprecated or closed (as of today)")
    status_note: str
    verdict: Literal["ready", "needs changes", "not possible"]
    errors: int
    warnings: int
    errors_by_requirement: dict[str, int]
    warnings_by_requirement: dict[str, int]
    over_limit: int = Field(description="examples over the target's token limit")
    limit: Optional[int] = Field(description="training tokens per example")
    model: Optional[str] = Field(description="the base model whose limit, tokenizer and price apply")
    tokenizer: str
    exact_tokens: bool
    examples: int
    billed_tokens: Optional[int]
    epochs: Optional[float]
    price_per_million: Optional[float]
    estimated_cost_usd: Optional[float]
    hint: str = Field(description="what to convert for this target")
    first_error: str


class TargetsResult(_Out):
    files: list[str]
    targets: list[TargetRow] = Field(description="one row per target, in the order asked (default: every profile)")
    notes: list[str] = Field(description="files left out (links to files outside the workspace)")
