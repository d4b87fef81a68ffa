"""TitanCNA segment file, ``*.segs.txt`` (format ``"titan"``).

Format (tab-separated, one header line; source: gavinha/TitanCNA ``outputTitanSegments`` and the
real HCC2218 ``titan.segs.tsv`` from ``pdiakumis/pebbles``):

``Sample  Chromosome  Start_Position(bp)  End_Position(bp)  Length(snp)  Median_Ratio
[Median_HaplotypeRatio]  Median_logR  TITAN_state  TITAN_call  Copy_Number  MinorCN  MajorCN
Clonal_Cluster  Cellular_Prevalence`` (newer versions add ``Frac_Genome_Alt``,
``logR_Copy_Number``, ``Corrected_Copy_Number``, ``Corrected_Call``, ...).

- Names read back through R are mangled (``Start_Position.bp.``, ``Length.snp.``) and older scripts
  write ``Start_Position``/``Start``; all spellings are matched after dropping punctuation.
- 1-based closed coordinates (SNP positions).
- ``Median_logR`` -> ``log2`` (TitanCNA's read-depth log ratio is log2), ``Copy_Number`` ->
  ``copy_number`` (TITAN's integer state of the clone, not purity-corrected), ``MinorCN`` ->
  ``minor_copy_number``, ``Length(snp)`` -> ``probes``, ``Sample`` -> ``sample``.
- A non-numeric value in those columns is a located warning and the row is skipped.
"""

from __future__ import annotations

from pathlib import Path

from .base import ReadResult
from .cnv_table import SegmentTable, read_segment_table

__all__ = ["read_titan"]

FORMAT = "titan"
LABEL = "TitanCNA segs file"
COLUMNS = {
    "sample": ("Sample",),
    "chrom": ("Chromosome", "Chr"),
    "start": ("Start_Position(bp)", "Start_Position", "Start"),
    "end": ("End_Position(bp)", "End_Position", "End"),
    "log2": ("Median_logR",),
    "cn": ("Copy_Number",),
    "minor": ("MinorCN",),
    "snps": ("Length(snp)",),
}
REQUIRED = ("chrom", "start", "end", "log2", "cn")
TABLE = SegmentTable(
    FORMAT,
    LABEL,
    COLUMNS,
    REQUIRED,
    fields={"log2": "log2", "copy_number": "cn", "minor_copy_number": "minor", "probes": "snps", "sample": "sample"},
)


def read_titan(path: Path) -> ReadResult:
    """Read TitanCNA segments (1-based) with their copy number, minor copy number and log2 ratio."""
    return read_segment_table(path, TABLE)
