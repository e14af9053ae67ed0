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


def test_control_characters_are_stripped_across_escapes():
    record = {"messages": [{"role": "user", "content": "a\u0000b"},
                           {"role": "assistant", "content": "Hé\u0007llo \"q\" \u001b[0m\u0085!\tok"}]}
    text = json.dumps(record) + "\n"
    fixed, diags = _fixed(text, "JL804")
    assert len(diags) == 2
    value = json.loads(fixed)
    assert value["messages"][0]["content"] == "ab"
    assert value["messages"][1]["content"] == 'Héllo "q" [0m!\tok'
    assert not [d for d in lint(fixed, ["JL804"]) if d.code == "JL804"]


def test_control_characters_raw_c1_without_escapes():
    text = '{"text": "caf\u0085e"}\n'  # a raw C1 character (valid JSON, not escaped)
    fixed, diags = _fixed(text, "JL804")
    assert len(diags) == 1 and json.loads(fixed) == {"text": "cafe"}


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
