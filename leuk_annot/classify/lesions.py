"""Turn input events (variants, fusions) into lesions: deduplicated, labelled, hotspot-matched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..hgvs import short_protein
from ..model import Fusion, Lesion, LesionKind, SourceRef, Variant, Warning

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


def derive_lesions(variants: Sequence[Variant], fusions: Sequence[Fusion], kb, build: str | None) -> DerivedLesions:
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
    for lesion in _fusion_lesions(fusions):
        (out.lesions if lesion.confidence == "high" else out.low_confidence).append(lesion)
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


def _fusion_lesions(fusions: Sequence[Fusion]) -> list[Lesion]:
    """One lesion per ordered gene pair; every caller row is kept as evidence."""
    groups: dict[tuple[str, str], list[Fusion]] = defaultdict(list)
    for fusion in fusions:
        groups[(fusion.gene5, fusion.gene3)].append(fusion)
    lesions = []
    for (gene5, gene3), events in groups.items():
        trusted = [f for f in events if f.support_level != "low" and not f.flags]
        lesions.append(Lesion(
            id=f"fusion:{gene5}::{gene3}",
            kind=LesionKind.FUSION,
            genes=(gene5, gene3),
            label=f"{gene5}::{gene3}",
            evidence=tuple(events),
            confidence="high" if trusted else "low",
        ))
    return lesions


def first_source(lesion: Lesion) -> SourceRef:
    return lesion.evidence[0].source
