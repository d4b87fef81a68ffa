"""End-to-end cases: explicit clinical expectations, then the golden JSON as regression target.

Regenerate goldens only on purpose (``pytest --update-golden``) and explain every diff.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import REPO

from leuk_annot.api import SampleInputs, annotate
from leuk_annot.report.json_out import to_json, validate_result_json

GOLDEN = REPO / "tests" / "golden"
FIXED_NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

CASE_INPUTS = {
    "demo": dict(vcf="test_data/cases/demo/DEMO_REL.vcf", fusions=("test_data/cases/demo/DEMO_REL.fusions.tsv",)),
    "ph_pos_t315i_grch37": dict(vcf="test_data/cases/ph_pos_t315i_grch37/PH37.vcf",
                                fusions=("test_data/cases/ph_pos_t315i_grch37/PH37.fusions.tsv",)),
    "etv6_runx1_nt5c2": dict(vcf="test_data/cases/etv6_runx1_nt5c2/ETV_REL.vcf",
                             fusions=("test_data/cases/etv6_runx1_nt5c2/ETV_REL.fusions.tsv",)),
    "negative_control": dict(vcf="test_data/cases/negative_control/NEG.vcf",
                             fusions=("test_data/cases/negative_control/NEG.fusions.tsv",)),
    "kmt2a_fusion_only": dict(fusions=("test_data/cases/kmt2a_fusion_only/KMT2A.fusions.tsv",)),
    "conflicting_drivers": dict(fusions=("test_data/cases/conflicting_drivers/CONFLICT.fusions.tsv",)),
    "relapse_ph_t315i_very_early": dict(vcf="test_data/cases/demo/DEMO_REL.vcf",
                                        fusions=("test_data/cases/demo/DEMO_REL.fusions.tsv",),
                                        clinical="test_data/clinical/very_early_marrow.yaml"),
    "etv6_runx1_late_subclonal_nt5c2": dict(
        vcf="test_data/cases/etv6_runx1_late_subclonal_nt5c2/LATE_REL.vcf",
        fusions=("test_data/cases/etv6_runx1_late_subclonal_nt5c2/LATE_REL.fusions.tsv",),
        clinical="test_data/clinical/late_relapse.yaml"),
    "nudt15_hom_germline": dict(vcf="test_data/cases/etv6_runx1_nt5c2/ETV_REL.vcf",
                                germline="test_data/cases/nudt15_hom_germline/GERMLINE.vcf"),
    "cd19_escape_after_cart": dict(vcf="test_data/cases/cd19_escape_after_cart/CD19_REL.vcf",
                                   clinical="test_data/cases/cd19_escape_after_cart/clinical.yaml"),
    "missing_dates": dict(vcf="test_data/cases/demo/DEMO_REL.vcf", clinical="test_data/clinical/missing_dates.yaml"),
    "cnv_iamp21": dict(cnv=("test_data/cases/cnv_iamp21/sample.seg",), genome="GRCh38"),
    "cnv_high_hyperdiploid": dict(cnv=("test_data/cases/cnv_high_hyperdiploid/sample.seg",), genome="GRCh38"),
    "cnv_ikzf1plus_par1": dict(cnv=("test_data/cases/cnv_ikzf1plus_par1/sample.seg",), genome="GRCh38"),
    "sv_bcr_abl1_manta": dict(sv=("test_data/sv/manta_somatic.grch38.vcf",)),
}


def run_case(name, kb, monkeypatch):
    monkeypatch.chdir(REPO)  # provenance paths stay relative, so goldens do not depend on the checkout
    spec = CASE_INPUTS[name]
    optional = {key: Path(spec[key]) for key in ("vcf", "clinical", "germline") if key in spec}
    inputs = SampleInputs(fusions=tuple(Path(f) for f in spec.get("fusions", ())),
                          sv=tuple(Path(f) for f in spec.get("sv", ())),
                          cnv=tuple(Path(f) for f in spec.get("cnv", ())),
                          genome=spec.get("genome", "auto"), **optional)
    return annotate(inputs, kb, now=FIXED_NOW)


def agents(result, response):
    return {t.agent for t in result.therapies if t.response == response}


def test_demo_is_ph_positive_relapse_with_t315i(kb, monkeypatch):
    result = run_case("demo", kb, monkeypatch)
    primary = result.subtypes[0]
    assert (primary.subtype_id, primary.status, primary.rule_id) == ("BALL.BCR_ABL1", "primary", "R-BALL-BCR_ABL1-01")
    labels = {lesion.label for lesion in result.lesions}
    assert {"BCR::ABL1 e1a2 (p190)", "ABL1 p.T315I", "TPMT p.Y240C"} <= labels
    assert "TP53 p.R248Q" not in labels, "a FILTER-failed record must not become a lesion by default"
    assert not any("p.R333=" in label for label in labels), "synonymous variants are not lesions"
    assert [lesion.label for lesion in result.low_confidence] == ["NUP214::XKR3"]
    assert {"imatinib", "dasatinib", "nilotinib", "bosutinib"} <= agents(result, "resistance")
    assert "ponatinib" in agents(result, "sensitivity")
    t315i = next(lesion for lesion in result.lesions if lesion.label == "ABL1 p.T315I")
    assert t315i.hotspot_id == "ABL1_T315I" and t315i.vaf == pytest.approx(44 / 105)
    assert t315i.evidence[0].source.line is not None
    assert {f.id for f in result.flags} >= {"L-ABL1_KD-01", "L-PGX-TPMT-01"}
    assert result.prognosis.risk == "high"


def test_raw_grch37_vcf_recognises_hotspots_by_position(kb, monkeypatch):
    result = run_case("ph_pos_t315i_grch37", kb, monkeypatch)
    assert result.genome_build == "GRCh37"
    labels = {lesion.label for lesion in result.lesions}
    assert {"ABL1 p.T315I", "NRAS p.G12D", "BCR::ABL1"} <= labels
    assert any("no consequence annotation" in w.message for w in result.warnings)


def test_etv6_runx1_relapse_with_nt5c2(kb, monkeypatch):
    result = run_case("etv6_runx1_nt5c2", kb, monkeypatch)
    assert result.subtypes[0].subtype_id == "BALL.ETV6_RUNX1"
    nt5c2 = next(lesion for lesion in result.lesions if lesion.genes == ("NT5C2",))
    assert nt5c2.label == "NT5C2 p.R367Q"
    assert any(role.category == "relapse_resistance" and role.relapse for role in nt5c2.roles)
    assert {"mercaptopurine", "thioguanine"} <= agents(result, "resistance")
    # ETV6::RUNX1 is favourable, but the relapse NT5C2 mutation carries high risk: both are stated
    assert result.prognosis.risk == "high"
    assert {f.risk for f in result.prognosis.basis} == {"favourable", "high"}


def test_negative_control_is_unclassified_and_says_why(kb, monkeypatch):
    result = run_case("negative_control", kb, monkeypatch)
    assert len(result.subtypes) == 1
    call = result.subtypes[0]
    assert (call.subtype_id, call.status, call.rule_id) == ("BALL.NOS", "unclassified", None)
    assert "copy-number" in call.note and "expression" in call.note
    assert result.therapies == ()
    assert result.prognosis.risk is None


def test_fusion_only_run_reports_what_was_not_assessed(kb, monkeypatch):
    result = run_case("kmt2a_fusion_only", kb, monkeypatch)
    assert result.subtypes[0].subtype_id == "BALL.KMT2A"
    assert result.genome_build == "unknown"
    not_assessed = {a.topic for a in result.assessments if not a.assessed}
    assert "sequence-variant-defined subtypes and relapse mutations" in not_assessed
    assert agents(result, "sensitivity") == {"revumenib"}


def test_competing_drivers_are_both_shown_as_conflicting(kb, monkeypatch):
    result = run_case("conflicting_drivers", kb, monkeypatch)
    assert [c.status for c in result.subtypes] == ["conflicting", "conflicting"]
    assert {c.subtype_id for c in result.subtypes} == {"BALL.BCR_ABL1", "BALL.ETV6_RUNX1"}
    assert all("Competing defining lesions" in c.note for c in result.subtypes)


def relapse_item(result, scheme):
    return next(item for item in result.relapse.items if item.scheme == scheme)


def test_ph_positive_very_early_relapse_with_t315i(kb, monkeypatch):
    result = run_case("relapse_ph_t315i_very_early", kb, monkeypatch)
    assert result.subtypes[0].subtype_id == "BALL.BCR_ABL1"
    assert relapse_item(result, "BFM time to relapse").value == "very early"
    assert relapse_item(result, "BFM strategic group").value == "S3/S4"
    assert relapse_item(result, "High-risk relapse genetics").value.startswith("present: Ph+")
    assert "ponatinib" in agents(result, "sensitivity") and "imatinib" in agents(result, "resistance")


def test_etv6_runx1_late_relapse_with_subclonal_nt5c2(kb, monkeypatch):
    result = run_case("etv6_runx1_late_subclonal_nt5c2", kb, monkeypatch)
    assert result.subtypes[0].subtype_id == "BALL.ETV6_RUNX1"
    assert relapse_item(result, "BFM time to relapse").value == "late"
    nt5c2 = next(lesion for lesion in result.lesions if lesion.genes == ("NT5C2",))
    assert nt5c2.clonality == "subclonal"
    assert "M-NT5C2_SUBCLONAL-01" in {flag.id for flag in result.flags}
    assert {"mercaptopurine", "thioguanine"} <= agents(result, "resistance")


def test_nudt15_homozygous_germline_is_a_poor_metabolizer(kb, monkeypatch):
    result = run_case("nudt15_hom_germline", kb, monkeypatch)
    calls = {call.gene: call for call in result.pharmacogenomics.calls}
    assert calls["NUDT15"].phenotype == "poor metabolizer" and calls["NUDT15"].sample_kind == "germline"
    assert calls["TPMT"].phenotype == "normal metabolizer"
    assert {rec.drug for rec in result.pharmacogenomics.recommendations} == {"mercaptopurine", "thioguanine"}


def test_cd19_frameshift_after_car_t(kb, monkeypatch):
    result = run_case("cd19_escape_after_cart", kb, monkeypatch)
    cd19 = next(lesion for lesion in result.lesions if lesion.genes == ("CD19",))
    assert cd19.consequence_class == "truncating" and "L-CD19-01" in {role.rule_id for role in cd19.roles}
    assert {"blinatumomab", "tisagenlecleucel"} <= agents(result, "resistance")
    assert "multiple" in relapse_item(result, "Refractory disease (criteria as specified by the project brief)").basis


def test_clinical_file_with_missing_dates_is_not_assessable_not_guessed(kb, monkeypatch):
    result = run_case("missing_dates", kb, monkeypatch)
    timing = relapse_item(result, "BFM time to relapse")
    assert (timing.assessable, timing.value) == (False, None)
    assert "date_of" in timing.basis


@pytest.mark.parametrize("name, subtype", [
    ("cnv_iamp21", "BALL.IAMP21"),
    ("cnv_high_hyperdiploid", "BALL.HYPERDIPLOID"),
    ("cnv_ikzf1plus_par1", "BALL.PH_LIKE_JAK_STAT"),
])
def test_copy_number_cases(name, subtype, kb, monkeypatch):
    result = run_case(name, kb, monkeypatch)
    assert result.subtypes[0].subtype_id == subtype
    assert result.copy_number is not None and result.copy_number.modal_number is not None


def test_ikzf1plus_from_copy_number(kb, monkeypatch):
    result = run_case("cnv_ikzf1plus_par1", kb, monkeypatch)
    assert "M-IKZF1PLUS-01" in {flag.id for flag in result.flags}


def test_manta_translocation_alone_makes_ph_positive(kb, monkeypatch):
    result = run_case("sv_bcr_abl1_manta", kb, monkeypatch)
    assert result.subtypes[0].subtype_id == "BALL.BCR_ABL1"
    assert result.genome_build == "GRCh38"


@pytest.mark.parametrize("name", sorted(CASE_INPUTS))
def test_golden_json(name, kb, monkeypatch, update_golden):
    document = to_json(run_case(name, kb, monkeypatch))
    validate_result_json(json.loads(document))
    golden = GOLDEN / name / "result.json"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(document, encoding="utf-8")
    assert golden.is_file(), f"no golden for {name}: run pytest --update-golden and review the file"
    assert document == golden.read_text(encoding="utf-8")
