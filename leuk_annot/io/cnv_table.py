"""Table reading and segment checks shared by the copy-number readers.

Each producer module declares its columns and what they mean; this module does what they all do
alike: find the header (after ``##``/``@`` meta lines), refuse a header without the required
columns (listing those seen and those expected), turn cells into checked numbers with a located
warning when one is not a number, convert segments to the model and report the first unsorted or
overlapping segment once per file. A producer module declares a ``SegmentTable`` (its columns and
which model field each feeds) and ``read_segment_table`` reads it row by row. Column names are
compared by ``column_key`` so that R's mangling (``Start_Position.bp.`` for ``Start_Position(bp)``)
and a leading ``#`` do not matter.
"""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFormatError
from ..genome import normalize_chrom
from ..model import CopyNumberSegment, SourceRef, Warning
from .base import ReadResult
from .cells import to_float, whole
from .signatures import open_text

__all__ = ["MISSING", "META_PREFIXES", "column_key", "Table", "open_table", "Row", "SegmentSink", "SegmentTable",
           "collect_segments", "segment_from_row", "read_segment_table"]

MISSING = frozenset({"", ".", "na", "nan", "none", "null", "n/a"})
"""Cell values that mean "unknown" (compared lower-case); R writes ``NA``, GATK ``NaN``."""

META_PREFIXES = ("##", "@", "#track", "track ", "#type=")  # VCF-style, SAM-style (GATK), IGV


def column_key(name: str) -> str:
    """``'#chromosome'`` -> ``'chromosome'``, ``'Start_Position(bp)'`` -> ``'startpositionbp'``."""
    return re.sub(r"[^a-z0-9]", "", name.strip().strip('"').lower())


def _unquote(cell: str) -> str:
    cell = cell.strip()
    return cell[1:-1] if len(cell) >= 2 and cell[0] == cell[-1] == '"' else cell


@dataclass
class Table:
    """A header and an iterator over the data rows that follow it, with physical line numbers."""

    path: Path
    label: str
    header_line: int
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    meta: list[str] = field(default_factory=list)  # the ##/@ lines before the header

    def resolve(self, columns: Mapping[str, Sequence[str]], required: Sequence[str]) -> dict[str, int]:
        """Map names to column indexes; ``columns[name]`` lists spellings, the first is shown to users.

        A missing required column raises InputFormatError at the header line, with the columns seen.
        """
        keys = [column_key(name) for name in self.header]
        found: dict[str, int] = {}
        for name, spellings in columns.items():
            for spelling in spellings:
                if column_key(spelling) in keys:
                    found[name] = keys.index(column_key(spelling))
                    break
        missing = [name for name in required if name not in found]
        if missing:
            wanted = ", ".join(" or ".join(columns[name][:2]) for name in missing)
            expected = ", ".join(columns[name][0] for name in required)
            raise InputFormatError(
                self.path,
                self.header_line,
                f"not a {self.label}: missing column(s) {wanted}; columns seen: {', '.join(self.header)}",
                f"a {self.label} has the columns {expected}",
            )
        return found


def open_table(path: Path, label: str) -> Table:
    """Open a tab-separated table: meta lines, then a header, then rows (blank and ``#`` lines skipped).

    An empty file, or one with meta lines only, raises InputFormatError.
    """
    if path.stat().st_size == 0:
        raise InputFormatError(path, None, "empty file", f"expected a {label} with a header line")
    lines = _numbered_lines(path, label)
    meta: list[str] = []
    for number, text in lines:
        if not text.strip():
            continue
        if text.startswith(META_PREFIXES):
            meta.append(text)
            continue
        header = [_unquote(cell) for cell in text.split("\t")]
        return Table(path, label, number, header, _data_rows(lines), meta)
    what = "only meta lines, no column header" if meta else "empty file"
    raise InputFormatError(path, None, what, f"expected a {label} with a header line")


def _numbered_lines(path: Path, label: str) -> Iterator[tuple[int, str]]:
    number = 0
    try:
        with open_text(path) as handle:
            for number, raw in enumerate(handle, start=1):
                yield number, raw.rstrip("\n").rstrip("\r")
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise InputFormatError(
            path,
            number + 1,
            f"not readable as UTF-8 text ({exc.__class__.__name__})",
            f"expected a {label} as plain or gzip-compressed tab-separated text",
        ) from None


def _data_rows(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, list[str]]]:
    for number, text in lines:
        if text.strip() and not text.startswith("#"):
            yield number, text.split("\t")


class Row:
    """One data row bound to its resolved columns; conversions warn with ``file:line``."""

    def __init__(self, sink: SegmentSink, line: int, fields: list[str], columns: Mapping[str, int]):
        self.sink = sink
        self.line = line
        self.fields = fields
        self.columns = columns

    def text(self, name: str) -> str | None:
        """The cell (quotes stripped), or None when the column is absent or the cell means unknown."""
        index = self.columns.get(name)
        if index is None or index >= len(self.fields):
            return None
        value = _unquote(self.fields[index])
        return None if value.lower() in MISSING else value

    def column_name(self, name: str) -> str:
        index = self.columns.get(name)
        return self.sink.header[index] if index is not None and index < len(self.sink.header) else name

    def position(self, name: str) -> int | None:
        """A whole, non-negative coordinate; R's ``1e+05`` and ``100000.0`` are accepted.

        A missing or malformed coordinate warns and returns None (the caller skips the row).
        """
        value = self.text(name)
        if value is None:
            self.warn(f"no {self.column_name(name)} coordinate; row skipped")
            return None
        return self._whole(name, value, "is not a whole-number coordinate; row skipped")

    def numbers(self, *names: str) -> dict[str, float | None] | None:
        """Named numeric cells (unknown -> None); any non-numeric one warns and returns None (skip the row)."""
        values: dict[str, float | None] = {}
        for name in names:
            value = self.text(name)
            if value is None:
                values[name] = None
                continue
            number = to_float(value)
            if number is None or not math.isfinite(number):
                self.warn(f"{self.column_name(name)} {value!r} is not a number; row skipped")
                return None
            values[name] = number
        return values

    def count(self, name: str) -> int | None:
        """A whole-number count (probes, markers); a malformed one warns and is left unknown."""
        value = self.text(name)
        return None if value is None else self._whole(name, value, "is not a whole number; left unknown")

    def _whole(self, name: str, value: str, complaint: str) -> int | None:
        number = whole(value)
        if number is None:
            self.warn(f"{self.column_name(name)} {value!r} {complaint}")
        return number

    def warn(self, text: str) -> None:
        self.sink.warn(self.line, text)


@dataclass
class _Order:
    chrom: str
    start: int
    end: int
    done: set[str] = field(default_factory=set)


class SegmentSink:
    """Collects the segments of one file, with its warnings and a once-per-file order check."""

    def __init__(self, path: Path, caller: str, header: Sequence[str] = ()):
        self.path = path
        self.caller = caller
        self.header = list(header)
        self.events: list[CopyNumberSegment] = []
        self.warnings: list[Warning] = []
        self.rows = 0
        self.skipped = 0
        self._order: dict[str | None, _Order] = {}
        self._order_issue: Warning | None = None
        self._samples: dict[str, int] = {}

    def row(self, line: int, fields: list[str], columns: Mapping[str, int], required: Sequence[str]) -> Row | None:
        """Wrap a data row; a row too short to hold the required columns warns and gives None."""
        self.rows += 1
        needed = max(columns[name] for name in required)
        if len(fields) <= needed:
            shown = self.header[len(fields)] if len(fields) < len(self.header) else f"column {needed + 1}"
            self.warn(line, f"row has {len(fields)} fields, too few for {shown!r}; row skipped")
            self.skipped += 1
            return None
        return Row(self, line, fields, columns)

    def warn(self, line: int | None, text: str) -> None:
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        self.warnings.append(Warning(f"{where}: {text}", SourceRef(str(self.path), line)))

    def skip(self) -> None:
        self.skipped += 1

    def add(
        self,
        line: int,
        chrom: str | None,
        start: int | None,
        end: int | None,
        *,
        log2: float | None = None,
        copy_number: float | None = None,
        minor_copy_number: float | None = None,
        probes: int | None = None,
        sample: str | None = None,
        record: str | None = None,
    ) -> None:
        """Append a 1-based closed segment, or warn and skip it when it cannot be one."""
        if chrom is None or start is None or end is None:
            if chrom is None:
                self.warn(line, "no chromosome; row skipped")
            self.skipped += 1
            return
        if start > end:
            self.warn(line, f"segment start {start} is after its end {end}; row skipped")
            self.skipped += 1
            return
        if log2 is None and copy_number is None:
            self.warn(line, "neither a log2 ratio nor a copy number is given; row skipped")
            self.skipped += 1
            return
        name = normalize_chrom(chrom)
        self._check_order(line, name, start, end, sample)
        if sample is not None:
            self._samples.setdefault(sample, line)
        self.events.append(
            CopyNumberSegment(
                chrom=name,
                start=start,
                end=end,
                caller=self.caller,
                source=SourceRef(str(self.path), line, record),
                log2=log2,
                copy_number=copy_number,
                minor_copy_number=minor_copy_number,
                probes=probes,
                sample=sample,
            )
        )

    def _check_order(self, line: int, chrom: str, start: int, end: int, sample: str | None) -> None:
        state = self._order.get(sample)
        if state is None:
            self._order[sample] = _Order(chrom, start, end)
            return
        problem = None
        if chrom != state.chrom:
            if chrom in state.done:
                problem = f"chromosome {chrom} appears again after {state.chrom} (segments not grouped by chromosome)"
            state.done.add(state.chrom)
        elif start < state.start:
            problem = f"segment {chrom}:{start}-{end} starts before the previous one ({state.start}); not sorted"
        elif start <= state.end:
            problem = f"segment {chrom}:{start}-{end} overlaps the previous one (ends at {state.end})"
        if problem and self._order_issue is None:
            self._order_issue = Warning(
                f"{self.path}:{line}: {problem}; segments are kept as read (first such line only)",
                SourceRef(str(self.path), line),
            )
        reach = max(end, state.end) if chrom == state.chrom else end  # a contained segment keeps the reach
        state.chrom, state.start, state.end = chrom, start, reach

    def result(
        self, fmt: str, *, sample: str | None = None, genome_build: str | None = None, build_evidence: str | None = None
    ) -> ReadResult:
        """The ReadResult; several samples in one file are kept per segment and warned about once."""
        warnings = list(self.warnings)
        if self._order_issue is not None:
            warnings.append(self._order_issue)
        if len(self._samples) > 1:
            names = ", ".join(list(self._samples)[:5]) + (", ..." if len(self._samples) > 5 else "")
            warnings.append(
                Warning(
                    f"{self.path}: {len(self._samples)} samples in one file ({names}); each segment keeps its "
                    "sample, choose one before interpreting",
                    SourceRef(str(self.path)),
                )
            )
        if sample is None and len(self._samples) == 1:
            sample = next(iter(self._samples))
        return ReadResult(
            format=fmt,
            events=list(self.events),
            warnings=warnings,
            sample=sample,
            genome_build=genome_build,
            build_evidence=build_evidence,
            stats={"rows": self.rows, "segments": len(self.events), "skipped": self.skipped},
        )


_NUMERIC_FIELDS = ("log2", "copy_number", "minor_copy_number")


@dataclass(frozen=True)
class SegmentTable:
    """One producer's segment table: its column spellings and which column feeds which segment field.

    ``fields`` maps a ``SegmentSink.add`` field to a column name: ``log2``, ``copy_number`` and
    ``minor_copy_number`` are read as numbers (a malformed one skips the row), ``probes`` as a whole
    count (a malformed one is left unknown), ``sample`` as text. ``numbers`` are further numeric
    columns for ``derive``, the format-specific step that may change the fields or skip the row
    (returning None, after its own warning).
    """

    format: str
    label: str
    columns: Mapping[str, Sequence[str]]  # name -> spellings, the first shown to users (empty: found by position)
    required: Sequence[str]
    fields: Mapping[str, str]
    numbers: Sequence[str] = ()
    zero_based: bool = False  # 0-based half-open starts (BED-like) become 1-based: start + 1
    derive: Callable[[Row, Mapping[str, float | None], dict], dict | None] | None = None

    def numeric_columns(self) -> list[str]:
        """The columns read as numbers, in the order their warnings are given."""
        return [self.fields[name] for name in _NUMERIC_FIELDS if name in self.fields] + list(self.numbers)


def collect_segments(
    path: Path,
    spec: SegmentTable,
    header: Sequence[str],
    rows: Iterable[tuple[int, list[str]]],
    columns: Mapping[str, int],
    *,
    sample: str | None = None,
) -> SegmentSink:
    """Turn data rows into segments as ``spec`` declares; ``sample`` is used when no column names it."""
    sink = SegmentSink(path, spec.format, header)
    for line, cells in rows:
        row = sink.row(line, cells, columns, spec.required)
        if row is None:
            continue
        values = row.numbers(*spec.numeric_columns())
        start, end = row.position("start"), row.position("end")
        if values is None or start is None or end is None:
            sink.skip()
            continue
        segment = segment_from_row(row, spec, values, sample)
        if segment is None:
            sink.skip()
            continue
        sink.add(line, start=start + 1 if spec.zero_based else start, end=end, **segment)
    return sink


def segment_from_row(
    row: Row, spec: SegmentTable, values: Mapping[str, float | None], sample: str | None = None
) -> dict | None:
    """The ``SegmentSink.add`` fields of one row (chromosome included), or None when ``derive`` skips it."""
    segment: dict = {"chrom": row.text("chrom")}
    for name, column in spec.fields.items():
        if name == "probes":
            segment[name] = row.count(column)
        elif name == "sample":
            segment[name] = row.text(column)
        else:
            segment[name] = values[column]
    segment.setdefault("sample", sample)
    return spec.derive(row, values, segment) if spec.derive is not None else segment


def read_segment_table(path: Path, spec: SegmentTable) -> ReadResult:
    """Read a one-header segment table whose columns are found by name."""
    path = Path(path)
    table = open_table(path, spec.label)
    columns = table.resolve(spec.columns, spec.required)
    return collect_segments(path, spec, table.header, table.rows, columns).result(spec.format)
