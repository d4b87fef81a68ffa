"""Record access for the SV VCF reader: text lines (plain, gzip/bgzip, BCF), parsed records, reading context.

Records are read as text, not through cyvcf2, so that every event keeps its file line; a BCF is
turned into text lines by ``vcf.py``, which owns cyvcf2 (those lines have no number).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFormatError
from ..genome import normalize_chrom
from ..model import SourceRef, Warning
from .vcf import _captured_stderr, _open


def _text_lines(path: Path, is_bcf: bool) -> Iterator[tuple[int | None, str]]:
    """(1-based line number or None, line without its end) for every header line and record."""
    if is_bcf:
        with _captured_stderr() as stderr:
            vcf = _open(str(path), path, stderr)
            try:
                header = vcf.raw_header.rstrip("\n").split("\n")
                records = [str(record).rstrip("\n") for record in vcf]
            except Exception:
                raise InputFormatError(path, None, "htslib could not read a BCF record", "check the file") from None
            finally:
                vcf.close()
        for text in header:
            yield None, text
        for text in records:
            yield None, text
        return
    with open(path, "rb") as raw:
        magic = raw.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            yield number, raw_line.decode("utf-8", "replace").rstrip("\r\n")


def _is_bcf(path: Path) -> bool:
    with open(path, "rb") as raw:
        magic = raw.read(4)
    if magic[:2] != b"\x1f\x8b":
        return magic[:3] == b"BCF"
    with gzip.open(path, "rb") as handle:
        return handle.read(3) == b"BCF"

@dataclass
class _Record:
    line: int | None
    raw_chrom: str
    pos: int
    id: str | None
    ref: str
    alts: list[str]
    filter: str
    info: dict[str, str | bool]
    sample: dict[str, str] | None  # FORMAT key -> value of the tumour sample

    @property
    def chrom(self) -> str:
        return normalize_chrom(self.raw_chrom)

    @property
    def locator(self) -> str:
        return f"{self.raw_chrom}:{self.pos} {self.id or '.'}"

    def info_int(self, key: str) -> int | None:
        value = self.info.get(key)
        return _int_sum(value) if isinstance(value, str) else None

    def where(self) -> str:
        return f"line {self.line}" if self.line is not None else self.locator


def _int_sum(text: str | None) -> int | None:
    """'3' -> 3, '2,5' -> 7 (per-category lists), '.'/'' -> None."""
    if text is None:
        return None
    values = [v for v in text.split(",") if v not in ("", ".")]
    try:
        return sum(int(float(v)) for v in values) if values else None
    except ValueError:
        return None


def _parse_info(text: str) -> dict[str, str | bool]:
    if text in (".", ""):
        return {}
    info: dict[str, str | bool] = {}
    for item in text.split(";"):
        if not item:
            continue
        key, eq, value = item.partition("=")
        info[key] = value if eq else True
    return info


def _parse_record(path: Path, line: int | None, text: str, sample_index: int | None) -> _Record:
    columns = text.split("\t")
    if len(columns) < 8:
        raise InputFormatError(
            path, line, f"expected at least 8 tab-separated columns, found {len(columns)}", "check this line"
        )
    chrom, pos_text, rec_id, ref, alt_text, _qual, filter_text, info_text = columns[:8]
    if not pos_text.isdigit():
        raise InputFormatError(path, line, f"POS {pos_text!r} is not a number", "POS must be a 1-based integer")
    sample = None
    if sample_index is not None and len(columns) > 9 + sample_index:
        keys = columns[8].split(":")
        values = columns[9 + sample_index].split(":")
        sample = dict(zip(keys, values))
    return _Record(
        line=line,
        raw_chrom=chrom,
        pos=int(pos_text),
        id=None if rec_id == "." else rec_id,
        ref=ref,
        alts=alt_text.split(","),
        filter=filter_text,
        info=_parse_info(info_text),
        sample=sample,
    )


@dataclass
class _Context:
    path: Path
    caller: str
    warnings: list[Warning]
    stats: dict[str, int]

    def warn(self, message: str, record: _Record) -> None:
        self.warnings.append(Warning(message, SourceRef(str(self.path), record.line, record.locator)))

    def error(self, record: _Record, message: str, hint: str) -> InputFormatError:
        return InputFormatError(self.path, record.line, message, hint)
