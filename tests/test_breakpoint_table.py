"""Checks of annotation_db/breakpoints.tsv, the BCR/ABL1 exon boundaries that name BCR::ABL1 classes."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from conftest import read_table

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "annotation_db" / "breakpoints.tsv"
GENES = REPO / "annotation_db" / "genes.tsv"
PROVENANCE = REPO / ".." / "shared" / "real_data" / "PROVENANCE.md"
ARRIBA_TEST = REPO / ".." / "shared" / "real_data" / "fusions" / "arriba" / "arriba_test.fusions.tsv"

COLUMNS = [
    "gene", "exon", "boundary", "old_name", "transcript",
    "grch37_chrom", "grch37_pos", "grch38_chrom", "grch38_pos", "status", "source",
]
STATUSES = {"verified", "derived"}
# which side of the junction each partner contributes: last base kept of BCR, first base kept of ABL1
BOUNDARY = {"BCR": "exon_end", "ABL1": "exon_start"}
BUILDS = ("grch37", "grch38")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return read_table(TABLE, COLUMNS)


@pytest.fixture(scope="module")
def by_exon(rows) -> dict[tuple[str, int], dict[str, str]]:
    return {(r["gene"], int(r["exon"])): r for r in rows}


@pytest.fixture(scope="module")
def gene_spans() -> dict[str, dict[str, str]]:
    with open(GENES, newline="", encoding="utf-8") as handle:
        return {r["symbol"]: r for r in csv.DictReader(handle, delimiter="\t")}


@pytest.fixture(scope="module")
def k562_anchor() -> dict[str, tuple[int, int]]:
    """BCR and ABL1 junction positions per build, read from the shared PROVENANCE quick reference."""
    if not PROVENANCE.is_file():
        pytest.fail(f"shared PROVENANCE.md not found at {PROVENANCE}: clone the project beside shared/")
    text = " ".join(PROVENANCE.read_text(encoding="utf-8").split())
    found = re.search(
        r"hg19/GRCh37 BCR::ABL1 \(K562, e14a2\) = chr22:(\d+) → chr9:(\d+); GRCh38 = 22:(\d+) → 9:(\d+)", text)
    assert found, "PROVENANCE.md no longer states the K562 BCR::ABL1 junction"
    b37, a37, b38, a38 = map(int, found.groups())
    return {"grch37": (b37, a37), "grch38": (b38, a38)}


def test_rows_are_well_formed(rows):
    assert rows
    keys = [(r["gene"], r["exon"]) for r in rows]
    assert len(keys) == len(set(keys))
    for row in rows:
        assert row["gene"] in BOUNDARY, row
        assert row["boundary"] == BOUNDARY[row["gene"]], row
        assert row["exon"].isdigit() and int(row["exon"]) >= 1, row
        assert row["status"] in STATUSES, row
        assert row["source"].strip(), row
        assert re.fullmatch(r"N[MR]_\d+\.\d+", row["transcript"]), row
        for build in BUILDS:
            assert row[f"{build}_chrom"] == {"BCR": "22", "ABL1": "9"}[row["gene"]], row
            assert row[f"{build}_pos"].isdigit(), row


def test_mane_transcripts_and_exon_naming(rows):
    transcripts = {r["gene"]: r["transcript"] for r in rows}
    assert transcripts == {"BCR": "NM_004327.4", "ABL1": "NM_005157.6"}
    # M-bcr exons b2/b3 are BCR exons 13/14 in the modern numbering; ABL1 exon 2/3 are a2/a3
    names = {(r["gene"], int(r["exon"])): r["old_name"] for r in rows}
    assert names.get(("BCR", 13)) == "b2" and names.get(("BCR", 14)) == "b3"
    for (gene, exon), old in names.items():
        if gene == "ABL1":
            assert old == f"a{exon}"


def test_classes_needed_for_p190_p210_p230_are_present(by_exon):
    assert {("BCR", 1), ("BCR", 13), ("BCR", 14), ("BCR", 19), ("ABL1", 2)} <= set(by_exon)


def test_derived_rows_say_how(rows):
    for row in rows:
        if row["status"] == "derived":
            assert "offset" in row["source"], row


def test_k562_anchor_rows_match_provenance(by_exon, k562_anchor):
    for build, (bcr_pos, abl1_pos) in k562_anchor.items():
        assert int(by_exon[("BCR", 14)][f"{build}_pos"]) == bcr_pos
        assert int(by_exon[("ABL1", 2)][f"{build}_pos"]) == abl1_pos


def test_k562_anchor_matches_a_real_arriba_call(by_exon):
    """The e14a2 row reproduces the junction Arriba reports (last BCR base, first ABL1 base)."""
    with open(ARRIBA_TEST, newline="", encoding="utf-8") as handle:
        call = next(r for r in csv.DictReader(handle, delimiter="\t")
                    if r["#gene1"] == "BCR" and r["gene2"] == "ABL1")
    assert call["breakpoint1"] == f"22:{by_exon[('BCR', 14)]['grch37_pos']}"
    assert call["breakpoint2"] == f"9:{by_exon[('ABL1', 2)]['grch37_pos']}"


def test_build_offset_is_constant_within_each_gene(rows, k562_anchor):
    anchor_offset = {
        "BCR": k562_anchor["grch37"][0] - k562_anchor["grch38"][0],
        "ABL1": k562_anchor["grch37"][1] - k562_anchor["grch38"][1],
    }
    for row in rows:
        offset = int(row["grch37_pos"]) - int(row["grch38_pos"])
        assert offset == anchor_offset[row["gene"]], (row["gene"], row["exon"], offset)


def test_positions_lie_inside_the_gene_spans(rows, gene_spans):
    for row in rows:
        span = gene_spans[row["gene"]]
        for build in BUILDS:
            assert row[f"{build}_chrom"] == span[f"{build}_chrom"]
            assert int(span[f"{build}_start"]) <= int(row[f"{build}_pos"]) <= int(span[f"{build}_end"]), (
                row["gene"], row["exon"], build)


def test_exons_increase_along_the_plus_strand(rows, gene_spans):
    for gene in BOUNDARY:
        assert gene_spans[gene]["strand"] == "+"
        ordered = sorted((r for r in rows if r["gene"] == gene), key=lambda r: int(r["exon"]))
        for build in BUILDS:
            positions = [int(r[f"{build}_pos"]) for r in ordered]
            assert positions == sorted(positions) and len(set(positions)) == len(positions), (gene, build)
