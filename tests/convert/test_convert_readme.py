"""The README's targets matrix and its migration (targets, convert, targets again) are real
output: they are run here on a copy of examples/support-chat.jsonl and must match the README."""

from __future__ import annotations

import io
import re
import shutil

import pytest

from helpers import REPO
from jsonl_lint.cli import main


BLOCKS = ("$ jsonl-lint targets examples/support-chat.jsonl --target openai,azure-openai,together,trl,bedrock-nova",
          "$ jsonl-lint targets examples/support-chat.jsonl --target together,bedrock-nova,vertex-gemini")


def readme_block(first_line: str = BLOCKS[1]) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(first_line)
    return text[start:text.index("```", start)]


def run_block(block: str, cwd) -> str:
    out = []
    for line in block.splitlines():
        if not line.startswith("$ jsonl-lint "):
            continue
        args = line[len("$ jsonl-lint "):].split() + ["--isolated"]
        stream = io.StringIO()
        main(args, out=stream, err=stream)
        out.append(line + "\n" + stream.getvalue())
    return "".join(out)


@pytest.mark.parametrize("first_line", BLOCKS, ids=["targets", "migration"])
def test_readme_migration_is_what_the_commands_print(tmp_path, monkeypatch, first_line):
    (tmp_path / "examples").mkdir()
    shutil.copy(REPO / "examples" / "support-chat.jsonl", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    block = readme_block(first_line)
    printed = run_block(block, tmp_path)
    assert re.sub(r"[ \t]+\n", "\n", printed) == re.sub(r"[ \t]+\n", "\n", block)
