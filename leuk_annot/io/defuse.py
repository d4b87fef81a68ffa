"""deFuse ``results.tsv`` / ``results.filtered.tsv`` (format ``"defuse"``).

Format (tab-separated, one header line, ~65 columns; source: deFuse output documentation,
``amcpherson/defuse`` README / nFuse manual field list, and deFuse's ``annotate_fusions.pl``):

- ``gene_name1`` / ``gene_name2``: HGNC-style names (``gene1``/``gene2`` hold Ensembl ids and are
  used only when a name is empty).
- ``gene_chromosome1:genomic_break_pos1`` / ``gene_chromosome2:genomic_break_pos2``: breakpoints,
  1-based, Ensembl chromosome names.
- ``span_count`` (spanning read pairs) + ``splitr_count`` (split reads) = ``supporting_reads``.
- ``probability``: deFuse's classifier probability -> ``support_level`` (``_support_level``).
- ``read_through`` = Y or ``altsplice`` = Y (deFuse: "fusion likely the product of alternative
  splicing between adjacent genes") -> flag ``read-through``. ``adjacent``/``deletion`` alone are
  not flags (real intrachromosomal fusions such as STIL::TAL1 are adjacent deletions).

Which gene is 5'? deFuse numbers the genes 1/2 without a 5'->3' order. ``gene_align_strand`` is
"+" when the retained sequence lies upstream of the breakpoint *in the gene's own direction*
(deFuse sets it to "+" when ``genomic_strand`` equals ``gene_strand``, and ``genomic_strand`` is
documented as "retained sequence upstream on this strand, breakpoint is downstream"). A gene that
keeps its upstream part is the 5' partner; one that keeps its downstream part is the 3' partner.
So ``(+, -)`` keeps file order, ``(-, +)`` swaps, and anything else (``(+, +)``, ``(-, -)`` or
missing columns, after trying ``gene_strand`` vs ``genomic_strand``) keeps file order and adds
the flag ``orientation-unknown``. For K562: BCR ``+`` / ABL1 ``-`` -> BCR::ABL1.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Fusion
from .base import ReadResult
from .caller_table import CallerTable, Point, Row, decimal, fusion_from_row, read_caller_table, score_level

__all__ = ["read_defuse"]

FORMAT = "defuse"
LABEL = "deFuse results.tsv"
REQUIRED = (
    "gene_name1",
    "gene_name2",
    "gene_chromosome1",
    "gene_chromosome2",
    "genomic_break_pos1",
    "genomic_break_pos2",
    "span_count",
    "splitr_count",
    "probability",
)

# deFuse's default filter keeps probability > 0.5 (README "filtering": results.filtered.tsv); leuk-annot
# calls >= 0.9 high. Flagged or orientation-unknown rows are capped at low.
_HIGH_PROBABILITY = 0.9
_FILTER_PROBABILITY = 0.5

TABLE = CallerTable(
    FORMAT,
    LABEL,
    REQUIRED,
    breakpoints=(  # of gene 1 and gene 2: put in 5'/3' order row by row (see the module doc)
        Point(("gene_chromosome1", "genomic_break_pos1"), "breakpoint of gene 1"),
        Point(("gene_chromosome2", "genomic_break_pos2"), "breakpoint of gene 2"),
    ),
    reads=("span_count", "splitr_count"),
)


def read_defuse(path: Path) -> ReadResult:
    """Read deFuse results, ordering each pair 5'->3' from deFuse's own strand columns."""
    return read_caller_table(path, TABLE, _row_to_fusion)


def _align_strand(row: Row, end: str) -> str | None:
    """'+' = this gene keeps its upstream (5') part; '-' = its downstream (3') part; None = unknown."""
    strand = row.strand(f"gene_align_strand{end}")
    if strand is not None:
        return strand
    gene, genomic = row.strand(f"gene_strand{end}"), row.strand(f"genomic_strand{end}")
    if gene is not None and genomic is not None:
        return "+" if gene == genomic else "-"
    return None


def _row_to_fusion(row: Row) -> Fusion | None:
    ends = []
    for end, point in zip("12", TABLE.breakpoints or ()):
        gene = row.get(f"gene_name{end}") or row.get(f"gene{end}")
        if gene is None:
            row.warn(f"empty gene_name{end} and gene{end}; row skipped")
            return None
        ends.append((gene, point.read(row)))
    flags = []
    if "Y" in (row.get("read_through"), row.get("altsplice")):
        flags.append("read-through")
    orientation = (_align_strand(row, "1"), _align_strand(row, "2"))
    if orientation == ("-", "+"):
        ends.reverse()
    elif orientation != ("+", "-"):
        flags.append("orientation-unknown")
    probability = decimal(row, "probability", between=(0.0, 1.0))
    return fusion_from_row(
        row,
        TABLE,
        ends[0][0],
        ends[1][0],
        breakpoints=(ends[0][1], ends[1][1]),
        support_level=score_level(probability, flags, high=_HIGH_PROBABILITY, low_below=_FILTER_PROBABILITY),
        caller_confidence=None if probability is None else f"probability={probability:.3f}",
        flags=flags,
    )
