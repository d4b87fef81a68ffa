"""Relapse risk stratification: calendar-month cut-offs, risk groups, refractoriness, genetics, notes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from conftest import TEST_DATA, edit_yaml

from leuk_annot.errors import KnowledgeBaseError
from leuk_annot.io.clinical import ClinicalData, MrdResult, Relapse, read_clinical
from leuk_annot.knowledge import load_knowledge
from leuk_annot.model import Lesion, LesionKind, SubtypeCall
from leuk_annot.relapse import add_months, assess_relapse, months_between

CLINICAL = TEST_DATA / "clinical"
D = dt.date.fromisoformat


def clinical(relapse: str | None = None, site: str | None = "isolated_marrow", **fields) -> ClinicalData:
    relapses = (Relapse(D(relapse) if relapse else None, site, "date_of_relapse", "relapse_site"),)
    dates = {k: D(v) for k, v in fields.items() if k.startswith("date_") and isinstance(v, str)}
    return ClinicalData(path="c.yaml", relapses=relapses, **{**fields, **dates})


def items(c, kb, calls=(), lesions=(), copy_number_assessed=False, **kw):
    result = assess_relapse(c, calls, lesions, kb, copy_number_assessed=copy_number_assessed, **kw)
    return {item.scheme: item for item in result.items}


def call(subtype_id: str, name: str) -> SubtypeCall:
    return SubtypeCall(subtype_id, name, name, None, "B", "high", "R-TEST", (), ("alaggio2022",))


def lesion(gene: str, kind: LesionKind, confidence: str = "high") -> Lesion:
    return Lesion(f"{kind.value}:{gene}", kind, (gene,), f"{gene} {kind.value}", (), confidence=confidence)


@pytest.mark.parametrize(("start", "months", "end"), [
    ("2019-01-10", 18, "2020-07-10"), ("2019-08-31", 6, "2020-02-29"), ("2019-08-31", 18, "2021-02-28"),
    ("2020-12-15", 1, "2021-01-15"), ("2020-03-31", -1, "2020-02-29"),
])
def test_add_months_is_calendar_arithmetic_with_day_clamping(start, months, end):
    assert add_months(D(start), months) == D(end)


def test_months_between_counts_whole_calendar_months():
    assert months_between(D("2019-01-10"), D("2020-07-10")) == 18
    assert months_between(D("2019-01-10"), D("2020-07-09")) == 17
    assert months_between(D("2020-07-10"), D("2020-01-11")) == -5


def test_very_early_marrow_fixture(kb):
    got = items(read_clinical(CLINICAL / "very_early_marrow.yaml"), kb)
    bfm = got["BFM time to relapse"]
    assert (bfm.value, bfm.assessable) == ("very early", True)
    assert "14 calendar months after diagnosis (2019-01-10)" in bfm.basis
    assert got["BFM strategic group"].value == "S3/S4"
    assert "S3 vs S4" in got["BFM strategic group"].basis
    assert got["UK ALL R3 risk group"].value == "high"
    assert got["COG time to relapse"].value == "early"
    assert got["COG relapse risk group"].value == "high"
    assert got["COG time to relapse (2024 outcome categories)"].value == "early"


@pytest.mark.parametrize(("relapse", "expected"), [("2020-07-10", "early"), ("2020-07-09", "very early")])
def test_bfm_boundary_exactly_18_months_from_diagnosis_is_early(kb, relapse, expected):
    c = clinical(relapse, date_of_diagnosis="2019-01-10", date_end_of_frontline_therapy="2021-03-01",
                 immunophenotype="B")
    assert items(c, kb)["BFM time to relapse"].value == expected


@pytest.mark.parametrize(("relapse", "expected"), [("2018-09-01", "late"), ("2018-08-31", "early")])
def test_bfm_boundary_exactly_6_months_after_end_of_therapy_is_late(kb, relapse, expected):
    c = clinical(relapse, date_of_diagnosis="2016-01-10", date_end_of_frontline_therapy="2018-03-01",
                 immunophenotype="B")
    got = items(c, kb)
    assert got["BFM time to relapse"].value == expected
    assert got["St Jude early relapse"].value == ("not early" if expected == "late" else "early")


def test_late_relapse_fixture_with_low_end_block1_mrd_is_cog_low(kb):
    c = read_clinical(CLINICAL / "late_relapse.yaml")
    got = items(c, kb)
    assert got["BFM time to relapse"].value == "late"
    assert got["BFM strategic group"].value == "S2"
    assert got["UK ALL R3 risk group"].value == "intermediate"
    assert got["COG time to relapse"].value == "late"
    assert got["COG relapse risk group"].value == "low"
    assert "end_of_reinduction_block1" in got["COG relapse risk group"].basis
    high_mrd = dataclasses.replace(c, mrd=(MrdResult("end_of_reinduction_block1", 0.002, False, "mrd[0]"),))
    assert items(high_mrd, kb)["COG relapse risk group"].value == "intermediate"


def test_cog_group_of_a_late_relapse_needs_end_block1_mrd(kb):
    c = dataclasses.replace(read_clinical(CLINICAL / "late_relapse.yaml"), mrd=())
    cog = items(c, kb)["COG relapse risk group"]
    assert not cog.assessable and cog.value is None
    assert "mrd at timepoint end_of_reinduction_block1" in cog.basis
    undecidable = dataclasses.replace(c, mrd=(MrdResult("end_of_reinduction_block1", 0.01, True, "mrd[0]"),))
    assert not items(undecidable, kb)["COG relapse risk group"].assessable
    decided = dataclasses.replace(c, mrd=(MrdResult("end_of_reinduction_block1", 0.0005, True, "mrd[0]"),))
    assert items(decided, kb)["COG relapse risk group"].value == "low"


@pytest.mark.parametrize(("relapse", "end", "bfm", "group", "uk"), [
    ("2021-09-06", "2021-09-06", "early", "S2", "intermediate"),  # 20 months from diagnosis, on therapy
    ("2020-12-01", "2022-01-06", "very early", "S2", "high"),
    ("2022-09-01", "2022-01-06", "late", "S1", "standard"),
])
def test_isolated_extramedullary_relapses(kb, relapse, end, bfm, group, uk):
    c = clinical(relapse, "isolated_extramedullary", date_of_diagnosis="2020-01-06",
                 date_end_of_frontline_therapy=end, immunophenotype="B")
    got = items(c, kb)
    assert (got["BFM time to relapse"].value, got["BFM strategic group"].value) == (bfm, group)
    assert got["UK ALL R3 risk group"].value == uk


def test_isolated_extramedullary_fixture_uses_the_18_month_cog_cut(kb):
    got = items(read_clinical(CLINICAL / "isolated_extramedullary.yaml"), kb)
    assert got["COG time to relapse"].value == "late"  # IEM 20 months >= 18; a marrow relapse would be early
    assert got["BFM strategic group"].value == "S2"


def test_t_all_marrow_relapse_is_s3_s4_regardless_of_timing(kb):
    late = items(read_clinical(CLINICAL / "tall_marrow.yaml"), kb)
    assert late["BFM time to relapse"].value == "late"
    assert late["BFM strategic group"].value == "S3/S4"
    assert late["COG relapse risk group"].value == "high"
    undated = items(clinical(None, "combined", immunophenotype="T"), kb)
    assert not undated["BFM time to relapse"].assessable
    assert undated["BFM strategic group"].value == "S3/S4"
    assert undated["UK ALL R3 risk group"].value == "high"
    assert undated["COG relapse risk group"].value == "high"


def test_missing_dates_are_not_assessable_and_name_the_fields(kb):
    got = items(read_clinical(CLINICAL / "missing_dates.yaml"), kb)
    bfm = got["BFM time to relapse"]
    assert (bfm.value, bfm.assessable) == (None, False)
    for name in ("date_of_diagnosis", "date_of_relapse", "date_end_of_frontline_therapy"):
        assert name in bfm.basis
    assert not got["BFM strategic group"].assessable
    assert "date_of_diagnosis" in got["BFM strategic group"].basis
    assert "date_end_of_frontline_therapy" in got["St Jude early relapse"].basis
    assert "date_of_diagnosis" not in got["St Jude early relapse"].basis.split("definition source")[0]


def test_b_lineage_marrow_relapse_without_immunophenotype_names_it(kb):
    c = clinical("2020-03-15", date_of_diagnosis="2019-01-10")
    group = items(c, kb)["BFM strategic group"]
    assert not group.assessable and "immunophenotype" in group.basis


def test_st_jude_definition_is_computed_but_marked_unverified(kb):
    c = clinical("2018-05-01", date_of_diagnosis="2016-01-10", date_end_of_frontline_therapy="2018-03-01")
    item = items(c, kb)["St Jude early relapse"]
    assert item.value == "early"
    assert "source not verified" in item.basis and "project brief" in item.basis
    assert item.citations == ()


def test_multiple_relapses_are_refractory(kb):
    item = items(read_clinical(CLINICAL / "multiple_relapses.yaml"), kb)["Refractory disease (criteria as specified "
                                                                          "by the project brief)"]
    assert item.value == "refractory"
    assert "multiple relapses (2 relapse(s) recorded)" in item.basis
    assert "UNVERIFIED" in item.basis


REFRACTORY = "Refractory disease (criteria as specified by the project brief)"


@pytest.mark.parametrize(("change", "expected", "criterion"), [
    ({}, "not refractory", None),
    ({"courses_to_first_remission": 3, "induction_failure": True}, "refractory", "induction failure"),
    ({"courses_to_first_remission": 2, "induction_failure": True}, None, "date_of_first_remission"),
    ({"courses_to_first_remission": 2, "induction_failure": True, "date_of_first_remission": D("2015-04-01")},
     "not refractory", None),
    ({"response_to_reinduction": "no_CR"}, "refractory", "no response to reinduction"),
    ({"date_end_of_induction": D("2017-09-02")}, "refractory", "early relapse after first remission"),
    ({"date_end_of_induction": D("2017-09-01")}, "not refractory", None),  # exactly 6 months before relapse
    ({"response_to_reinduction": "not_evaluated"}, None, "response_to_reinduction"),
])
def test_refractory_criteria(kb, change, expected, criterion):
    base = read_clinical(CLINICAL / "late_relapse.yaml")  # relapse 2018-03-01, one relapse, CR to reinduction
    item = items(dataclasses.replace(base, **change), kb)[REFRACTORY]
    assert item.value == expected
    if criterion:
        assert criterion in item.basis


def test_high_risk_genetics_ph_positive_is_present_without_copy_number(kb):
    got = items(None, kb, calls=[call("BALL.BCR_ABL1", "B-ALL with BCR::ABL1 fusion")])
    item = got["High-risk relapse genetics"]
    assert item.assessable and item.value.startswith("present: Ph+ (BCR::ABL1)")
    assert "not assessed (copy-number not given)" in item.basis and "hypodiploid" in item.basis


def test_high_risk_genetics_hypodiploidy_is_not_assessed_without_copy_number(kb):
    item = items(None, kb)["High-risk relapse genetics"]
    assert (item.value, item.assessable) == (None, False)
    assert "absent among assessed lesions; copy-number not assessed" in item.basis
    assert "hypodiploid < 40 chromosomes" in item.basis.split("not assessed (")[1]
    assert "iAMP21" in item.basis.split("not assessed (")[1]
    complete = items(None, kb, copy_number_assessed=True)["High-risk relapse genetics"]
    assert (complete.value, complete.assessable) == ("absent", True)
    no_fusions = items(None, kb, copy_number_assessed=True, fusions_assessed=False)["High-risk relapse genetics"]
    assert not no_fusions.assessable and "KMT2A-r" in no_fusions.basis.split("not assessed (")[1]


def test_high_risk_genetics_from_lesions_and_calls(kb):
    calls = [call("BALL.LOW_HYPODIPLOID", "B-ALL, low hypodiploid")]
    lesions = [lesion("TP53", LesionKind.SEQUENCE_VARIANT), lesion("TP53", LesionKind.GENE_DELETION, "low")]
    item = items(None, kb, calls=calls, lesions=lesions, copy_number_assessed=True)["High-risk relapse genetics"]
    assert "hypodiploid < 40 chromosomes (B-ALL, low hypodiploid)" in item.value
    assert "TP53 mutation" in item.value
    assert "TP53 deletion" not in item.value  # the low-confidence deletion is not used
    assert "rheingold2024" in item.citations


def test_without_clinical_file_clinical_items_say_so(kb):
    result = assess_relapse(None, [], [], kb, copy_number_assessed=True)
    assert result.clinical_file is None
    by_scheme = {i.scheme: i for i in result.items}
    assert "no clinical file given" in by_scheme["BFM time to relapse"].basis
    assert not by_scheme["BFM time to relapse"].assessable
    assert by_scheme["High-risk relapse genetics"].assessable


@pytest.mark.parametrize(("blasts", "phenotype", "expected"), [
    (82, "B", "marrow blasts >= 50%"), (50, "B", "marrow blasts >= 50%"), (49.9, "B", "marrow blasts < 50%"),
    (82, "T", "not applicable (T-ALL)"), (None, "B", None),
])
def test_blinatumomab_tumour_burden_note(kb, blasts, phenotype, expected):
    c = dataclasses.replace(clinical("2020-03-15"), marrow_blasts_percent=blasts, immunophenotype=phenotype)
    note = items(c, kb)["Immunotherapy note (blinatumomab and marrow blast burden)"]
    if expected is None:
        assert not note.assessable and "marrow_blasts_percent" in note.basis
    else:
        assert note.value.startswith(expected)


def test_every_item_is_cited_or_marked_unverified(kb):
    for scheme in kb.relapse_schemes:
        assert scheme.citations or scheme.definition == "unverified", scheme.id
        for key in scheme.citations:
            assert key in kb.citations


def test_kb_rejects_a_reference_to_a_later_or_unknown_record(db_copy):
    def edit(doc):
        group = next(d for d in doc if d["id"] == "RR-GROUP-BFM")
        group["categories"][0]["when"]["item"] = {"RR-NOPE": ["late"]}
        group["categories"][1]["when"]["item"] = {"RR-GROUP-UKALLR3": ["high"]}  # defined later in the file
    edit_yaml(db_copy / "relapse_risk.yaml", edit)
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge(db_copy)
    assert "RR-GROUP-BFM.categories[0].when.item: 'RR-NOPE' is not an earlier record" in str(info.value)
    assert "RR-GROUP-BFM.categories[1].when.item: 'RR-GROUP-UKALLR3' is not an earlier record" in str(info.value)


def test_kb_rejects_unknown_subtypes_and_citations_in_markers(db_copy):
    def edit(doc):
        genetics = next(d for d in doc if d["id"] == "RR-HR-GENETICS")
        genetics["markers"][1]["subtypes"] = ["BALL.NOPE"]
        genetics["markers"][2]["citations"] = ["nosuch2099"]
    edit_yaml(db_copy / "relapse_risk.yaml", edit)
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge(db_copy)
    assert "RR-HR-GENETICS.markers[1].subtypes: unknown subtype 'BALL.NOPE'" in str(info.value)
    assert "unknown citation key 'nosuch2099'" in str(info.value)


def test_kb_schema_requires_a_note_for_unverified_definitions(db_copy):
    edit_yaml(db_copy / "relapse_risk.yaml", lambda d: d[3].pop("note"))
    with pytest.raises(KnowledgeBaseError, match=r"relapse_risk.yaml: RR-TIME-STJUDE: 'note' is a required property"):
        load_knowledge(db_copy)
