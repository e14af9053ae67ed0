"""The composite GitHub Action (action.yml) and the CI snippets of docs/ci.md.

GitHub cannot run here, so the action's structure is checked and its shell steps are
run locally in order, with a small evaluator for the `${{ }}` expressions it uses and
the runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) emulated. `pip install` is
replaced by a stub that records what would be installed; everything else is real.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text())
DOCS = (REPO / "docs" / "ci.md").read_text()
SARIF_SCHEMA = REPO.parent / "shared" / "reference" / "sarif-schema-2.1.0.json"
EXPR = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")

GOOD = '{"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", "content": "Paris."}]}\n'
BAD = '{"messages": [{"role": "user", "content": "Capital of Spain?"}\n'


def doc_block(first_line: str) -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS, re.S)
    found = [b for b in blocks if b.startswith(first_line)]
    assert found, f"docs/ci.md has no yaml block starting with {first_line!r}"
    return found[0]


# -- structure ---------------------------------------------------------------------------------

def test_action_structure():
    assert ACTION["runs"]["using"] == "composite"
    inputs = set(ACTION["inputs"])
    assert {"paths", "args", "version", "sarif"} <= inputs
    ids: set[str] = set()
    text = (REPO / "action.yml").read_text()
    for name in re.findall(r"inputs\.([\w-]+)", text):
        assert name in inputs, f"action.yml uses undeclared input {name!r}"
    for step in ACTION["runs"]["steps"]:
        assert "name" in step
        assert ("run" in step) != ("uses" in step)
        if "run" in step:
            assert step["shell"] == "bash"  # composite run steps must name their shell
            assert "${{" not in step["run"], "pass expressions through env:, never into the script"
        else:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", step["uses"])
        for ref in re.findall(r"steps\.([\w-]+)\.", json.dumps(step)):
            assert ref in ids, f"step {step['name']!r} refers to {ref!r} before it exists"
        ids.add(step.get("id", ""))
    for out in ACTION["outputs"].values():
        for ref in re.findall(r"steps\.([\w-]+)\.", out["value"]):
            assert ref in ids


def test_docs_workflow_uses_only_declared_inputs():
    workflow = yaml.safe_load(doc_block("# .github/workflows/datasets.yml"))
    steps = workflow["jobs"]["jsonl-lint"]["steps"]
    ours = [s for s in steps if s.get("uses", "").startswith("jsonl-lint/jsonl-lint@")]
    assert len(ours) == 1 and set(ours[0]["with"]) <= set(ACTION["inputs"])
    assert workflow["permissions"]["security-events"] == "write"


# -- running the action's steps ------------------------------------------------------------------

class Runner:
    """Runs the action's steps in order the way the runner would, locally."""

    def __init__(self, tmp: Path, workspace: Path, inputs: dict[str, str]):
        self.tmp = tmp
        self.workspace = workspace
        self.inputs = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()} | inputs
        self.outputs: dict[str, dict[str, str]] = {}
        self.outcomes: dict[str, str] = {}
        self.ran: list[str] = []
        self.uses: list[tuple[str, dict]] = []
        self.summary = tmp / "summary.md"
        self.pip_log = tmp / "pip.log"
        self.bin = tmp / "bin"
        self.bin.mkdir()
        # python3 -m pip ... is recorded, not run; python3 -m jsonl_lint ... runs this checkout
        stub = self.bin / "python3"
        stub.write_text(f"#!/bin/sh\nif [ \"$1 $2\" = \"-m pip\" ]; then shift 2; echo \"$@\" >> {self.pip_log}; "
                        f"exit 0; fi\nexec {sys.executable} \"$@\"\n")
        stub.chmod(0o755)

    def value(self, expr: str):
        expr = expr.strip()
        if expr == "github.action_path":
            return str(REPO)
        m = re.fullmatch(r"inputs\.([\w-]+)", expr)
        if m:
            return self.inputs[m.group(1)]
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return self.outputs.get(m.group(1), {}).get(m.group(2), "")
        m = re.fullmatch(r"steps\.([\w-]+)\.outcome", expr)
        if m:
            return self.outcomes.get(m.group(1), "")
        raise AssertionError(f"expression not understood by the test runner: {expr}")

    def condition(self, cond: str) -> bool:
        """Evaluate the subset of the Actions expression language action.yml uses."""
        py = EXPR.sub(lambda m: m.group(1), cond)
        py = re.sub(r"\balways\(\)", "True", py)
        py = re.sub(r"(?:inputs|steps)\.[\w.-]+|github\.[\w_]+", lambda m: repr(self.value(m.group(0))), py)
        py = py.replace("&&", " and ").replace("||", " or ")
        py = re.sub(r"!(?!=)", " not ", py)
        return bool(eval(py, {}, {}))  # noqa: S307 - only action.yml's own conditions

    def run(self) -> int:
        last = 0
        failed = False
        for step in ACTION["runs"]["steps"]:
            sid = step.get("id", step["name"])
            cond = step.get("if", "success()")
            if "always()" not in cond and failed:
                continue
            if not self.condition(cond.replace("success()", "True")):
                continue
            if "uses" in step:
                with_ = {k: EXPR.sub(lambda m: self.value(m.group(1)), str(v)) for k, v in step.get("with", {}).items()}
                self.uses.append((step["uses"], with_))
                self.outcomes[sid] = "success"
                continue
            out_file = self.tmp / f"output-{len(self.ran)}"
            out_file.write_text("")
            env = {k: EXPR.sub(lambda m: self.value(m.group(1)), str(v)) for k, v in step.get("env", {}).items()}
            env = {**os.environ, **env, "PATH": f"{self.bin}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(out_file),
                   "GITHUB_STEP_SUMMARY": str(self.summary), "GITHUB_ACTIONS": "true", "NO_COLOR": "1"}
            proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=self.workspace, env=env,
                                  capture_output=True, text=True)
            self.ran.append(step["name"])
            self.log = getattr(self, "log", "") + proc.stdout + proc.stderr
            self.outputs[sid] = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
            self.outcomes[sid] = "success" if proc.returncode == 0 else "failure"
            if proc.returncode:
                failed = True
                last = proc.returncode
        return last


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "ws"
    (ws / "data").mkdir(parents=True)
    (ws / ".jsonl-lint.toml").write_text('select = ["JL0"]\n')
    (ws / "data" / "train.jsonl").write_text(GOOD + BAD)
    return ws


def test_action_annotates_summarises_and_fails(tmp_path, workspace):
    runner = Runner(tmp_path, workspace, {"paths": "data/"})
    code = runner.run()
    assert code == 1
    assert runner.ran == ["Install jsonl-lint", "Lint", "Result"]
    assert runner.pip_log.read_text().split()[-1] == str(REPO)  # installs the action's own checkout
    assert "::error file=data/train.jsonl,line=2,col=63," in runner.log
    assert runner.outputs["lint"] == {"exit-code": "1"}
    summary = runner.summary.read_text()
    assert "## jsonl-lint" in summary and "| `JL001` invalid-json | error | 1 |" in summary
    assert runner.uses == [("actions/setup-python@v5", {"python-version": "3.11"})]  # no SARIF upload unless asked


def test_action_with_sarif_and_a_pinned_version(tmp_path, workspace):
    runner = Runner(tmp_path, workspace, {"paths": "data/", "sarif": "true", "version": "0.1.0",
                                          "args": "--fail-on warning"})
    code = runner.run()
    assert code == 1
    assert runner.pip_log.read_text().split()[-1] == "jsonl-lint==0.1.0"
    assert runner.ran == ["Install jsonl-lint", "Lint", "SARIF report", "Result"]
    assert runner.uses[1:] == [("github/codeql-action/upload-sarif@v3",
                            {"sarif_file": "jsonl-lint.sarif", "category": "jsonl-lint"})]
    sarif = json.loads((workspace / "jsonl-lint.sarif").read_text())
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["JL001"]
    if SARIF_SCHEMA.exists():
        import jsonschema

        schema = json.loads(SARIF_SCHEMA.read_text())
        jsonschema.validators.validator_for(schema)(schema).validate(sarif)


def test_action_passes_on_a_clean_dataset(tmp_path, workspace):
    (workspace / "data" / "train.jsonl").write_text(GOOD)
    runner = Runner(tmp_path, workspace, {"paths": "data/", "version": "git+https://example.invalid/x.git",
                                          "python-version": ""})
    assert runner.run() == 0 and runner.uses == []  # no setup-python: the runner's python3
    assert runner.pip_log.read_text().split()[-1] == "git+https://example.invalid/x.git"
    assert "All checks passed" in runner.log


def test_action_config_error_skips_sarif_and_fails(tmp_path, workspace):
    runner = Runner(tmp_path, workspace, {"paths": "missing/", "sarif": "true"})
    assert runner.run() == 2
    assert "SARIF report" not in runner.ran and [u for u, _ in runner.uses] == ["actions/setup-python@v5"]


# -- the other snippets, run locally -------------------------------------------------------------

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}


def git_workspace(ws: Path) -> str:
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "init", "-q"], cwd=ws, check=True, env=env)
    (ws / "data" / "train.jsonl").write_text(BAD)  # an old problem
    subprocess.run(["git", "add", "-A"], cwd=ws, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "base"], cwd=ws, check=True, env=env)
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ws, check=True, env=env, capture_output=True,
                          text=True).stdout.strip()
    (ws / "data" / "train.jsonl").write_text(BAD + GOOD + BAD.replace("Spain", "Italy"))  # plus a new one
    return base


def run_script(lines: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    """Run CI script lines the way a runner does (stop at the first failing line);
    package installation lines are skipped: this checkout is already installed."""
    kept = [line for line in lines if not re.match(r"\s*(pip install|apt-get)", line)]
    script = "set -e\n" + "\n".join(kept)
    bindir = Path(sys.executable).parent
    env = {**os.environ, **env, "PATH": f"{bindir}:{os.environ['PATH']}", "NO_COLOR": "1"}
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True)


def test_gitlab_job_runs(tmp_path, workspace):
    job = yaml.safe_load(doc_block("# .gitlab-ci.yml"))["jsonl-lint"]
    base = git_workspace(workspace)
    lines = job["before_script"] + job["script"]
    # a merge request: only the new problem, with the budget line
    proc = run_script(lines, workspace, {"CI_MERGE_REQUEST_DIFF_BASE_SHA": base})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.count("JL001") == 1 and "data/train.jsonl:3:63: JL001" in proc.stdout
    assert f"Budget since {base}: this change adds 1 example, +" in proc.stdout
    # a branch pipeline: every problem
    proc = run_script(lines, workspace, {"CI_MERGE_REQUEST_DIFF_BASE_SHA": ""})
    assert proc.returncode == 1 and proc.stdout.count("JL001") == 2
    # a clean dataset: the job passes and keeps the SARIF artifact
    (workspace / "data" / "train.jsonl").write_text(GOOD)
    proc = run_script(lines, workspace, {"CI_MERGE_REQUEST_DIFF_BASE_SHA": ""})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads((workspace / job["artifacts"]["paths"][0]).read_text())["version"] == "2.1.0"


def test_plain_github_workflow_runs(tmp_path, workspace):
    workflow = yaml.safe_load(doc_block("# .github/workflows/datasets-plain.yml"))
    base = git_workspace(workspace)
    subprocess.run(["git", "branch", "-q", "base-branch", base], cwd=workspace, check=True)
    runs = [s["run"] for s in workflow["jobs"]["jsonl-lint"]["steps"] if "run" in s]
    summary = tmp_path / "summary.md"
    # origin/$GITHUB_BASE_REF on the runner; a local branch here
    lines = [r.replace("origin/$GITHUB_BASE_REF", "$GITHUB_BASE_REF") for r in runs]
    proc = run_script(lines, workspace, {"GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "base-branch",
                                         "GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.startswith("::error file=data/train.jsonl,line=3,col=63,")
    assert proc.stdout.count("::error") == 1
    text = summary.read_text()
    assert "| `JL001` invalid-json | error | 1 |" in text and "Budget since base-branch" in text


def test_output_format_auto_is_full_outside_github(workspace):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    proc = subprocess.run([sys.executable, "-m", "jsonl_lint", "check", "--output-format", "auto", "data/"],
                          cwd=workspace, env={**env, "NO_COLOR": "1"}, capture_output=True, text=True)
    assert proc.returncode == 1 and "::error" not in proc.stdout
    assert "data/train.jsonl:2:63: JL001 [error]" in proc.stdout and "  |" in proc.stdout


def test_shell_words_in_args_are_split(tmp_path, workspace):
    # args "--select JL001 --fail-on warning" reaches jsonl-lint as separate words
    runner = Runner(tmp_path, workspace, {"paths": "data/", "args": "--select JL001 --exit-zero"})
    assert runner.run() == 0 and shlex.split(runner.inputs["args"])[0] == "--select"
