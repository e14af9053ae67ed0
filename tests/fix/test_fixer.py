"""--fix, --unsafe-fixes and --diff: exact bytes, atomic writes, conflicts."""

from __future__ import annotations

import io
import os
import stat

import pytest

from fixrules import pack_for
from helpers import settings_for
from jsonl_lint import fixer
from jsonl_lint.cli import main
from jsonl_lint.diagnostics import Applicability, Edit, RecordRef, ResolvedFix
from jsonl_lint.engine import Engine

CHAT = '{"messages": [{"role": "user", "content": "%s"}, {"role": "assistant", "content": "%s"}]}'
FILE_RULES = ["JL003", "JL004", "JL007"]


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def fix_bytes(tmp_path, data: bytes, name="train.jsonl", unsafe=False, select=("JLT01", "JLT02", *FILE_RULES)):
    path = tmp_path / name
    path.write_bytes(data)
    settings = settings_for(select)
    engine = Engine(settings, pack_for(settings))
    files = [str(path)]
    result = fixer.fix_files(engine, files, engine.run(files), unsafe=unsafe)
    assert result.write() == {}
    return path.read_bytes(), result


# -- the built-in file fixes through the CLI -----------------------------------------------

def test_cli_fix_bom_crlf_blank_lines_exact_bytes(tmp_path):
    a, b, c = (CHAT % (q, r) for q, r in (("a", "b"), ("c", "d"), ("e", "f")))
    data = ("\ufeff" + a + "\r\n\n" + b + "\n" + c + "\n\n").encode()
    path = tmp_path / "train.jsonl"
    path.write_bytes(data)
    code, out, err = cli("check", "--isolated", "--select", ",".join(FILE_RULES), "--fix", str(path))
    assert path.read_bytes() == (a + "\n" + b + "\n" + c + "\n").encode()
    assert "Fixed 4 findings in 1 file." in out
    assert code == 0, out + err
    # a second run has nothing left to do
    before = os.stat(path).st_mtime_ns
    code, out, err = cli("check", "--isolated", "--select", ",".join(FILE_RULES), "--fix", str(path))
    assert code == 0 and "Fixed" not in out
    assert os.stat(path).st_mtime_ns == before


def test_check_without_fix_never_writes(tmp_path):
    path = tmp_path / "train.jsonl"
    data = b"\xef\xbb\xbf" + (CHAT % ("a", "b")).encode() + b"\n\n"
    path.write_bytes(data)
    code, out, _ = cli("check", "--isolated", "--select", "JL003,JL004", str(path))
    assert code == 1 and "fixable with `jsonl-lint check --fix`" in out
    assert path.read_bytes() == data


def test_diff_prints_and_writes_nothing(tmp_path):
    path = tmp_path / "train.jsonl"
    a = CHAT % ("a", "b")
    data = (a + "\r\n" + a + "\n" + a + "\n\n").encode()
    path.write_bytes(data)
    code, out, err = cli("check", "--isolated", "--select", "JL003,JL007", "--diff", str(path))
    assert code == 1
    assert path.read_bytes() == data
    assert out.startswith(f"--- a/{path}\n+++ b/{path}\n")
    assert f"-{a}\\r\n" in out and f"+{a}\n" in out  # the CRLF -> LF change is visible
    assert "\n-\n" in out  # the blank line goes
    assert "Would fix 2 findings in 1 file." in err
    path.write_bytes((a + "\n").encode())
    assert cli("check", "--isolated", "--select", "JL003,JL007", "--diff", str(path))[0] == 0


# -- multi-edit, non-ASCII and escaped text ---------------------------------------------------

def test_trim_fix_maps_code_points_and_escapes_to_bytes(tmp_path):
    raw = '{"messages": [{"role": "user", "content": "  h\u00e9llo \U0001F600 \\n"}, {"role": "assistant", "content": "\\u00e9t\u00e9 "}]}'
    fixed, result = fix_bytes(tmp_path, (raw + "\n").encode())
    assert fixed.decode() == '{"messages": [{"role": "user", "content": "h\u00e9llo \U0001F600"}, ' \
                             '{"role": "assistant", "content": "\\u00e9t\u00e9"}]}\n'
    assert result.total_applied == 2


def test_untouched_records_keep_their_exact_bytes(tmp_path):
    odd = '{ "messages" :[{"content":"x\\u0041","role":"user"} , {"role":"assistant","content":"y"}] }'
    data = (odd + "\n" + CHAT % (" pad", "ok") + "\n" + odd + "\r\n").encode()
    fixed, _ = fix_bytes(tmp_path, data, select=("JLT01",))
    lines = fixed.split(b"\n")
    assert lines[0] == odd.encode() and lines[2] == odd.encode() + b"\r"
    assert lines[1] == (CHAT % ("pad", "ok")).encode()


# -- unsafe fixes and whole-record deletion ---------------------------------------------------

def test_unsafe_fix_needs_the_flag(tmp_path):
    a, b = CHAT % ("a", "b"), CHAT % ("c", "d")
    data = f"{a}\n{b}\n{a}\n".encode()
    fixed, result = fix_bytes(tmp_path, data)
    assert fixed == data and result.total_applied == 0
    fixed, result = fix_bytes(tmp_path, data, unsafe=True)
    assert fixed == f"{a}\n{b}\n".encode() and result.total_applied == 1


def test_cli_reports_hidden_unsafe_fixes(tmp_path, monkeypatch):
    from jsonl_lint import registry
    from fixrules import TEST_RULES

    monkeypatch.setattr(registry, "all_rules", lambda settings=None: registry.builtin_rules() + TEST_RULES)
    path = tmp_path / "train.jsonl"
    a = CHAT % ("a", "b")
    path.write_text(f"{a}\n{a}\n")
    code, out, _ = cli("check", "--isolated", "--select", "JLT02", "--fix", str(path))
    assert "1 more fix available with `--fix --unsafe-fixes`." in out
    assert path.read_text() == f"{a}\n{a}\n"
    code, out, _ = cli("check", "--isolated", "--select", "JLT02", "--fix", "--unsafe-fixes", str(path))
    assert path.read_text() == f"{a}\n" and code == 0


@pytest.mark.parametrize("before, after", [
    # last copy: the separating comma before it goes
    ('[\n  {A},\n  {B},\n  {A}\n]\n', '[\n  {A},\n  {B}\n]\n'),
    # a copy in the middle: its comma and the whitespace after it go
    ('[{A}, {A}, {B}]', '[{A}, {B}]'),
    # two copies next to each other: the second deletion overlaps the first, and the re-lint finishes it
    ('[\n{A},\n{A},\n{A},\n{B}\n]', '[\n{A},\n{B}\n]'),
])
def test_json_array_record_deletion(tmp_path, before, after):
    a, b = CHAT % ("a", "b"), CHAT % ("c", "d")
    sub = lambda s: s.replace("{A}", a).replace("{B}", b)  # noqa: E731
    fixed, _ = fix_bytes(tmp_path, sub(before).encode(), name="train.json", unsafe=True)
    assert fixed.decode() == sub(after)


def test_jsonl_deletion_of_last_line_without_newline(tmp_path):
    a = CHAT % ("a", "b")
    fixed, _ = fix_bytes(tmp_path, f"{a}\r\n{a}".encode(), unsafe=True, select=("JLT02",))
    assert fixed == f"{a}\r\n".encode()


# -- the pass mechanics ---------------------------------------------------------------------

def _fix(ref, *edits, unsafe=False):
    return ResolvedFix("t", Applicability.UNSAFE if unsafe else Applicability.SAFE, (), ref, tuple(edits))


def test_overlapping_fixes_apply_one_per_pass():
    data = b'{"a": "xyz"}\n'
    ref = RecordRef("f", 0, 1, 1, 0, 12)
    first = _fix(ref, Edit(7, 9, "Q"))
    overlapping = _fix(ref, Edit(8, 10, "R"))
    later = _fix(ref, Edit(10, 10, "!"))
    done = fixer.apply_fixes(data, [overlapping, later, first])
    assert done.data == b'{"a": "Qz!"}\n'  # file order: the fix at 7 wins, the one at 8 waits
    assert done.applied == 2 and done.skipped == 1
    # identical fixes from two findings apply once and count twice
    done = fixer.apply_fixes(data, [first, first])
    assert done.data == b'{"a": "Qz"}\n' and done.applied == 2
    # two insertions at one point are ambiguous: one waits for the next pass
    done = fixer.apply_fixes(data, [_fix(ref, Edit(9, 9, "1")), _fix(ref, Edit(9, 9, "2"))])
    assert done.applied == 1 and done.skipped == 1


def test_edits_outside_the_record_and_on_undecodable_records():
    data = b'\xef\xbb\xbf{"a": 1}\r\n{"b": "\xff"}\n'
    first = RecordRef("f", 0, 1, 1, 3, 8)
    second = RecordRef("f", 1, 2, 1, 13, 10)
    done = fixer.apply_fixes(data, [_fix(first, Edit(-1, 0, "")), _fix(first, Edit(8, 9, ""))])
    assert done.data == b'{"a": 1}\n{"b": "\xff"}\n'
    # code-point offsets inside a record with invalid UTF-8 are ambiguous: refused
    done = fixer.apply_fixes(data, [_fix(second, Edit(1, 2, "B"))])
    assert done.data == data and done.skipped == 1
    # ... but deleting the whole record is well defined
    done = fixer.apply_fixes(data, [_fix(second, Edit(0, 0, "", delete_record=True))])
    assert done.data == b'\xef\xbb\xbf{"a": 1}\r\n'


def test_a_fix_that_changes_nothing_is_not_applied():
    data = b'{"a": 1}\n'
    ref = RecordRef("f", 0, 1, 1, 0, 8)
    done = fixer.apply_fixes(data, [_fix(ref, Edit(1, 4, '"a"'))])
    assert done.applied == 0 and done.data is data


def test_fixes_that_never_settle_stop_after_the_bound(tmp_path):
    from jsonl_lint.diagnostics import Finding, Fix, Severity
    from jsonl_lint.registry import builtin_rules, resolve
    from jsonl_lint.rule import RecordRule

    class Grow(RecordRule):
        code = "JLT09"
        name = "test-grow"
        summary = "Always adds a space"
        severity = Severity.WARNING
        requires = "raw"

        def check(self, record, ctx):
            yield Finding("grow", fix=Fix("grow", (Edit(0, 0, " "),)))

    path = tmp_path / "t.jsonl"
    path.write_bytes(b"{}\n")
    settings = settings_for(["JLT09"])
    engine = Engine(settings, resolve(settings, builtin_rules() + (Grow,)))
    result = fixer.fix_files(engine, [str(path)], engine.run([str(path)]))
    assert not result.converged and result.iterations == fixer.MAX_ITERATIONS
    assert result.fixed[str(path)] == b" " * fixer.MAX_ITERATIONS + b"{}\n"


# -- atomic writes -------------------------------------------------------------------------------

def _bad_file(tmp_path):
    path = tmp_path / "train.jsonl"
    data = b"\xef\xbb\xbf" + (CHAT % ("a", "b")).encode() + b"\n"
    path.write_bytes(data)
    return path, data


def test_failed_rename_leaves_the_original_intact(tmp_path, monkeypatch):
    path, data = _bad_file(tmp_path)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fixer.os, "replace", broken_replace)
    code, out, err = cli("check", "--isolated", "--select", "JL004", "--fix", str(path))
    assert code == 2
    assert "not fixed: writing failed (No space left on device)" in err
    assert path.read_bytes() == data
    assert os.listdir(tmp_path) == ["train.jsonl"]  # no temporary file left behind


def test_kill_during_the_write_leaves_the_original_intact(tmp_path, monkeypatch):
    path, data = _bad_file(tmp_path)

    def killed(fd):
        raise KeyboardInterrupt  # a signal arriving while the new content is being flushed

    monkeypatch.setattr(fixer.os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        fixer.write_atomic(str(path), b"new")
    assert path.read_bytes() == data
    assert os.listdir(tmp_path) == ["train.jsonl"]


def test_write_keeps_mode_and_symlink(tmp_path):
    path, _ = _bad_file(tmp_path)
    os.chmod(path, 0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(path.name)
    code, _, _ = cli("check", "--isolated", "--select", "JL004", "--fix", str(link))
    assert code == 0
    assert link.is_symlink() and path.read_bytes() == (CHAT % ("a", "b")).encode() + b"\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_file_edited_after_the_lint_is_not_overwritten(tmp_path):
    path, _ = _bad_file(tmp_path)
    settings = settings_for(["JL004"])
    engine = Engine(settings)
    files = [str(path)]
    stats = fixer.file_stats(files)
    result = fixer.fix_files(engine, files, engine.run(files), stats=stats)
    path.write_bytes(b'{"edited": "meanwhile, by an editor"}\n')
    problems = result.write()
    assert list(problems) == [str(path)] and "changed on disk" in problems[str(path)]
    assert path.read_bytes() == b'{"edited": "meanwhile, by an editor"}\n'


# -- the unified diff ----------------------------------------------------------------------------

def _apply_unified(before: str, diff: str) -> str:
    """Apply a unified diff (LF text) the way patch does, checking every context line."""
    import re

    old = before.splitlines(keepends=True)
    out: list[str] = []
    pos = 0
    lines = diff.splitlines(keepends=True)[2:]
    i = 0
    while i < len(lines):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", lines[i])
        assert m, lines[i]
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        old_len = int(m.group(2) or 1)
        new_len = int(m.group(4) or 1)
        out += old[pos:start]
        pos = start
        i += 1
        while i < len(lines) and not lines[i].startswith("@@"):
            tag, text = lines[i][0], lines[i][1:]
            if tag in " -":
                assert old[pos] == text, (pos, old[pos], text)
                pos += 1
                old_len -= 1
            if tag in " +":
                out.append(text)
                new_len -= 1
            i += 1
        assert old_len == 0 and new_len == 0, "hunk header does not match its lines"
    return "".join(out + old[pos:])


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "{}", "x y"]), max_size=40),
       st.lists(st.sampled_from(["keep", "keep", "keep", "drop", "edit"]), min_size=40, max_size=40))
def test_unified_diff_reconstructs_the_fixed_text(lines, ops):
    before = "".join(f"{line} {i}\n" if i % 3 else f"{line}\n" for i, line in enumerate(lines))
    after = []
    for line, op in zip(before.splitlines(keepends=True), ops):
        if op == "keep":
            after.append(line)
        elif op == "edit":
            after.append(line.strip() + "!\n")
    after = "".join(after)
    diff = fixer.unified_diff("t.jsonl", before.encode(), after.encode())
    assert (diff == "") == (before == after)
    assert _apply_unified(before, diff) == after
