"""The STAR-Fusion reader: current and 0.x layouts by header name, FFPM-based support, annots flags."""

from __future__ import annotations

import pytest
from conftest import REAL_DATA, TEST_DATA

from leuk_annot.errors import InputFormatError
from leuk_annot.io import read_fusions
from leuk_annot.io.sniff import sniff_fusion_format
from leuk_annot.io.star_fusion import read_star_fusion, support_level
from leuk_annot.model import Fusion, SourceRef

FIXTURES = TEST_DATA / "fusions" / "star-fusion"
REAL = REAL_DATA / "fusions" / "star-fusion"
CURRENT = FIXTURES / "fusion_predictions.abridged.coding_effect.tsv"


def by_name(result) -> dict[str, Fusion]:
    return {event.name: event for event in result.events}


def test_current_layout_strips_ensembl_suffix_and_chr_and_strand():
    """LeftGene 'BCR^ENSG…' becomes 'BCR'; 'chr22:23290413:+' becomes '22:23290413'."""
    result = read_star_fusion(CURRENT)
    assert result.format == "star-fusion"
    assert result.events[0] == Fusion(
        gene5="BCR",
        gene3="ABL1",
        caller="star-fusion",
        source=SourceRef(str(CURRENT), 2),
        breakpoint5="22:23290413",
        breakpoint3="9:130854064",
        supporting_reads=12 + 40,
        support_level="high",
        caller_confidence="FFPM=2.5101;J=12;S=40;LargeAnchorSupport=YES_LDAS;PROT_FUSION_TYPE=INFRAME",
    )
    assert result.stats == {"rows": 8, "fusions": 7, "skipped": 1}


def test_support_levels_follow_ffpm_junction_reads_and_large_anchor():
    levels = {name: e.support_level for name, e in by_name(read_star_fusion(CURRENT)).items()}
    assert levels["P2RY8::CRLF2"] == "medium"  # NO_LDAS, junction reads only
    assert levels["ETV6::RUNX1"] == "low"  # FFPM 0.05 < STAR-Fusion's default 0.1
    assert levels["STIL::TAL1"] == "high"


@pytest.mark.parametrize("junction, spanning, ffpm, anchor, level", [
    (3, 56, 3.8, "YES_LDAS", "high"),
    (1, 63, 4.0, "NO_LDAS", "high"),
    (3, 0, 0.2, "NO_LDAS", "medium"),
    (0, 5, 0.5, "YES_LDAS", "medium"),
    (26, 18, None, "YES_LDAS", "medium"),
    (50, 50, 0.09, "YES_LDAS", "low"),
    (None, 3, 1.0, "YES_LDAS", "unknown"),
])
def test_support_level_table(junction, spanning, ffpm, anchor, level):
    assert support_level(junction, spanning, ffpm, anchor) == level


def test_red_herring_annotations_flag_unless_a_cancer_database_gives_a_free_pass():
    events = by_name(read_star_fusion(CURRENT))
    assert events["GENEA::GENEB"].flags == ("read-through",)  # NEIGHBORS
    assert events["GENEC::GENED"].flags == ("healthy-background", "paralog")
    assert events["STIL::TAL1"].flags == ()  # NEIGHBORS but Mitelman
    assert events["P2RY8::CRLF2"].flags == ()  # INTRACHROMOSOMAL / LOCAL_REARRANGEMENT are not flags


def test_empty_partner_and_bad_breakpoint_warn_with_file_and_line():
    result = read_star_fusion(CURRENT)
    messages = [w.message for w in result.warnings]
    assert len(messages) == 2
    assert messages[0].startswith(f"{CURRENT}:8: empty 3' (RightGene) partner in 'KMT2A--'")
    assert messages[1].startswith(f"{CURRENT}:9: RightBreakpoint") and "'abc'" in messages[1]
    tcf3 = by_name(result)["TCF3::PBX1"]  # LeftGene '^ENSG…' without symbol: name from #FusionName
    assert (tcf3.breakpoint5, tcf3.breakpoint3) == ("19:1619110", None)


def test_nine_column_layout_without_ffpm():
    result = read_star_fusion(FIXTURES / "fusion_candidates.final.abridged")
    assert [(e.name, e.supporting_reads, e.support_level, e.caller_confidence) for e in result.events] == [
        ("BCR::ABL1", 44, "medium", "J=26;S=18;LargeAnchorSupport=YES_LDAS"),
        ("TCF3::PBX1", 2, "medium", "J=2;S=0;LargeAnchorSupport=NO_LDAS"),
    ]


def test_thirteen_column_layout_sums_j_ffpm_and_s_ffpm():
    result = read_star_fusion(FIXTURES / "fusion_candidates.final.FFPM")
    assert [(e.name, e.supporting_reads, e.support_level) for e in result.events] == [
        ("ETV6::RUNX1", 10, "high"), ("KMT2A::AFF1", 2, "low")]
    assert result.events[0].caller_confidence.startswith("FFPM=0.1000;J=4;S=6")
    assert result.warnings == []


def test_wrong_header_names_the_missing_columns():
    with pytest.raises(InputFormatError, match=r"missing_columns\.tsv:1: .*JunctionReadCount, SpanningFragCount"):
        read_star_fusion(FIXTURES / "missing_columns.tsv")


def test_fixtures_and_real_files_sniff_as_star_fusion():
    paths = [CURRENT, FIXTURES / "fusion_candidates.final.abridged", FIXTURES / "fusion_candidates.final.FFPM",
             *sorted(REAL.glob("*")), REAL_DATA / "fusions" / "fusion-report_demo" / "starfusion.tsv"]
    for path in paths:
        assert sniff_fusion_format(path) == "star-fusion", path


@pytest.mark.parametrize("name, junction, spanning", [
    ("K562_SRR018268.star-fusion.fusion_predictions.abridged.tsv", 3, 56),
    ("K562_SRR018269.star-fusion.fusion_predictions.abridged.tsv", 1, 63),
])
def test_real_k562_runs_report_bcr_abl1(name, junction, spanning):
    events = [e for e in read_fusions(REAL / name).events if e.name == "BCR::ABL1"]
    assert [(e.breakpoint5, e.breakpoint3, e.supporting_reads, e.support_level, e.flags) for e in events] == [
        ("22:23632600", "9:133729451", junction + spanning, "high", ())]
    assert f"J={junction};S={spanning}" in events[0].caller_confidence


def test_real_old_fuco_file_reads_every_row():
    result = read_fusions(REAL / "fuco.star-fusion.fusion_candidates.final.abridged")
    names = {e.name for e in result.events}
    assert {"BCR::ABL1", "ETV6::NTRK3", "NOTCH1::NUP214"} <= names
    assert result.stats == {"rows": 65, "fusions": 65, "skipped": 0}
    assert result.warnings == []
    assert by_name(result)["BCR::ABL1"].breakpoint5 == "22:23632600"
