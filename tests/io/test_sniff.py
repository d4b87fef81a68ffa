"""Fusion format sniffing: declared signatures, specific producers before the generic TSV, clear refusals."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import require_shared

from leuk_annot.errors import InputFormatError, UnknownFormatError
from leuk_annot.io import FUSION_READERS, read_fusions
from leuk_annot.io.sniff import (
    FUSION_SIGNATURES,
    SNIFF_LINES,
    describe_signatures,
    head_lines,
    sniff_fusion_format,
)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "test_data" / "fusions" / "tsv"
SHARED = REPO / ".." / "shared" / "real_data"

ARRIBA_HEADER = (
    "#gene1\tgene2\tstrand1(gene/fusion)\tstrand2(gene/fusion)\tbreakpoint1\tbreakpoint2\tsite1\tsite2\t"
    "type\tsplit_reads1\tsplit_reads2\tdiscordant_mates\tcoverage1\tcoverage2\tconfidence\n"
)


def real(relative: str) -> Path:
    return require_shared(SHARED / relative)


@pytest.mark.parametrize(
    "fixture",
    [
        "gene5_gene3.tsv",
        "gene5_gene3.tsv.gz",
        "fusion_column.tsv",
        "gene1_gene2_aliases.tsv",
        "empty_partner.tsv",
        "bad_breakpoint.tsv",
        "single_hyphen.tsv",
        "comments_and_blanks.tsv",
        "header_only.tsv",
        "crlf.tsv",
        "bom.tsv",
    ],
)
def test_generic_fixtures_sniff_as_tsv(fixture):
    assert sniff_fusion_format(FIXTURES / fixture) == "tsv"


def test_empty_file_cannot_be_sniffed():
    with pytest.raises(InputFormatError, match=r"empty\.tsv: empty file"):
        sniff_fusion_format(FIXTURES / "empty.tsv")


def test_comma_separated_table_is_unknown_with_a_csv_hint():
    with pytest.raises(UnknownFormatError, match=r"header seen: 'gene5,gene3.*looks comma-separated"):
        sniff_fusion_format(FIXTURES / "comma_separated.tsv")


def test_unknown_table_lists_registered_formats_and_the_header_seen(tmp_path):
    path = tmp_path / "mystery.txt"
    path.write_text("geneA.name\tgeneA.id\tgeneB.name\tpaircount\nAKAP9\tENSG1\tBRAF\t4\n")
    with pytest.raises(UnknownFormatError) as info:
        sniff_fusion_format(path)
    assert "mystery.txt: unrecognised fusion file; header seen: 'geneA.name\\tgeneA.id" in str(info.value)
    assert all(fmt in info.value.hint for fmt in FUSION_READERS)


def test_vcf_passed_as_fusions_points_to_the_right_option(tmp_path):
    path = tmp_path / "sv.vcf"
    path.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    with pytest.raises(UnknownFormatError, match=r"sv\.vcf: this is a VCF file.*main input or with --sv"):
        sniff_fusion_format(path)


def test_gzipped_vcf_is_recognised_through_the_compression(tmp_path):
    path = tmp_path / "sv.vcf.gz"
    with gzip.open(path, "wt") as fh:
        fh.write("##fileformat=VCFv4.3\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    with pytest.raises(UnknownFormatError, match="this is a VCF file"):
        read_fusions(path)


def test_bcf_is_refused_as_a_vcf(tmp_path):
    path = tmp_path / "calls.bcf"
    with gzip.open(path, "wb") as fh:
        fh.write(b"BCF\x02\x02" + bytes(range(200)))
    with pytest.raises(UnknownFormatError, match=r"BCF \(binary VCF\).*--sv"):
        sniff_fusion_format(path)


def test_binary_file_is_an_input_error(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(128, 256)))
    with pytest.raises(InputFormatError, match="not readable as UTF-8 text"):
        sniff_fusion_format(path)


def test_arriba_header_wins_over_generic_gene1_gene2_aliases(tmp_path):
    """Arriba's header also satisfies the generic gene1/gene2 aliases; the specific signature must win."""
    path = tmp_path / "fusions.tsv"
    path.write_text(ARRIBA_HEADER + "BCR\tABL1\t+/+\t+/+\t22:23290413\t9:130854064\n")
    assert FUSION_SIGNATURES["tsv"].match(head_lines(path))  # the generic reader *could* take it
    assert sniff_fusion_format(path) == "arriba"
    # Without an Arriba reader the file is refused rather than misread by the generic one.
    without = {k: v for k, v in FUSION_READERS.items() if k != "arriba"}
    with pytest.raises(UnknownFormatError, match="looks like Arriba fusions.tsv; a native reader"):
        sniff_fusion_format(path, readers=without)


def test_generic_file_with_gene1_gene2_but_no_arriba_columns_stays_tsv(tmp_path):
    path = tmp_path / "calls.tsv"
    path.write_text("#gene1\tgene2\tbreakpoint1\tbreakpoint2\nBCR\tABL1\t22:23290413\t9:130854064\n")
    assert sniff_fusion_format(path) == "tsv"


def test_sniffing_reads_at_most_the_declared_number_of_lines(tmp_path):
    path = tmp_path / "long.tsv"
    path.write_text("gene5\tgene3\n" + "BCR\tABL1\n" * (SNIFF_LINES * 3))
    assert len(head_lines(path)) == SNIFF_LINES


def test_signature_table_orders_specific_formats_before_the_generic_tsv():
    order = [fmt for fmt, _ in describe_signatures()]
    assert order[-1] == "tsv"
    assert order.index("vcf") < order.index("arriba") < order.index("tsv")
    assert set(order) == set(FUSION_SIGNATURES)


def test_describe_signatures_says_which_formats_are_read():
    described = dict(describe_signatures())
    assert described["tsv"].endswith("[read]")
    assert "#gene1<TAB>gene2<TAB>" in described["arriba"] and described["arriba"].endswith("[read]")
    without = dict(describe_signatures(readers={"tsv": FUSION_READERS["tsv"]}))
    assert "no reader yet" in without["arriba"]
    assert "not a fusion table" in described["vcf"]


def test_every_registered_reader_has_a_signature():
    assert set(FUSION_READERS) <= set(FUSION_SIGNATURES)


@pytest.mark.parametrize(
    "relative, label",
    [
        ("fusions/arriba/K562_SRR018268.fusions.tsv", "arriba"),
        ("fusions/arriba/leucegene_SRX332627.fusions.tsv.gz", "arriba"),
        ("fusions/star-fusion/K562_SRR018269.star-fusion.fusion_predictions.abridged.tsv", "star-fusion"),
        ("fusions/fusioncatcher/demo.final-list_candidate-fusion-genes.txt", "fusioncatcher"),
        ("fusions/jaffa/K562.JAFFA_HYBRID.jaffa_results.csv", "jaffa"),
        ("fusions/fusion-report_demo/jaffa.csv", "jaffa"),
    ],
)
def test_real_producer_files_are_recognised_as_their_format(relative, label):
    assert sniff_fusion_format(real(relative)) == label
    without = {k: v for k, v in FUSION_READERS.items() if k != label}
    with pytest.raises(UnknownFormatError, match="a native reader for it is not available"):
        sniff_fusion_format(real(relative), readers=without)


def test_real_pcgr_fusion_table_sniffs_as_generic_tsv():
    assert sniff_fusion_format(real("fusions/pcgr/T001-BRCA.grch38.fusions.tsv")) == "tsv"


def test_real_cnvkit_file_passed_as_fusions_points_to_cnv():
    with pytest.raises(UnknownFormatError, match="CNVkit copy-number file.*--cnv"):
        sniff_fusion_format(real("cnv/cnvkit_tr95t.cns"))
