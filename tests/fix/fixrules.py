"""Rules used only by the fixer tests: a safe multi-edit fix inside turn texts and
an unsafe whole-record deletion (the shapes the real JL1xx and JL2xx fixes take)."""

from __future__ import annotations

from jsonl_lint.diagnostics import Applicability, Edit, Finding, Fix, Severity
from jsonl_lint.registry import builtin_rules, resolve
from jsonl_lint.rule import DatasetRule, RecordRule


class TrimTurn(RecordRule):
    """Test rule: whitespace around a string turn text (safe fix: two deletions)."""

    code = "JLT01"
    name = "test-trim-turn"
    summary = "Whitespace around a turn"
    severity = Severity.WARNING
    fixable = "always"

    def check(self, record, ctx):
        sm = record.source_map
        for turn in record.example.all_turns:
            if len(turn.segments) != 1:
                continue
            seg = turn.segments[0]
            text = turn.text
            lead = len(text) - len(text.lstrip())
            trail = len(text) - len(text.rstrip())
            if not (lead or trail) or not text.strip():
                continue
            node = sm.nodes.get(seg.pointer)
            if node is None:
                continue
            edits = []
            if lead:
                s, e = sm.string_span(node, (seg.value_offset, seg.value_offset + lead))
                edits.append(Edit(s, e, ""))
            if trail:
                end = seg.value_offset + seg.length
                s, e = sm.string_span(node, (end - trail, end))
                edits.append(Edit(s, e, ""))
            yield Finding("whitespace around the turn text", pointer=seg.pointer,
                          fix=Fix("Trim the turn text", tuple(edits)))


class DropCopy(DatasetRule):
    """Test rule: exact copy of an earlier record (unsafe fix: delete the later copy)."""

    code = "JLT02"
    name = "test-drop-copy"
    summary = "Exact copy of an earlier record"
    severity = Severity.WARNING
    fixable = "always"
    requires = "json"

    def initial(self, ctx):
        return {"seen": {}, "copies": []}

    def collect(self, state, record, ctx):
        key = record.text
        if key in state["seen"]:
            state["copies"].append(record.ref)
        else:
            state["seen"][key] = record.ref

    def merge(self, states):
        out = self.initial(None)
        for s in states:
            for key, ref in s["seen"].items():
                if key in out["seen"]:
                    out["copies"].append(ref)
                else:
                    out["seen"][key] = ref
            out["copies"] += s["copies"]
        return out

    def finish(self, state, ctx):
        for ref in state["copies"]:
            yield Finding("exact copy of an earlier record", record=ref,
                          fix=Fix("Remove this copy", (Edit(0, 0, "", delete_record=True),), Applicability.UNSAFE))


TEST_RULES = (TrimTurn, DropCopy)


def pack_for(settings):
    return resolve(settings, rules=builtin_rules() + TEST_RULES)
