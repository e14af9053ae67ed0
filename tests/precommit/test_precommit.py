"""The pre-commit hooks, for real: `pre-commit try-repo` against this repository.

pre-commit builds the hook environment with `pip install` (it needs the package
index). To build it once for every test here, the working tree is snapshotted into
one commit of a temporary clone (as try-repo does with uncommitted changes, plus
untracked files), and every run names that clone and commit with --ref.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "ci.md"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pre-commit") is None or shutil.which("git") is None,
                       reason="needs pre-commit and git"),
]

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
GOOD = '{"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}\n'
BAD = '{"messages": [{"role": "user", "content": "Capital of Spain?"}\n'


def run(cmd, cwd, env=None, check=True):
    proc = subprocess.run(cmd, cwd=cwd, env={**os.environ, **GIT_ENV, **(env or {})},
                          capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> tuple[str, str]:
    """(repository, commit) holding this repository's working state."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    shadow = str(tmp_path_factory.mktemp("hooks") / "shadow")
    head = run(["git", "rev-parse", "HEAD"], REPO).stdout.strip()
    run(["git", "clone", "-q", "--no-checkout", str(REPO), shadow], REPO)
    run(["git", "checkout", "-q", head, "-b", "snapshot"], shadow)
    env = {"GIT_INDEX_FILE": os.path.join(shadow, ".git", "index"),
           "GIT_OBJECT_DIRECTORY": os.path.join(shadow, ".git", "objects")}
    # the working tree as it is (untracked files too, ignored ones not): in a shared tree
    # a committed module may already import one that is not committed yet
    run(["git", "add", "-A"], REPO, env)
    run(["git", "commit", "-q", "--allow-empty", "--no-verify", "-m", "snapshot"], shadow)
    return shadow, run(["git", "rev-parse", "HEAD"], shadow).stdout.strip()


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> dict:
    return {"PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")), "NO_COLOR": "1"}


@pytest.fixture
def user_repo(tmp_path):
    repo = tmp_path / "datasets"
    repo.mkdir()
    run(["git", "init", "-q"], repo)
    (repo / ".jsonl-lint.toml").write_text('select = ["JL0"]\n')  # file rules: stable across rule work
    (repo / "good.jsonl").write_text(GOOD)
    (repo / "data").mkdir()
    (repo / "data" / "bad.jsonl").write_text(GOOD + BAD)
    (repo / "package.json").write_text('{"name": "x"\n')  # broken JSON, but no dataset: never linted
    run(["git", "add", "-A"], repo)
    return repo


def try_repo(snapshot, home, repo, hook, *args):
    shadow, ref = snapshot
    return run(["pre-commit", "try-repo", shadow, hook, "--ref", ref, "--verbose", *args], repo, home, check=False)


def test_manifest_is_valid():
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"jsonl-lint", "jsonl-lint-dataset"}
    assert hooks["jsonl-lint-dataset"]["pass_filenames"] is False
    assert hooks["jsonl-lint-dataset"]["require_serial"] is True
    assert re.search(hooks["jsonl-lint"]["files"], "a/b.ndjson") and not re.search(hooks["jsonl-lint"]["files"], "x.json")


def test_file_hook_fails_on_a_bad_file(snapshot, home, user_repo):
    proc = try_repo(snapshot, home, user_repo, "jsonl-lint", "--all-files")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "jsonl-lint....." in out and "Failed" in out
    assert "data/bad.jsonl:2:63: JL001 [error] invalid JSON" in out
    assert "Found 1 error in 2 files (3 records)." in out  # good.jsonl and data/bad.jsonl, not package.json


def test_file_hook_passes_when_only_good_files_change(snapshot, home, user_repo):
    proc = try_repo(snapshot, home, user_repo, "jsonl-lint", "--files", "good.jsonl")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout


def test_dataset_hook_lints_the_whole_dataset(snapshot, home, user_repo):
    # only good.jsonl changed, but the dataset hook still sees data/bad.jsonl
    proc = try_repo(snapshot, home, user_repo, "jsonl-lint-dataset", "--files", "good.jsonl")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "jsonl-lint (whole dataset)" in out
    assert "data/bad.jsonl:2:63: JL001" in out and "Found 1 error in 2 files (3 records)." in out
    # and passes once the dataset is clean
    (user_repo / "data" / "bad.jsonl").write_text(GOOD)
    run(["git", "add", "-A"], user_repo)
    proc = try_repo(snapshot, home, user_repo, "jsonl-lint-dataset", "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_docs_config_snippet_runs(snapshot, home, user_repo):
    """The .pre-commit-config.yaml in docs/ci.md, pointed at this repository, with --fix."""
    blocks = re.findall(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", DOCS.read_text(), re.S)
    assert blocks, "docs/ci.md has no .pre-commit-config.yaml snippet"
    config = yaml.safe_load(blocks[0])
    shadow, ref = snapshot
    config["repos"][0].update(repo=shadow, rev=ref)
    (user_repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (user_repo / "good.jsonl").write_bytes(b"\xef\xbb\xbf" + GOOD.encode() + b"\n")  # BOM + blank line: fixable
    run(["git", "add", "-A"], user_repo)
    proc = run(["pre-commit", "run", "--all-files"], user_repo, home, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out  # the fix changed a file (pre-commit fails the commit) + the bad file
    assert (user_repo / "good.jsonl").read_text() == GOOD  # fixed in place
    assert "data/bad.jsonl:2:63: JL001" in out
