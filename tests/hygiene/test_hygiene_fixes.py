"""JL8xx fixes applied to raw text: the result is valid JSON with exactly the intended change."""

from __future__ import annotations

import json

from helpers import lint
from jsonl_lint.fixer import apply_fixes


def _fixed(text: str, code: str, filename: str = "train.jsonl") -> tuple[str, list]:
    diags = [d for d in lint(text, [code], filename=filename) if d.code == code]
    fixes = [d.fix for d in diags if d.fix is not None]
    result = apply_fixes(text.encode("utf-8"), fixes, json_array=filename.endswith(".json"))
    return result.data.decode("utf-8"), diags


def _fixed_all(text: str, code: str, unsafe: bool) -> tuple[str, list]:
    diags = [d for d in lint(text, [code]) if d.code == code]
    fixes = [d.fix for d in diags if d.fix is not None and (unsafe or d.fix.applicability.value == "safe")]
    return apply_fixes(text.encode("utf-8"), fixes).data.decode("utf-8"), diags


def test_control_characters_are_stripped_across_escapes():
    record = {"messages": [{"role": "user", "content": "a\u0000b"},
                           {"role": "assistant", "content": "Hé\u0007 llo \"q\" \u001b[0m!\tok"}]}
    text = json.dumps(record) + "\n"
    fixed, diags = _fixed(text, "JL804")
    assert len(diags) == 2 and all(d.fix.applicability.value == "safe" for d in diags)
    value = json.loads(fixed)
    assert value["messages"][0]["content"] == "ab"
    assert value["messages"][1]["content"] == 'Hé llo "q" [0m!\tok'
    assert not [d for d in lint(fixed, ["JL804"]) if d.code == "JL804"]


def test_c1_characters_are_deleted_only_by_an_unsafe_fix():
    text = '{"text": "caf\u0085e"}\n'  # a raw C1 character (valid JSON, not escaped) ftfy cannot re-decode
    diags = [d for d in lint(text, ["JL804"]) if d.code == "JL804"]
    assert len(diags) == 1 and diags[0].fix.applicability.value == "unsafe"
    assert _fixed_all(text, "JL804", unsafe=False)[0] == text
    assert json.loads(_fixed_all(text, "JL804", unsafe=True)[0]) == {"text": "cafe"}


def test_mojibake_is_re_decoded_not_deleted():
    """The audit's two cases: Latin-1 mojibake of an em dash (with C1 controls) and of "É"."""
    record = {"messages": [{"role": "user", "content": "Ã\u0089poque?"},
                           {"role": "assistant", "content": "the Heart of the Ocean â\u0080\u0094 in her possession, "
                                                            "donâ€™t"}]}
    for ensure_ascii in (True, False):
        text = json.dumps(record, ensure_ascii=ensure_ascii) + "\n"
        assert not [d for d in lint(text, ["JL804"]) if d.code == "JL804"]  # not deleted as controls
        diags = [d for d in lint(text, ["JL809"]) if d.code == "JL809"]
        assert [d.fix.applicability.value for d in diags] == ["unsafe", "unsafe"]
        assert _fixed_all(text, "JL809", unsafe=False)[0] == text
        value = json.loads(_fixed_all(text, "JL809", unsafe=True)[0])
        assert value["messages"][0]["content"] == "Époque?"
        assert value["messages"][1]["content"] == "the Heart of the Ocean — in her possession, don’t"


def test_swallowed_backslash_is_restored():
    """JSON text "\frac" decodes to a form feed and "rac"; the fix writes "\\frac" back."""
    text = r'{"instruction": "Solve", "input": "", "output": "buy \\(\frac{y - 19}{x}\\) CDs, $\beta$ and \u000bec"}' + "\n"
    assert json.loads(text)["output"] == "buy \\(\x0crac{y - 19}{x}\\) CDs, $\x08eta$ and \x0bec"
    assert not [d for d in lint(text, ["JL804"]) if d.code == "JL804"]
    fixed, diags = _fixed(text, "JL808")
    assert len(diags) == 1 and diags[0].fix.applicability.value == "safe"
    assert fixed == r'{"instruction": "Solve", "input": "", "output": "buy \\(\\frac{y - 19}{x}\\) CDs, $\\beta$ and \\vec"}' + "\n"
    assert json.loads(fixed)["output"] == r"buy \(\frac{y - 19}{x}\) CDs, $\beta$ and \vec"
    assert not lint(fixed, ["JL804", "JL808"])


def test_swallowed_path_separators_are_restored_by_an_unsafe_fix():
    text = json.dumps({"instruction": "Where?", "input": "", "output": "Open C:\temp\new.txt now"}) + "\n"
    diags = [d for d in lint(text, ["JL808"]) if d.code == "JL808"]
    assert len(diags) == 1 and diags[0].fix.applicability.value == "unsafe"
    assert json.loads(_fixed_all(text, "JL808", unsafe=True)[0])["output"] == "Open C:\\temp\\new.txt now"


def test_placeholder_input_becomes_empty():
    text = '{"instruction": "Write a haiku.", "input": "<noinput>", "output": "Rain."}\n'
    fixed, _ = _fixed(text, "JL802")
    assert json.loads(fixed) == {"instruction": "Write a haiku.", "input": "", "output": "Rain."}


def test_placeholder_input_fix_in_json_array():
    data = [{"instruction": "A", "input": "No input", "output": "x"}, {"instruction": "B", "input": "", "output": "y"}]
    text = json.dumps(data, indent=2)
    fixed, diags = _fixed(text, "JL802", "train.json")
    assert len(diags) == 1
    assert json.loads(fixed)[0]["input"] == "" and json.loads(fixed)[1] == data[1]


def test_merged_tail_is_cut_with_its_separator():
    record = {"instruction": "Name a color.", "input": "",
              "output": "Red is a \"primary\" color.\n##\n2. Instruction: Name a fruit.\n2. Input:\n<noinput>\n2. Output:\nApple."}
    text = json.dumps(record) + "\n"
    diags = [d for d in lint(text, ["JL805"]) if d.code == "JL805"]
    assert diags and diags[0].fix.applicability.value == "unsafe"
    fixed = apply_fixes(text.encode(), [diags[0].fix]).data.decode()
    assert json.loads(fixed)["output"] == "Red is a \"primary\" color."


def test_empty_answer_fix_deletes_the_record():
    text = ('{"instruction": "A", "input": "", "output": "ok"}\n'
            '{"instruction": "B", "input": "", "output": "N/A"}\n'
            '{"instruction": "C", "input": "", "output": "fine"}\n')
    diags = [d for d in lint(text, ["JL801"]) if d.code == "JL801"]
    fixed = apply_fixes(text.encode(), [d.fix for d in diags]).data.decode()
    assert [json.loads(line)["instruction"] for line in fixed.splitlines()] == ["A", "C"]
