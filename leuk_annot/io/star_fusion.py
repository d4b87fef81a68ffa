"""STAR-Fusion ``*.fusion_predictions(.abridged).tsv`` (format ``"star-fusion"``), columns mapped by header name.

Source of the spec: STAR-Fusion wiki (github.com/STAR-Fusion/STAR-Fusion/wiki), its ``testing/`` outputs
and ``FusionFilter/PerlLib/AnnotFilterRule.pm``; real files in ``shared/real_data/fusions/star-fusion``.

Layouts (all read; a column is found by its NAME, case-insensitively, a leading ``#`` ignored)
-------------------------------------------------------------------------------------------
- current (1.x): ``#FusionName JunctionReadCount SpanningFragCount [est_J est_S] SpliceType LeftGene
  LeftBreakpoint RightGene RightBreakpoint [JunctionReads SpanningFrags] LargeAnchorSupport FFPM
  LeftBreakDinuc LeftBreakEntropy RightBreakDinuc RightBreakEntropy annots`` (+ ``CDS_LEFT_ID ...
  PROT_FUSION_TYPE ... PFAM_RIGHT`` with ``--examine_coding_effect``). Full vs abridged differ only in
  the read-name lists ``JunctionReads``/``SpanningFrags``.
- 0.x ``star-fusion.fusion_candidates.final.abridged`` (9 columns): up to ``LargeAnchorSupport``, no FFPM.
- 0.x ``*.final.abridged.FFPM`` (11 columns) and its full ``*.final.FFPM`` (13 columns, with the
  ``JunctionReads SpanningFrags`` read lists): ``J_FFPM`` + ``S_FFPM`` instead of ``FFPM``
  (FFPM = J_FFPM + S_FFPM: both are fragments per million total fragments).
- oldest 0.x (``#fusion_name JunctionReads SpanningFrags Splice_type ...``): the FIRST ``JunctionReads``/
  ``SpanningFrags`` columns are the counts (the header repeats the names for the read lists).

Columns used
------------
- Partners: ``LeftGene``/``RightGene`` (``SYMBOL^ENSG...``; the ``^ENSG`` suffix is dropped, the id is
  used when the symbol is empty), falling back to ``#FusionName`` split on ``--`` (``::`` accepted).
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

import gzip
from pathlib import Path

from ..errors import InputFormatError
from ..model import Fusion, SourceRef, Warning
from ..normalize import parse_fusion_name
from .arriba import checked_breakpoint
from .base import ReadResult
from .sniff import open_text

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

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("fusionname", "fusion_name"),
    "junction": ("junctionreadcount", "junctionreads"),
    "spanning": ("spanningfragcount", "spanningfrags"),
    "left_gene": ("leftgene",),
    "right_gene": ("rightgene",),
    "left_bp": ("leftbreakpoint",),
    "right_bp": ("rightbreakpoint",),
    "anchor": ("largeanchorsupport",),
    "ffpm": ("ffpm",),
    "j_ffpm": ("j_ffpm",),
    "s_ffpm": ("s_ffpm",),
    "annots": ("annots",),
    "prot_type": ("prot_fusion_type",),
}
_MISSING = {"", ".", "NA"}


def read_star_fusion(path: Path) -> ReadResult:
    """Read a STAR-Fusion prediction table (any layout above, plain or gzip) into Fusion events."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise InputFormatError(path, None, "empty file", "a STAR-Fusion table starts with a '#FusionName' header")
    result = ReadResult(format=FORMAT)
    try:
        with open_text(path) as fh:
            _read(fh, path, result)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise InputFormatError(
            path, None, f"not readable as UTF-8 text ({exc.__class__.__name__})",
            "STAR-Fusion writes plain tab-separated text; gzip is accepted",
        ) from None
    return result


def _read(fh, path: Path, result: ReadResult) -> None:
    lines = enumerate(fh, start=1)
    columns = _find_header(lines, path)
    needed = max(columns[key] for key in ("junction", "spanning"))
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
            warn(f"row has {len(fields)} fields, the header more (is it tab-separated?); row skipped")
            skipped += 1
            continue
        fusion = _row_to_fusion(fields, columns, source, path, warn)
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
        first: dict[str, int] = {}
        for index, name in enumerate(text.split("\t")):
            first.setdefault(name.strip().lstrip("#").strip().lower(), index)  # first of repeated names wins
        columns = {}
        for key, aliases in _ALIASES.items():
            hit = next((first[alias] for alias in aliases if alias in first), None)
            if hit is not None:
                columns[key] = hit
        has_genes = "name" in columns or {"left_gene", "right_gene"} <= columns.keys()
        if not has_genes or "junction" not in columns or "spanning" not in columns:
            raise InputFormatError(
                path, line_no, "not a STAR-Fusion header: needs #FusionName (or LeftGene + RightGene), "
                "JunctionReadCount and SpanningFragCount",
                f"STAR-Fusion's header starts '#FusionName<TAB>JunctionReadCount<TAB>'; saw {text[:120]!r}",
            )
        return columns
    raise InputFormatError(path, None, "no header line", "a STAR-Fusion table starts with a '#FusionName' header")


def _row_to_fusion(fields: list[str], columns: dict[str, int], source: SourceRef, path: Path, warn) -> Fusion | None:
    def cell(key: str) -> str | None:
        index = columns.get(key)
        value = fields[index].strip() if index is not None and index < len(fields) else ""
        return None if value in _MISSING else value

    genes = _partners(cell("left_gene"), cell("right_gene"), cell("name"), source, path, warn)
    if genes is None:
        return None
    junction = _count(cell("junction"), "JunctionReadCount", warn)
    spanning = _count(cell("spanning"), "SpanningFragCount", warn)
    ffpm, ffpm_text = _ffpm(cell, warn)
    anchor = cell("anchor")
    return Fusion(
        gene5=genes[0],
        gene3=genes[1],
        caller=FORMAT,
        source=source,
        breakpoint5=checked_breakpoint(cell("left_bp"), "LeftBreakpoint", warn),
        breakpoint3=checked_breakpoint(cell("right_bp"), "RightBreakpoint", warn),
        supporting_reads=None if junction is None or spanning is None else junction + spanning,
        support_level=support_level(junction, spanning, ffpm, anchor),
        caller_confidence=_describe(ffpm_text, cell("junction"), cell("spanning"), anchor, cell("prot_type")),
        flags=_flags(cell("annots")),
    )


def _partners(left, right, name, source: SourceRef, path: Path, warn) -> tuple[str, str] | None:
    genes = [_symbol(left), _symbol(right)]
    if None in genes and name is not None:
        try:
            from_name = parse_fusion_name(name, path=path, line=source.line)
        except InputFormatError as exc:
            if genes == [None, None]:
                warn(f"{exc.message}; row skipped")
                return None
            from_name = (None, None)
        genes = [gene or fallback for gene, fallback in zip(genes, from_name)]
    for gene, end in zip(genes, ("5' (LeftGene)", "3' (RightGene)")):
        if gene is None:
            warn(f"empty {end} partner in {name or 'an unnamed fusion'!r}; row skipped")
            return None
    return genes[0], genes[1]


def _symbol(value: str | None) -> str | None:
    """'BCR^ENSG00000186716.15' -> 'BCR'; '^ENSG...' -> the id; None stays None."""
    if value is None:
        return None
    symbol, _, gene_id = value.partition("^")
    return symbol.strip() or gene_id.strip() or None


def _count(value: str | None, column: str, warn) -> int | None:
    if value is not None and value.isdigit():
        return int(value)
    warn(f"{column} {value or 'empty'!r} is not a whole number; read support left unknown")
    return None


def _ffpm(cell, warn) -> tuple[float | None, str | None]:
    """(FFPM, its text): the FFPM column, else J_FFPM + S_FFPM (0.x files); (None, None) when absent."""
    raw = cell("ffpm")
    parts = [raw] if raw is not None else [cell("j_ffpm"), cell("s_ffpm")]
    if all(part is None for part in parts):
        return None, None
    try:
        value = sum(float(part) for part in parts)
    except (TypeError, ValueError):
        warn(f"FFPM {'/'.join(str(part) for part in parts)!r} is not a number; FFPM left unknown")
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
