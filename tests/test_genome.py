"""Table-driven tests for chromosome naming and genome-build detection helpers."""

from __future__ import annotations

import pytest

from leuk_annot.genome import build_from_contig_lengths, build_from_text, normalize_build, normalize_chrom


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("chr1", "1"),
        ("1", "1"),
        ("CHR9", "9"),
        ("chrX", "X"),
        ("chrM", "MT"),
        ("M", "MT"),
        ("MT", "MT"),
        ("chr22_KI270731v1_random", "22_KI270731v1_random"),
        ("GL000192.1", "GL000192.1"),
    ],
)
def test_normalize_chrom(raw, expected):
    assert normalize_chrom(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("GRCh37", "GRCh37"),
        ("hg19", "GRCh37"),
        ("b37", "GRCh37"),
        (" grch37 ", "GRCh37"),
        ("GRCh38", "GRCh38"),
        ("HG38", "GRCh38"),
        ("NCBI36", None),
        ("T2T", None),
    ],
)
def test_normalize_build(raw, expected):
    assert normalize_build(raw) == expected


@pytest.mark.parametrize(
    "lengths, expected",
    [
        ({"chr1": 248956422}, "GRCh38"),
        ({"1": 248956422}, "GRCh38"),
        ({"chr1": 249250621}, "GRCh37"),
        ({"1": 249250621, "2": 243199373}, "GRCh37"),
        ({"2": 242193529}, "GRCh38"),
        ({"chrX": 155270560}, "GRCh37"),
        ({"X": 156040895}, "GRCh38"),
        ({"chrY": 59373566}, "GRCh37"),
        ({"Y": 57227415}, "GRCh38"),
        ({"chr1": 248387328}, None),  # T2T-CHM13v2
        ({"chr21": 46709983}, "GRCh38"),  # every primary chromosome discriminates
        ({"21": 48129895}, "GRCh37"),
        ({"chrM": 16569}, None),  # MT is not used: rCRS in both builds
        ({"chr1": 249250621, "chr2": 242193529}, None),  # mixed evidence
        ({}, None),
    ],
)
def test_build_from_contig_lengths(lengths, expected):
    assert build_from_contig_lengths(lengths) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("file:///ref/human_g1k_v37.fasta", "GRCh37"),
        ("hs37d5.fa", "GRCh37"),
        ("GRCh37-lite.fa.gz", "GRCh37"),
        ("ucsc.hg19.fasta", "GRCh37"),
        ("assembly=b37", "GRCh37"),
        ('assembly="GRCh37.p13"', "GRCh37"),
        ("Homo_sapiens_assembly38.fasta", "GRCh38"),
        ("GRCh38_no_alt_analysis_set.fa", "GRCh38"),
        ("hg38.fa", "GRCh38"),
        ("SnpEff -v GRCh38.99 in.vcf", "GRCh38"),
        ("hg19Tohg38.over.chain.gz", None),  # names both builds
        ("reference.fa", None),
        ("", None),
    ],
)
def test_build_from_text(text, expected):
    assert build_from_text(text) == expected
