"""pizzly flattened-table reader: gene pairs and read counts, no breakpoints."""

from __future__ import annotations

from conftest import TEST_DATA

from leuk_annot.io import read_fusions
from leuk_annot.io.pizzly import read_pizzly
from leuk_annot.io.sniff import sniff_fusion_format

FIXTURE = TEST_DATA / "fusions" / "pizzly" / "synthetic.pizzly.tsv"
DEMO = "fusions/fusion-report_demo/pizzly.tsv"


def test_synthetic_rows():
    result = read_pizzly(FIXTURE)
    assert [(e.name, e.supporting_reads, e.breakpoint5, e.breakpoint3) for e in result.events] == [
        ("BCR::ABL1", 19, None, None),  # paircount 12 + splitcount 7
        ("ENSG00000182162.10::CRLF2", 5, None, None),  # empty geneA.name -> geneA.id
        ("ETV6::RUNX1", None, None, None),  # paircount 'x': the total is unknown, not understated
    ]
    assert {e.support_level for e in result.events} == {"unknown"}
    assert [w.source.line for w in result.warnings] == [4, 5]
    assert "paircount 'x'" in result.warnings[0].message
    assert "row has 2 fields" in result.warnings[1].message


def test_real_demo_is_sniffed_and_read(real_data):
    path = real_data / DEMO
    assert sniff_fusion_format(path) == "pizzly"
    result = read_fusions(path)
    assert result.events == read_pizzly(path).events
    assert result.events[0].name == "AKAP9::BRAF" and result.events[0].supporting_reads == 9
    assert "FGFR3::TACC3" in {e.name for e in result.events}
