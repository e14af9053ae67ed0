"""Options and helpers shared by the duplicate rules."""

from __future__ import annotations

import os
from dataclasses import replace

from pydantic import Field

from ...diagnostics import Applicability, Edit, Fix, RecordRef
from ...rule import Context, Options
from ...similarity.near import NearConfig, NearState, boilerplate, prompt_shingle_counts

SPLIT_ALIASES = {
    "train": "train", "training": "train",
    "validation": "validation", "valid": "validation", "val": "validation", "eval": "validation",
    "evaluation": "validation", "dev": "validation", "test": "validation",
}


class NearOptions(Options):
    threshold: float = Field(0.9, ge=0.5, le=1.0,
                             description="similarity (normalized Indel ratio of the compared words) at or above "
                                         "which two records are near duplicates")
    roles: tuple[str, ...] = Field(("user", "assistant"), description="turns whose text is compared")
    boilerplate_roles: tuple[str, ...] = Field(
        ("system", "developer", "user", "tool"),
        description="turns whose text shared by many records is boilerplate, not similarity")
    boilerplate_df: float = Field(0.05, gt=0.0, le=1.0,
                                  description="fraction of records a prompt shingle must occur in to be boilerplate")
    boilerplate_min: int = Field(10, ge=2, description="and at least this many records")
    boilerplate_sample: int = Field(20000, ge=100,
                                    description="records sampled evenly over the whole run (from 64 equal byte "
                                                "slices) to measure how often prompt shingles occur")
    shingle_size: int = Field(3, ge=1, le=10, description="words per shingle")
    num_perm: int = Field(64, description="MinHash size (a power of two)")
    bands: int = Field(16, ge=1, description="LSH bands (num-perm / bands rows each; 16x4 targets Jaccard ~0.5)")

    def near_config(self) -> NearConfig:
        return NearConfig(roles=tuple(self.roles), boilerplate_roles=tuple(self.boilerplate_roles),
                          shingle=self.shingle_size, num_perm=self.num_perm, bands=self.bands,
                          threshold=self.threshold, boilerplate_df=self.boilerplate_df,
                          boilerplate_min=self.boilerplate_min, calibration=self.boilerplate_sample)


class NearCalibration:
    """The boilerplate filter of the near-duplicate rules, learned from the run's
    calibration sample (a mixin for rules with ``NearOptions``)."""

    def calibration_size(self) -> int:
        return self.options.near_config().calibration

    def calibrate(self, records, ctx: Context):
        return prompt_shingle_counts(records, self.options.near_config())

    def calibrated(self, pieces: list):
        return boilerplate(pieces, self.options.near_config())

    def near_state(self, ctx: Context) -> NearState:
        config = self.options.near_config()
        if ctx.in_task:  # the task's texts would be dropped unread at its partition
            config = replace(config, text_budget=0)
        return NearState(config, ctx.calibration.get(self.code))


def where(ref: RecordRef, anchor: RecordRef | None = None) -> str:
    """'line 3' (same file as ``anchor``) or 'line 3 of data/train.jsonl'."""
    if anchor is not None and anchor.path == ref.path:
        return f"line {ref.line}"
    return f"line {ref.line} of {os.path.basename(ref.path) or ref.path}"


def delete_fix(cplen: int, title: str) -> Fix:
    return Fix(title, (Edit(0, cplen, "", delete_record=True),), Applicability.UNSAFE)


def split_of(record, ctx, split_key: str | None) -> str:
    """The dataset group of a record: a ``split_key`` field when set, else the file's."""
    if split_key and isinstance(record.value, dict):
        value = record.value.get(split_key)
        if isinstance(value, str) and value.strip():
            v = value.strip().lower()
            return SPLIT_ALIASES.get(v, v)
    return ctx.group
