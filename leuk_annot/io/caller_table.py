"""Row and cell helpers shared by the native fusion-caller readers (one header, then one row per call).

Each caller module declares its columns and its own meaning of them; this module only does what
they all do alike: find the header, refuse a wrong one with the columns seen, skip short rows with
a located warning, and turn cells into checked breakpoints and read counts.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFormatError
from ..genome import CONTIG_LENGTHS, normalize_chrom
from ..model import SourceRef, Warning
from .sniff import open_text

__all__ = [
    "MISSING",
    "Row",
    "read_rows",
    "breakpoint",
    "parse_breakpoint",
    "whole_number",
    "read_total",
    "first_candidate",
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
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number < 0 or not number.is_integer():
        row.warn(f"{column} {value!r} is not a whole number of reads; left unknown")
        return None
    return int(number)


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
