#!/usr/bin/env python3
"""Build annotation_db/genes.tsv, the curated ALL gene and antigen-receptor locus table.

Sources (read from ``--shared DIR``, default ``../shared/real_data/knowledge/genes`` relative
to the repository root; the files are never copied into the repository):

- ``ensembl_genes_GRCh38.MDALL_info_gtf_hg38.tsv.gz``: Ensembl (~v102) gene rows for GRCh38
  (chr, start, end, strand, gene_id, gene_version, gene_name, gene_source, gene_biotype).
- ``ensembl_genes_GRCh37.RNAseqCNV_gene_annot_hg19.named.tsv.gz``: Ensembl gene rows for
  GRCh37 (chrom, start, end, gene_id, gene_name, gene_name_source); no strand, no biotype.
- ``MANE.GRCh38.v1.0.summary.txt.gz``: MANE v1.0 summary (HGNC id, Ensembl_Gene, strand).

Coordinates: both Ensembl tables are GTF-derived and therefore 1-based, closed (checked:
DDX11L1 starts at 11869 in both builds, which is the Ensembl GTF value), so they are written
unchanged. Chromosomes are written without "chr". Both tables hold primary-assembly
chromosomes only (1-22, X, Y, MT); any other contig would be ignored.

Gene rows (feature "gene"):
1. The MANE Select row for the symbol gives hgnc_id, strand and the Ensembl gene id (version
   stripped).
2. GRCh38 span: the Ensembl row with that gene id; without a MANE record, the single row
   whose gene_name is the symbol (MGA, RUNX1T1 and XBP1 have no MANE v1.0 record). A requested
   symbol that cannot be found, or is ambiguous, in the GRCh38 table aborts the build.
3. GRCh37 span: the row with the same gene id; else the single row named with the symbol or
   one of its curated previous symbols (recorded in coordinate_source); else left empty and
   the reason written to coordinate_source. The GRCh37 chromosome must equal the GRCh38 one.
4. Strand: MANE; else the Ensembl GRCh38 row (they must agree when both exist).

DUX4: DUX4 lies in the D4Z4 macrosatellite repeat on 4q35.2 (homologous copies on 10q26.3,
annotated as DUX4L pseudogenes and not used here). The GRCh38 row is MANE's ENSG00000260596
(the most distal, complete unit). The GRCh37 table has no row with that id; its only "DUX4"
row (ENSG00000258389, 4:191005267-191007077) is a different repeat unit, which is what
GRCh37 Ensembl names DUX4 and what GRCh37 fusion callers report. It is used by symbol and
coordinate_source says so; fusion matching for DUX4 should therefore go by symbol.

Locus rows (feature "ig_locus" / "tr_locus"): IGH (14), IGK (2), IGL (22), TRA (14),
TRB (7), TRG (7), TRD (14). Span = min(start)..max(end) of the locus's gene segments on the
locus chromosome. A segment is a gene whose name starts with the locus symbol followed by
V, D, J or C (for IGH also the constant genes IGHM, IGHD, IGHG*, IGHA*, IGHE, IGHEP*, IGHGP)
and does not contain "OR" (orphons such as IGHV1OR15-1 or IGKV1OR2-108 lie outside the
locus). In GRCh38 the gene must also carry an IG_*/TR_* biotype (gene or pseudogene); the
builder checks that the name rule alone gives the same GRCh38 span, which validates using
the name rule for GRCh37 (no biotype column there). GRCh37 rows without a gene_name cannot
be classified, so GRCh37 spans may be slightly narrower. TRA and TRD overlap by design
(TRAV/DV segments are counted in TRA). Loci have no MANE record: hgnc_id is empty; strand is
given only if all segments share one.

Synonyms: previous_symbols and alias_symbols are curated below, each with its source. An
alias or previous symbol may not equal any gene symbol in the GRCh38 table or MANE (other
than its own gene) and may not be claimed by two rows; the builder asserts this.

Output: tab-separated, one header line, rows sorted by symbol; deterministic.
Run from anywhere:  python scripts/build_gene_table.py [--shared DIR] [--out FILE]
"""
from __future__ import annotations

import argparse
import csv
import gzip
import re
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO_ROOT / ".." / "shared" / "real_data" / "knowledge" / "genes"
DEFAULT_OUT = REPO_ROOT / "annotation_db" / "genes.tsv"

GRCH38_FILE = "ensembl_genes_GRCh38.MDALL_info_gtf_hg38.tsv.gz"
GRCH37_FILE = "ensembl_genes_GRCh37.RNAseqCNV_gene_annot_hg19.named.tsv.gz"
MANE_FILE = "MANE.GRCh38.v1.0.summary.txt.gz"

COLUMNS = (
    "symbol", "hgnc_id", "feature", "previous_symbols", "alias_symbols", "strand",
    "grch37_chrom", "grch37_start", "grch37_end",
    "grch38_chrom", "grch38_start", "grch38_end", "coordinate_source",
)
PRIMARY = {str(i) for i in range(1, 23)} | {"X", "Y", "MT"}

# --------------------------------------------------------------------------------------
# Requested genes. Source = docs/CLINICAL_REFERENCE.md (section given) unless stated.
# --------------------------------------------------------------------------------------
CLINICAL_GENES = {
    # §1.2 subtype table: defining lesions, partners and co-lesions
    "subtypes": """ABL1 ABL2 BCR ETV6 RUNX1 CCNC CDKN2A CDKN2B IKZF1 IKZF2 IKZF3 CRLF2 P2RY8
        JAK1 JAK2 EPOR IL7R SH2B3 TSLP IL2RB NTRK3 FLT3 FGFR1 PTK2B BLNK DGKH PDGFRB PDGFRA
        CSF1R LYN KMT2A AFF1 MLLT1 MLLT3 MLLT10 EPS15 TCF3 PBX1 HLF TCF4 RB1 TP53 NF1 NRAS
        KRAS PTPN11 IL3 DUX4 ERG CD2 ZNF384 ZNF362 EP300 TAF15 CREBBP EWSR1 ARID1B SMARCA2
        SYNRG MEF2D BCL9 HNRNPUL1 DAZAP1 SS18 NUTM1 ACIN1 CUX1 BRD9 ZNF618 SLC12A6 PAX5
        NOL4L ZNF521 ZEB2 CEBPE UBTF ATXN7L3 PAN3 CDX2 MYC CD19 CD22""",
    # §1.3 T-ALL subtypes: ETP markers/mutations, driver groups, classifier genes
    "t_all": """CD5 EZH2 SUZ12 EED JAK3 BCL11B TAL1 TAL2 STIL TLX1 TLX3 HOXA9 HOXA10 PICALM
        SET NUP214 LMO1 LMO2 NKX2-1 SPI1 NOTCH1 FBXW7 PTEN PHF6""",
    # §2.3 ABL-class 5' partners
    "abl_class_partners": """RCSD1 RANBP2 SNX2 ZMIZ1 FOXP1 SFPQ CENPC LSM14A NUP153 PAG1
        ZC3HAV1 EBF1 ATF7IP SSBP2 TNIP1 ZMYND8 TBL1XR1 FIP1L1 NCOR1""",
    # §2.7 relapse-enriched drug-response genes (Li 2020; Waanders 2020)
    "relapse": "NR3C1 NR3C2 NT5C2 FPGS MSH2 MSH6 PMS2 NSD2 PRPS1 PRPS2 NCOR2 USH2A",
    # §2.9 thiopurine pharmacogenes; §1.2/2.6 drug targets named (DOT1L, CDK4/6, MDM2)
    "pharmaco_targets": "TPMT NUDT15 DOT1L CDK4 CDK6 MDM2",
    # §3.3 MANE coordinate table genes not already listed
    "coordinate_table": "ARID5B GATA3",
    # brief: PAX5 partner AUTS2; C/EBP family (IGH::CEBP* fusions); KMT2D (MLL2 trap);
    # BTG1 deletions (iAMP21/ETV6::RUNX1 co-lesion)
    "brief": "AUTS2 CEBPA CEBPB CEBPD KMT2D BTG1",
    # Further recurrent KMT2A translocation partners: Meyer et al. Leukemia 2023
    # (PMC10169636 Table 1: AFDN #5, ELL #7, MLLT11 #10, MLLT6 #11, SEPTIN6 #12)
    "kmt2a_partners": "AFDN ELL MLLT11 MLLT6 SEPTIN6",
}

# MINTIE ALL-associated genes (real_data/knowledge/all_lists/MINTIE_ALL_associated_genes.txt,
# 379 symbols): every protein-coding gene, current symbols. Renamed entries are mapped in
# MINTIE_RENAMED; entries left out are listed in MINTIE_EXCLUDED with the reason.
MINTIE_GENES = """AADACL4 ABL1 ABL2 ACTB ACVR1 ACVR2A ACVR2B ACVRL1 ADD3 AGBL4 AKT1 AKT2 AKT3 ALK
    AMER1 ARAF ARID1A ARID2 ASXL1 ASXL2 ATF7IP ATM ATR ATRX AURKA AURKB AURKC AUTS2 AXL BAZ1A
    BCL11B BCL2 BCOR BCORL1 BCR BLK BPIFB1 BRAF BRCA1 BRCA2 BRD2 BRD3 BRD4 BTG1 BTK CARD11
    CBFB CBL CCND1 CCND2 CCND3 CCNE1 CD200 CDK2 CDK4 CDK6 CDK7 CDK9 CDKN1A CDKN1B CDKN2A
    CDKN2B CEBPA CHD4 CHEK1 CNOT3 COL1A1 CREBBP CRKL CRLF2 CROCC CSF1R CSF3R CTCF CTLA4 CTNNB1
    DDR1 DDR2 DDX31 DDX3X DGCR8 DHX15 DKK1 DLL1 DLL3 DLL4 DNM2 DNMT1 DNMT3A DNMT3B DROSHA DYM
    EBF1 EED EGFR ELF1 ENG EP300 EPHA2 EPHA3 ERBB2 ERBB3 ERBB4 ERG ERRFI1 ETV6 EYS EZH2 FAT2
    FBN2 FBXO11 FBXO28 FBXW7 FGF1 FGF2 FGF3 FGF4 FGFR1 FGFR2 FGFR3 FGFR4 FGR FLG FLT1 FLT3
    FLT4 FMR1 FOXO1 FYN GAK GALNTL6 GATA1 GATA2 GATA3 GLI2 GLIS2 GMDS GNA11 GNAQ GNB1 GRB2 HCK
    HDAC2 HDAC7 HDAC9 HGF HOXA10 HRAS HSP90AA1 HSP90AB1 HSP90B1 ID3 IDH1 IDH2 IKZF1 IKZF2
    IKZF3 IL1B IL2 IL6 IL6R IL7R INO80 INSR JAK1 JAK2 JAK3 JMJD1C KBTBD4 KDM1A KDM6A KDR
    KIAA1549 KIT KMT2A KMT2C KMT2D KRAS LAPTM4B LCK LEF1 LEMD3 LMO2 LPAR6 LRIG1 LYN MAP2K1
    MAP2K2 MAPK1 MAPK11 MAPK14 MAPK3 MAX MCL1 MDM2 MED12 MEF2C MEF2D MERTK MET MGA MLLT1
    MLLT10 MST1R MTAP MTOR MYB MYC MYCN MYD88 MYH11 NCOR1 NDE1 NF1 NIPBL NKX2-1 NOTCH1 NOTCH2
    NOTCH3 NOTCH4 NPLOC4 NPM1 NRAS NRG1 NRG2 NRG3 NRG4 NRXN1 NTRK1 NTRK2 NTRK3 NUP214 NUP98
    OSM OSMR OTX2 P2RY8 PAX5 PCBP1 PDGFA PDGFB PDGFRA PDGFRB PHF6 PHLPP1 PHLPP2 PIK3CA PIK3CB
    PIK3CD PIK3CG PIK3R1 PIPOX PLK1 PRKCA PRKCB PRKCD PRKCE PRKCH PRKCQ PTCH1 PTCHD4 PTEN PTK2
    PTPN11 PTPN2 PTPRD RAF1 RAG1 RAG2 RASA1 RB1 RET RGPD2 RHEB RHOA ROS1 RPL10 RPL22 RPL5
    RPS6KB1 RPTOR RUNX1 RUNX1T1 SELP SERP2 SETBP1 SETD2 SF3B1 SH2B3 SHANK2 SHH SI SIRPA SIX1
    SIX2 SLC6A18 SMARCA4 SMARCB1 SMC3 SMG8 SMO SMYD3 SNCAIP SOS1 SRC STAG2 STAT3 STAT5B SUFU
    SUZ12 SYK TAL1 TAL2 TBL1XR1 TBR1 TCF3 TCF7 TERT TET2 TFAP4 TGFB1 TGFB2 TGFB3 TGFBR1 TGFBR2
    TLX1 TLX3 TOX TP53 TRAP1 TSC1 TSC2 TSPYL2 TTYH1 TYRO3 U2AF1 UBA2 USP22 USP7 USP9X VEGFA
    VEGFB WAC WDR64 WEE1 WT1 XBP1 XPO1 ZBTB7A ZCCHC7 ZEB2 ZFHX3 ZFP36L2 ZFPM2 ZIC1 ZMIZ1 ZMYM3
    ZNF217 ZNF384"""

# Old MINTIE symbol -> current symbol. Each pair is confirmed by the shared GRCh37 table,
# which names the same Ensembl gene_id with the old symbol (Ensembl GRCh37.87 names),
# except C10orf112 and HIST1H3B, verified separately (see PREVIOUS_SYMBOLS).
MINTIE_RENAMED = {
    "ACPP": "ACP3", "C10orf11": "LRMDA", "C10orf112": "MALRD1", "FAM49A": "CYRIA",
    "H3F3A": "H3-3A", "HIST1H3B": "H3C2", "LPHN2": "ADGRL2", "WHSC1": "NSD2",
}
MINTIE_EXCLUDED = {
    "CDKN2AB": "not a gene symbol (shorthand for CDKN2A/CDKN2B, both included)",
    "GFI1B_clust": "not a gene symbol",
    "CDKN2B.AS1": "lncRNA (CDKN2B-AS1)", "OTX2.AS1": "lncRNA (OTX2-AS1)",
    "DLEU1": "lncRNA", "LINC00511": "lncRNA", "MYCNOS": "lncRNA", "PVT1": "lncRNA",
    "TRAJ29": "TR gene segment (inside the TRA locus row)",
    "TRDD2": "TR gene segment (inside the TRD locus row)",
    "TRDD3": "TR gene segment (inside the TRD locus row)",
    "TRDV2": "TR gene segment (inside the TRD locus row)",
}

# --------------------------------------------------------------------------------------
# Curated synonyms. Only names verified in a source; the comment names it.
# --------------------------------------------------------------------------------------
PREVIOUS_SYMBOLS = {
    # Open Targets cancer-biomarker parser override "approved symbol" map (MLL -> KMT2A);
    # Springer Leukemia 2024 s41375-024-02333-4: "KMT2A, previously known as MLL"
    "KMT2A": ["MLL"],
    # Open Targets override map (MLL2 -> KMT2D); PROVENANCE.md: MLL2 is KMT2D, not KMT2A
    "KMT2D": ["MLL2"],
    # Open Targets override map (C15orf55 -> NUTM1)
    "NUTM1": ["C15orf55"],
    # Genetics Home Reference 2009 ("WHSC1 is the gene's official symbol"); Wikipedia WHSC1
    # page now titled NSD2; CLINICAL_REFERENCE §2.7 "WHSC1/NSD2"; GRCh37.87 name of same id
    "NSD2": ["WHSC1"],
    # The following are the Ensembl GRCh37.87 names of the same Ensembl gene_id in the
    # shared GRCh37 table (the builder asserts this); C20orf112 is also listed among PAX5
    # fusion partners in the PAX5-alteration literature (scite.ai citation excerpt)
    "ACP3": ["ACPP"],
    "LRMDA": ["C10orf11"],
    "CYRIA": ["FAM49A"],
    "H3-3A": ["H3F3A"],
    "ADGRL2": ["LPHN2"],
    "AFDN": ["MLLT4"],
    "SEPTIN6": ["SEPT6"],
    "NOL4L": ["C20orf112"],
    # Symbol-update maps in public code: LOVD ('C10orf112' => 'MALRD1', added 2017-07-27)
    # and a Java gene-name mapper (C10ORF112 -> MALRD1); GRCh37.87 already says MALRD1
    "MALRD1": ["C10orf112"],
    # Histone renaming maps in public code ("HIST1H3B", "H3C2"; also H3F3A -> H3-3A,
    # WHSC1 -> NSD2 in the same list). Different Ensembl gene_id in GRCh37: used by name.
    "H3C2": ["HIST1H3B"],
}
# Names whose GRCh37.87 identity is asserted against the GRCh37 table (same gene_id).
GRCH37_NAME_CHECKED = {
    "NSD2": "WHSC1", "ACP3": "ACPP", "LRMDA": "C10orf11",
    "CYRIA": "FAM49A", "H3-3A": "H3F3A", "ADGRL2": "LPHN2", "AFDN": "MLLT4",
    "SEPTIN6": "SEPT6", "NOL4L": "C20orf112",
}

ALIAS_SYMBOLS = {
    # Meyer et al. Leukemia 2013 (MLL recombinome) abstract "AFF1/AF4, MLLT3/AF9,
    # MLLT1/ENL"; Wikipedia AFF1 infobox aliases "AF4, MLLT2, PBM1"; CLINICAL_REFERENCE §2.4
    "AFF1": ["AF4", "MLLT2"],
    "MLLT1": ["ENL"],   # Meyer 2013 abstract; CLINICAL_REFERENCE §2.4
    "MLLT3": ["AF9"],   # Meyer 2013 abstract; CLINICAL_REFERENCE §2.4
    # CLINICAL_REFERENCE §2.4 "KMT2A::MLLT10 (AF10)"; Blood 2005;106:274 "CALM-AF10"
    "MLLT10": ["AF10"],
    # Wikipedia EPS15 infobox / cancerindex (NCBI) aliases "AF-1P, AF1P, MLLT5"
    "EPS15": ["AF1P", "AF-1P", "MLLT5"],
    "PICALM": ["CALM"],  # Blood 2005;106:274 "CALM-AF10-related T-ALL" (PICALM::MLLT10)
    # Atlas of Genetics in Oncology t(12;21): "ETV6 (TEL) and RUNX1 (AML1)", "TEL-AML1"
    "ETV6": ["TEL"],
    "RUNX1": ["AML1"],
    # Burmeister et al. Haematologica 2010 (PMID 19713226): "TCF3-PBX1 (E2A-PBX1)"
    "TCF3": ["E2A"],
    # CLINICAL_REFERENCE §2.2 "SH2B3 (LNK)"; GWAS catalogues "SH2B3 (LNK) R262W"
    "SH2B3": ["LNK"],
    # xcode.life (NCBI Gene) alternate names "CRL2|CRLF2Y|TSLPR"; CLINICAL_REFERENCE §2.2
    "CRLF2": ["TSLPR", "CRL2", "CRLF2Y"],
    # UniProt Q13422 gene synonyms "IK1, IKAROS, LYF1, ZNFN1A1" (EBI Proteins API record);
    # FANTOM id ZNFN1A1 for IKZF1 (and ZNFN1A2 for IKZF2)
    "IKZF1": ["IK1", "IKAROS", "LYF1", "ZNFN1A1"],
    "IKZF2": ["ZNFN1A2"],
    # Atlas of Genetics PAX5 page: "HGNC Alias symb BSAP"; NCBI GTR "Also known as: ALL3;
    # BSAP; PAX-5" (ALL3 omitted: it is also a disease locus name)
    "PAX5": ["BSAP"],
    # Genetics Home Reference WHSC1: "The WHSC1 gene (also known as MMSET)"
    "NSD2": ["MMSET"],
    # TRANSFAC T04313 synonyms "HOX11L2; ... Tlx3"; clicktocurecancer "TLX1 (HOX11), TLX3
    # (HOX11L2)"
    "TLX1": ["HOX11"],
    "TLX3": ["HOX11L2"],
    # Janssen et al. "SIL-TAL1 deletion in T-cell acute lymphoblastic leukemia" (STIL::TAL1)
    "STIL": ["SIL"],
    # OncoKB cancer gene list (Gene Aliases column) "ABL, JTK7, c-ABL"
    "ABL1": ["ABL", "JTK7"],
}

# Antigen-receptor loci: symbol -> (feature, chromosome)
LOCI = {
    "IGH": ("ig_locus", "14"), "IGK": ("ig_locus", "2"), "IGL": ("ig_locus", "22"),
    "TRA": ("tr_locus", "14"), "TRB": ("tr_locus", "7"), "TRG": ("tr_locus", "7"),
    "TRD": ("tr_locus", "14"),
}
IGH_CONSTANT = re.compile(r"^IGH(M|D|E|EP\d*|G\d|GP|A\d)$")


class BuildError(Exception):
    """The sources do not support the requested table; the message says why."""


def requested_symbols() -> list[str]:
    """All requested gene symbols (deduplicated, sorted)."""
    symbols: set[str] = set()
    for block in CLINICAL_GENES.values():
        symbols.update(block.split())
    symbols.update(MINTIE_GENES.split())
    symbols.update(MINTIE_RENAMED.values())
    return sorted(symbols)


def _read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise BuildError(f"{path}: source table not found (use --shared DIR)")
    with gzip.open(path, "rt", newline="") as handle:
        text = handle.read().splitlines()
    if text and text[0].startswith("#"):
        text[0] = text[0][1:]
    return list(csv.DictReader(text, delimiter="\t"))


def _chrom(value: str) -> str:
    return value[3:] if value.startswith("chr") else value


def load_sources(shared: Path) -> tuple[list[dict], list[dict], dict[str, dict]]:
    """Read the three source tables; keep primary-assembly rows only."""
    g38 = []
    for row in _read_tsv(shared / GRCH38_FILE):
        chrom = _chrom(row["chr"])
        if chrom in PRIMARY:
            g38.append({"chrom": chrom, "start": int(row["start"]), "end": int(row["end"]),
                        "strand": row["strand"], "gene_id": row["gene_id"],
                        "name": row["gene_name"] or "", "biotype": row["gene_biotype"]})
    g37 = []
    for row in _read_tsv(shared / GRCH37_FILE):
        chrom = _chrom(row["chrom"])
        if chrom in PRIMARY:
            g37.append({"chrom": chrom, "start": int(row["start"]), "end": int(row["end"]),
                        "gene_id": row["gene_id"], "name": row["gene_name"] or ""})
    mane: dict[str, dict] = {}
    for row in _read_tsv(shared / MANE_FILE):
        if row["MANE_status"] == "MANE Select":
            if row["symbol"] in mane:
                raise BuildError(f"{MANE_FILE}: two MANE Select rows for {row['symbol']}")
            mane[row["symbol"]] = row
    return g38, g37, mane


def _index(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        if row[key]:
            out.setdefault(row[key], []).append(row)
    return out


def gene_row(symbol: str, g38_by_id, g38_by_name, g37_by_id, g37_by_name, mane) -> dict:
    """Resolve one gene symbol to a table row (raises BuildError when GRCh38 fails)."""
    record = mane.get(symbol)
    gene_id = record["Ensembl_Gene"].split(".")[0] if record else ""
    if gene_id:
        hits = g38_by_id.get(gene_id, [])
        how38 = "MANE gene_id"
    else:
        hits = g38_by_name.get(symbol, [])
        how38 = "symbol; no MANE v1.0 record"
    if len(hits) != 1:
        raise BuildError(f"{symbol}: {len(hits)} GRCh38 Ensembl rows ({how38}); need exactly 1")
    r38 = hits[0]
    gene_id = r38["gene_id"]
    strand = record["chr_strand"] if record else r38["strand"]
    if strand != r38["strand"]:
        raise BuildError(f"{symbol}: MANE strand {strand} != Ensembl strand {r38['strand']}")
    source = [f"GRCh38 Ensembl {gene_id} ({how38})"]

    hits37 = g37_by_id.get(gene_id, [])
    if len(hits37) == 1:
        r37 = hits37[0]
        source.append(f"GRCh37 Ensembl {gene_id} (same gene_id)")
    else:
        r37 = None
        for name in [symbol, *PREVIOUS_SYMBOLS.get(symbol, [])]:
            named = g37_by_name.get(name, [])
            if len(named) == 1:
                r37 = named[0]
                source.append(f"GRCh37 Ensembl {r37['gene_id']} (by symbol {name}; "
                              f"gene_id {gene_id} absent)")
                break
        if r37 is None:
            source.append(f"GRCh37 absent from table (no row with gene_id {gene_id} "
                          f"or a unique row named {symbol})")
    if r37 is not None and r37["chrom"] != r38["chrom"]:
        raise BuildError(f"{symbol}: GRCh37 chrom {r37['chrom']} != GRCh38 {r38['chrom']}")
    expected_old = GRCH37_NAME_CHECKED.get(symbol)
    if expected_old and (r37 is None or r37["name"] != expected_old):
        raise BuildError(f"{symbol}: GRCh37 table does not name this gene {expected_old}")
    return {
        "symbol": symbol, "hgnc_id": record["HGNC_ID"] if record else "", "feature": "gene",
        "strand": strand,
        "grch37_chrom": r37["chrom"] if r37 else "", "grch37_start": r37["start"] if r37 else "",
        "grch37_end": r37["end"] if r37 else "",
        "grch38_chrom": r38["chrom"], "grch38_start": r38["start"], "grch38_end": r38["end"],
        "coordinate_source": "; ".join(source),
    }


def is_segment(locus: str, name: str) -> bool:
    """True if a gene name is a V/D/J/C segment (or IGH constant gene) of the locus."""
    if "OR" in name[3:]:
        return False
    if locus == "IGH" and IGH_CONSTANT.match(name):
        return True
    return name.startswith(locus) and len(name) > 3 and name[3] in "VDJC"


def locus_row(locus: str, g38: list[dict], g37: list[dict]) -> dict:
    """Span of an antigen-receptor locus from its segments in each build."""
    feature, chrom = LOCI[locus]
    biotype_prefix = "IG_" if locus.startswith("IG") else "TR_"
    seg38 = [r for r in g38 if r["chrom"] == chrom and r["biotype"].startswith(biotype_prefix)
             and is_segment(locus, r["name"])]
    by_name38 = [r for r in g38 if r["chrom"] == chrom and is_segment(locus, r["name"])]
    seg37 = [r for r in g37 if r["chrom"] == chrom and is_segment(locus, r["name"])]
    if not seg38 or not seg37:
        raise BuildError(f"{locus}: no segments found (GRCh38 {len(seg38)}, GRCh37 {len(seg37)})")
    span38 = (min(r["start"] for r in seg38), max(r["end"] for r in seg38))
    span_name38 = (min(r["start"] for r in by_name38), max(r["end"] for r in by_name38))
    if span38 != span_name38:
        raise BuildError(f"{locus}: GRCh38 span by biotype {span38} != by name {span_name38}")
    strands = {r["strand"] for r in seg38}
    return {
        "symbol": locus, "hgnc_id": "", "feature": feature,
        "strand": strands.pop() if len(strands) == 1 else "",
        "grch37_chrom": chrom, "grch37_start": min(r["start"] for r in seg37),
        "grch37_end": max(r["end"] for r in seg37),
        "grch38_chrom": chrom, "grch38_start": span38[0], "grch38_end": span38[1],
        "coordinate_source": (
            f"GRCh38 min/max of {len(seg38)} Ensembl {biotype_prefix}* segment genes on chr{chrom}; "
            f"GRCh37 min/max of {len(seg37)} Ensembl segment genes on chr{chrom} (by name)"),
    }


def check_synonyms(rows: list[dict], g38: list[dict], mane: dict) -> None:
    """Aliases/previous symbols: unique across rows, never another gene's symbol."""
    own = {r["symbol"] for r in rows}
    known_symbols = {r["name"] for r in g38 if r["name"]} | set(mane) | set(LOCI)
    for table in (PREVIOUS_SYMBOLS, ALIAS_SYMBOLS):
        missing = sorted(set(table) - own)
        if missing:
            raise BuildError(f"synonyms given for symbols not in the table: {missing}")
    owner: dict[str, str] = {}
    for row in rows:
        for name in PREVIOUS_SYMBOLS.get(row["symbol"], []) + ALIAS_SYMBOLS.get(row["symbol"], []):
            key = name.upper()
            if key in owner and owner[key] != row["symbol"]:
                raise BuildError(f"synonym {name} claimed by {owner[key]} and {row['symbol']}")
            owner[key] = row["symbol"]
            if name in known_symbols and name != row["symbol"]:
                raise BuildError(f"synonym {name} of {row['symbol']} is a current gene symbol")


def build_rows(shared: Path) -> list[dict]:
    """All table rows, sorted by symbol."""
    g38, g37, mane = load_sources(shared)
    g38_by_id, g38_by_name = _index(g38, "gene_id"), _index(g38, "name")
    g37_by_id, g37_by_name = _index(g37, "gene_id"), _index(g37, "name")
    rows, missing = [], []
    for symbol in requested_symbols():
        try:
            rows.append(gene_row(symbol, g38_by_id, g38_by_name, g37_by_id, g37_by_name, mane))
        except BuildError as exc:
            missing.append(str(exc))
    if missing:
        raise BuildError("requested genes not resolvable in GRCh38:\n  " + "\n  ".join(missing))
    rows.extend(locus_row(locus, g38, g37) for locus in LOCI)
    for row in rows:
        row["previous_symbols"] = ",".join(PREVIOUS_SYMBOLS.get(row["symbol"], []))
        row["alias_symbols"] = ",".join(ALIAS_SYMBOLS.get(row["symbol"], []))
    rows.sort(key=lambda r: r["symbol"])
    symbols = [r["symbol"] for r in rows]
    if len(symbols) != len(set(symbols)):
        raise BuildError("duplicate symbols in table")
    check_synonyms(rows, g38, mane)
    return rows


def write_table(rows: list[dict], out: Path) -> None:
    """Write the TSV with a header line and Unix newlines."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        handle.write("\t".join(COLUMNS) + "\n")
        for row in rows:
            handle.write("\t".join(str(row[c]) for c in COLUMNS) + "\n")


def summary(rows: list[dict]) -> str:
    """Human-readable build summary."""
    counts = Counter(r["feature"] for r in rows)
    no37 = [r["symbol"] for r in rows if r["grch37_start"] == ""]
    by_symbol37 = [r["symbol"] for r in rows if "(by symbol" in r["coordinate_source"]]
    no_hgnc = [r["symbol"] for r in rows if r["feature"] == "gene" and not r["hgnc_id"]]
    mintie = set(MINTIE_GENES.split()) | set(MINTIE_RENAMED.values())
    lines = [f"rows: {len(rows)} (" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")",
             f"MINTIE ALL-associated genes included: {len(mintie)} "
             f"(+{len(MINTIE_EXCLUDED)} MINTIE entries excluded as non-coding/non-gene)",
             f"missing from GRCh37 table: {', '.join(no37) or 'none'}",
             f"GRCh37 matched by symbol (gene_id differs): {', '.join(by_symbol37) or 'none'}",
             f"genes without MANE v1.0 record (no hgnc_id): {', '.join(no_hgnc) or 'none'}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="directory holding the three gene source tables")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output TSV")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    args = parser.parse_args(argv)
    try:
        rows = build_rows(args.shared)
    except BuildError as exc:
        print(f"build_gene_table: error: {exc}", file=sys.stderr)
        return 1
    write_table(rows, args.out)
    if not args.quiet:
        print(f"wrote {args.out}")
        print(summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
