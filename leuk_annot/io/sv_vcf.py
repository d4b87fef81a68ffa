"""Structural-variant VCF reader (Manta, Delly, GRIDSS, other breakend VCFs): one event per novel adjacency.

Format (VCF 4.1-4.4, plain or bgzipped text; BCF through ``vcf.py``): the columns of any VCF, read as text
so that every event keeps its file line. The orientation of each adjacency is taken from the ALT
notation, never from ``SVTYPE`` alone (VCF 4.4 deprecates it); ``StructuralVariant.svtype`` is then
derived from the adjacency (same chromosome, sides ordered so that pos1 <= pos2: keeps left/right ->
``DEL``, right/left -> ``DUP``, left/left or right/right -> ``INV``; different chromosomes -> ``BND``).

How each ALT becomes an adjacency (breakend notation, symbolic ALTs, Delly ``CT``) is in
``breakends.py``; how breakend mates are paired into one event, in ``sv_pairing.py``; the caller,
tumour sample, supporting reads and support level, in ``sv_support.py``. FILTER ``PASS`` and ``.``
are kept by default; ``include_filtered=True`` keeps everything, with ``filter`` set.

Genome build from the header exactly as ``vcf.py`` decides it (``genome`` has the same meaning).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import LeukAnnotError
from ..model import SourceRef, Warning
from .base import ReadResult
from .breakends import (
    _NOT_ALT,
    _SINGLE,
    _SYMBOLIC,
    CT_KEEPS,
    Breakend,
    _from_breakend,
    _from_sequence,
    _from_symbolic,
    _looks_structural,
    parse_breakend,
    svtype_of,
)
from .sv_pairing import _Item, _pair
from .sv_records import _Context, _is_bcf, _parse_record, _Record, _text_lines
from .sv_support import _detect_caller, _tumour
from .vcf import _decide_build, _Header, _scan_header

__all__ = ["CT_KEEPS", "Breakend", "parse_breakend", "read_sv_vcf", "sniff_sv_vcf", "svtype_of"]

_SNIFF_RECORDS = 200


def read_sv_vcf(
    path: Path, *, genome: str = "auto", include_filtered: bool = False, tumor_id: str | None = None
) -> ReadResult:
    """Read a structural-variant VCF into ``StructuralVariant`` events, one per novel adjacency."""
    path = Path(path)
    _scan_header(path)  # empty, corrupt, not-a-VCF and missing-#CHROM files fail here, with a line
    lines = _text_lines(path, _is_bcf(path))
    meta: list[str] = []
    columns: list[str] = []
    for _number, text in lines:
        if text.startswith("##"):
            meta.append(text)
            continue
        columns = text.split("\t")
        break
    header = _Header.parse("\n".join(meta))
    build, evidence, build_warnings = _decide_build(path, header, genome)
    caller = _detect_caller(header)
    samples = columns[9:]
    sample, sample_index, sample_warning = _tumour(path, samples, header, tumor_id, caller)
    result = ReadResult(format="sv-vcf", sample=sample, genome_build=build, build_evidence=evidence)
    result.warnings.extend(build_warnings)
    if sample_warning:
        result.warnings.append(Warning(sample_warning, SourceRef(str(path))))
    stats = dict.fromkeys(
        (
            "records",
            "adjacencies",
            "kept",
            "filtered",
            "paired",
            "single_record",
            "mate_missing",
            "single_breakend",
            "skipped_cnv",
            "skipped_other",
            "multi_allelic",
            "blank_lines",
        ),
        0,
    )
    ctx = _Context(path, caller, result.warnings, stats)
    items: list[_Item] = []
    for number, text in lines:
        if not text.strip():
            stats["blank_lines"] += 1
            continue
        rec = _parse_record(path, number, text, sample_index)
        stats["records"] += 1
        alts = [a for a in rec.alts if a not in _NOT_ALT]
        if len(alts) > 1:
            stats["multi_allelic"] += 1
        for alt in alts:
            item = _read_alt(ctx, rec, alt, paired=len(alts) == 1)
            if item is not None:
                items.append(item)
    for event in _pair(ctx, items):
        stats["adjacencies"] += 1
        if event.filter not in ("PASS", "."):
            stats["filtered"] += 1
            if not include_filtered:
                continue
        result.events.append(event)
        stats["kept"] += 1
    result.stats.update(stats)
    return result


def _read_alt(ctx: _Context, rec: _Record, alt: str, paired: bool) -> _Item | None:
    symbolic = _SYMBOLIC.match(alt)
    if symbolic:
        adj = _from_symbolic(ctx, rec, symbolic.group(1))
        return _Item(rec, adj, False) if adj else None
    if _SINGLE.match(alt):
        ctx.stats["single_breakend"] += 1
        return None
    if "[" in alt or "]" in alt:
        return _Item(rec, _from_breakend(ctx, rec, alt), paired)
    adj = _from_sequence(ctx, rec, alt)
    return _Item(rec, adj, False) if adj else None

def sniff_sv_vcf(path: Path) -> bool:
    """True for a VCF of structural variants (used to recognise one passed as the small-variant input).

    Records decide when there are any: most of the first 200 carry a symbolic or breakend ALT or an
    INFO ``SVTYPE`` (a small-variant VCF with a stray ``<DEL>`` stays a small-variant VCF, and VEP
    headers declare ``SVTYPE`` too). A VCF without records is an SV VCF if its header declares
    ``SVTYPE``, ``MATEID`` or ``CHR2``.
    """
    path = Path(path)
    try:
        _scan_header(path)
        declared = False
        seen = structural = 0
        for _number, text in _text_lines(path, _is_bcf(path)):
            if text.startswith("##INFO=<ID="):
                declared = declared or re.match(r"##INFO=<ID=(SVTYPE|MATEID|CHR2),", text) is not None
                continue
            if text.startswith("#") or not text.strip():
                continue
            columns = text.split("\t")
            if len(columns) < 8:
                continue
            seen += 1
            alts = columns[4].split(",")
            if any(_looks_structural(a) for a in alts if a not in _NOT_ALT) or re.search(
                r"(^|;)SVTYPE=", columns[7]
            ):
                structural += 1
            if seen >= _SNIFF_RECORDS:
                break
    except (LeukAnnotError, OSError, EOFError, ValueError):
        return False
    return structural * 2 > seen if seen else declared
