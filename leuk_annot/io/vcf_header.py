"""Check a VCF's text header before htslib sees it, and parse the header lines the readers use."""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputFormatError, UnknownFormatError

__all__ = ["VcfHeader", "scan_header"]

_COLUMNS = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")

_STRUCTURED = re.compile(r'([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|[^,>]*)')


def _fields_of(value: str) -> dict[str, str]:
    """``<ID=X,Number=1,Description="a, b">`` -> {"ID": "X", "Number": "1", "Description": "a, b"}."""
    inner = value.strip()
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    return {k: (v[1:-1].replace('\\"', '"') if v.startswith('"') else v) for k, v in _STRUCTURED.findall(inner)}


@dataclass
class VcfHeader:
    """The parts of a VCF header the VCF readers use."""

    meta: list[tuple[str, str]] = field(default_factory=list)  # every ##key=value, in order
    info: dict[str, dict[str, str]] = field(default_factory=dict)
    contigs: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def parse(cls, raw_header: str) -> VcfHeader:
        header = cls()
        for line in raw_header.splitlines():
            if not line.startswith("##") or "=" not in line:
                continue
            key, _, value = line[2:].partition("=")
            header.meta.append((key, value))
            if key == "INFO":
                fields = _fields_of(value)
                header.info[fields.get("ID", "")] = fields
            elif key == "contig":
                header.contigs.append(_fields_of(value))
        return header

    def values(self, key: str) -> list[str]:
        return [value for k, value in self.meta if k == key]


def scan_header(path: Path) -> tuple[int, bool]:
    """Check the text header before htslib sees it; return (header line count, is BCF).

    htslib's own messages for a TSV, an empty file or a broken gzip are cryptic, and it does not
    tell line numbers; this pass reads only the header lines.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFormatError(path, None, f"cannot read the file ({exc.strerror})") from None
    if size == 0:
        raise InputFormatError(
            path, None, "the file is empty (0 bytes)", "expected a VCF starting with ##fileformat=VCFv4.x"
        )
    with open(path, "rb") as raw:
        magic = raw.read(4)
    opener = gzip.open if magic[:2] == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as handle:
            if handle.read(3) == b"BCF":
                return 0, True
            handle.seek(0)
            return _count_header_lines(path, handle)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputFormatError(
            path,
            None,
            f"the compressed file is truncated or corrupt ({exc})",
            "re-create it with bgzip, or pass the uncompressed VCF",
        ) from None


def _count_header_lines(path: Path, handle) -> tuple[int, bool]:
    count = 0
    for number, raw in enumerate(handle, start=1):
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if number == 1 and not line.startswith("##fileformat=VCF"):
            raise UnknownFormatError(path, 1, f"not a VCF: the first line is {_preview(line)}", _not_vcf_hint(line))
        if line.startswith("##"):
            count += 1
            continue
        if line.startswith("#"):
            _check_column_line(path, number, line)
            return count + 1, False
        raise InputFormatError(
            path,
            number,
            "the '#CHROM' header line is missing before the first record",
            "add the '#CHROM POS ID REF ALT QUAL FILTER INFO' line (tab-separated)",
        )
    raise InputFormatError(
        path,
        None,
        f"the '#CHROM' header line is missing (the file ends after {count} header lines)",
        "a VCF needs a '#CHROM POS ID REF ALT QUAL FILTER INFO' line; is the file truncated?",
    )


def _check_column_line(path: Path, number: int, line: str) -> None:
    columns = line.split("\t")
    if tuple(columns[:8]) != _COLUMNS or (len(columns) > 8 and columns[8] != "FORMAT"):
        raise InputFormatError(
            path,
            number,
            f"the column header line is {_preview(line)}",
            "expected tab-separated '#CHROM POS ID REF ALT QUAL FILTER INFO [FORMAT samples...]'",
        )


def _preview(line: str) -> str:
    shown = line if len(line) <= 80 else line[:77] + "..."
    return repr(shown)


def _not_vcf_hint(line: str) -> str:
    if "\t" in line or "," in line:
        return "it looks like a delimited table; pass variants as a VCF, and fusion tables with --fusions"
    return "expected a VCF whose first line is '##fileformat=VCFv4.x'"
