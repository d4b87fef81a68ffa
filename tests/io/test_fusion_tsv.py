"""The generic fusion TSV reader: declared column aliases, tolerant rows, located warnings and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import require_shared

from leuk_annot.errors import InputFormatError
from leuk_annot.io import read_fusions
from leuk_annot.io.fusion_tsv import COLUMN_ALIASES, read_fusion_tsv, resolve_columns
from leuk_annot.model import Fusion, SourceRef

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "test_data" / "fusions" / "tsv"
SHARED = REPO / ".." / "shared" / "real_data"


def real(relative: str) -> Path:
    return require_shared(SHARED / relative)


def names(result) -> list[str]:
    return [event.name for event in result.events]


def test_gene5_gene3_columns_with_breakpoints_reads_and_confidence():
    path = FIXTURES / "gene5_gene3.tsv"
    result = read_fusion_tsv(path)
    assert result.format == "tsv"
    assert names(result) == ["BCR::ABL1", "ETV6::RUNX1", "P2RY8::CRLF2", "TRB::NKX2-1", "KMT2A::AFF1"]
    bcr_abl1 = result.events[0]
    assert bcr_abl1 == Fusion(
        gene5="BCR",
        gene3="ABL1",
        caller="tsv",
        source=SourceRef(str(path), 2),
        breakpoint5="22:23290413",
        breakpoint3="9:130854064",
        supporting_reads=52,
        support_level="high",
        caller_confidence="high",
    )
    etv6 = result.events[1]
    assert (etv6.breakpoint5, etv6.breakpoint3) == ("12:11869969", "21:34859474")  # strand dropped
    assert [e.support_level for e in result.events] == ["high", "medium", "low", "unknown", "high"]
    assert result.events[3].caller_confidence is None  # "." means unknown
    assert result.events[4].supporting_reads is None  # empty cell
    assert result.events[4].caller_confidence == "HighConfidence"
    assert result.warnings == []
    assert result.stats == {"rows": 5, "fusions": 5, "skipped": 0, "other_sample": 0}


def test_gzip_input_reads_like_the_plain_file():
    plain = read_fusion_tsv(FIXTURES / "gene5_gene3.tsv")
    packed = read_fusion_tsv(FIXTURES / "gene5_gene3.tsv.gz")
    strip = [(e.name, e.breakpoint5, e.breakpoint3, e.supporting_reads, e.source.line) for e in plain.events]
    assert [
        (e.name, e.breakpoint5, e.breakpoint3, e.supporting_reads, e.source.line) for e in packed.events
    ] == strip


def test_fusion_column_accepts_double_colon_double_dash_and_single_colon():
    result = read_fusion_tsv(FIXTURES / "fusion_column.tsv")
    assert names(result) == ["BCR::ABL1", "ETV6::RUNX1", "TRB::NKX2-1", "P2RY8::CRLF2", "IGH@::CRLF2"]
    assert [e.supporting_reads for e in result.events] == [40, 17, 6, 9, 11]
    assert [e.source.line for e in result.events] == [2, 3, 4, 5, 6]


def test_gene1_gene2_aliases_matched_case_insensitively():
    result = read_fusion_tsv(FIXTURES / "gene1_gene2_aliases.tsv")
    assert names(result) == ["KMT2A::AFF1", "P2RY8::CRLF2"]
    assert result.events[1].breakpoint5 == "X:1517011"
    assert [e.supporting_reads for e in result.events] == [25, 14]
    assert [e.support_level for e in result.events] == ["high", "medium"]
    assert result.sample == "SYN01"


def test_empty_partner_rows_become_located_warnings_and_are_skipped():
    path = FIXTURES / "empty_partner.tsv"
    result = read_fusion_tsv(path)
    assert names(result) == ["BCR::ABL1"]
    assert [w.source.line for w in result.warnings] == [2, 3]
    assert "empty_partner.tsv:2: empty 3' partner" in result.warnings[0].message
    assert "empty_partner.tsv:3: empty 5' partner" in result.warnings[1].message
    assert result.stats["skipped"] == 2


def test_bad_breakpoint_and_reads_are_warned_and_left_unknown_but_the_row_is_kept():
    result = read_fusion_tsv(FIXTURES / "bad_breakpoint.tsv")
    assert names(result) == ["BCR::ABL1", "ETV6::RUNX1"]
    bcr, etv6 = result.events
    assert (bcr.breakpoint5, bcr.breakpoint3, bcr.supporting_reads) == (None, "9:130854064", 52)
    assert (etv6.breakpoint5, etv6.supporting_reads) == (None, None)
    messages = [w.message for w in result.warnings]
    assert len(messages) == 3
    assert "bad_breakpoint.tsv:2: breakpoint5 '22:abc' is not CHROM:POS" in messages[0]
    assert "bad_breakpoint.tsv:3: breakpoint5 'chr12' is not CHROM:POS" in messages[1]
    assert "bad_breakpoint.tsv:3: supporting_reads 'many' is not a whole number" in messages[2]


def test_single_hyphen_fusion_names_are_refused_not_guessed():
    result = read_fusion_tsv(FIXTURES / "single_hyphen.tsv")
    assert names(result) == ["ETV6::RUNX1"]
    assert [w.source.line for w in result.warnings] == [2, 3]
    assert all("single '-'" in w.message and "row skipped" in w.message for w in result.warnings)


def test_meta_lines_blank_lines_and_comments_are_skipped_with_physical_line_numbers():
    result = read_fusion_tsv(FIXTURES / "comments_and_blanks.tsv")
    assert names(result) == ["KMT2A::AFF1"]
    assert result.events[0].source.line == 5


def test_header_only_file_gives_no_events_and_no_error():
    result = read_fusion_tsv(FIXTURES / "header_only.tsv")
    assert result.events == [] and result.warnings == []


def test_empty_file_is_an_input_error():
    with pytest.raises(InputFormatError, match=r"empty\.tsv: empty file"):
        read_fusion_tsv(FIXTURES / "empty.tsv")


def test_crlf_line_endings_leave_no_carriage_returns():
    result = read_fusion_tsv(FIXTURES / "crlf.tsv")
    assert names(result) == ["ETV6::RUNX1", "BCR::ABL1"]
    assert result.events[1].supporting_reads == 52  # last column, where a stray \r would sit
    assert result.events[0].source.line == 2


def test_utf8_bom_before_a_hash_header_is_ignored():
    result = read_fusion_tsv(FIXTURES / "bom.tsv")
    assert names(result) == ["P2RY8::CRLF2"]
    assert result.events[0].supporting_reads == 12


def test_comma_separated_file_gets_a_clear_hint():
    with pytest.raises(
        InputFormatError, match=r"comma_separated\.tsv:1: no gene columns found.*comma-separated"
    ):
        read_fusion_tsv(FIXTURES / "comma_separated.tsv")


def test_no_gene_columns_lists_what_was_seen_and_what_is_accepted():
    with pytest.raises(InputFormatError) as info:
        read_fusion_tsv(FIXTURES / "no_gene_columns.tsv")
    text = str(info.value)
    assert "no_gene_columns.tsv:1: no gene columns found: saw ['chrom', 'start', 'end', 'name']" in text
    for accepted in ("gene5", "gene3", "gene1", "fusion_name"):
        assert accepted in info.value.hint


def test_one_sided_gene_header_names_the_missing_partner(tmp_path):
    path = tmp_path / "half.tsv"
    path.write_text("gene5\treads\nBCR\t3\n")
    with pytest.raises(InputFormatError, match=r"half\.tsv:1: found a 5' gene column \('gene5'\) but no 3'"):
        read_fusion_tsv(path)


def test_gene_columns_win_over_a_fusion_column_and_first_listed_alias_wins():
    columns = resolve_columns(["fusion", "gene1", "gene5", "gene3", "reads", "supporting_reads"])
    assert columns["gene5"] == 2  # "gene5" is listed before "gene1"
    assert columns["reads"] == 5  # "supporting_reads" is listed before "reads"


def test_every_alias_is_already_in_normalised_form():
    for aliases in COLUMN_ALIASES.values():
        for alias in aliases:
            assert alias == alias.strip().lower() and " " not in alias and not alias.startswith("#")


def test_short_row_warning_suggests_a_separator_problem(tmp_path):
    path = tmp_path / "spaces.tsv"
    path.write_text("gene5\tgene3\tsupporting_reads\nBCR ABL1 52\n")
    result = read_fusion_tsv(path)
    assert result.events == []
    assert "has 1 fields but the header has 3" in result.warnings[0].message


# --- real third-party files (read from ../shared; never copied into the repo) ---


@pytest.mark.parametrize("build", ["grch37", "grch38"])
def test_pcgr_example_reads_and_keeps_the_given_bcr_abl1_breakpoint(build):
    path = real(f"fusions/pcgr/T001-BRCA.{build}.fusions.tsv")
    result = read_fusions(path)  # sniffed: FusionGene column -> generic tsv
    assert result.format == "tsv"
    bcr_abl1 = [e for e in result.events if e.name == "BCR::ABL1"]
    assert len(bcr_abl1) == 1
    # The file's ABL1 coordinate is impossible (ABL1 lies near 9:130-133 Mb); the reader keeps what
    # it was given - judging coordinates against gene positions is a later, knowledge-based step.
    assert bcr_abl1[0].breakpoint3 == ("9:13358994" if build == "grch37" else "9:13358995")
    assert bcr_abl1[0].supporting_reads == 50
    assert all(e.gene5 and e.gene3 for e in result.events)


def test_pcgr_grch37_empty_partner_rows_warn_without_crashing():
    path = real("fusions/pcgr/T001-BRCA.grch37.fusions.tsv")
    result = read_fusion_tsv(path)
    warned = {w.source.line: w.message for w in result.warnings}
    assert len(result.events) == 10
    assert "empty 5' partner in '--ALK'" in warned[12]
    assert "empty 3' partner in 'FGFR2--'" in warned[13]
    assert "empty 5' partner in '--NTRK3'" in warned[14]


def test_oncokb_sv_example_gives_etv6_runx1_and_skips_intragenic_deletions():
    path = real("oncokb_examples/example_sv.txt")
    result = read_fusion_tsv(path)
    etv6 = [e for e in result.events if (e.gene5, e.gene3) == ("ETV6", "RUNX1")]
    assert len(etv6) == 1 and etv6[0].source.line == 8
    skipped = [w for w in result.warnings if "intragenic DELETION" in w.message]
    assert {w.source.line for w in skipped} == {2, 4, 7}  # MLL2, EGFR, ERBB2 deletions
    assert any("holds 3 samples" in w.message for w in result.warnings)


def test_oncokb_sv_example_filtered_to_one_sample():
    path = real("oncokb_examples/example_sv.txt")
    result = read_fusion_tsv(path, sample="TCGA-02-0033-01")
    assert names(result) == ["ETV6::RUNX1"]
    assert result.sample == "TCGA-02-0033-01"
    assert result.stats["other_sample"] == 5
    with pytest.raises(InputFormatError, match=r"sample 'P999' not found.*TCGA-02-0033-01"):
        read_fusion_tsv(path, sample="P999")


def test_oncokb_fusions_example_single_hyphen_names_are_refused_with_an_explanation():
    """OncoKB writes 'ETV6-RUNX1 fusion'; a single '-' is ambiguous, so the row is refused, not guessed."""
    path = real("oncokb_examples/example_fusions.txt")
    result = read_fusion_tsv(path)
    assert result.events == []
    by_line = {w.source.line: w.message for w in result.warnings if w.source.line != 1}
    assert "'ETV6-RUNX1 fusion' joins its partners with a single '-'" in by_line[8]
    assert "write it as ETV6::RUNX1" in by_line[8]
    assert "intragenic event" in by_line[2]  # MLL2-intragenic


def test_sample_option_without_a_sample_column_is_assumed_with_a_warning():
    result = read_fusion_tsv(FIXTURES / "crlf.tsv", sample="P001")
    assert result.sample == "P001"
    assert len(result.events) == 2
    assert "no sample column; sample 'P001' assumed" in result.warnings[0].message
