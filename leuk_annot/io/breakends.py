"""Reading one SV VCF ALT into an adjacency: breakend notation, symbolic ALTs, Delly CT, and the svtype.

Breakend ALTs (VCF 4.3 section 5.4; ``t`` = bases at POS, ``p`` = mate ``chrom:pos`` split on the LAST
``:`` so that contig names may contain colons; ``<ctg>`` brackets around the mate contig are removed):

    ``t[p[``  this record keeps left,  mate keeps right
    ``t]p]``  this record keeps left,  mate keeps left   (mate joined reverse-complemented)
    ``]p]t``  this record keeps right, mate keeps left
    ``[p[t``  this record keeps right, mate keeps right  (mate joined reverse-complemented)

Single breakends (``t.``/``.t``) have no partner locus and are skipped with a count in ``stats``.

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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..genome import normalize_chrom
from .sv_records import _Context, _int_sum, _Record

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
