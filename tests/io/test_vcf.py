"""Tests for the VCF reader: samples, VAF, annotations, regions, genome build and bad input."""

from __future__ import annotations

import gzip
import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pysam
import pytest

from leuk_annot.errors import GenomeBuildError, InputFormatError, UnknownFormatError
from leuk_annot.forked import CAN_FORK, Tickets
from leuk_annot.io.base import Region
from leuk_annot.io.vcf import detect_vcf_build, read_vcf

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "test_data" / "vcf"
REAL = REPO / ".." / "shared" / "real_data"
REAL_VCF = REAL / "vcf"

ABL1_38 = Region("9", 130713946, 130887675, "ABL1")
NRAS_38 = Region("1", 114704469, 114716771, "NRAS")


def by_key(result):
    return {(v.chrom, v.pos, v.alt): v for v in result.events}


def record_line(path: Path, chrom: str, pos: int) -> int:
    """1-based line of the first record at chrom:pos, found by reading the text independently."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split("\t", 2)
            if not line.startswith("#") and fields[0] == chrom and fields[1] == str(pos):
                return number
    raise AssertionError(f"{chrom}:{pos} not in {path}")


def bgzip_and_index(src: Path, tmp_path: Path) -> Path:
    copy = tmp_path / src.name
    shutil.copy(src, copy)
    return Path(pysam.tabix_index(str(copy), preset="vcf", force=True))


# --------------------------------------------------------------------------------------------
# tumour sample, VAF, FILTER
# --------------------------------------------------------------------------------------------


def test_mutect2_tumor_sample_header_chooses_the_second_column():
    result = read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf")
    assert result.format == "vcf"
    assert result.sample == "P001_T"
    assert {v.sample for v in result.events} == {"P001_T"}
    t315i = by_key(result)[("9", 130872896, "T")]
    # AD 60,40 in the tumour column (normal is 45,0); FORMAT AF says 0.398 but AD comes first.
    assert (t315i.vaf, t315i.depth, t315i.alt_depth) == (0.4, 100, 40)


def test_tumor_id_overrides_header_and_unknown_id_lists_samples():
    result = read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf", tumor_id="P001_N")
    assert result.sample == "P001_N"
    assert by_key(result)[("9", 130872896, "T")].vaf == 0.0
    with pytest.raises(InputFormatError, match=r"mutect2_tumor_normal\.grch38\.vcf: .*'P9'.*P001_N, P001_T"):
        read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf", tumor_id="P9")


def test_strelka_tumor_column_and_tier1_counts():
    result = read_vcf(DATA / "strelka_somatic.hg19.vcf")
    assert result.sample == "TUMOR"
    events = by_key(result)
    snv = events[("9", 133748283, "T")]
    assert (snv.vaf, snv.depth, snv.alt_depth) == (0.3, 100, 30)  # TU 30 / (CU 70 + TU 30)
    indel = events[("9", 133750400, "A")]
    assert (indel.vaf, indel.depth, indel.alt_depth) == (0.25, 60, 15)  # TIR 15 / (TAR 45 + TIR 15)
    assert ("9", 133760000, "A") not in events  # LowEVS


def test_ambiguous_samples_need_tumor_id():
    with pytest.raises(InputFormatError, match=r"two_samples_unlabelled.*SAMPLE_A, SAMPLE_B.*--tumor-id"):
        read_vcf(DATA / "two_samples_unlabelled.grch38.vcf")
    result = read_vcf(DATA / "two_samples_unlabelled.grch38.vcf", tumor_id="SAMPLE_B")
    assert result.events[0].vaf == pytest.approx(10 / 30)


def test_multiallelic_record_is_split_with_per_allele_vaf():
    result = read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf")
    g12d = by_key(result)[("1", 114716126, "T")]
    g12v = by_key(result)[("1", 114716126, "A")]
    assert g12d.vaf == pytest.approx(5 / 18) and g12d.alt_depth == 5 and g12d.depth == 18
    assert g12v.vaf == pytest.approx(3 / 18) and g12v.alt_depth == 3
    assert (g12d.hgvs_p, g12v.hgvs_p) == ("p.Gly12Asp", "p.Gly12Val")  # by ALLELE_NUM


def test_alt_edge_cases_and_vaf_cascade():
    result = read_vcf(DATA / "alleles_and_depths.grch38.vcf")
    events = by_key(result)
    assert ("1", 1000, "G") in events and len([k for k in events if k[1] == 1000 and k[0] == "1"]) == 1
    assert events[("1", 1000, "G")].vaf == pytest.approx(10 / 35)  # AD 20,10,5,0 incl. * and NON_REF
    assert result.stats["skipped_sv"] == 2  # <DEL> and the breakend
    assert result.stats["skipped_non_ref"] == 3  # *, <NON_REF>, "."
    assert not any(k[1] in (2000, 3000, 9000) for k in events)
    assert (events[("1", 4000, "T")].vaf, events[("1", 4000, "T")].depth) == (0.25, 80)  # FORMAT AF
    assert events[("1", 4000, "T")].alt_depth is None
    assert (events[("1", 5000, "T")].vaf, events[("1", 5000, "T")].depth) == (0.25, 40)  # AO/RO
    assert events[("1", 6000, "G")].vaf == pytest.approx(5 / 50)
    assert events[("1", 7000, "T")].vaf == pytest.approx(12 / 40)  # AD REF missing: alt / DP
    assert events[("1", 8000, "T")].vaf is None
    assert [round(events[("2", 1000, a)].vaf, 6) for a in "ATG"] == [0.25, 0.15, 0.1]


def test_filtered_records_dropped_by_default_and_kept_on_request():
    default = read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf")
    everything = read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf", include_filtered=True)
    assert ("9", 130714000, "A") not in by_key(default)
    assert by_key(everything)[("9", 130714000, "A")].filter == "weak_evidence"
    assert default.stats["filtered"] == everything.stats["filtered"] == 1
    assert (default.stats["kept"], everything.stats["kept"]) == (4, 5)
    assert len(default.events) == 4


def test_sites_only_vcf_uses_info_af_and_keeps_dot_filter():
    result = read_vcf(DATA / "sites_only.grch38.vcf")
    assert result.sample is None
    events = by_key(result)
    assert events[("9", 130872896, "T")].vaf == 0.31
    assert (events[("9", 130872900, "A")].vaf, events[("9", 130872900, "C")].vaf) == (0.1, 0.2)
    assert events[("9", 130872900, "A")].filter == "."
    assert ("9", 130872910, "A") not in events  # lowqual
    assert all(v.chrom == "9" for v in result.events)  # chr prefix stripped


def test_header_only_vcf_is_valid_and_empty():
    result = read_vcf(DATA / "header_only.grch38.vcf")
    assert result.events == [] and result.stats["records"] == 0 and result.sample == "TUMOR"


def test_line_numbers_and_record_locators_point_into_the_file():
    path = DATA / "mutect2_tumor_normal.grch38.vcf"
    for variant in read_vcf(path, include_filtered=True).events:
        assert variant.source.path == str(path)
        assert variant.source.line == record_line(path, "chr" + variant.chrom, variant.pos)
        assert variant.source.record == f"chr{variant.chrom}:{variant.pos} {variant.ref}>{variant.alt}"


# --------------------------------------------------------------------------------------------
# consequence annotations
# --------------------------------------------------------------------------------------------


def test_vep_prefers_mane_over_canonical_and_strips_hgvs_prefixes():
    """T315I: entry 1 (p.Thr334Ile) is CANONICAL=YES only, entry 2 (p.Thr315Ile) MANE_SELECT only."""
    t315i = by_key(read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf"))[("9", 130872896, "T")]
    assert t315i.gene == "ABL1"
    assert t315i.consequence == ("missense_variant",)
    assert (t315i.hgvs_c, t315i.hgvs_p) == ("c.944C>T", "p.Thr315Ile")
    assert t315i.transcript == "ENST00000318560"
    assert t315i.annotation == "vep"


def test_vep_without_allele_num_matches_minimised_alleles():
    events = by_key(read_vcf(DATA / "vep_allele_match.grch37.vcf"))
    assert events[("9", 133748283, "T")].hgvs_p == "p.Thr315Ile"  # CANONICAL=YES, listed second
    assert events[("9", 133750300, "AGG")].hgvs_p == "p.Lys368ArgfsTer12"  # Allele "GG"
    assert events[("9", 133750400, "A")].hgvs_p == "p.Leu400del"  # Allele "-"
    assert events[("9", 133750500, "A")].hgvs_p == "p.Leu420="  # %3D decoded
    assert events[("9", 133750600, "T")].hgvs_p == "p.Pro434Ser"  # first bases differ: kept as is
    assert events[("9", 133750600, "CTT")].hgvs_p == "p.Ser434dup"
    assert events[("9", 133750700, "C")].hgvs_c == "c.1401delA"  # shared anchor dropped: "-"
    assert events[("9", 133750700, "CAA")].hgvs_c == "c.1401dupA"  # ... and "AA"


def test_vep_is_recognised_by_description_even_when_the_tag_is_ann():
    [variant] = read_vcf(DATA / "vep_tag_named_ann.grch38.vcf").events
    assert variant.annotation == "vep"
    assert variant.hgvs_p == "p.Thr334Ile"  # PICK=1 wins over CANONICAL=YES
    assert variant.vaf is None  # sites-only, no AF


def test_snpeff_ann_matches_allele_and_takes_first_coding_entry():
    result = read_vcf(DATA / "snpeff_ann.grch38.vcf")
    events = by_key(result)
    t315i = events[("9", 130872896, "T")]
    assert t315i.annotation == "snpeff"
    assert (t315i.gene, t315i.hgvs_p, t315i.transcript) == ("ABL1", "p.Thr315Ile", "ENST00000318560.6")
    assert events[("1", 114716126, "T")].hgvs_p == "p.Gly12Asp"
    assert events[("1", 114716126, "A")].hgvs_p == "p.Gly12Val"


def test_region_gene_breaks_the_tie_when_no_transcript_flag_exists():
    regions = [Region("9", 130713946, 130887675, "LINC00000")]
    t315i = by_key(read_vcf(DATA / "snpeff_ann.grch38.vcf", regions=regions))[("9", 130872896, "T")]
    assert t315i.gene == "LINC00000" and t315i.hgvs_p is None


def test_bcsq_terms_and_amino_acid_changes_become_so_and_hgvs():
    events = by_key(read_vcf(DATA / "bcsq.grch37.vcf"))
    assert {v.annotation for v in events.values()} == {"bcsq"}
    t315i = events[("9", 133748283, "T")]
    assert (t315i.gene, t315i.consequence, t315i.hgvs_p) == ("ABL1", ("missense_variant",), "p.Thr315Ile")
    assert events[("9", 133750500, "A")].hgvs_p == "p.Leu420="
    assert events[("9", 133750500, "A")].consequence == ("synonymous_variant",)
    assert events[("9", 133738363, "T")].hgvs_p == "p.Gln255Ter"
    deletion = events[("9", 133750550, "C")]
    assert deletion.consequence == ("inframe_deletion", "splice_region_variant")
    assert deletion.hgvs_p == "p.Leu441del"


def test_unannotated_variant_takes_the_region_gene():
    regions = [Region("9", 133589333, 133763062, "ABL1"), Region("9", 133700000, 133800000, "LATER")]
    result = read_vcf(DATA / "strelka_somatic.hg19.vcf", regions=regions)
    assert {v.gene for v in result.events} == {"ABL1"}  # first region by start
    assert {v.annotation for v in result.events} == {"none"}
    assert all(v.hgvs_p is None and v.consequence == () for v in result.events)


# --------------------------------------------------------------------------------------------
# regions and indexed fetches
# --------------------------------------------------------------------------------------------


def test_regions_keep_only_alleles_inside():
    result = read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf", regions=[ABL1_38])
    assert {(v.chrom, v.pos) for v in result.events} == {("9", 130872896)}
    assert result.stats["outside_regions"] == 2


def comparable(result):
    return [(v.chrom, v.pos, v.ref, v.alt, v.filter, v.gene, v.hgvs_p, v.vaf) for v in result.events]


@pytest.mark.parametrize("fixture", ["mutect2_tumor_normal.grch38.vcf", "alleles_and_depths.grch38.vcf"])
def test_indexed_fetch_equals_streaming(tmp_path, fixture):
    # Overlapping and duplicated regions, chr-prefixed and plain contig styles in the files.
    regions = [
        ABL1_38,
        Region("9", 130850000, 130880000, "ABL1"),
        NRAS_38,
        NRAS_38,
        Region("chr1", 900, 6500, "TEST1"),
        Region("2", 1, 5000, "TEST2"),
    ]
    plain = read_vcf(DATA / fixture, regions=regions, include_filtered=True)
    indexed_path = bgzip_and_index(DATA / fixture, tmp_path)
    indexed = read_vcf(indexed_path, regions=regions, include_filtered=True)
    assert plain.events and comparable(indexed) == comparable(plain)
    assert len({(v.chrom, v.pos, v.alt) for v in indexed.events}) == len(indexed.events)
    assert all(v.source.line is None for v in indexed.events)
    assert all(v.source.line is not None for v in plain.events)
    # without regions the indexed file streams and still knows line numbers
    streamed = read_vcf(indexed_path, include_filtered=True)
    assert all(v.source.line for v in streamed.events)


def test_bgzipped_file_without_index_is_streamed_silently(tmp_path, capfd):
    path = tmp_path / "calls.vcf.gz"
    pysam.tabix_compress(str(DATA / "mutect2_tumor_normal.grch38.vcf"), str(path))
    result = read_vcf(path, regions=[ABL1_38])
    assert [v.pos for v in result.events] == [130872896]
    assert result.events[0].source.line == record_line(path, "chr9", 130872896)
    assert capfd.readouterr().err == ""


def test_bcf_is_read_without_line_numbers(tmp_path):
    bcf = tmp_path / "calls.bcf"
    with pysam.VariantFile(str(DATA / "mutect2_tumor_normal.grch38.vcf")) as src:
        with pysam.VariantFile(str(bcf), "wb", header=src.header) as out:
            for record in src:
                out.write(record)
    result = read_vcf(bcf)
    expected = read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf")
    assert comparable(result) == comparable(expected)
    assert all(v.source.line is None for v in result.events)


def test_htslib_noise_never_reaches_stderr(capfd):
    read_vcf(REAL_VCF / "pcgr_T001-BRCA.grch38.vcf.gz", genome="GRCh38")  # contigs not in header
    read_vcf(DATA / "sites_only.grch38.vcf")  # undefined FILTER and contig
    assert capfd.readouterr().err == ""


def test_htslib_warnings_become_report_warnings():
    result = read_vcf(DATA / "sites_only.grch38.vcf")
    messages = " ".join(w.message for w in result.warnings)
    assert "chr9" in messages and "lowqual" in messages


# --------------------------------------------------------------------------------------------
# genome build
# --------------------------------------------------------------------------------------------

BUILD_CASES = [
    (["##contig=<ID=chr1,length=248956422>"], "GRCh38", "##contig length of chr1 = 248956422"),
    (["##contig=<ID=1,length=249250621>"], "GRCh37", "##contig length of 1 = 249250621"),
    (["##contig=<ID=chr21,length=1>", "##contig=<ID=chrX,length=155270560>"], "GRCh37", "chrX"),
    (["##contig=<ID=X,length=156040895>"], "GRCh38", "##contig length of X"),
    (["##reference=file:///ref/human_g1k_v37.fasta"], "GRCh37", "##reference"),
    (["##reference=file:///ref/hs37d5.fa"], "GRCh37", "##reference"),
    (["##reference=/refs/Homo_sapiens_assembly38.fasta"], "GRCh38", "##reference"),
    (["##reference=hg19.fa"], "GRCh37", "##reference"),
    (["##contig=<ID=21,length=46709983>"], "GRCh38", "##contig length of 21 = 46709983"),
    (["##contig=<ID=chr21,length=48129895>"], "GRCh37", "##contig length of chr21 = 48129895"),
    (["##contig=<ID=GL000192.1,length=547496,assembly=hg38>"], "GRCh38", "assembly=hg38"),
    (["##contig=<ID=GL000192.1,length=547496,assembly=b37>"], "GRCh37", "assembly=b37"),
    (['##VEP="v110" cache="/c" assembly="GRCh37.p13"'], "GRCh37", 'assembly="GRCh37.p13"'),
    (['##SnpEffCmd="SnpEff  -v GRCh38.99 in.vcf "'], "GRCh38", "##SnpEffCmd"),
    # contig lengths outrank a contradicting token
    (["##reference=hg19.fa", "##contig=<ID=chr1,length=248956422>"], "GRCh38", "##contig length"),
]


def write_vcf(tmp_path: Path, meta: list[str], name: str = "h.vcf") -> Path:
    path = tmp_path / name
    path.write_text(
        "##fileformat=VCFv4.2\n"
        + "".join(m + "\n" for m in meta)
        + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t100\t.\tC\tT\t.\tPASS\t.\n"
    )
    return path


@pytest.mark.parametrize("meta, build, evidence", BUILD_CASES)
def test_build_detection_cascade(tmp_path, meta, build, evidence):
    result = read_vcf(write_vcf(tmp_path, meta))
    assert result.genome_build == build
    assert evidence in result.build_evidence and build in result.build_evidence


def test_contradicting_token_is_reported_as_a_warning(tmp_path):
    result = read_vcf(write_vcf(tmp_path, ["##reference=hg19.fa", "##contig=<ID=chr1,length=248956422>"]))
    assert any("GRCh37" in w.message for w in result.warnings)


def test_no_build_evidence_needs_genome(tmp_path):
    with pytest.raises(GenomeBuildError, match=r"no_build_evidence\.vcf: cannot determine.*--genome"):
        read_vcf(DATA / "no_build_evidence.vcf")
    for given in ("GRCh38", "hg38"):
        result = read_vcf(DATA / "no_build_evidence.vcf", genome=given)
        assert result.genome_build == "GRCh38"
        assert result.build_evidence == "--genome GRCh38 (header has no build evidence)"


def test_stated_build_must_not_contradict_contig_lengths():
    with pytest.raises(GenomeBuildError, match=r"strelka_somatic\.hg19\.vcf: --genome GRCh38.*GRCh37.*chr1"):
        read_vcf(DATA / "strelka_somatic.hg19.vcf", genome="GRCh38")
    agreed = read_vcf(DATA / "strelka_somatic.hg19.vcf", genome="hg19")
    assert agreed.genome_build == "GRCh37" and "header agrees" in agreed.build_evidence


def test_unknown_build_name_is_refused():
    with pytest.raises(GenomeBuildError, match=r"no_build_evidence\.vcf: unknown genome build 'NCBI36'"):
        read_vcf(DATA / "no_build_evidence.vcf", genome="NCBI36")


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------


def test_empty_file():
    with pytest.raises(InputFormatError, match=r"empty\.vcf: the file is empty \(0 bytes\)"):
        read_vcf(DATA / "empty.vcf")


def test_tsv_passed_as_vcf_says_what_the_first_line_is():
    with pytest.raises(UnknownFormatError, match=r"not_a_vcf\.tsv:1: not a VCF: the first line is '#gene1"):
        read_vcf(DATA / "not_a_vcf.tsv")


def test_missing_chrom_line_points_at_first_record():
    with pytest.raises(InputFormatError, match=r"missing_chrom_line\.vcf:3: the '#CHROM' header line is missing"):
        read_vcf(DATA / "missing_chrom_line.vcf")


def test_header_ending_without_chrom_line(tmp_path):
    path = tmp_path / "cut.vcf"
    path.write_text("##fileformat=VCFv4.2\n##contig=<ID=1,length=248956422>\n")
    with pytest.raises(InputFormatError, match=r"cut\.vcf: the '#CHROM' header line is missing"):
        read_vcf(path)


def test_space_separated_column_line():
    with pytest.raises(InputFormatError, match=r"bad_columns\.vcf:3: the column header line"):
        read_vcf(DATA / "bad_columns.vcf")


def test_non_numeric_pos_names_the_line(capfd):
    with pytest.raises(InputFormatError, match=r"bad_pos\.grch38\.vcf:5: POS '12x4' is not a number"):
        read_vcf(DATA / "bad_pos.grch38.vcf")
    assert capfd.readouterr().err == ""


def _big_vcf(tmp_path: Path) -> Path:
    lines = [
        "##fileformat=VCFv4.2",
        "##contig=<ID=1,length=248956422>",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]
    lines += [f"1\t{1000 + 10 * i}\t.\tC\tT\t.\tPASS\tN={i * 7919 % 100003}" for i in range(6000)]
    path = tmp_path / "big.vcf"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("compress", ["bgzip", "gzip"])
def test_truncated_compressed_file(tmp_path, capfd, compress):
    big = _big_vcf(tmp_path)
    whole = tmp_path / "whole.vcf.gz"
    if compress == "bgzip":
        pysam.tabix_compress(str(big), str(whole))
    else:
        whole.write_bytes(gzip.compress(big.read_bytes()))
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InputFormatError, match=r"cut\.vcf\.gz: the compressed file is truncated or corrupt"):
        read_vcf(cut)
    assert capfd.readouterr().err == ""


def test_truncated_inside_the_header(tmp_path):
    whole = gzip.compress((DATA / "mutect2_tumor_normal.grch38.vcf").read_bytes())
    cut = tmp_path / "head.vcf.gz"
    cut.write_bytes(whole[:200])
    with pytest.raises(InputFormatError, match=r"head\.vcf\.gz: the compressed file is truncated or corrupt"):
        read_vcf(cut)


# --------------------------------------------------------------------------------------------
# real third-party files (../shared/real_data)
# --------------------------------------------------------------------------------------------


def annotation_fields(path: Path, tag: str) -> list[str]:
    """Field names of an annotation tag, read from the raw header text."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        for line in handle:
            if line.startswith(f"##INFO=<ID={tag},"):
                text = re.split(r"Format: |Functional annotations: ", line)[1]
                return [f.strip(" '\">\n") for f in text.strip().rstrip(">").strip("\"' ").split("|")]
    raise AssertionError(f"no {tag} header in {path}")


def raw_records(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        for line in handle:
            if not line.startswith("#"):
                cols = line.rstrip("\n").split("\t")
                info = dict(kv.split("=", 1) for kv in cols[7].split(";") if "=" in kv)
                yield cols[0], int(cols[1]), cols[3], cols[4], info


@pytest.mark.parametrize("name", ["vep/vatools_snvs_and_indels.vep.vcf", "vep/vatools_single_missense.vep.vcf"])
def test_real_vep_files_match_their_canonical_csq_entry(name):
    path = REAL_VCF / name
    fields = annotation_fields(path, "CSQ")
    result = read_vcf(path)
    assert result.genome_build == "GRCh37"  # ##reference ... GRCh37-lite.fa.gz
    events = by_key(result)
    n = 0
    for chrom, pos, _ref, alt, info in raw_records(path):
        entries = [dict(zip(fields, e.split("|"))) for e in info["CSQ"].split(",")]
        canonical = [e for e in entries if e["CANONICAL"] == "YES"] or entries
        variant = events[(chrom, pos, alt)]
        assert variant.gene == canonical[0]["SYMBOL"]
        hgvsp = unquote(canonical[0]["HGVSp"]).split(":", 1)[-1] or None
        assert variant.hgvs_p == hgvsp
        n += 1
    assert n == len(result.events) > 0


def test_real_vep_known_values():
    events = by_key(read_vcf(REAL_VCF / "vep/vatools_snvs_and_indels.vep.vcf"))
    assert (events[("22", 18644673, "T")].gene, events[("22", 18644673, "T")].hgvs_p) == ("USP18", "p.Ala124Val")
    assert (events[("6", 41754573, "CCTT")].gene, events[("6", 41754573, "CCTT")].hgvs_p) == (
        "PRICKLE4",
        "p.Leu287dup",
    )
    assert events[("6", 43250725, "G")].hgvs_p == "p.Glu750del"
    [single] = read_vcf(REAL_VCF / "vep/vatools_single_missense.vep.vcf").events
    assert (single.gene, single.hgvs_c, single.hgvs_p) == ("USP18", "c.371C>T", "p.Ala124Val")
    assert single.consequence == ("missense_variant",)


def test_real_snpeff_mutect2_file():
    path = REAL_VCF / "snpeff/syn3_mutect2.snpeff_ann.vcf.gz"
    fields = annotation_fields(path, "ANN")
    result = read_vcf(path)
    assert (result.sample, result.genome_build) == ("syn3_tumor", "GRCh38")
    events = by_key(result)
    raw = list(raw_records(path))
    assert len(result.events) == len(raw) == 1362
    checked_p = 0
    for chrom, pos, _ref, alt, info in raw[::7]:
        entries = [dict(zip(fields, e.split("|"))) for e in info["ANN"].split(",")]
        own = [e for e in entries if e["Allele"] == alt]
        coding = [e for e in own if e["Transcript_BioType"] == "protein_coding" and e["HGVS.p"]]
        expected = (coding or own)[0]
        variant = events[(chrom, pos, alt)]
        assert variant.annotation == "snpeff"
        assert variant.gene == expected["Gene_Name"]
        assert variant.hgvs_p == (expected["HGVS.p"] or None)
        checked_p += bool(variant.hgvs_p)
    assert checked_p > 5


def test_real_snpeff_vaf_from_tumour_ad():
    path = REAL_VCF / "snpeff/syn3_mutect2.snpeff_ann.vcf.gz"
    first = read_vcf(path).events[0]
    # raw tumour column of the first record: 0/1:20,11:0.367:31:...
    assert (first.pos, first.alt_depth, first.depth) == (1324300, 11, 31)
    assert first.source.line == record_line(path, "1", 1324300)


def test_real_pcgr_unannotated_vcf():
    path = REAL_VCF / "pcgr_T001-BRCA.grch38.vcf.gz"
    with pytest.raises(GenomeBuildError, match=r"pcgr_T001-BRCA\.grch38\.vcf\.gz: cannot determine"):
        read_vcf(path)
    result = read_vcf(path, genome="GRCh38")
    raw = list(raw_records(path))
    assert len(result.events) == len(raw) == 196
    assert {v.annotation for v in result.events} == {"none"}
    assert all(v.gene is None for v in result.events)
    v = result.events[0]
    assert v.source.line == record_line(path, raw[0][0], raw[0][1])


def gene_span(symbol: str) -> Region:
    path = REAL / "knowledge/genes/ensembl_genes_GRCh38.MDALL_info_gtf_hg38.tsv.gz"
    with gzip.open(path, "rt") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            if row["gene_name"] == symbol:
                return Region(row["chr"], int(row["start"]), int(row["end"]), symbol)
    raise AssertionError(symbol)


def test_real_vcf2maf_tumor_normal_against_expected_maf():
    genes = ("RUNX1", "ERG", "TMPRSS2", "U2AF1")
    regions = [gene_span(g) for g in genes]
    result = read_vcf(REAL_VCF / "vcf2maf_test_b38.vcf", regions=regions, genome="GRCh38")
    assert result.sample == "TUMOR"
    events = {(v.chrom, v.pos): v for v in result.events}
    lines = (REAL_VCF / "vcf2maf_test_b38_output.vep.maf").read_text().splitlines()
    header = lines[1].split("\t")
    checked = 0
    for line in lines[2:]:
        row = dict(zip(header, line.split("\t")))
        if row["Hugo_Symbol"] not in genes:
            assert (row["Chromosome"], int(row["vcf_pos"])) not in events  # outside the four genes
            continue
        variant = events[(row["Chromosome"], int(row["vcf_pos"]))]
        assert variant.gene == row["Hugo_Symbol"]
        alt = int(row["t_alt_count"])
        if row["t_ref_count"] not in ("", "."):
            assert variant.vaf == pytest.approx(alt / (int(row["t_ref_count"]) + alt), abs=1e-6)
        else:  # REF count missing in AD: alt reads over DP (= MAF t_depth)
            assert variant.vaf == pytest.approx(alt / int(row["t_depth"]), abs=1e-6)
        checked += 1
    assert checked == len(result.events) == 19


def test_crlf_line_endings_and_blank_lines_are_tolerated(tmp_path):
    text = (DATA / "mutect2_tumor_normal.grch38.vcf").read_text()
    path = tmp_path / "windows.vcf"
    path.write_bytes(text.replace("\n", "\r\n").replace("\r\nchr9\t130714000", "\r\n\r\nchr9\t130714000").encode())
    result = read_vcf(path)
    expected = read_vcf(DATA / "mutect2_tumor_normal.grch38.vcf")
    assert comparable(result) == comparable(expected)
    assert result.stats["blank_lines"] == 1
    assert any("blank line" in w.message for w in result.warnings)
    t315i = by_key(result)[("9", 130872896, "T")]
    assert t315i.source.line == record_line(DATA / "mutect2_tumor_normal.grch38.vcf", "chr9", 130872896) + 1


def test_detect_vcf_build_reads_only_the_header():
    assert detect_vcf_build(DATA / "strelka_somatic.hg19.vcf") == (
        "GRCh37",
        "##contig length of chr1 = 249250621 (GRCh37)",
    )
    assert detect_vcf_build(DATA / "no_build_evidence.vcf", "hg38")[0] == "GRCh38"
    with pytest.raises(GenomeBuildError, match=r"no_build_evidence\.vcf: cannot determine"):
        detect_vcf_build(DATA / "no_build_evidence.vcf")
    with pytest.raises(InputFormatError, match=r"empty\.vcf"):
        detect_vcf_build(DATA / "empty.vcf")



def test_protein_terms_drop_silent_annotated_alleles_but_keep_hotspot_sites():
    """Memory follows the lesions: intronic/synonymous annotated alleles are counted, not kept."""
    from leuk_annot.classify.lesions import PROTEIN_TERMS

    demo = REPO / "test_data" / "cases" / "demo" / "DEMO_REL.vcf"
    everything = read_vcf(demo)
    filtered = read_vcf(demo, protein_terms=PROTEIN_TERMS)
    dropped = {(v.chrom, v.pos) for v in everything.events} - {(v.chrom, v.pos) for v in filtered.events}
    assert dropped == {("9", 130854500), ("9", 130872950)}  # the intronic and the synonymous ABL1 calls
    assert filtered.stats["silent"] == 2
    kept = read_vcf(demo, protein_terms=PROTEIN_TERMS, keep_sites=[("9", 130872950)])
    assert ("9", 130872950) in {(v.chrom, v.pos) for v in kept.events}


# --------------------------------------------------------------------------------------------
# records settled from their text (never parsed) count exactly as parsed ones would
# --------------------------------------------------------------------------------------------

_SETTLE_HEADER = """##fileformat=VCFv4.2
##contig=<ID=chr1,length=248956422>
##contig=<ID=chr9,length=138394717>
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=LowQual,Description="Low quality">
##INFO=<ID=END,Number=1,Type=Integer,Description="End">
##INFO=<ID=NOTE,Number=1,Type=String,Description="Free text">
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. \
Format: Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
#CHROM	POS	ID	REF	ALT	QUAL	FILTER	INFO	FORMAT	T
"""


def _csq(alt: str, consequence: str, hgvsp: str = "") -> str:
    return f"CSQ={alt}|{consequence}|X|ABL1|ENSG1|Transcript|ENST1|protein_coding|||c.1A>T|{hgvsp}"


_SETTLE_RECORDS = [  # (chrom, pos, ref, alt, filter, info, genotype)
    ("chr1", 500, "A", "G", "PASS", _csq("G", "missense_variant", "p.Lys2Arg"), "0/1:10,5"),  # outside
    ("chr9", 1000, "A", "G", "PASS", _csq("G", "missense_variant", "p.Lys9Arg"), "0/1:10,5"),  # kept
    ("chr9", 1010, "A", "G", "PASS", _csq("G", "intron_variant"), "0/1:10,5"),  # silent
    ("chr9", 1020, "A", "G", "LowQual", _csq("G", "missense_variant", "p.Glu12Gly"), "0/1:10,5"),  # filtered
    ("chr9", 1030, "A", "G", "LowQual", _csq("G", "intron_variant"), "0/1:10,5"),  # filtered, silent
    ("chr9", 1040, "A", "G", "PASS", "NOTE=none", "0/1:10,5"),  # no annotation: silent
    ("chr9", 1050, "A", "G,<NON_REF>", "PASS", _csq("G", "synonymous_variant"), "0/1:10,5,0"),
    ("chr9", 1060, "A", ".", "PASS", ".", "0/0:10"),  # reference only
    ("chr9", 1070, "A", "<DEL>", "PASS", "END=1200", "0/1:10,5"),  # symbolic
    ("chr9", 1080, "A", "T", "PASS", _csq("T", "intron_variant"), "0/1:10,5"),  # a known hotspot site
    ("chr9", 1090, "A", "T", "PASS", "NOTE=missense;" + _csq("T", "intron_variant"), "0/1:10,5"),
    ("chr9", 1100, "A", ".", ".", "END=1110", "0/0:30"),  # reference block over a watched site
    ("chr9", 1120, "AT", "A", "PASS", _csq("-", "upstream_gene_variant"), "0/0:30,0"),  # watched 1121
    ("chr9", 1130, "A", "C,G", ".", _csq("C", "frameshift_variant", "p.Lys44fs") + ","
     + _csq("G", "intron_variant")[4:], "0/1:10,3,4"),
]


def _settle_vcf(tmp_path: Path) -> Path:
    lines = ["\t".join((c, str(p), ".", r, a, ".", f, i, "GT:AD", g)) for c, p, r, a, f, i, g in _SETTLE_RECORDS]
    (tmp_path / "src").mkdir(exist_ok=True)
    path = tmp_path / "src" / "settle.vcf"
    path.write_text(_SETTLE_HEADER + "\n".join(lines) + "\n")
    return path


def _settle_read(path: Path, include_filtered: bool):
    from leuk_annot.classify.lesions import PROTEIN_TERMS

    return read_vcf(path, regions=[Region("9", 900, 1500, "ABL1")], include_filtered=include_filtered,
                    protein_terms=PROTEIN_TERMS, keep_sites=[("9", 1080)], watch_sites=[("9", 1105), ("9", 1121)])


def _settled_view(result):
    return ([(v.chrom, v.pos, v.ref, v.alt, v.filter, v.consequence, v.hgvs_p, v.vaf) for v in result.events],
            result.stats, result.reported_sites)


@pytest.mark.parametrize("include_filtered", [False, True])
def test_records_settled_from_text_count_as_parsed_ones(tmp_path, monkeypatch, include_filtered):
    """Indexed (tabix) and unindexed reads settle most lines from their text; the answer is the one a
    parse of every in-region record gives."""
    from leuk_annot.io.vcf_records import RecordReader

    plain = _settle_vcf(tmp_path)
    indexed = bgzip_and_index(plain, tmp_path)
    settled = [_settled_view(_settle_read(p, include_filtered)) for p in (plain, indexed)]
    calls = []
    original = RecordReader.settled_by_text
    monkeypatch.setattr(RecordReader, "settled_by_text", lambda self, line: calls.append(line) or False)
    parsed = [_settled_view(_settle_read(p, include_filtered)) for p in (plain, indexed)]
    # every in-region line was offered: 13 from tabix, 12 from the unindexed pre-filter, which passes a
    # contig's first line on untouched (htslib then warns about a contig the header does not declare)
    assert len(calls) == 13 + 12
    assert settled == parsed
    # (an index query never sees the records outside the regions, so only those counts differ)
    assert settled[0][0] == settled[1][0] and settled[0][2] == settled[1][2]
    assert {k: n for k, n in settled[0][1].items() if k not in ("records", "outside_regions")} == {
        k: n for k, n in settled[1][1].items() if k not in ("records", "outside_regions")}
    events, stats, reported = settled[0]
    assert [(pos, alt) for _, pos, _, alt, *_ in events] == (
        [(1000, "G"), (1020, "G"), (1080, "T"), (1130, "C")] if include_filtered
        else [(1000, "G"), (1080, "T"), (1130, "C")])
    assert stats["records"] == 14 and stats["outside_regions"] == 1 and stats["skipped_sv"] == 1
    assert stats["skipped_non_ref"] == 3 and stats["filtered"] == 2
    assert reported == frozenset({("9", 1105), ("9", 1121)})
    # and most lines really were settled without a parse
    monkeypatch.setattr(RecordReader, "settled_by_text", original)
    settled_lines = []
    monkeypatch.setattr(RecordReader, "settled_by_text",
                        lambda self, line: original(self, line) and not settled_lines.append(line))
    _settle_read(indexed, include_filtered)
    positions = {int(line.split("\t")[1]) for line in settled_lines}
    assert {1010, 1030, 1040, 1050, 1060} <= positions
    assert not positions & {1000, 1080, 1090, 1100, 1120, 1130}  # protein text, hotspot, watched sites


def test_indexed_read_falls_back_to_cyvcf2_when_tabix_cannot_open(tmp_path, monkeypatch):
    import pysam as pysam_module

    indexed = bgzip_and_index(_settle_vcf(tmp_path), tmp_path)
    expected = _settled_view(_settle_read(indexed, False))

    def refuse(*args, **kwargs):
        raise OSError("no tabix here")

    monkeypatch.setattr(pysam_module, "TabixFile", refuse)
    assert _settled_view(_settle_read(indexed, False)) == expected


def test_region_index_answers_as_a_scan_of_overlapping_regions():
    """gene_at: inside any region, and the gene of the first region by start that holds the position."""
    import random

    from leuk_annot.io.vcf_records import RegionIndex

    rng = random.Random(7)
    for _ in range(100):
        regions = []
        for i in range(rng.randint(0, 10)):
            start = rng.randint(1, 200)
            regions.append(Region(rng.choice(["1", "chr1", "2"]), start, start + rng.randint(0, 60), f"G{i}"))
        index = RegionIndex(regions)
        for chrom in ("1", "2", "3"):
            ordered = sorted((r for r in regions if r.chrom.removeprefix("chr") == chrom),
                             key=lambda r: (r.start, r.end))
            for pos in range(0, 280):
                first = next((r for r in ordered if r.start <= pos <= r.end), None)
                assert index.gene_at(chrom, pos) == (first is not None, first.gene if first else None)


def _split_read(path: Path, include_filtered: bool = False):
    """Two separate regions over the settle records, so a split read has a second half."""
    from leuk_annot.classify.lesions import PROTEIN_TERMS

    return read_vcf(path, regions=[Region("9", 900, 1044, "ABL1"), Region("9", 1046, 1500, "ABL1")],
                    include_filtered=include_filtered, protein_terms=PROTEIN_TERMS, keep_sites=[("9", 1080)],
                    watch_sites=[("9", 1105), ("9", 1121)])


class _AssignedRuns:
    """Stands in for ``forked.Tickets`` in a split read: the child takes ``child`` runs, the parent
    ``parent`` ones, so a test decides who reads what (the real hand-out is tested on its own)."""

    def __init__(self, child, parent):
        self.child, self.parent, self.parent_pid = child, parent, os.getpid()

    def __call__(self, count):
        assert set(self.child).isdisjoint(self.parent) and max(self.child + self.parent, default=0) < count
        return self

    def __iter__(self):
        return iter(self.parent if os.getpid() == self.parent_pid else self.child)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


def _with_undeclared_tags(plain: Path) -> Path:
    """Give two parsed records, one in each region of ``_split_read``, an INFO tag the header lacks:
    htslib warns of each, and the warnings must keep file order."""
    text = plain.read_text().replace("\t" + _csq("G", "missense_variant", "p.Lys9Arg"),
                                     "\tFIRST=1;" + _csq("G", "missense_variant", "p.Lys9Arg"))
    text = text.replace("\t" + _csq("C", "frameshift_variant", "p.Lys44fs"),
                        "\tSECOND=1;" + _csq("C", "frameshift_variant", "p.Lys44fs"))
    plain.write_text(text)
    return plain


@pytest.mark.skipif(not CAN_FORK, reason="the split read forks, on Linux only")
@pytest.mark.parametrize("include_filtered", [False, True])
@pytest.mark.parametrize("child_runs", [[0], [1]])
def test_a_read_shared_with_a_child_process_gives_the_single_process_answer(tmp_path, monkeypatch,
                                                                            include_filtered, child_runs):
    from leuk_annot.io import vcf as vcf_module
    from leuk_annot.io.vcf_records import RecordReader

    indexed = bgzip_and_index(_with_undeclared_tags(_settle_vcf(tmp_path)), tmp_path)
    monkeypatch.setattr(vcf_module, "FORK_MIN_BYTES", 1 << 60)
    alone = _split_read(indexed, include_filtered)
    assert [w.message for w in alone.warnings if "htslib" in w.message] == [
        "htslib: INFO 'FIRST' is not defined in the header, assuming Type=String",
        "htslib: INFO 'SECOND' is not defined in the header, assuming Type=String"]
    handed_over = []
    original = RecordReader.take_over
    monkeypatch.setattr(RecordReader, "take_over",
                        lambda self, state: handed_over.append(state) or original(self, state))
    monkeypatch.setattr(vcf_module, "FORK_MIN_BYTES", 0)
    monkeypatch.setattr(vcf_module, "_Tickets", _AssignedRuns(child_runs, [1 - child_runs[0]]))
    shared = _split_read(indexed, include_filtered)
    assert len(handed_over) == 1 and handed_over[0][1]["kept"]  # the child's run came back, with variants
    assert _settled_view(shared) == _settled_view(alone) and shared.warnings == alone.warnings
    assert [v.pos for v in shared.events] == sorted(v.pos for v in shared.events)  # file order kept
    monkeypatch.setattr(vcf_module, "_Tickets", Tickets)  # and handed out for real
    assert _settled_view(_split_read(indexed, include_filtered)) == _settled_view(alone)


@pytest.mark.skipif(not CAN_FORK, reason="the split read forks, on Linux only")
@pytest.mark.parametrize("bad", [[1400], [1040, 1400]])
def test_a_bad_record_read_by_either_process_gives_the_single_process_error(tmp_path, monkeypatch, bad):
    """Also when the parent fails on a later run than one the child took and failed on: a single read
    meets the earlier record first, so that is the error."""
    from leuk_annot.io import vcf as vcf_module

    plain = _settle_vcf(tmp_path)
    lines = plain.read_text().splitlines(keepends=True)
    for pos in bad:  # (after the last record at or before it: the file stays sorted)
        bad_line = f"chr9\t{pos}\t.\tA\tT\t.\tPASS\t{_csq('T', 'missense_variant')}\tGT:AD\t0/1:x,y,z\n"
        after = max(i for i, line in enumerate(lines) if line.startswith("chr9\t") and int(line.split("\t")[1]) <= pos)
        lines.insert(after + 1, bad_line)
    plain.write_text("".join(lines))
    indexed = bgzip_and_index(plain, tmp_path)
    errors = []
    for threshold, child_runs, parent_runs in ((1 << 60, [], []), (0, [0], [1]), (0, [1], [0])):
        monkeypatch.setattr(vcf_module, "FORK_MIN_BYTES", threshold)
        monkeypatch.setattr(vcf_module, "_Tickets", _AssignedRuns(child_runs, parent_runs))
        with pytest.raises(InputFormatError) as caught:
            _split_read(indexed)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] == errors[2] and "settle.vcf.gz" in errors[0]


def test_protein_term_pattern_finds_a_text_exactly_when_it_holds_a_term():
    """The reader's trie-shaped pattern of protein-level SO terms agrees with a plain substring test."""
    import random
    import re

    from leuk_annot.classify.lesions import PROTEIN_TERMS
    from leuk_annot.io.vcf_records import _any_of

    stems = {term.removesuffix("_variant") for term in PROTEIN_TERMS}
    pattern = re.compile(_any_of(stems))
    pieces = sorted(stems) + ["intron", "synonymous", "splice_region", "stop_retained", "_", "&", "|", "s", "in"]
    rng = random.Random(7)
    texts = []
    for _ in range(5000):  # fragments of terms glued together: near misses as well as hits
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 4))]
        parts = [p[rng.randint(0, len(p) - 1):] if rng.random() < 0.3 else p for p in parts]
        texts.append("".join(parts))
    assert {True, False} == {any(stem in text for stem in stems) for text in texts}
    for text in texts:
        assert (pattern.search(text) is not None) == any(stem in text for stem in stems), text
    assert _any_of({"ab", "xab", "iab", "ixab", "abc"}) == "ab"  # a word holding another one adds nothing


@pytest.mark.parametrize("fork_min_bytes", [1 << 60, 0])
def test_an_indexed_vcf_whose_header_lists_no_contigs_reads_without_warnings(tmp_path, monkeypatch, fork_min_bytes):
    """htslib adds the index's contigs to such a header when it opens the file by name; the reader
    reads the header without the index, so it adds them itself (single and shared reads alike)."""
    from leuk_annot.io import vcf as vcf_module

    source = DATA / "mutect2_tumor_normal.grch38.vcf"
    bare = tmp_path / "src" / "bare.vcf"
    bare.parent.mkdir()
    bare.write_text("".join(line for line in source.read_text().splitlines(True) if not line.startswith("##contig")))
    with_contigs, without = bgzip_and_index(source, tmp_path), bgzip_and_index(bare, tmp_path)
    monkeypatch.setattr(vcf_module, "FORK_MIN_BYTES", fork_min_bytes)
    expected = read_vcf(with_contigs, regions=[ABL1_38], genome="GRCh38")
    result = read_vcf(without, regions=[ABL1_38], genome="GRCh38")
    assert result.warnings == [] and expected.warnings == []
    assert [(v.chrom, v.pos, v.alt, v.vaf) for v in result.events] == [
        (v.chrom, v.pos, v.alt, v.vaf) for v in expected.events] != []
