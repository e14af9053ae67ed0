"""Shared state and logic of the dataset-size rules (one rule per severity band)."""

from __future__ import annotations

import os
from array import array

import numpy as np
from pydantic import Field

from ...diagnostics import Finding
from ...formatters.base import plural
from ...rule import Context, DatasetRule, Options
from ...similarity.text import record_canonical_hash


class SizeOptions(Options):
    minimum: int = Field(description="fewer distinct training examples than this are reported")
    validation_minimum: int = Field(description="the same for validation groups (judged separately)")


class _Group:
    def __init__(self) -> None:
        self.files: list[str] = []
        self.hashes = array("Q")


class SizeState:
    def __init__(self) -> None:
        self.groups: dict[str, _Group] = {}

    def add(self, group: str, path: str, record) -> None:
        g = self.groups.get(group)
        if g is None:
            g = self.groups[group] = _Group()
        if not g.files or g.files[-1] != path:
            if path not in g.files:
                g.files.append(path)
        g.hashes.append(record_canonical_hash(record))


_BY_CODE: dict[str, type] = {}


class SizeRule(DatasetRule):
    """Base: reports a group with fewer distinct examples than ``minimum`` but not
    fewer than the next stricter rule's minimum (``stricter``), so a dataset gets
    one size finding at the most severe level."""

    stricter: str | None = None
    why: str = ""

    def initial(self, ctx: Context) -> SizeState:
        return SizeState()

    def collect(self, state: SizeState, record, ctx: Context) -> None:
        state.add(ctx.group, record.ref.path, record)

    def merge(self, states: list[SizeState]) -> SizeState:
        out = SizeState()
        for s in states:
            for name, g in s.groups.items():
                o = out.groups.setdefault(name, _Group())
                o.files += [f for f in g.files if f not in o.files]
                o.hashes.extend(g.hashes)
        return out

    def _floor(self, ctx: Context, validation: bool, minimum: int) -> int:
        """Minimum of the nearest stricter size rule enabled in this run (0 when none,
        or when its minimum is not below ours), so each dataset gets one size finding."""
        from ...registry import resolve

        try:
            enabled = {r.code: r for r in resolve(ctx.settings).dataset_rules}
        except Exception:
            enabled = {}
        code = self.stricter
        while code is not None:
            rule = enabled.get(code)
            if rule is not None:
                floor = rule.options.validation_minimum if validation else rule.options.minimum
                return floor if floor < minimum else 0
            code = getattr(_BY_CODE.get(code), "stricter", None)
        return 0

    def finish(self, state: SizeState, ctx: Context):
        for name, g in state.groups.items():
            validation = name == "validation"
            minimum = self.options.validation_minimum if validation else self.options.minimum
            records = len(g.hashes)
            distinct = len(np.unique(np.frombuffer(g.hashes, dtype=np.uint64))) if records else 0
            if distinct >= minimum or distinct < self._floor(ctx, validation, minimum):
                continue
            files = ", ".join(os.path.basename(f) for f in g.files[:3]) + (" ..." if len(g.files) > 3 else "")
            dups = records - distinct
            counted = plural(distinct, "distinct example" if dups else "example")
            detail = f" ({plural(records, 'record')}, {dups:,} of them duplicate{'s' if dups != 1 else ''})" if dups else ""
            label = "validation set" if validation else ("training set" if name == "train" else f"'{name}' set")
            yield Finding(f"{label} has {counted}{detail} in {files}; {self.why.format(minimum=minimum)}",
                          path=g.files[0])

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "code" in vars(cls):
            _BY_CODE[cls.code] = cls
