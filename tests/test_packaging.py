"""The built wheel carries annotation_db/ and report_templates/ and runs a case outside the checkout.

Data kept outside the package directory is the classic thing a wheel forgets; this builds the
real wheel, installs it into a scratch directory placed first on the path, and annotates the demo.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest
from conftest import CASES, REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("leuk_annot-*.whl")
    return path


def test_wheel_contains_the_knowledge_base_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "leuk_annot/_data/annotation_db/manifest.yaml" in names
    assert "leuk_annot/_data/annotation_db/schema/rules.schema.json" in names
    assert "leuk_annot/_data/report_templates/base.html.j2" in names
    assert "leuk_annot/report/result.schema.json" in names
    assert "leuk_annot/workflow/Snakefile" in names
    assert "leuk_annot/_data/report_templates/cohort.html.j2" in names
    assert "leuk_annot/io/clinical.schema.json" in names
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "leuk-annot = leuk_annot.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()  # cli.run ends it


def test_installed_wheel_annotates_the_demo_from_anywhere(wheel, tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = "import leuk_annot.knowledge.resources as r; print(r.default_db_dir())"
    where = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert where.stdout.strip().startswith(str(site)), where.stdout + where.stderr
    run = subprocess.run([sys.executable, "-m", "leuk_annot", str(CASES / "demo" / "DEMO_REL.vcf"), "--fusions",
                          str(CASES / "demo" / "DEMO_REL.fusions.tsv"), "-o", str(tmp_path / "out"), "-q"],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    doc = json.loads((tmp_path / "out" / "DEMO_REL_T.leuk-annot.json").read_text())
    assert doc["subtypes"][0]["id"] == "BALL.BCR_ABL1"
