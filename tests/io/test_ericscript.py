"""EricScript reader: 5'/3' gene names, junction positions, EricScore levels and Read-Through flags."""

from __future__ import annotations

import pytest
from conftest import TEST_DATA

from leuk_annot.io import read_fusions
from leuk_annot.io.ericscript import read_ericscript
from leuk_annot.io.sniff import sniff_fusion_format

FIXTURE = TEST_DATA / "fusions" / "ericscript" / "synthetic.results.filtered.tsv"
K562 = "fusions/other_callers/K562.ericscript.results.filtered.tsv"
DEMO = "fusions/fusion-report_demo/ericscript.tsv"


def test_synthetic_rows():
    result = read_ericscript(FIXTURE)
    assert [(e.name, e.breakpoint5, e.breakpoint3, e.supporting_reads) for e in result.events] == [
        ("BCR::ABL1", "22:23290413", "9:130854064", 88),  # crossingreads 45 + spanningreads 43
        ("ETV6::RUNX1", "12:11869969", None, 12),
        ("GNB1::CALML6", "1:1806934", "1:1915108", 41),
        ("ENSG00000071564::PBX1", "19:1619110", "1:164761731", 17),  # empty GeneName1 -> EnsemblGene1
    ]
    assert [e.support_level for e in result.events] == ["high", "medium", "low", "low"]
    assert result.events[0].caller_confidence == "EricScore=0.966"
    assert [e.flags for e in result.events] == [(), (), ("read-through",), ()]


def test_unpredicted_breakpoint_is_warned_with_its_line():
    result = read_ericscript(FIXTURE)
    assert len(result.warnings) == 1
    assert "synthetic.results.filtered.tsv:3: 3' breakpoint position 'Unable to predict" in result.warnings[0].message


def test_real_k562_bcr_abl1_grch38(real_data):
    result = read_ericscript(real_data / K562)
    bcr = [e for e in result.events if e.name == "BCR::ABL1"]
    assert [(e.breakpoint5, e.breakpoint3, e.supporting_reads, e.flags) for e in bcr] == [
        ("22:23290413", "9:130854064", 88, ())
    ]
    assert len(result.events) == 144
    assert sum(e.flags == ("read-through",) for e in result.events) == 26  # fusiontype Read-Through rows


def test_real_demo_has_cic_dux4_as_is_and_flags_its_read_through_row(real_data):
    events = read_ericscript(real_data / DEMO).events
    cic = next(e for e in events if e.name == "CIC::DUX4")
    assert (cic.breakpoint5, cic.breakpoint3, cic.flags) == ("19:42295048", "4:190174447", ())
    assert [e.name for e in events if e.flags] == ["FGFR3::TACC3"]  # EricScript calls it Read-Through


@pytest.mark.parametrize("relative", [K562, DEMO])
def test_real_files_are_sniffed_and_read_through_the_registry(real_data, relative):
    path = real_data / relative
    assert sniff_fusion_format(path) == "ericscript"
    assert read_fusions(path).events == read_ericscript(path).events
