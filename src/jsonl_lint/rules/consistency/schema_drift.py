from __future__ import annotations

from pydantic import Field

from ...diagnostics import Finding
from ...formats import known_keys
from ...positions import join_pointer
from ...rule import Context, DatasetRule
from ...style.stats import pct
from ._common import ConsistencyOptions

GROUP_REFS = 1000
# Keys that legitimately come and go between records of one schema.
OPTIONAL_TOP = frozenset({"tools", "functions", "parallel_tool_calls"})
OPTIONAL_ITEM = frozenset({"tool_calls", "tool_call_id", "name", "function_call", "refusal", "audio"})
_TYPES = {str: "string", list: "list", dict: "object", type(None): "null", bool: "boolean", int: "number",
          float: "number"}


def signature(value: dict, known: tuple[str, ...] | None = None) -> tuple[tuple, tuple, tuple]:
    """(top-level keys, keys of list items per list key, content types per list key).
    With ``known``, top-level keys outside it are left out (unknown-key reports those)."""
    top = tuple(sorted(k for k in value if k not in OPTIONAL_TOP and (known is None or k in known)))
    items: set[str] = set()
    content: set[str] = set()
    for k, v in value.items():
        if not isinstance(v, list):
            continue
        for item in v[:64]:
            if not isinstance(item, dict):
                continue
            for ik, iv in item.items():
                if ik in OPTIONAL_ITEM:
                    continue
                items.add(f"{k}[].{ik}")
                if ik in ("content", "value", "text"):
                    content.add(f"{k}[].{ik}: {_TYPES.get(type(iv), 'other')}")
    return top, tuple(sorted(items)), tuple(sorted(content))


_TYPED = ("content", "value", "text")  # item keys whose value's type is part of a signature
_SIGNATURES: dict[tuple, tuple] = {}  # shape -> signature: a dataset has few shapes
_MAX_SIGNATURES = 4096


def _shape(value: dict) -> tuple:
    """What :func:`signature` reads of a record, as it is (key order, exact types): records
    with the same shape have the same signature, and a shape costs about 40% of one."""
    parts: list = [tuple(value)]
    for v in value.values():
        parts.append(type(v))
        if isinstance(v, list):
            for item in v[:64]:
                if isinstance(item, dict):
                    parts.append(tuple(item))
                    for ik in _TYPED:
                        if ik in item:
                            parts.append(type(item[ik]))
                else:
                    parts.append(type(item))
    return tuple(parts)


class SchemaOptions(ConsistencyOptions):
    min_majority: float = Field(0.8, gt=0.5, le=1, description=(
        "The dataset has a schema only when at least this share of records share one."))


class SchemaDrift(DatasetRule[dict]):
    """Reports records whose keys or content shape differ from the majority's.

    ## What it does
    Computes a signature of every JSON object record: its top-level keys, the keys
    of the objects inside its lists (for example `messages[].weight`) and the type
    of their `content` (string or list of parts). Keys that normally come and go
    (`tools`, `tool_calls`, `name`, ...) are left out. When at least `min-majority`
    of the records share a signature, each record with a signature used by at most
    `rare-share` of the records is reported with the keys it has extra or lacks.
    Datasets with fewer than `min-records` records are not judged. When `unknown-key`
    runs too, a top-level key the record's format does not define is its finding, not
    a second one here: drift then compares the format's own keys and `id`.

    ## Why it matters for fine-tuning
    A stray key (`example_input`, a leftover `id`) or a record with list-of-parts
    content among plain strings shows that part of the file came from another
    pipeline: trainers may reject it, silently drop the field, or format it
    differently.

    ## Example
    ```jsonl
    {"instruction": "Name a primary color.", "input": "", "output": "Red."}
    {"instruction": "Name a planet.", "input": "", "output": "Mars."}
    {"instruction": "Name an ocean.", "input": "", "output": "The Pacific."}
    {"instruction": "Name a metal.", "input": "", "output": "Iron."}
    {"instruction": "Name a fruit.", "input": "", "output": "An apple."}
    {"instruction": "Name a river.", "input": "", "output": "The Nile.", "example_input": "Africa"}
    ```

    ## Use instead
    ```jsonl
    {"instruction": "Name a primary color.", "input": "", "output": "Red."}
    {"instruction": "Name a planet.", "input": "", "output": "Mars."}
    {"instruction": "Name an ocean.", "input": "", "output": "The Pacific."}
    {"instruction": "Name a metal.", "input": "", "output": "Iron."}
    {"instruction": "Name a fruit.", "input": "", "output": "An apple."}
    {"instruction": "Name a river.", "input": "Africa", "output": "The Nile."}
    ```
    """

    code = "JL409"
    name = "schema-drift"
    summary = "Record's keys or content shape differ from the majority's"
    requires = "object"
    Options = SchemaOptions
    example_options = {"min-records": 5, "rare-share": 0.2}

    def initial(self, ctx: Context) -> dict:
        return {"n": 0, "sigs": {}}

    def collect(self, state: dict, record, ctx: Context) -> None:
        state["n"] += 1
        known = None
        if record.format is not None and self._unknown_keys_reported(ctx):
            known = known_keys(record.value, record.format, record.mapping) + ("id",)
        shape = (known, _shape(record.value))
        sig = _SIGNATURES.get(shape)
        if sig is None:
            sig = signature(record.value, known)
            if len(_SIGNATURES) < _MAX_SIGNATURES:
                _SIGNATURES[shape] = sig
        g = state["sigs"].get(sig)
        if g is None:
            g = state["sigs"][sig] = [0, []]
        g[0] += 1
        if len(g[1]) < GROUP_REFS:
            first_key = next(iter(record.value), None)
            g[1].append((record.ref, first_key))

    def _unknown_keys_reported(self, ctx: Context) -> bool:
        """Whether unknown-key runs too: then a key the record's format does not define is
        its finding (one defect, one finding), and drift compares the known keys only."""
        owner = self.__dict__.get("_owner")
        if owner is None:
            from ...registry import resolve

            try:
                owner = any(r.code == "JL113" for r in resolve(ctx.settings).rules)
            except Exception:
                owner = False
            self._owner = owner
        return owner

    def merge(self, states: list[dict]) -> dict:
        out = self.initial(None)  # type: ignore[arg-type]
        for s in states:
            out["n"] += s["n"]
            for sig, (count, refs) in s["sigs"].items():
                g = out["sigs"].setdefault(sig, [0, []])
                g[0] += count
                g[1].extend(refs[: max(0, GROUP_REFS - len(g[1]))])
        return out

    def finish(self, state: dict, ctx: Context):
        opts = self.options
        n = state["n"]
        if n < opts.min_records or len(state["sigs"]) < 2:
            return
        ranked = sorted(state["sigs"].items(), key=lambda kv: -kv[1][0])
        top_sig, (top_n, _) = ranked[0]
        if top_n / n < opts.min_majority:
            return
        budget = opts.max_findings or float("inf")
        for sig, (count, refs) in ranked[1:]:
            if count / n > opts.rare_share:
                continue
            parts, pointer, on_key = [], "", False
            for label, mine, theirs in (("keys", sig[0], top_sig[0]), ("item keys", sig[1], top_sig[1]),
                                        ("content", sig[2], top_sig[2])):
                extra = [k for k in mine if k not in theirs]
                missing = [k for k in theirs if k not in mine]
                if extra:
                    parts.append(f"extra {label} {', '.join(extra)}")
                    if label == "keys" and not pointer:
                        pointer, on_key = join_pointer(extra[0]), True
                    elif not pointer:
                        pointer = join_pointer(extra[0].split("[]")[0])
                if missing:
                    parts.append(f"missing {label} {', '.join(missing)}")
            message = (f"{'; '.join(parts)}; {pct(top_n / n)} of records ({top_n:,} of {n:,}) have keys "
                       f"{', '.join(top_sig[0])}" + (f" and {count:,} have this shape" if count > 1 else ""))
            for ref, first_key in refs:
                if budget <= 0:
                    return
                budget -= 1
                if pointer or first_key is None:
                    yield Finding(message, pointer=pointer, on_key=on_key, record=ref)
                else:  # only keys missing: highlight the record's first key
                    yield Finding(message, pointer=join_pointer(first_key), on_key=True, record=ref)
