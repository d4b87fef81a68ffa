"""The nine callers of fusion-report's demo (same reads): each file is sniffed, read, and reports its pairs.

Source: Clinical-Genomics/fusion-report tests/test_data (GPL-3.0; read in place, never copied).
"""

from __future__ import annotations

import pytest

from leuk_annot.io import read_fusions
from leuk_annot.io.sniff import sniff_fusion_format
from leuk_annot.normalize import normalize_gene

DEMO = "fusions/fusion-report_demo"

# file -> (format the sniffer must pick, the caller's first fusion after normalisation)
FILES = {
    "arriba.tsv": ("arriba", "FGFR3::TACC3"),
    "starfusion.tsv": ("star-fusion", "FGFR3::TACC3"),
    "fusioncatcher.txt": ("fusioncatcher", "FGFR3::TACC3"),
    "jaffa.csv": ("jaffa", "GOPC::ROS1"),
    "ericscript.tsv": ("ericscript", "FGFR3::TACC3"),
    "pizzly.tsv": ("pizzly", "AKAP9::BRAF"),
    "squid.txt": ("squid", "FGFR3::TACC3"),
    "dragen.tsv": ("tsv", "SLC6A15::MT-ND2"),  # '#FusionGene' + LeftBreakpoint/RightBreakpoint aliases
    "ctat_lr_fusion.tsv": ("tsv", "FGFR3::TACC3"),  # '#FusionName num_LR LeftGene ...'
}
ALIASES = {"IGH@": "IGH"}


def _names(result) -> list[str]:
    return [f"{normalize_gene(e.gene5, ALIASES)}::{normalize_gene(e.gene3, ALIASES)}" for e in result.events]


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_demo_file_is_sniffed_and_read_with_its_callers_pairs(real_data, name):
    path = real_data / DEMO / name
    fmt, first = FILES[name]
    assert sniff_fusion_format(path) == fmt
    result = read_fusions(path)
    assert result.format == fmt
    names = _names(result)
    assert names[0] == first
    assert "FGFR3::TACC3" in names  # the one fusion every caller in the demo finds


def test_generic_reader_takes_breakpoints_and_long_read_counts_from_dragen_and_ctat_lr(real_data):
    dragen = read_fusions(real_data / DEMO / "dragen.tsv").events[0]
    assert (dragen.breakpoint5, dragen.breakpoint3) == ("12:84883145", "MT:5264")
    ctat = read_fusions(real_data / DEMO / "ctat_lr_fusion.tsv").events[0]
    assert (ctat.breakpoint5, ctat.breakpoint3, ctat.supporting_reads) == ("4:1806934", "4:1727977", 261)


def test_only_fusioncatcher_reports_the_igh_fusions(real_data):
    igh = {}
    for name in FILES:
        names = _names(read_fusions(real_data / DEMO / name))
        igh[name] = sorted({n for n in names if n in ("IGH::CRLF2", "DUX4::IGH")})
    assert igh.pop("fusioncatcher.txt") == ["DUX4::IGH", "IGH::CRLF2"]
    assert igh == {name: [] for name in igh}
    raw = {e.name for e in read_fusions(real_data / DEMO / "fusioncatcher.txt").events}
    assert {"IGH@::CRLF2", "DUX4::IGH@"} <= raw  # as written by FusionCatcher, before normalisation
