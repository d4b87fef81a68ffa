"""Structural-variant VCF reader (Manta, Delly, GRIDSS, other breakend VCFs): one event per novel adjacency.

Format (VCF 4.1-4.4, plain or bgzipped text; BCF through ``vcf.py``): the columns of any VCF, read as text
so that every event keeps its file line. The orientation of each adjacency is taken from the ALT
notation, never from ``SVTYPE`` alone (VCF 4.4 deprecates it); ``StructuralVariant.svtype`` is then
derived from the adjacency (same chromosome, sides ordered so that pos1 <= pos2: keeps left/right ->
``DEL``, right/left -> ``DUP``, left/left or right/right -> ``INV``; different chromosomes -> ``BND``).

Breakend ALTs (VCF 4.3 section 5.4; ``t`` = bases at POS, ``p`` = mate ``chrom:pos`` split on the LAST
``:`` so that contig names may contain colons; ``<ctg>`` brackets around the mate contig are removed):

    ``t[p[``  this record keeps left,  mate keeps right
    ``t]p]``  this record keeps left,  mate keeps left   (mate joined reverse-complemented)
    ``]p]t``  this record keeps right, mate keeps left
    ``[p[t``  this record keeps right, mate keeps right  (mate joined reverse-complemented)

Single breakends (``t.``/``.t``) have no partner locus and are skipped with a count in ``stats``.
Mates are paired by ``MATEID`` (older GRIDSS: ``PARID``); records without either are paired when
each points at the other's locus. A pair becomes one event whose ``source`` is the first record's
line (the mate's ID and line are in ``source.record``); a record whose ``MATEID`` is absent from the
file is read from its own ALT, flagged ``mate-missing`` and counted. The FILTER of a pair is the
union of both records' filters.

Symbolic ALTs. ``POS`` is the padding base before the event and ``END`` the last affected base
(``END`` missing: ``POS + |SVLEN|``); the adjacencies are written exactly as the equivalent breakend
pairs would be, so a symbolic and a BND deletion of the same bases give the same event:

    ``<DEL>``               (POS, left)   -> (END+1, right)   bases POS+1..END deleted
    ``<DUP>``/``<DUP:TANDEM>`` (POS+1, right) -> (END, left)  bases POS+1..END duplicated in tandem
    ``<INV>`` + INV3 or CT=3to3  (POS, left) -> (END, left)
    ``<INV>`` + INV5 or CT=5to5  (POS+1, right) -> (END+1, right)
    ``<INV>`` without either     (POS, None) -> (END, None): a caller that does not say which of the
                                 two junctions it saw; one event, svtype ``INV``
    ``<INS>``, ``<INS:ME...>``   pos1 = pos2 = POS, keeps None, svtype ``INS``
    ``<TRA>``/``<BND>`` (Delly)  (POS, CT) -> (CHR2:POS2 or END, CT)
    ``<CNV>``, ``<CN#>``         skipped and counted: copy number belongs to the CNV readers
Sequence-resolved alleles (Manta writes small SVs so): REF longer than one base -> deletion
adjacency (POS, left) -> (POS+len(REF), right); a one-base REF with a longer ALT -> ``INS``.

Delly ``CT`` (connection type, "3to5" etc.): a 3' end is a side that keeps left (the junction is
at its 3' end, bases <= pos stay), a 5' end keeps right; the first number is POS, the second the
mate (CHR2 with POS2, or END in Delly < 0.8). So 3to5 = (left, right) = deletion-type, 5to3 =
(right, left) = duplication-type, 3to3/5to5 = inversion-type. This agrees with every Delly record
in ``vcf2maf``'s test file that has both a breakend ALT and CT. When both are present the ALT wins
and a disagreement is reported as a warning and the flag ``orientation-conflict``.

Caller (``StructuralVariant.caller``): ``manta`` (``##source=GenerateSVCandidates``), ``gridss``
(``##source`` naming GRIDSS, or an ``ASSR`` INFO field), ``delly`` (``##source`` naming DELLY, or a
``CT`` INFO field), else ``vcf-sv``.

Tumour sample: ``tumor_id``; ``##tumor_sample``; a column named ``TUMOR``; the only sample; else for
Manta and GRIDSS the LAST sample (Manta somatic writes normal then tumour; GRIDSS asks for the
normal first); else none (a warning; support then comes from INFO only).

``supporting_reads`` (alt-supporting reads of the tumour sample, from the first record of a pair):
Manta FORMAT ``PR`` + ``SR`` alt counts; Delly FORMAT ``DV`` + ``RV``, else INFO ``PE`` + ``SR``; GRIDSS
FORMAT ``VF``, else INFO ``VF``, else INFO ``SR`` + ``RSR`` + ``RP`` (symmetric between mates); other
files try those in turn and INFO ``SU`` (LUMPY). None when nothing applies.

``support_level``: FILTER not PASS/. -> ``low``; tumour support known and 0 -> ``low``; PASS and
``IMPRECISE`` -> ``medium``; PASS and precise -> ``high``. FILTER ``PASS`` and ``.`` are kept by
default; ``include_filtered=True`` keeps everything, with ``filter`` set.

Genome build from the header exactly as ``vcf.py`` decides it (``genome`` has the same meaning).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import InputFormatError, LeukAnnotError
from ..genome import normalize_chrom
from ..model import SourceRef, StructuralVariant, Warning
from .base import ReadResult
from .vcf import _captured_stderr, _choose_sample, _decide_build, _Header, _open, _scan_header

__all__ = ["CT_KEEPS", "Breakend", "parse_breakend", "read_sv_vcf", "sniff_sv_vcf", "svtype_of"]

CT_KEEPS: dict[str, tuple[str, str]] = {
    "3to5": ("left", "right"),
    "5to3": ("right", "left"),
    "3to3": ("left", "left"),
    "5to5": ("right", "right"),
}
"""Delly connection type -> (keeps at POS, keeps at the mate)."""

_BREAKEND = re.compile(r"^(?P<pre>[A-Za-z*]*)(?P<b>[\[\]])(?P<locus>[^\[\]]+)(?P=b)(?P<post>[A-Za-z*]*)$")
_SINGLE = re.compile(r"^(\.[A-Za-z*]+|[A-Za-z*]+\.)$")
_SYMBOLIC = re.compile(r"^<([^<>]+)>$")
_BASES = re.compile(r"^[A-Za-z*]+$")
_NOT_ALT = {".", "*", "<*>", "<NON_REF>"}
_MAX_LISTED = 10
_SNIFF_RECORDS = 200


class Breakend(NamedTuple):
    """A parsed mate-breakend ALT: which side POS keeps, the mate locus and which side the mate keeps."""

    keeps: str
    mate_chrom: str  # as written (``chr`` prefix kept); callers normalise
    mate_pos: int
    mate_keeps: str
    bases: str  # t: the REF base plus any inserted sequence


def parse_breakend(alt: str) -> Breakend:
    """Parse ``t[p[``, ``t]p]``, ``]p]t`` or ``[p[t``; ValueError if ``alt`` is none of them."""
    match = _BREAKEND.match(alt)
    if not match or bool(match["pre"]) == bool(match["post"]):
        raise ValueError(f"malformed breakend ALT {alt!r}")
    chrom, colon, pos = match["locus"].rpartition(":")
    if not colon or not chrom or not pos.isdigit():
        raise ValueError(f"malformed breakend ALT {alt!r}: the mate locus {match['locus']!r} is not chrom:pos")
    if chrom.startswith("<") and chrom.endswith(">"):
        chrom = chrom[1:-1]
    mate_keeps = "right" if match["b"] == "[" else "left"
    if match["pre"]:
        return Breakend("left", chrom, int(pos), mate_keeps, match["pre"])
    return Breakend("right", chrom, int(pos), mate_keeps, match["post"])


def _looks_structural(alt: str) -> bool:
    return alt.startswith("<") or "[" in alt or "]" in alt or bool(_SINGLE.match(alt))


# --------------------------------------------------------------------------------------------
# text access (plain, gzip/bgzip; BCF through vcf.py, which owns cyvcf2)
# --------------------------------------------------------------------------------------------


def _text_lines(path: Path, is_bcf: bool) -> Iterator[tuple[int | None, str]]:
    """(1-based line number or None, line without its end) for every header line and record."""
    if is_bcf:
        with _captured_stderr() as stderr:
            vcf = _open(path, stderr)
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


# --------------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# adjacencies
# --------------------------------------------------------------------------------------------


@dataclass
class _Adjacency:
    chrom1: str
    pos1: int
    keeps1: str | None
    chrom2: str
    pos2: int
    keeps2: str | None
    hint: str | None = None  # svtype when the keeps cannot tell (INS, unresolved INV)
    flags: list[str] = field(default_factory=list)


def svtype_of(chrom1: str, pos1: int, keeps1: str | None, chrom2: str, pos2: int, keeps2: str | None) -> str | None:
    """DEL/DUP/INV/BND from an adjacency whose sides are ordered pos1 <= pos2; None if keeps are unknown."""
    if chrom1 != chrom2:
        return "BND"
    if keeps1 is None or keeps2 is None:
        return None
    if keeps1 == keeps2:
        return "INV"
    return "DEL" if keeps1 == "left" else "DUP"


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


def _end(ctx: _Context, rec: _Record, kind: str) -> int:
    end = rec.info.get("END")
    if isinstance(end, str):
        if not end.lstrip("-").isdigit():
            raise ctx.error(rec, f"INFO END {end!r} is not a number", "END must be an integer position")
        return int(end)
    svlen = rec.info.get("SVLEN")
    if isinstance(svlen, str) and _int_sum(svlen.split(",")[0]) is not None:
        return rec.pos + abs(_int_sum(svlen.split(",")[0]) or 0)
    raise ctx.error(rec, f"symbolic <{kind}> without INFO END or SVLEN", "the event's extent cannot be known")


def _ct(rec: _Record) -> tuple[str, str] | None:
    value = rec.info.get("CT")
    return CT_KEEPS.get(value) if isinstance(value, str) else None


def _from_breakend(ctx: _Context, rec: _Record, alt: str) -> _Adjacency:
    try:
        bnd = parse_breakend(alt)
    except ValueError as exc:
        raise ctx.error(rec, str(exc), "expected t[p[, t]p], ]p]t or [p[t with p = chrom:pos") from None
    adj = _Adjacency(rec.chrom, rec.pos, bnd.keeps, normalize_chrom(bnd.mate_chrom), bnd.mate_pos, bnd.mate_keeps)
    ct = _ct(rec)
    if ct is not None and ct != (bnd.keeps, bnd.mate_keeps):
        ctx.warn(
            f"CT={rec.info['CT']} says keeps {ct[0]}/{ct[1]} but the ALT {alt} says {bnd.keeps}/{bnd.mate_keeps};"
            " the ALT is used",
            rec,
        )
        adj.flags.append("orientation-conflict")
    return adj


def _from_symbolic(ctx: _Context, rec: _Record, name: str) -> _Adjacency | None:
    kind = name.split(":")[0].upper()
    chrom, pos = rec.chrom, rec.pos
    if kind in ("CNV",) or re.fullmatch(r"CN\d+", kind):
        ctx.stats["skipped_cnv"] += 1
        return None
    if kind == "DEL":
        return _Adjacency(chrom, pos, "left", chrom, _end(ctx, rec, name) + 1, "right")
    if kind == "DUP":
        return _Adjacency(chrom, pos + 1, "right", chrom, _end(ctx, rec, name), "left")
    if kind == "INV":
        end = _end(ctx, rec, name)
        ct = _ct(rec)
        if rec.info.get("INV3") is True or ct == ("left", "left"):
            return _Adjacency(chrom, pos, "left", chrom, end, "left")
        if rec.info.get("INV5") is True or ct == ("right", "right"):
            return _Adjacency(chrom, pos + 1, "right", chrom, end + 1, "right")
        return _Adjacency(chrom, pos, None, chrom, end, None, hint="INV")
    if kind == "INS":
        return _Adjacency(chrom, pos, None, chrom, pos, None, hint="INS")
    if kind in ("TRA", "BND"):
        chr2 = rec.info.get("CHR2")
        mate_pos = rec.info.get("POS2", rec.info.get("END"))
        if not isinstance(chr2, str) or not isinstance(mate_pos, str) or not mate_pos.isdigit():
            raise ctx.error(rec, f"symbolic <{name}> without INFO CHR2 and POS2/END", "the partner locus is unknown")
        keeps = _ct(rec) or (None, None)
        return _Adjacency(chrom, pos, keeps[0], normalize_chrom(chr2), int(mate_pos), keeps[1], hint="BND")
    ctx.stats["skipped_other"] += 1
    return None


def _from_sequence(ctx: _Context, rec: _Record, alt: str) -> _Adjacency | None:
    if not _BASES.match(alt) or not _BASES.match(rec.ref):
        raise ctx.error(rec, f"malformed ALT {alt!r}", "expected bases, <SYMBOLIC>, or t[p[ / t]p] / ]p]t / [p[t")
    if len(rec.ref) > 1:
        return _Adjacency(rec.chrom, rec.pos, "left", rec.chrom, rec.pos + len(rec.ref), "right")
    if len(alt) > 1:
        return _Adjacency(rec.chrom, rec.pos, None, rec.chrom, rec.pos, None, hint="INS")
    ctx.stats["skipped_other"] += 1  # a SNV in an SV file
    return None


# --------------------------------------------------------------------------------------------
# header: caller and tumour sample
# --------------------------------------------------------------------------------------------


def _detect_caller(header: _Header) -> str:
    sources = " ".join(header.values("source")).lower()
    if "generatesvcandidates" in sources or "manta" in sources:
        return "manta"
    if "gridss" in sources or "ASSR" in header.info:
        return "gridss"
    if "delly" in sources or "CT" in header.info:
        return "delly"
    return "vcf-sv"


def _tumour(
    path: Path, samples: list[str], header: _Header, tumor_id: str | None, caller: str
) -> tuple[str | None, int | None, str | None]:
    """(sample, index, warning text) following the rules in the module docstring."""
    try:
        name, index = _choose_sample(path, samples, header, tumor_id)
        return name, index, None
    except InputFormatError:
        if tumor_id is not None:
            raise
    if caller in ("manta", "gridss"):
        return samples[-1], len(samples) - 1, None
    return None, None, (
        f"cannot tell which of the samples {', '.join(samples)} is the tumour; supporting reads come from INFO"
        " (pass --tumor-id NAME to use the tumour's own counts)"
    )


# --------------------------------------------------------------------------------------------
# support
# --------------------------------------------------------------------------------------------


def _alt_of_pair(value: str | None) -> int | None:
    """Manta 'ref,alt' -> alt."""
    if not value:
        return None
    parts = value.split(",")
    return _int_sum(parts[1]) if len(parts) == 2 else None


def _summed(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _support(caller: str, rec: _Record) -> int | None:
    s = rec.sample or {}
    manta = _summed(_alt_of_pair(s.get("PR")), _alt_of_pair(s.get("SR")))
    delly = _summed(_int_sum(s.get("DV")), _int_sum(s.get("RV"))) if "DV" in s or "RV" in s else None
    delly_info = _summed(rec.info_int("PE"), rec.info_int("SR"))
    gridss = _int_sum(s.get("VF"))
    gridss_info = rec.info_int("VF")
    if gridss_info is None and any(k in rec.info for k in ("RSR", "RP")):
        gridss_info = _summed(rec.info_int("SR"), rec.info_int("RSR"), rec.info_int("RP"))
    order = {
        "manta": (manta,),
        "delly": (delly, delly_info),
        "gridss": (gridss, gridss_info),
        "vcf-sv": (manta, delly, gridss, gridss_info, rec.info_int("SU")),
    }[caller]
    return next((v for v in order if v is not None), None)


def _support_level(filter_text: str, imprecise: bool, reads: int | None) -> str:
    if filter_text not in ("PASS", ".") or reads == 0:
        return "low"
    return "medium" if imprecise else "high"


def _merge_filters(first: str, second: str | None) -> str:
    names: list[str] = []
    for text in (first, second or "."):
        for name in text.split(";"):
            if name not in ("PASS", ".", "") and name not in names:
                names.append(name)
    if names:
        return ";".join(names)
    return "PASS" if "PASS" in (first, second) else first


# --------------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------------


@dataclass
class _Item:
    """One record's reading: a breakend ALT waiting for its mate, or a finished adjacency."""

    rec: _Record
    adj: _Adjacency
    breakend: bool


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


def _mate_id(rec: _Record) -> str | None:
    for key in ("MATEID", "PARID"):
        value = rec.info.get(key)
        if isinstance(value, str) and value not in ("", "."):
            return value.split(",")[0]
    return None


def _pair(ctx: _Context, items: list[_Item]) -> Iterator[StructuralVariant]:
    """Join breakend mates, then turn every adjacency into one event, in first-record order."""
    by_id: dict[str, int] = {}
    by_locus: dict[tuple[str, int, str, int], int] = {}
    for index, item in enumerate(items):
        if item.breakend:
            if item.rec.id is not None:
                by_id.setdefault(item.rec.id, index)
            a = item.adj
            by_locus.setdefault((a.chrom1, a.pos1, a.chrom2, a.pos2), index)
    used: set[int] = set()
    missing: list[_Record] = []
    for index, item in enumerate(items):
        if index in used:
            continue
        used.add(index)
        mate: _Item | None = None
        if item.breakend:
            mate_id = _mate_id(item.rec)
            a = item.adj
            if mate_id is not None:
                mate_index = by_id.get(mate_id)
                if mate_index is None or mate_index in used:
                    ctx.stats["mate_missing"] += 1
                    item.adj.flags.append("mate-missing")
                    missing.append(item.rec)
                else:
                    mate = items[mate_index]
                    used.add(mate_index)
            else:
                mate_index = by_locus.get((a.chrom2, a.pos2, a.chrom1, a.pos1))
                if mate_index is not None and mate_index not in used and _mate_id(items[mate_index].rec) is None:
                    mate = items[mate_index]
                    used.add(mate_index)
        if mate is not None:
            ctx.stats["paired"] += 1
            _check_mates(ctx, item, mate)
        else:
            ctx.stats["single_record"] += 1
        yield _event(ctx, item, mate)
    if missing:
        listed = ", ".join(r.where() for r in missing[:_MAX_LISTED])
        more = f" and {len(missing) - _MAX_LISTED} more" if len(missing) > _MAX_LISTED else ""
        ctx.warnings.append(
            Warning(
                f"{len(missing)} breakend record(s) name a MATEID that is not in the file; each was read from its"
                f" own ALT ({listed}{more})",
                SourceRef(str(ctx.path), missing[0].line, missing[0].locator),
            )
        )


def _check_mates(ctx: _Context, item: _Item, mate: _Item) -> None:
    a, b = item.adj, mate.adj
    if (b.keeps1, b.keeps2) != (a.keeps2, a.keeps1) or (b.chrom1, b.chrom2) != (a.chrom2, a.chrom1):
        ctx.warn(
            f"breakend mates {item.rec.id} ({item.rec.where()}) and {mate.rec.id} ({mate.rec.where()}) disagree"
            " on the junction; the first record is used",
            item.rec,
        )
        a.flags.append("orientation-conflict")


def _event(ctx: _Context, item: _Item, mate: _Item | None) -> StructuralVariant:
    rec, adj = item.rec, item.adj
    sides = [(adj.chrom1, adj.pos1, adj.keeps1), (adj.chrom2, adj.pos2, adj.keeps2)]
    if adj.chrom1 == adj.chrom2 and adj.pos1 > adj.pos2:
        sides.reverse()
    (c1, p1, k1), (c2, p2, k2) = sides
    svtype = svtype_of(c1, p1, k1, c2, p2, k2) or adj.hint or "BND"
    filter_text = _merge_filters(rec.filter, mate.rec.filter if mate else None)
    reads = _support(ctx.caller, rec)
    if reads is None and mate is not None:
        reads = _support(ctx.caller, mate.rec)
    imprecise = rec.info.get("IMPRECISE") is True
    flags = list(adj.flags)
    if imprecise:
        flags.append("imprecise")
    if rec.info.get("SOMATIC") is True:
        flags.append("somatic")
    record = rec.locator
    if mate is not None:
        record += f" + mate {mate.rec.id or '.'} ({mate.rec.where()})"
    event = rec.info.get("EVENT")
    return StructuralVariant(
        chrom1=c1,
        pos1=p1,
        keeps1=k1,
        chrom2=c2,
        pos2=p2,
        keeps2=k2,
        svtype=svtype,
        caller=ctx.caller,
        source=SourceRef(str(ctx.path), rec.line, record),
        event_id=event if isinstance(event, str) else rec.id,
        supporting_reads=reads,
        support_level=_support_level(filter_text, imprecise, reads),
        filter=filter_text,
        flags=tuple(dict.fromkeys(flags)),
    )


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
