"""The library entry point: ``annotate(SampleInputs, KnowledgeBase) -> AnnotationResult``.

The CLI is this function minus argument parsing. Data flows one way:
read -> normalise -> derive lesions -> classify -> roles -> therapies/prognosis -> result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .classify import assign_roles, classify, derive_lesions
from .classify.structural import interpret_structural_variants
from .errors import GenomeBuildError, LeukAnnotError
from .genome import normalize_build
from .io import ReadResult, Region, check_readable, read_fusions, read_structural_variants, read_variants
from .model import (
    AnnotationResult,
    Assessment,
    Fusion,
    InputFile,
    Provenance,
    StructuralVariant,
    Variant,
    Warning,
)
from .normalize import normalize_fusion
from .therapy import collect_flags, combine_prognosis, link_therapies

__all__ = ["SampleInputs", "annotate"]


@dataclass(frozen=True)
class SampleInputs:
    """Everything known about one sample. Any subset of inputs is allowed, but at least one."""

    vcf: Path | None = None
    fusions: Sequence[Path] = ()
    sv: Sequence[Path] = ()  # DNA structural-variant VCFs (Manta, Delly, GRIDSS)
    sample_id: str | None = None
    tumor_id: str | None = None
    genome: str = "auto"  # "auto" | "GRCh37" | "GRCh38"
    include_filtered: bool = False
    fusion_formats: Sequence[str | None] = field(default=())  # per fusion file; None = sniff


# What each kind of evidence needs, in the words the report uses.
_EVIDENCE_TOPICS = (
    ("fusion", "fusion-defined subtypes", "no fusion calls (--fusions) or SV calls (--sv) given"),
    ("sequence_variant", "sequence-variant-defined subtypes and relapse mutations", "no VCF given"),
    ("copy_number", "copy-number-defined subtypes and gene deletions",
     "no copy-number segments given; copy-number input is not supported in this release"),
    ("expression", "expression-defined entities",
     "requires gene-expression profiling, which leuk-annot does not use"),
)


def annotate(inputs: SampleInputs, kb, *, now: datetime | None = None) -> AnnotationResult:
    """Annotate one sample. Raises a LeukAnnotError subclass for any input problem."""
    if inputs.vcf is None and not inputs.fusions and not inputs.sv:
        raise LeukAnnotError("no input given: pass a VCF, fusion calls (--fusions), SV calls (--sv), or several")
    for path in ([inputs.vcf] if inputs.vcf else []) + list(inputs.fusions) + list(inputs.sv):
        check_readable(Path(path))
    warnings: list[Warning] = []
    input_files: list[InputFile] = []
    variants: list[Variant] = []
    build, build_evidence = _requested_build(inputs.genome)
    vcf_sample = None

    if inputs.vcf is not None:
        vcf_path = Path(inputs.vcf)
        build, build_evidence = _vcf_build(vcf_path, inputs.genome)
        result = read_variants(
            vcf_path,
            tumor_id=inputs.tumor_id,
            include_filtered=inputs.include_filtered,
            regions=gene_regions(kb, build),
            genome=build,
        )
        variants = [v for v in result.events if isinstance(v, Variant)]
        warnings += result.warnings
        vcf_sample = result.sample
        input_files.append(_input_file(vcf_path, result, "vcf"))

    fusions: list[Fusion] = []
    formats = list(inputs.fusion_formats) + [None] * (len(inputs.fusions) - len(inputs.fusion_formats))
    for path, fmt in zip(inputs.fusions, formats):
        result = read_fusions(Path(path), fmt)
        fusions += [normalize_fusion(f, kb.aliases) for f in result.events if isinstance(f, Fusion)]
        warnings += result.warnings
        input_files.append(_input_file(Path(path), result, "fusions"))

    svs: list[StructuralVariant] = []
    for path in inputs.sv:
        result = read_structural_variants(Path(path), genome=build or inputs.genome,
                                          include_filtered=inputs.include_filtered, tumor_id=inputs.tumor_id)
        if build is not None and result.genome_build not in (None, build):
            raise GenomeBuildError(path, None, f"genome build {result.genome_build} differs from {build} "
                                   f"({build_evidence})", "annotate files of one build together")
        if build is None:
            build, build_evidence = result.genome_build, result.build_evidence or build_evidence
        svs += [e for e in result.events if isinstance(e, StructuralVariant)]
        warnings += result.warnings
        input_files.append(_input_file(Path(path), result, "sv"))
    structural = interpret_structural_variants(svs, kb, build)
    fusions += [normalize_fusion(f, kb.aliases) for f in structural.fusions]
    warnings += structural.warnings

    derived = derive_lesions(variants, fusions, kb, build, structural.deletions)
    warnings += derived.warnings
    if derived.uninterpretable:
        warnings.append(Warning(
            f"{derived.uninterpretable} variant(s) in knowledge-base genes carry no consequence annotation "
            "(VEP CSQ, SnpEff ANN or bcftools BCSQ); only known hotspots were recognised, by position. "
            "Annotate the VCF to have every coding change interpreted."
        ))
    assessments = _assessments(inputs)
    not_assessed = [f"{a.topic} ({a.reason})" for a in assessments if not a.assessed]
    calls = classify(derived.lesions, kb, not_assessed)
    lesions = assign_roles(derived.lesions, calls, kb)
    low_confidence = assign_roles(derived.low_confidence, (), kb)
    sample_id = inputs.sample_id or vcf_sample or _stem(inputs.vcf or inputs.fusions[0])
    created = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return AnnotationResult(
        sample_id=sample_id,
        genome_build=build or "unknown",
        lesions=tuple(lesions),
        subtypes=calls,
        therapies=link_therapies(lesions, calls, kb),
        prognosis=combine_prognosis(lesions, calls, kb),
        flags=collect_flags(lesions, kb),
        warnings=tuple(warnings),
        provenance=Provenance(
            leuk_annot_version=__version__,
            annotation_db_version=kb.version,
            annotation_db_schema_version=kb.schema_version,
            genome_build=build or "unknown",
            genome_build_evidence=build_evidence,
            inputs=tuple(input_files),
            created=created,
        ),
        assessments=assessments,
        low_confidence=tuple(low_confidence),
    )


def _assessments(inputs: SampleInputs) -> tuple[Assessment, ...]:
    available = {"sequence_variant"} if inputs.vcf is not None else set()
    if inputs.fusions or inputs.sv:
        available.add("fusion")
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


def gene_regions(kb, build: str | None) -> list[Region]:
    """The knowledge base's gene spans in ``build``, as regions a reader may restrict itself to."""
    if build is None:
        return []
    regions = [Region(*gene.coords[build], gene.symbol) for gene in kb.genes.values()
               if build in gene.coords and gene.feature == "gene"]
    return sorted(regions, key=lambda r: (r.chrom, r.start))


def _requested_build(genome: str) -> tuple[str | None, str]:
    if genome == "auto":
        return None, "not determined: no input carries genome-build information"
    build = normalize_build(genome)
    if build is None:
        raise GenomeBuildError("--genome", None, f"unknown genome build {genome!r}", "use GRCh37 or GRCh38")
    return build, f"--genome {build}"


def _vcf_build(path: Path, genome: str) -> tuple[str, str]:
    from .io.vcf import detect_vcf_build

    return detect_vcf_build(path, genome)


def _input_file(path: Path, result: ReadResult, kind: str) -> InputFile:
    return InputFile(str(path), sha256_file(path), result.format, kind)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stem(path) -> str:
    name = Path(path).name
    for suffix in (".gz", ".bgz", ".vcf", ".bcf", ".tsv", ".txt"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name or "sample"
