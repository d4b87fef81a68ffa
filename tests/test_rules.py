"""Rule evaluation, lesion derivation and therapy linking, one behaviour per test."""

from __future__ import annotations

import pytest

from leuk_annot.classify import assign_roles, classify, derive_lesions
from leuk_annot.classify.lesions import consequence_class
from leuk_annot.classify.rules import evaluate, fusion_matches
from leuk_annot.model import Fusion, SourceRef, Variant
from leuk_annot.therapy import combine_prognosis, link_therapies

SRC = SourceRef("unit.tsv", 2)


def fusion(gene5, gene3, **kw):
    return Fusion(gene5, gene3, "tsv", SRC, **kw)


def variant(gene, hgvs_p, consequence=("missense_variant",), **kw):
    return Variant("1", 100, "A", "C", SRC, gene=gene, hgvs_p=hgvs_p, consequence=consequence,
                   annotation="vep", **kw)


def lesions_of(kb, variants=(), fusions=(), build="GRCh38"):
    return derive_lesions(list(variants), list(fusions), kb, build).lesions


@pytest.mark.parametrize("pattern, genes, expected", [
    ("BCR::ABL1", ("BCR", "ABL1"), True),
    ("BCR::ABL1", ("ABL1", "BCR"), False),  # gene order matters: the reciprocal is not Ph+
    ("*::ABL1", ("NUP214", "ABL1"), True),
    ({"pattern": "*::ABL1", "except": ["BCR::ABL1"]}, ("BCR", "ABL1"), False),
    ("KMT2A::*", ("KMT2A", "AFF1"), True),
    ("*::NKX2-1", ("TRB", "NKX2-1"), True),
])
def test_fusion_patterns(pattern, genes, expected):
    assert fusion_matches(pattern, genes) is expected


def test_any_of_returns_every_supporting_lesion(kb):
    lesions = lesions_of(kb, fusions=[fusion("KMT2A", "AFF1"), fusion("MLLT3", "KMT2A")])
    support = evaluate({"any_of": [{"fusion": "KMT2A::*"}, {"fusion": "*::KMT2A"}]}, lesions, kb)
    assert support == {"fusion:KMT2A::AFF1", "fusion:MLLT3::KMT2A"}


def test_reciprocal_products_are_one_lesion_named_in_the_known_orientation(kb):
    (lesion,) = lesions_of(kb, fusions=[fusion("ABL1", "BCR"), fusion("BCR", "ABL1")])
    assert lesion.id == "fusion:BCR::ABL1"
    assert [(e.gene5, e.gene3) for e in lesion.evidence] == [("ABL1", "BCR"), ("BCR", "ABL1")]


def test_reverse_product_alone_is_explained(kb):
    derived = derive_lesions([], [fusion("ABL1", "BCR")], kb, None)
    assert [x.id for x in derived.lesions] == ["fusion:ABL1::BCR"]
    assert "reciprocal product" in derived.warnings[0].message


def test_breakpoint_far_from_its_gene_is_warned_but_the_fusion_kept(kb):
    """PCGR's example puts ABL1 at 9:13358994, about 117 Mb from the gene in either build."""
    bad = fusion("BCR", "ABL1", breakpoint5="22:23290413", breakpoint3="9:13358994")
    derived = derive_lesions([], [bad], kb, None)
    assert [x.id for x in derived.lesions] == ["fusion:BCR::ABL1"]
    (warning,) = derived.warnings
    assert "breakpoint 9:13358994 is not within" in warning.message and "ABL1" in warning.message


def test_all_of_and_none_of(kb):
    lesions = lesions_of(kb, fusions=[fusion("BCR", "ABL1")])
    assert evaluate({"all_of": [{"fusion": "BCR::ABL1"}, {"none_of": [{"fusion": "ETV6::RUNX1"}]}]},
                    lesions, kb) == {"fusion:BCR::ABL1"}
    assert evaluate({"none_of": [{"fusion": "BCR::ABL1"}]}, lesions, kb) is None


@pytest.mark.parametrize("terms, expected", [
    (("missense_variant",), "missense"),
    (("stop_gained&splice_region_variant",), "truncating"),
    (("splice_region_variant", "intron_variant"), None),
    (("synonymous_variant",), None),
    (("conservative_inframe_deletion",), "inframe"),
    (("frameshift_variant", "missense_variant"), "truncating"),
])
def test_consequence_classes(terms, expected):
    assert consequence_class(terms) == expected


def test_reciprocal_abl1_bcr_alone_is_not_ph_positive(kb):
    calls = classify(lesions_of(kb, fusions=[fusion("ABL1", "BCR")]), kb)
    assert calls[0].subtype_id == "BALL.NOS"


def test_bcr_abl1_is_not_also_called_abl_class(kb):
    calls = classify(lesions_of(kb, fusions=[fusion("BCR", "ABL1")]), kb)
    assert [c.subtype_id for c in calls] == ["BALL.BCR_ABL1"]


def test_abl_class_partner_is_called_ph_like(kb):
    calls = classify(lesions_of(kb, fusions=[fusion("EBF1", "PDGFRB")]), kb)
    assert (calls[0].subtype_id, calls[0].subtype_class) == ("BALL.PH_LIKE_ABL", "ABL-class")


def test_cic_dux4_sarcoma_fusion_is_not_dux4_all(kb):
    calls = classify(lesions_of(kb, fusions=[fusion("CIC", "DUX4")]), kb)
    assert calls[0].subtype_id == "BALL.NOS"


def test_kmt2a_unknown_partner_is_lower_confidence(kb):
    known = classify(lesions_of(kb, fusions=[fusion("KMT2A", "AFF1")]), kb)[0]
    unknown = classify(lesions_of(kb, fusions=[fusion("KMT2A", "USP2")]), kb)[0]
    assert (known.rule_id, known.confidence) == ("R-BALL-KMT2A-01", "high")
    assert (unknown.rule_id, unknown.confidence) == ("R-BALL-KMT2A-02", "moderate")


def test_kmt2d_under_its_old_name_mll2_is_not_kmt2a(kb):
    from leuk_annot.normalize import normalize_fusion

    renamed = normalize_fusion(fusion("MLL2", "AFF1"), kb.aliases)
    assert renamed.gene5 == "KMT2D"
    assert classify(lesions_of(kb, fusions=[renamed]), kb)[0].subtype_id == "BALL.NOS"


def test_pax5_p80r_defines_its_subtype_from_three_letter_hgvs(kb):
    calls = classify(lesions_of(kb, variants=[variant("PAX5", "p.Pro80Arg")]), kb)
    assert calls[0].subtype_id == "BALL.PAX5_P80R"


def test_jak2_mutation_supports_but_never_makes_the_jak_stat_call(kb):
    jak2 = variant("JAK2", "p.Arg683Gly")
    assert classify(lesions_of(kb, variants=[jak2]), kb)[0].subtype_id == "BALL.NOS"
    calls = classify(lesions_of(kb, variants=[jak2], fusions=[fusion("P2RY8", "CRLF2")]), kb)
    assert calls[0].subtype_id == "BALL.PH_LIKE_JAK_STAT"
    assert set(calls[0].supporting) == {"fusion:P2RY8::CRLF2", "variant:JAK2:p.Arg683Gly"}


def test_low_support_fusion_never_defines_a_subtype(kb):
    derived = derive_lesions([], [fusion("BCR", "ABL1", support_level="low")], kb, None)
    assert derived.lesions == [] and [x.label for x in derived.low_confidence] == ["BCR::ABL1"]


def test_same_fusion_from_two_files_is_one_lesion_with_both_sources(kb):
    a = fusion("BCR", "ABL1")
    b = Fusion("BCR", "ABL1", "tsv", SourceRef("other.tsv", 7))
    (lesion,) = lesions_of(kb, fusions=[a, b])
    assert [e.source.path for e in lesion.evidence] == ["unit.tsv", "other.tsv"]


def test_hotspot_by_position_overrides_a_non_mane_protein_numbering(kb):
    """ABL1 isoform 1b numbers T315I as T334I; the lesion is reported in MANE numbering."""
    v = Variant("9", 130872896, "C", "T", SRC, gene="ABL1", hgvs_p="p.Thr334Ile",
                consequence=("missense_variant",), annotation="vep", transcript="ENST00000372348")
    derived = derive_lesions([v], [], kb, "GRCh38")
    (lesion,) = derived.lesions
    assert (lesion.label, lesion.hotspot_id) == ("ABL1 p.T315I", "ABL1_T315I")
    assert "reported as p.T315I" in derived.warnings[0].message


def test_t315i_therapy_matrix(kb):
    lesions = lesions_of(kb, variants=[variant("ABL1", "p.Thr315Ile")], fusions=[fusion("BCR", "ABL1")])
    calls = classify(lesions, kb)
    links = link_therapies(assign_roles(lesions, calls, kb), calls, kb)
    t315i = {(t.agent, t.response) for t in links if "variant:ABL1:p.Thr315Ile" in t.lesion_ids}
    assert {("imatinib", "resistance"), ("dasatinib", "resistance"), ("nilotinib", "resistance"),
            ("bosutinib", "resistance"), ("ponatinib", "sensitivity")} <= t315i
    assert all(t.citations and t.evidence_level in "ABCD" for t in links)


def test_subtype_level_therapy_points_at_the_defining_lesion(kb):
    lesions = lesions_of(kb, fusions=[fusion("KMT2A", "MLLT3")])
    calls = classify(lesions, kb)
    (link,) = link_therapies(lesions, calls, kb)
    assert (link.agent, link.lesion_ids, link.subtype_ids) == ("revumenib", ("fusion:KMT2A::MLLT3",), ("BALL.KMT2A",))


def test_prognosis_takes_the_highest_weight_and_lists_its_basis(kb):
    lesions = lesions_of(kb, variants=[variant("TP53", "p.Arg248Gln")], fusions=[fusion("ETV6", "RUNX1")])
    calls = classify(lesions, kb)
    prognosis = combine_prognosis(assign_roles(lesions, calls, kb), calls, kb)
    assert prognosis.risk == "high"
    assert [(f.risk, f.source) for f in prognosis.basis] == [("high", "variant:TP53:p.Arg248Gln"),
                                                            ("favourable", "BALL.ETV6_RUNX1")]


def test_unannotated_non_hotspot_variant_is_counted_not_guessed(kb):
    raw = Variant("9", 130872950, "G", "A", SRC, gene="ABL1")
    derived = derive_lesions([raw], [], kb, "GRCh38")
    assert derived.lesions == [] and derived.uninterpretable == 1


@pytest.mark.parametrize("bp5, bp3, isoform, label", [
    ("22:23290413", "9:130854064", "e14a2", "BCR::ABL1 e14a2 (p210)"),  # K562, GRCh38
    ("22:23632600", "9:133729451", "e14a2", "BCR::ABL1 e14a2 (p210)"),  # K562, GRCh37
    ("22:23182239", "9:130854064", "e1a2", "BCR::ABL1 e1a2 (p190)"),
    ("22:23289621", "9:130854801", "e13a3", "BCR::ABL1 e13a3 (p210)"),
    ("22:23290000", "9:130800000", None, "BCR::ABL1"),  # intronic DNA breakpoints name no isoform
])
def test_bcr_abl1_isoform_from_the_junction(kb, bp5, bp3, isoform, label):
    (lesion,) = lesions_of(kb, fusions=[fusion("BCR", "ABL1", breakpoint5=bp5, breakpoint3=bp3)], build=None)
    assert (lesion.isoform, lesion.label) == (isoform, label)


def test_p210_raises_the_lineage_question_and_p190_does_not(kb):
    p210 = lesions_of(kb, fusions=[fusion("BCR", "ABL1", breakpoint5="22:23290413", breakpoint3="9:130854064")])
    p190 = lesions_of(kb, fusions=[fusion("BCR", "ABL1", breakpoint5="22:23182239", breakpoint3="9:130854064")])
    roles = {lesions[0].isoform: [r.rule_id for r in assign_roles(lesions, classify(lesions, kb), kb)[0].roles]
             for lesions in (p210, p190)}
    assert "L-BCR_ABL1_P210-01" in roles["e14a2"] and "L-BCR_ABL1_P210-01" not in roles["e1a2"]


def test_read_through_flag_does_not_demote_a_known_local_all_fusion(kb):
    """Arriba calls every deletion under 400 kb read-through, P2RY8::CRLF2 included."""
    local = lesions_of(kb, fusions=[fusion("P2RY8", "CRLF2", flags=("read-through",))])
    assert [x.label for x in local] == ["P2RY8::CRLF2"]
    other = derive_lesions([], [fusion("GOPC", "ROS1", flags=("read-through",))], kb, None)
    assert other.lesions == [] and [x.label for x in other.low_confidence] == ["GOPC::ROS1"]


def test_clonality_needs_purity_and_marks_a_subclonal_nt5c2(kb):
    from leuk_annot.classify.lesions import with_clonality
    from leuk_annot.therapy import evaluate_markers

    lesions = lesions_of(kb, variants=[variant("NT5C2", "p.Arg367Gln", vaf=0.12), variant("TP53", "p.Arg248Gln",
                                                                                          vaf=0.40)])
    assert {x.clonality for x in with_clonality(lesions, None, 0.8)} == {None}
    marked = {x.genes[0]: x.clonality for x in with_clonality(lesions, 0.9, 0.8)}
    assert marked == {"NT5C2": "subclonal", "TP53": "clonal"}  # CCF 0.27 vs 0.89
    hits = [m.id for m, _ in evaluate_markers(with_clonality(lesions, 0.9, 0.8), kb, {"sequence_variant"})]
    assert "M-NT5C2_SUBCLONAL-01" in hits


def test_same_gene_pair_is_an_intragenic_rearrangement_not_a_fusion(kb):
    """Arriba reports FLT3-ITD as FLT3::FLT3; '*::FLT3' must not make it a kinase fusion."""
    (lesion,) = lesions_of(kb, fusions=[fusion("FLT3", "FLT3")])
    assert (lesion.id, lesion.kind.value) == ("rearrangement:FLT3", "rearrangement")
    assert classify([lesion], kb)[0].subtype_id == "BALL.NOS"


def test_informational_flags_do_not_demote_but_artefact_flags_do(kb):
    kept = lesions_of(kb, fusions=[fusion("BCR", "ABL1", flags=("somatic", "imprecise"))])
    assert [x.confidence for x in kept] == ["high"]
    demoted = derive_lesions([], [fusion("BCR", "ABL1", flags=("healthy-background",))], kb, None)
    assert demoted.lesions == [] and len(demoted.low_confidence) == 1
    igh = lesions_of(kb, fusions=[fusion("IGH", "CRLF2", flags=("intergenic",))])
    assert [x.confidence for x in igh] == ["high"], "an enhancer hijack may break outside the gene"


def test_an_agent_with_sensitivity_and_resistance_in_one_sample_is_flagged(kb):
    from leuk_annot.therapy import therapy_conflict_flags

    lesions = lesions_of(kb, variants=[variant("ABL1", "p.Thr315Ile")], fusions=[fusion("BCR", "ABL1")])
    calls = classify(lesions, kb)
    links = link_therapies(lesions, calls, kb)
    flags = {flag.id: flag for flag in therapy_conflict_flags(links, lesions)}
    assert "THERAPY-CONFLICT-IMATINIB" in flags and "THERAPY-CONFLICT-PONATINIB" not in flags
    assert "resistance via ABL1 p.T315I" in flags["THERAPY-CONFLICT-IMATINIB"].text


def _leaf_matchers(condition):
    ((key, value),) = condition.items()
    if key in ("any_of", "all_of", "none_of"):
        for child in value:
            yield from _leaf_matchers(child)
    elif key not in ("predicate", "subtype"):
        yield key, value


def test_indexed_matching_finds_what_a_scan_of_every_lesion_finds(kb, monkeypatch):
    """``LesionPool`` narrows each matcher to one gene's lesions, the fusions or one id prefix's lesions;
    over the lesions of every end-to-end case, each knowledge-base matcher finds what a full scan finds."""
    from test_cases import CASE_INPUTS, run_case

    from leuk_annot.classify.rules import LesionPool, candidates, matches

    lesions = [lesion for name in CASE_INPUTS for lesion in run_case(name, kb, monkeypatch).lesions]
    pool = LesionPool(lesions)
    conditions = [r.when for r in kb.rules] + [r.match for r in kb.lesion_rules] + [
        t.applies_to for t in kb.therapies] + [m.when for m in kb.markers]
    leaves = [leaf for condition in conditions for leaf in _leaf_matchers(condition)]
    found_by_kind = dict.fromkeys(("variant", "deletion", "fusion", "lesion"), 0)
    for kind, matcher in leaves:
        scanned = [lesion.id for lesion in lesions if matches(kind, matcher, lesion)]
        assert [lesion.id for lesion in candidates(kind, matcher, pool) if matches(kind, matcher, lesion)] == scanned
        found_by_kind[kind] += len(scanned)
    assert all(found_by_kind.values()), found_by_kind  # every kind of matcher was really exercised
