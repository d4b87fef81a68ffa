"""PCGR allele-specific copy-number input, ``*.cna.tsv`` (format ``"pcgr-cna"``).

Format (tab-separated, one header line; source: ``sigven/pcgr:pcgrr/vignettes/input.Rmd`` and
``examples/T001-BRCA.grch3{7,8}.cna.tsv``):

``Chromosome  Start  End  nMajor  nMinor``

- 1-based closed coordinates; ``chr`` prefixes are accepted and dropped.
- Integer allele-specific copy numbers: ``copy_number = nMajor + nMinor``,
  ``minor_copy_number = min(nMajor, nMinor)``. No log2 ratio, no sample column.
- A non-numeric ``nMajor``/``nMinor`` is a located warning and the row is skipped; a row with only
  one of the two is skipped with a warning too (a total from one allele would understate).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .base import ReadResult
from .cnv_table import Row, SegmentTable, read_segment_table

__all__ = ["read_pcgr_cna"]

FORMAT = "pcgr-cna"
LABEL = "PCGR copy-number file"
COLUMNS = {
    "chrom": ("Chromosome",),
    "start": ("Start",),
    "end": ("End",),
    "major": ("nMajor",),
    "minor": ("nMinor",),
}
REQUIRED = ("chrom", "start", "end", "major", "minor")


def _allele_sum(row: Row, values: Mapping[str, float | None], segment: dict) -> dict | None:
    """copy_number = nMajor + nMinor and minor = min of the two; both are needed."""
    major, minor = values["major"], values["minor"]
    if major is None or minor is None:
        row.warn("nMajor or nMinor is missing; row skipped")
        return None
    return {**segment, "copy_number": major + minor, "minor_copy_number": min(major, minor)}


TABLE = SegmentTable(FORMAT, LABEL, COLUMNS, REQUIRED, fields={}, numbers=("major", "minor"), derive=_allele_sum)


def read_pcgr_cna(path: Path) -> ReadResult:
    """Read PCGR allele-specific segments; total copy number is nMajor + nMinor."""
    return read_segment_table(path, TABLE)
