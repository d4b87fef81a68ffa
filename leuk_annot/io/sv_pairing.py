"""Joining breakend mates of an SV VCF and turning each adjacency into one ``StructuralVariant`` event.

Mates are paired by ``MATEID`` (older GRIDSS: ``PARID``); records without either are paired when
each points at the other's locus. A pair becomes one event whose ``source`` is the first record's
line (the mate's ID and line are in ``source.record``); a record whose ``MATEID`` is absent from the
file is read from its own ALT, flagged ``mate-missing`` and counted. The FILTER of a pair is the
union of both records' filters.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..model import SourceRef, StructuralVariant, Warning
from .breakends import _Adjacency, svtype_of
from .sv_records import _Context, _Record
from .sv_support import _support, _support_level

_MAX_LISTED = 10


@dataclass
class _Item:
    """One record's reading: a breakend ALT waiting for its mate, or a finished adjacency."""

    rec: _Record
    adj: _Adjacency
    breakend: bool



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


def _merge_filters(first: str, second: str | None) -> str:
    names: list[str] = []
    for text in (first, second or "."):
        for name in text.split(";"):
            if name not in ("PASS", ".", "") and name not in names:
                names.append(name)
    if names:
        return ";".join(names)
    return "PASS" if "PASS" in (first, second) else first
