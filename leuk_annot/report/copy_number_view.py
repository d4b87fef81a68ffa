"""View-model of the report's copy-number section: method, karyotype, plots, gene and chromosome tables."""

from __future__ import annotations

from typing import Any

from ..genome import CONTIG_LENGTHS, normalize_build
from ..model import AnnotationResult, CopyNumberProfile, LesionKind
from .filters import MISSING, CitationIndex, text_or_missing
from .plots import (
    MAX_DRAWN_SEGMENTS,
    Marker,
    PlotSegment,
    chrom_sort_key,
    chromosome_plot,
    genome_plot,
    segment_copy_number,
)

NOT_ASSESSED = "Not assessed (no copy-number segments given)."
FOCUS_CHROM = "21"  # iAMP21 and the hyperdiploid +21 are read from this chromosome
FOCUS_GENE = "RUNX1"


def _cn(value: float | None) -> str:
    return MISSING if value is None or value != value else f"{value:.1f}"


def _percent(value: float | None) -> str:
    return MISSING if value is None or value != value else f"{value * 100:.0f}%"


def _words(value: str | None) -> str:
    return text_or_missing(value.replace("_", " ") if value else value)


def _plot_segments(profile: CopyNumberProfile, lengths: dict[str, int] | None) -> list[PlotSegment]:
    """Segments with a usable copy number, clamped to the chromosome lengths when these are known."""
    out = []
    for seg in profile.segments:
        cn = segment_copy_number(seg.copy_number, seg.log2)
        if cn is None:
            continue
        end = seg.end
        if lengths is not None:
            limit = lengths.get(seg.chrom)
            if limit is None or seg.start > limit:
                continue  # unplaced contig, or a segment from another build
            end = min(end, limit)
        out.append(PlotSegment(seg.chrom, seg.start, end, cn))
    return out


def _layout(build_lengths: dict[str, int] | None, segments: list[PlotSegment]) -> dict[str, int]:
    """Chromosome lengths to lay out: the build's (Y only when it has data), else max segment ends."""
    present = {s.chrom for s in segments}
    if build_lengths is not None:
        return {c: n for c, n in build_lengths.items() if c != "Y" or "Y" in present}
    ends: dict[str, int] = {}
    for seg in segments:
        ends[seg.chrom] = max(ends.get(seg.chrom, 0), seg.end)
    return ends


def _neutral_note(count: int) -> str:
    if not count:
        return ""
    return f"{count} further gene{'s' if count > 1 else ''} neutral"


def _chrom_list(chroms: list[str]) -> str:
    return ", ".join(sorted(chroms, key=chrom_sort_key)) or "none"


def copy_number_view(result: AnnotationResult, cites: CitationIndex) -> dict[str, Any]:
    """The section's context; plots are SVG strings built from escaped parts (see plots.py)."""
    profile = result.copy_number
    if profile is None:
        return {"assessed": False, "not_assessed_text": NOT_ASSESSED}
    from markupsafe import Markup  # lazy, like jinja2: JSON/TSV-only runs do not need it

    build = normalize_build(result.genome_build or "")
    build_lengths = CONTIG_LENGTHS.get(build) if build else None
    segments = _plot_segments(profile, build_lengths)
    lengths = _layout(build_lengths, segments)
    sample = next((s.sample for s in profile.segments if s.sample), None) or result.sample_id

    gained = [c.chrom for c in profile.chromosomes if c.copies is not None and c.copies > 2]
    lost = [c.chrom for c in profile.chromosomes if c.copies is not None and c.copies < 2]
    layout_note = f"{build} chromosome lengths" if build_lengths else "chromosome extents taken from the segments"
    genome_svg = genome_plot(
        segments,
        lengths,
        plot_id="cn-genome",
        title=f"Genome-wide copy number, sample {sample}",
        desc=(
            f"Copy number (0 to 6+, dashed line at 2) along chromosomes {_chrom_list(list(lengths))}, "
            f"widths proportional to length ({layout_note}). {len(profile.segments):,} segments. "
            f"Whole-chromosome gains: {_chrom_list(gained)}. Whole-chromosome losses: {_chrom_list(lost)}. "
            f"Modal chromosome number: {profile.modal_number if profile.modal_number is not None else 'unknown'}."
        ),
        x_label=f"Chromosome (widths proportional to length; {layout_note})",
    )

    focus_gene = next((g for g in profile.genes if g.gene == FOCUS_GENE and g.chrom == FOCUS_CHROM), None)
    focus_length = lengths.get(FOCUS_CHROM)
    focus_svg = None
    if focus_length:
        markers = (Marker(focus_gene.gene, focus_gene.start, focus_gene.end),) if focus_gene else ()
        gene_text = (
            f" {focus_gene.gene} ({focus_gene.chrom}:{focus_gene.start:,}-{focus_gene.end:,}) is marked; "
            f"its call is {_words(focus_gene.call)}, copy number {_cn(focus_gene.copy_number)}."
            if focus_gene
            else f" {FOCUS_GENE} has no gene-level call in this profile, so it is not marked."
        )
        focus_svg = Markup(
            chromosome_plot(
                segments,
                FOCUS_CHROM,
                focus_length,
                plot_id=f"cn-chr{FOCUS_CHROM}",
                title=f"Chromosome {FOCUS_CHROM} copy number, sample {sample}",
                desc=f"Copy number (0 to 6+, dashed line at 2) along chromosome {FOCUS_CHROM} in Mb.{gene_text}",
                markers=markers,
            )
        )

    karyotype = []
    for lesion in (*result.lesions, *result.low_confidence):
        if lesion.kind is LesionKind.ANEUPLOIDY:
            karyotype.append(
                {
                    "label": lesion.label,
                    "confidence": lesion.confidence,
                    "roles": [
                        {"role": r.role, "rule_id": r.rule_id, "refs": cites.refs(r.citations)} for r in lesion.roles
                    ],
                }
            )

    genes = sorted(
        (g for g in profile.genes if g.call != "neutral"), key=lambda g: (chrom_sort_key(g.chrom), g.start, g.gene)
    )
    return {
        "assessed": True,
        "method": profile.method,
        "purity": _percent(profile.purity) if profile.purity is not None else "not given",
        "ploidy": f"{profile.ploidy:.2f}" if profile.ploidy is not None else "not given",
        "modal_number": str(profile.modal_number) if profile.modal_number is not None else MISSING,
        "karyotype": karyotype,
        "segment_count": f"{len(profile.segments):,}",
        "downsampled": len(segments) > MAX_DRAWN_SEGMENTS,
        "max_drawn": f"{MAX_DRAWN_SEGMENTS:,}",
        "genome_svg": Markup(genome_svg),
        "focus_chrom": FOCUS_CHROM,
        "focus_svg": focus_svg,
        "genes": [
            {
                "gene": g.gene,
                "call": _words(g.call),
                "css": "cn-" + g.call.replace("_", "-"),
                "copy_number": _cn(g.copy_number),
                "extent": _words(g.extent),
                "location": f"{g.chrom}:{g.start:,}-{g.end:,}",
                "detail": text_or_missing(g.detail),
            }
            for g in genes
        ],
        "neutral_note": _neutral_note(sum(1 for g in profile.genes if g.call == "neutral")),
        "no_gene_change_text": (
            f"All {len(profile.genes)} knowledge-base genes assessed are copy-number neutral."
            if profile.genes
            else "No knowledge-base gene lies in the copy-number segments given."
        ),
        "chromosomes": [
            {
                "chrom": c.chrom,
                "copies": str(c.copies) if c.copies is not None else MISSING,
                "p_arm": _cn(c.p_arm),
                "q_arm": _cn(c.q_arm),
                "covered": _percent(c.fraction_covered),
            }
            for c in sorted(profile.chromosomes, key=lambda c: chrom_sort_key(c.chrom))
        ],
    }
