"""--diff-base REV: only findings on records added or changed since REV, while dataset
rules still see every record; plus the budget line."""

from __future__ import annotations

import io
import json
import os
import subprocess

import pytest

from jsonl_lint.cli import main
from jsonl_lint.gitdiff import compare, record_texts
from jsonl_lint.registry import builtin_rules

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def chat(q, a):
    return json.dumps({"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]})


NOTE = ("Write a short thank-you note to Maria for the birthday gift she sent me last week.",
        "Dear Maria, thank you so much for the lovely birthday gift you sent last week. It made my day "
        "and I will think of you every time I use it. With love.")
NEAR = (NOTE[0].replace("Maria", "Anna"), NOTE[1].replace("Maria", "Anna"))
OLD_BAD = '{"messages": [{"role": "user", "content": "old and broken"'
NEW_BAD = '{"messages": [{"role": "user", "content": "new and broken"'


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True, capture_output=True).stdout


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    git(tmp_path, "init", "-q")
    (tmp_path / "train.jsonl").write_text("\n".join([
        chat("What is 2+2?", "4"), OLD_BAD, chat(*NOTE), chat("Capital of France?", "Paris")]) + "\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "old dataset")
    # the change: a record inserted at the top (every old line moves down), an old record
    # moved, a new broken line, and a near duplicate of an old record
    (tmp_path / "train.jsonl").write_text("\n".join([
        chat("Say hello in French.", "Bonjour !"), chat("Capital of France?", "Paris"), chat("What is 2+2?", "4"),
        OLD_BAD, chat(*NOTE), NEW_BAD, chat(*NEAR)]) + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def codes_and_lines(out: str) -> list[tuple[str, int]]:
    found = []
    for line in out.splitlines():
        if line.startswith("train.jsonl:"):
            _, ln, _, rest = line.split(":", 3)
            found.append((rest.split()[0], int(ln)))
    return found


def test_without_diff_base_old_problems_are_reported(repo):
    code, out, _ = cli("check", "--isolated", "--select", "JL001", "--output-format", "concise", "train.jsonl")
    assert codes_and_lines(out) == [("JL001", 4), ("JL001", 6)]


def test_only_new_problems_are_reported(repo):
    code, out, err = cli("check", "--isolated", "--select", "JL001", "--output-format", "concise",
                         "--diff-base", "HEAD", "train.jsonl")
    assert codes_and_lines(out) == [("JL001", 6)], out + err
    assert code == 1
    assert "Found 1 error" in out


@pytest.mark.skipif("near-duplicate" not in {r.name for r in builtin_rules()}, reason="JL303 not available")
def test_dataset_rules_still_see_old_records(repo):
    # the near duplicate is new, the record it copies is old and unchanged: still reported
    code, out, err = cli("check", "--isolated", "--select", "JL303", "--output-format", "concise",
                         "--diff-base", "HEAD", "train.jsonl")
    assert codes_and_lines(out) == [("JL303", 7)], out + err


def test_a_new_exact_copy_of_an_old_record_is_new(tmp_path, monkeypatch):
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fix"))
    from fixrules import TEST_RULES
    from jsonl_lint import registry

    monkeypatch.setattr(registry, "all_rules", lambda settings=None: registry.builtin_rules() + TEST_RULES)
    git(tmp_path, "init", "-q")
    a, b = chat("a", "b"), chat("c", "d")
    (tmp_path / "train.jsonl").write_text(f"{a}\n{b}\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "old")
    (tmp_path / "train.jsonl").write_text(f"{a}\n{b}\n{a}\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("check", "--isolated", "--select", "JLT02", "--output-format", "concise",
                       "--diff-base", "HEAD", "train.jsonl")
    assert codes_and_lines(out) == [("JLT02", 3)]


def test_untracked_files_are_all_new(repo):
    (repo / "extra.jsonl").write_text(OLD_BAD + "\n")
    code, out, _ = cli("check", "--isolated", "--select", "JL001", "--output-format", "concise",
                       "--diff-base", "HEAD", "train.jsonl", "extra.jsonl")
    assert "extra.jsonl:1:" in out and codes_and_lines(out) == [("JL001", 6)]


def test_budget_line(repo):
    from jsonl_lint.formats import normalize
    from jsonl_lint.tokens.counting import ExampleCounter
    from jsonl_lint.tokens.encodings import load_counter

    counter = ExampleCounter(load_counter("o200k_base"))
    new = [chat("Say hello in French.", "Bonjour !"), chat(*NEAR)]  # the broken line is no example
    tokens = sum(counter.example(normalize(json.loads(t))).total for t in new)
    code, out, _ = cli("check", "--isolated", "--select", "JL001", "--model", "gpt-4o-mini",
                       "--diff-base", "HEAD", "train.jsonl")
    cost = tokens * 3.0 / 1e6
    assert (f"Budget since HEAD: this change adds 2 examples, +{tokens:,} tokens, +${cost:.4f} estimated training "
            f"cost; gpt-4o-mini-2024-07-18 at $3/1M training tokens, per epoch") in out


def test_budget_line_for_removals(repo):
    (repo / "train.jsonl").write_text(chat("What is 2+2?", "4") + "\n")
    code, out, _ = cli("check", "--isolated", "--select", "JL001", "--diff-base", "HEAD", "train.jsonl")
    assert "this change removes 2 examples, -" in out and "estimated training cost" in out


def test_budget_goes_to_stderr_with_machine_formats(repo):
    code, out, err = cli("check", "--isolated", "--select", "JL001", "--output-format", "json",
                         "--diff-base", "HEAD", "train.jsonl")
    json.loads(out)
    assert "Budget since HEAD" in err


def test_files_outside_the_repository_are_new(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "other.jsonl"
    outside.write_text(OLD_BAD + "\n")
    code, out, err = cli("check", "--isolated", "--select", "JL001", "--output-format", "concise",
                         "--diff-base", "HEAD", "train.jsonl", str(outside))
    assert code == 1 and f"{outside}:1:" in out and codes_and_lines(out) == [("JL001", 6)], err


def test_unknown_revision_is_a_usage_error(repo):
    code, _, err = cli("check", "--isolated", "--diff-base", "no-such-rev", "train.jsonl")
    assert code == 2 and "'no-such-rev' is not a commit" in err


def test_outside_a_git_repository(tmp_path, monkeypatch):
    (tmp_path / "t.jsonl").write_text(chat("a", "b") + "\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _, err = cli("check", "--isolated", "--diff-base", "HEAD", "t.jsonl")
    assert code == 2 and "--diff-base: git rev-parse failed" in err


def test_compare_matches_by_content_including_json_arrays():
    a, b, c = chat("a", "b"), chat("c", "d"), chat("e", "f")
    before = f"[\n  {a},\n  {b}\n]\n".encode()
    after = f"[\n  {b},\n  {c},\n  {a}\n]\n".encode()
    assert record_texts(after, "x.json") == [t.encode() for t in (b, c, a)]
    change = compare("x.json", before, after)
    assert change.changed == {1} and change.added == [c.encode()] and change.removed == []
    # JSONL: a changed line ending makes the line changed
    change = compare("x.jsonl", f"{a}\n{b}\n".encode(), f"{a}\r\n{b}\n".encode())
    assert change.changed == {0} and change.removed == [f"{a}\n".encode()]
