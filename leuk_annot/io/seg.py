"""SEG segment files: GATK ModelSegments/CallCopyRatioSegments (``"gatk-seg"``) and generic DNAcopy/IGV SEG (``"seg"``).

GATK ``*.cr.seg``, ``*.called.seg``, ``*.modelFinal.seg`` (source: ``broadinstitute/gatk``
``.../copynumber/formats/collections/CalledCopyRatioSegmentCollection.java`` and siblings):

- SAM-style header lines first: ``@HD VN:..``, one ``@SQ SN:<contig> LN:<length>`` per contig,
  ``@RG ID:.. SM:<sample>``. ``@SQ`` lengths decide the genome build (GRC primary-assembly lengths,
  ``genome.build_from_contig_lengths``); ``@RG SM`` gives the sample.
- Then ``CONTIG START END NUM_POINTS_COPY_RATIO MEAN_LOG2_COPY_RATIO [CALL]`` (``CALL`` is ``+``,
  ``-`` or ``0`` and is not kept). ``modelFinal.seg`` has ``LOG2_COPY_RATIO_POSTERIOR_10/50/90``
  instead of the mean: the posterior median (``_50``) is read as ``log2``. ``*.denoisedCR.tsv``
  (bins: ``CONTIG START END LOG2_COPY_RATIO``, same header) is read bin by bin, like a CNVkit ``.cnr``.
- 1-based closed coordinates; ``NaN`` means unknown.

Generic SEG (DNAcopy ``segment()`` output written by R, IGV ``.seg``; source: IGV "SEG" file
format page and ``etal/cnvkit:doc/fileformats.rst``):

``ID  chrom  loc.start  loc.end  [num.mark]  seg.mean``

- Column names are not enforced, so columns are found by position: sample, chromosome, start, end
  are the first four; the value is a column named like ``seg.mean``/``Segment_Mean``/``log2``, else
  the last column; the marker count is a column named like ``num.mark``/``Num_Probes``, else the
  fifth of six. GATK's ``*.called.igv.seg`` (``Sample Chromosome Start End Num_Probes Call
  Segment_Mean``) reads the same way.
- ``seg.mean`` is a log2 ratio (DNAcopy's input is log2 ratios). 1-based closed coordinates.
  R may quote names (``"ID"``) and write positions as ``1e+05``; both are accepted.
- A header line is expected; a file whose first line already has numeric positions is read as
  headerless. ``#`` lines (IGV ``#track``) are skipped.
- Several samples in one file: every segment keeps its sample, and one warning says so (the
  interpreter must pick one).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputFormatError
from ..genome import CONTIG_LENGTHS, build_from_contig_lengths, normalize_chrom
from .base import ReadResult
from .cells import is_number
from .cnv_table import SegmentTable, Table, collect_segments, column_key, open_table

__all__ = ["read_gatk_seg", "read_seg"]

GATK_LABEL = "GATK copy-ratio .seg file"
GATK_COLUMNS = {
    "chrom": ("CONTIG",),
    "start": ("START",),
    "end": ("END",),
    "log2": ("MEAN_LOG2_COPY_RATIO", "LOG2_COPY_RATIO_POSTERIOR_50", "LOG2_COPY_RATIO"),
    "probes": ("NUM_POINTS_COPY_RATIO",),
}
GATK_REQUIRED = ("chrom", "start", "end", "log2")
GATK_TABLE = SegmentTable(
    "gatk-seg", GATK_LABEL, GATK_COLUMNS, GATK_REQUIRED, fields={"log2": "log2", "probes": "probes"}
)

SEG_LABEL = "SEG file (ID chrom loc.start loc.end [num.mark] seg.mean)"
_VALUE_NAMES = ("seg.mean", "segment_mean", "segmean", "log2", "log2ratio", "log2_ratio", "mean")
_MARK_NAMES = ("num.mark", "num_probes", "num_markers", "num.markers", "probes", "markers", "num_mark")
SEG_TABLE = SegmentTable(
    "seg",
    SEG_LABEL,
    {},  # columns are found by position (``_seg_columns``)
    ("sample", "chrom", "start", "end", "log2"),
    fields={"log2": "log2", "probes": "probes", "sample": "sample"},
)


def read_gatk_seg(path: Path) -> ReadResult:
    """Read a GATK ModelSegments/CallCopyRatioSegments ``.seg``; build from ``@SQ``, sample from ``@RG SM``."""
    path = Path(path)
    table = open_table(path, GATK_LABEL)
    columns = table.resolve(GATK_COLUMNS, GATK_REQUIRED)
    sample, lengths = _sam_header(table.meta)
    build, evidence = _build_of(lengths)
    sink = collect_segments(path, GATK_TABLE, table.header, table.rows, columns, sample=sample)
    return sink.result("gatk-seg", sample=sample, genome_build=build, build_evidence=evidence)


def _sam_header(meta: list[str]) -> tuple[str | None, dict[str, int]]:
    sample = None
    lengths: dict[str, int] = {}
    for text in meta:
        tags = dict(part.split(":", 1) for part in text.split("\t")[1:] if ":" in part)
        if text.startswith("@SQ") and tags.get("SN") and tags.get("LN", "").isdigit():
            lengths[tags["SN"]] = int(tags["LN"])
        elif text.startswith("@RG") and tags.get("SM") and sample is None:
            sample = tags["SM"]
    return sample, lengths


def _build_of(lengths: dict[str, int]) -> tuple[str | None, str | None]:
    build = build_from_contig_lengths(lengths)
    if build is None:
        return None, None
    for name, length in lengths.items():
        if CONTIG_LENGTHS[build].get(normalize_chrom(name)) == length:
            return build, f"@SQ LN of {name} = {length} ({build})"
    return build, f"@SQ lengths ({build})"  # pragma: no cover - a decided build always has a matching contig


def read_seg(path: Path) -> ReadResult:
    """Read a generic DNAcopy/IGV SEG file, finding columns by position (names are not enforced)."""
    path = Path(path)
    table = open_table(path, SEG_LABEL)
    header, rows = _seg_layout(table)
    columns = _seg_columns(table, header)
    return collect_segments(path, SEG_TABLE, header, rows, columns).result("seg")


def _seg_layout(table: Table):
    """(header names, rows): a first line with numeric positions is data, not a header."""
    first = table.header
    if len(first) >= 4 and is_number(first[2]) and is_number(first[3]):
        names = [f"column {i + 1}" for i in range(len(first))]

        def rows():
            yield table.header_line, first
            yield from table.rows

        return names, rows()
    return first, table.rows


def _seg_columns(table: Table, header: list[str]) -> dict[str, int]:
    if len(header) < 5:
        raise InputFormatError(
            table.path,
            table.header_line,
            f"not a SEG file: {len(header)} columns ({', '.join(header)})",
            "a SEG file has at least 5 tab-separated columns: ID chrom loc.start loc.end [num.mark] seg.mean",
        )
    keys = [column_key(name) for name in header]
    columns = {"sample": 0, "chrom": 1, "start": 2, "end": 3}
    value = next((keys.index(column_key(n)) for n in _VALUE_NAMES if column_key(n) in keys), len(header) - 1)
    columns["log2"] = value
    mark = next((keys.index(column_key(n)) for n in _MARK_NAMES if column_key(n) in keys), None)
    if mark is None and len(header) == 6 and value == 5:
        mark = 4
    if mark is not None:
        columns["probes"] = mark
    return columns

