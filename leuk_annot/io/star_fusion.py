"""STAR-Fusion ``*.fusion_predictions(.abridged).tsv`` (format ``"star-fusion"``), columns mapped by header name.

Source of the spec: STAR-Fusion wiki (github.com/STAR-Fusion/STAR-Fusion/wiki), its ``testing/`` outputs
and ``FusionFilter/PerlLib/AnnotFilterRule.pm``; real files in ``shared/real_data/fusions/star-fusion``.

Layouts (a column is found by its NAME, a leading ``#`` ignored; plain or gzip text)
----------------------------------------------------------------------------------
- current (1.x): ``#FusionName JunctionReadCount SpanningFragCount [est_J est_S] SpliceType LeftGene
  LeftBreakpoint RightGene RightBreakpoint [JunctionReads SpanningFrags] LargeAnchorSupport FFPM
  LeftBreakDinuc LeftBreakEntropy RightBreakDinuc RightBreakEntropy annots`` (+ ``CDS_LEFT_ID ...
  PROT_FUSION_TYPE ... PFAM_RIGHT`` with ``--examine_coding_effect``). Full vs abridged differ only in
  the read-name lists ``JunctionReads``/``SpanningFrags``.
- 0.x ``star-fusion.fusion_candidates.final.abridged`` (9 columns): up to ``LargeAnchorSupport``, no FFPM.
- 0.x ``*.final.abridged.FFPM`` (11 columns) and its full ``*.final.FFPM`` (13 columns, with the
  ``JunctionReads SpanningFrags`` read lists): ``J_FFPM`` + ``S_FFPM`` instead of ``FFPM``
  (FFPM = J_FFPM + S_FFPM: both are fragments per million total fragments). The 11-column form is in
  STAR-Fusion's ``testing/__saved``; the 13-column full form is inferred from it (same columns plus the lists).
- Not read: the oldest 0.x ``#fusion_name JunctionReads SpanningFrags Splice_type ...`` layout (its header
  repeats ``JunctionReads``/``SpanningFrags`` for counts and read lists); it is refused with the header seen.

Columns used
------------
- Partners: ``LeftGene``/``RightGene`` (``SYMBOL^ENSG...``; the ``^ENSG`` suffix is dropped); when a
  symbol is missing, ``#FusionName`` split on ``--`` (``::`` accepted), then the bare Ensembl id.
  No partner from either -> Warning naming ``file:line``, row skipped.
- ``LeftBreakpoint``/``RightBreakpoint``: ``chr22:23632600:+`` (1-based genome position of the junction
  base, strand last) -> ``"22:23632600"``. Malformed or beyond the chromosome in both builds -> Warning,
  ``None``, row kept.
- ``supporting_reads`` = ``JunctionReadCount + SpanningFragCount`` (split + spanning fragments; the
  multi-mapping-corrected ``est_J``/``est_S`` are not used).
- ``support_level`` by ``support_level()`` below; ``caller_confidence`` e.g.
  ``"FFPM=3.8046;J=3;S=56;LargeAnchorSupport=YES_LDAS"``.
- ``flags`` from ``annots`` by ``ANNOT_FLAGS``, unless a ``FREE_PASS`` database is also named.
  ``INTRACHROMOSOMAL[...]`` and ``LOCAL_REARRANGEMENT`` are NOT flags: P2RY8::CRLF2 and STIL::TAL1 are
  intrachromosomal and close.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputFormatError
from ..model import Fusion
from ..normalize import parse_fusion_name
from .base import ReadResult
from .caller_table import CallerTable, Point, Row, fusion_from_row, read_caller_table, whole_number

__all__ = ["ANNOT_FLAGS", "FREE_PASS", "MIN_FFPM", "support_level", "read_star_fusion"]

FORMAT = "star-fusion"

MIN_FFPM = 0.1
"""STAR-Fusion's default ``--min_FFPM`` (wiki, "STAR-Fusion output"; rows below it appear only when a
user lowers the filter)."""


def support_level(junction: int | None, spanning: int | None, ffpm: float | None, anchor: str | None) -> str:
    """STAR-Fusion support -> high/medium/low/unknown.

    - FFPM below STAR-Fusion's default filter (0.1) -> low.
    - No junction (split) read, or junction reads without a long anchor on both sides and no spanning
      fragment (``NO_LDAS``; the wiki calls such split-read-only calls "highly suspicious") -> medium.
    - No FFPM column (0.x layouts): expression-normalised support cannot be judged -> medium.
    - Otherwise (FFPM >= 0.1 with at least one junction read) -> high.
    """
    if junction is None or spanning is None:
        return "unknown"
    if ffpm is not None and ffpm < MIN_FFPM:
        return "low"
    if junction == 0 or (anchor == "NO_LDAS" and spanning == 0) or ffpm is None:
        return "medium"
    return "high"


ANNOT_FLAGS: dict[str, str] = {
    "NEIGHBORS": "read-through",  # FusionAnnotator: partners are neighbouring genes (also NEIGHBORS_OVERLAP)
    "ConjoinG": "read-through",  # ConjoinG: conjoined genes (read-through transcripts)
    "GTEx_recurrent": "healthy-background",
    "BodyMap": "healthy-background",
    "Greger_Normal": "healthy-background",
    "Babiceanu_Normal": "healthy-background",
    "DGD_PARALOGS": "paralog",
    "HGNC_GENEFAM": "paralog",
}
"""Substring of ``annots`` -> flag. The red-herring list is STAR-Fusion's own ``@FILTER_FLAGS``
(AnnotFilterRule.pm); NEIGHBORS is the neighbouring-gene annotation its filters also remove."""

FREE_PASS = ("Mitelman", "chimerdb_omim", "chimerdb_pubmed", "ChimerKB", "ChimerPub", "Cosmic", "HaasMedCancer")
"""Cancer-fusion databases that exempt a fusion from the red-herring flags (AnnotFilterRule.pm ``@FREE_PASS``)."""

REQUIRED = ("FusionName", "JunctionReadCount", "SpanningFragCount")
TABLE = CallerTable(
    FORMAT,
    "STAR-Fusion fusion_predictions.tsv",
    REQUIRED,
    breakpoints=(Point(("LeftBreakpoint",), "LeftBreakpoint"), Point(("RightBreakpoint",), "RightBreakpoint")),
)


def read_star_fusion(path: Path) -> ReadResult:
    """Read a STAR-Fusion prediction table (any layout above, plain or gzip) into Fusion events."""
    return read_caller_table(path, TABLE, _row_to_fusion)


def _row_to_fusion(row: Row) -> Fusion | None:
    genes = _partners(row)
    if genes is None:
        return None
    junction = _count(row, "JunctionReadCount")
    spanning = _count(row, "SpanningFragCount")
    ffpm, ffpm_text = _ffpm(row)
    anchor = row.get("LargeAnchorSupport")
    return fusion_from_row(
        row,
        TABLE,
        genes[0],
        genes[1],
        supporting_reads=None if junction is None or spanning is None else junction + spanning,
        support_level=support_level(junction, spanning, ffpm, anchor),
        caller_confidence=_describe(ffpm_text, junction, spanning, anchor, row.get("PROT_FUSION_TYPE")),
        flags=_flags(row.get("annots")),
    )


def _partners(row: Row) -> tuple[str, str] | None:
    """Symbols from LeftGene/RightGene, else from #FusionName, else the bare Ensembl id of LeftGene/RightGene."""
    cells = [_split_gene(row.get("LeftGene")), _split_gene(row.get("RightGene"))]
    genes = [symbol for symbol, _ in cells]
    name = row.get("FusionName")
    if None in genes and name is not None:
        try:
            from_name: tuple[str | None, str | None] = parse_fusion_name(name, path=row.path, line=row.line)
        except InputFormatError as exc:
            if cells == [(None, None), (None, None)]:
                row.warn(f"{exc.message}; row skipped")
                return None
            from_name = (None, None)
        genes = [gene or fallback for gene, fallback in zip(genes, from_name)]
    genes = [gene or gene_id for gene, (_, gene_id) in zip(genes, cells)]
    for gene, end in zip(genes, ("5' (LeftGene)", "3' (RightGene)")):
        if gene is None:
            row.warn(f"empty {end} partner in {name or 'an unnamed fusion'!r}; row skipped")
            return None
    return genes[0], genes[1]


def _split_gene(value: str | None) -> tuple[str | None, str | None]:
    """'BCR^ENSG00000186716.15' -> ('BCR', 'ENSG00000186716.15'); '^ENSG...' -> (None, 'ENSG...')."""
    if value is None:
        return None, None
    symbol, _, gene_id = value.partition("^")
    return symbol.strip() or None, gene_id.strip() or None


def _count(row: Row, column: str) -> int | None:
    number = whole_number(row, column)
    if number is None and row.get(column) is None:
        row.warn(f"{column} is empty; read support left unknown")
    return number


def _ffpm(row: Row) -> tuple[float | None, str | None]:
    """(FFPM, its text): the FFPM column, else J_FFPM + S_FFPM (0.x files); (None, None) when absent."""
    raw = row.get("FFPM")
    parts = [raw] if raw is not None else [row.get("J_FFPM"), row.get("S_FFPM")]
    if all(part is None for part in parts):
        return None, None
    try:
        value = round(sum(float(part) for part in parts), 4)  # J_FFPM + S_FFPM as printed, 4 decimals
    except (TypeError, ValueError):
        row.warn(f"FFPM {'/'.join(str(part) for part in parts)!r} is not a number; FFPM left unknown")
        return None, None
    return value, raw if raw is not None else f"{value:.4f}"


def _describe(ffpm: str | None, junction, spanning, anchor, prot_type) -> str:
    parts = [f"FFPM={ffpm}"] if ffpm is not None else []
    parts += [f"J={junction}", f"S={spanning}"]
    if anchor:
        parts.append(f"LargeAnchorSupport={anchor}")
    if prot_type:
        parts.append(f"PROT_FUSION_TYPE={prot_type}")
    return ";".join(parts)


def _flags(annots: str | None) -> tuple[str, ...]:
    if not annots or any(name in annots for name in FREE_PASS):
        return ()
    flags: list[str] = []
    for key, flag in ANNOT_FLAGS.items():
        if key in annots and flag not in flags:
            flags.append(flag)
    return tuple(flags)
