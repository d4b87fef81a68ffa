"""FusionCatcher final-list reader: 5'/3' as given, gene-id fallback, label flags, impossible breakpoints."""

from __future__ import annotations

import re

import pytest
from conftest import TEST_DATA

from leuk_annot.errors import InputFormatError
from leuk_annot.io import read_fusions
from leuk_annot.io.fusioncatcher import read_fusioncatcher
from leuk_annot.io.sniff import sniff_fusion_format
from leuk_annot.model import Fusion, SourceRef

FIXTURES = TEST_DATA / "fusions" / "fusioncatcher"
SYNTHETIC = FIXTURES / "synthetic.final-list_candidate-fusion-genes.txt"
DEMO = "fusions/fusioncatcher/demo.final-list_candidate-fusion-genes.txt"


def test_synthetic_rows_become_fusions_with_breakpoints_reads_and_labels():
    result = read_fusioncatcher(SYNTHETIC)
    assert result.format == "fusioncatcher"
    assert result.events[0] == Fusion(
        gene5="BCR",
        gene3="ABL1",
        caller="fusioncatcher",
        source=SourceRef(str(SYNTHETIC), 2),
        breakpoint5="22:23290413",
        breakpoint3="9:130854064",
        supporting_reads=52,  # Spanning_pairs 40 + Spanning_unique_reads 12
        support_level="high",
        caller_confidence="known,oncogene,cosmic,cancer",
    )
    assert [e.name for e in result.events] == [
        "BCR::ABL1",
        "ENSG00000182162::CRLF2",  # empty 5' symbol -> Gene_1_id
        "P2RY8::CRLF2",
        "GNB1::CALML6",
        "RPS6::MTND1",
        "DUX4::IGH@",  # '@' kept: aliases are resolved by normalize
        "ETV6::RUNX1",
    ]
    assert result.stats == {"rows": 9, "fusions": 7, "skipped": 2}


def test_description_labels_map_to_flags_but_adjacent_alone_does_not():
    by_name = {e.name: e for e in read_fusioncatcher(SYNTHETIC).events}
    assert by_name["P2RY8::CRLF2"].flags == ()  # "adjacent,<1K" on a real PAR1 deletion fusion
    assert by_name["GNB1::CALML6"].flags == ("read-through", "healthy-background")
    assert by_name["RPS6::MTND1"].flags == ("banned", "paralog", "ambiguous")
    assert {by_name[n].support_level for n in ("GNB1::CALML6", "RPS6::MTND1")} == {"low"}


def test_impossible_and_non_numeric_breakpoints_warn_and_keep_the_row():
    result = read_fusioncatcher(SYNTHETIC)
    dux4 = next(e for e in result.events if e.name == "DUX4::IGH@")
    assert (dux4.breakpoint5, dux4.breakpoint3) == ("4:190174997", None)
    etv6 = next(e for e in result.events if e.name == "ETV6::RUNX1")
    assert (etv6.breakpoint5, etv6.breakpoint3) == (None, "21:34859474")
    messages = [w.message for w in result.warnings]
    assert re.search(r"synthetic\.final-list_candidate-fusion-genes\.txt:7: .*14:190287409 lies beyond", messages[0])
    assert ":8: 5' fusion point position 'abc'" in messages[1]
    assert ":9: row has 3 fields but the header has 16" in messages[2]
    assert ":10: empty 5' partner" in messages[3]
    assert [w.source.line for w in result.warnings] == [7, 8, 9, 10]


def test_wrong_header_and_empty_file_raise_located_errors():
    with pytest.raises(InputFormatError, match=r"wrong_header\.txt:1: not a FusionCatcher .*Fusion_description"):
        read_fusioncatcher(FIXTURES / "wrong_header.txt")
    with pytest.raises(InputFormatError, match=r"empty\.txt: empty file"):
        read_fusioncatcher(FIXTURES / "empty.txt")


def _summary_pairs(path) -> list[tuple[str, str]]:
    """Gene pairs listed in FusionCatcher's summary_candidate_fusions.txt ('  * A--B  (...)')."""
    pairs = []
    for line in path.read_text().splitlines():
        match = re.match(r"^\s*\*\s+(\S+)--(\S+)\s", line)
        if match:
            pairs.append((match[1], match[2]))
    return pairs


def test_real_demo_gives_exactly_the_gene_pairs_of_its_summary(real_data):
    expected = _summary_pairs(real_data / "fusions/fusioncatcher/demo.summary_candidate_fusions.txt")
    assert len(expected) == 17
    result = read_fusioncatcher(real_data / DEMO)
    assert {(e.gene5, e.gene3) for e in result.events} == set(expected)
    assert len(result.events) == 25  # one row per junction; duplicates of a pair are all kept


def test_real_demo_all_relevant_rows_and_the_impossible_chr14_breakpoint(real_data):
    result = read_fusioncatcher(real_data / DEMO)
    crlf2 = [e for e in result.events if e.name == "IGH@::CRLF2"]
    assert [(e.breakpoint5, e.breakpoint3) for e in crlf2][0] == ("14:105863263", "X:1228687")
    dux4 = [e for e in result.events if e.name == "DUX4::IGH@"]
    assert [e.breakpoint3 for e in dux4] == [None, "14:106638525"]
    assert len(result.warnings) == 1 and "14:190287409" in result.warnings[0].message
    assert result.warnings[0].source.line == dux4[0].source.line
    cic = [e for e in result.events if e.name == "CIC::DUX4"]
    assert len(cic) == 2 and all(e.flags == () for e in cic)  # read as-is; not DUX4-r ALL is decided later


def test_real_demo_is_sniffed_and_read_through_the_registry(real_data):
    path = real_data / DEMO
    assert sniff_fusion_format(path) == "fusioncatcher"
    assert read_fusions(path).events == read_fusioncatcher(path).events
