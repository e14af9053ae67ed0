"""JL8xx rules find the defects the corpora README documents (skipped without corpora)."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from helpers import corpus, settings_for
from jsonl_lint.engine import lint_paths

CODES = ["JL801", "JL802", "JL803", "JL804", "JL805", "JL806", "JL807", "JL808", "JL809"]


def _by_code(path) -> dict[str, list]:
    report = lint_paths([str(path)], settings_for(CODES), jobs=1)
    out: dict[str, list] = defaultdict(list)
    for d in report.diagnostics:
        out[d.code].append(d)
    return out


@pytest.mark.slow
def test_alpaca_5000_known_defects():
    path = corpus("alpaca", "alpaca_5000.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    found = _by_code(path)
    indexes = lambda code: {d.record.index for d in found[code]}  # noqa: E731
    # 2 empty outputs (README), plus "<nooutput>" / "No Output" placeholders.
    empty = {i for i, r in enumerate(data) if not r["output"].strip()}
    assert len(empty) == 2 and empty <= indexes("JL801")
    # 54 placeholder inputs ("No input", "<noinput>", ...): all found, nothing else.
    assert len(indexes("JL802")) >= 54
    assert all(len(data[i]["input"]) < 25 for i in indexes("JL802"))
    # 4 outputs with a merged "N. Instruction:" tail.
    merged = {i for i, r in enumerate(data) if ". Instruction:" in r["output"]}
    assert len(merged) == 4 and indexes("JL805") == merged
    assert all(d.fix is not None for d in found["JL805"])
    # 31 inputs with URLs the model cannot open: most are reported.
    with_url = {i for i, r in enumerate(data) if "http" in r["input"] or "www." in r["input"]}
    assert len(indexes("JL806") & with_url) >= 0.75 * len(with_url)
    # Leaked <noinput> markers inside outputs of merged records.
    assert merged & indexes("JL803")


@pytest.mark.slow
def test_llamafactory_placeholders():
    # identity data: one unrendered template, one finding (not 137 for 91 records)
    identity = _by_code(corpus("llamafactory", "identity.json"))
    assert len(identity["JL803"]) == 1
    d = identity["JL803"][0]
    assert '"{{name}}" and "{{author}}" are left unfilled in 85 of 91 examples' in d.message and len(d.related) == 4
    sft = _by_code(corpus("llamafactory", "v1_sft_demo.jsonl"))
    assert [d.message.split(" are left")[0] for d in sft["JL803"]] == ['"{{name}}" and "{{author}}"']
    demo = _by_code(corpus("llamafactory", "alpaca_en_demo.json"))
    assert len(demo["JL802"]) == 7  # README: 7 placeholder inputs
    assert all(d.fix is not None for d in demo["JL802"])
    # the requested customer-service template, stage directions and code syntax are not placeholders
    assert not demo["JL803"] and not _by_code(corpus("llamafactory", "kto_en_demo.json"))["JL803"]
    dpo = _by_code(corpus("llamafactory", "dpo_en_demo.json"))
    assert [d.pointer for d in dpo["JL803"]] == ["/rejected/value"]  # "[Insert Blog Post 1]" instead of posts
    # a LaTeX \frac written as "\frac" in JSON is restored, mojibake is re-decoded, nothing is deleted
    assert [d.message.split(" lost")[0] for d in dpo["JL808"]] == ['"\\frac"']
    assert dpo["JL808"][0].fix.applicability.value == "safe"
    assert {d.record.index for d in dpo["JL809"]} and not dpo["JL804"]


@pytest.mark.slow
def test_clean_corpora_stay_quiet():
    for parts in (("anthropic-cookbook", "json_mode_dataset.jsonl"), ("alpaca-cleaned", "gsm_8k_train.json")):
        found = _by_code(corpus(*parts))
        assert sum(len(v) for v in found.values()) == 0, {k: [d.message for d in v[:3]] for k, v in found.items()}


@pytest.mark.slow
def test_glaive_refusal_share_is_reported_on_a_refusal():
    found = _by_code(corpus("llamafactory", "glaive_toolcall_en_demo.json"))
    assert len(found["JL807"]) == 1
    d = found["JL807"][0]
    assert d.pointer and "answer with a refusal" in d.message and len(d.related) == 4
