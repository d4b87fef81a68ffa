"""Read every input of one sample and agree on one genome build.

Each reader reports what its file says about the build; the first file that decides it fixes it
for the others, and a contradiction stops the run (mixing builds silently shifts coordinates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checksums import Checksums
from .errors import GenomeBuildError, UnknownFormatError
from .genome import CONTIG_LENGTHS, normalize_build
from .io import ReadResult, Region, read_copy_number, read_fusions, read_structural_variants, read_variants
from .model import CopyNumberSegment, Fusion, InputFile, StructuralVariant, Variant, Warning
from .normalize import normalize_fusion


@dataclass
class SampleEvidence:
    """Everything read from one sample's files, in the model's terms."""

    build: str | None
    build_evidence: str
    variants: list[Variant] = field(default_factory=list)
    fusions: list[Fusion] = field(default_factory=list)
    structural_variants: list[StructuralVariant] = field(default_factory=list)
    segments: list[CopyNumberSegment] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    input_files: list[InputFile] = field(default_factory=list)
    vcf_sample: str | None = None
    germline_variants: list[Variant] | None = None  # from --germline; None when no germline VCF was given
    reported_pgx_sites: frozenset | None = None  # pharmacogene sites the genotyped VCF covers with no ALT


def read_sample(inputs, kb, checksums: Checksums | None = None) -> SampleEvidence:
    """Read the VCF, fusion, SV and copy-number files named by ``inputs`` (an api.SampleInputs).

    ``checksums`` may have been started by the caller (``Checksums.of(inputs)``), so hashing overlaps
    whatever came before; the caller then stops it.
    """
    build, evidence = requested_build(inputs.genome)
    out = SampleEvidence(build, evidence)
    own = checksums is None
    checksums = Checksums.of(inputs) if checksums is None else checksums
    try:
        _read_all(out, inputs, kb, checksums)
    finally:
        if own:
            checksums.stop()
    return out


def _read_all(out: SampleEvidence, inputs, kb, checksums: Checksums) -> None:
    """Each kind of input in turn; the first file that states the genome build fixes it."""
    if inputs.vcf is not None:
        path = Path(inputs.vcf)
        from .io.sv_vcf import sniff_sv_vcf
        from .io.vcf import detect_vcf_build

        if sniff_sv_vcf(path):
            raise UnknownFormatError(path, None, "this is a structural-variant VCF (breakend/symbolic alleles), "
                                     "not a small-variant VCF", "pass it with --sv")

        out.build, out.build_evidence = detect_vcf_build(path, inputs.genome)
        from .classify.lesions import PROTEIN_TERMS
        from .pharmacogenomics_sites import pgx_site_positions

        hotspot_sites = [h.coords[out.build][:2] for h in kb.hotspots if out.build in h.coords]
        result = read_variants(path, tumor_id=inputs.tumor_id, include_filtered=inputs.include_filtered,
                               regions=gene_regions(kb, out.build), genome=out.build,
                               watch_sites=sorted(pgx_site_positions(kb, out.build)),
                               protein_terms=PROTEIN_TERMS, keep_sites=hotspot_sites)
        out.variants = [e for e in result.events if isinstance(e, Variant)]
        out.vcf_sample = result.sample
        if inputs.germline is None:
            out.reported_pgx_sites = result.reported_sites
        _record(out, path, result, "vcf", checksums)

    if inputs.germline is not None:
        _read_germline(out, Path(inputs.germline), inputs, kb, checksums)

    formats = list(inputs.fusion_formats) + [None] * (len(inputs.fusions) - len(inputs.fusion_formats))
    for path, fmt in zip(inputs.fusions, formats):
        result = read_fusions(Path(path), fmt, known_genes=kb.aliases.keys())
        out.fusions += [normalize_fusion(e, kb.aliases) for e in result.events if isinstance(e, Fusion)]
        _record(out, Path(path), result, "fusions", checksums)

    for path in inputs.sv:
        result = read_structural_variants(Path(path), genome=out.build or inputs.genome,
                                          include_filtered=inputs.include_filtered, tumor_id=inputs.tumor_id)
        _agree_on_build(out, Path(path), result)
        out.structural_variants += [e for e in result.events if isinstance(e, StructuralVariant)]
        _record(out, Path(path), result, "sv", checksums)

    for path in inputs.cnv:
        result = read_copy_number(Path(path))
        _agree_on_build(out, Path(path), result)
        out.segments += [e for e in result.events if isinstance(e, CopyNumberSegment)]
        _record(out, Path(path), result, "cnv", checksums)
    if inputs.cnv and out.build is None:
        raise GenomeBuildError(inputs.cnv[0], None, "copy-number segments need the genome build and no input "
                               "states it", "pass --genome GRCh37 or --genome GRCh38")
    _check_segments_fit_build(out.segments, out.build)


def _check_segments_fit_build(segments: list[CopyNumberSegment], build: str | None) -> None:
    """A segment past the end of its chromosome means the file is from the other build: stop, never
    place its copy numbers on the wrong genes."""
    lengths = CONTIG_LENGTHS.get(build or "", {})
    for segment in segments:
        length = lengths.get(segment.chrom)
        if length is not None and segment.end > length:
            other = next(b for b in CONTIG_LENGTHS if b != build)
            fits = segment.end <= CONTIG_LENGTHS[other][segment.chrom]
            raise GenomeBuildError(
                segment.source.path, segment.source.line,
                f"segment {segment.chrom}:{segment.start}-{segment.end} ends beyond chromosome {segment.chrom} of "
                f"{build} ({length:,} bp)" + (f"; it fits {other}" if fits else ""),
                f"check the build of the copy-number file and pass --genome {other if fits else build}",
            )


def _read_germline(out: SampleEvidence, path: Path, inputs, kb, checksums: Checksums) -> None:
    """The remission/normal VCF, read only at pharmacogene sites, in the sample's build."""
    from .io.vcf import detect_vcf_build
    from .pharmacogenomics_sites import pgx_regions, pgx_site_positions

    build, evidence = detect_vcf_build(path, out.build or inputs.genome)
    if out.build is not None and build != out.build:
        raise GenomeBuildError(path, None, f"genome build {build} ({evidence}) differs from {out.build} "
                               f"({out.build_evidence})", "annotate files of one build together")
    out.build = out.build or build
    result = read_variants(path, tumor_id=inputs.germline_sample, regions=pgx_regions(kb, build), genome=build,
                           watch_sites=sorted(pgx_site_positions(kb, build)))
    out.germline_variants = [e for e in result.events if isinstance(e, Variant)]
    out.reported_pgx_sites = result.reported_sites
    _record(out, path, result, "germline", checksums)


def _agree_on_build(out: SampleEvidence, path: Path, result: ReadResult) -> None:
    if result.genome_build is None:
        return
    if out.build is None:
        out.build, out.build_evidence = result.genome_build, f"{path.name}: {result.build_evidence}"
    elif result.genome_build != out.build:
        raise GenomeBuildError(path, None, f"genome build {result.genome_build} ({result.build_evidence}) differs "
                               f"from {out.build} ({out.build_evidence})", "annotate files of one build together")


def _record(out: SampleEvidence, path: Path, result: ReadResult, kind: str, checksums: Checksums) -> None:
    out.warnings += result.warnings
    out.input_files.append(InputFile(str(path), checksums.digest(path), result.format, kind))


def gene_regions(kb, build: str | None) -> list[Region]:
    """The knowledge base's gene spans in ``build``, as regions a reader may restrict itself to."""
    if build is None:
        return []
    regions = [Region(*gene.coords[build], gene.symbol) for gene in kb.genes.values()
               if build in gene.coords and gene.feature == "gene"]
    return sorted(regions, key=lambda r: (r.chrom, r.start))


def requested_build(genome: str) -> tuple[str | None, str]:
    if genome == "auto":
        return None, "not determined: no input carries genome-build information"
    build = normalize_build(genome)
    if build is None:
        raise GenomeBuildError("--genome", None, f"unknown genome build {genome!r}", "use GRCh37 or GRCh38")
    return build, f"--genome {build}"
