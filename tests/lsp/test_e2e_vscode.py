"""The real-editor test (code-server + headless Chromium), opt-in: JSONL_LINT_E2E=1.

It installs system and npm packages on first use (see scripts/e2e-vscode/run.sh), so the
main suite skips it; the pytest-lsp tests next to it cover the server over stdio.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("JSONL_LINT_E2E") != "1", reason="opt-in: set JSONL_LINT_E2E=1")
def test_vscode_extension_in_a_real_editor(tmp_path):
    env = {**os.environ, "JSONL_LINT_E2E_SHOTS": str(tmp_path)}
    run = subprocess.run(["bash", str(REPO / "scripts" / "e2e-vscode" / "run.sh")], env=env,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "all checks passed" in run.stdout
    assert (tmp_path / "vscode-quickfix.png").stat().st_size > 10_000
    assert (tmp_path / "vscode-hover.png").stat().st_size > 10_000
    # an interpreter without jsonl-lint: one notification with the install command, no restart loop
    run = subprocess.run(["bash", str(REPO / "scripts" / "e2e-vscode" / "run.sh"), "--missing-server"], env=env,
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "all checks passed" in run.stdout
    assert (tmp_path / "vscode-missing-server.png").stat().st_size > 10_000
