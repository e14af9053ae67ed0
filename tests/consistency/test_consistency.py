"""JL4xx consistency rules on generated datasets with planted outliers (fixed seeds),
plus system-prompt and schema drift, size gating, parallel merge and profiling reuse."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import synth  # noqa: E402
from helpers import lint, settings_for  # noqa: E402
from jsonl_lint.engine import Engine  # noqa: E402

SEEDS = (0, 1, 2)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("base", ["prose", "json"])
def test_planted_outliers_found_per_kind(seed, base):
    records, planted = synth.dataset(seed, base_format=base)
    diags = lint(synth.to_jsonl(records), select=["JL4"])
    kinds = synth.PROSE_KINDS if base == "prose" else synth.JSON_KINDS
    scores = synth.score(diags, planted, kinds)
    for kind, (recall, precision, n, flagged) in scores.items():
        assert recall >= 0.8, (kind, scores)
        assert precision >= 0.6, (kind, scores)


def test_consistent_dataset_is_quiet():
    records, planted = synth.dataset(5, n=400, kinds=())
    assert not planted
    diags = lint(synth.to_jsonl(records), select=["JL4"])
    assert len(diags) <= 2, [d.message for d in diags]  # 400 records: at most a natural length or grade extreme


def test_casual_dataset_is_not_flagged_for_being_casual():
    """Judged against its own distribution: all-slang-and-emoji replies are the norm here."""
    import random

    rng = random.Random(3)
    records = []
    for i in range(200):
        t = rng.randrange(len(synth.TOPICS))
        reply = synth.planted_reply(rng, "slang_emoji", t, "prose")
        records.append({"messages": [{"role": "user", "content": synth.TOPICS[t][0]},
                                     {"role": "assistant", "content": reply}]})
    diags = lint(synth.to_jsonl(records), select=["JL401", "JL402"])
    assert len(diags) <= 4, [d.message for d in diags]
    # The same slangy replies planted in a plain dataset are found (the rule is not simply off).
    plain, planted = synth.dataset(3, kinds=("slang_emoji",))
    found = lint(synth.to_jsonl(plain), select=["JL401", "JL402"])
    assert {d.record.index for d in found} >= set(planted)


def test_messages_state_record_and_dataset_in_numbers():
    records, planted = synth.dataset(0, base_format="json")
    diags = lint(synth.to_jsonl(records), select=["JL404"])
    prose = [d for d in diags if planted.get(d.record.index) == "prose" and d.message.startswith("plain prose")]
    assert prose, [d.message for d in diags]
    assert "of replies" in prose[0].message and "are JSON objects with keys answer, steps" in prose[0].message
    assert "%" in prose[0].message
    records, planted = synth.dataset(0)
    grade = [d for d in lint(synth.to_jsonl(records), select=["JL402"]) if "Flesch-Kincaid grade" in d.message]
    # The measure is named, and the reply is compared with replies to the same kind of task.
    assert grade and "this dataset's median for answers to open questions is" in grade[0].message
    assert "(p95 " in grade[0].message


def test_minimum_dataset_size_is_configurable():
    records, planted = synth.dataset(0, n=30, per_kind=1, kinds=("shouting", "language"))
    text = synth.to_jsonl(records)
    assert not lint(text, select=["JL4"])  # 32 records < default 50: quiet
    low = {"min-records": 20, "rare-share": 0.1}
    found = lint(text, select=["JL401", "JL406"], **{"rules": {"JL401": low, "JL406": low}})
    assert {d.code for d in found} == {"JL401", "JL406"}


def test_findings_point_at_the_marker():
    records, planted = synth.dataset(1, kinds=("rudeness",))
    text = synth.to_jsonl(records)
    lines = text.splitlines()
    for d in lint(text, select=["JL401"]):
        assert d.pointer == "/messages/2/content"
        line = lines[d.location.line - 1]
        excerpt = line[d.location.column - 1:d.end_location.column - 1].lower()
        assert excerpt and any(w in excerpt for w in ("stupid", "idiot", "yourself", "problem", "serious",
                                                      "brain", "time", "many times", "seriously")), excerpt


def _chat(reply, system=None, user="How do I reset my password?"):
    msgs = ([{"role": "system", "content": system}] if system is not None else [])
    return {"messages": msgs + [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]}


def test_system_prompt_drift_variants_missing_and_distinct():
    main = "You are the support assistant of Northwind Outfitters (policy v3). Answer clearly and politely."
    typo = main.replace("clearly", "clearley")
    skew = main.replace("v3", "v2")
    other = "Respond with a JSON object that has the keys answer and steps."
    plan = [main] * 80 + [typo] * 3 + [skew] * 6 + [None] * 5 + [other] * 6
    records = [_chat(f"Reply number {i}.", s) for i, s in enumerate(plan)]
    diags = lint(synth.to_jsonl(records), select=["JL407", "JL408"])
    drift = [d for d in diags if d.code == "JL407"]
    missing = [d for d in diags if d.code == "JL408"]
    assert len(missing) == 5 and "no system prompt; 95 of 100 examples (95%) have one" in missing[0].message
    variants = [d for d in drift if "near-identical" in d.message]
    assert len(variants) == 9
    assert any("'clearley' where it has 'clearly'" in d.message and "3 examples use this variant" in d.message
               for d in variants)
    assert any("'v2).' where it has 'v3).'; 6 examples use this variant" in d.message for d in variants)
    distinct = [d for d in drift if "distinct system prompts" in d.message]
    assert len(distinct) == 1 and "used by 6 of 95 examples" in distinct[0].message
    assert "80 ×" in distinct[0].message and distinct[0].related


def test_varied_system_prompts_stay_quiet():
    records = [_chat("Sure.", f"Today is day {i} of the year. You are a helpful assistant.") for i in range(60)]
    assert not lint(synth.to_jsonl(records), select=["JL407", "JL408"])


def test_schema_drift_extra_key_and_content_shape():
    rows = [{"instruction": f"Name item {i}.", "input": "", "output": f"Item {i}."} for i in range(100)]
    rows[40]["example_input"] = "x"
    rows[70] = {"instruction": "Name a river.", "output": "The Nile."}
    diags = lint(synth.to_jsonl(rows), select=["JL409"])
    assert [d.record.index for d in diags] == [40, 70]
    assert "extra keys example_input" in diags[0].message and diags[0].pointer == "/example_input"
    assert "missing keys input" in diags[1].message and "98 of 100" in diags[1].message


def test_parallel_run_gives_the_same_findings(tmp_path):
    records, planted = synth.dataset(2, n=600)
    path = tmp_path / "train.jsonl"
    path.write_text(synth.to_jsonl(records), encoding="utf-8")
    settings = settings_for(select=["JL4"])
    one = Engine(settings).run([str(path)], jobs=1).diagnostics
    two = Engine(settings).run([str(path)], jobs=2).diagnostics
    key = lambda d: (d.code, d.location.line, d.location.column, d.message)  # noqa: E731
    assert one and sorted(map(key, one)) == sorted(map(key, two))


def test_each_record_is_profiled_once(monkeypatch):
    from jsonl_lint.style import profile

    calls = {"profile": 0, "lang": 0}
    real_profile, real_detect = profile._profile, profile.language.detect

    def counting_profile(turns, *args):
        calls["profile"] += 1
        return real_profile(turns, *args)

    def counting_detect(text, *a, **kw):
        calls["lang"] += 1
        return real_detect(text, *a, **kw)

    monkeypatch.setattr(profile, "_profile", counting_profile)
    monkeypatch.setattr(profile.language, "detect", counting_detect)
    profile.PROFILES.clear()
    profile.LANGUAGES.clear()
    records, _ = synth.dataset(0, n=60, per_kind=1)
    text = synth.to_jsonl(records)
    first = lint(text, select=["JL4"])
    assert calls["profile"] == len(records)
    # The reply and the request, once per record for JL405 and JL406 together (a third call
    # only where the reply's language differs from the request's: the user's other text).
    detected = calls["lang"]
    assert 2 * len(records) <= detected <= 2 * len(records) + 2
    # Linting again (an editor re-lint after one record changed) reprofiles that record only.
    lines = text.splitlines(keepends=True)
    lines[3] = lines[3].replace("assistant\", \"content\": \"", "assistant\", \"content\": \"Well. ")
    second = lint("".join(lines), select=["JL4"])
    assert calls["profile"] == len(records) + 1 and calls["lang"] == detected + 2
    assert len(first) == len(second)


def test_jl405_alone_reads_only_the_replies_of_a_mostly_english_dataset(monkeypatch):
    """The default check runs JL405 without JL406: where English is the majority, no English
    reply can be reported, so the request's language is not detected (one call a record)."""
    from jsonl_lint.style import profile

    texts = []
    real_detect = profile.language.detect
    monkeypatch.setattr(profile.language, "detect", lambda text, *a, **kw: texts.append(text) or real_detect(text, *a, **kw))
    profile.LANGUAGES.clear()
    records, _ = synth.dataset(0, n=60, kinds=())
    assert not lint(synth.to_jsonl(records), select=["JL405"])
    assert texts == [r["messages"][-1]["content"] for r in records]  # the replies only, no user turn


def test_bad_input_never_raises():
    rows = ['{"messages": [{"role": "assistant", "content": "\\ud800 lone surrogate !!! \\ud83d"}]}',
            '{"messages": [{"role": "assistant", "content": 5}]}', '{"messages": "x"}', "not json", "[]",
            json.dumps(_chat("```json\n{\"a\": 1\n```")), json.dumps(_chat("<a>unclosed"))]
    lint("\n".join(rows * 10) + "\n", select=["JL4"], rules={c: {"min-records": 1} for c in
                                                              ("JL401", "JL402", "JL403", "JL404", "JL405")})


def test_lines_without_full_stops_are_not_one_endless_sentence():
    records, _ = synth.dataset(4, n=120, kinds=())
    poem = "\n".join(f"Verse line number {i} about the quiet sea and the wind over the water" for i in range(12))
    records.append(_chat(poem))
    diags = lint(synth.to_jsonl(records), select=["JL402"])
    assert not [d for d in diags if d.record.index == len(records) - 1], [d.message for d in diags]
    # The same words as one run-on sentence do read as a high grade: the check is not simply off.
    records[-1] = _chat(poem.replace("\n", " and ") + ". " + poem.replace("\n", " then ") + ". It ends here today.")
    diags = lint(synth.to_jsonl(records), select=["JL402"])
    assert [d for d in diags if d.record.index == len(records) - 1 and "Flesch-Kincaid grade" in d.message]


def test_markers_the_user_used_first_are_quoted_not_voice():
    records, _ = synth.dataset(6, n=120, kinds=())
    reply = "TBH stands for 'to be honest'. People write tbh or Tbh in chats, and lol means laughing out loud."
    records.append(_chat(reply, user="What do TBH and lol mean?"))
    assert not [d for d in lint(synth.to_jsonl(records), select=["JL402"]) if d.record.index == len(records) - 1]
    records[-1] = _chat(reply, user="Where is my order?")
    found = [d for d in lint(synth.to_jsonl(records), select=["JL402"]) if d.record.index == len(records) - 1]
    assert found and found[0].message.startswith("informal slang ('TBH'")


def test_tone_dimensions_by_column_equal_the_per_row_measures():
    """JL401's measures are computed for all rows at once from the table's columns; each
    must be the float the per-row definition gives (no words, no sentences included)."""
    import random

    from jsonl_lint.rules.consistency._common import Columns
    from jsonl_lint.rules.consistency.tone_outlier import DIMS, ToneRow
    from jsonl_lint.similarity.refs import RowTable
    from jsonl_lint.diagnostics import RecordRef

    per_row = {
        "emoji": lambda r: 100.0 * r.emoji / r.words if r.words else 0.0,
        "exclaim": lambda r: r.exclaim / max(r.sentences, 1),
        "caps": lambda r: 100.0 * r.caps_words / r.letters_words if r.letters_words else 0.0,
        "hostile": lambda r: float(r.hostile),
    }
    rng = random.Random(7)
    rows = [ToneRow("/messages/1/content", *(rng.choice((0, 1, 3, rng.randrange(10_000))) for _ in range(7)), {})
            for _ in range(2_000)]
    table = RowTable(ToneRow)
    for i, row in enumerate(rows):
        table.append((RecordRef("f.jsonl", i, i + 1, 1, 0, 1), row))
    columns = Columns(table)
    for dim in DIMS:
        assert dim.value(columns).tolist() == [per_row[dim.key](r) for r in rows], dim.key
        assert dim.count(columns).tolist() == [float(getattr(r, {"caps": "caps_words"}.get(dim.key, dim.key)))
                                               for r in rows], dim.key


def test_schema_signatures_through_the_shape_memo_equal_computed_ones():
    """JL409 looks a record's signature up by its shape: records that differ only in what the
    signature reads (content types, item keys, key sets, non-dict items) must not share one."""
    from collections import Counter

    import orjson

    from jsonl_lint.config import Settings
    from jsonl_lint.diagnostics import RecordRef
    from jsonl_lint.reader import Record
    from jsonl_lint.rule import Context
    from jsonl_lint.rules.consistency import schema_drift

    values = [{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]},
              {"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}]},
                            {"role": "assistant", "content": "b"}]},
              {"messages": [{"role": "user", "content": None}, {"role": "assistant", "content": "b"}]},
              {"messages": [{"role": "user", "content": "a", "weight": 1}, {"role": "assistant", "content": "b"}]},
              {"messages": [{"content": "a", "role": "user"}, {"role": "assistant", "content": "b"}]},
              {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}], "id": 3},
              {"messages": [{"role": "user", "content": "a"}, "b"]},
              {"messages": "a"},
              {"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": 2}]},
              {"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]}]
    records = [Record(RecordRef("f.jsonl", i, i + 1, 1, 0, 1), orjson.dumps(v).decode(), value=v)
               for i, v in enumerate(values * 2)]
    rule, ctx = schema_drift.SchemaDrift(), Context(Settings())

    def sigs(memo: bool) -> Counter:
        schema_drift._SIGNATURES.clear()
        state = rule.initial(ctx)
        for record in records:
            if not memo:
                schema_drift._SIGNATURES.clear()
            rule.collect(state, record, ctx)
        return Counter({sig: g[0] for sig, g in state["sigs"].items()})

    computed = sigs(memo=False)
    assert len(computed) == 8  # key order and a non-dict item make no other signature
    assert sigs(memo=True) == computed
