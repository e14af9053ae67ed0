"""Each rule kind on small datasets: positions, messages, fixes, dataset-wide state."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from helpers import lint
from jsonl_lint.engine import Engine, lint_paths
from jsonl_lint.config import settings_from_table


def chat(*turns: tuple[str, str], **extra) -> str:
    value = {"messages": [{"role": r, "content": c} for r, c in turns], **extra}
    return json.dumps(value, ensure_ascii=False)


def run(tmp_path: Path, rule: str, data: str, name: str = "R", **table):
    folder = tmp_path / "rules" / "T"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yml").write_text(textwrap.dedent(rule), encoding="utf-8")
    table.setdefault("select", ["T."])
    return lint(data, root=str(tmp_path), **{"rules-path": ["rules"]}, **table)


def apply_fix(text: str, diagnostic) -> str:
    for edit in sorted(diagnostic.fix.record_edits, key=lambda e: -e.start):
        text = text[:edit.start] + edit.text + text[edit.end:]
    return text


SUB = """\
extends: substitution
message: "use '%s', not '%s'"
level: warning
scope: assistant
ignorecase: true
action: replace
swap:
  e-mail: email
  utili[sz]e: use
"""


def test_substitution_fix_keeps_json_valid_across_escapes(tmp_path):
    line = chat(("user", "Hi \"there\""), ("assistant", "Line one\n\"E-mail\" us — we utilise ünïcode."))
    found = run(tmp_path, SUB, line + "\n")
    assert [d.message.split(" (in")[0] for d in found] == ["use 'Email', not 'E-mail'", "use 'use', not 'utilise'"]
    fixed = apply_fix(apply_fix(line, found[1]), found[0])
    assert json.loads(fixed)["messages"][1]["content"] == "Line one\n\"Email\" us — we use ünïcode."
    assert found[0].fix.applicability.value == "safe"
    # the highlighted range is exactly the matched text in the raw line
    assert line[found[0].location.column - 1:found[0].end_location.column - 1] == "E-mail"


def test_substitution_without_action_has_no_fix_and_skips_identity(tmp_path):
    rule = SUB.replace("action: replace\n", "").replace("e-mail: email", "email: email")
    found = run(tmp_path, rule, chat(("user", "x"), ("assistant", "Email me; I utilize it.")) + "\n")
    assert len(found) == 1 and found[0].fix is None and "utilize" in found[0].message


def test_user_scope_and_rejected_scope_are_separate(tmp_path):
    rule = "extends: existence\nmessage: found %s\nlevel: info\nscope: [user, rejected]\ntokens: [banana]\n"
    pref = json.dumps({"input": {"messages": [{"role": "user", "content": "banana?"}]},
                       "preferred_output": [{"role": "assistant", "content": "banana!"}],
                       "non_preferred_output": [{"role": "assistant", "content": "no banana"}]})
    found = run(tmp_path, rule, pref + "\n")
    assert sorted(d.pointer for d in found) == ["/input/messages/0/content", "/non_preferred_output/0/content"]


def test_field_scope_reads_named_fields_and_lists(tmp_path):
    rule = "extends: existence\nmessage: found %s\nlevel: info\nscope: field:meta.tags\ntokens: [secret]\n"
    data = json.dumps({"text": "secret", "meta": {"tags": ["ok", "top secret"]}})
    found = run(tmp_path, rule, data + "\n")
    assert [(d.pointer, d.message) for d in found] == [("/meta/tags/1", "found secret (in field /meta/tags/1)")]


def test_limit_caps_findings_per_record(tmp_path):
    rule = "extends: existence\nmessage: '%s'\nlevel: info\nscope: any-turn\nlimit: 2\ntokens: [x]\n"
    found = run(tmp_path, rule, chat(("user", "x x x"), ("assistant", "x x")) + "\n")
    assert len(found) == 2


def test_occurrence_max_points_at_first_excess_match_and_min_at_the_turn(tmp_path):
    rule = "extends: occurrence\nmessage: '{count} marks (max {max})'\nlevel: info\nscope: assistant\ntoken: '!'\nmax: 2\n"
    line = chat(("user", "Hi!!!"), ("assistant", "Yes! Yes! Yes!"))
    found = run(tmp_path, rule, line + "\n")
    assert len(found) == 1 and found[0].message.startswith("3 marks (max 2)")
    assert found[0].location.column - 1 == line.index("Yes! Yes! Yes!") + 13
    rule = "extends: occurrence\nmessage: 'needs a source ({count})'\nlevel: info\nscope: assistant\ntoken: 'https?://'\nmin: 1\n"
    found = run(tmp_path, rule, chat(("user", "Q"), ("assistant", "A")) + "\n" +
                chat(("user", "Q"), ("assistant", "See https://x.org")) + "\n")
    assert [d.location.line for d in found] == [1] and "needs a source (0)" in found[0].message


def test_length_in_words_chars_and_tokens(tmp_path):
    data = chat(("user", "Q"), ("assistant", "one two three four five")) + "\n"
    for unit, limit, count in (("words", 4, 5), ("chars", 10, 23)):
        rule = f"extends: length\nmessage: '{{count}} {{unit}} > {{max}}'\nlevel: warning\nscope: assistant\nunit: {unit}\nmax: {limit}\n"
        found = run(tmp_path, rule, data)
        assert [d.message.split(" (in")[0] for d in found] == [f"{count} {unit} > {limit}"]
        assert found[0].pointer == "/messages/1/content"
    rule = "extends: length\nmessage: '{count} {unit}'\nlevel: warning\nscope: assistant\nunit: tokens\nmax: 3\n"
    found = run(tmp_path, rule, data)
    from jsonl_lint import tokens

    expected = tokens.count_text("one two three four five", settings_from_table({}, None))
    assert found and found[0].message.startswith(f"{expected} tokens")


def test_pattern_and_required(tmp_path):
    rule = "extends: pattern\nmessage: 'must start with You are'\nlevel: warning\nscope: system\npattern: ^You are\\b\n"
    data = "\n".join([chat(("system", "Be nice."), ("user", "q"), ("assistant", "a")),
                      chat(("system", "You are kind."), ("user", "q"), ("assistant", "a")),
                      chat(("user", "q"), ("assistant", "a"))]) + "\n"
    assert [d.location.line for d in run(tmp_path, rule, data)] == [1]
    rule = "extends: required\nmessage: 'needs a system prompt'\nlevel: warning\nscope: system\n"
    data += chat(("system", "   "), ("user", "q"), ("assistant", "a")) + "\n"
    assert [d.location.line for d in run(tmp_path, rule, data)] == [3, 4]


CONSISTENCY = """\
extends: consistency
message: "'%s' is the minority form (mostly '%s')"
level: info
scope: assistant
ignorecase: true
either:
  do not: don't
"""


def test_consistency_flags_minority_records_with_related_majority(tmp_path):
    lines = [chat(("user", "q"), ("assistant", "Please don't go.")) for _ in range(3)]
    lines.insert(2, chat(("user", "q"), ("assistant", "Please do not go.")))
    lines.append(chat(("user", "q"), ("assistant", "No contraction here.")))
    found = run(tmp_path, CONSISTENCY, "\n".join(lines) + "\n")
    assert [d.location.line for d in found] == [3]
    assert "'do not' is the minority form (mostly 'don't')" in found[0].message
    assert "1 record(s) use this form, 3 use" in found[0].message
    assert [r.location.line for r in found[0].related] == [1]


def test_ratio_reports_share_outside_bounds_once_per_dataset(tmp_path):
    rule = ("extends: ratio\nmessage: '{share} apologise'\nlevel: warning\nscope: assistant\nignorecase: true\n"
            "token: sorry\nmax: 0.25\nmin-records: 4\n")
    lines = [chat(("user", "q"), ("assistant", "Sorry!" if i % 2 else "Done.")) for i in range(8)]
    found = run(tmp_path, rule, "\n".join(lines) + "\n")
    assert len(found) == 1 and found[0].message.startswith("50.0% apologise (4 of 8 records, 50.0%; expected [0%, 25%])")
    assert found[0].filename == "train.jsonl" and [r.location.line for r in found[0].related] == [2, 4, 6]
    lines = [chat(("user", "q"), ("assistant", "Sorry!" if i == 0 else "Done.")) for i in range(8)]
    assert not run(tmp_path, rule, "\n".join(lines) + "\n")
    assert not run(tmp_path, rule.replace("min-records: 4", "min-records: 100"), "\n".join(lines * 4) + "\n")


def test_dataset_kinds_merge_across_worker_processes(tmp_path):
    folder = tmp_path / "rules" / "T"
    folder.mkdir(parents=True)
    (folder / "C.yml").write_text(CONSISTENCY)
    lines = [chat(("user", "q"), ("assistant", "do not" if i % 10 == 0 else "don't")) for i in range(400)]
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(lines) + "\n")
    settings = settings_from_table({"rules-path": ["rules"], "select": ["T."], "root": str(tmp_path)}, None)
    serial = lint_paths([str(data)], settings, jobs=1).diagnostics
    parallel = lint_paths([str(data)], settings, jobs=2).diagnostics
    assert [d.location.line for d in serial] == [d.location.line for d in parallel] == list(range(1, 401, 10))


def test_catastrophic_regex_times_out_with_a_clear_finding_and_the_run_finishes(tmp_path):
    rule = "extends: existence\nmessage: 'found %s'\nlevel: warning\nscope: assistant\nnonword: true\ntimeout: 0.05\ntokens: ['(a+)+$']\n"
    evil = chat(("user", "q"), ("assistant", "a" * 5000 + "b"))
    fine = chat(("user", "q"), ("assistant", "ok"))
    found = run(tmp_path, rule, "\n".join([evil] * 20 + [fine]) + "\n")
    messages = [d.message for d in found]
    assert "a regex ran longer than 0.05 s" in messages[0] and "(a+)+" in messages[0]
    assert "disabled for the rest of this run after 5 regex timeouts" in messages[-1]
    assert len(found) == 6  # 5 timeouts, then one 'disabled' finding, then silence


def test_catastrophic_regex_in_a_dataset_rule_is_reported(tmp_path):
    rule = ("extends: ratio\nmessage: '{share}'\nlevel: warning\nscope: assistant\ntimeout: 0.05\n"
            "nonword: true\ntoken: '(a+)+$'\nmax: 0.5\nmin-records: 1\n")
    found = run(tmp_path, rule, chat(("user", "q"), ("assistant", "a" * 5000 + "b")) + "\n")
    assert len(found) == 1 and "a regex ran longer than 0.05 s on 1 record(s)" in found[0].message


def test_rules_run_through_the_engine_like_builtins(tmp_path):
    folder = tmp_path / "rules" / "T"
    folder.mkdir(parents=True)
    (folder / "S.yml").write_text(SUB)
    settings = settings_from_table({"rules-path": ["rules"], "root": str(tmp_path)}, None)
    names = [r.name for r in Engine(settings).pack.rules]
    assert "T.S" in names and any(n == "invalid-json" for n in names)


def test_literals_that_contain_another_are_left_out():
    """"One of these literals is in the text" holds whenever it holds without the literals
    that contain a shorter one of the same kind (folded or exact): those are not scanned."""
    from jsonl_lint.declarative.kinds import _literals, _may_match

    found = _literals(["as an ai language model", "as an artificial intelligence", "an ai, i", "as an ai",
                       "my knowledge cutoff", "Exact Case"], True)
    assert found == (("as an artificial intelligence", True), ("an ai, i", True), ("as an ai", True),
                     ("my knowledge cutoff", True), ("exact case", True))
    assert _literals(["Abc", "abc"], False) == (("Abc", False), ("abc", False))  # exact: neither contains the other
    assert _may_match(found, "AS AN AI LANGUAGE MODEL, I") and not _may_match(found, "a language model")


def test_literal_prefilter_never_changes_results():
    """Rules skip the regex when a required literal is absent; on texts built around
    the shipped tokens (case-mangled, Unicode case variants) the findings are the same
    with and without that shortcut."""
    import random

    from helpers import settings_for
    from jsonl_lint.declarative import load_declarative_rules

    rules = load_declarative_rules(settings_for(styles=["AIBoilerplate", "Placeholders", "BrandVoice"]))
    rng = random.Random(5)
    samples = ["As an AI language model, I cannot.", "AS AN AI, I DON'T KNOW", "I'm sorry, but I can't help with that.",
               "Certainly! Here is it", "I hope this helps! Let me know if you need anything else.",
               "Lorem ipsum dolor sit amet", "TODO: x", "do not / don't", "e-mail the Acme Inc. web site",
               "as of my last knowledge update", "ſorry, I apologiſe", "Kelvin K and ﬁ ligatures"]
    texts = []
    for s in samples * 5:
        mangled = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in s)
        texts.append(f"{rng.choice(['', 'Well. ', 'x '])}{mangled}{rng.choice(['', ' ok', '!'])}")
    checked = 0
    for cls in rules:
        patterns = [p for p in (getattr(cls, "pattern", None),) if p is not None] + \
            [p for pair in getattr(cls, "pairs", ()) for p in pair]
        for pattern in patterns:
            if id(pattern) not in cls.literals:
                continue
            rule = cls()
            for t in texts:
                fast = [m.span() for m in rule._search(pattern, t)]
                slow = [m.span() for m in pattern.finditer(t)]
                assert fast == slow, (cls.name, t)
                checked += 1
    assert checked > 300


def test_record_gate_gives_the_findings_and_counts_of_the_full_path():
    """Existence, substitution and ratio rules pass by a record whose pieces hold none of
    their pattern's literals (``gate``) without searching; on records built around the
    shipped tokens (case-mangled, mixed with records that match nothing) the findings and
    the ratio counts are those of the same rules without the gate."""
    import io
    import random

    from helpers import settings_for
    from jsonl_lint.declarative import load_declarative_rules
    from jsonl_lint.reader import read_records
    from jsonl_lint.rule import Context

    settings = settings_for(styles=["AIBoilerplate", "Placeholders", "BrandVoice"])
    rules = [cls for cls in load_declarative_rules(settings) if cls.gate is not None]
    assert {cls.code for cls in rules} >= {"AIB001", "AIB002", "AIB004", "AIB005"}
    rng = random.Random(7)
    samples = ["As an AI language model, I cannot.", "AS AN AI, I DON'T KNOW", "I'm sorry, but I can't help with that.",
               "Certainly! I'd be happy to help.", "I hope this helps! Let me know if you need anything else.",
               "Lorem ipsum dolor sit amet", "TODO: x", "do not / don't", "e-mail the Acme Inc. web site",
               "as of my last knowledge update", "my knowledge cutoff is 2023", "Great question! It is 4.",
               "The sum is 12.", "Paris is the capital of France.", "Use a dict here."]
    lines = []
    for _ in range(120):
        s = rng.choice(samples)
        mangled = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in s)
        prompt = rng.choice(["Who are you?", "Add 5 and 7.", "Tell me about Paris."])
        lines.append(chat(("user", prompt), ("assistant", f"{rng.choice(['', 'Well. '])}{mangled}")))
    data = ("\n".join(lines) + "\n").encode()
    ctx = Context(settings, "train.jsonl")
    skipped = found = 0
    for cls in rules:
        gated, plain = cls(), cls()
        plain.gate = None  # the full path: every piece searched
        records = list(read_records(io.BytesIO(data), "train.jsonl"))
        if hasattr(cls, "collect"):
            a, b = gated.initial(ctx), plain.initial(ctx)
            for record in records:
                gated.collect(a, record, ctx)
                plain.collect(b, record, ctx)
            assert a == b, cls.code
            found += a["matched"]
            continue
        for record in records:
            result = gated.check(record, ctx)
            skipped += result == ()  # passed by without a search
            fast = [(f.message, f.pointer, f.span) for f in result]
            slow = [(f.message, f.pointer, f.span) for f in plain.check(record, ctx)]
            assert fast == slow, (cls.code, record.text)
            found += len(fast)
    assert found > 50 and skipped > 100

