"""The VS Code extension's own unit tests (launch logic, the server check, the missing-server
message, Restricted Mode, the trust declaration), run with Node when npm is available."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

EXTENSION = Path(__file__).resolve().parents[2] / "vscode-extension"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("npm") is None, reason="needs node and npm")
def test_extension_unit_tests_pass():
    if not (EXTENSION / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=EXTENSION, check=True, capture_output=True,
                       timeout=900)
    run = subprocess.run(["npm", "test"], cwd=EXTENSION, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "# fail 0" in run.stdout
