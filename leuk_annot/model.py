"""Frozen data model shared by readers, classifier, therapy linker and renderers.

Conventions, decided once here and nowhere else:
- Coordinates are 1-based and closed, like VCF. Readers of 0-based formats convert on read;
  nothing downstream converts again.
- Chromosome names are stored without a ``chr`` prefix (``"1"``..``"22"``, ``"X"``, ``"Y"``,
  ``"MT"``); readers strip it.
- Genes are current HGNC symbols once ``normalize`` has run; fusions are named ``5'::3'``.
- ``None`` means unknown. There are no ``"NA"``/``-1`` sentinels.
- Every input event carries a ``SourceRef`` so each call can be traced to a file line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum
from operator import attrgetter


class LesionKind(str, Enum):
    SEQUENCE_VARIANT = "sequence_variant"
    FUSION = "fusion"
    GENE_DELETION = "gene_deletion"
    GENE_AMPLIFICATION = "gene_amplification"
    ANEUPLOIDY = "aneuploidy"
    REARRANGEMENT = "rearrangement"


RISK_ORDER = ("favourable", "intermediate", "high", "very high")
"""Prognostic categories from lowest to highest risk."""


def _pickled_as_values(cls):
    """Pickle instances as (class, field values), for those a reader sends back from a child process
    by the thousand: the default for a slotted dataclass calls ``fields()`` for every instance
    (~5x slower to pickle, ~2x to unpickle)."""
    names = [f.name for f in fields(cls)]
    assert all(f.init for f in fields(cls)) and len(names) > 1, cls  # the values rebuild it through __init__
    values = attrgetter(*names)
    cls.__reduce__ = lambda self: (cls, values(self))
    return cls


@_pickled_as_values
@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where an event came from: file, 1-based line (when known) and a record locator."""

    path: str
    line: int | None = None
    record: str | None = None  # e.g. "9:130872896 C>T" when the line is unknown (indexed reads)


@_pickled_as_values
@dataclass(frozen=True, slots=True)
class Variant:
    """One ALT allele of a VCF record (multi-allelic records are split per ALT)."""

    chrom: str
    pos: int
    ref: str
    alt: str
    source: SourceRef
    filter: str = "PASS"
    gene: str | None = None
    consequence: tuple[str, ...] = ()  # Sequence Ontology terms, e.g. ("missense_variant",)
    hgvs_c: str | None = None  # "c.944C>T" (transcript prefix removed)
    hgvs_p: str | None = None  # three-letter HGVS, "p.Thr315Ile"
    transcript: str | None = None
    vaf: float | None = None
    depth: int | None = None
    alt_depth: int | None = None
    annotation: str = "none"  # "vep" | "snpeff" | "bcsq" | "none"
    sample: str | None = None


@dataclass(frozen=True, slots=True)
class Fusion:
    """A gene fusion as reported by a caller; genes are HGNC symbols after normalize()."""

    gene5: str
    gene3: str
    caller: str  # reader key: "tsv", later "arriba", "star-fusion", ...
    source: SourceRef
    breakpoint5: str | None = None  # "22:23290555", 1-based
    breakpoint3: str | None = None
    supporting_reads: int | None = None
    support_level: str = "unknown"  # "high" | "medium" | "low" | "unknown", common to all callers
    caller_confidence: str | None = None  # the caller's own wording, kept for the report
    flags: tuple[str, ...] = ()  # e.g. ("read-through",) ; flagged fusions never define a subtype

    @property
    def name(self) -> str:
        return f"{self.gene5}::{self.gene3}"


@dataclass(frozen=True, slots=True)
class StructuralVariant:
    """One novel adjacency (breakend pair) from a DNA SV caller, before any gene interpretation.

    ``keeps1``/``keeps2`` say which side of each breakpoint stays joined to the junction:
    ``"left"`` = bases <= pos are retained (the junction is at their right end), ``"right"`` =
    bases >= pos are retained; None when the caller does not say (e.g. a symbolic <INV>).
    A deletion chr1:100-200 is (pos1=100, keeps1="left", pos2=200, keeps2="right").
    """

    chrom1: str
    pos1: int
    keeps1: str | None
    chrom2: str
    pos2: int
    keeps2: str | None
    svtype: str  # "DEL" | "DUP" | "INV" | "INS" | "BND" (derived from the breakend notation)
    caller: str  # reader key: "manta", "delly", "gridss", "vcf-sv"
    source: SourceRef
    event_id: str | None = None
    supporting_reads: int | None = None
    support_level: str = "unknown"
    filter: str = "PASS"
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GeneDeletion:
    """Loss of all or part of a gene, from an SV deletion or copy-number segments."""

    gene: str
    chrom: str
    start: int
    end: int
    extent: str  # "whole_gene" | "intragenic" | "partial" (one gene end inside the deletion)
    caller: str
    source: SourceRef
    copy_number: float | None = None  # None when the source gives no copy number (SV calls)
    detail: str | None = None  # e.g. "exons 4-7 (IK6, dominant negative)"


@dataclass(frozen=True, slots=True)
class CopyNumberSegment:
    """One copy-number segment (or bin) as a caller reported it, converted to 1-based closed."""

    chrom: str
    start: int
    end: int
    caller: str  # reader key: "cnvkit", "seg", "gatk-seg", "purple", "facets", "cnv-vcf"
    source: SourceRef
    log2: float | None = None  # log2 copy ratio, when the caller gives one
    copy_number: float | None = None  # total copy number, when the caller gives one
    minor_copy_number: float | None = None
    probes: int | None = None
    sample: str | None = None


@dataclass(frozen=True, slots=True)
class GeneCopyNumber:
    """The copy-number state of one knowledge-base gene."""

    gene: str
    chrom: str
    start: int
    end: int
    copy_number: float
    call: str  # "homozygous_deletion" | "hemizygous_deletion" | "neutral" | "gain" | "amplification"
    extent: str  # "whole_gene" | "intragenic" | "partial": how much of the gene the call covers
    fraction_covered: float  # share of the gene span covered by segments
    sources: tuple[SourceRef, ...] = ()
    detail: str | None = None  # e.g. "exons 4-7 deleted (IK6)"


@dataclass(frozen=True, slots=True)
class ChromosomeCopyNumber:
    chrom: str
    copies: int | None  # whole-chromosome copy number (rounded; None when too little is covered)
    p_arm: float | None
    q_arm: float | None
    fraction_covered: float


@dataclass(frozen=True, slots=True)
class CopyNumberProfile:
    """Sample-level copy-number view: how copy numbers were derived, chromosomes, genes, segments."""

    method: str  # e.g. "log2 thresholds (default, no purity given)" or "purity 0.80, ploidy 2"
    purity: float | None
    ploidy: float | None
    modal_number: int | None  # estimated chromosome count
    chromosomes: tuple[ChromosomeCopyNumber, ...]
    genes: tuple[GeneCopyNumber, ...]
    segments: tuple[CopyNumberSegment, ...]  # for plots (may be downsampled bins)


@dataclass(frozen=True, slots=True)
class PharmacogeneCall:
    """Germline genotype of a thiopurine pharmacogene (TPMT, NUDT15) and its CPIC phenotype."""

    gene: str
    diplotype: str | None  # "*1/*3A"; None when it cannot be decided
    phenotype: str | None  # CPIC term, e.g. "intermediate metabolizer"; "indeterminate" allowed
    observations: tuple[str, ...]  # e.g. ("TPMT c.719A>G heterozygous (VAF 0.48)",)
    sample_kind: str  # "germline" | "tumour"
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DosingRecommendation:
    drug: str  # "mercaptopurine" | "thioguanine" | "azathioprine"
    phenotypes: str  # what the recommendation is based on, e.g. "TPMT IM / NUDT15 NM"
    recommendation: str
    strength: str | None  # CPIC classification of recommendation
    citations: tuple[str, ...]
    guideline: str  # e.g. "CPIC thiopurines 2018 update (with 2024 addendum)"


@dataclass(frozen=True, slots=True)
class Pharmacogenomics:
    calls: tuple[PharmacogeneCall, ...]
    recommendations: tuple[DosingRecommendation, ...]
    method: str  # how the genotypes were obtained and their limits


@dataclass(frozen=True, slots=True)
class RiskItem:
    """One relapse-risk item (timing, strategic group, refractoriness...), or why it is not assessable."""

    scheme: str  # e.g. "BFM time to relapse", "COG time to relapse", "BFM strategic group"
    value: str | None  # e.g. "very early", "S3/S4"; None when not assessable
    assessable: bool
    basis: str  # the inputs used, or what is missing
    citations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RelapseAssessment:
    items: tuple[RiskItem, ...]
    clinical_file: str | None


Event = Variant | Fusion | StructuralVariant | GeneDeletion | CopyNumberSegment


@dataclass(frozen=True, slots=True)
class LesionRole:
    """What the knowledge base says a lesion means (one matched lesion rule)."""

    rule_id: str
    role: str  # e.g. "thiopurine resistance", "TKI resistance", "cooperating JAK-STAT lesion"
    category: str  # "relapse_resistance" | "prognostic" | "cooperating" | "germline" | ...
    relapse: bool
    risk: str | None
    citations: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Lesion:
    """A biologically meaningful alteration, built from one or more input events."""

    id: str  # "fusion:BCR::ABL1", "variant:ABL1:p.Thr315Ile"
    kind: LesionKind
    genes: tuple[str, ...]
    label: str  # canonical text: "BCR::ABL1", "ABL1 p.T315I"
    evidence: tuple[Event, ...]
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    vaf: float | None = None
    hotspot_id: str | None = None
    consequence_class: str | None = None  # "missense" | "truncating" | "inframe" | "splice" | ...
    confidence: str = "high"  # "high" | "low": low-confidence lesions never define a subtype
    roles: tuple[LesionRole, ...] = ()
    isoform: str | None = None  # fusion transcript isoform from exon-boundary junctions, e.g. "e14a2"
    clonality: str | None = None  # "clonal" | "subclonal" | None (not assessable: no purity/blast %)


@dataclass(frozen=True, slots=True)
class SubtypeCall:
    subtype_id: str
    name: str  # WHO-HAEM5
    icc_name: str
    subtype_class: str | None  # e.g. "ABL-class", "JAK-STAT"
    lineage: str  # "B" | "T"
    confidence: str  # "high" | "moderate" | "low"
    rule_id: str | None
    supporting: tuple[str, ...]  # lesion ids
    citations: tuple[str, ...]
    status: str = "primary"  # "primary" | "additional" | "conflicting" | "unclassified"
    note: str | None = None


@dataclass(frozen=True, slots=True)
class TherapyLink:
    therapy_id: str
    agent: str  # lower-case generic name
    response: str  # "sensitivity" | "resistance"
    evidence_level: str  # AMP/ASCO/CAP A-D
    tier: str  # AMP/ASCO/CAP I-II
    lesion_ids: tuple[str, ...]
    context: str
    citations: tuple[str, ...]
    last_reviewed: str
    subtype_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PrognosticFactor:
    risk: str
    source: str  # subtype id or lesion id
    label: str
    rule_id: str
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Prognosis:
    risk: str | None  # one of RISK_ORDER, or None when nothing is known
    basis: tuple[PrognosticFactor, ...]
    policy: str


@dataclass(frozen=True, slots=True)
class Flag:
    id: str
    text: str
    citations: tuple[str, ...] = ()
    lesion_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Warning:
    message: str
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """Whether a class of findings could be assessed with the inputs given."""

    topic: str  # e.g. "fusion-defined subtypes"
    assessed: bool
    reason: str


@dataclass(frozen=True, slots=True)
class InputFile:
    path: str
    sha256: str
    format: str
    kind: str  # "vcf" | "fusions" | "sv" | "cnv"


@dataclass(frozen=True, slots=True)
class Provenance:
    leuk_annot_version: str
    annotation_db_version: str
    annotation_db_schema_version: int
    genome_build: str
    genome_build_evidence: str
    inputs: tuple[InputFile, ...]
    created: str  # ISO 8601, UTC


@dataclass(frozen=True, slots=True)
class AnnotationResult:
    sample_id: str
    genome_build: str
    lesions: tuple[Lesion, ...]
    subtypes: tuple[SubtypeCall, ...]
    therapies: tuple[TherapyLink, ...]
    prognosis: Prognosis
    flags: tuple[Flag, ...]
    warnings: tuple[Warning, ...]
    provenance: Provenance
    assessments: tuple[Assessment, ...] = ()
    low_confidence: tuple[Lesion, ...] = field(default=())  # shown, never used to classify
    copy_number: CopyNumberProfile | None = None
    pharmacogenomics: Pharmacogenomics | None = None
    relapse: RelapseAssessment | None = None
