"""The Arriba reader: both column orders by header name, support from confidence, flags, located warnings."""

from __future__ import annotations

import pytest
from conftest import REAL_DATA, TEST_DATA

from leuk_annot.errors import InputFormatError
from leuk_annot.io import read_fusions
from leuk_annot.io.arriba import read_arriba
from leuk_annot.io.sniff import sniff_fusion_format
from leuk_annot.model import Fusion, SourceRef

FIXTURES = TEST_DATA / "fusions" / "arriba"
REAL = REAL_DATA / "fusions" / "arriba"


def by_name(result) -> dict[str, Fusion]:
    return {event.name: event for event in result.events}


def test_current_layout_reads_partners_breakpoints_support_and_confidence():
    path = FIXTURES / "fusions.v2.tsv"
    result = read_arriba(path)
    assert result.format == "arriba"
    assert [e.name for e in result.events] == [
        "BCR::ABL1", "STIL::TAL1", "GENEA::GENEB", "ETV6::GENEC", "P2RY8::CRLF2", "TCF3::TCF3"]
    assert result.events[0] == Fusion(
        gene5="BCR",
        gene3="ABL1",
        caller="arriba",
        source=SourceRef(str(path), 2),
        breakpoint5="22:23290413",
        breakpoint3="9:130854064",
        supporting_reads=12 + 9 + 30,
        support_level="high",
        caller_confidence="high;reading_frame=in-frame;tags=Mitelman",
    )
    assert [e.support_level for e in result.events] == ["high", "high", "medium", "medium", "medium", "low"]
    assert result.stats == {"rows": 8, "fusions": 6, "skipped": 2}


def test_read_through_type_is_flagged_unless_a_known_fusion_tag_matched():
    """Arriba calls STIL::TAL1 (a real T-ALL deletion) read-through by size; its tag exempts it."""
    events = by_name(read_arriba(FIXTURES / "fusions.v2.tsv"))
    assert events["GENEA::GENEB"].flags == ("read-through",)
    assert events["STIL::TAL1"].flags == ()
    assert events["TCF3::TCF3"].flags == ("non-canonical-splicing",)
    assert events["BCR::ABL1"].flags == ()


def test_intergenic_partner_takes_the_closest_gene_and_is_flagged():
    event = by_name(read_arriba(FIXTURES / "fusions.v2.tsv"))["ETV6::GENEC"]  # GENEC(402) nearer than LINC99901(1261)
    assert event.flags == ("intergenic",)
    assert event.caller_confidence == "medium"


def test_bad_rows_warn_with_file_and_line():
    path = FIXTURES / "fusions.v2.tsv"
    result = read_arriba(path)
    messages = [w.message for w in result.warnings]
    assert len(messages) == 4
    assert messages[0].startswith(f"{path}:6: empty 3' partner")
    assert messages[1].startswith(f"{path}:7: breakpoint1") and "'abc'" in messages[1]
    assert messages[2].startswith(f"{path}:7: breakpoint2 X:190287409 lies beyond the end of chromosome X")
    assert messages[3].startswith(f"{path}:9: row has 5 fields")
    p2ry8 = by_name(result)["P2RY8::CRLF2"]
    assert (p2ry8.breakpoint5, p2ry8.breakpoint3, p2ry8.supporting_reads) == (None, None, 15)


def test_gzip_input_reads_like_the_plain_file():
    def key(result):
        return [(e.name, e.breakpoint5, e.supporting_reads, e.flags, e.source.line) for e in result.events]

    assert key(read_arriba(FIXTURES / "fusions.v2.tsv.gz")) == key(read_arriba(FIXTURES / "fusions.v2.tsv"))


def test_older_column_order_is_mapped_by_header_name():
    result = read_arriba(FIXTURES / "fusions.v1.tsv")
    assert [(e.name, e.supporting_reads, e.support_level) for e in result.events] == [
        ("ETV6::RUNX1", 27, "high"), ("BCR::ABL1", 45, "medium"), ("GENEX::GENEY", 3, "low")]
    assert result.events[1].caller_confidence == "medium;reading_frame=in-frame"
    assert result.events[2].flags == ("read-through",)
    assert result.warnings == []


def test_discarded_file_is_refused_by_name():
    path = FIXTURES / "sample.fusions.discarded.tsv"  # sniffs as Arriba: the header is the same
    with pytest.raises(InputFormatError, match=r"discarded\.tsv: .*discarded.*hint: pass the fusions\.tsv"):
        read_fusions(path)


def test_wrong_header_names_the_missing_columns():
    with pytest.raises(InputFormatError, match=r"missing_columns\.tsv:1: .*missing column\(s\) type, split_reads1"):
        read_arriba(FIXTURES / "missing_columns.tsv")


def test_fixtures_and_real_files_sniff_as_arriba():
    for path in [FIXTURES / "fusions.v1.tsv", FIXTURES / "fusions.v2.tsv.gz", *sorted(REAL.glob("*"))]:
        assert sniff_fusion_format(path) == "arriba", path
    assert [e.name for e in read_fusions(FIXTURES / "fusions.v1.tsv").events][:1] == ["ETV6::RUNX1"]


@pytest.mark.parametrize("name, level", [("arriba_test.fusions.tsv", "high"), ("K562_SRR018268.fusions.tsv", "medium")])
def test_real_k562_bcr_abl1_is_read_with_its_breakpoints(name, level):
    events = [e for e in read_fusions(REAL / name).events if e.name == "BCR::ABL1"]
    assert [(e.breakpoint5, e.breakpoint3, e.support_level, e.flags) for e in events] == [
        ("22:23632600", "9:133729451", level, ())]


def test_real_k562_second_run_has_no_bcr_abl1_and_nup214_xkr3_on_top():
    result = read_arriba(REAL / "K562_SRR018269.fusions.tsv")
    assert "BCR::ABL1" not in by_name(result)
    assert result.events[0].name == "NUP214::XKR3"
    assert result.warnings == []


def test_real_older_arriba_file_reads_every_row_and_flags_intergenic_and_read_through():
    result = read_arriba(REAL / "K562_SRR018268.fusions.tsv")
    assert result.stats["skipped"] == 0 and result.stats["fusions"] == result.stats["rows"] > 40
    flags = {flag for event in result.events for flag in event.flags}
    assert flags == {"intergenic", "read-through"}


@pytest.mark.parametrize("name, fusion, bp5, bp3", [
    ("leucegene_SRX729602.fusions.tsv.gz", "CBFB::MYH11", "16:67082308", "16:15724340"),
    ("leucegene_SRX332627.fusions.tsv.gz", "NUP98::NSD1", "11:3744509", "5:177235821"),
])
def test_real_leucegene_gzip_files_give_their_known_fusion(name, fusion, bp5, bp3):
    event = by_name(read_arriba(REAL / name))[fusion]
    assert (event.breakpoint5, event.breakpoint3, event.support_level) == (bp5, bp3, "high")
