"""The curated hotspot table and citation list are internally consistent and agree with public gene spans."""

from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import pytest
import yaml
from conftest import REPO

DB = REPO / "annotation_db"
STATUSES = {"V2", "V37+L", "D"}
COMPLEMENT = str.maketrans("ACGT", "TGCA")
AA3 = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
       "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
       "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val"}
HGVS_C_SNV = re.compile(r"c\.(\d+)([ACGT])>([ACGT])")


@pytest.fixture(scope="module")
def hotspots() -> list[dict]:
    with open(DB / "hotspots.tsv", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert rows, "hotspots.tsv has no rows"
    return rows


@pytest.fixture(scope="module")
def citations() -> list[dict]:
    return yaml.safe_load((DB / "citations.yaml").read_text())


@pytest.fixture(scope="module")
def gene_spans(real_data: Path) -> dict:
    """Ensembl gene spans from the shared tables: {build: {symbol: [(chrom, start, end, strand)]}}."""
    genes = real_data / "knowledge" / "genes"
    spans: dict = {"GRCh37": {}, "GRCh38": {}}
    with gzip.open(genes / "ensembl_genes_GRCh38.MDALL_info_gtf_hg38.tsv.gz", "rt") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            spans["GRCh38"].setdefault(r["gene_name"], []).append(
                (r["chr"].removeprefix("chr"), int(r["start"]), int(r["end"]), r["strand"]))
    with gzip.open(genes / "ensembl_genes_GRCh37.RNAseqCNV_gene_annot_hg19.named.tsv.gz", "rt") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            span = (r["chrom"], int(r["start"]), int(r["end"]), None)
            spans["GRCh37"].setdefault(r["gene_name"], []).append(span)
    return spans


def test_hotspot_ids_are_unique(hotspots):
    ids = [r["hotspot_id"] for r in hotspots]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_hotspot_statuses_are_usable_codes(hotspots):
    bad = {r["hotspot_id"]: r["status"] for r in hotspots if r["status"] not in STATUSES}
    assert not bad


def test_every_hotspot_citation_key_exists(hotspots, citations):
    known = {c["key"] for c in citations}
    missing = {(r["hotspot_id"], k) for r in hotspots for k in r["citations"].split(";") if k not in known}
    assert all(r["citations"] for r in hotspots)
    assert not missing


def test_protein_names_agree_with_each_other_and_with_the_cdna_codon(hotspots):
    for r in hotspots:
        short = re.fullmatch(r"p\.([A-Z])(\d+)([A-Z])", r["hgvs_p_short"])
        assert short, r["hotspot_id"]
        ref, pos, alt = short.groups()
        assert r["hgvs_p"] == f"p.{AA3[ref]}{pos}{AA3[alt]}", r["hotspot_id"]
        cdna = HGVS_C_SNV.fullmatch(r["hgvs_c"])
        assert cdna, r["hotspot_id"]
        codon = (int(cdna.group(1)) + 2) // 3
        assert codon == int(pos), f"{r['hotspot_id']}: {r['hgvs_c']} is not in codon {pos}"
        assert r["hotspot_id"].startswith(f"{r['gene']}_{ref}{pos}{alt}")


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_positions_fall_inside_the_gene_in_both_builds(hotspots, gene_spans, build):
    col = build.lower()
    outside = []
    for r in hotspots:
        chrom, pos = r[f"{col}_chrom"], int(r[f"{col}_pos"])
        spans = gene_spans[build].get(r["gene"], [])
        if not any(c == chrom and start <= pos <= end for c, start, end, _ in spans):
            outside.append(f"{r['hotspot_id']} {chrom}:{pos}")
    assert not outside


def test_genomic_alleles_follow_the_cdna_alleles_and_gene_strand(hotspots, gene_spans):
    """Plus-strand genes carry the c. alleles; minus-strand genes their complements, in both builds."""
    minus_seen = 0
    for r in hotspots:
        strand = gene_spans["GRCh38"][r["gene"]][0][3]
        _, c_ref, c_alt = HGVS_C_SNV.fullmatch(r["hgvs_c"]).groups()
        if strand == "+":
            expected = (c_ref, c_alt)
        else:
            expected = (c_ref.translate(COMPLEMENT), c_alt.translate(COMPLEMENT))
        minus_seen += strand == "-"
        for col in ("grch37", "grch38"):
            got = (r[f"{col}_ref"], r[f"{col}_alt"])
            assert got == expected, f"{r['hotspot_id']} {col} ({strand} strand)"
    assert minus_seen > 0


def test_same_gene_spacing_is_identical_in_both_builds(hotspots):
    """A lift between builds shifts a gene's hotspots together, so their spacing must not change."""
    by_gene: dict = {}
    for r in hotspots:
        by_gene.setdefault(r["gene"], []).append(r)
    for rows in by_gene.values():
        first = rows[0]
        for r in rows[1:]:
            d37 = int(r["grch37_pos"]) - int(first["grch37_pos"])
            d38 = int(r["grch38_pos"]) - int(first["grch38_pos"])
            assert d37 == d38, f"{first['hotspot_id']} vs {r['hotspot_id']}"


def test_abl1_t315i_matches_clinvar_in_both_builds(hotspots):
    row = next(r for r in hotspots if r["hotspot_id"] == "ABL1_T315I")
    def site(build: str) -> tuple:
        return tuple(row[f"{build}_{field}"] for field in ("chrom", "pos", "ref", "alt"))

    assert site("grch37") == ("9", "133748283", "C", "T")
    assert site("grch38") == ("9", "130872896", "C", "T")


def test_abl1_f317l_codings_sit_two_and_four_bases_after_t315i(hotspots):
    by_id = {r["hotspot_id"]: r for r in hotspots}
    t315i = int(by_id["ABL1_T315I"]["grch38_pos"])
    assert int(by_id["ABL1_F317L_c949TC"]["grch38_pos"]) - t315i == 949 - 944
    assert int(by_id["ABL1_F317L_c951CA"]["grch38_pos"]) - t315i == 951 - 944


def test_every_citation_has_text_and_an_identifier(citations):
    keys = [c["key"] for c in citations]
    assert len(keys) == len(set(keys))
    for c in citations:
        assert c.get("text"), c["key"]
        assert any(c.get(k) for k in ("pmid", "doi", "url")), c["key"]
        assert isinstance(c["verified"], bool), c["key"]


def test_pmids_are_digit_strings(citations):
    for c in citations:
        if "pmid" in c:
            assert isinstance(c["pmid"], str) and c["pmid"].isdigit(), c["key"]


def test_yoda_2010_carries_the_corrected_pmid(citations):
    """The reference listed PMID 19965641 for Yoda et al.; PubMed gives 20018760 for that paper."""
    yoda = next(c for c in citations if c["key"] == "yoda2010")
    assert yoda["pmid"] == "20018760"
