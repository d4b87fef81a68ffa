"""deFuse reader: names not ids, 5'/3' order from deFuse's strand columns, read-through flags."""

from __future__ import annotations

from conftest import TEST_DATA

from leuk_annot.io import read_fusions
from leuk_annot.io.defuse import read_defuse
from leuk_annot.io.sniff import sniff_fusion_format

FIXTURE = TEST_DATA / "fusions" / "defuse" / "results.filtered.tsv"
K562 = "fusions/other_callers/K562.defuse.results.filtered.tsv"


def test_gene_align_strands_order_the_pair_five_prime_first():
    events = read_defuse(FIXTURE).events
    in_order, swapped = events[0], events[1]
    assert (in_order.name, in_order.breakpoint5, in_order.breakpoint3) == ("BCR::ABL1", "22:23632600", "9:133729451")
    # the same junction written ABL1 first with align strands (-, +) is turned round, breakpoints too
    assert (swapped.name, swapped.breakpoint5, swapped.breakpoint3) == ("BCR::ABL1", "22:23632600", "9:133729451")
    assert in_order.flags == swapped.flags == ()


def test_equal_align_strands_keep_file_order_and_flag_orientation_unknown():
    etv6 = read_defuse(FIXTURE).events[2]
    assert (etv6.name, etv6.flags, etv6.support_level) == ("ETV6::RUNX1", ("orientation-unknown",), "low")


def test_missing_align_strands_fall_back_to_gene_and_genomic_strands():
    p2ry8 = read_defuse(FIXTURE).events[4]  # gene -/genomic - -> keeps 5' part; gene -/genomic + -> 3' part
    assert (p2ry8.name, p2ry8.flags) == ("P2RY8::CRLF2", ())


def test_reads_probability_and_read_through():
    events = read_defuse(FIXTURE).events
    assert [e.supporting_reads for e in events] == [82, 30, 9, 14, 13]  # span_count + splitr_count
    assert [e.caller_confidence for e in events][:2] == ["probability=0.958", "probability=0.700"]
    assert [e.support_level for e in events] == ["high", "medium", "low", "low", "medium"]
    assert events[3].flags == ("read-through",)


def test_row_without_any_gene_name_or_id_is_warned_and_skipped():
    result = read_defuse(FIXTURE)
    assert [(w.source.line, "empty gene_name2 and gene2" in w.message) for w in result.warnings] == [(7, True)]
    assert result.stats == {"rows": 6, "fusions": 5, "skipped": 1}


def test_real_k562_bcr_abl1_comes_out_five_prime_bcr(real_data):
    result = read_defuse(real_data / K562)
    bcr = [e for e in result.events if "BCR" in (e.gene5, e.gene3)]
    assert [(e.name, e.breakpoint5, e.breakpoint3, e.supporting_reads) for e in bcr] == [
        ("BCR::ABL1", "22:23632600", "9:133729451", 82)  # span 39 + split 43
    ]
    assert bcr[0].flags == () and bcr[0].support_level == "high"
    assert any(e.name == "NUP214::XKR3" for e in result.events)
    assert len(result.events) == 83 and result.warnings == []


def test_real_k562_is_sniffed_and_read_through_the_registry(real_data):
    path = real_data / K562
    assert sniff_fusion_format(path) == "defuse"
    assert read_fusions(path).events == read_defuse(path).events
