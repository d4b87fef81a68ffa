"""DNA structural variants become fusions, locus juxtapositions and gene deletions (GRCh38)."""

from __future__ import annotations

from leuk_annot.classify import assign_roles, classify, derive_lesions
from leuk_annot.classify.structural import interpret_structural_variants
from leuk_annot.model import SourceRef, StructuralVariant
from leuk_annot.therapy import combine_prognosis

SRC = SourceRef("sv.vcf", 30)


def sv(chrom1, pos1, keeps1, chrom2, pos2, keeps2, svtype="BND"):
    return StructuralVariant(chrom1, pos1, keeps1, chrom2, pos2, keeps2, svtype, "manta", SRC)


def fusion_names(kb, *svs):
    return [f"{f.gene5}::{f.gene3}" for f in interpret_structural_variants(list(svs), kb, "GRCh38").fusions]


def test_der22_junction_is_bcr_abl1(kb):
    # BCR (+) keeps its 5' part left of the break; ABL1 (+) keeps its 3' part right of it.
    assert fusion_names(kb, sv("22", 23290413, "left", "9", 130854064, "right")) == ["BCR::ABL1"]


def test_der9_junction_is_the_reciprocal_and_merges_with_the_forward_product(kb):
    forward = sv("22", 23290413, "left", "9", 130854064, "right")
    reverse = sv("9", 130854000, "left", "22", 23290500, "right")
    assert fusion_names(kb, reverse) == ["ABL1::BCR"]
    consequences = interpret_structural_variants([forward, reverse], kb, "GRCh38")
    (lesion,) = derive_lesions([], consequences.fusions, kb, "GRCh38").lesions
    assert lesion.id == "fusion:BCR::ABL1" and len(lesion.evidence) == 2


def test_orientation_that_joins_two_5_prime_ends_makes_no_fusion(kb):
    assert fusion_names(kb, sv("22", 23290413, "left", "9", 130854064, "left")) == []


def test_par1_deletion_makes_p2ry8_crlf2_by_promoter_swap(kb):
    # CRLF2 (-) ends at 1,212,723; the deletion starts 17 kb beyond it and ends in P2RY8 (-).
    deletion = sv("X", 1230000, "left", "X", 1530000, "right", svtype="DEL")
    assert fusion_names(kb, deletion) == ["P2RY8::CRLF2"]
    consequences = interpret_structural_variants([deletion], kb, "GRCh38")
    lesions = derive_lesions([], consequences.fusions, kb, "GRCh38", consequences.deletions).lesions
    assert classify(lesions, kb)[0].subtype_id == "BALL.PH_LIKE_JAK_STAT"


def test_igh_translocation_next_to_crlf2(kb):
    assert fusion_names(kb, sv("14", 105600000, "right", "X", 1250000, "left")) == ["IGH::CRLF2"]


def test_locus_reaches_further_than_a_gene_partner(kb):
    # MYC (+) starts at 127,735,434: 600 kb from the break is too far for a promoter swap with a
    # gene, but within the window of an antigen-receptor enhancer.
    igh_myc = sv("14", 105600000, "left", "8", 127135434, "right")
    assert fusion_names(kb, igh_myc) == ["IGH::MYC"]
    bcr_myc = sv("22", 23290413, "left", "8", 127135434, "right")
    assert fusion_names(kb, bcr_myc) == []


def test_intragenic_ikzf1_deletion_is_a_high_risk_lesion_except_in_dux4(kb):
    deletion = sv("7", 50330000, "left", "7", 50370000, "right", svtype="DEL")
    consequences = interpret_structural_variants([deletion], kb, "GRCh38")
    assert [(d.gene, d.extent) for d in consequences.deletions] == [("IKZF1", "intragenic")]
    lesions = derive_lesions([], [], kb, "GRCh38", consequences.deletions).lesions
    calls = classify(lesions, kb)
    lesions = assign_roles(lesions, calls, kb)
    assert lesions[0].label == "IKZF1 deletion (intragenic)"
    assert combine_prognosis(lesions, calls, kb).risk == "high"


def test_erg_deletion_supports_but_does_not_make_dux4(kb):
    erg = sv("21", 38400000, "left", "21", 38500000, "right", svtype="DEL")
    consequences = interpret_structural_variants([erg], kb, "GRCh38")
    lesions = derive_lesions([], consequences.fusions, kb, "GRCh38", consequences.deletions).lesions
    assert classify(lesions, kb)[0].subtype_id == "BALL.NOS"


def test_unknown_orientation_names_no_product(kb):
    assert fusion_names(kb, sv("22", 23290413, None, "9", 130854064, None, svtype="INV")) == []


def test_unknown_build_interprets_nothing_and_says_so(kb):
    consequences = interpret_structural_variants([sv("22", 23290413, "left", "9", 130854064, "right")], kb, None)
    assert consequences.fusions == [] and "genome build is unknown" in consequences.warnings[0].message
