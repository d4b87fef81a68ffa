"""`leuk-annot compare`: diagnosis vs relapse from two real annotate results (test_data/cases/compare_etv6_runx1)."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import CASES, REPO

from leuk_annot import cli
from leuk_annot.api import SampleInputs, annotate
from leuk_annot.compare import (
    compare_dict,
    compare_results,
    compare_to_json,
    compare_to_tsv,
    load_result,
    render_compare_html,
    resistance_reason,
    validate_compare_json,
)
from leuk_annot.errors import CompareError, ExitStatus, InputFormatError
from leuk_annot.report.json_out import to_json

PAIR = CASES / "compare_etv6_runx1"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _result(kb, **inputs) -> dict:
    """Run the real annotation pipeline and return its JSON document, as `annotate` writes it."""
    return json.loads(to_json(annotate(SampleInputs(**inputs), kb, now=NOW)))


@pytest.fixture(scope="module")
def docs(kb):
    fusions = (PAIR / "fusions.tsv",)
    return {
        "dx": _result(kb, vcf=PAIR / "diagnosis.vcf", fusions=fusions),
        "rel": _result(kb, vcf=PAIR / "relapse.vcf", fusions=fusions),
        "rel_vcf_only": _result(kb, vcf=PAIR / "relapse.vcf"),
        "kmt2a": _result(kb, fusions=(CASES / "kmt2a_fusion_only" / "KMT2A.fusions.tsv",)),
        "etv6_fusion_only": _result(kb, fusions=fusions),
        "grch37": _result(kb, vcf=CASES / "ph_pos_t315i_grch37" / "PH37.vcf",
                          fusions=(CASES / "ph_pos_t315i_grch37" / "PH37.fusions.tsv",)),
    }


@pytest.fixture(scope="module")
def comparison(docs):
    return compare_results(docs["dx"], docs["rel"])


def _by_gene(comparison, gene):
    return next(c for c in comparison.lesions if gene in c.genes)


def _write(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# ---- what changed ----------------------------------------------------------------------------


@pytest.mark.parametrize("gene, vaf", [("NT5C2", 0.35), ("TP53", 0.22)])
def test_relapse_resistance_lesions_are_gained_and_highlighted(comparison, gene, vaf):
    change = _by_gene(comparison, gene)
    assert change.status == "gained"
    assert (change.diagnosis_vaf, change.relapse_vaf) == (None, vaf)
    assert change.relapse_resistance
    assert gene in change.resistance_reason
    assert change.key in [c.key for c in comparison.resistance_lesions]


def test_kras_persists_with_a_vaf_drop_and_is_not_resistance(comparison):
    kras = _by_gene(comparison, "KRAS")
    assert (kras.status, kras.matched_by) == ("persisting", "id")
    assert (kras.diagnosis_vaf, kras.relapse_vaf) == (0.30, 0.05)
    assert kras.vaf_shift == pytest.approx(-0.25)
    assert kras.vaf_trend == "contracted"
    assert not kras.relapse_resistance


def test_subtype_stable_and_fusion_persisting(comparison):
    assert comparison.subtype.status == "stable"
    assert not comparison.subtype.prominent
    assert comparison.subtype.diagnosis["id"] == comparison.subtype.relapse["id"] == "BALL.ETV6_RUNX1"
    assert _by_gene(comparison, "RUNX1").status == "persisting"


def test_thiopurine_resistance_is_new_and_risk_rises(comparison):
    by_agent = {(t.agent, t.response): t for t in comparison.therapies}
    for agent in ("mercaptopurine", "thioguanine"):
        link = by_agent[(agent, "resistance")]
        assert (link.status, link.diagnosis_level, link.relapse_level) == ("newly_resistant", None, "C")
        assert "variant:NT5C2:p.Arg367Gln" in link.lesion_ids
    assert by_agent[("trametinib", "sensitivity")].status == "unchanged"
    assert (comparison.prognosis.diagnosis_risk, comparison.prognosis.relapse_risk) == ("favourable", "high")
    assert comparison.prognosis.direction == "higher"


def test_reversed_pair_reports_losses(docs):
    reverse = compare_results(docs["rel"], docs["dx"])
    assert _by_gene(reverse, "NT5C2").status == "lost"
    assert not reverse.resistance_lesions  # lost lesions are never relapse resistance
    assert _by_gene(reverse, "KRAS").vaf_trend == "expanded"
    by_agent = {(t.agent, t.response): t.status for t in reverse.therapies}
    assert by_agent[("mercaptopurine", "resistance")] == "lost"
    assert reverse.prognosis.direction == "lower"


def test_differing_sample_ids_warn_but_compare(comparison):
    assert (comparison.diagnosis.sample_id, comparison.relapse.sample_id) == ("CMP_DX", "CMP_REL")
    assert any("sample ids differ" in w.message for w in comparison.warnings)


def test_same_sample_id_gives_no_sample_warning(docs):
    rel = copy.deepcopy(docs["rel"])
    rel["sample"]["id"] = docs["dx"]["sample"]["id"]
    assert not any("sample ids" in w.message for w in compare_results(docs["dx"], rel).warnings)


def test_variant_matched_by_allele_when_ids_differ(docs):
    rel = copy.deepcopy(docs["rel"])
    kras = next(lesion for lesion in rel["lesions"] if lesion["genes"] == ["KRAS"])
    kras["id"] = "variant:KRAS:c.35G>A"  # e.g. another transcript or annotator named it differently
    change = _by_gene(compare_results(docs["dx"], rel), "KRAS")
    assert (change.status, change.matched_by) == ("persisting", "allele")


def test_fusion_matched_by_gene_pair_in_either_orientation(docs):
    rel = copy.deepcopy(docs["rel"])
    fusion = next(lesion for lesion in rel["lesions"] if lesion["kind"] == "fusion")
    fusion["id"], fusion["genes"] = "fusion:RUNX1::ETV6", ["RUNX1", "ETV6"]
    for event in fusion["evidence"]:
        event["gene5"], event["gene3"] = event["gene3"], event["gene5"]
    change = _by_gene(compare_results(docs["dx"], rel), "RUNX1")
    assert (change.status, change.matched_by) == ("persisting", "fusion_pair")


def test_expanded_resistance_lesion_is_highlighted(docs):
    dx = copy.deepcopy(docs["rel"])
    nt5c2 = next(lesion for lesion in dx["lesions"] if lesion["genes"] == ["NT5C2"])
    nt5c2["vaf"] = 0.02  # subclonal at diagnosis, 0.35 at relapse
    change = _by_gene(compare_results(dx, docs["rel"]), "NT5C2")
    assert (change.status, change.vaf_trend, change.relapse_resistance) == ("persisting", "expanded", True)


def test_missing_input_is_not_assessed_rather_than_lost(docs):
    c = compare_results(docs["dx"], docs["rel_vcf_only"])
    assert _by_gene(c, "RUNX1").status == "not_assessed_at_relapse"
    assert c.subtype.status == "not_assessed" and c.subtype.prominent
    assert any("fusion calls given at diagnosis but not at relapse" in w.message for w in c.warnings)


def test_changed_subtype_is_flagged_prominently(docs):
    c = compare_results(docs["kmt2a"], docs["etv6_fusion_only"])
    assert c.subtype.status == "changed" and c.subtype.prominent
    assert "KMT2A" in c.subtype.message
    assert _by_gene(c, "KMT2A").status == "lost"
    assert "lineage switch" in c.subtype.note


def test_lost_primary_call_is_flagged(docs):
    rel = copy.deepcopy(docs["dx"])
    rel["lesions"] = [lesion for lesion in rel["lesions"] if lesion["kind"] != "fusion"]
    for call in rel["subtypes"]:
        call["status"] = "unclassified"
    c = compare_results(docs["dx"], rel)
    assert c.subtype.status == "lost" and c.subtype.prominent
    assert _by_gene(c, "RUNX1").status == "lost"


def test_unknown_build_is_allowed_with_a_warning(docs):
    c = compare_results(docs["kmt2a"], docs["rel"])
    assert c.genome_build == "GRCh38"
    assert any("genome build unknown" in w.message for w in c.warnings)


def test_copy_number_modal_change(kb):
    hyper = _result(kb, cnv=(CASES / "cnv_high_hyperdiploid" / "sample.seg",), genome="GRCh38")
    iamp = _result(kb, cnv=(CASES / "cnv_iamp21" / "sample.seg",), genome="GRCh38")
    c = compare_results(iamp, hyper).copy_number
    assert c.compared
    assert c.modal_change == hyper["copy_number"]["modal_number"] - iamp["copy_number"]["modal_number"]
    assert c.modal_change != 0 and c.chromosomes


def test_copy_number_not_compared_without_segments(comparison):
    assert not comparison.copy_number.compared
    assert comparison.copy_number.reason == "no copy-number input at diagnosis and relapse"


@pytest.mark.parametrize("lesion, expected", [
    (dict(kind="sequence_variant", genes=["ABL1"], hgvs_p="p.Thr315Ile", roles=[]), "ABL1 kinase domain"),
    (dict(kind="sequence_variant", genes=["ABL1"], hgvs_p="p.Gly2Ala", roles=[]), None),
    (dict(kind="fusion", genes=["BCR", "ABL1"], hgvs_p=None, roles=[]), None),
    (dict(kind="gene_deletion", genes=["NR3C1"], hgvs_p=None, roles=[]), "NR3C1"),
    (dict(kind="sequence_variant", genes=["FOO"], hgvs_p="p.Arg1Gln",
          roles=[dict(category="tki_resistance", rule_id="R1", role="x")]), "tki resistance (R1)"),
])
def test_resistance_reason(lesion, expected):
    reason = resistance_reason(lesion)
    assert (reason is None) if expected is None else (expected in reason)


# ---- outputs ---------------------------------------------------------------------------------


def test_json_validates_against_its_schema_and_tsv_has_one_row_per_lesion(comparison):
    doc = json.loads(compare_to_json(comparison))
    validate_compare_json(doc)
    assert doc == compare_dict(comparison)
    assert sorted(doc["relapse_resistance"]) == ["variant:NT5C2:p.Arg367Gln", "variant:TP53:p.Arg248Gln"]
    rows = compare_to_tsv(comparison).splitlines()
    header = rows[0].split("\t")
    assert len(rows) == 1 + len(comparison.lesions)
    kras = dict(zip(header, next(r for r in rows if r.startswith("KRAS")).split("\t")))
    assert (kras["status"], kras["diagnosis_vaf"], kras["relapse_vaf"], kras["vaf_shift"]) == (
        "persisting", "0.3", "0.05", "-0.25")


def test_html_has_vaf_plot_with_accessible_text(comparison, kb):
    page = render_compare_html(comparison, kb, created="2026-01-01T00:00:00Z")
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert '<title id="vaf-shift-title">' in svg and '<desc id="vaf-shift-desc">' in svg
    assert 'class="diagonal"' in svg
    for label in ("NT5C2 p.R367Q", "TP53 p.R248Q", "KRAS p.G12D"):
        assert label in svg
    assert "KRAS p.G12D: 30.0% at diagnosis, 5.0% at relapse" in svg
    assert 'id="resistance-table"' in page and 'id="subtype-alert"' not in page


def test_html_is_escaped_and_self_contained(docs, kb):
    dx = copy.deepcopy(docs["dx"])
    dx["sample"]["id"] = '<script>alert("x")</script>'
    page = render_compare_html(compare_results(dx, docs["rel"]), kb)
    assert "<script" not in page
    assert "&lt;script&gt;alert(" in page
    assert not re.search(r"<(link|img|iframe|object)\b", page)
    assert not re.search(r"\bsrc\s*=", page)
    citations = page[page.index('<section id="citations"'):]
    outside = page[:page.index('<section id="citations"')]
    assert not re.search(r'href="(https?:)?//', outside)  # only citation links leave the page
    assert re.search(r'href="https://', citations)


# ---- refusals --------------------------------------------------------------------------------


def test_different_builds_are_refused(docs):
    with pytest.raises(CompareError, match=r"genome builds differ \(diagnosis: GRCh38, relapse: GRCh37\)"):
        compare_results(docs["dx"], docs["grch37"])


def test_result_schema_major_mismatch_is_refused(docs):
    newer = copy.deepcopy(docs["rel"])
    newer["schema_version"] = "2.0"
    with pytest.raises(CompareError, match=r"relapse: result schema 2\.0 cannot be compared"):
        compare_results(docs["dx"], newer)


def test_result_schema_minor_difference_compares_with_warning(docs):
    newer = copy.deepcopy(docs["rel"])
    newer["schema_version"] = "1.7"
    newer["a_field_added_in_1_7"] = {"anything": True}
    c = compare_results(docs["dx"], newer)
    assert any("result schema 1.7" in w.message for w in c.warnings)
    assert _by_gene(c, "NT5C2").status == "gained"


def test_knowledge_base_schema_mismatch_is_refused(docs):
    other = copy.deepcopy(docs["rel"])
    other["provenance"]["annotation_db_schema_version"] += 1
    with pytest.raises(CompareError, match="knowledge-base schema versions differ"):
        compare_results(docs["dx"], other)


def test_not_a_result_is_refused(docs):
    with pytest.raises(InputFormatError, match=r"^other\.json: not a leuk-annot result"):
        compare_results({"hello": 1}, docs["rel"], names=("other.json", "rel.json"))
    broken = copy.deepcopy(docs["rel"])
    del broken["lesions"]
    with pytest.raises(InputFormatError, match=r"rel\.json: not a leuk-annot result: 'lesions' is a required"):
        compare_results(docs["dx"], broken, names=("dx.json", "rel.json"))


def test_malformed_json_names_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "schema_version": "1.0",\n  "sample": {"id": "X",}\n}\n', encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"bad\.json:3: not valid JSON: .* \(column \d+\)"):
        load_result(bad)


# ---- command line ----------------------------------------------------------------------------


def test_cli_writes_three_reports(docs, tmp_path, capsys):
    dx, rel = _write(tmp_path / "dx.json", docs["dx"]), _write(tmp_path / "rel.json", docs["rel"])
    out = tmp_path / "out"
    assert cli.main(["compare", str(dx), str(rel), "-o", str(out), "--prefix", "PT 01"]) == ExitStatus.OK
    assert sorted(p.name for p in out.iterdir()) == [
        "PT_01.leuk-annot.compare.html", "PT_01.leuk-annot.compare.json", "PT_01.leuk-annot.compare.tsv"]
    validate_compare_json(json.loads((out / "PT_01.leuk-annot.compare.json").read_text(encoding="utf-8")))
    assert "sample ids differ" in capsys.readouterr().err


def test_cli_default_prefix_names_both_samples(docs, tmp_path):
    dx, rel = _write(tmp_path / "dx.json", docs["dx"]), _write(tmp_path / "rel.json", docs["rel"])
    assert cli.main(["compare", str(dx), str(rel), "-o", str(tmp_path / "o"), "-q"]) == ExitStatus.OK
    assert (tmp_path / "o" / "CMP_DX_vs_CMP_REL.leuk-annot.compare.json").is_file()


def test_cli_failure_leaves_no_partial_output(docs, tmp_path, capsys):
    dx, rel = _write(tmp_path / "dx.json", docs["dx"]), _write(tmp_path / "rel.json", docs["rel"])
    out, empty_templates = tmp_path / "out", tmp_path / "templates"
    empty_templates.mkdir()
    status = cli.main(["compare", str(dx), str(rel), "-o", str(out), "--templates", str(empty_templates)])
    assert status == ExitStatus.OUTPUT_ERROR
    assert "no compare.html.j2" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())  # neither the JSON nor the TSV was written


@pytest.mark.parametrize("edit, status, message", [
    (lambda d: d.__setitem__("genome_build", "GRCh37"), ExitStatus.COMPARE_ERROR, "genome builds differ"),
    (lambda d: d.__setitem__("schema_version", "2.0"), ExitStatus.COMPARE_ERROR, "result schema 2.0"),
    (lambda d: d.clear(), ExitStatus.INPUT_ERROR, "not a leuk-annot result"),
])
def test_cli_refusals_exit_with_documented_status(docs, tmp_path, capsys, edit, status, message):
    rel_doc = copy.deepcopy(docs["rel"])
    edit(rel_doc)
    dx, rel = _write(tmp_path / "dx.json", docs["dx"]), _write(tmp_path / "rel.json", rel_doc)
    assert cli.main(["compare", str(dx), str(rel), "-o", str(tmp_path / "out")]) == status
    err = capsys.readouterr().err
    assert message in err
    assert not (tmp_path / "out").exists()


def test_cli_malformed_json_exit_status(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  oops\n}\n", encoding="utf-8")
    assert cli.main(["compare", str(bad), str(bad), "-o", str(tmp_path / "out")]) == ExitStatus.INPUT_ERROR
    assert re.search(r"bad\.json:2: not valid JSON", capsys.readouterr().err)


def test_exit_code_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"| {int(ExitStatus.COMPARE_ERROR)} | two results cannot be compared" in readme
