"""The Comparison data model (what changed from diagnosis to relapse) and the vocabulary it uses.

``compare.py`` builds these objects from two result documents; ``report/compare_view.py`` renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Warning

VAF_SHIFT_THRESHOLD = 0.10
"""Absolute VAF change that counts as expanded/contracted: below it, sampling noise at ~100x depth
and differing blast fractions explain the shift as well as clonal change does."""

INPUT_NAMES = {"vcf": "VCF", "fusions": "fusion calls", "sv": "SV calls", "cnv": "copy number"}
LESION_STATUS_ORDER = ("gained", "not_assessed_at_diagnosis", "persisting", "lost", "not_assessed_at_relapse")

LINEAGE_NOTE = (
    "leuk-annot reads genomic lesions only: a lineage switch (for example a KMT2A-rearranged B-ALL "
    "relapsing as AML, notably after CD19-directed therapy) keeps the same fusion and cannot be seen "
    "here. Confirm the relapse lineage by immunophenotyping."
)


@dataclass(frozen=True, slots=True)
class SampleInfo:
    """What the comparison shows about one of the two results."""

    role: str  # "diagnosis" | "relapse"
    source: str  # file path or name given to compare_results
    sample_id: str
    genome_build: str
    schema_version: str
    leuk_annot_version: str
    annotation_db_version: str
    annotation_db_schema_version: int
    created: str
    primary_subtype: str | None
    risk: str | None
    input_kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LesionChange:
    """One lesion followed from diagnosis to relapse."""

    key: str  # relapse lesion id when present, else the diagnosis one
    label: str
    kind: str
    genes: tuple[str, ...]
    status: str  # one of LESION_STATUS_ORDER
    matched_by: str | None  # "id" | "allele" | "fusion_pair"; None when only one side has it
    diagnosis_id: str | None
    relapse_id: str | None
    hgvs_p: str | None
    allele: str | None  # "chrom:pos:ref>alt" of the first variant evidence
    diagnosis_vaf: float | None
    relapse_vaf: float | None
    vaf_shift: float | None  # relapse - diagnosis, when both known
    vaf_trend: str | None  # "expanded" | "contracted" | "stable"
    diagnosis_confidence: str | None
    relapse_confidence: str | None
    roles: tuple[str, ...]
    categories: tuple[str, ...]
    relapse_resistance: bool
    resistance_reason: str | None
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SubtypeChange:
    """Whether the primary subtype call held from diagnosis to relapse."""

    status: str  # stable | changed | lost | gained | not_assessed | none
    diagnosis: dict[str, Any] | None  # {id, name, icc_name, lineage, confidence}
    relapse: dict[str, Any] | None
    message: str
    prominent: bool
    other_gained: tuple[str, ...]
    other_lost: tuple[str, ...]
    citations: tuple[str, ...]
    note: str = LINEAGE_NOTE


@dataclass(frozen=True, slots=True)
class TherapyChange:
    """One agent and response direction, before and after (best AMP/ASCO/CAP level on each side)."""

    agent: str
    response: str  # sensitivity | resistance
    status: str  # one of THERAPY_STATUS_ORDER
    diagnosis_level: str | None
    relapse_level: str | None
    therapy_ids: tuple[str, ...]
    lesion_ids: tuple[str, ...]
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PrognosisChange:
    diagnosis_risk: str | None
    relapse_risk: str | None
    direction: str  # higher | lower | unchanged | unknown
    basis_gained: tuple[str, ...]
    basis_lost: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CopyNumberChange:
    compared: bool
    reason: str | None  # why not compared
    diagnosis_modal: int | None = None
    relapse_modal: int | None = None
    modal_change: int | None = None
    chromosomes: tuple[dict[str, Any], ...] = ()  # {chrom, diagnosis, relapse} whole-chromosome copies
    genes: tuple[dict[str, Any], ...] = ()  # {gene, diagnosis, relapse} KB gene calls that changed


@dataclass(frozen=True, slots=True)
class Comparison:
    diagnosis: SampleInfo
    relapse: SampleInfo
    genome_build: str
    lesions: tuple[LesionChange, ...]
    subtype: SubtypeChange
    therapies: tuple[TherapyChange, ...]
    prognosis: PrognosisChange
    copy_number: CopyNumberChange
    warnings: tuple[Warning, ...] = field(default=())

    @property
    def resistance_lesions(self) -> tuple[LesionChange, ...]:
        return tuple(c for c in self.lesions if c.relapse_resistance)
