"""Turn input events (variants, fusions) into lesions: deduplicated, labelled, hotspot-matched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..hgvs import short_protein
from ..model import Fusion, GeneDeletion, Lesion, LesionKind, SourceRef, Variant, Warning
from .rules import fusion_matches

# Sequence Ontology consequence terms -> the coarse classes rules match on, most severe first.
# (VEP, SnpEff and bcftools/csq after the VCF reader's mapping all use these SO names.)
CONSEQUENCE_CLASSES: tuple[tuple[str, frozenset[str]], ...] = (
    ("truncating", frozenset({"transcript_ablation", "stop_gained", "frameshift_variant", "exon_loss_variant"})),
    ("splice", frozenset({"splice_acceptor_variant", "splice_donor_variant"})),
    ("start_lost", frozenset({"start_lost", "initiator_codon_variant"})),
    ("stop_lost", frozenset({"stop_lost"})),
    ("inframe", frozenset({
        "inframe_insertion", "inframe_deletion", "disruptive_inframe_insertion", "disruptive_inframe_deletion",
        "conservative_inframe_insertion", "conservative_inframe_deletion", "protein_altering_variant",
    })),
    ("missense", frozenset({"missense_variant"})),
)


# Caller flags that mean "probably not a real driver fusion" (readers set them from the caller's own
# annotations). Other flags are informational (somatic, imprecise, mate-missing, ...).
DEMOTING_FLAGS = frozenset({
    "read-through", "banned", "healthy-background", "paralog", "ambiguous", "artefact", "intergenic",
    "orientation-unknown", "orientation-conflict", "not-fusion-gene",
})

PROTEIN_TERMS = frozenset(term for _, members in CONSEQUENCE_CLASSES for term in members)
"""Every SO term that gives a protein-level class: readers may drop annotated alleles without one."""


def consequence_class(terms: Iterable[str]) -> str | None:
    """The most severe protein-level class among SO terms; None for silent/non-coding changes."""
    found = {part for term in terms for part in term.split("&")}
    for name, members in CONSEQUENCE_CLASSES:
        if found & members:
            return name
    return None


@dataclass
class DerivedLesions:
    lesions: list[Lesion] = field(default_factory=list)
    low_confidence: list[Lesion] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    uninterpretable: int = 0  # unannotated non-hotspot variants in knowledge-base genes
    silent: int = 0  # annotated variants with no protein-level consequence


def derive_lesions(
    variants: Sequence[Variant],
    fusions: Sequence[Fusion],
    kb,
    build: str | None,
    deletions: Sequence[GeneDeletion] = (),
) -> DerivedLesions:
    """Build lesions from normalised events. Flagged or low-support fusions go to low_confidence."""
    out = DerivedLesions()
    hotspots_by_site = _hotspot_index(kb, build)
    hotspots_by_protein = {(h.gene, h.hgvs_p_short): h for h in kb.hotspots}
    seen: dict[str, Lesion] = {}
    for variant in variants:
        lesion = _variant_lesion(variant, hotspots_by_site, hotspots_by_protein, out)
        if lesion is None:
            continue
        if lesion.id in seen:  # the same allele twice (e.g. overlapping inputs): keep both sources
            first = seen[lesion.id]
            seen[lesion.id] = _with_evidence(first, variant)
        else:
            seen[lesion.id] = lesion
    out.lesions.extend(seen.values())
    out.warnings.extend(_breakpoint_warnings(fusions, kb))
    for lesion in _fusion_lesions(fusions, _rule_fusion_patterns(kb), out.warnings, kb):
        (out.lesions if lesion.confidence == "high" else out.low_confidence).append(lesion)
    out.lesions.extend(_deletion_lesions(deletions))
    return out


def _with_evidence(lesion: Lesion, event) -> Lesion:
    from dataclasses import replace

    return replace(lesion, evidence=lesion.evidence + (event,))


def _hotspot_index(kb, build: str | None) -> dict:
    if build not in ("GRCh37", "GRCh38"):
        return {}
    return {h.coords[build]: h for h in kb.hotspots if build in h.coords}


def _variant_lesion(variant: Variant, by_site: dict, by_protein: dict, out: DerivedLesions) -> Lesion | None:
    hotspot = by_site.get((variant.chrom, variant.pos, variant.ref.upper(), variant.alt.upper()))
    gene = variant.gene
    hgvs_p, hgvs_c = variant.hgvs_p, variant.hgvs_c
    if hotspot is not None:
        annotated = short_protein(hgvs_p)
        if annotated and annotated != hotspot.hgvs_p_short:
            out.warnings.append(Warning(
                f"{hotspot.gene} {annotated} from the VCF annotation ({variant.transcript or 'transcript not given'}) "
                f"is the known hotspot {hotspot.hgvs_p_short} in {hotspot.transcript} numbering; reported as "
                f"{hotspot.hgvs_p_short}",
                variant.source,
            ))
        gene, hgvs_p, hgvs_c = hotspot.gene, hotspot.hgvs_p, hotspot.hgvs_c
        klass = "missense" if hotspot.hgvs_p_short[-1] != "*" else "truncating"
    else:
        klass = consequence_class(variant.consequence)
        if gene and hgvs_p:
            hotspot = by_protein.get((gene, short_protein(hgvs_p)))
        if variant.annotation == "none":
            out.uninterpretable += 1
            return None
        if klass is None:
            out.silent += 1
            return None
    if not gene:
        return None
    short = short_protein(hgvs_p)
    if hgvs_p:
        lesion_id, label = f"variant:{gene}:{hgvs_p}", f"{gene} {short}"
    elif hgvs_c:
        lesion_id, label = f"variant:{gene}:{hgvs_c}", f"{gene} {hgvs_c}"
    else:
        allele = f"{variant.chrom}:{variant.pos}:{variant.ref}>{variant.alt}"
        lesion_id, label = f"variant:{gene}:{allele}", f"{gene} {allele}"
    return Lesion(
        id=lesion_id,
        kind=LesionKind.SEQUENCE_VARIANT,
        genes=(gene,),
        label=label,
        evidence=(variant,),
        hgvs_c=hgvs_c,
        hgvs_p=hgvs_p,
        vaf=variant.vaf,
        hotspot_id=hotspot.id if hotspot else None,
        consequence_class=klass,
    )


def _rule_fusion_patterns(kb) -> list:
    patterns = []
    for rule in kb.rules:
        _collect_fusion_patterns(rule.when, patterns)
    return patterns


def _collect_fusion_patterns(node, patterns: list) -> None:
    for key, value in node.items():
        if key == "fusion":
            patterns.append(value)
        elif key in ("all_of", "any_of", "none_of"):
            for child in value:
                _collect_fusion_patterns(child, patterns)


def _fusion_lesions(fusions: Sequence[Fusion], patterns: list, warnings: list[Warning], kb) -> list[Lesion]:
    """One lesion per gene pair; a reciprocal pair becomes one lesion named in its known orientation.

    Every caller row is kept as evidence. A reverse product reported alone (ABL1::BCR without
    BCR::ABL1) keeps its own name, so it never matches the forward rule, and is explained.
    """
    loci = {g.symbol for g in kb.genes.values() if g.feature != "gene"}
    groups: dict[frozenset[str], list[Fusion]] = defaultdict(list)
    for fusion in fusions:
        groups[frozenset((fusion.gene5, fusion.gene3))].append(fusion)

    def known(genes: tuple[str, str]) -> bool:
        return any(fusion_matches(p, genes) for p in patterns)

    lesions = []
    for events in groups.values():
        orientations = list(dict.fromkeys((f.gene5, f.gene3) for f in events))
        chosen = next((o for o in orientations if known(o)), orientations[0])
        reverse = (chosen[1], chosen[0])
        if len(orientations) == 1 and chosen[0] != chosen[1] and not known(chosen) and known(reverse):
            warnings.append(Warning(
                f"{chosen[0]}::{chosen[1]} was reported without {reverse[0]}::{reverse[1]}: it is the "
                f"reciprocal product and is not used to call a subtype; confirm the rearrangement by "
                f"another method (for example FISH or the forward fusion transcript)",
                events[0].source,
            ))
        exempt = {"read-through"} if f"{chosen[0]}::{chosen[1]}" in kb.local_fusions else set()
        if set(chosen) & loci:
            exempt.add("intergenic")  # enhancer hijacks (IGH::CRLF2, IGH::DUX4) often break outside the gene
        trusted = [f for f in events if f.support_level != "low" and not (set(f.flags) & DEMOTING_FLAGS) - exempt]
        if chosen[0] == chosen[1]:  # FLT3::FLT3 (ITD), KMT2A::KMT2A (PTD): not a fusion of two genes
            lesions.append(Lesion(
                id=f"rearrangement:{chosen[0]}",
                kind=LesionKind.REARRANGEMENT,
                genes=(chosen[0],),
                label=f"{chosen[0]} intragenic rearrangement (e.g. internal or partial tandem duplication)",
                evidence=tuple(events),
                confidence="high" if trusted else "low",
            ))
            continue
        isoform, product = _isoform(chosen, events, kb)
        label = f"{chosen[0]}::{chosen[1]}"
        if isoform:
            label += f" {isoform}" + (f" ({product})" if product else "")
        lesions.append(Lesion(
            id=f"fusion:{chosen[0]}::{chosen[1]}",
            kind=LesionKind.FUSION,
            genes=chosen,
            label=label,
            evidence=tuple(events),
            confidence="high" if trusted else "low",
            isoform=isoform,
        ))
    return lesions


def _isoform(genes: tuple[str, str], events: Sequence[Fusion], kb) -> tuple[str | None, str | None]:
    """Name the transcript isoform when a caller's junction sits exactly on known exon boundaries."""
    naming = next((n for n in kb.fusion_isoforms if fusion_matches(n.fusion, genes)), None)
    if naming is None:
        return None, None
    ends = {(b.coords[build], b.exon) for b in kb.exon_boundaries if b.gene == genes[0] and b.boundary == "exon_end"
            for build in b.coords}
    starts = {(b.coords[build], b.exon) for b in kb.exon_boundaries
              if b.gene == genes[1] and b.boundary == "exon_start" for build in b.coords}
    end_exon = {site: exon for site, exon in ends}
    start_exon = {site: exon for site, exon in starts}
    for event in events:
        if (event.gene5, event.gene3) != genes or not event.breakpoint5 or not event.breakpoint3:
            continue
        five, three = _site(event.breakpoint5), _site(event.breakpoint3)
        if five in end_exon and three in start_exon:
            name = naming.name_format.format(exon5=end_exon[five], exon3=start_exon[three])
            return name, naming.products.get(name)
    return None, None


def _site(breakpoint: str) -> tuple[str, int] | None:
    chrom, _, pos = breakpoint.rpartition(":")
    return (chrom, int(pos)) if pos.isdigit() else None


def _breakpoint_warnings(fusions: Sequence[Fusion], kb) -> list[Warning]:
    """Warn when a breakpoint lies far from its named gene in both builds (a coordinate mix-up)."""
    window = int(kb.policies.get("locus_juxtaposition_window", 1_000_000))
    warnings = []
    for fusion in fusions:
        for gene_name, breakpoint in ((fusion.gene5, fusion.breakpoint5), (fusion.gene3, fusion.breakpoint3)):
            gene = kb.genes.get(gene_name)
            if gene is None or breakpoint is None or not gene.coords:
                continue
            chrom, _, pos_text = breakpoint.rpartition(":")
            if not pos_text.isdigit():
                continue
            pos = int(pos_text)
            if not any(c == chrom and s - window <= pos <= e + window for c, s, e in gene.coords.values()):
                spans = "; ".join(f"{b} {c}:{s}-{e}" for b, (c, s, e) in gene.coords.items())
                warnings.append(Warning(
                    f"{fusion.gene5}::{fusion.gene3}: breakpoint {breakpoint} is not within {window:,} bp of "
                    f"{gene_name} ({spans}); the fusion is kept by its gene names, the coordinate is suspect",
                    fusion.source,
                ))
    return warnings


def _deletion_lesions(deletions: Sequence[GeneDeletion]) -> list[Lesion]:
    """One lesion per deleted gene; every supporting segment or SV is kept as evidence."""
    groups: dict[str, list[GeneDeletion]] = defaultdict(list)
    for deletion in deletions:
        groups[deletion.gene].append(deletion)
    severity = {"whole_gene": 0, "partial": 1, "intragenic": 2}
    lesions = []
    for gene, events in groups.items():
        extent = min((e.extent for e in events), key=severity.__getitem__)
        words = {"whole_gene": "whole-gene", "partial": "partial", "intragenic": "intragenic"}[extent]
        detail = next((e.detail for e in events if e.detail), None)
        lesions.append(Lesion(
            id=f"deletion:{gene}",
            kind=LesionKind.GENE_DELETION,
            genes=(gene,),
            label=f"{gene} deletion ({detail or words})",
            evidence=tuple(events),
            consequence_class=extent,
        ))
    return lesions


def first_source(lesion: Lesion) -> SourceRef:
    return lesion.evidence[0].source


def with_clonality(lesions: Sequence[Lesion], purity: float | None, clonal_fraction: float) -> list[Lesion]:
    """Mark sequence variants clonal or subclonal from VAF and purity (heterozygous diploid sites).

    Without a purity (or blast fraction) clonality stays unknown rather than being guessed from VAF.
    """
    from dataclasses import replace

    if purity is None:
        return list(lesions)
    out = []
    for lesion in lesions:
        if lesion.kind is LesionKind.SEQUENCE_VARIANT and lesion.vaf is not None:
            fraction = min(1.0, 2 * lesion.vaf / purity)
            lesion = replace(lesion, clonality="clonal" if fraction >= clonal_fraction else "subclonal")
        out.append(lesion)
    return out
