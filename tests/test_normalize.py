"""Fusion names and gene symbols reach one canonical form, and ambiguous spellings are refused."""

from __future__ import annotations

import pytest

from leuk_annot.errors import InputFormatError
from leuk_annot.model import Fusion, SourceRef
from leuk_annot.normalize import normalize_fusion, normalize_gene, parse_fusion_name

# A small alias table in the knowledge-base shape: upper-case alias -> current HGNC symbol.
ALIASES = {"MLL": "KMT2A", "MLL2": "KMT2D", "IGH@": "IGH", "C11ORF95": "ZFTA", "TTF1": "NKX2-1"}


@pytest.mark.parametrize(
    "raw, pair",
    [
        ("BCR::ABL1", ("BCR", "ABL1")),
        ("BCR--ABL1", ("BCR", "ABL1")),
        ("BCR:ABL1", ("BCR", "ABL1")),
        ("TRB::NKX2-1", ("TRB", "NKX2-1")),
        ("TRB--NKX2-1", ("TRB", "NKX2-1")),
        ("PDE4DIP:RP11-353N4.1", ("PDE4DIP", "RP11-353N4.1")),
        ("IGH@--CRLF2", ("IGH@", "CRLF2")),
        ("  ETV6 :: RUNX1  ", ("ETV6", "RUNX1")),
        ("BCR::ABL1 fusion", ("BCR", "ABL1")),
    ],
)
def test_parse_fusion_name_accepts_unambiguous_separators(raw, pair):
    assert parse_fusion_name(raw) == pair


@pytest.mark.parametrize(
    "raw, message",
    [
        ("BCR-ABL1", r"single '-'.*ambiguous.*hint: write it as BCR::ABL1"),
        ("ETV6-RUNX1 fusion", r"single '-'.*hint: write it as ETV6::RUNX1"),
        ("TRB-NKX2-1", r"single '-'.*hint: write the fusion as 5'::3'"),
        ("MLL2-intragenic", r"intragenic event, not a fusion"),
        ("--ALK", r"empty 5' partner in '--ALK'"),
        ("FGFR2--", r"empty 3' partner in 'FGFR2--'"),
        ("::", r"empty 5' partner"),
        ("", r"empty fusion name"),
        ("BCR", r"no partner separator"),
        ("A::B::C", r"more than two partners"),
        ("BCR ABL::X", r"space inside a gene symbol"),
    ],
)
def test_parse_fusion_name_refuses_ambiguous_or_incomplete_names(raw, message):
    with pytest.raises(InputFormatError, match=message):
        parse_fusion_name(raw)


def test_parse_fusion_name_error_points_at_file_and_line():
    with pytest.raises(InputFormatError, match=r"^calls\.tsv:7: .*single '-'"):
        parse_fusion_name("BCR-ABL1", path="calls.tsv", line=7)


@pytest.mark.parametrize(
    "raw, symbol",
    [
        ("BCR^ENSG00000186716.21", "BCR"),
        ("ABL1^ENSG00000097007", "ABL1"),
        ("^ENSG00000097007.19", "ENSG00000097007"),
        ("ENSG00000186716.21", "ENSG00000186716"),
        ("MLL", "KMT2A"),
        ("mll", "KMT2A"),
        ("MLL2", "KMT2D"),
        ("IGH@", "IGH"),
        ("TRB@", "TRB"),
        ("C11orf95", "ZFTA"),
        ("TTF1", "NKX2-1"),
        ("NKX2-1", "NKX2-1"),
        (" CRLF2 ", "CRLF2"),
        ("NOVELGENE1", "NOVELGENE1"),
        ("c17orf99", "c17orf99"),
    ],
)
def test_normalize_gene(raw, symbol):
    assert normalize_gene(raw, ALIASES) == symbol


def test_normalize_gene_never_maps_mll2_to_kmt2a():
    """MLL2 is the old symbol of KMT2D; MLL (KMT2A) must not swallow it by prefix."""
    assert normalize_gene("MLL2", {"MLL": "KMT2A"}) == "MLL2"


def test_normalize_gene_rejects_an_empty_symbol():
    with pytest.raises(ValueError, match="empty gene symbol"):
        normalize_gene("  ", ALIASES)


def test_normalize_fusion_returns_a_normalised_copy():
    original = Fusion(
        gene5="MLL^ENSG00000118058.23",
        gene3="AFF1",
        caller="tsv",
        source=SourceRef("x.tsv", 2),
        breakpoint5="11:118482495",
        supporting_reads=25,
    )
    normalised = normalize_fusion(original, ALIASES)
    assert normalised.name == "KMT2A::AFF1"
    assert (normalised.breakpoint5, normalised.supporting_reads, normalised.source) == (
        "11:118482495",
        25,
        SourceRef("x.tsv", 2),
    )
    assert original.gene5 == "MLL^ENSG00000118058.23"  # the input is untouched


@pytest.mark.parametrize("raw, pair", [
    ("ETV6-RUNX1 fusion", ("ETV6", "RUNX1")),
    ("TRB-NKX2-1", ("TRB", "NKX2-1")),  # the only split giving two known genes
    ("BCR-ABL", ("BCR", "ABL")),  # ABL is a known alias; normalize_gene maps it later
])
def test_single_hyphen_is_split_only_when_known_genes_make_it_unambiguous(raw, pair):
    known = {"ETV6", "RUNX1", "TRB", "NKX2-1", "BCR", "ABL"}
    assert parse_fusion_name(raw, known_genes=known) == pair
    with pytest.raises(InputFormatError, match="single '-'"):
        parse_fusion_name(raw)


def test_single_hyphen_with_two_readings_is_still_refused():
    with pytest.raises(InputFormatError, match="single '-'"):
        parse_fusion_name("A-B-C", known_genes={"A", "B-C", "A-B", "C"})


@pytest.mark.parametrize("segment, locus", [
    ("IGHJ6", "IGH"), ("IGHV3-23", "IGH"), ("TRBC1", "TRB"), ("IGKV1-5", "IGK"),
])
def test_antigen_receptor_segments_stand_for_their_locus(segment, locus):
    aliases = {"IGH": "IGH", "TRB": "TRB", "IGK": "IGK"}
    assert normalize_gene(segment, aliases) == locus
