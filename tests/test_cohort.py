"""`leuk-annot cohort`: the samplesheet, and the real bundled Snakemake workflow on a small cohort.

The cohort mixes good samples (three cases, one given with paths relative to the samplesheet,
and both samples of a multi-sample VCF) with a malformed VCF and a missing file, which must be
reported as failed without stopping the others.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import CASES

from leuk_annot import cli
from leuk_annot.commands import cohort
from leuk_annot.errors import ExitStatus, InputFormatError
from leuk_annot.workflow.run_sample import one_line_error
from leuk_annot.workflow.samplesheet import read_samplesheet

DEMO = CASES / "demo"
ETV = CASES / "etv6_runx1_nt5c2"
KMT2A = CASES / "kmt2a_fusion_only"
GOOD = {  # sample -> expected headline subtype id
    "DEMO": "BALL.BCR_ABL1",
    "ETV": "BALL.ETV6_RUNX1",
    "KMT2A": "BALL.KMT2A",
}
MULTI = ("MS_DEMO_REL_T", "MS_DEMO_REL_N")  # one multi-sample VCF, annotated once per column


def write_sheet(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def cohort_run(tmp_path_factory):
    pytest.importorskip("snakemake", reason="Snakemake is in the test extra: pip install -e '.[test]'")
    root = tmp_path_factory.mktemp("cohort")
    (root / "inputs").mkdir()
    for name in ("ETV_REL.vcf", "ETV_REL.fusions.tsv"):
        shutil.copy(ETV / name, root / "inputs" / name)
    # Markup in the bad file comes back in the error message: the HTML summary must escape it.
    (root / "inputs" / "bad.vcf").write_text("<b>not a vcf</b>\n")
    sheet = write_sheet(root / "samples.tsv", [
        "# leuk-annot cohort samplesheet",
        "sample_id\tvcf\tfusions\tsv\ttumor_id\tgenome",
        f"DEMO\t{DEMO / 'DEMO_REL.vcf'}\t{DEMO / 'DEMO_REL.fusions.tsv'}\t\t\t",
        "ETV\tinputs/ETV_REL.vcf\tinputs/ETV_REL.fusions.tsv\t\tETV_T\tGRCh38",
        f"KMT2A\t\t{KMT2A / 'KMT2A.fusions.tsv'}\t\t\t",
        "BAD\tinputs/bad.vcf\t\t\t\t",
        "GONE\tinputs/missing.vcf\t\t\t\t",
        f"MS\t{DEMO / 'DEMO_REL.vcf'}\t\t\tDEMO_REL_T;DEMO_REL_N\t",
    ])
    out = root / "out"
    status = cli.main(["cohort", str(sheet), "-o", str(out), "--cores", "2", "-q"])
    return SimpleNamespace(root=root, sheet=sheet, out=out, status=status)


def summary_rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / "cohort_summary.tsv").open(newline="") as handle:
        return {r["sample"]: r for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}


def test_cohort_run_succeeds_despite_failed_samples(cohort_run):
    assert cohort_run.status == ExitStatus.OK
    assert list(summary_rows(cohort_run.out)) == ["DEMO", "ETV", "KMT2A", "BAD", "GONE", *MULTI]


def test_every_good_sample_has_its_reports_and_summary_row(cohort_run):
    rows = summary_rows(cohort_run.out)
    for sample, subtype_id in GOOD.items():
        folder = cohort_run.out / "samples" / sample
        for suffix in (".leuk-annot.json", ".leuk-annot.html", ".leuk-annot.tsv", ".leuk-annot_mqc.tsv"):
            assert (folder / f"{sample}{suffix}").is_file(), f"{sample}{suffix}"
        doc = json.loads((folder / f"{sample}.leuk-annot.json").read_text())
        row = rows[sample]
        assert doc["subtypes"][0]["id"] == subtype_id == row["subtype_id"]
        assert row["status"] == "ok" and row["exit_code"] == "0" and row["error"] == ""
        assert row["primary_subtype"] == doc["subtypes"][0]["name"]
        assert row["icc_name"] == doc["subtypes"][0]["icc_name"]
        assert row["risk"] == (doc["prognosis"]["risk"] or "")
        assert int(row["n_lesions"]) == len(doc["lesions"])
    # Actionable lesions come with their agents (BCR::ABL1 -> imatinib; KMT2A::AFF1 -> revumenib).
    assert "BCR::ABL1" in rows["DEMO"]["actionable_lesions"] and "imatinib" in rows["DEMO"]["actionable_lesions"]
    assert rows["KMT2A"]["actionable_lesions"].endswith("revumenib") and rows["KMT2A"]["n_actionable"] == "1"


def test_relative_paths_and_per_row_options_reach_the_annotation(cohort_run):
    doc = json.loads((cohort_run.out / "samples" / "ETV" / "ETV.leuk-annot.json").read_text())
    inputs = {Path(i["path"]).resolve() for i in doc["provenance"]["inputs"]}
    assert (cohort_run.root / "inputs" / "ETV_REL.vcf").resolve() in inputs
    assert doc["provenance"]["genome_build_evidence"].startswith("--genome GRCh38")
    samples = {e.get("sample") for lesion in doc["lesions"] for e in lesion["evidence"] if e["type"] == "variant"}
    assert samples == {"ETV_T"}


def test_multi_sample_vcf_is_annotated_once_per_sample(cohort_run):
    for sample, column in zip(MULTI, ("DEMO_REL_T", "DEMO_REL_N")):
        doc = json.loads((cohort_run.out / "samples" / sample / f"{sample}.leuk-annot.json").read_text())
        assert doc["sample"]["id"] == sample
        columns = {e["sample"] for lesion in doc["lesions"] for e in lesion["evidence"] if e["type"] == "variant"}
        assert columns == {column}
    assert summary_rows(cohort_run.out)[MULTI[0]]["status"] == "ok"


def test_broken_samples_are_listed_with_exit_code_and_error(cohort_run):
    rows = summary_rows(cohort_run.out)
    bad, gone = rows["BAD"], rows["GONE"]
    assert bad["status"] == gone["status"] == "failed"
    assert int(bad["exit_code"]) == ExitStatus.UNKNOWN_FORMAT
    assert "bad.vcf:1: not a VCF" in bad["error"]
    assert int(gone["exit_code"]) == ExitStatus.INPUT_NOT_FOUND
    assert "missing.vcf: file not found" in gone["error"]
    assert not list((cohort_run.out / "samples" / "BAD").glob("*.leuk-annot.*"))
    # The full stderr is kept in the sample's log.
    assert "not a VCF" in (cohort_run.out / "logs" / "BAD.annotate.log").read_text()


def test_summary_html_is_self_contained_escaped_and_lists_everything(cohort_run):
    html = (cohort_run.out / "cohort_summary.html").read_text()
    for tag in ("<script", "<link", "src=", "@import"):
        assert tag not in html
    assert "<b>not a vcf</b>" not in html and "&lt;b&gt;not a vcf&lt;/b&gt;" in html
    rows = summary_rows(cohort_run.out)
    distribution = html.split('id="subtype-distribution"')[1].split("</table>")[0]
    for sample in GOOD:
        assert rows[sample]["primary_subtype"] in distribution
        assert f'data-sample="{sample}"' in html
    n_subtypes = len({rows[s]["primary_subtype"] for s in rows if rows[s]["status"] == "ok"})
    chart = html.split('id="subtype-chart"')[1].split("</svg>")[0]
    assert chart.count("<rect") == n_subtypes
    failed = html.split('id="failed-table"')[1].split("</table>")[0]
    assert 'data-sample="BAD"' in failed and 'data-sample="GONE"' in failed and 'data-sample="DEMO"' not in failed
    assert f"{int(ExitStatus.INPUT_NOT_FOUND)} (input_not_found)" in failed


def test_rerun_is_a_no_op(cohort_run, capfd):
    watched = [*cohort_run.out.glob("samples/*/*"), cohort_run.out / "cohort_summary.tsv",
               cohort_run.out / "cohort_summary.html"]
    before = {p: p.stat().st_mtime_ns for p in watched}
    status = cli.main(["cohort", str(cohort_run.sheet), "-o", str(cohort_run.out), "--cores", "2"])
    err = capfd.readouterr().err
    assert status == ExitStatus.OK, err
    assert "Nothing to be done" in err
    assert {p: p.stat().st_mtime_ns for p in watched} == before


# --- samplesheet and command line (no Snakemake run) ---------------------------------------------

def test_samplesheet_missing_column_names_the_line(tmp_path):
    sheet = write_sheet(tmp_path / "samples.tsv", ["# comment", "vcf\tfusions", "a.vcf\t"])
    with pytest.raises(InputFormatError, match=r"samples\.tsv:2: missing column\(s\) sample_id"):
        read_samplesheet(sheet)


def test_samplesheet_duplicate_sample_id_names_both_lines(tmp_path):
    sheet = write_sheet(tmp_path / "samples.tsv", ["sample_id\tvcf", "A\ta.vcf", "B\tb.vcf", "A\tc.vcf"])
    with pytest.raises(InputFormatError, match=r"samples\.tsv:4: duplicate sample id 'A' \(first on line 2\)"):
        read_samplesheet(sheet)


@pytest.mark.parametrize("rows, message", [
    (["sample_id\tvfc", "A\ta.vcf"], r"samples\.tsv:1: unknown column\(s\) 'vfc'"),
    (["sample_id\tvcf", "A\t"], r"samples\.tsv:2: no input"),
    (["sample_id\tvcf", "../A\ta.vcf"], r"samples\.tsv:2: sample id '\.\./A' is not safe"),
    (["sample_id\tvcf\tgenome", "A\ta.vcf\thg17"], r"samples\.tsv:2: unknown genome 'hg17'"),
    (["sample_id\tvcf\tfusions\ttumor_id", "A\ta.vcf\tf.tsv\tT1;T2"], r"samples\.tsv:2: several tumor_id values"),
    (["sample_id\tvcf", "A\ta.vcf\textra"], r"samples\.tsv:2: 3 fields but the header has 2"),
    (["sample_id\tvcf\ttumor_id", "\ta.vcf\tT1;T2", "T1\tb.vcf\t"], r"samples\.tsv:3: duplicate sample id 'T1'"),
])
def test_samplesheet_errors_name_the_line(tmp_path, rows, message):
    with pytest.raises(InputFormatError, match=message):
        read_samplesheet(write_sheet(tmp_path / "samples.tsv", rows))


def test_samplesheet_resolves_paths_and_expands_multi_sample_rows(tmp_path):
    sheet = write_sheet(tmp_path / "samples.tsv", [
        "sample_id\tvcf\tfusions\ttumor_id\tgenome",
        "A\tsub/a.vcf\tf1.tsv; /abs/f2.tsv\t\thg19",
        "\tmulti.vcf\t\tT1;T2\t",
    ])
    a, t1, t2 = read_samplesheet(sheet)
    assert a.vcf == tmp_path / "sub" / "a.vcf" and a.fusions == (tmp_path / "f1.tsv", Path("/abs/f2.tsv"))
    assert a.genome == "GRCh37" and a.line == 2
    assert (t1.sample_id, t1.tumor_id, t2.sample_id, t2.tumor_id) == ("T1", "T1", "T2", "T2")
    assert t1.annotate_args() == [str(tmp_path / "multi.vcf"), "--tumor-id", "T1", "--genome", "auto",
                                  "--sample-id", "T1"]


def test_cli_reports_a_bad_samplesheet_before_running_anything(tmp_path, capsys):
    pytest.importorskip("snakemake", reason="the samplesheet is read after the Snakemake check")
    sheet = write_sheet(tmp_path / "samples.tsv", ["sample_id\tvcf", "A\ta.vcf", "A\tb.vcf"])
    status = cli.main(["cohort", str(sheet), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == ExitStatus.INPUT_ERROR
    assert "samples.tsv:3: duplicate sample id 'A'" in err
    assert not (tmp_path / "out").exists()


def test_without_snakemake_the_error_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "snakemake", None)  # as if not installed
    sheet = write_sheet(tmp_path / "samples.tsv", ["sample_id\tvcf", "A\ta.vcf"])
    status = cli.main(["cohort", str(sheet), "-o", str(tmp_path / "out")])
    assert status == ExitStatus.ERROR
    assert "install leuk-annot[cohort]" in capsys.readouterr().err


def test_unknown_executor_plugin_is_a_usage_error(tmp_path, capsys):
    pytest.importorskip("snakemake")
    sheet = write_sheet(tmp_path / "samples.tsv", ["sample_id\tvcf", "A\ta.vcf"])
    status = cli.main(["cohort", str(sheet), "-o", str(tmp_path / "out"), "--executor", "no-such-cluster"])
    assert status == ExitStatus.USAGE
    assert "pip install snakemake-executor-plugin-no-such-cluster" in capsys.readouterr().err


def test_executor_and_extra_snakemake_args_pass_through(tmp_path):
    parser = cli._parser()
    args = parser.parse_args(["cohort", "s.tsv", "-o", str(tmp_path), "--executor", "slurm",
                              "--snakemake-args", "--slurm-no-account", "--default-resources", "mem_mb=500"])
    cmd = cohort.snakemake_command(args)
    assert cmd[cmd.index("--executor") + 1] == "slurm" and "--jobs" in cmd and "--cores" not in cmd
    assert cmd[-3:] == ["--slurm-no-account", "--default-resources", "mem_mb=500"]
    local = cohort.snakemake_command(parser.parse_args(["cohort", "s.tsv", "-o", str(tmp_path), "--cores", "3"]))
    assert local[local.index("--cores") + 1] == "3" and "--executor" not in local
    assert local[local.index("--config") + 1] == f"samples={Path('s.tsv').resolve()}"


@pytest.mark.parametrize("stderr, code, expected", [
    ("leuk-annot: reading\nleuk-annot: error: x.vcf:3: bad POS (hint: h)\n", 3, "x.vcf:3: bad POS (hint: h)"),
    ("leuk-annot: internal error: KeyError: 'x' (rerun with --debug and report it)\n", 1,
     "internal error: KeyError: 'x' (rerun with --debug and report it)"),
    ("Segmentation fault\n", -11, "Segmentation fault"),
    ("", 137, "exited with status 137 and no message"),
])
def test_one_line_error(stderr, code, expected):
    assert one_line_error(stderr, code) == expected
