"""Copy-number format sniffing: each producer's signature, refusals of non-CNV files, unknown files."""

from __future__ import annotations

import pytest
from conftest import REAL_DATA, TEST_DATA

from leuk_annot.errors import InputFormatError, UnknownFormatError
from leuk_annot.io import CNV_READERS, FUSION_READERS, SV_READERS, VARIANT_READERS, read_copy_number
from leuk_annot.io.cnv_sniff import CNV_SIGNATURES, describe_cnv_signatures, sniff_cnv_format
from leuk_annot.io.sniff import SNIFF_LINES

CNV = TEST_DATA / "cnv"


@pytest.mark.parametrize(
    "relative, fmt",
    [
        ("cnvkit/sample.call.cns", "cnvkit"),
        ("cnvkit/sample.cns", "cnvkit"),
        ("cnvkit/sample.cnr", "cnvkit"),
        ("cnvkit/sample.cns.gz", "cnvkit"),
        ("cnvkit/bad_log2.cns", "cnvkit"),
        ("cnvkit/unsorted.cns", "cnvkit"),
        ("cnvkit/overlap.cns", "cnvkit"),
        ("cnvkit/header_only.cns", "cnvkit"),
        ("gatk-seg/sample.called.seg", "gatk-seg"),
        ("gatk-seg/sample.modelFinal.seg", "gatk-seg"),
        ("gatk-seg/no_sq.cr.seg", "gatk-seg"),
        ("gatk-seg/header_only.cr.seg", "gatk-seg"),
        ("seg/dnacopy.seg", "seg"),
        ("seg/multi_sample.seg", "seg"),
        ("seg/igv_called.seg", "seg"),
        ("seg/five_columns.seg", "seg"),
        ("seg/headerless.seg", "seg"),
        ("purple/sample.purple.cnv.somatic.tsv", "purple"),
        ("purple/bad_copy_number.tsv", "purple"),
        ("facets/sample.cncf.tsv", "facets"),
        ("titan/sample.segs.txt", "titan"),
        ("pcgr-cna/sample.cna.tsv", "pcgr-cna"),
        ("cnv-vcf/gcnv_like.grch38.vcf", "cnv-vcf"),
        ("cnv-vcf/tumor_normal_info_cn.hg19.vcf", "cnv-vcf"),
        ("cnv-vcf/info_cn_only.vcf", "cnv-vcf"),
    ],
)
def test_fixture_is_sniffed(relative, fmt):
    assert sniff_cnv_format(CNV / relative) == fmt


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("HCC2218_cnvkit-call.cns", "cnvkit"),
        ("HCC2218_purple.cnv.tsv", "purple"),
        ("HCC2218_facets_cncf.tsv", "facets"),
        ("HCC2218_titan.segs.tsv", "titan"),
        ("cnvkit_tr95t.cns", "cnvkit"),
        ("pcgr_T001-BRCA.grch37.cna.tsv", "pcgr-cna"),
        ("pcgr_T001-BRCA.grch38.cna.tsv", "pcgr-cna"),
    ],
)
def test_real_file_is_sniffed(name, fmt):
    assert sniff_cnv_format(REAL_DATA / "cnv" / name) == fmt


def test_truth_set_is_not_a_caller_file():
    path = REAL_DATA / "cnv" / "HCC2218_truthset_cnv_bcbio.tsv"
    with pytest.raises(UnknownFormatError, match=r"unrecognised copy-number file; header seen: 'chrom\\tstart") as info:
        sniff_cnv_format(path)
    assert "registered copy-number formats: " + ", ".join(sorted(CNV_READERS)) in str(info.value)


def test_sv_vcf_is_redirected_to_sv():
    with pytest.raises(UnknownFormatError, match=r"structural-variant VCF.*hint: pass it with --sv"):
        sniff_cnv_format(CNV / "cnv-vcf" / "sv_like.vcf")


def test_real_sv_vcf_is_redirected_to_sv():
    with pytest.raises(UnknownFormatError, match=r"structural-variant VCF"):
        sniff_cnv_format(REAL_DATA / "sv" / "HCC2218_manta.vcf")


def test_small_variant_vcf_is_redirected_to_the_main_input():
    with pytest.raises(UnknownFormatError, match=r"small-variant VCF.*hint: pass it as the main input"):
        sniff_cnv_format(TEST_DATA / "vcf" / "sites_only.grch38.vcf")


def test_fusion_table_is_redirected_to_fusions():
    with pytest.raises(UnknownFormatError, match=r"fusion table \(generic fusion TSV\).*hint: pass it with --fusions"):
        sniff_cnv_format(TEST_DATA / "fusions" / "tsv" / "gene5_gene3.tsv")
    with pytest.raises(UnknownFormatError, match=r"fusion table \(Arriba fusions\.tsv\)"):
        sniff_cnv_format(REAL_DATA / "fusions" / "arriba" / "arriba_test.fusions.tsv")


def test_cnvkit_header_without_log2_is_unknown_with_header_shown():
    with pytest.raises(UnknownFormatError, match=r"header seen: 'chromosome\\tstart\\tend\\tgene\\tdepth'"):
        sniff_cnv_format(CNV / "cnvkit" / "missing_columns.cns")


def test_four_column_table_is_not_generic_seg():
    with pytest.raises(UnknownFormatError, match=r"unrecognised copy-number file"):
        sniff_cnv_format(CNV / "seg" / "four_columns.tsv")


def test_empty_file_cannot_be_sniffed():
    with pytest.raises(InputFormatError, match=r"empty\.cns: empty file"):
        sniff_cnv_format(CNV / "cnvkit" / "empty.cns")


def test_recognised_format_without_a_reader_is_refused():
    readers = {k: v for k, v in CNV_READERS.items() if k != "titan"}
    with pytest.raises(UnknownFormatError, match=r"looks like TitanCNA segs; no reader"):
        sniff_cnv_format(CNV / "titan" / "sample.segs.txt", readers=readers)


def test_sniffing_reads_at_most_the_declared_number_of_lines(tmp_path):
    path = tmp_path / "late_header.tsv"
    path.write_text("##comment\n" * SNIFF_LINES + "chromosome\tstart\tend\tlog2\n1\t0\t10\t0.1\n")
    with pytest.raises(UnknownFormatError):
        sniff_cnv_format(path)


def test_read_copy_number_dispatches_through_the_sniffer():
    result = read_copy_number(CNV / "facets" / "sample.cncf.tsv")
    assert result.format == "facets" and len(result.events) == 4


def test_every_signature_is_described_and_every_reader_has_a_signature():
    described = dict(describe_cnv_signatures())
    assert set(described) == set(CNV_SIGNATURES)
    assert set(CNV_READERS) <= set(CNV_SIGNATURES)
    redirects = {name for name, sig in CNV_SIGNATURES.items() if sig.redirect}
    others = set(VARIANT_READERS) | set(SV_READERS) | set(FUSION_READERS) | set(CNV_READERS)
    assert redirects and not redirects & others  # a merged `formats` listing cannot mix them up
    assert described["structural-variant-vcf"].endswith("refused with a pointer to the right option]")
    assert described["titan"].endswith("[read]")


def test_gatk_seg_with_more_sq_lines_than_the_sniff_window(tmp_path):
    path = tmp_path / "hg38.called.seg"
    sq = "".join(f"@SQ\tSN:chrUn_{i}\tLN:{1000 + i}\n" for i in range(SNIFF_LINES + 10))
    path.write_text(
        "@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:248956422\n" + sq + "@RG\tID:GATKCopyNumber\tSM:T\n"
        "CONTIG\tSTART\tEND\tNUM_POINTS_COPY_RATIO\tMEAN_LOG2_COPY_RATIO\tCALL\nchr1\t1\t100\t5\t-1.2\t-\n"
    )
    assert sniff_cnv_format(path) == "gatk-seg"
    result = read_copy_number(path)
    assert result.genome_build == "GRCh38" and result.sample == "T"
    assert [(s.start, s.end, s.log2, s.source.line) for s in result.events] == [(1, 100, -1.2, SNIFF_LINES + 15)]
