"""CICERO ``CICERO_DATADIR/<sample>/final_fusions.txt`` (format ``"cicero"``).

Format (tab-separated, one header line). Source: the header and scoring written by
``stjude/CICERO`` ``src/bin/rank_SVs.pl`` (commit 74f1840f9bae; the README only names the file):

``sample geneA chrA posA ortA featureA geneB chrB posB ortB featureB sv_ort readsA readsB matchA
matchB repeatA repeatB coverageA coverageB ratioA ratioB qposA qposB total_readsA total_readsB contig
type score rating medal functional effect frame sv_refseqA ... sv_general_info sv_interstitial_AA
sv_frame_index``

- ``geneA``/``geneB``: 5' and 3' partners. A cell may list candidates (``GENE1,GENE2`` when the
  breakpoint lies in overlapping genes or between genes): the first is kept, flag ``intergenic``.
- ``chrA:posA`` / ``chrB:posB``: 1-based (BLAT-mapped contig ends; ``chr`` dropped). CICERO runs only
  on GRCh37-lite or GRCh38_no_alt.
- ``sv_ort``: ``>`` when CICERO is confident geneA is 5' of geneB, ``?`` when the transcript
  orientation could not be decided -> flag ``orientation-unknown`` (pair kept in file order).
- ``supporting_reads`` = ``readsA`` + ``readsB`` (soft-clipped reads at each breakpoint; CICERO's own
  minimum-read filter sums the two the same way).
- ``rating``: ``HQ`` high quality, ``LQ`` low quality, ``RT`` read-through, ``bad`` (filtered);
  ``medal`` 0-4 (4 = known fusion, 3 = both partners known fusion genes, ...). Both are kept as
  ``caller_confidence`` ``"HQ;medal=4"``; ``type`` ``read_through`` or rating ``RT`` -> flag
  ``read-through``.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Fusion
from .base import ReadResult
from .caller_table import CallerTable, Point, Row, first_candidate, fusion_from_row, read_caller_table

__all__ = ["read_cicero"]

FORMAT = "cicero"
LABEL = "CICERO final_fusions.txt"
REQUIRED = ("geneA", "chrA", "posA", "geneB", "chrB", "posB", "readsA", "readsB", "type", "rating")

# rank_SVs.pl: rating HQ is given to known fusions (medal 4) and top-scoring in-frame events, LQ to
# the rest that pass, RT to read-throughs; "bad" events fail its read/repeat/score filters.
_LEVEL_OF_RATING = {"HQ": "high", "LQ": "low", "RT": "low", "BAD": "low"}

TABLE = CallerTable(
    FORMAT,
    LABEL,
    REQUIRED,
    breakpoints=(Point(("chrA", "posA"), "5' breakpoint (posA)"), Point(("chrB", "posB"), "3' breakpoint (posB)")),
    reads=("readsA", "readsB"),
    sample_column="sample",
)


def read_cicero(path: Path) -> ReadResult:
    """Read CICERO final fusions; multi-gene cells keep the first gene, flagged ``intergenic``."""
    return read_caller_table(path, TABLE, _row_to_fusion)


def _row_to_fusion(row: Row) -> Fusion | None:
    genes = []
    for column in ("geneA", "geneB"):
        value = row.get(column)
        if value is None:
            row.warn(f"empty {column}; row skipped")
            return None
        genes.append(first_candidate(value))
    (gene5, many5), (gene3, many3) = genes
    rating = row.get("rating")
    medal = row.get("medal")
    flags = []
    if many5 or many3:
        flags.append("intergenic")
    if (row.get("type") or "").lower() == "read_through" or (rating or "").upper() == "RT":
        flags.append("read-through")
    if (row.cells.get("sv_ort") or "").strip() == "?":
        flags.append("orientation-unknown")
    confidence = ";".join(part for part in (rating, None if medal is None else f"medal={medal}") if part)
    return fusion_from_row(
        row,
        TABLE,
        gene5,
        gene3,
        support_level=_LEVEL_OF_RATING.get((rating or "").upper(), "unknown"),
        caller_confidence=confidence or None,
        flags=flags,
    )
