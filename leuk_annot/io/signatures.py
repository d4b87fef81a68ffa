"""Match declared header signatures against a file's first lines: the one sniffing engine for every input kind.

Each kind of input (fusion tables in ``sniff.py``, copy-number files in ``cnv_sniff.py``) keeps its
signatures as data (MultiQC ``search_patterns.yaml`` style) plus an ``InputKind`` saying how its
refusals read; the reading of the first lines, the priority order, the redirects, the "recognised
but no reader" refusal and the ``leuk-annot formats`` listing are done here, once.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..errors import InputFormatError, UnknownFormatError

__all__ = [
    "SNIFF_LINES",
    "Matcher",
    "Signature",
    "InputKind",
    "open_text",
    "head_lines",
    "header_line",
    "header_starts",
    "header_regex",
    "header_has_columns",
    "by_priority",
    "sniff_format",
    "describe",
]

SNIFF_LINES = 50
_GZIP_MAGIC = b"\x1f\x8b"

VCF_REDIRECT = "pass it as the main input or with --sv; --fusions takes fusion tables"
"""Hint for a VCF (or BCF) given where a table was expected."""

Matcher = Callable[[Sequence[str]], bool]


@dataclass(frozen=True)
class Signature:
    """How to recognise one format from the first ``SNIFF_LINES`` lines of a file."""

    format: str  # reader key in io.FUSION_READERS (or a name for a non-fusion file kind)
    label: str  # what a user calls the file, e.g. "Arriba fusions.tsv"
    describe: str  # the signature in words, for `leuk-annot formats`
    priority: int  # higher is tried first; specific producers above the generic TSV
    match: Matcher
    redirect: str | None = None  # set for files of another kind: what they look like instead


@dataclass(frozen=True)
class InputKind:
    """How the refusals of one kind of input read (templates take ``{label}``, ``{registered}``, ``{header}``)."""

    empty_hint: str  # hint for a file with no non-blank line
    refused_status: str  # `formats` listing status of a redirecting signature
    no_reader: str  # message for a recognised format without a registered reader ({label})
    no_reader_hint: str  # ({registered})
    unrecognised: str  # message when no signature matches ({header!r}: the first 200 characters)
    unrecognised_hint: str  # ({registered})
    redirect_hints: Mapping[str, str] = field(default_factory=dict)  # signature format -> hint
    comma_hint: bool = False  # say so when the header looks comma-separated
    redirect_text: Callable[[Signature, Sequence[str]], str] | None = None  # a redirect worded from the lines


def open_text(path: Path | str) -> TextIO:
    """Open plain or gzip/bgzip text as UTF-8; a BOM is dropped and CRLF reads as LF."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == _GZIP_MAGIC:
        return gzip.open(path, "rt", encoding="utf-8-sig", newline=None)
    return open(path, encoding="utf-8-sig", newline=None)


def head_lines(path: Path | str, limit: int = SNIFF_LINES) -> list[str]:
    """The first ``limit`` lines without line endings; binary files raise InputFormatError."""
    if _head_bytes(path).startswith(b"BCF"):
        raise UnknownFormatError(path, None, "this is a BCF (binary VCF) file", VCF_REDIRECT)
    lines: list[str] = []
    try:
        with open_text(path) as fh:
            for raw in fh:
                lines.append(raw.rstrip("\n"))
                if len(lines) >= limit:
                    break
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise InputFormatError(
            path,
            len(lines) + 1,
            f"not readable as UTF-8 text ({exc.__class__.__name__})",
            "fusion tables are plain or gzip-compressed tab-separated text",
        ) from None
    return lines


def _head_bytes(path: Path | str, size: int = 4) -> bytes:
    with open(path, "rb") as fh:
        start = fh.read(size)
    if start[:2] != _GZIP_MAGIC:
        return start
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read(size)
    except (OSError, EOFError):
        return b""  # a broken gzip stream is reported by head_lines with its location


def header_line(lines: Sequence[str]) -> str | None:
    """The column header: the first line that is neither blank nor a ``##`` meta line."""
    return next((line for line in lines if line.strip() and not line.startswith("##")), None)


def header_starts(prefix: str) -> Matcher:
    """The header line starts with ``prefix`` (exact text, tabs included)."""
    return lambda lines: (header_line(lines) or "").startswith(prefix)


def header_regex(pattern: str) -> Matcher:
    """The header line matches ``pattern`` from its start."""
    compiled = re.compile(pattern)
    return lambda lines: bool(compiled.match(header_line(lines) or ""))


def header_has_columns(*names: str) -> Matcher:
    """The tab-separated header holds all ``names`` (case-insensitive, a leading ``#`` ignored)."""
    wanted = {name.lower() for name in names}

    def match(lines: Sequence[str]) -> bool:
        header = header_line(lines) or ""
        return wanted <= {col.strip().lstrip("#").lower() for col in header.split("\t")}

    return match


def by_priority(signatures: Mapping[str, Signature]) -> list[Signature]:
    """Signatures in the order they are tried: highest priority first, ties in table order."""
    return sorted(signatures.values(), key=lambda sig: -sig.priority)  # stable: ties keep table order


def sniff_format(
    path: Path | str, kind: InputKind, signatures: Mapping[str, Signature], readers: Mapping[str, object]
) -> str:
    """Return the reader key of the first matching signature, or raise UnknownFormatError saying what it is.

    A redirecting signature (a file of another kind) and a recognised format without a reader in
    ``readers`` are refused rather than read by a less specific reader.
    """
    lines = head_lines(path)
    if not any(line.strip() for line in lines):
        raise InputFormatError(path, None, "empty file", kind.empty_hint)
    registered = ", ".join(sorted(readers))
    for sig in by_priority(signatures):
        if not sig.match(lines):
            continue
        if sig.redirect:
            what = kind.redirect_text(sig, lines) if kind.redirect_text else sig.redirect
            raise UnknownFormatError(path, None, what, kind.redirect_hints.get(sig.format))
        if sig.format in readers:
            return sig.format
        raise UnknownFormatError(
            path, None, kind.no_reader.format(label=sig.label), kind.no_reader_hint.format(registered=registered)
        )
    header = header_line(lines) or ""
    hint = kind.unrecognised_hint.format(registered=registered)
    if kind.comma_hint and "\t" not in header and "," in header:
        hint = "the header looks comma-separated; save the table tab-separated. " + hint
    raise UnknownFormatError(path, None, kind.unrecognised.format(header=header[:200]), hint)


def describe(
    kind: InputKind, signatures: Mapping[str, Signature], readers: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(format, signature in words) in the order they are tried, for a ``leuk-annot formats`` listing."""
    rows = []
    for sig in by_priority(signatures):
        if sig.redirect:
            status = kind.refused_status
        elif sig.format in readers:
            status = "read"
        else:
            status = "recognised; no reader yet"
        rows.append((sig.format, f"{sig.label}: {sig.describe} [{status}]"))
    return rows
