"""JAFFA results reader: quoted and unquoted CSV, optional strand columns, classification levels."""

from __future__ import annotations

import pytest
from conftest import TEST_DATA

from leuk_annot.errors import InputFormatError
from leuk_annot.io import read_fusions
from leuk_annot.io.jaffa import read_jaffa
from leuk_annot.io.sniff import sniff_fusion_format
from leuk_annot.model import Fusion, SourceRef

FIXTURES = TEST_DATA / "fusions" / "jaffa"
QUOTED = FIXTURES / "quoted_no_strand.jaffa_results.csv"
UNQUOTED = FIXTURES / "unquoted_strands.jaffa_results.csv"
K562 = "fusions/jaffa/K562.JAFFA_HYBRID.jaffa_results.csv"


def test_quoted_csv_without_strand_columns():
    result = read_jaffa(QUOTED)
    assert result.format == "jaffa"
    assert result.sample == "SYN01"
    assert result.events[0] == Fusion(
        gene5="BCR",
        gene3="ABL1",
        caller="jaffa",
        source=SourceRef(str(QUOTED), 2),
        breakpoint5="22:23290413",
        breakpoint3="9:130854064",
        supporting_reads=42,  # spanning pairs 12 + spanning reads 30
        support_level="high",
        caller_confidence="HighConfidence",
    )
    assert [e.name for e in result.events] == ["BCR::ABL1", "ETV6::RUNX1", "TRB::NKX2-1", "GNB1::CALML6"]
    assert [e.support_level for e in result.events] == ["high", "medium", "low", "low"]
    assert result.events[1].supporting_reads == 5  # spanning pairs "-" (not applicable) + 5 reads


def test_potential_trans_splicing_is_low_and_flagged_read_through():
    gnb1 = read_jaffa(QUOTED).events[3]
    assert (gnb1.caller_confidence, gnb1.support_level) == ("PotentialTransSplicing", "low")
    assert gnb1.flags == ("read-through",)


def test_single_hyphen_name_and_short_row_are_warned_and_skipped():
    result = read_jaffa(QUOTED)
    assert [w.source.line for w in result.warnings] == [6, 7]
    assert "single '-'" in result.warnings[0].message
    assert "quoted_no_strand.jaffa_results.csv:7: row has 5 fields" in result.warnings[1].message
    assert result.stats == {"rows": 6, "fusions": 4, "skipped": 2}


def test_unquoted_csv_with_strand_columns():
    result = read_jaffa(UNQUOTED)
    assert [(e.name, e.breakpoint5, e.breakpoint3, e.supporting_reads) for e in result.events] == [
        ("P2RY8::CRLF2", "X:1190490", "X:1228687", 11),
        ("KMT2A::AFF1", "11:118482495", "4:87012000", 35),
    ]


def test_csv_that_is_not_jaffa_raises_with_the_missing_columns():
    with pytest.raises(InputFormatError, match=r"not_jaffa\.csv:1: not a JAFFA .*fusion genes"):
        read_jaffa(FIXTURES / "not_jaffa.csv")


def test_real_k562_hybrid_run_has_no_bcr_abl1(real_data):
    result = read_jaffa(real_data / K562)
    assert len(result.events) == 174 and result.warnings == []
    assert not [e for e in result.events if {e.gene5, e.gene3} & {"BCR", "ABL1"}]  # JAFFA missed it
    nup214 = next(e for e in result.events if e.name == "NUP214::XKR3")
    assert (nup214.breakpoint5, nup214.breakpoint3, nup214.support_level) == ("9:134074402", "22:17288973", "high")


@pytest.mark.parametrize("relative", [K562, "fusions/fusion-report_demo/jaffa.csv"])
def test_real_files_are_sniffed_and_read_through_the_registry(real_data, relative):
    path = real_data / relative
    assert sniff_fusion_format(path) == "jaffa"
    assert read_fusions(path).events == read_jaffa(path).events
