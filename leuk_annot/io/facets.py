"""FACETS segment table, ``cncf`` (format ``"facets"``).

Format (tab-separated, one header line, written from R's ``fit$cncf``; source: mskcc/facets
vignette and the real HCC2218 ``facets_cncf.tsv`` from ``pdiakumis/pebbles``):

``chrom  seg  num.mark  nhet  cnlr.median  mafR  segclust  cnlr.median.clust  mafR.clust  start  end
cf.em  tcn.em  lcn.em``  (``cf``/``tcn``/``lcn`` without ``.em`` also occur; some wrappers write
``loc.start``/``loc.end`` instead of ``start``/``end``).

- ``chrom`` is numeric: ``23`` is X and ``24`` is Y (FACETS numbers the sex chromosomes).
- 1-based closed coordinates (positions of the first and last SNP of the segment).
- ``cnlr.median`` -> ``log2`` (FACETS' copy-number log-ratio is log2), ``tcn.em`` ->
  ``copy_number``, ``lcn.em`` -> ``minor_copy_number``, ``num.mark`` -> ``probes``. ``NA`` means
  unknown (``lcn.em`` is ``NA`` where the minor copy number cannot be estimated). The EM columns
  are preferred; ``tcn``/``lcn`` (cncf from ``emcncf`` not run) are used when they are absent.
- A non-numeric value in those columns is a located warning and the row is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .base import ReadResult
from .cnv_table import Row, SegmentTable, read_segment_table

__all__ = ["read_facets"]

FORMAT = "facets"
LABEL = "FACETS cncf table"
COLUMNS = {
    "chrom": ("chrom",),
    "start": ("start", "loc.start"),
    "end": ("end", "loc.end"),
    "log2": ("cnlr.median",),
    "tcn": ("tcn.em", "tcn"),
    "lcn": ("lcn.em", "lcn"),
    "marks": ("num.mark",),
}
REQUIRED = ("chrom", "start", "end", "log2", "tcn")
_SEX_CHROMOSOMES = {"23": "X", "24": "Y"}


def _sex_chromosome(row: Row, values: Mapping[str, float | None], segment: dict) -> dict:
    """FACETS numbers X and Y as 23 and 24."""
    chrom = segment["chrom"]
    segment["chrom"] = _SEX_CHROMOSOMES.get(chrom, chrom) if chrom is not None else None
    return segment


TABLE = SegmentTable(
    FORMAT,
    LABEL,
    COLUMNS,
    REQUIRED,
    fields={"log2": "log2", "copy_number": "tcn", "minor_copy_number": "lcn", "probes": "marks"},
    derive=_sex_chromosome,
)


def read_facets(path: Path) -> ReadResult:
    """Read a FACETS cncf table; chromosome 23/24 become X/Y."""
    return read_segment_table(path, TABLE)
