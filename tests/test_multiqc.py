"""The per-sample MultiQC custom-content table: its header, its row, and a real MultiQC run finding it."""

from __future__ import annotations

import csv
import dataclasses
import json
import subprocess
import sys

import pytest
import yaml
from conftest import CASES

from leuk_annot import cli
from leuk_annot.api import SampleInputs, annotate
from leuk_annot.errors import ExitStatus
from leuk_annot.report.multiqc import COLUMNS, FILE_SUFFIX, SECTION_ID, to_multiqc_tsv

DEMO = CASES / "demo"
ETV = CASES / "etv6_runx1_nt5c2"


@pytest.fixture(scope="module")
def demo_result(kb):
    return annotate(SampleInputs(vcf=DEMO / "DEMO_REL.vcf", fusions=(DEMO / "DEMO_REL.fusions.tsv",)), kb)


def _split(text: str) -> tuple[dict, list[list[str]]]:
    """The YAML config from the '#' lines, and the table below them."""
    comments = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    table = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return yaml.safe_load("\n".join(comments)), table


def test_header_is_the_config_multiqc_needs(demo_result):
    config, table = _split(to_multiqc_tsv(demo_result))
    assert config["id"] == SECTION_ID and config["plot_type"] == "table"
    assert config["section_name"] and config["description"]
    assert config["pconfig"]["id"] and config["pconfig"]["namespace"] == "leuk-annot"
    assert set(config["headers"]) == set(COLUMNS)
    assert table[0] == ["Sample", *COLUMNS]


def test_row_carries_the_samples_values(demo_result):
    _, table = _split(to_multiqc_tsv(demo_result))
    assert len(table) == 2, "one row per sample"
    row = dict(zip(table[0], table[1]))
    assert row["Sample"] == demo_result.sample_id
    assert row["subtype"] == demo_result.subtypes[0].name
    assert row["confidence"] == demo_result.subtypes[0].confidence
    assert row["risk"] == demo_result.prognosis.risk
    assert int(row["n_lesions"]) == len(demo_result.lesions)
    sensitive = {i for t in demo_result.therapies if t.response == "sensitivity" for i in t.lesion_ids}
    assert int(row["n_actionable"]) == len([x for x in demo_result.lesions if x.id in sensitive]) > 0
    relapse = [x.label for x in demo_result.lesions if any(r.relapse for r in x.roles)]
    assert relapse and row["relapse_lesions"] == "; ".join(relapse)


def test_number_like_sample_names_are_quoted_and_cells_stay_on_one_line(demo_result):
    odd = dataclasses.replace(demo_result, sample_id="0012")
    _, table = _split(to_multiqc_tsv(odd))
    assert table[1][0] == '"0012"'
    assert all(len(r) == len(COLUMNS) + 1 for r in table)


def test_annotate_writes_the_mqc_file_beside_the_reports(tmp_path, capsys):
    status = cli.main([str(DEMO / "DEMO_REL.vcf"), "--fusions", str(DEMO / "DEMO_REL.fusions.tsv"),
                       "-o", str(tmp_path), "-q"])
    assert status == ExitStatus.OK, capsys.readouterr().err
    doc = json.loads((tmp_path / "DEMO_REL_T.leuk-annot.json").read_text())
    text = (tmp_path / f"DEMO_REL_T{FILE_SUFFIX}").read_text()
    _, table = _split(text)
    assert table[1][0] == doc["sample"]["id"] and table[1][1] == doc["subtypes"][0]["name"]


def test_real_multiqc_finds_the_tables_with_no_config(tmp_path, capsys):
    pytest.importorskip("multiqc", reason="MultiQC is in the test extra: pip install -e '.[test]'")
    reports = tmp_path / "reports"
    for vcf, fusions, sample in ((DEMO / "DEMO_REL.vcf", DEMO / "DEMO_REL.fusions.tsv", "P1"),
                                 (ETV / "ETV_REL.vcf", ETV / "ETV_REL.fusions.tsv", "007")):
        status = cli.main([str(vcf), "--fusions", str(fusions), "--sample-id", sample, "-o", str(reports), "-q"])
        assert status == ExitStatus.OK, capsys.readouterr().err
    proc = subprocess.run([sys.executable, "-m", "multiqc", str(reports), "-o", str(tmp_path / "mqc_out"),
                           "--no-ansi"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    data = tmp_path / "mqc_out" / "multiqc_data"
    (table_file,) = data.glob("multiqc_leuk-annot*.txt")
    with table_file.open(newline="") as handle:
        rows = {r["Sample"]: r for r in csv.DictReader(handle, delimiter="\t")}
    assert set(rows) == {"P1", "007"}, "the number-like name must stay a sample name"
    for sample in rows:
        doc = json.loads((reports / f"{sample}.leuk-annot.json").read_text())
        assert rows[sample]["subtype"] == doc["subtypes"][0]["name"]
        assert rows[sample]["risk"] == doc["prognosis"]["risk"]
        assert float(rows[sample]["n_lesions"]) == len(doc["lesions"])
    assert "leuk-annot" in (tmp_path / "mqc_out" / "multiqc_report.html").read_text()
