"""The benchmark script runs end to end in --smoke mode and prints its comparison lines (no timings judged)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from conftest import REPO, SHARED, require_shared

SCRIPT = REPO / "bench" / "run_benchmarks.py"
GENERATOR = SHARED / "perf" / "make_perf_vcf.py"


def test_smoke_run_prints_the_ratio_lines():
    require_shared(GENERATOR)
    proc = subprocess.run([sys.executable, str(SCRIPT), "--smoke", "--generator", str(GENERATOR)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert re.search(r"^unindexed WGS vs bare cyvcf2 scan .* ratio \d+\.\d\dx", out, re.M), out
    if shutil.which("bcftools"):
        assert re.search(r"^indexed WGS vs bcftools view -R .* ratio \d+\.\d\dx", out, re.M), out
    else:
        assert re.search(r"^indexed WGS vs bcftools view -R .* ratio n/a \(bcftools missing\)", out, re.M), out
        assert "apt-get install -y bcftools" in out
    assert re.search(r"^exome end to end +\d+\.\d\d s", out, re.M), out
    assert re.search(r"^peak RSS, 100 k vs 5 M records +\d+ MiB", out, re.M), out
    assert re.search(r"^leuk-annot --version cold start +\d\.\d{3} s", out, re.M), out
    assert "smoke run, not judged" in out
    # The pre-filtered unindexed read and the indexed region query must give the same report.
    assert "indexed and unindexed reports agree: yes" in out
    assert re.search(r"^machine: .+ cores", out, re.M), out
