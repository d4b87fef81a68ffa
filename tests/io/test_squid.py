"""SQUID annotated-SV reader: FusedGenes pairs, Type flags, 0-based BEDPE junctions."""

from __future__ import annotations

from conftest import TEST_DATA

from leuk_annot.io import read_fusions
from leuk_annot.io.caller_table import read_rows
from leuk_annot.io.sniff import sniff_fusion_format
from leuk_annot.io.squid import LABEL, REQUIRED, junctions, read_squid

FIXTURE = TEST_DATA / "fusions" / "squid" / "synthetic_sv.txt"
DEMO = "fusions/fusion-report_demo/squid.txt"


def test_synthetic_rows():
    result = read_squid(FIXTURE)
    assert [(e.name, e.supporting_reads, e.flags) for e in result.events] == [
        ("BCR::ABL1", 52, ()),
        ("ETV6::RUNX1", 10, ("intergenic",)),  # two candidate pairs; score 9.6 rounds to 10
        ("GNB1::CALML6", 4, ("not-fusion-gene",)),
    ]
    assert all(e.breakpoint5 is None and e.breakpoint3 is None for e in result.events)
    assert [(w.source.line, "no gene pair" in w.message) for w in result.warnings] == [(4, True)]


def test_junctions_are_converted_from_zero_based_half_open_segments():
    rows = list(read_rows(FIXTURE, label=LABEL, required=REQUIRED, warnings=[]))
    # strand '-': junction at the segment start (0-based) -> +1 ; strand '+': at the half-open end
    assert junctions(rows[0]) == ("9:130854064", "22:23290413")


def test_real_demo_junctions_match_the_other_callers(real_data):
    path = real_data / DEMO
    rows = list(read_rows(path, label=LABEL, required=REQUIRED, warnings=[]))
    # FGFR3::TACC3: every other demo caller reports FGFR3 4:1806934 and TACC3 4:1727977
    assert junctions(rows[0]) == ("4:1727977", "4:1806934")


def test_real_demo_is_sniffed_and_read(real_data):
    path = real_data / DEMO
    assert sniff_fusion_format(path) == "squid"
    result = read_fusions(path)
    assert result.events == read_squid(path).events
    assert [e.name for e in result.events][:3] == ["FGFR3::TACC3", "FGFR3::TACC3", "TMPRSS2::ETV1"]
    assert len(result.warnings) == 1  # the non-fusion-gene row with FusedGenes "."
