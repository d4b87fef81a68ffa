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
from .caller_table import CallerTable, Row, fusion_from_row, read_caller_table

__all__ = ["read_pizzly"]

FORMAT = "pizzly"
LABEL = "pizzly fusion table (flatten_json.py)"
REQUIRED = ("geneA.name", "geneA.id", "geneB.name", "geneB.id", "paircount", "splitcount")
TABLE = CallerTable(FORMAT, LABEL, REQUIRED, reads=("paircount", "splitcount"))


def read_pizzly(path: Path) -> ReadResult:
    """Read a flattened pizzly table (gene pairs and read counts; no breakpoints)."""
    return read_caller_table(path, TABLE, _row_to_fusion)


def _row_to_fusion(row: Row) -> Fusion | None:
    gene5 = row.get("geneA.name") or row.get("geneA.id")
    gene3 = row.get("geneB.name") or row.get("geneB.id")
    if gene5 is None or gene3 is None:
        row.warn(f"empty {'geneA' if gene5 is None else 'geneB'} name and id; row skipped")
        return None
    return fusion_from_row(row, TABLE, gene5, gene3)
