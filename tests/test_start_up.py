"""What a small check skips at start-up, and that skipping it changes nothing."""

from __future__ import annotations

import gc
import io
import os
import subprocess
import sys

import pytest
from pydantic import BaseModel, model_validator

from helpers import REPO
from jsonl_lint.cli import main
from jsonl_lint.registry import builtin_rules
from jsonl_lint.rule import Options, default_options


def _modules_after(args: list[str], prefix: str, env: dict | None = None) -> list[str]:
    """The modules named ``prefix``... that ``jsonl-lint ARGS`` imported, in a new process."""
    code = ("import sys\nfrom jsonl_lint.cli import main\nmain(sys.argv[1:])\n"
            f"print(sorted(m for m in sys.modules if m.startswith({prefix!r})))")
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                          cwd=REPO, env=env)
    return eval(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize("args, modules", [
    (["check", "--help"], ["jsonl_lint.commands._common", "jsonl_lint.commands.check"]),
    (["--version"], []),
])
def test_a_command_named_as_its_module_imports_no_other_command(args, modules):
    assert _modules_after(args, "jsonl_lint.commands.") == modules


def test_version_does_not_list_the_command_modules():
    assert _modules_after(["--version"], "inspect") == []  # pkgutil's module listing imports it


def test_commands_not_named_as_a_module_and_file_arguments_still_work():
    out = io.StringIO()
    assert main(["rule", "JL104"], out=out) == 0 and out.getvalue().startswith("# JL104 unknown-role")
    out = io.StringIO()
    assert main([str(REPO / "examples" / "support-chat.jsonl"), "--select", "JL104", "--isolated"], out=out) == 1
    assert "JL104" in out.getvalue()


def test_default_options_equal_validated_ones_without_building_a_validator():
    checked = 0
    for rule in builtin_rules():
        options = default_options(rule.Options)
        assert options == rule.Options.model_validate({}), rule.code
        assert options.model_fields_set == set() and hash(options) == hash(rule.Options.model_validate({}))
        checked += 1
    assert checked > 50


def test_default_options_of_a_fresh_class_leave_its_validator_unbuilt_unless_it_has_validators():
    class Plain(Options):
        limit: int = 3

    class Checked(Options):
        limit: int = 3

        @model_validator(mode="after")
        def _seen(self):
            seen.append(self.limit)
            return self

    seen: list[int] = []
    assert default_options(Plain).limit == 3 and not Plain.__pydantic_complete__
    assert default_options(Checked).limit == 3 and seen == [3]  # its validator ran
    assert issubclass(Plain, BaseModel) and Plain.model_validate({"limit": 4}).limit == 4


def test_a_check_in_its_own_process_keeps_openblas_to_one_thread_unless_the_user_chose(tmp_path, monkeypatch):
    from jsonl_lint.commands import check

    (tmp_path / "train.jsonl").write_text('{"messages": [{"role": "user", "content": "Hi"}, '
                                          '{"role": "assistant", "content": "Hello!"}]}\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(check, "_own_process", lambda: True)
    try:
        for preset, expected in ((None, "1"), ("4", "4")):
            if preset is None:
                monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
            else:
                monkeypatch.setenv("OPENBLAS_NUM_THREADS", preset)
            assert main(["check", "train.jsonl", "--isolated", "--exit-zero"], io.StringIO(), io.StringIO()) == 0
            assert os.environ["OPENBLAS_NUM_THREADS"] == expected
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_expected_hash_of_an_encoding_is_remembered_without_importing_tiktoken(tmp_path):
    from jsonl_lint.tokens import encodings

    env = dict(os.environ, JSONL_LINT_CACHE_DIR=str(tmp_path))
    code = ("import sys\nfrom jsonl_lint.tokens import encodings\n"
            "print(encodings.expected_hash('o200k_base'), 'tiktoken' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
                           ).stdout.split() for _ in range(2)]
    reference = encodings._constructor_hash("o200k_base")
    assert reference and runs == [[reference, "True"], [reference, "False"]]
    for entry in tmp_path.iterdir():  # a damaged entry is not read: tiktoken's constructor says again
        entry.write_bytes(entry.read_bytes()[:-1] + b"0")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
                          ).stdout.split() == [reference, "True"]


def test_style_patterns_compile_only_for_texts_that_may_match():
    from jsonl_lint.config import load_settings
    from jsonl_lint.engine import lint_text

    # No text of the example has a literal of the shipped style's patterns: none is compiled.
    assert _modules_after(["check", "examples/support-chat.jsonl"], "regex") == []
    text = ('{"messages": [{"role": "user", "content": "Is Paris nice?"}, '
            '{"role": "assistant", "content": "As an AI language model, I cannot say."}]}\n')
    assert "AIB001" in [d.code for d in lint_text(text, "train.jsonl", load_settings(isolated=True))]


_WARM_AND_COMPILE = r"""
import re, sys
from re import _compiler
from jsonl_lint import regex_cache
warmed = regex_cache.warm()
compiled = []
real = _compiler.compile
_compiler.compile = lambda p, flags=0: compiled.append(p) or real(p, flags)
for p, flags in (("(?P<word>\\b\\w+)\\s+(?P=word)", re.I), ("[a-z0-9_\\u0080-\\U0010ffff]+", 0), ("x+", re.I)):
    re.compile(p, flags)
print(warmed >= 3, len(compiled))
"""


def test_patterns_compiled_by_an_earlier_run_come_from_the_user_cache(tmp_path):
    env = dict(os.environ, JSONL_LINT_CACHE_DIR=str(tmp_path))

    def run() -> list[str]:
        return subprocess.run([sys.executable, "-c", _WARM_AND_COMPILE], capture_output=True, text=True, check=True,
                              env=env).stdout.split()

    assert run() == ["False", "3"]  # nothing cached yet: compiled, and remembered at exit
    assert run() == ["True", "0"]  # none compiled again
    for entry in tmp_path.iterdir():  # a damaged entry is not read
        entry.write_bytes(entry.read_bytes()[:-1] + b"0")
    assert run() == ["False", "3"]


def test_a_pattern_built_from_its_cached_code_equals_a_fresh_compile(tmp_path, monkeypatch):
    import marshal
    import re
    from re import _compiler

    from jsonl_lint import cache, regex_cache

    found = regex_cache._internals()
    if found is None:
        pytest.skip("re internals this cache is not written for")
    _store, _limit, parser, compiler, sre = found
    texts = ["Hello hello world", "naïve café 東京 x_1 X", "aaa AAA", ""]
    patterns = [(r"(?P<word>\b\w+)\s+(?P=word)", re.I), (r"[a-z0-9_\u0080-\U0010ffff]+", 0), (r"(?i:a+)|(b)", 0),
                (r"^\s*(?:#|//).*$", re.M)]
    monkeypatch.setenv("JSONL_LINT_CACHE_DIR", str(tmp_path))
    rows = [regex_cache._row(p, int(flags), parser, compiler) for p, flags in patterns]
    cache.store(regex_cache._entry(sre), marshal.dumps(rows))
    for row, (p, flags) in zip(rows, patterns):
        built = sre.compile(*row[:1], *row[2:])
        fresh = _compiler.compile(p, flags)
        assert (built.pattern, built.flags, built.groups, built.groupindex) == (
            fresh.pattern, fresh.flags, fresh.groups, fresh.groupindex)
        assert [m.span() for t in texts for m in built.finditer(t)] == [m.span() for t in texts for m in fresh.finditer(t)]


def test_only_jsonl_lints_own_process_warms_the_pattern_cache(monkeypatch):
    from jsonl_lint import cli, regex_cache

    calls = []
    monkeypatch.setattr(regex_cache, "warm", lambda: calls.append(1) or 0)
    assert main(["rules"], io.StringIO(), io.StringIO()) == 0 and calls == []
    monkeypatch.setattr(cli, "own_process", lambda: True)
    assert main(["rules"], io.StringIO(), io.StringIO()) == 0 and calls == [1]


def test_a_full_pattern_entry_keeps_what_the_run_compiled_and_used_before_what_it_did_not(tmp_path, monkeypatch):
    import marshal

    from jsonl_lint import cache, regex_cache

    found = regex_cache._internals()
    if found is None:
        pytest.skip("re internals this cache is not written for")
    _store, _limit, parser, compiler, sre = found
    monkeypatch.setenv("JSONL_LINT_CACHE_DIR", str(tmp_path))
    rows = {p: regex_cache._row(p, 0, parser, compiler) for p in ("a+", "b+", "c+", "d+")}
    store: dict = {}
    warmed = {}
    for p in ("a+", "b+", "c+"):  # warmed from the entry, oldest first
        store[regex_cache._key(rows[p])] = warmed[regex_cache._key(rows[p])] = sre.compile(*rows[p][:1], *rows[p][2:])
    known = {regex_cache._key(rows[p]): rows[p] for p in ("c+", "b+", "a+")}  # the rows last needed first
    held = store[regex_cache._key(rows["a+"])]  # the run used the oldest one: a module kept it
    store[regex_cache._key(rows["d+"])] = sre.compile(*rows["d+"][:1], *rows["d+"][2:])  # compiled by the run
    regex_cache._remember(store, known, warmed, "entry", 2, parser, compiler)
    assert held is not None and [r[0] for r in marshal.loads(cache.load("entry"))] == ["a+", "d+"]
