"""Generic fusion table (format ``"tsv"``): the format to convert any caller's output into.

Format
------
- UTF-8 text, tab-separated, optionally gzip/bgzip-compressed; a BOM and CRLF line endings are
  accepted. Comma-separated files are refused with a hint.
- Leading blank lines and ``##`` meta lines are skipped; the next line is the header. A ``#``
  before the first column name is allowed (``#fusion``).
- Column names are matched case-insensitively, ignoring a leading ``#`` and reading spaces as
  ``_``, against the declared ``COLUMN_ALIASES``; when a key has several aliases in the header,
  the alias listed first wins. Other columns are ignored.
- Partners: ``gene5`` and ``gene3`` columns (preferred when both are present), or one ``fusion``
  column holding ``A::B`` (HGNC), ``A--B`` (STAR-Fusion) or ``A:B`` (JAFFA). A single ``-``
  (``BCR-ABL1``) is refused: it cannot express ``TRB::NKX2-1``.
- Optional: ``breakpoint5``/``breakpoint3`` as ``CHROM:POS`` or ``CHROM:POS:STRAND`` (1-based;
  stored as ``"22:23290413"``, ``chr`` dropped); ``supporting_reads`` (whole number);
  ``confidence`` (``high``/``medium``/``low`` -> ``support_level``, anything else ``unknown``;
  the raw word is kept); ``sv_type`` (OncoKB SV files: an intragenic ``DELETION`` is not a fusion);
  ``sample`` (rows of other samples are skipped when ``sample=`` is given).
- Empty cells and ``.``, ``NA``, ``N/A``, ``-``, ``None`` mean unknown.
- After the header, blank lines and ``#`` lines are skipped. A row without two partners, or with
  an unparsable fusion name, becomes a ``Warning`` naming ``file:line`` and is skipped; a bad
  breakpoint or read count becomes a ``Warning`` and that value ``None`` (the row is kept).

Example::

    gene5   gene3   breakpoint5     breakpoint3     supporting_reads    confidence
    BCR     ABL1    chr22:23290413  chr9:130854064  52                  high
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Collection, Sequence
from pathlib import Path

from ..errors import InputFormatError
from ..genome import normalize_chrom
from ..model import Fusion, SourceRef, Warning
from ..normalize import parse_fusion_name
from .base import ReadResult
from .cells import whole
from .signatures import open_text

__all__ = ["COLUMN_ALIASES", "header_fields", "resolve_columns", "read_fusion_tsv"]

FORMAT = "tsv"

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "gene5": (
        "gene5",
        "5p_gene",
        "5'gene",
        "5_gene",
        "gene1",
        "genea",
        "gene_a",
        "5prime_gene",
        "left_gene",
        "leftgene",
        "gene_5prime",
        "5'_gene",
        "gene_5",
    ),
    "gene3": (
        "gene3",
        "3p_gene",
        "3'gene",
        "3_gene",
        "gene2",
        "geneb",
        "gene_b",
        "3prime_gene",
        "right_gene",
        "rightgene",
        "gene_3prime",
        "3'_gene",
        "gene_3",
    ),
    "fusion": ("fusion", "fusion_name", "fusionname", "fusiongene", "fusion_gene", "fusion_genes"),
    "breakpoint5": (
        "breakpoint5",
        "breakpoint1",
        "leftbreakpoint",
        "left_breakpoint",
        "5p_breakpoint",
        "breakpoint_5prime",
        "5'breakpoint",
    ),
    "breakpoint3": (
        "breakpoint3",
        "breakpoint2",
        "rightbreakpoint",
        "right_breakpoint",
        "3p_breakpoint",
        "breakpoint_3prime",
        "3'breakpoint",
    ),
    "reads": (
        "supporting_reads",
        "reads",
        "split_reads",
        "splitreads",
        "junction_reads",
        "junctionreadcount",
        "spanning_reads",
        "support",
        "num_lr",  # CTAT-LR-Fusion: long reads supporting the fusion
    ),
    "confidence": ("confidence", "support_level", "confidence_level"),
    "sv_type": ("sv_type", "svtype"),
    "sample": ("sample", "sample_id", "tumor_sample_barcode", "sample_name"),
}
"""Column key -> accepted header names (already normalised: lower case, no '#', '_' for spaces)."""

_MISSING = {"", ".", "-", "na", "n/a", "nan", "none", "null"}
_BREAKPOINT = re.compile(r"^(?P<chrom>[^:\s]+):(?P<pos>\d+)(?::[+\-.])?$")
_LEVELS = ("high", "medium", "low")


def header_fields(line: str) -> list[str]:
    """Normalised column names of a header line (lower case, leading '#' dropped, spaces as '_')."""
    return [re.sub(r"\s+", "_", name.strip().lstrip("#").strip().lower()) for name in line.split("\t")]


def resolve_columns(names: Sequence[str]) -> dict[str, int]:
    """Map each alias-table key to the index of its column; the first-listed alias present wins."""
    index = {}
    for position, name in enumerate(names):
        index.setdefault(name, position)
    found = {}
    for key, aliases in COLUMN_ALIASES.items():
        hit = next((index[alias] for alias in aliases if alias in index), None)
        if hit is not None:
            found[key] = hit
    return found


def read_fusion_tsv(path: Path, *, sample: str | None = None, known_genes: Collection[str] | None = None) -> ReadResult:
    """Read a generic fusion table; ``sample`` keeps only that sample's rows when a sample column exists.

    ``known_genes`` (upper-case symbols) lets a single-hyphen name such as ``ETV6-RUNX1`` be split
    when exactly one split gives two known genes; without it such names are refused.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise InputFormatError(
            path, None, "empty file", "a fusion table needs a header line, e.g. gene5<TAB>gene3"
        )
    result = ReadResult(format=FORMAT)
    try:
        with open_text(path) as fh:
            _read(fh, path, sample, result, known_genes)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise InputFormatError(
            path,
            None,
            f"not readable as UTF-8 text ({exc.__class__.__name__})",
            "fusion tables are plain or gzip-compressed tab-separated text",
        ) from None
    return result


def _read(fh, path: Path, wanted_sample: str | None, result: ReadResult, known_genes=None) -> None:
    lines = enumerate(fh, start=1)
    header_no, columns, names = _find_header(lines, path)
    samples: list[str] = []
    rows = skipped = other_sample = 0
    for line_no, raw in lines:
        text = raw.rstrip("\r\n")
        if not text.strip() or text.startswith("#"):
            continue
        rows += 1
        fields = [field.strip() for field in text.split("\t")]
        source = SourceRef(str(path), line_no)
        row_sample = _cell(fields, columns.get("sample"))
        if row_sample is not None and row_sample not in samples:
            samples.append(row_sample)
        if wanted_sample is not None and "sample" in columns and row_sample != wanted_sample:
            other_sample += 1
            continue
        fusion = _row_to_fusion(fields, columns, names, source, path, result.warnings, known_genes)
        if fusion is None:
            skipped += 1
        else:
            result.events.append(fusion)
    result.sample = _decide_sample(path, header_no, wanted_sample, "sample" in columns, samples, result)
    result.stats = {
        "rows": rows,
        "fusions": len(result.events),
        "skipped": skipped,
        "other_sample": other_sample,
    }


def _find_header(lines, path: Path) -> tuple[int, dict[str, int], list[str]]:
    for line_no, raw in lines:
        text = raw.rstrip("\r\n")
        if not text.strip() or text.startswith("##"):
            continue
        names = header_fields(text)
        columns = resolve_columns(names)
        if {"gene5", "gene3"} <= columns.keys() or "fusion" in columns:
            return line_no, columns, [name.strip().lstrip("#") for name in text.split("\t")]
        raise InputFormatError(path, line_no, _missing_columns_message(names, columns), _header_hint(text))
    raise InputFormatError(path, None, "empty file (no header line)", "a fusion table needs a header line")


def _missing_columns_message(names: list[str], columns: dict[str, int]) -> str:
    if "gene5" in columns:
        return f"found a 5' gene column ({names[columns['gene5']]!r}) but no 3' gene column"
    if "gene3" in columns:
        return f"found a 3' gene column ({names[columns['gene3']]!r}) but no 5' gene column"
    return f"no gene columns found: saw {names[:20]}"


def _header_hint(header: str) -> str:
    accepted = (
        f"gene5 ({', '.join(COLUMN_ALIASES['gene5'])}) with gene3 ({', '.join(COLUMN_ALIASES['gene3'])}), "
        f"or a fusion column ({', '.join(COLUMN_ALIASES['fusion'])})"
    )
    if "\t" not in header and "," in header:
        return f"the header looks comma-separated; save the table tab-separated. Accepted columns: {accepted}"
    return f"accepted columns: {accepted}"


def _row_to_fusion(fields, columns, names, source: SourceRef, path: Path, warnings: list[Warning], known_genes=None):
    """One row -> Fusion, or None (with a warning) when the row names no two partners."""

    def warn(text: str) -> None:
        warnings.append(Warning(f"{path}:{source.line}: {text}", source))

    if "gene5" in columns and "gene3" in columns:
        gene5, gene3 = _cell(fields, columns["gene5"]), _cell(fields, columns["gene3"])
        for gene, key, end in ((gene5, "gene5", "5'"), (gene3, "gene3", "3'")):
            if gene is None:
                column = names[columns[key]]
                warn(f"empty {end} partner (column {column!r}){_short_row_note(fields, names)}; row skipped")
                return None
    else:
        try:
            text = _cell(fields, columns["fusion"]) or ""
            gene5, gene3 = parse_fusion_name(text, path=path, line=source.line, known_genes=known_genes)
        except InputFormatError as exc:
            warnings.append(Warning(f"{exc}; row skipped", source))
            return None
    sv_type = _cell(fields, columns.get("sv_type"))
    if sv_type and sv_type.lower() != "fusion" and gene5.upper() == gene3.upper():
        warn(f"intragenic {sv_type} of {gene5} is not a fusion; row skipped")
        return None
    confidence = _cell(fields, columns.get("confidence"))
    return Fusion(
        gene5=gene5,
        gene3=gene3,
        caller=FORMAT,
        source=source,
        breakpoint5=_breakpoint(fields, columns.get("breakpoint5"), names, warn),
        breakpoint3=_breakpoint(fields, columns.get("breakpoint3"), names, warn),
        supporting_reads=_reads(fields, columns.get("reads"), names, warn),
        support_level=_support_level(confidence),
        caller_confidence=confidence,
    )


def _cell(fields: list[str], index: int | None) -> str | None:
    if index is None or index >= len(fields):
        return None
    value = fields[index]
    return None if value.lower() in _MISSING else value


def _short_row_note(fields: list[str], names: list[str]) -> str:
    if len(fields) < len(names):
        return f"; the row has {len(fields)} fields but the header has {len(names)} (is it tab-separated?)"
    return ""


def _breakpoint(fields, index, names, warn) -> str | None:
    value = _cell(fields, index)
    if value is None:
        return None
    match = _BREAKPOINT.match(value)
    if match is None or int(match["pos"]) < 1:
        warn(f"{names[index]} {value!r} is not CHROM:POS (e.g. 22:23290413); breakpoint left unknown")
        return None
    return f"{normalize_chrom(match['chrom'])}:{int(match['pos'])}"


def _reads(fields, index, names, warn) -> int | None:
    value = _cell(fields, index)
    if value is None:
        return None
    number = whole(value)
    if number is None:
        warn(f"{names[index]} {value!r} is not a whole number of reads; read support left unknown")
    return number


def _support_level(confidence: str | None) -> str:
    if confidence is None:
        return "unknown"
    word = confidence.lower().replace("_", "").replace(" ", "").removesuffix("confidence")
    return word if word in _LEVELS else "unknown"


def _decide_sample(path, header_no, wanted, has_column, samples, result) -> str | None:
    if wanted is not None:
        if not has_column:
            result.warnings.append(
                Warning(
                    f"{path}: no sample column; sample {wanted!r} assumed for every row",
                    SourceRef(str(path), header_no),
                )
            )
        elif wanted not in samples:
            raise InputFormatError(
                path,
                None,
                f"sample {wanted!r} not found",
                f"samples in the file: {', '.join(samples) or 'none'}",
            )
        return wanted
    if len(samples) > 1:
        result.warnings.append(
            Warning(
                f"{path}: the table holds {len(samples)} samples ({', '.join(samples)}); fusions of all are "
                "returned - choose one with the sample option",
                SourceRef(str(path), header_no),
            )
        )
        return None
    return samples[0] if samples else None
