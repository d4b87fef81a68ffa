"""Recognise a fusion file's format from declared header signatures, reading at most 50 lines.

Signatures are data (MultiQC ``search_patterns.yaml`` style): each names a format, a priority and a
test on the first lines. The most specific signatures carry the highest priority, so a producer's
own header (Arriba's ``#gene1<TAB>gene2<TAB>strand1(gene/fusion)``) wins over the generic TSV,
whose column aliases would also accept it. A signature whose format has no registered reader
yields a clear ``UnknownFormatError`` instead of a silent misreading; registering the reader in
``io.FUSION_READERS`` is all it takes for the same signature to start dispatching to it.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..errors import InputFormatError, UnknownFormatError
from . import FUSION_READERS

__all__ = [
    "SNIFF_LINES",
    "Signature",
    "FUSION_SIGNATURES",
    "open_text",
    "head_lines",
    "sniff_fusion_format",
    "describe_signatures",
]

SNIFF_LINES = 50
_GZIP_MAGIC = b"\x1f\x8b"

Matcher = Callable[[Sequence[str]], bool]


@dataclass(frozen=True)
class Signature:
    """How to recognise one format from the first ``SNIFF_LINES`` lines of a file."""

    format: str  # reader key in io.FUSION_READERS (or a name for a non-fusion file kind)
    label: str  # what a user calls the file, e.g. "Arriba fusions.tsv"
    describe: str  # the signature in words, for `leuk-annot formats`
    priority: int  # higher is tried first; specific producers above the generic TSV
    match: Matcher
    redirect: str | None = None  # set for files that are not fusion tables: where they belong


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
        raise UnknownFormatError(path, None, "this is a BCF (binary VCF) file", _VCF_REDIRECT)
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


def _header_starts(prefix: str) -> Matcher:
    return lambda lines: (header_line(lines) or "").startswith(prefix)


def _header_regex(pattern: str) -> Matcher:
    compiled = re.compile(pattern)
    return lambda lines: bool(compiled.match(header_line(lines) or ""))


def _header_has_columns(*names: str) -> Matcher:
    wanted = {name.lower() for name in names}

    def match(lines: Sequence[str]) -> bool:
        header = header_line(lines) or ""
        return wanted <= {col.strip().lstrip("#").lower() for col in header.split("\t")}

    return match


def _generic_tsv(lines: Sequence[str]) -> bool:
    # Lazy import: fusion_tsv imports open_text from here; its alias table is the signature.
    from .fusion_tsv import header_fields, resolve_columns

    header = header_line(lines)
    if header is None:
        return False
    columns = resolve_columns(header_fields(header))
    return {"gene5", "gene3"} <= columns.keys() or "fusion" in columns


_VCF_REDIRECT = "pass it as the main input or with --sv; --fusions takes fusion tables"

_SIGNATURES = (
    Signature(
        "vcf",
        "VCF",
        "first line starts with '##fileformat=VCF'",
        100,
        lambda lines: bool(lines) and lines[0].startswith("##fileformat=VCF"),
        redirect="this is a VCF file, not a fusion table",
    ),
    Signature(
        "arriba",
        "Arriba fusions.tsv",
        "header starts with '#gene1<TAB>gene2<TAB>strand1(gene/fusion)'",
        50,
        _header_starts("#gene1\tgene2\tstrand1(gene/fusion)"),
    ),
    Signature(
        "star-fusion",
        "STAR-Fusion fusion_predictions.tsv",
        "header starts with '#FusionName<TAB>JunctionReadCount<TAB>'",
        50,
        _header_starts("#FusionName\tJunctionReadCount\t"),
    ),
    Signature(
        "fusioncatcher",
        "FusionCatcher final-list_candidate-fusion-genes.txt",
        "header starts with 'Gene_1_symbol(5end_fusion_partner)<TAB>'",
        50,
        _header_starts("Gene_1_symbol(5end_fusion_partner)\t"),
    ),
    Signature(
        "jaffa",
        "JAFFA jaffa_results.csv",
        "comma-separated header starting with 'sample,fusion genes' (quoted or not)",
        50,
        _header_regex(r'^"?sample"?,"?fusion genes"?,'),
    ),
    Signature(
        "cicero",
        "CICERO final_fusions.txt",
        "header has columns geneA, geneB, chrA, chrB, posA, posB, ortA, ortB",
        50,
        _header_has_columns("geneA", "geneB", "chrA", "chrB", "posA", "posB", "ortA", "ortB"),
    ),
    Signature(
        "defuse",
        "deFuse results.tsv",
        "header has columns cluster_id, gene_name1, gene_name2, genomic_break_pos1, span_count, splitr_count",
        50,
        _header_has_columns(
            "cluster_id", "gene_name1", "gene_name2", "genomic_break_pos1", "span_count", "splitr_count"
        ),
    ),
    Signature(
        "ericscript",
        "EricScript results.tsv",
        "header has columns GeneName1, GeneName2, Breakpoint1, Breakpoint2, crossingreads, EricScore",
        50,
        _header_has_columns("GeneName1", "GeneName2", "Breakpoint1", "Breakpoint2", "crossingreads", "EricScore"),
    ),
    Signature(
        "pizzly",
        "pizzly flattened fusion table",
        "header has columns geneA.name, geneB.name, paircount, splitcount",
        50,
        _header_has_columns("geneA.name", "geneB.name", "paircount", "splitcount"),
    ),
    Signature(
        "squid",
        "SQUID annotated _sv.txt",
        "header '# chrom1<TAB>start1<TAB>end1<TAB>chrom2<TAB>start2<TAB>end2<TAB>...' ending in FusedGenes",
        50,
        _header_regex(r"^#\s*chrom1\tstart1\tend1\tchrom2\tstart2\tend2\t.*\tFusedGenes\s*$"),
    ),
    Signature(
        "cnvkit",
        "CNVkit .cns/.cnr",
        "header has columns chromosome, start, end, log2",
        40,
        _header_has_columns("chromosome", "start", "end", "log2"),
        redirect="this looks like a CNVkit copy-number file, not a fusion table",
    ),
    Signature(
        "tsv",
        "generic fusion TSV",
        "tab-separated header with gene5 + gene3 columns or one fusion column (aliases accepted; "
        "see leuk_annot.io.fusion_tsv)",
        0,
        _generic_tsv,
    ),
)

FUSION_SIGNATURES: dict[str, Signature] = {sig.format: sig for sig in _SIGNATURES}
"""Format name -> signature. Add a format here and in ``io.FUSION_READERS``; priority orders tries."""

_REDIRECT_HINTS = {"vcf": _VCF_REDIRECT, "cnvkit": "pass it with --cnv; --fusions takes fusion tables"}


def _by_priority(signatures: Mapping[str, Signature]) -> list[Signature]:
    return sorted(signatures.values(), key=lambda sig: -sig.priority)  # stable: ties keep table order


def sniff_fusion_format(
    path: Path | str,
    *,
    readers: Mapping[str, object] | None = None,
    signatures: Mapping[str, Signature] | None = None,
) -> str:
    """Return the reader key for a fusion file, or raise UnknownFormatError saying what it is.

    ``readers`` defaults to ``io.FUSION_READERS``: a recognised format without a reader there is
    refused rather than read by a less specific reader.
    """
    readers = FUSION_READERS if readers is None else readers
    signatures = FUSION_SIGNATURES if signatures is None else signatures
    lines = head_lines(path)
    if not any(line.strip() for line in lines):
        raise InputFormatError(
            path, None, "empty file", "a fusion table needs a header line and one row per fusion"
        )
    registered = ", ".join(sorted(readers))
    for sig in _by_priority(signatures):
        if not sig.match(lines):
            continue
        if sig.redirect:
            raise UnknownFormatError(path, None, sig.redirect, _REDIRECT_HINTS.get(sig.format))
        if sig.format in readers:
            return sig.format
        raise UnknownFormatError(
            path,
            None,
            f"looks like {sig.label}; a native reader for it is not available yet",
            f"convert it to the generic TSV (columns gene5, gene3; optional breakpoint5, breakpoint3, "
            f"supporting_reads, confidence); registered formats: {registered}",
        )
    header = header_line(lines) or ""
    hint = f"registered formats: {registered}; the generic TSV needs gene5 + gene3 columns or a fusion column"
    if "\t" not in header and "," in header:
        hint = "the header looks comma-separated; save the table tab-separated. " + hint
    raise UnknownFormatError(path, None, f"unrecognised fusion file; header seen: {header[:200]!r}", hint)


def describe_signatures(readers: Mapping[str, object] | None = None) -> list[tuple[str, str]]:
    """(format, signature in words) in the order they are tried, for a ``leuk-annot formats`` listing."""
    readers = FUSION_READERS if readers is None else readers
    rows = []
    for sig in _by_priority(FUSION_SIGNATURES):
        if sig.redirect:
            status = "not a fusion table: refused with a pointer to the right option"
        elif sig.format in readers:
            status = "read"
        else:
            status = "recognised; no reader yet"
        rows.append((sig.format, f"{sig.label}: {sig.describe} [{status}]"))
    return rows
