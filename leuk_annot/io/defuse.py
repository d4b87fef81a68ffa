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
from .caller_table import Row, breakpoint, read_rows, read_total

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


def _support_level(probability: float | None, flags: tuple[str, ...]) -> str:
    if probability is None:
        return "unknown"
    if flags or probability < _FILTER_PROBABILITY:
        return "low"
    return "high" if probability >= _HIGH_PROBABILITY else "medium"


def read_defuse(path: Path) -> ReadResult:
    """Read deFuse results, ordering each pair 5'->3' from deFuse's own strand columns."""
    path = Path(path)
    result = ReadResult(format=FORMAT)
    stats: dict[str, int] = {}
    for row in read_rows(path, label=LABEL, required=REQUIRED, warnings=result.warnings, stats=stats):
        fusion = _row_to_fusion(row)
        if fusion is None:
            stats["skipped"] += 1
        else:
            result.events.append(fusion)
    result.stats = {"rows": stats["rows"], "fusions": len(result.events), "skipped": stats["skipped"]}
    return result


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
    for end in ("1", "2"):
        gene = row.get(f"gene_name{end}") or row.get(f"gene{end}")
        if gene is None:
            row.warn(f"empty gene_name{end} and gene{end}; row skipped")
            return None
        point = breakpoint(
            row, row.get(f"gene_chromosome{end}"), row.get(f"genomic_break_pos{end}"), f"breakpoint of gene {end}"
        )
        ends.append((gene, point))
    flags = []
    if "Y" in (row.get("read_through"), row.get("altsplice")):
        flags.append("read-through")
    orientation = (_align_strand(row, "1"), _align_strand(row, "2"))
    if orientation == ("-", "+"):
        ends.reverse()
    elif orientation != ("+", "-"):
        flags.append("orientation-unknown")
    probability = _probability(row)
    return Fusion(
        gene5=ends[0][0],
        gene3=ends[1][0],
        caller=FORMAT,
        source=row.source,
        breakpoint5=ends[0][1],
        breakpoint3=ends[1][1],
        supporting_reads=read_total(row, "span_count", "splitr_count"),
        support_level=_support_level(probability, tuple(flags)),
        caller_confidence=None if probability is None else f"probability={probability:.3f}",
        flags=tuple(flags),
    )


def _probability(row: Row) -> float | None:
    value = row.get("probability")
    if value is None:
        return None
    try:
        probability = float(value)
    except ValueError:
        probability = -1.0
    if not 0.0 <= probability <= 1.0:
        row.warn(f"probability {value!r} is not a number between 0 and 1; left unknown")
        return None
    return probability
