"""TPMT/NUDT15 germline genotypes, CPIC phenotypes and thiopurine starting-dose advice."""

from __future__ import annotations

import gzip
import shutil

import pytest
from conftest import CASES, edit_yaml

from leuk_annot.errors import KnowledgeBaseError
from leuk_annot.io.vcf import read_vcf
from leuk_annot.knowledge import load_knowledge
from leuk_annot.model import SourceRef, Variant
from leuk_annot.pharmacogenomics import call_pharmacogenes
from leuk_annot.pharmacogenomics_sites import pgx_regions, pgx_site_positions

# Coordinates typed from CLINICAL_REFERENCE section 3.2 (not read from the knowledge base, so a typo in
# hotspots.tsv fails here): (chrom, pos, ref, alt) per build.
SITES = {
    "GRCh38": {
        "c.238G>C": ("6", 18143724, "C", "G"),
        "c.460G>A": ("6", 18138997, "C", "T"),
        "c.719A>G": ("6", 18130687, "T", "C"),
        "c.415C>T": ("13", 48045719, "C", "T"),
    },
    "GRCh37": {
        "c.238G>C": ("6", 18143955, "C", "G"),
        "c.460G>A": ("6", 18139228, "C", "T"),
        "c.719A>G": ("6", 18130918, "T", "C"),
        "c.415C>T": ("13", 48619855, "C", "T"),
    },
}
TPMT_SITES = ("c.238G>C", "c.460G>A", "c.719A>G")


def allele(change: str, vaf: float | None, build: str = "GRCh38", depth: int | None = 40) -> Variant:
    chrom, pos, ref, alt = SITES[build][change]
    alt_depth = round(vaf * depth) if vaf is not None and depth is not None else None
    return Variant(chrom, pos, ref, alt, SourceRef("synthetic.vcf", 10, f"{chrom}:{pos} {ref}>{alt}"),
                   vaf=vaf, depth=depth, alt_depth=alt_depth)


def every_site(build: str = "GRCh38") -> set[tuple[str, int]]:
    """All four sites reported (as a gVCF/all-sites file would)."""
    return {(chrom, pos) for chrom, pos, _, _ in SITES[build].values()}


def run(kb, variants, build="GRCh38", sample_kind="germline", reported=None):
    result = call_pharmacogenes(variants, kb, build, sample_kind=sample_kind,
                                reported_sites=every_site(build) if reported is None else reported)
    calls = {c.gene: c for c in result.calls}
    recs = {r.drug: r for r in result.recommendations}
    return result, calls, recs


def test_both_tpmt3_changes_heterozygous_is_star1_star3a_with_the_cpic_phase_caveat(kb):
    _, calls, recs = run(kb, [allele("c.460G>A", 0.48), allele("c.719A>G", 0.52)])
    tpmt = calls["TPMT"]
    assert tpmt.diplotype == "*1/*3A"
    assert tpmt.phenotype == "intermediate metabolizer"
    phase = [c for c in tpmt.caveats if c.startswith("Phase not observed")]
    assert len(phase) == 1 and "*3B/*3C (poor metabolizer)" in phase[0] and "rare" in phase[0]
    assert calls["NUDT15"].diplotype == "*1/*1"
    assert "30-80% of the normal starting dose" in recs["mercaptopurine"].recommendation
    assert recs["mercaptopurine"].phenotypes == "TPMT intermediate metabolizer / NUDT15 normal metabolizer"
    assert recs["mercaptopurine"].citations == ("relling2019",)
    assert "https://cpicpgx.org/guidelines/guideline-for-thiopurines-and-tpmt/" in recs["mercaptopurine"].guideline


def test_both_tpmt3_changes_homozygous_is_star3a_star3a_poor(kb):
    _, calls, recs = run(kb, [allele("c.460G>A", 0.97), allele("c.719A>G", 1.0)])
    assert calls["TPMT"].diplotype == "*3A/*3A"
    assert calls["TPMT"].phenotype == "poor metabolizer"
    assert not any(c.startswith("Phase not observed") for c in calls["TPMT"].caveats)
    mercaptopurine = recs["mercaptopurine"].recommendation
    assert "10-fold" in mercaptopurine and "thrice weekly" in mercaptopurine


def test_tpmt3c_homozygous_on_grch37_is_poor(kb):
    _, calls, recs = run(kb, [allele("c.719A>G", 0.95, build="GRCh37")], build="GRCh37")
    assert calls["TPMT"].diplotype == "*3C/*3C"
    assert calls["TPMT"].phenotype == "poor metabolizer"
    assert "GRCh37" in calls["TPMT"].observations[2] and "18130918" in calls["TPMT"].observations[2]
    assert "10-fold" in recs["thioguanine"].recommendation


def test_grch38_coordinates_are_not_matched_when_the_build_is_grch37(kb):
    _, calls, _ = run(kb, [allele("c.719A>G", 0.95, build="GRCh38")], build="GRCh37", reported=set())
    assert calls["TPMT"].diplotype is None and calls["TPMT"].phenotype == "indeterminate"


def test_nudt15_r139c_heterozygous_is_intermediate_and_named_star3_or_star2(kb):
    _, calls, recs = run(kb, [allele("c.415C>T", 0.5, build="GRCh37")], build="GRCh37")
    nudt15 = calls["NUDT15"]
    assert nudt15.diplotype == "*1/*3 (or *1/*2)"
    assert nudt15.phenotype == "intermediate metabolizer"
    assert any("p.V18_V19insGV" in c for c in nudt15.caveats)
    assert "30-80%" in recs["mercaptopurine"].recommendation
    assert recs["mercaptopurine"].phenotypes == "TPMT normal metabolizer / NUDT15 intermediate metabolizer"


def test_nudt15_r139c_homozygous_is_poor_without_an_unverified_dose_figure(kb):
    _, calls, recs = run(kb, [allele("c.415C>T", 1.0)])
    assert calls["NUDT15"].phenotype == "poor metabolizer"
    assert calls["NUDT15"].diplotype.startswith("*3/*3")
    assert sum(c.startswith("NUDT15*3:") for c in calls["NUDT15"].caveats) == 1  # once, although homozygous
    mercaptopurine = recs["mercaptopurine"].recommendation
    assert "per the CPIC table" in mercaptopurine and "mg/m2" not in mercaptopurine  # 10 mg/m2/day not verified


def test_tpmt_and_nudt15_intermediate_use_the_march_2024_update(kb):
    _, calls, recs = run(kb, [allele("c.719A>G", 0.45), allele("c.415C>T", 0.55)])
    assert calls["TPMT"].phenotype == calls["NUDT15"].phenotype == "intermediate metabolizer"
    for drug in ("mercaptopurine", "thioguanine"):
        assert "20-50% of the normal starting dose" in recs[drug].recommendation
        assert "March 2024" in recs[drug].recommendation


def test_normal_metabolizers_get_the_normal_starting_dose_only_when_sites_were_assessed(kb):
    _, calls, recs = run(kb, [])
    assert calls["TPMT"].diplotype == "*1/*1" and calls["NUDT15"].diplotype == "*1/*1"
    assert recs["mercaptopurine"].recommendation.startswith("Normal starting dose")
    assert recs["mercaptopurine"].strength == "Strong"


def test_sites_absent_from_a_variant_only_vcf_are_indeterminate_not_wild_type(kb):
    result, calls, recs = run(kb, [], reported=set())
    for gene in ("TPMT", "NUDT15"):
        assert calls[gene].diplotype is None
        assert calls[gene].phenotype == "indeterminate"
        assert any("not reported is not wild type" in c and "*1/*1 cannot be assumed" in c for c in calls[gene].caveats)
    assert any("erythrocyte activity" in c for c in calls["TPMT"].caveats)
    assert recs["mercaptopurine"].recommendation.startswith("No genotype-guided starting dose")
    assert "a gene with no assessed site is indeterminate" in result.method


def test_reference_reads_at_a_called_allele_count_as_assessed(kb):
    """A multi-sample VCF can carry the allele with 0 alternate reads in this sample."""
    _, calls, _ = run(kb, [allele("c.415C>T", 0.0)], reported=set())
    assert calls["NUDT15"].diplotype == "*1/*1"
    assert "not found (no alternate reads)" in calls["NUDT15"].observations[0]


def test_one_allele_found_with_other_sites_unreported_is_called_with_a_caveat(kb):
    _, calls, recs = run(kb, [allele("c.719A>G", 0.5)], reported=set())
    tpmt = calls["TPMT"]
    assert tpmt.diplotype == "*1/*3C" and tpmt.phenotype == "intermediate metabolizer"
    (partial,) = [c for c in tpmt.caveats if "not reported in the input" in c]
    assert "TPMT_A80P, TPMT_A154T" in partial and "a poor metabolizer is not excluded" in partial
    assert calls["NUDT15"].phenotype == "indeterminate"
    assert recs["mercaptopurine"].recommendation.startswith("Based on TPMT")
    assert "monitor closely for toxicity" in recs["mercaptopurine"].recommendation


@pytest.mark.parametrize(("vaf", "expected"), [(0.19, "*1/*1"), (0.2, "*1/*3C"), (0.79, "*1/*3C"), (0.8, "*3C/*3C")])
def test_zygosity_thresholds(kb, vaf, expected):
    _, calls, _ = run(kb, [allele("c.719A>G", vaf, depth=100)])
    assert calls["TPMT"].diplotype == expected


def test_low_vaf_allele_is_not_germline_and_says_so(kb):
    _, calls, _ = run(kb, [allele("c.719A>G", 0.08, depth=100)])
    assert calls["TPMT"].phenotype == "normal metabolizer"
    (low,) = [c for c in calls["TPMT"].caveats if "VAF 0.08" in c]
    assert "not consistent with a germline allele" in low


def test_missing_allele_fraction_and_low_depth_are_caveats(kb):
    _, calls, _ = run(kb, [allele("c.719A>G", None, depth=None), allele("c.415C>T", 0.5, depth=6)])
    assert calls["TPMT"].diplotype == "*1/*3C"
    assert any("no allele fraction" in c and "homozygous not excluded" in c for c in calls["TPMT"].caveats)
    assert any("only 6 reads" in c for c in calls["NUDT15"].caveats)


def test_tumour_sample_carries_the_mis_genotyping_caveat(kb):
    result, calls, recs = run(kb, [allele("c.415C>T", 0.9)], sample_kind="tumour")
    for call in calls.values():
        assert call.sample_kind == "tumour"
        (tumour,) = [c for c in call.caveats if c.startswith("Genotyped from a tumour sample")]
        assert "0.2 <= VAF < 0.8" in tumour and "loss of heterozygosity" in tumour and "germline sample" in tumour
    assert "confirm on germline DNA" in recs["mercaptopurine"].phenotypes
    assert "tumour sample" in result.method
    _, germline, _ = run(kb, [allele("c.415C>T", 0.9)], sample_kind="germline")
    assert not any("tumour" in c for c in germline["NUDT15"].caveats)


def test_result_speaks_of_toxicity_never_of_drug_response_terms(kb):
    for variants in ([], [allele("c.460G>A", 0.5), allele("c.719A>G", 0.5), allele("c.415C>T", 1.0)]):
        for kind in ("germline", "tumour"):
            for reported in (set(), None):
                result, _, _ = run(kb, variants, sample_kind=kind, reported=reported)
                text = repr(result).lower()
                assert "resistan" not in text and "sensitiv" not in text
                assert "toxicity" in result.method


def test_genotypes_that_do_not_fit_two_alleles_are_indeterminate(kb):
    _, calls, _ = run(kb, [allele("c.238G>C", 0.9), allele("c.719A>G", 0.5)])
    assert calls["TPMT"].diplotype is None and calls["TPMT"].phenotype == "indeterminate"
    assert any("do not fit two alleles" in c for c in calls["TPMT"].caveats)


def test_unknown_sample_kind_is_refused(kb):
    with pytest.raises(ValueError, match=r"sample_kind must be one of germline, tumour, not 'blood'"):
        call_pharmacogenes([], kb, "GRCh38", sample_kind="blood")
    with pytest.raises(ValueError, match=r"unknown genome build 'hg99'"):
        call_pharmacogenes([], kb, "hg99", sample_kind="germline")


# -- sites a VCF reports without an ALT allele ------------------------------------------------------

FIXTURE = CASES / "nudt15_hom_germline" / "GERMLINE.vcf"


def reported_pgx_sites(path, kb, build):
    """The sites the reader reports as assessed, reading only at the pharmacogenes."""
    read = read_vcf(path, regions=pgx_regions(kb, build), genome=build,
                    watch_sites=sorted(pgx_site_positions(kb, build)))
    return read.reported_sites


def test_germline_fixture_end_to_end(kb):
    read = read_vcf(FIXTURE)
    assert read.genome_build == "GRCh38"
    reported = reported_pgx_sites(FIXTURE, kb, read.genome_build)
    assert reported == every_site("GRCh38")
    result = call_pharmacogenes(read.events, kb, read.genome_build, sample_kind="germline", reported_sites=reported)
    calls = {c.gene: c for c in result.calls}
    assert calls["NUDT15"].phenotype == "poor metabolizer"
    assert calls["TPMT"].diplotype == "*1/*1"  # the three TPMT sites are reported as GT 0/0 with ALT '.'
    assert "VAF 1.00, 40/40 reads" in calls["NUDT15"].observations[0]


def _write(path, lines, compress=False):
    header = ["##fileformat=VCFv4.2", "##contig=<ID=chr6,length=170805979>", "##contig=<ID=chr13,length=114364328>",
              "##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">",
              "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Depth\">",
              "##INFO=<ID=END,Number=1,Type=Integer,Description=\"End\">",
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1"]
    text = "\n".join(header + lines) + "\n"
    if compress:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def test_gvcf_reference_blocks_cover_sites_and_no_calls_do_not(kb, tmp_path):
    lines = [
        "chr6\t18130600\t.\tA\t<NON_REF>\t.\t.\tEND=18139000\tGT:DP\t0/0:30",  # covers c.719 and c.460
        "chr6\t18143724\t.\tC\t.\t.\t.\t.\tGT\t./.",  # no call: not assessed
        "chr13\t48045719\t.\tC\t<NON_REF>\t.\t.\tEND=48045719\tGT:DP\t0/0:25",
    ]
    for compress in (False, True):
        path = _write(tmp_path / f"g{compress}.g.vcf{'.gz' if compress else ''}", lines, compress)
        assert reported_pgx_sites(path, kb, "GRCh38") == {("6", 18130687), ("6", 18138997), ("13", 48045719)}


def test_bcf_reports_the_same_sites_as_text(kb, tmp_path):
    import pysam

    bcf = tmp_path / "g.bcf"
    with pysam.VariantFile(str(FIXTURE)) as src, pysam.VariantFile(str(bcf), "wb", header=src.header) as out:
        for record in src:
            out.write(record)
    assert reported_pgx_sites(bcf, kb, "GRCh38") == reported_pgx_sites(FIXTURE, kb, "GRCh38")


# -- knowledge-base checks ---------------------------------------------------------------------------


def test_unknown_hotspot_id_in_an_allele_is_rejected(db_copy):
    edit_yaml(db_copy / "pharmacogenes.yaml", lambda d: d["genes"][0]["sites"].append("TPMT_NOPE"))
    with pytest.raises(KnowledgeBaseError, match=r"pharmacogenes.yaml: TPMT.sites: unknown hotspot id 'TPMT_NOPE'"):
        load_knowledge(db_copy)


def test_allele_defined_outside_the_gene_sites_is_rejected(db_copy):
    edit_yaml(db_copy / "pharmacogenes.yaml", lambda d: d["genes"][0]["alleles"][1]["defining"].append("NUDT15_R139C"))
    with pytest.raises(KnowledgeBaseError, match=r"TPMT\*2.defining: 'NUDT15_R139C' is not in TPMT.sites"):
        load_knowledge(db_copy)


def test_dosing_grid_gap_is_rejected(db_copy):
    edit_yaml(db_copy / "pharmacogenes.yaml",
              lambda d: d.update(dosing=[r for r in d["dosing"] if r["id"] != "PGX-TG-BOTH_IM"]))
    gap = r"thioguanine: no dosing row for TPMT intermediate / NUDT15 intermediate"
    with pytest.raises(KnowledgeBaseError, match=gap):
        load_knowledge(db_copy)


def test_thresholds_are_schema_checked(db_copy):
    edit_yaml(db_copy / "pharmacogenes.yaml", lambda d: d["genotyping"].update(hom_min_vaf=1.5))
    with pytest.raises(KnowledgeBaseError, match=r"pharmacogenes.yaml: .genotyping.hom_min_vaf: 1.5 is greater than"):
        load_knowledge(db_copy)


def test_indexed_and_text_reads_find_the_same_reported_sites(kb, tmp_path):
    """An indexed VCF is queried at the pharmacogenes; the answer equals the streamed read."""
    import pysam

    plain = tmp_path / "g.vcf"
    shutil.copy(FIXTURE, plain)
    indexed = pysam.tabix_index(str(plain), preset="vcf", keep_original=True, force=True)
    streamed = reported_pgx_sites(FIXTURE, kb, "GRCh38")
    assert streamed and reported_pgx_sites(indexed, kb, "GRCh38") == streamed
