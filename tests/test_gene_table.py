"""Checks of annotation_db/genes.tsv and of the builder that regenerates it."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from conftest import read_table, require_shared

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "annotation_db" / "genes.tsv"
BUILDER = REPO / "scripts" / "build_gene_table.py"
SHARED_GENES = REPO / ".." / "shared" / "real_data" / "knowledge" / "genes"
MINTIE_LIST = SHARED_GENES / ".." / "all_lists" / "MINTIE_ALL_associated_genes.txt"

COLUMNS = [
    "symbol", "hgnc_id", "feature", "previous_symbols", "alias_symbols", "strand",
    "grch37_chrom", "grch37_start", "grch37_end",
    "grch38_chrom", "grch38_start", "grch38_end", "coordinate_source",
]
CHROMS = {str(i) for i in range(1, 23)} | {"X", "Y", "MT"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return read_table(TABLE, COLUMNS)


@pytest.fixture(scope="module")
def by_symbol(rows) -> dict[str, dict[str, str]]:
    return {r["symbol"]: r for r in rows}


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("build_gene_table", BUILDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _synonyms(row: dict[str, str]) -> list[str]:
    return [s for s in (row["previous_symbols"] + "," + row["alias_symbols"]).split(",") if s]


def test_table_size_and_features(rows):
    features = {r["feature"] for r in rows}
    assert features == {"gene", "ig_locus", "tr_locus"}
    assert len(rows) >= 150
    loci = {r["symbol"]: r["feature"] for r in rows if r["feature"] != "gene"}
    assert loci == {"IGH": "ig_locus", "IGK": "ig_locus", "IGL": "ig_locus",
                    "TRA": "tr_locus", "TRB": "tr_locus", "TRG": "tr_locus", "TRD": "tr_locus"}


def test_symbols_unique_and_sorted(rows):
    symbols = [r["symbol"] for r in rows]
    assert len(symbols) == len(set(symbols))
    assert symbols == sorted(symbols)


def test_coordinates_well_formed(rows):
    for row in rows:
        for build in ("grch37", "grch38"):
            chrom, start, end = (row[f"{build}_{k}"] for k in ("chrom", "start", "end"))
            if not chrom:
                # a missing build must be explained, and GRCh38 may never be missing
                assert build == "grch37", row["symbol"]
                assert "GRCh37 absent" in row["coordinate_source"], row["symbol"]
                assert start == end == ""
                continue
            assert chrom in CHROMS, (row["symbol"], chrom)
            assert 1 <= int(start) <= int(end), row["symbol"]
        if row["grch37_chrom"]:
            assert row["grch37_chrom"] == row["grch38_chrom"], row["symbol"]


def test_identifier_fields(rows):
    for row in rows:
        assert re.fullmatch(r"(HGNC:\d+)?", row["hgnc_id"]), row["symbol"]
        assert row["strand"] in {"+", "-", ""}, row["symbol"]
        if row["feature"] != "gene":
            assert row["hgnc_id"] == ""
        else:
            assert row["strand"], row["symbol"]
    hgnc = [r["hgnc_id"] for r in rows if r["hgnc_id"]]
    assert len(hgnc) == len(set(hgnc))


def test_synonyms_never_collide(rows):
    symbols = {r["symbol"].upper() for r in rows}
    owner: dict[str, str] = {}
    for row in rows:
        for name in _synonyms(row):
            assert name.upper() not in symbols, f"{name} ({row['symbol']}) is a symbol"
            assert owner.setdefault(name.upper(), row["symbol"]) == row["symbol"], name


def test_naming_traps(by_symbol):
    assert "MLL" in _synonyms(by_symbol["KMT2A"])
    assert "MLL2" in _synonyms(by_symbol["KMT2D"])
    assert "MLL2" not in _synonyms(by_symbol["KMT2A"])
    assert "WHSC1" in _synonyms(by_symbol["NSD2"])
    assert by_symbol["ABL1"]["hgnc_id"] == "HGNC:76"


@pytest.mark.parametrize("symbol, build, chrom, start, end", [
    ("BCR", "grch37", "22", 23521891, 23660224),     # PROVENANCE.md knowledge/genes row
    ("ABL1", "grch37", "9", 133589333, 133763062),   # PROVENANCE.md
    ("CRLF2", "grch37", "X", 1314890, 1331616),      # PROVENANCE.md
])
def test_spans_match_provenance(by_symbol, symbol, build, chrom, start, end):
    row = by_symbol[symbol]
    assert row[f"{build}_chrom"] == chrom
    assert abs(int(row[f"{build}_start"]) - start) <= 1000
    assert abs(int(row[f"{build}_end"]) - end) <= 1000


@pytest.mark.parametrize("symbol, build, chrom, pos", [
    ("ABL1", "grch38", "9", 130872896),     # ABL1 T315I (CLINICAL_REFERENCE §3.2)
    ("ABL1", "grch37", "9", 133748283),     # ABL1 T315I GRCh37
    ("BCR", "grch37", "22", 23632600),      # K562 BCR breakpoint (PROVENANCE)
    ("BCR", "grch38", "22", 23290413),      # same breakpoint, GRCh38
    ("NUDT15", "grch38", "13", 48045719),   # rs116855232
    ("TPMT", "grch38", "6", 18130687),      # rs1142345
    ("TPMT", "grch37", "6", 18130918),
    ("PAX5", "grch38", "9", 37015168),      # PAX5 P80R (PROVENANCE)
    ("IKZF1", "grch38", "7", 50382593),     # IKZF1 N159Y
    ("NT5C2", "grch38", "10", 103093198),   # NT5C2 R367Q
    ("CRLF2", "grch37", "X", 1314966),      # CRLF2 F232C
    ("KRAS", "grch38", "12", 25245350),     # KRAS G12D
])
def test_known_positions_inside_gene(by_symbol, symbol, build, chrom, pos):
    row = by_symbol[symbol]
    assert row[f"{build}_chrom"] == chrom
    assert int(row[f"{build}_start"]) <= pos <= int(row[f"{build}_end"])


def test_igh_locus_span(by_symbol):
    igh = by_symbol["IGH"]
    assert igh["grch38_chrom"] == "14"
    assert 105_500_000 <= int(igh["grch38_start"]) <= 105_700_000
    assert 106_800_000 <= int(igh["grch38_end"]) <= 106_950_000
    # TRD lies inside TRA on 14q11.2 in both builds
    tra, trd = by_symbol["TRA"], by_symbol["TRD"]
    for build in ("grch37", "grch38"):
        assert int(tra[f"{build}_start"]) <= int(trd[f"{build}_start"])
        assert int(trd[f"{build}_end"]) <= int(tra[f"{build}_end"])


def test_dux4_documented_as_matched_by_symbol(by_symbol):
    dux4 = by_symbol["DUX4"]
    assert dux4["grch38_chrom"] == dux4["grch37_chrom"] == "4"
    assert "by symbol DUX4" in dux4["coordinate_source"]


def test_mintie_list_covered(by_symbol, builder):
    require_shared(SHARED_GENES)
    names = {s for r in by_symbol.values() for s in [r["symbol"], *_synonyms(r)]}
    mintie = [line.strip() for line in open(MINTIE_LIST) if line.strip()]
    uncovered = [s for s in mintie if s not in names and s not in builder.MINTIE_EXCLUDED]
    assert uncovered == []


def test_regeneration_is_byte_identical(builder, tmp_path):
    require_shared(SHARED_GENES)
    out = tmp_path / "genes.tsv"
    assert builder.main(["--shared", str(SHARED_GENES), "--out", str(out), "--quiet"]) == 0
    assert out.read_bytes() == TABLE.read_bytes()


def test_builder_fails_on_unknown_gene(builder, tmp_path, monkeypatch, capsys):
    require_shared(SHARED_GENES)
    monkeypatch.setitem(builder.CLINICAL_GENES, "bogus", "NOTAREALGENE1")
    out = tmp_path / "genes.tsv"
    assert builder.main(["--shared", str(SHARED_GENES), "--out", str(out), "--quiet"]) == 1
    assert re.search(r"NOTAREALGENE1: 0 GRCh38 Ensembl rows", capsys.readouterr().err)
    assert not out.exists()


def test_builder_fails_on_missing_sources(builder, tmp_path, capsys):
    assert builder.main(["--shared", str(tmp_path), "--out", str(tmp_path / "x.tsv")]) == 1
    assert re.search(r"source table not found", capsys.readouterr().err)
