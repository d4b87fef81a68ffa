"""Recognise a copy-number file's format from declared header signatures, reading at most 50 lines.

Signatures are data, matched by the engine in ``signatures.py`` (shared with ``sniff.py``): each
names a format, a priority and a test on the first lines. Producers with their own column names
come first; the generic SEG, whose column names are not enforced and is recognised by position
only, comes last. Files that are not copy-number calls (small-variant or SV VCFs, fusion tables)
are refused with a pointer to the right option instead of being misread.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import CNV_READERS
from .cells import is_number
from .cnv_table import META_PREFIXES, column_key
from .signatures import InputKind, Signature, by_priority, describe, sniff_format
from .sniff import FUSION_SIGNATURES

__all__ = ["CNV_SIGNATURES", "sniff_cnv_format", "describe_cnv_signatures"]


def _table_header(lines: Sequence[str]) -> list[str]:
    """Column names of the first line that is not blank, ``##``/``@`` meta or an IGV track line."""
    header = next((line for line in lines if line.strip() and not line.startswith(META_PREFIXES)), "")
    return [column_key(name) for name in header.split("\t")] if header else []


def _columns(*names: str):
    wanted = {column_key(name) for name in names}
    return lambda lines: wanted <= set(_table_header(lines))


def _starts(*names: str):
    wanted = [column_key(name) for name in names]
    return lambda lines: _table_header(lines)[: len(wanted)] == wanted


def _gatk_seg(lines: Sequence[str]) -> bool:
    """CONTIG/START/END header, or a SAM-style header longer than the sniff window (hg38: thousands of @SQ)."""
    if _starts("CONTIG", "START", "END")(lines):
        return True
    return bool(lines) and lines[0].startswith("@HD") and all(line.startswith("@") for line in lines)


# --- VCF ---------------------------------------------------------------------------------------
_SV_ALT_DECLARED = re.compile(r"^##ALT=<ID=(INV|BND|INS|TRA)\b")
_BREAKEND = re.compile(r"[\[\]]|^\.[ACGTNacgtn]+$|^[ACGTNacgtn]+\.$")
_SMALL_DECLARED = re.compile(r"^##(FORMAT=<ID=AD,|INFO=<ID=(CSQ|ANN|BCSQ),)")


def _is_vcf(lines: Sequence[str]) -> bool:
    return bool(lines) and lines[0].startswith("##fileformat=VCF")


def _vcf_records(lines: Sequence[str]) -> list[list[str]]:
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def _sv_vcf(lines: Sequence[str]) -> bool:
    if not _is_vcf(lines):
        return False
    if any(_SV_ALT_DECLARED.match(line) for line in lines):
        return True
    for fields in _vcf_records(lines):
        alt = fields[4] if len(fields) > 7 else ""
        svtype = re.search(r"(?:^|;)SVTYPE=(\w+)", fields[7]) if len(fields) > 7 else None
        if (
            _BREAKEND.search(alt)
            or alt in ("<INV>", "<INS>", "<BND>", "<TRA>")
            or (svtype and svtype.group(1) in ("BND", "INV", "INS", "TRA"))
        ):
            return True
    return False


def _small_variant_vcf(lines: Sequence[str]) -> bool:
    if not _is_vcf(lines):
        return False
    if any(_SMALL_DECLARED.match(line) for line in lines):
        return True
    records = _vcf_records(lines)
    return bool(records) and all(len(f) > 4 and re.fullmatch(r"[ACGTNacgtn*,]+", f[4]) for f in records)


# --- generic SEG -------------------------------------------------------------------------------
def _generic_seg(lines: Sequence[str]) -> bool:
    """5-7 columns, numeric start/end in columns 3-4 and a numeric (or NA) last column."""
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith(META_PREFIXES + ("#",))]
    data = [row for row in rows if len(row) >= 4 and is_number(row[2]) and is_number(row[3])]
    if not data or not 5 <= len(data[0]) <= 7:
        return False
    last = data[0][-1].strip().strip('"')
    return is_number(last) or last.upper() in ("NA", "NAN", "")


# --- fusion tables passed as --cnv ---------------------------------------------------------------
def _fusion_label(lines: Sequence[str]) -> str | None:
    for sig in by_priority(FUSION_SIGNATURES):
        if not sig.redirect and sig.match(lines):
            return sig.label
    return None


def _redirect_text(sig: Signature, lines: Sequence[str]) -> str:
    """A fusion table is named by its producer; other refusals read as declared."""
    if sig.format == "fusion-table":
        return f"this looks like a fusion table ({_fusion_label(lines)}), not copy-number calls"
    return sig.redirect or ""


_SIGNATURES = (
    Signature(
        "structural-variant-vcf",
        "structural-variant VCF",
        "VCF declaring or containing INV/BND/INS/TRA or breakend ALTs",
        95,
        _sv_vcf,
        redirect="this looks like a structural-variant VCF (breakends, inversions or insertions), "
        "not copy-number calls",
    ),
    Signature(
        "small-variant-vcf",
        "small-variant VCF",
        "VCF whose records have base ALTs, or that declares FORMAT/AD or INFO/CSQ|ANN|BCSQ",
        90,
        _small_variant_vcf,
        redirect="this looks like a small-variant VCF, not copy-number calls",
    ),
    Signature(
        "cnv-vcf", "copy-number VCF", "any other VCF ('##fileformat=VCF'): DEL/DUP/CNV records with CN", 80, _is_vcf
    ),
    Signature(
        "gatk-seg",
        "GATK ModelSegments/CallCopyRatioSegments .seg",
        "optional @HD/@SQ/@RG lines, then a header starting CONTIG, START, END (or only @-lines "
        "within the sniffed lines, first one @HD)",
        60,
        _gatk_seg,
    ),
    Signature(
        "facets",
        "FACETS cncf",
        "header has columns chrom, seg, num.mark, cnlr.median, tcn.em",
        55,
        _columns("chrom", "seg", "num.mark", "cnlr.median", "tcn.em"),
    ),
    Signature(
        "titan",
        "TitanCNA segs",
        "header has columns Sample, Chromosome, Median_logR, TITAN_call, Copy_Number",
        55,
        _columns("Sample", "Chromosome", "Median_logR", "TITAN_call", "Copy_Number"),
    ),
    Signature(
        "purple",
        "PURPLE .cnv.somatic.tsv",
        "header has columns (#)chromosome, start, end, copyNumber",
        55,
        _columns("chromosome", "start", "end", "copyNumber"),
    ),
    Signature(
        "pcgr-cna",
        "PCGR allele-specific CNA",
        "header starts Chromosome, Start, End, nMajor, nMinor",
        55,
        _starts("Chromosome", "Start", "End", "nMajor", "nMinor"),
    ),
    Signature(
        "cnvkit",
        "CNVkit .cns/.call.cns/.cnr",
        "header has columns chromosome, start, end, log2",
        50,
        _columns("chromosome", "start", "end", "log2"),
    ),
    Signature(
        "fusion-table",
        "fusion table",
        "a header any fusion-table signature of sniff.py accepts",
        10,
        lambda lines: _fusion_label(lines) is not None,
        redirect="this looks like a fusion table, not copy-number calls",
    ),
    Signature(
        "seg",
        "generic SEG (DNAcopy/IGV)",
        "5-7 tab-separated columns, numeric positions in columns 3 and 4, "
        "numeric last column (ID chrom loc.start loc.end [num.mark] seg.mean)",
        5,
        _generic_seg,
    ),
)

CNV_SIGNATURES: dict[str, Signature] = {sig.format: sig for sig in _SIGNATURES}
"""Name -> signature. Add a format here and in ``io.CNV_READERS``; priority orders the tries. The names of
the refusing signatures differ from every reader key, so a ``formats`` listing can merge them safely."""

COPY_NUMBER_FILES = InputKind(
    empty_hint="a copy-number file needs a header line and one row per segment",
    refused_status="not copy-number calls: refused with a pointer to the right option",
    no_reader="looks like {label}; no reader for it is registered",
    no_reader_hint="registered copy-number formats: {registered}",
    unrecognised="unrecognised copy-number file; header seen: {header!r}",
    unrecognised_hint="registered copy-number formats: {registered}; see `leuk-annot formats` for their signatures",
    redirect_hints={
        "structural-variant-vcf": "pass it with --sv; --cnv takes copy-number segments or DEL/DUP/CNV records with CN",
        "small-variant-vcf": "pass it as the main input (the first argument); --cnv takes copy-number segments",
        "fusion-table": "pass it with --fusions; --cnv takes copy-number segments",
    },
    redirect_text=_redirect_text,
)
"""How copy-number refusals read (see ``signatures.InputKind``); a fusion table is named by its producer."""


def sniff_cnv_format(
    path: Path | str,
    *,
    readers: Mapping[str, object] | None = None,
    signatures: Mapping[str, Signature] | None = None,
) -> str:
    """Return the reader key for a copy-number file, or raise UnknownFormatError saying what it is."""
    readers = CNV_READERS if readers is None else readers
    return sniff_format(path, COPY_NUMBER_FILES, CNV_SIGNATURES if signatures is None else signatures, readers)


def describe_cnv_signatures(readers: Mapping[str, object] | None = None) -> list[tuple[str, str]]:
    """(format, signature in words) in the order they are tried, for a ``leuk-annot formats`` listing."""
    return describe(COPY_NUMBER_FILES, CNV_SIGNATURES, CNV_READERS if readers is None else readers)
