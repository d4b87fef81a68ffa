"""The code passes ruff, so style problems fail the same test command CI runs."""

import shutil
import subprocess

from conftest import REPO


def test_ruff_finds_no_problems():
    ruff = shutil.which("ruff")
    assert ruff, "ruff is a test dependency (pip install -e '.[test]')"
    proc = subprocess.run([ruff, "check", "leuk_annot", "tests", "scripts"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
