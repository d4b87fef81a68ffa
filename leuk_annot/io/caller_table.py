"""Row and cell helpers shared by the native fusion-caller readers (one header, then one row per call).

Each caller module declares its columns and its own meaning of them (a ``CallerTable``: required
columns, breakpoint and read columns) plus a row -> Fusion function for what only it does; this
module does what they all do alike: find the header, refuse a wrong one with the columns seen, skip
short rows with a located warning, turn cells into checked breakpoints, read counts and scores, and
build the Fusion and the ReadResult.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFormatError
from ..genome import CONTIG_LENGTHS, normalize_chrom
from ..model import Fusion, SourceRef, Warning
from ..normalize import parse_fusion_name
from .base import ReadResult
from .cells import to_float, whole
from .signatures import open_text

__all__ = [
    "MISSING",
    "Row",
    "Point",
    "CallerTable",
    "read_rows",
    "read_caller_table",
    "fusion_from_row",
    "breakpoint",
    "parse_breakpoint",
    "whole_number",
    "decimal",
    "read_total",
    "score_level",
    "first_candidate",
    "split_fusion_name",
]

MISSING = frozenset({"", ".", "-", "na", "n/a", "nan", "none", "null"})
"""Cell values that mean "unknown" in caller tables (compared lower-case)."""


@dataclass
class Row:
    """One data row: cells by (normalised) column name, its physical line, and a warning sink."""

    path: Path
    line: int
    cells: dict[str, str]
    warnings: list[Warning] = field(repr=False)

    @property
    def source(self) -> SourceRef:
        return SourceRef(str(self.path), self.line)

    def get(self, column: str) -> str | None:
        """The stripped cell, or None when the column is absent or the cell means unknown."""
        value = self.cells.get(column)
        if value is None:
            return None
        value = value.strip()
        return None if value.lower() in MISSING else value

    def strand(self, column: str) -> str | None:
        """A ``+``/``-`` strand cell (``get`` would read ``-`` as unknown); anything else is None."""
        value = (self.cells.get(column) or "").strip()
        return value if value in ("+", "-") else None

    def warn(self, text: str) -> None:
        self.warnings.append(Warning(f"{self.path}:{self.line}: {text}", self.source))


def read_rows(
    path: Path,
    *,
    label: str,
    required: Sequence[str],
    warnings: list[Warning],
    delimiter: str = "\t",
    stats: dict[str, int] | None = None,
) -> Iterator[Row]:
    """Yield the data rows of a one-header table; a wrong header raises InputFormatError naming the line.

    Column names are compared after stripping a leading ``#`` and surrounding spaces. ``required``
    columns must all be present. Rows with fewer cells than the header get a warning and are skipped
    (counted in ``stats["skipped"]``); blank lines are ignored. ``delimiter=","`` reads CSV with
    quoting (JAFFA); line numbers are physical lines of the file.
    """
    if path.stat().st_size == 0:
        raise InputFormatError(path, None, "empty file", f"expected a {label} with a header line")
    stats = {} if stats is None else stats
    stats.setdefault("rows", 0)
    stats.setdefault("skipped", 0)
    try:
        with open_text(path) as fh:
            quoting = csv.QUOTE_MINIMAL if delimiter == "," else csv.QUOTE_NONE  # only CSV quotes fields
            reader = csv.reader(fh, delimiter=delimiter, quoting=quoting)
            header: list[str] | None = None
            previous_end = 0
            for fields in reader:
                line = previous_end + 1  # physical line where this record starts
                previous_end = reader.line_num
                if not any(cell.strip() for cell in fields):
                    continue
                if header is None:
                    header = [name.strip().lstrip("#").strip() for name in fields]
                    _check_header(path, line, header, required, label)
                    continue
                stats["rows"] += 1
                if len(fields) < len(header):
                    missing = header[len(fields)]
                    warnings.append(
                        Warning(
                            f"{path}:{line}: row has {len(fields)} fields but the header has {len(header)} "
                            f"(no {missing!r}); row skipped",
                            SourceRef(str(path), line),
                        )
                    )
                    stats["skipped"] += 1
                    continue
                yield Row(path, line, dict(zip(header, fields)), warnings)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise InputFormatError(
            path, None, f"not readable as UTF-8 text ({exc.__class__.__name__})", f"expected a {label}"
        ) from None
    except csv.Error as exc:
        raise InputFormatError(path, None, f"not readable as a table ({exc})", f"expected a {label}") from None
    if header is None:
        raise InputFormatError(path, None, "empty file (no header line)", f"expected a {label} with a header line")


def _check_header(path: Path, line: int, header: list[str], required: Sequence[str], label: str) -> None:
    missing = [name for name in required if name not in header]
    if missing:
        raise InputFormatError(
            path,
            line,
            f"not a {label}: missing column(s) {', '.join(missing)}; header seen: {header[:12]}",
            f"a {label} header has the columns {', '.join(required)}",
        )


def breakpoint(row: Row, chrom: str | None, pos: str | None, what: str) -> str | None:
    """``"CHROM:POS"`` (no ``chr``, 1-based) from two cells, or None with a warning when unusable.

    A position beyond the chromosome's length in BOTH GRCh37 and GRCh38 is impossible and is
    warned about (FusionCatcher reports 14:190287409 for a DUX4--IGH@ call).
    """
    if chrom is None or pos is None:
        return None
    name = normalize_chrom(chrom)
    if not pos.isdigit() or int(pos) < 1:
        row.warn(f"{what} position {pos!r} on {chrom} is not a positive whole number; breakpoint left unknown")
        return None
    position = int(pos)
    lengths = [table[name] for table in CONTIG_LENGTHS.values() if name in table]
    if lengths and all(position > length for length in lengths):
        row.warn(
            f"{what} {name}:{position} lies beyond the end of chromosome {name} in both GRCh37 "
            f"({lengths[0]:,} bp) and GRCh38 ({lengths[-1]:,} bp); breakpoint left unknown"
        )
        return None
    return f"{name}:{position}"


def parse_breakpoint(row: Row, text: str | None, what: str) -> str | None:
    """A ``CHROM:POS`` or ``CHROM:POS:STRAND`` cell -> checked ``"CHROM:POS"``; anything else warns."""
    if text is None:
        return None
    parts = text.split(":")
    if len(parts) not in (2, 3) or not parts[0]:
        row.warn(f"{what} {text!r} is not CHROM:POS[:STRAND]; breakpoint left unknown")
        return None
    return breakpoint(row, parts[0], parts[1], what)


def whole_number(row: Row, column: str) -> int | None:
    """A non-negative integer cell; a non-numeric value warns and gives None."""
    value = row.get(column)
    if value is None:
        return None
    number = whole(value)
    if number is None:
        row.warn(f"{column} {value!r} is not a whole number of reads; left unknown")
    return number


def decimal(row: Row, column: str, *, between: tuple[float, float] | None = None) -> float | None:
    """A numeric cell (a score, a probability), optionally within ``between``; otherwise a warning and None."""
    value = row.get(column)
    if value is None:
        return None
    number = to_float(value)
    if number is None or (between is not None and not between[0] <= number <= between[1]):
        bounds = f" between {between[0]:g} and {between[1]:g}" if between is not None else ""
        row.warn(f"{column} {value!r} is not a number{bounds}; left unknown")
        return None
    return number


def read_total(row: Row, *columns: str) -> int | None:
    """Sum of whole-number read columns; None when any of them is unknown (a partial sum would understate)."""
    counts = [whole_number(row, column) for column in columns]
    return None if any(count is None for count in counts) else sum(counts)


def first_candidate(value: str) -> tuple[str, bool]:
    """``"GENE1,GENE2"`` -> (``"GENE1"``, True); a single gene -> (gene, False).

    Callers list several candidate genes when a breakpoint is intergenic or in overlapping genes;
    the first listed is kept and the caller of this function flags the fusion ``intergenic``.
    """
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if len(parts) > 1:
        return parts[0], True
    return (parts[0] if parts else value.strip()), False


def score_level(score: float | None, flags: Sequence[str], *, high: float, low_below: float) -> str:
    """A caller's score -> support level: unknown without one; low when flagged or below ``low_below``;
    high from ``high``; medium between."""
    if score is None:
        return "unknown"
    if flags or score < low_below:
        return "low"
    return "high" if score >= high else "medium"


def split_fusion_name(row: Row, text: str) -> tuple[str, str] | None:
    """``5GENE:3GENE`` (``::``, ``--`` accepted) -> the partners; an unreadable name warns and gives None."""
    try:
        return parse_fusion_name(text, path=row.path, line=row.line)
    except InputFormatError as exc:
        row.warnings.append(Warning(f"{exc}; row skipped", row.source))
        return None


@dataclass(frozen=True)
class Point:
    """Where one breakpoint sits: a ``CHROM:POS[:STRAND]`` column, or a chromosome and a position column."""

    columns: tuple[str, ...]
    what: str  # how warnings name it

    def read(self, row: Row) -> str | None:
        if len(self.columns) == 1:
            return parse_breakpoint(row, row.get(self.columns[0]), self.what)
        chrom, pos = self.columns
        return breakpoint(row, row.get(chrom), row.get(pos), self.what)


@dataclass(frozen=True)
class CallerTable:
    """One caller's table: reader key, what users call the file, and which columns mean what."""

    format: str
    label: str
    required: tuple[str, ...]
    breakpoints: tuple[Point, Point] | None = None  # 5', 3'; None: the table has no genomic breakpoints
    reads: tuple[str, ...] = ()  # whole-number columns summed into supporting_reads (all must be known)
    delimiter: str = "\t"
    sample_column: str | None = None  # one distinct value in it becomes the result's sample


def read_caller_table(path: Path, table: CallerTable, to_fusion: Callable[[Row], Fusion | None]) -> ReadResult:
    """Read every row with ``to_fusion`` (None = skipped, after its warning) into a ReadResult."""
    path = Path(path)
    result = ReadResult(format=table.format)
    stats: dict[str, int] = {}
    samples: list[str] = []
    rows = read_rows(
        path, label=table.label, required=table.required, warnings=result.warnings, delimiter=table.delimiter,
        stats=stats,
    )
    for row in rows:
        sample = row.get(table.sample_column) if table.sample_column else None
        if sample is not None and sample not in samples:
            samples.append(sample)
        fusion = to_fusion(row)
        if fusion is None:
            stats["skipped"] += 1
        else:
            result.events.append(fusion)
    result.sample = samples[0] if len(samples) == 1 else None
    result.stats = {"rows": stats["rows"], "fusions": len(result.events), "skipped": stats["skipped"]}
    return result


_FROM_COLUMNS = object()


def fusion_from_row(
    row: Row,
    table: CallerTable,
    gene5: str,
    gene3: str,
    *,
    breakpoints: tuple[str | None, str | None] | None = None,
    supporting_reads: int | None | object = _FROM_COLUMNS,
    support_level: str = "unknown",
    caller_confidence: str | None = None,
    flags: Sequence[str] = (),
) -> Fusion:
    """The Fusion of one row: breakpoints from ``table.breakpoints`` and then reads from ``table.reads``
    (in that order, so their warnings are too), unless given; the caller's judgement as given."""
    if breakpoints is None and table.breakpoints is not None:
        breakpoints = (table.breakpoints[0].read(row), table.breakpoints[1].read(row))
    if supporting_reads is _FROM_COLUMNS:
        supporting_reads = read_total(row, *table.reads) if table.reads else None
    breakpoint5, breakpoint3 = breakpoints or (None, None)
    return Fusion(
        gene5=gene5,
        gene3=gene3,
        caller=table.format,
        source=row.source,
        breakpoint5=breakpoint5,
        breakpoint3=breakpoint3,
        supporting_reads=supporting_reads,
        support_level=support_level,
        caller_confidence=caller_confidence,
        flags=tuple(flags),
    )
