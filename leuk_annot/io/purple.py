"""PURPLE somatic copy-number segments, ``*.purple.cnv.somatic.tsv`` / older ``*.purple.cnv`` (format ``"purple"``).

Format (tab-separated, one header line; source: hartwigmedical/hmftools PURPLE README "Copy Number
file", and the real HCC2218 ``.purple.cnv`` from ``pdiakumis/pebbles``):

``chromosome  start  end  copyNumber  bafCount  observedBAF  baf  segmentStartSupport
segmentEndSupport  method  depthWindowCount  gcContent  minStart  maxStart  minorAlleleCopyNumber
majorAlleleCopyNumber``

- Older versions write ``#chromosome`` and ``actualBAF`` and have no allele copy numbers; the ``#``
  is ignored. Segments tile each chromosome: 1-based closed (``1 .. 36946000``, ``36946001 ..``).
- ``copyNumber`` -> ``copy_number`` (purity- and ploidy-adjusted, fractional; slightly negative
  values occur and are kept as PURPLE wrote them). ``minorAlleleCopyNumber`` ->
  ``minor_copy_number`` when present (not derived from BAF when absent). PURPLE gives no log2
  ratio and no sample column.
- A non-numeric ``copyNumber`` is a located warning and the row is skipped.
"""

from __future__ import annotations

from pathlib import Path

from .base import ReadResult
from .cnv_table import SegmentTable, read_segment_table

__all__ = ["read_purple"]

FORMAT = "purple"
LABEL = "PURPLE .cnv.somatic.tsv file"
COLUMNS = {
    "chrom": ("chromosome",),
    "start": ("start",),
    "end": ("end",),
    "cn": ("copyNumber",),
    "minor": ("minorAlleleCopyNumber",),
}
REQUIRED = ("chrom", "start", "end", "cn")
TABLE = SegmentTable(FORMAT, LABEL, COLUMNS, REQUIRED, fields={"copy_number": "cn", "minor_copy_number": "minor"})


def read_purple(path: Path) -> ReadResult:
    """Read PURPLE somatic copy-number segments (1-based)."""
    return read_segment_table(path, TABLE)
