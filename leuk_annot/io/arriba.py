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

import re
from pathlib import Path

from ..errors import InputFormatError
from ..model import Fusion
from .base import ReadResult
from .caller_table import CallerTable, Point, Row, fusion_from_row, read_caller_table, read_total

__all__ = ["SUPPORT_LEVELS", "TYPE_FLAGS", "read_arriba"]

FORMAT = "arriba"

SUPPORT_LEVELS: dict[str, str] = {"high": "high", "medium": "medium", "low": "low"}
"""Arriba ``confidence`` -> support_level. Arriba assigns exactly these three words
(documentation/05-Output-files.md, "confidence"); anything else reads as "unknown"."""

TYPE_FLAGS: dict[str, str] = {"read-through": "read-through", "non-canonical-splicing": "non-canonical-splicing"}
"""Keyword inside Arriba ``type`` -> flag. Arriba documents both as frequent false-positive classes
(documentation/05-Output-files.md, "type"; 08-Interpretation-of-results, "frequent types of false positives")."""

REQUIRED = ("gene1", "gene2", "breakpoint1", "breakpoint2", "type", "split_reads1", "split_reads2",
            "discordant_mates", "confidence")
READS = ("split_reads1", "split_reads2", "discordant_mates")
TABLE = CallerTable(
    FORMAT,
    "Arriba fusions.tsv",
    REQUIRED,
    breakpoints=(Point(("breakpoint1",), "breakpoint1"), Point(("breakpoint2",), "breakpoint2")),
    reads=READS,
)
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
    return read_caller_table(path, TABLE, _row_to_fusion)


def _row_to_fusion(row: Row) -> Fusion | None:
    flags: list[str] = []
    genes = []
    for column, end in (("gene1", "5'"), ("gene2", "3'")):
        gene, intergenic = _closest_gene(row.get(column))
        if gene is None:
            row.warn(f"empty {end} partner (column {column!r}: {row.cells[column].strip()!r}); row skipped")
            return None
        if intergenic and "intergenic" not in flags:
            flags.append("intergenic")
        genes.append(gene)
    tags = row.get("tags")
    if tags is None:
        keywords = (row.get("type") or "").split("/")
        flags.extend(flag for keyword, flag in TYPE_FLAGS.items() if keyword in keywords)
    confidence = row.get("confidence")
    detail = [confidence or "."]
    if row.get("reading_frame"):
        detail.append(f"reading_frame={row.get('reading_frame')}")
    if tags:
        detail.append(f"tags={tags}")
    return fusion_from_row(
        row,
        TABLE,
        genes[0],
        genes[1],
        supporting_reads=read_total(row, *READS),  # counts warn before breakpoints
        support_level=SUPPORT_LEVELS.get((confidence or "").lower(), "unknown"),
        caller_confidence=";".join(detail) if confidence or len(detail) > 1 else None,
        flags=flags,
    )


def _closest_gene(value: str | None) -> tuple[str | None, bool]:
    """'GENE' -> ('GENE', False); 'A(1261),B(1662)' -> ('A', True): the nearest candidate, flagged."""
    if value is None:
        return None, False
    candidates = []
    for order, part in enumerate(value.split(",")):
        match = _CANDIDATE.match(part.strip())
        if match and match["gene"].strip() not in ("", "."):
            distance = int(match["dist"]) if match["dist"] else None
            candidates.append((distance is None, distance or 0, order, match["gene"].strip()))
    if not candidates:
        return None, False
    intergenic = len(candidates) > 1 or "(" in value
    return min(candidates)[3], intergenic
