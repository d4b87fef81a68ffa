"""Interpret copy-number segments: absolute copies, gene-level calls, deletions and amplifications.

``interpret_copy_number`` is the entry point. Each segment's copy number is the caller's own when
given; otherwise it is derived from the log2 ratio, with the purity model when a purity is given and
with CNVkit's default thresholds when not (both are knowledge-base data, stated in
``profile.method``). Gene calls are made for every knowledge-base gene against the copies expected
at the locus (2; 1 for X/Y outside the pseudoautosomal regions in a male sample). Chromosome counts,
ploidy classes and iAMP21 are in ``karyotype``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..model import (
    CopyNumberProfile,
    CopyNumberSegment,
    GeneCopyNumber,
    GeneDeletion,
    Lesion,
    LesionKind,
    Warning,
)
from . import karyotype
from .karyotype import expected_copies, infer_sex

__all__ = ["CopyNumberInterpretation", "interpret_copy_number"]


@dataclass
class CopyNumberInterpretation:
    profile: CopyNumberProfile
    deletions: list[GeneDeletion] = field(default_factory=list)  # feed derive_lesions(..., deletions)
    lesions: list[Lesion] = field(default_factory=list)  # karyotype, amplification and PAR1 lesions
    warnings: list[Warning] = field(default_factory=list)
    masked_hypodiploidy_hint: str | None = None


def interpret_copy_number(
    segments: Sequence[CopyNumberSegment],
    kb,
    build: str,
    *,
    purity: float | None = None,
    ploidy: float | None = None,
) -> CopyNumberInterpretation:
    """Absolute copies per segment, then gene calls, karyotype lesions and warnings."""
    params = kb.copy_number
    method, resolved, warnings = resolve_copy_numbers(segments, params, purity, ploidy)
    if build not in ("GRCh37", "GRCh38"):
        warnings.append(Warning("copy-number segments were not interpreted: the genome build is unknown"))
        profile = CopyNumberProfile(method, purity, ploidy, None, (), (), tuple(resolved))
        return CopyNumberInterpretation(profile, warnings=warnings)
    by_chrom: dict[str, list[CopyNumberSegment]] = {}
    for segment in sorted(resolved, key=lambda s: (s.chrom, s.start)):
        by_chrom.setdefault(segment.chrom, []).append(segment)
    sex = infer_sex(by_chrom, build)
    genes = gene_calls(by_chrom, kb, build, sex)
    deletions = [_gene_deletion(call, parts) for call, parts in genes if call.call.endswith("_deletion")]
    lesions = [_amplification_lesion(call, parts) for call, parts in genes if call.call == "amplification"]
    par1 = _par1_lesion(by_chrom, kb, build, sex)
    if par1 is not None:
        lesions.append(par1)
    warnings += _coverage_warnings(genes, kb)
    karyo = karyotype.assess(by_chrom, kb, build, sex)
    warnings += karyo.warnings
    profile = CopyNumberProfile(
        method=method,
        purity=purity,
        ploidy=ploidy,
        modal_number=karyo.modal_number,
        chromosomes=karyo.chromosomes,
        genes=tuple(call for call, _ in genes if call.call != "neutral"),
        segments=tuple(resolved),
    )
    return CopyNumberInterpretation(profile, deletions, karyo.lesions + lesions, warnings, karyo.masked_hint)


def resolve_copy_numbers(segments, params, purity, ploidy) -> tuple[str, list[CopyNumberSegment], list[Warning]]:
    """Give every segment a copy number; say how, once, in words the report can print."""
    thresholds = params["log2_thresholds"]["values"]
    base_ploidy = ploidy if ploidy is not None else params["purity_adjustment"]["default_ploidy"]
    warnings: list[Warning] = []
    resolved = []
    used = set()
    for segment in segments:
        if segment.copy_number is not None:
            used.add("caller")
            resolved.append(segment)
        elif segment.log2 is None:
            warnings.append(Warning("segment without log2 ratio or copy number ignored", segment.source))
        elif purity is not None:
            used.add("purity")
            resolved.append(replace(segment, copy_number=round(purity_adjusted(segment.log2, purity, base_ploidy), 2)))
        else:
            used.add("threshold")
            resolved.append(replace(segment, copy_number=float(threshold_copies(segment.log2, thresholds))))
    words = []
    if "caller" in used:
        words.append("copy numbers as given by the caller")
    if "purity" in used:
        words.append(f"log2 ratios converted with purity {purity:.2f} and ploidy {base_ploidy:g} "
                     "(CN = (2^log2 * (p*P + 2(1-p)) - 2(1-p)) / p)")
    if "threshold" in used:
        words.append("log2 ratios called with CNVkit's default thresholds "
                     f"({', '.join(f'{t:g}' for t in thresholds)} for 0-{len(thresholds) - 1} copies; "
                     "above: ceil(2 * 2^log2)); no purity given")
    return "; ".join(words) or "no usable segments", resolved, warnings


def purity_adjusted(log2: float, purity: float, ploidy: float = 2.0) -> float:
    """Tumour copy number from a log2 ratio diluted by diploid normal cells (never below 0)."""
    ratio = 2.0**log2
    normal = 2.0 * (1.0 - purity)
    return max(0.0, (ratio * (purity * ploidy + normal) - normal) / purity)


def threshold_copies(log2: float, thresholds: Sequence[float], ploidy: float = 2.0) -> int:
    """Integer copies by hard thresholds (CNVkit `call -m threshold`): log2 <= t[i] means i copies."""
    for copies, limit in enumerate(thresholds):
        if log2 <= limit:
            return copies
    return math.ceil(ploidy * 2.0**log2)


Part = tuple[int, int, CopyNumberSegment]  # the clipped span of one segment over a gene


def gene_calls(by_chrom, kb, build, sex) -> list[tuple[GeneCopyNumber, list[Part]]]:
    """One call per covered knowledge-base gene, with the segment parts that make the call."""
    rules = kb.copy_number["gene_calls"]
    exons = [e for e in kb.exons]
    named = {(d["gene"], d["exons"]): d["name"] for d in kb.copy_number["named_deletions"]["deletions"]}
    out = []
    for gene in kb.genes.values():
        if gene.feature != "gene" or build not in gene.coords:
            continue
        chrom, start, end = gene.coords[build]
        parts = [(max(s.start, start), min(s.end, end), s) for s in by_chrom.get(chrom, ())
                 if s.start <= end and s.end >= start]
        if not parts:
            continue
        length = end - start + 1
        covered = sum(e - b + 1 for b, e, _ in parts) / length
        expected = expected_copies(chrom, start, build, sex)
        low = min(s.copy_number for _, _, s in parts)
        high = max(s.copy_number for _, _, s in parts)
        if low < expected - rules["loss_margin"]:
            call = "homozygous_deletion" if low < rules["homozygous_below"] else "hemizygous_deletion"
            hit = [p for p in parts if p[2].copy_number < expected - rules["loss_margin"]]
            copies = low
        elif high >= rules["amplification_min"] or high > expected + rules["gain_margin"]:
            call = "amplification" if high >= rules["amplification_min"] else "gain"
            hit = [p for p in parts if p[2].copy_number > expected + rules["gain_margin"]]
            copies = high
        else:
            call, hit = "neutral", parts
            copies = round(sum((e - b + 1) * s.copy_number for b, e, s in parts) / (covered * length), 2)
        extent = _extent(hit, start, end)
        detail = None
        if call.endswith("_deletion"):
            lost = [(b, e) for b, e, _ in hit]
            detail = _exon_detail(gene.symbol, lost, [x for x in exons if x.gene == gene.symbol], build,
                                  rules["exon_deleted_fraction"], named)
        out.append((GeneCopyNumber(
            gene=gene.symbol, chrom=chrom, start=start, end=end, copy_number=copies, call=call, extent=extent,
            fraction_covered=round(min(covered, 1.0), 3), sources=tuple(dict.fromkeys(s.source for _, _, s in hit)),
            detail=detail,
        ), hit))
    return out


def _extent(parts: list[Part], start: int, end: int) -> str:
    first, last = min(b for b, _, _ in parts), max(e for _, e, _ in parts)
    spanned = sum(e - b + 1 for b, e, _ in parts)
    if first <= start and last >= end and spanned >= 0.99 * (end - start + 1):
        return "whole_gene"
    if first > start and last < end:
        return "intragenic"
    return "partial"


def _exon_detail(gene, lost, exons, build, min_fraction, named) -> str | None:
    """'exons 4-7: IK6, dominant negative' when the knowledge base has the gene's exons."""
    if not exons:
        return None
    deleted = []
    for exon in sorted(exons, key=lambda x: x.number):
        start, end = exon.coords[build]
        inside = sum(max(0, min(e, end) - max(b, start) + 1) for b, e in lost)
        if inside >= min_fraction * (end - start + 1):
            deleted.append(exon.number)
    if not deleted:
        return "no exon lost"
    if len(deleted) == len(exons):
        return "all exons"
    runs = _runs(deleted)
    text = "exon" + ("s " if len(deleted) > 1 else " ") + ", ".join(
        f"{a}-{b}" if a != b else str(a) for a, b in runs)
    name = named.get((gene, f"{runs[0][0]}-{runs[0][1]}")) if len(runs) == 1 else None
    return f"{text}: {name}" if name else text


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return [(a, b) for a, b in runs]


def _gene_deletion(call: GeneCopyNumber, parts: list[Part]) -> GeneDeletion:
    first = parts[0][2]
    return GeneDeletion(
        gene=call.gene, chrom=call.chrom, start=min(p[2].start for p in parts), end=max(p[2].end for p in parts),
        extent=call.extent, caller=first.caller, source=first.source, copy_number=call.copy_number,
        detail=call.detail or ("homozygous" if call.call == "homozygous_deletion" else None),
    )


def _amplification_lesion(call: GeneCopyNumber, parts: list[Part]) -> Lesion:
    return Lesion(
        id=f"amplification:{call.gene}",
        kind=LesionKind.GENE_AMPLIFICATION,
        genes=(call.gene,),
        label=f"{call.gene} amplification ({call.copy_number:g} copies)",
        evidence=tuple(dict.fromkeys(p[2] for p in parts)),
        consequence_class=call.extent,
    )


def _par1_lesion(by_chrom, kb, build, sex) -> Lesion | None:
    """A loss from inside gene5 (P2RY8) towards gene3 (CRLF2), stopping short of gene3."""
    rules = kb.copy_number["par1_deletion"]
    margin = kb.copy_number["gene_calls"]["loss_margin"]
    five, three = kb.genes.get(rules["gene5"]), kb.genes.get(rules["gene3"])
    if five is None or three is None or build not in five.coords or build not in three.coords:
        return None
    chrom, s5, e5 = five.coords[build]
    _, s3, e3 = three.coords[build]
    expected = expected_copies(chrom, s5, build, sex)
    for region in _loss_regions(by_chrom.get(chrom, ()), expected - margin):
        lo, hi = region[0].start, region[-1].end
        if e3 < s5:  # gene3 lies to the left: the loss starts just right of gene3 and ends inside gene5
            ok = e3 < lo <= e3 + rules["max_gap_to_gene3"] and s5 <= hi <= e5
        else:
            ok = s3 - rules["max_gap_to_gene3"] <= hi < s3 and s5 <= lo <= e5
        if ok:
            return Lesion(
                id="deletion:PAR1",
                kind=LesionKind.GENE_DELETION,
                genes=(rules["gene5"], rules["gene3"]),
                label=f"PAR1 deletion ({rules['gene5']}::{rules['gene3']} inferred)",
                evidence=tuple(region),
                consequence_class="partial",
            )
    return None


def _loss_regions(segments, below: float) -> list[list[CopyNumberSegment]]:
    """Runs of adjacent segments (gaps under 1 kb) whose copies are below ``below``."""
    regions: list[list[CopyNumberSegment]] = []
    for segment in segments:
        if segment.copy_number >= below:
            continue
        if regions and segment.start - regions[-1][-1].end <= 1000:
            regions[-1].append(segment)
        else:
            regions.append([segment])
    return regions


def _coverage_warnings(genes, kb) -> list[Warning]:
    covered = {call.gene for call, _ in genes}
    missing = [g for g in kb.copy_number["assessment_genes"]["genes"] if g not in covered]
    if not missing:
        return []
    return [Warning(f"copy number not assessable for {', '.join(missing)}: no segment covers them, so their "
                    "deletion status (IKZF1plus, UKALL-CNA) cannot be concluded")]
