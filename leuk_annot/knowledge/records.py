"""Frozen records of the annotation database (the typed view of annotation_db/ files)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    key: str
    text: str
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    verified: bool = False

    @property
    def link(self) -> str | None:
        """The best public link for the citation (PubMed, then DOI, then URL)."""
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url


@dataclass(frozen=True)
class Gene:
    symbol: str
    hgnc_id: str | None
    feature: str  # "gene" | "ig_locus" | "tr_locus"
    previous_symbols: tuple[str, ...]
    alias_symbols: tuple[str, ...]
    strand: str | None
    coords: Mapping[str, tuple[str, int, int]]  # build -> (chrom, start, end), 1-based closed


@dataclass(frozen=True)
class Hotspot:
    id: str
    gene: str
    hgvs_p: str  # p.Thr315Ile
    hgvs_p_short: str  # p.T315I
    transcript: str
    hgvs_c: str
    coords: Mapping[str, tuple[str, int, str, str]]  # build -> (chrom, pos, ref, alt)
    status: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Subtype:
    id: str
    who_name: str
    icc_name: str
    lineage: str  # "B" | "T"
    subtype_class: str | None
    risk: str | None
    detectable_from: tuple[str, ...]  # input kinds that can show the defining lesion
    citations: tuple[str, ...]
    note: str | None = None
    risk_citations: tuple[str, ...] = ()
    short_name: str | None = None


@dataclass(frozen=True)
class Rule:
    """A classification rule: when its condition holds, the subtype is called."""

    id: str
    subtype: str
    role: str  # "defining" | "supportive"
    when: Mapping[str, Any]
    confidence: str
    citations: tuple[str, ...]
    note: str | None = None
    source_file: str = ""


@dataclass(frozen=True)
class LesionRule:
    """What a matching lesion means: role, relapse relevance, prognostic weight, flag."""

    id: str
    match: Mapping[str, Any]
    role: str
    category: str
    relapse: bool
    risk: str | None
    citations: tuple[str, ...]
    note: str | None = None
    flag: str | None = None  # text of a report flag raised when the rule matches
    risk_not_applied_in: tuple[str, ...] = ()  # subtype ids whose prognosis this lesion does not raise


@dataclass(frozen=True)
class TherapyAgent:
    agent: str
    response: str  # "sensitivity" | "resistance"


@dataclass(frozen=True)
class Therapy:
    id: str
    applies_to: Mapping[str, Any]  # {"lesion": matcher} or {"subtype": id}
    agents: tuple[TherapyAgent, ...]
    evidence_level: str
    tier: str
    context: str
    citations: tuple[str, ...]
    last_reviewed: str


@dataclass(frozen=True)
class Marker:
    """A composite prognostic marker (e.g. IKZF1plus) evaluated over all lesions."""

    id: str
    name: str
    when: Mapping[str, Any]
    risk: str | None
    flag: str
    citations: tuple[str, ...]
    risk_not_applied_in: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()  # input kinds without which the marker is "not assessable"
    note: str | None = None


@dataclass(frozen=True)
class PediatricTarget:
    """A target on the FDA paediatric molecular target list that lesions in ``genes`` can hit."""

    target: str
    genes: tuple[str, ...]
    lesion_kinds: tuple[str, ...]  # LesionKind values; "fusion" lets a fusion count through either partner
    list: str
    list_version: str
    note: str
    source: str  # what was verified, and where
    citations: tuple[str, ...]
    last_reviewed: str


@dataclass(frozen=True)
class ExonBoundary:
    """Where RNA fusion junctions fall: the last base of a 5' exon or the first base of a 3' exon."""

    gene: str
    exon: int
    boundary: str  # "exon_end" | "exon_start"
    coords: Mapping[str, tuple[str, int]]  # build -> (chrom, pos)


@dataclass(frozen=True)
class FusionIsoforms:
    fusion: str  # "BCR::ABL1"
    name_format: str  # "e{exon5}a{exon3}"
    products: Mapping[str, str]  # isoform -> protein product ("e14a2" -> "p210")
    citations: tuple[str, ...]


@dataclass(frozen=True)
class Exon:
    """One exon of a knowledge-base transcript, used to name intragenic deletions (exons.tsv)."""

    gene: str
    transcript: str
    number: int
    coords: Mapping[str, tuple[int, int]]  # build -> (start, end), 1-based closed
    status: str  # "verified" | "single_source" | "derived"


@dataclass(frozen=True)
class Cytoband:
    chrom: str
    band: str  # "q22.12"
    coords: Mapping[str, tuple[int, int]]  # build -> (start, end), 1-based closed
    stain: str


@dataclass(frozen=True)
class PgxAllele:
    """A star allele: the hotspot ids that define it (all in cis) and its CPIC function."""

    name: str  # "*3A"
    defining: tuple[str, ...]  # hotspot ids; empty for the reference allele (*1)
    function: str  # "normal function" | "decreased function" | "no function"
    citations: tuple[str, ...]
    indistinguishable_from: tuple[str, ...] = ()  # alleles the genotyped sites cannot tell apart
    note: str | None = None


@dataclass(frozen=True)
class Pharmacogene:
    gene: str
    sites: tuple[str, ...]  # hotspot ids genotyped for this gene
    alleles: tuple[PgxAllele, ...]
    phasing_note: str | None
    not_genotyped: str  # which alleles of the gene are not assessed
    indeterminate_action: str


@dataclass(frozen=True)
class DosingRule:
    """One CPIC starting-dose row; ``when`` maps a gene to the phenotype codes it matches."""

    id: str
    drug: str
    when: Mapping[str, tuple[str, ...]]
    recommendation: str
    strength: str | None
    citations: tuple[str, ...]
    source: str  # what was verified, and where


@dataclass(frozen=True)
class PharmacogeneTable:
    """pharmacogenes.yaml: genotyping thresholds, alleles, phenotypes and dosing rows."""

    guideline: str
    url: str
    updates_url: str | None
    citations: tuple[str, ...]
    last_reviewed: str
    het_min_vaf: float
    hom_min_vaf: float
    min_depth: int
    phenotypes: Mapping[tuple[str, str], str]  # sorted pair of allele functions -> phenotype code
    phenotype_labels: Mapping[str, str]
    genes: tuple[Pharmacogene, ...]
    dosing: tuple[DosingRule, ...]


@dataclass(frozen=True)
class RiskCategory:
    """One category of a relapse classification: its value when every condition in ``when`` holds."""

    value: str
    when: Mapping[str, Any]
    note: str | None = None


@dataclass(frozen=True)
class GeneticMarker:
    """A high-risk relapse lesion, found through subtype calls or through lesions (genes + kinds)."""

    label: str
    subtypes: tuple[str, ...]
    lesion_genes: tuple[str, ...]
    lesion_kinds: tuple[str, ...]
    requires: tuple[str, ...]  # input kinds without which absence cannot be stated
    citations: tuple[str, ...]
    definition: str  # "verified" | "unverified"
    note: str | None = None


@dataclass(frozen=True)
class RelapseScheme:
    """One relapse risk item definition (annotation_db/relapse_risk.yaml)."""

    id: str
    kind: str  # "classification" | "refractory" | "genetics" | "blast_threshold"
    scheme: str  # the RiskItem.scheme text
    definition: str  # "verified" | "unverified": whether the definition was seen in a cited source
    citations: tuple[str, ...]
    last_reviewed: str
    note: str | None = None
    categories: tuple[RiskCategory, ...] = ()
    markers: tuple[GeneticMarker, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)  # refractory criteria; blast threshold and values


@dataclass(frozen=True)
class KnowledgeBase:
    path: str
    version: str
    schema_version: int
    released: str
    genes: Mapping[str, Gene]
    aliases: Mapping[str, str]  # upper-case previous/alias symbol -> current symbol
    hotspots: tuple[Hotspot, ...]
    subtypes: Mapping[str, Subtype]
    rules: tuple[Rule, ...]
    lesion_rules: tuple[LesionRule, ...]
    therapies: tuple[Therapy, ...]
    citations: Mapping[str, Citation]
    policies: Mapping[str, Any] = field(default_factory=dict)
    markers: tuple[Marker, ...] = ()
    exon_boundaries: tuple[ExonBoundary, ...] = ()
    fusion_isoforms: tuple[FusionIsoforms, ...] = ()
    relapse_schemes: tuple[RelapseScheme, ...] = ()
    pharmacogenes: PharmacogeneTable | None = None
    local_fusions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # fusion -> citations
    copy_number: Mapping[str, Any] = field(default_factory=dict)  # copy_number.yaml, schema-checked
    exons: tuple[Exon, ...] = ()
    centromeres: Mapping[str, Mapping[str, tuple[int, int]]] = field(default_factory=dict)  # build -> chrom -> span
    cytobands: tuple[Cytoband, ...] = ()
    pediatric_targets: tuple[PediatricTarget, ...] = ()  # pediatric_targets.yaml
