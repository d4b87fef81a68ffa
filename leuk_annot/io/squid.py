"""SQUID transcriptomic SVs annotated by ``AnnotateSQUIDOutput.py`` (format ``"squid"``).

Format (tab-separated BEDPE-like, header ``# chrom1 start1 end1 chrom2 start2 end2 name score
strand1 strand2 Type FusedGenes``). Sources: ``Kingsford-Group/squid`` ``README.md`` (OUTPUT
SPECIFICATION) and ``utils/AnnotateSQUIDOutput.py``.

- ``FusedGenes``: ``5GENE:3GENE`` (the annotation script writes "5' gene to be the first"); several
  candidate pairs are ``,``-joined (``BRD4:NUTM1,BRD4-1:NUTM1``): the first pair is kept and
  flagged ``intergenic``. ``.`` (no gene pair) -> warning, row skipped.
- ``Type``: ``fusion-gene`` when the segment strands fit a 5'->3' gene pair; anything else is
  flagged ``not-fusion-gene``.
- ``score``: SQUID's edge weight, "weighted number of reads supporting this TSV" ->
  ``supporting_reads`` (rounded to a whole number). SQUID gives no confidence: level ``unknown``.
- Coordinates: the README says all positions are 0-based; segments are BED-style half-open, and the
  junction is ``end`` when the segment strand is ``+`` and ``start`` when it is ``-``. On the
  fusion-report demo this gives 1-based junctions ``end`` / ``start + 1`` that match the other
  callers exactly (FGFR3 4:1806934, TACC3 4:1727977, TMPRSS2 21:41494375).
  BUT the row does not say which segment belongs to which gene: segments are sorted by
  chromosome name, not by 5'/3', and the 5' gene is the one whose own strand equals its segment
  strand, which needs a gene annotation. Rather than guess, ``breakpoint5``/``breakpoint3`` are
  ``None``; ``junctions(row)`` gives the two 1-based junctions in file order for a later step that
  has gene coordinates.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Fusion
from .base import ReadResult
from .caller_table import CallerTable, Row, breakpoint, fusion_from_row, read_caller_table, split_fusion_name

__all__ = ["read_squid", "junctions"]

FORMAT = "squid"
LABEL = "SQUID annotated _sv.txt (AnnotateSQUIDOutput.py)"
REQUIRED = ("chrom1", "start1", "end1", "chrom2", "start2", "end2", "score", "strand1", "strand2", "Type", "FusedGenes")
TABLE = CallerTable(FORMAT, LABEL, REQUIRED)  # breakpoints are not assigned to genes (module doc)


def read_squid(path: Path) -> ReadResult:
    """Read annotated SQUID calls: gene pairs and read weights; breakpoints left unassigned (see module doc)."""
    return read_caller_table(path, TABLE, _row_to_fusion)


def junctions(row: Row) -> tuple[str | None, str | None]:
    """The two 1-based junction positions (segment 1, segment 2), in file order, not 5'/3' order."""
    points = []
    for end in ("1", "2"):
        strand = row.strand(f"strand{end}")
        start, stop = row.get(f"start{end}"), row.get(f"end{end}")
        if strand == "+" and stop is not None:
            position = stop  # half-open end == 1-based last retained base
        elif strand == "-" and start is not None and start.isdigit():
            position = str(int(start) + 1)  # 0-based start -> 1-based
        else:
            points.append(None)
            continue
        points.append(breakpoint(row, row.get(f"chrom{end}"), position, f"junction of segment {end}"))
    return points[0], points[1]


def _row_to_fusion(row: Row) -> Fusion | None:
    pairs = [pair.strip() for pair in (row.get("FusedGenes") or "").split(",") if pair.strip()]
    if not pairs:
        row.warn(f"no gene pair in FusedGenes (Type {row.get('Type')!r}); row skipped")
        return None
    genes = split_fusion_name(row, pairs[0])
    if genes is None:
        return None
    flags = []
    if len(pairs) > 1:
        flags.append("intergenic")
    if (row.get("Type") or "").lower() != "fusion-gene":
        flags.append("not-fusion-gene")
    return fusion_from_row(row, TABLE, genes[0], genes[1], supporting_reads=_weight(row), flags=flags)


def _weight(row: Row) -> int | None:
    value = row.get("score")
    if value is None:
        return None
    try:
        weight = float(value)
    except ValueError:
        weight = -1.0
    if weight < 0:
        row.warn(f"score {value!r} is not a non-negative read weight; left unknown")
        return None
    return round(weight)
