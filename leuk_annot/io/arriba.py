"""Arriba ``fusions.tsv`` (format ``"arriba"``): one row per predicted fusion, columns mapped by header name.

Source of the spec: Arriba ``documentation/05-Output-files.md`` (suhrig/arriba, commit f4038b3) and
``source/output_fusions.cpp``; real files of both column orders in ``shared/real_data/fusions/arriba``.

Layouts (both read, columns found by NAME, never by position)
-------------------------------------------------------------
- Arriba >= 2.0 (30 columns): ``#gene1 gene2 strand1(gene/fusion) strand2(gene/fusion) breakpoint1
  breakpoint2 site1 site2 type split_reads1 split_reads2 discordant_mates coverage1 coverage2 confidence
  reading_frame tags retained_protein_domains closest_genomic_breakpoint1/2 gene_id1/2 transcript_id1/2
  direction1/2 filters fusion_transcript peptide_sequence read_identifiers``.
- Arriba 1.x (24 columns): no ``tags``/``retained_protein_domains``/``gene_id``/``transcript_id``;
  ``direction1/2`` sit after ``type`` and ``reading_frame`` after ``fusion_transcript``.
- The leading ``#`` of the header is optional (some pipelines strip it). Plain or gzip text.

Columns used
------------
- ``gene1``/``gene2``: the 5'/3' partners. Intergenic breakpoints read ``GENE1(123),GENE2(456)``
  (closest genes up- and downstream with their distance): the closest gene is taken (the first on a
  tie or when no distance is given) and the fusion gets the flag ``"intergenic"``. ``.`` or an empty
  cell (no annotated gene, e.g. a viral contig) -> Warning naming ``file:line``, row skipped.
- ``breakpoint1``/``breakpoint2``: ``CHROM:POS``, 1-based (Arriba prints the 1-based position of
  the last retained base), ``chr`` optional -> stored ``"22:23632600"``. A non-numeric position, or
  one beyond the chromosome's length in both GRCh37 and GRCh38 -> Warning, breakpoint ``None``, row kept.
- ``supporting_reads`` = ``split_reads1 + split_reads2 + discordant_mates`` (Arriba's own definition of
  supporting fragments; reads listed in ``filters`` were discarded by Arriba and are not counted).
- ``support_level`` <- ``confidence`` (low/medium/high) via ``SUPPORT_LEVELS``.
- ``caller_confidence``: the ``confidence`` word, then ``reading_frame=`` and ``tags=`` when known,
  e.g. ``"high;reading_frame=in-frame;tags=Mitelman"``.
- ``flags`` from ``type`` via ``TYPE_FLAGS``: ``read-through`` (Arriba marks deletions < 400 kb that may
  be read-through transcription) and ``non-canonical-splicing`` (intragenic duplications at splice sites,
  likely circular RNA). Exception, like STAR-Fusion's free pass for known cancer fusions: when ``tags``
  is filled (the fusion matched the user's known-fusion list given with ``-t``) no flag is set, because
  real ALL deletions such as P2RY8::CRLF2 (~320 kb) and STIL::TAL1 fall in Arriba's read-through range.
  ``ITD`` is not a flag (FLT3-ITD is real). ``filters`` lists discarded reads, not a verdict: unused.

Not accepted
------------
``fusions.discarded.tsv`` has the same header as ``fusions.tsv`` but holds what Arriba judged to be
artefacts; a file named ``*.discarded.tsv[.gz]`` is refused with a pointer to ``fusions.tsv``.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import InputFormatError
from ..genome import CONTIG_LENGTHS, normalize_chrom
from ..model import Fusion, SourceRef, Warning
from .base import ReadResult
from .sniff import open_text

__all__ = ["SUPPORT_LEVELS", "TYPE_FLAGS", "read_arriba", "checked_breakpoint"]

FORMAT = "arriba"

SUPPORT_LEVELS: dict[str, str] = {"high": "high", "medium": "medium", "low": "low"}
"""Arriba ``confidence`` -> support_level. Arriba assigns exactly these three words
(documentation/05-Output-files.md, "confidence"); anything else reads as "unknown"."""

TYPE_FLAGS: dict[str, str] = {"read-through": "read-through", "non-canonical-splicing": "non-canonical-splicing"}
"""Keyword inside Arriba ``type`` -> flag. Arriba documents both as frequent false-positive classes
(documentation/05-Output-files.md, "type"; 08-Interpretation-of-results, "frequent types of false positives")."""

REQUIRED = ("gene1", "gene2", "breakpoint1", "breakpoint2", "type", "split_reads1", "split_reads2",
            "discordant_mates", "confidence")
_MISSING = {"", "."}
_BREAKPOINT = re.compile(r"^(?P<chrom>[^:\s]+):(?P<pos>[^:\s]*)(?::[+\-.])?$")
_CANDIDATE = re.compile(r"^(?P<gene>[^()]+?)(?:\((?P<dist>\d+)\))?$")
_DISCARDED = re.compile(r"\.discarded\.tsv(\.gz)?$", re.IGNORECASE)


def read_arriba(path: Path) -> ReadResult:
    """Read an Arriba ``fusions.tsv`` (either column order, plain or gzip) into Fusion events."""
    path = Path(path)
    if _DISCARDED.search(path.name):
        raise InputFormatError(
            path, None, "this is Arriba's fusions.discarded.tsv: calls Arriba rejected as artefacts, not evidence",
            "pass the fusions.tsv written next to it (Arriba option -o)",
        )
    if path.stat().st_size == 0:
        raise InputFormatError(path, None, "empty file", "an Arriba fusions.tsv starts with a '#gene1' header line")
    result = ReadResult(format=FORMAT)
    try:
        with open_text(path) as fh:
            _read(fh, path, result)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise InputFormatError(
            path, None, f"not readable as UTF-8 text ({exc.__class__.__name__})",
            "Arriba writes plain tab-separated text; gzip is accepted",
        ) from None
    return result


def _read(fh, path: Path, result: ReadResult) -> None:
    lines = enumerate(fh, start=1)
    columns = _find_header(lines, path)
    needed = max(columns[name] for name in REQUIRED)
    rows = skipped = 0
    for line_no, raw in lines:
        text = raw.rstrip("\r\n")
        if not text.strip() or text.startswith("#"):
            continue
        rows += 1
        fields = text.split("\t")
        source = SourceRef(str(path), line_no)

        def warn(message: str, source=source) -> None:
            result.warnings.append(Warning(f"{path}:{source.line}: {message}", source))

        if len(fields) <= needed:
            warn(f"row has {len(fields)} fields, the header {needed + 1} or more (is it tab-separated?); row skipped")
            skipped += 1
            continue
        fusion = _row_to_fusion(fields, columns, source, warn)
        if fusion is None:
            skipped += 1
        else:
            result.events.append(fusion)
    result.stats = {"rows": rows, "fusions": len(result.events), "skipped": skipped}


def _find_header(lines, path: Path) -> dict[str, int]:
    for line_no, raw in lines:
        text = raw.rstrip("\r\n")
        if not text.strip() or text.startswith("##"):
            continue
        names = [name.strip().lstrip("#").strip().lower() for name in text.split("\t")]
        columns: dict[str, int] = {}
        for index, name in enumerate(names):
            columns.setdefault(name, index)
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise InputFormatError(
                path, line_no, f"not an Arriba fusions.tsv header: missing column(s) {', '.join(missing)}",
                f"Arriba's header starts '#gene1<TAB>gene2<TAB>strand1(gene/fusion)'; saw {text[:120]!r}",
            )
        return columns
    raise InputFormatError(path, None, "no header line", "an Arriba fusions.tsv starts with a '#gene1' header line")


def _row_to_fusion(fields: list[str], columns: dict[str, int], source: SourceRef, warn) -> Fusion | None:
    def cell(name: str) -> str | None:
        index = columns.get(name)
        value = fields[index].strip() if index is not None and index < len(fields) else ""
        return None if value in _MISSING else value

    flags: list[str] = []
    genes = []
    for column, end in (("gene1", "5'"), ("gene2", "3'")):
        gene, intergenic = _closest_gene(cell(column))
        if gene is None:
            warn(f"empty {end} partner (column {column!r}: {fields[columns[column]].strip()!r}); row skipped")
            return None
        if intergenic and "intergenic" not in flags:
            flags.append("intergenic")
        genes.append(gene)
    event_type, tags = cell("type") or "", cell("tags")
    if tags is None:
        flags.extend(flag for keyword, flag in TYPE_FLAGS.items() if keyword in event_type.split("/"))
    confidence = cell("confidence")
    detail = [confidence or "."]
    if cell("reading_frame"):
        detail.append(f"reading_frame={cell('reading_frame')}")
    if tags:
        detail.append(f"tags={tags}")
    return Fusion(
        gene5=genes[0],
        gene3=genes[1],
        caller=FORMAT,
        source=source,
        breakpoint5=checked_breakpoint(cell("breakpoint1"), "breakpoint1", warn),
        breakpoint3=checked_breakpoint(cell("breakpoint2"), "breakpoint2", warn),
        supporting_reads=_support(cell, warn),
        support_level=SUPPORT_LEVELS.get((confidence or "").lower(), "unknown"),
        caller_confidence=";".join(detail) if confidence or len(detail) > 1 else None,
        flags=tuple(flags),
    )


def _closest_gene(value: str | None) -> tuple[str | None, bool]:
    """'GENE' -> ('GENE', False); 'A(1261),B(1662)' -> ('A', True): the nearest candidate, flagged."""
    if value is None:
        return None, False
    candidates = []
    for order, part in enumerate(value.split(",")):
        match = _CANDIDATE.match(part.strip())
        if match and match["gene"].strip() not in _MISSING:
            distance = int(match["dist"]) if match["dist"] else None
            candidates.append((distance is None, distance or 0, order, match["gene"].strip()))
    if not candidates:
        return None, False
    intergenic = len(candidates) > 1 or "(" in value
    return min(candidates)[3], intergenic


def _support(cell: Callable[[str], str | None], warn) -> int | None:
    total = 0
    for column in ("split_reads1", "split_reads2", "discordant_mates"):
        value = cell(column)
        if value is None or not value.isdigit():
            warn(f"{column} {value or 'empty'!r} is not a whole number; read support left unknown")
            return None
        total += int(value)
    return total


def checked_breakpoint(value: str | None, column: str, warn: Callable[[str], None]) -> str | None:
    """'chr22:23632600' or 'chr22:23632600:+' -> '22:23632600'; malformed or impossible positions warn, give None.

    Impossible = beyond the chromosome's end in both GRCh37 and GRCh38 (``genome.CONTIG_LENGTHS``);
    contigs not in that table (unplaced, viral) are not checked.
    """
    if value is None:
        return None
    match = _BREAKPOINT.match(value)
    if match is None or not match["pos"].isdigit() or int(match["pos"]) < 1:
        warn(f"{column} {value!r} is not CHROM:POS (e.g. 22:23632600); breakpoint left unknown")
        return None
    chrom, pos = normalize_chrom(match["chrom"]), int(match["pos"])
    lengths = [table[chrom] for table in CONTIG_LENGTHS.values() if chrom in table]
    if lengths and pos > max(lengths):
        warn(f"{column} {value!r} lies beyond the end of chromosome {chrom} in GRCh37 and GRCh38; "
             "breakpoint left unknown")
        return None
    return f"{chrom}:{pos}"
