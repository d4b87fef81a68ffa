"""pizzly flattened fusion table (``flatten_json.py`` output; format ``"pizzly"``).

Format (tab-separated, one header line; source: ``pmelsted/pizzly`` ``scripts/flatten_json.py`` and
the ``Clinical-Genomics/fusion-report`` test file):

``geneA.name geneA.id geneB.name geneB.id paircount splitcount transcripts.list``

- ``geneA.name``/``geneB.name``: 5' and 3' partners (pizzly's ``geneA`` is the 5' gene); an empty
  name falls back to the Ensembl id (version suffix kept; ``normalize`` strips it).
- pizzly works on the transcriptome (kallisto pseudoalignment): there are NO genomic breakpoints,
  so ``breakpoint5``/``breakpoint3`` are always ``None``.
- ``supporting_reads`` = ``paircount`` (pairs with mates in the two genes) + ``splitcount`` (reads
  split across the junction).
- pizzly gives no confidence class and no filter labels: ``support_level`` is ``"unknown"``.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Fusion
from .base import ReadResult
from .caller_table import Row, read_rows, read_total

__all__ = ["read_pizzly"]

FORMAT = "pizzly"
LABEL = "pizzly fusion table (flatten_json.py)"
REQUIRED = ("geneA.name", "geneA.id", "geneB.name", "geneB.id", "paircount", "splitcount")


def read_pizzly(path: Path) -> ReadResult:
    """Read a flattened pizzly table (gene pairs and read counts; no breakpoints)."""
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


def _row_to_fusion(row: Row) -> Fusion | None:
    gene5 = row.get("geneA.name") or row.get("geneA.id")
    gene3 = row.get("geneB.name") or row.get("geneB.id")
    if gene5 is None or gene3 is None:
        row.warn(f"empty {'geneA' if gene5 is None else 'geneB'} name and id; row skipped")
        return None
    total = read_total(row, "paircount", "splitcount")
    return Fusion(gene5=gene5, gene3=gene3, caller=FORMAT, source=row.source, supporting_reads=total)
