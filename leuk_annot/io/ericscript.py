"""EricScript ``<sample>.results.filtered.tsv`` / ``.results.total.tsv`` (format ``"ericscript"``).

Format (tab-separated, one header line; source: EricScript manual, "Output" section,
https://sites.google.com/site/bioericscript/ , and real outputs from the STAR-Fusion benchmark and
``Clinical-Genomics/fusion-report`` test data):

``GeneName1 GeneName2 chr1 Breakpoint1 strand1 chr2 Breakpoint2 strand2 EnsemblGene1 EnsemblGene2
crossingreads spanningreads mean.insertsize homology fusiontype InfoGene1 InfoGene2 JunctionSequence
GeneExpr1 GeneExpr2 GeneExpr_Fused ES GJS US EricScore``

- ``GeneName1``/``GeneName2``: 5' and 3' partners (EricScript reports the pair 5'->3'); an empty
  name falls back to ``EnsemblGene1``/``EnsemblGene2``.
- ``chr1:Breakpoint1`` / ``chr2:Breakpoint2``: 1-based junction positions. EricScript writes
  ``Unable to predict breakpoint position`` when it has none: warned, breakpoint ``None``.
- ``supporting_reads`` = ``crossingreads`` (pairs with one mate in each gene) + ``spanningreads``
  (reads across the junction).
- ``EricScore`` (0..1) -> ``support_level``; kept as ``caller_confidence`` ``EricScore=0.98``.
- ``fusiontype`` ``Read-Through`` -> flag ``read-through`` (EricScript's own call; note it also
  labels the true FGFR3--TACC3 tandem fusion so). ``Cis``/``intra-chromosomal`` are not flags.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Fusion
from .base import ReadResult
from .caller_table import CallerTable, Point, Row, decimal, fusion_from_row, read_caller_table, score_level

__all__ = ["read_ericscript"]

FORMAT = "ericscript"
LABEL = "EricScript results.tsv"
REQUIRED = ("GeneName1", "GeneName2", "chr1", "Breakpoint1", "chr2", "Breakpoint2", "crossingreads", "spanningreads")

# EricScript (Benelli et al., Bioinformatics 2012) ranks by EricScore; its authors suggest
# EricScore > 0.5 as the threshold for a reliable candidate. leuk-annot calls >= 0.9 high,
# >= 0.5 medium, lower or flagged low.
_HIGH_SCORE = 0.9
_MIN_SCORE = 0.5

TABLE = CallerTable(
    FORMAT,
    LABEL,
    REQUIRED,
    breakpoints=(Point(("chr1", "Breakpoint1"), "5' breakpoint"), Point(("chr2", "Breakpoint2"), "3' breakpoint")),
    reads=("crossingreads", "spanningreads"),
)


def read_ericscript(path: Path) -> ReadResult:
    """Read EricScript results in the caller's 5'->3' order."""
    return read_caller_table(path, TABLE, _row_to_fusion)


def _row_to_fusion(row: Row) -> Fusion | None:
    gene5 = row.get("GeneName1") or row.get("EnsemblGene1")
    gene3 = row.get("GeneName2") or row.get("EnsemblGene2")
    if gene5 is None or gene3 is None:
        row.warn(f"empty {'5' if gene5 is None else '3'}' partner; row skipped")
        return None
    flags = ("read-through",) if (row.get("fusiontype") or "").lower() == "read-through" else ()
    score = decimal(row, "EricScore")
    return fusion_from_row(
        row,
        TABLE,
        gene5,
        gene3,
        support_level=score_level(score, flags, high=_HIGH_SCORE, low_below=_MIN_SCORE),
        caller_confidence=None if score is None else f"EricScore={score:.3f}",
        flags=flags,
    )
