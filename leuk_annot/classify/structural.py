"""Interpret DNA structural variants as gene-level events: fusions, IG juxtapositions, deletions.

An adjacency becomes a fusion when one side keeps the 5' part of a gene (its promoter) and the
other keeps the 3' part of a gene, or a whole gene lying just beyond the breakpoint (a promoter
swap such as the PAR1 deletion that makes P2RY8::CRLF2). A side in an antigen-receptor locus
(IGH/IGK/IGL/TR*) juxtaposes the locus to the nearest knowledge-base gene on the retained side
within the enhancer window (IGH::CRLF2, IGH::DUX4, IGH::MYC ...). Deletions become GeneDeletions
for every knowledge-base gene they touch. The windows are knowledge-base policies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Fusion, GeneDeletion, SourceRef, StructuralVariant, Warning

LOCUS_FEATURES = ("ig_locus", "tr_locus")


@dataclass(frozen=True)
class _Hit:
    gene: str
    part: str  # "5'" (promoter side kept), "3'" (3' end kept), "whole" (entire gene kept, beyond the break)
    distance: int = 0  # for "whole": bases from the breakpoint to the gene's 5' end
    locus: bool = False


@dataclass
class StructuralConsequences:
    fusions: list[Fusion] = field(default_factory=list)
    deletions: list[GeneDeletion] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def interpret_structural_variants(svs: Sequence[StructuralVariant], kb, build: str | None) -> StructuralConsequences:
    out = StructuralConsequences()
    if build not in ("GRCh37", "GRCh38"):
        if svs:
            out.warnings.append(Warning("structural variants were not interpreted: the genome build is unknown"))
        return out
    genes = [g for g in kb.genes.values() if build in g.coords]
    promoter_window = int(kb.policies.get("promoter_swap_window", 50_000))
    enhancer_window = int(kb.policies.get("locus_juxtaposition_window", 1_000_000))
    for sv in svs:
        fusion = _fusion(sv, genes, build, promoter_window, enhancer_window)
        if fusion is not None:
            out.fusions.append(fusion)
        if sv.svtype == "DEL" and sv.chrom1 == sv.chrom2:
            out.deletions.extend(_deletions(sv, genes, build))
    return out


def _fusion(sv, genes, build, promoter_window, enhancer_window) -> Fusion | None:
    if sv.keeps1 is None or sv.keeps2 is None:
        return None  # orientation unknown (e.g. symbolic <INV>): no product can be named
    side1 = _side(sv.chrom1, sv.pos1, sv.keeps1, genes, build, enhancer_window)
    side2 = _side(sv.chrom2, sv.pos2, sv.keeps2, genes, build, enhancer_window)
    pair = _pair(side1, side2, promoter_window, enhancer_window)
    if pair is None:
        return None
    first, second, swapped = pair
    bp1, bp2 = f"{sv.chrom1}:{sv.pos1}", f"{sv.chrom2}:{sv.pos2}"
    return Fusion(
        gene5=first.gene,
        gene3=second.gene,
        caller=sv.caller,
        source=sv.source,
        breakpoint5=bp2 if swapped else bp1,
        breakpoint3=bp1 if swapped else bp2,
        supporting_reads=sv.supporting_reads,
        support_level=sv.support_level,
        caller_confidence=f"DNA {sv.svtype}" + (f" {sv.event_id}" if sv.event_id else ""),
        flags=sv.flags,
    )


def _pair(side1, side2, promoter_window, enhancer_window) -> tuple[_Hit, _Hit, bool] | None:
    """The (5' partner, 3' partner, swapped) the adjacency can express, or None."""
    for a in side1:
        for b in side2:
            if a.gene == b.gene or (a.locus and b.locus):
                continue
            if a.locus or b.locus:
                locus, target = (a, b) if a.locus else (b, a)
                if target.part != "whole" or target.distance <= enhancer_window:
                    return locus, target, b.locus
                continue
            for five, three, swapped in ((a, b, False), (b, a, True)):
                if five.part == "5'" and (three.part == "3'" or (three.part == "whole"
                                                                 and three.distance <= promoter_window)):
                    return five, three, swapped
    return None


def _side(chrom: str, pos: int, keeps: str, genes, build: str, window: int) -> list[_Hit]:
    """Genes a breakend touches (broken genes first), then whole genes facing it within ``window``."""
    broken, beyond = [], []
    for gene in genes:
        g_chrom, start, end = gene.coords[build]
        if g_chrom != chrom:
            continue
        locus = gene.feature in LOCUS_FEATURES
        if start <= pos <= end:
            if locus:
                broken.append(_Hit(gene.symbol, "whole", locus=True))
            elif gene.strand in ("+", "-"):
                five_kept = (gene.strand == "+") == (keeps == "left")
                broken.append(_Hit(gene.symbol, "5'" if five_kept else "3'"))
        elif not locus and keeps == "left" and end < pos and gene.strand == "-" and pos - end <= window:
            beyond.append(_Hit(gene.symbol, "whole", pos - end))
        elif not locus and keeps == "right" and start > pos and gene.strand == "+" and start - pos <= window:
            beyond.append(_Hit(gene.symbol, "whole", start - pos))
    return broken + sorted(beyond, key=lambda h: h.distance)


def _deletions(sv: StructuralVariant, genes, build) -> list[GeneDeletion]:
    lost_start, lost_end = sv.pos1 + 1, sv.pos2 - 1
    out = []
    for gene in genes:
        g_chrom, start, end = gene.coords[build]
        if gene.feature in LOCUS_FEATURES or g_chrom != sv.chrom1 or end < lost_start or start > lost_end:
            continue
        if lost_start <= start and end <= lost_end:
            extent = "whole_gene"
        elif start < lost_start and lost_end < end:
            extent = "intragenic"
        else:
            extent = "partial"
        out.append(GeneDeletion(gene.symbol, g_chrom, lost_start, lost_end, extent, sv.caller,
                                SourceRef(sv.source.path, sv.source.line, sv.source.record)))
    return out
