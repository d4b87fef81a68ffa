"""FusionCatcher ``final-list_candidate-fusion-genes.txt`` (format ``"fusioncatcher"``).

Format (tab-separated, one header line; source: ``ndaniel/fusioncatcher`` ``doc/manual.md``,
output section, and the demo output ``test/final-list_candidate-fusion-genes.txt``):

- ``Gene_1_symbol(5end_fusion_partner)`` / ``Gene_2_symbol(3end_fusion_partner)``: the 5' and 3'
  partners, already ordered by FusionCatcher. Locus names keep their ``@`` (``IGH@``); an empty
  symbol is replaced by ``Gene_1_id``/``Gene_2_id`` (Ensembl gene id). ``,``-separated candidates
  keep the first and are flagged ``intergenic``.
- ``Fusion_point_for_gene_1(5end_fusion_partner)`` / ``..._gene_2(3end...)``: ``CHROM:POS:STRAND``
  with Ensembl chromosome names (``13:111558380:-``), 1-based. FusionCatcher can report a position
  beyond the chromosome end (``14:190287409`` in its own demo): warned, breakpoint ``None``.
- ``Spanning_pairs`` (fragments whose mates map to the two genes; one value per gene pair) and
  ``Spanning_unique_reads`` (reads crossing this junction): ``supporting_reads`` is their sum.
- ``Fusion_description``: comma-separated labels. Those that mark known benign/artefact classes
  become flags (``_FLAG_OF_LABEL``); the labels are also kept as ``caller_confidence``.
  ``adjacent`` alone is NOT read-through: FGFR3--TACC3 (a real tandem-duplication fusion) carries it.
- A file may list one gene pair on several rows (one per junction); all rows are returned.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Fusion
from .base import ReadResult
from .caller_table import CallerTable, Point, Row, first_candidate, fusion_from_row, read_caller_table, whole_number

__all__ = ["read_fusioncatcher"]

FORMAT = "fusioncatcher"
LABEL = "FusionCatcher final-list_candidate-fusion-genes.txt"

GENE5 = "Gene_1_symbol(5end_fusion_partner)"
GENE3 = "Gene_2_symbol(3end_fusion_partner)"
ID5 = "Gene_1_id(5end_fusion_partner)"
ID3 = "Gene_2_id(3end_fusion_partner)"
POINT5 = "Fusion_point_for_gene_1(5end_fusion_partner)"
POINT3 = "Fusion_point_for_gene_2(3end_fusion_partner)"
PAIRS = "Spanning_pairs"
UNIQUE = "Spanning_unique_reads"
DESCRIPTION = "Fusion_description"
REQUIRED = (GENE5, GENE3, DESCRIPTION, PAIRS, UNIQUE, POINT5, POINT3)
TABLE = CallerTable(
    FORMAT,
    LABEL,
    REQUIRED,
    breakpoints=(Point((POINT5,), "5' fusion point"), Point((POINT3,), "3' fusion point")),
    reads=(PAIRS, UNIQUE),
)

# Fusion_description labels (FusionCatcher manual, "Fusion_description" label table) -> leuk-annot flag.
# Flagged fusions are shown but never define a subtype.
_FLAG_OF_LABEL = {
    "readthrough": "read-through",  # known read-through transcripts of neighbouring genes
    "conjoing": "read-through",  # in the ConjoinG database of conjoined (read-through) genes
    "banned": "banned",  # FusionCatcher's list of fusions seen in healthy samples / known false positives
    "healthy": "healthy-background",  # seen in healthy tissue (Babiceanu et al. / Illumina BodyMap2 ...)
    "non_cancer_tissues": "healthy-background",
    "non_tumor_cells": "healthy-background",
    "1000genomes": "healthy-background",
    "bodymap2": "healthy-background",
    "hpa": "healthy-background",
    "gtex": "healthy-background",
    "paralogs": "paralog",  # partners are paralogs: mismapping risk
    "pseudogene": "paralog",
    "similar_reads": "ambiguous",  # reads map almost as well elsewhere
    "ambiguous": "ambiguous",
    "short_repeats": "ambiguous",
    "rrna": "artefact",
    "trna": "artefact",
    "mt": "artefact",
}

# Support level from FusionCatcher's own counts (leuk-annot thresholds, stated here so they can be
# reviewed): both kinds of evidence at >= 3 -> high; a junction read and a pair -> medium; else low.
# Any flag above caps the level at low.
_HIGH_MIN = 3


def _support_level(pairs: int | None, unique: int | None, flags: tuple[str, ...]) -> str:
    if pairs is None or unique is None:
        return "unknown"
    if any(flag != "intergenic" for flag in flags):
        return "low"
    if pairs >= _HIGH_MIN and unique >= _HIGH_MIN:
        return "high"
    if pairs >= 1 and unique >= 1:
        return "medium"
    return "low"


def read_fusioncatcher(path: Path) -> ReadResult:
    """Read a FusionCatcher final list; rows keep FusionCatcher's 5'/3' order."""
    return read_caller_table(path, TABLE, _row_to_fusion)


def _partner(row: Row, symbol_column: str, id_column: str) -> tuple[str | None, bool]:
    symbol = row.get(symbol_column) or row.get(id_column)
    if symbol is None:
        return None, False
    return first_candidate(symbol)


def _row_to_fusion(row: Row) -> Fusion | None:
    gene5, many5 = _partner(row, GENE5, ID5)
    gene3, many3 = _partner(row, GENE3, ID3)
    if gene5 is None or gene3 is None:
        end = "5'" if gene5 is None else "3'"
        row.warn(f"empty {end} partner (no symbol and no gene id); row skipped")
        return None
    labels = [label.strip() for label in (row.get(DESCRIPTION) or "").split(",") if label.strip()]
    flags = []
    if many5 or many3:
        flags.append("intergenic")
    for label in labels:
        flag = _FLAG_OF_LABEL.get(label.lower())
        if flag is not None and flag not in flags:
            flags.append(flag)
    pairs, unique = whole_number(row, PAIRS), whole_number(row, UNIQUE)
    total = None if pairs is None or unique is None else pairs + unique  # like read_total, counts reused
    return fusion_from_row(
        row,
        TABLE,
        gene5,
        gene3,
        supporting_reads=total,
        support_level=_support_level(pairs, unique, tuple(flags)),
        caller_confidence=",".join(labels) or None,
        flags=flags,
    )
