"""CICERO final_fusions reader (synthetic fixtures built from the header in stjude/CICERO rank_SVs.pl)."""

from __future__ import annotations

import pytest
from conftest import TEST_DATA

from leuk_annot.errors import InputFormatError
from leuk_annot.io import read_fusions
from leuk_annot.io.cicero import read_cicero
from leuk_annot.io.sniff import sniff_fusion_format
from leuk_annot.model import Fusion, SourceRef

FIXTURES = TEST_DATA / "fusions" / "cicero"
FINAL = FIXTURES / "final_fusions.txt"


def test_hq_known_fusion_row():
    result = read_cicero(FINAL)
    assert result.sample == "SYN04"
    assert result.events[0] == Fusion(
        gene5="BCR",
        gene3="ABL1",
        caller="cicero",
        source=SourceRef(str(FINAL), 2),
        breakpoint5="22:23290413",  # chrA "chr22" -> "22"
        breakpoint3="9:130854064",
        supporting_reads=55,  # readsA 25 + readsB 30
        support_level="high",
        caller_confidence="HQ;medal=4",
    )


def test_multi_gene_cell_uncertain_orientation_and_read_through():
    events = read_cicero(FINAL).events
    assert [e.name for e in events] == ["BCR::ABL1", "P2RY8::CRLF2", "IGH::EPOR", "GNB1::CALML6"]
    assert events[2].flags == ("intergenic", "orientation-unknown")  # geneA "IGH,IGHV3-23", sv_ort "?"
    assert (events[2].support_level, events[2].caller_confidence) == ("low", "LQ;medal=1")
    assert (events[3].flags, events[3].support_level) == (("read-through",), "low")


def test_empty_gene_warns_and_skips():
    result = read_cicero(FINAL)
    assert [(w.source.line, "empty geneA" in w.message) for w in result.warnings] == [(6, True)]
    assert result.stats == {"rows": 5, "fusions": 4, "skipped": 1}


def test_wrong_header_raises_with_the_missing_columns():
    with pytest.raises(InputFormatError, match=r"wrong_header\.txt:1: not a CICERO final_fusions\.txt: .*chrA"):
        read_cicero(FIXTURES / "wrong_header.txt")


def test_fixture_is_sniffed_and_read_through_the_registry():
    assert sniff_fusion_format(FINAL) == "cicero"
    assert read_fusions(FINAL).events == read_cicero(FINAL).events
