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
}


def run_case(name, kb, monkeypatch):
    monkeypatch.chdir(REPO)  # provenance paths stay relative, so goldens do not depend on the checkout
    spec = CASE_INPUTS[name]
    inputs = SampleInputs(vcf=Path(spec["vcf"]) if "vcf" in spec else None,
                          fusions=tuple(Path(f) for f in spec.get("fusions", ())))
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
