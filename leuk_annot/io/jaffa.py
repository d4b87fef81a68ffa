"""JAFFA ``jaffa_results.csv`` (format ``"jaffa"``).

Format (comma-separated, fields quoted or not, read with the ``csv`` module; source: JAFFA wiki
https://github.com/Oshlack/JAFFA/wiki "Output", and real outputs of JAFFA hybrid/direct modes):

``sample, fusion genes, chrom1, base1, [strand1], chrom2, base2, [strand2], gap (kb), spanning pairs,
spanning reads, inframe, aligns, rearrangement, contig, contig break, classification, known``

- ``fusion genes``: ``5GENE:3GENE`` (one ``:``; JAFFA orders the partners 5' -> 3'). Symbols such
  as ``RP11-353N4.1`` keep their hyphens. ``,``-separated candidates keep the first, flagged
  ``intergenic``.
- ``chrom1:base1`` / ``chrom2:base2``: 5' and 3' breakpoints, 1-based (``chr`` prefix dropped).
  The strand columns appear only in newer versions and are not needed.
- ``supporting_reads`` = ``spanning pairs`` + ``spanning reads`` (``-`` in a column counts as
  unknown; if both are unknown the total is ``None``).
- ``classification`` -> ``support_level`` via ``_LEVEL_OF_CLASS``; the word is kept as
  ``caller_confidence``. ``PotentialTransSplicing`` (JAFFA's class for neighbouring-gene junctions
  at exon boundaries) is low and flagged ``read-through``.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Fusion
from .base import ReadResult
from .caller_table import (
    CallerTable,
    Point,
    Row,
    first_candidate,
    fusion_from_row,
    read_caller_table,
    split_fusion_name,
    whole_number,
)

__all__ = ["read_jaffa"]

FORMAT = "jaffa"
LABEL = "JAFFA jaffa_results.csv"
REQUIRED = ("fusion genes", "chrom1", "base1", "chrom2", "base2", "spanning pairs", "spanning reads", "classification")

# JAFFA wiki, "Output": candidates are ranked HighConfidence > MediumConfidence > LowConfidence;
# PotentialTransSplicing marks junctions between neighbouring genes.
_LEVEL_OF_CLASS = {
    "highconfidence": "high",
    "mediumconfidence": "medium",
    "lowconfidence": "low",
    "potentialtranssplicing": "low",
}
_FLAG_OF_CLASS = {"potentialtranssplicing": "read-through"}

TABLE = CallerTable(
    FORMAT,
    LABEL,
    REQUIRED,
    breakpoints=(Point(("chrom1", "base1"), "5' breakpoint"), Point(("chrom2", "base2"), "3' breakpoint")),
    reads=("spanning pairs", "spanning reads"),
    delimiter=",",
    sample_column="sample",
)


def read_jaffa(path: Path) -> ReadResult:
    """Read JAFFA results (quoted or unquoted CSV)."""
    return read_caller_table(path, TABLE, _row_to_fusion)


def _row_to_fusion(row: Row) -> Fusion | None:
    text = row.get("fusion genes")
    if text is None:
        row.warn("empty 'fusion genes'; row skipped")
        return None
    genes = split_fusion_name(row, text)
    if genes is None:
        return None
    (gene5, many5), (gene3, many3) = first_candidate(genes[0]), first_candidate(genes[1])
    word = row.get("classification")
    key = (word or "").lower()
    flags = [flag for flag in ("intergenic" if many5 or many3 else None, _FLAG_OF_CLASS.get(key)) if flag]
    pairs, reads = whole_number(row, "spanning pairs"), whole_number(row, "spanning reads")
    return fusion_from_row(
        row,
        TABLE,
        gene5,
        gene3,
        supporting_reads=None if pairs is None and reads is None else (pairs or 0) + (reads or 0),
        support_level=_LEVEL_OF_CLASS.get(key, "unknown"),
        caller_confidence=word,
        flags=flags,
    )
