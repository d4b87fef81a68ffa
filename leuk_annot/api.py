"""The library entry point: ``annotate(SampleInputs, KnowledgeBase) -> AnnotationResult``.

The CLI is this function minus argument parsing. Data flows one way:
read -> normalise -> derive lesions -> classify -> roles -> therapies/prognosis -> result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .checksums import Checksums
from .classify import assign_roles, classify, derive_lesions
from .classify.copy_number import interpret_copy_number
from .classify.lesions import with_clonality
from .classify.rules import LesionPool
from .classify.structural import interpret_structural_variants
from .errors import LeukAnnotError
from .inputs import read_sample
from .io import check_readable
from .io.clinical import read_clinical
from .model import AnnotationResult, Assessment, Provenance, Warning
from .normalize import normalize_fusion
from .relapse import assess_relapse
from .therapy import collect_flags, combine_prognosis, link_therapies, therapy_conflict_flags

__all__ = ["SampleInputs", "annotate"]


@dataclass(frozen=True)
class SampleInputs:
    """Everything known about one sample. Any subset of inputs is allowed, but at least one."""

    vcf: Path | None = None
    fusions: Sequence[Path] = ()
    sv: Sequence[Path] = ()  # DNA structural-variant VCFs (Manta, Delly, GRIDSS)
    cnv: Sequence[Path] = ()  # copy-number segments (CNVkit, GATK, SEG, PURPLE, FACETS, ...)
    purity: float | None = None  # tumour purity (0-1] for copy number and clonality
    ploidy: float | None = None
    germline: Path | None = None  # remission/normal VCF for pharmacogenomics
    germline_sample: str | None = None  # its sample column when it has several
    clinical: Path | None = None  # clinical YAML (dates, site, blasts, MRD, prior therapy): docs/clinical.md
    sample_id: str | None = None
    tumor_id: str | None = None
    genome: str = "auto"  # "auto" | "GRCh37" | "GRCh38"
    include_filtered: bool = False
    fusion_formats: Sequence[str | None] = field(default=())  # per fusion file; None = sniff


# What each kind of evidence needs, in the words the report uses.
_EVIDENCE_TOPICS = (
    ("fusion", "fusion-defined subtypes", "no fusion calls (--fusions) or SV calls (--sv) given"),
    ("sequence_variant", "sequence-variant-defined subtypes and relapse mutations", "no VCF given"),
    ("copy_number", "copy-number-defined subtypes and gene deletions", "no copy-number segments given (--cnv)"),
    ("expression", "expression-defined entities",
     "requires gene-expression profiling, which leuk-annot does not use"),
)


def annotate(inputs: SampleInputs, kb, *, now: datetime | None = None,
             checksums: Checksums | None = None) -> AnnotationResult:
    """Annotate one sample. Raises a LeukAnnotError subclass for any input problem.

    ``checksums`` (``Checksums.of(inputs)``, stopped by the caller) lets hashing start early.
    """
    paths = ([inputs.vcf] if inputs.vcf else []) + list(inputs.fusions) + list(inputs.sv) + list(inputs.cnv)
    optional = [p for p in (inputs.germline, inputs.clinical) if p]
    if not paths:
        raise LeukAnnotError("no input given: pass a VCF, fusion calls (--fusions), SV calls (--sv) or copy-number "
                             "segments (--cnv)")
    for path in paths + optional:
        check_readable(Path(path))
    evidence = read_sample(inputs, kb, checksums)
    clinical = read_clinical(inputs.clinical) if inputs.clinical else None
    purity, purity_basis = _purity(inputs, clinical)
    build, build_evidence = evidence.build, evidence.build_evidence
    warnings: list[Warning] = list(evidence.warnings)
    variants, fusions = evidence.variants, list(evidence.fusions)

    structural = interpret_structural_variants(evidence.structural_variants, kb, build)
    fusions += [normalize_fusion(f, kb.aliases) for f in structural.fusions]
    warnings += structural.warnings
    deletions = list(structural.deletions)
    copy_number = None
    cn_lesions = []
    if evidence.segments:
        cn = interpret_copy_number(evidence.segments, kb, build, purity=inputs.purity, ploidy=inputs.ploidy)
        copy_number, cn_lesions = cn.profile, cn.lesions
        deletions += cn.deletions
        warnings += cn.warnings

    derived = derive_lesions(variants, fusions, kb, build, deletions)
    derived.lesions.extend(cn_lesions)
    derived.lesions = with_clonality(derived.lesions, purity, float(kb.policies.get("clonal_fraction", 0.8)))
    if purity_basis:
        warnings.append(Warning(purity_basis))
    warnings += derived.warnings
    if derived.uninterpretable:
        warnings.append(Warning(
            f"{derived.uninterpretable} variant(s) in knowledge-base genes carry no consequence annotation "
            "(VEP CSQ, SnpEff ANN or bcftools BCSQ); only known hotspots were recognised, by position. "
            "Annotate the VCF to have every coding change interpreted."
        ))
    assessed = _available_kinds(inputs)
    assessments = _assessments(inputs, assessed)
    not_assessed = [f"{a.topic} ({a.reason})" for a in assessments if not a.assessed]
    pool = LesionPool(derived.lesions)  # indexed once for every rule, therapy and marker lookup below
    calls = classify(pool, kb, not_assessed)
    lesions = LesionPool(assign_roles(pool, calls, kb))
    low_confidence = assign_roles(derived.low_confidence, (), kb)
    sample_id = inputs.sample_id or evidence.vcf_sample or _stem(paths[0])
    created = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    therapies = link_therapies(lesions, calls, kb)
    return AnnotationResult(
        sample_id=sample_id,
        genome_build=build or "unknown",
        lesions=tuple(lesions),
        subtypes=calls,
        therapies=therapies,
        prognosis=combine_prognosis(lesions, calls, kb, assessed),
        flags=collect_flags(lesions, kb, assessed) + therapy_conflict_flags(therapies, lesions),
        warnings=tuple(warnings),
        provenance=Provenance(
            leuk_annot_version=__version__,
            annotation_db_version=kb.version,
            annotation_db_schema_version=kb.schema_version,
            genome_build=build or "unknown",
            genome_build_evidence=build_evidence,
            inputs=tuple(evidence.input_files),
            created=created,
        ),
        assessments=assessments,
        low_confidence=tuple(low_confidence),
        copy_number=copy_number,
        pharmacogenomics=_pharmacogenomics(evidence, kb),
        relapse=assess_relapse(clinical, calls, lesions, kb, copy_number_assessed="copy_number" in assessed,
                               fusions_assessed="fusion" in assessed),
    )


def _purity(inputs: SampleInputs, clinical) -> tuple[float | None, str | None]:
    """Purity for clonality: --purity, else the marrow blast fraction from the clinical file."""
    if inputs.purity is not None:
        return inputs.purity, None
    if clinical is not None and clinical.marrow_blasts_percent:
        fraction = min(1.0, clinical.marrow_blasts_percent / 100)
        return fraction, (f"clonality estimated with the marrow blast fraction ({clinical.marrow_blasts_percent:g}%) "
                          f"from {clinical.path} as tumour purity; pass --purity to override")
    return None, None


def _pharmacogenomics(evidence, kb):
    """TPMT/NUDT15 from the germline VCF when given, else from the tumour VCF with its caveats."""
    from .pharmacogenomics import call_pharmacogenes

    if evidence.build not in ("GRCh37", "GRCh38"):
        return None
    if evidence.germline_variants is not None:
        variants, kind = evidence.germline_variants, "germline"
    elif evidence.vcf_sample is not None or evidence.variants:
        variants, kind = evidence.variants, "tumour"
    else:
        return None
    return call_pharmacogenes(variants, kb, evidence.build, sample_kind=kind,
                              reported_sites=evidence.reported_pgx_sites)


def _available_kinds(inputs: SampleInputs) -> set[str]:
    """The kinds of evidence the inputs can show (those a missing finding is meaningful for)."""
    available = {"sequence_variant"} if inputs.vcf is not None else set()
    if inputs.fusions or inputs.sv:
        available.add("fusion")
    if inputs.cnv:
        available.add("copy_number")
    return available


def _assessments(inputs: SampleInputs, available: set[str]) -> tuple[Assessment, ...]:
    out = []
    for kind, topic, reason in _EVIDENCE_TOPICS:
        if kind in available:
            out.append(Assessment(topic, True, "assessed from the inputs given"))
        elif kind == "copy_number" and inputs.sv:
            out.append(Assessment(topic, False, "only gene deletions seen as SV deletions were assessed; ploidy, "
                                  "iAMP21 and copy-number-only deletions need copy-number segments"))
        else:
            out.append(Assessment(topic, False, reason))
    return tuple(out)


def _stem(path) -> str:
    name = Path(path).name
    for suffix in (".gz", ".bgz", ".vcf", ".bcf", ".tsv", ".txt", ".csv", ".seg", ".cns", ".cnr", ".call"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name or "sample"
