"""Decide a VCF's genome build from its header: ``##contig`` lengths first, then text tokens."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import GenomeBuildError
from ..genome import CONTIG_LENGTHS, build_from_contig_lengths, build_from_text, normalize_build, normalize_chrom
from ..model import SourceRef, Warning
from .vcf_header import VcfHeader

__all__ = ["decide_build"]


def decide_build(path: Path, header: VcfHeader, genome: str) -> tuple[str, str, list[Warning]]:
    """Return (build, evidence, warnings); contig lengths outrank text tokens, both outrank nothing."""
    length_build, length_evidence = _build_from_contigs(header)
    text_build, text_evidence, conflicts = _build_from_tokens(header)
    warns = [Warning(f"genome build evidence disagrees: {c}", SourceRef(str(path))) for c in conflicts]
    if genome == "auto":
        if length_build:
            if text_build and text_build != length_build:
                warns.append(Warning(f"header tokens say {text_build} ({text_evidence}) but {length_evidence}"))
            return length_build, length_evidence, warns
        if text_build:
            return text_build, text_evidence, warns
        raise GenomeBuildError(
            path,
            None,
            "cannot determine the genome build: the header has no ##contig length for chromosome 1, 2,"
            " X or Y and no GRCh37/GRCh38 token in ##reference, ##contig assembly=, ##VEP or ##SnpEff lines",
            hint="pass --genome GRCh37 or --genome GRCh38",
        )
    stated = normalize_build(genome)
    if stated is None:
        raise GenomeBuildError(
            path, None, f"unknown genome build {genome!r}", hint="use GRCh37 (hg19) or GRCh38 (hg38)"
        )
    if length_build and length_build != stated:
        raise GenomeBuildError(
            path,
            None,
            f"--genome {stated} was given but the VCF header says {length_build}: {length_evidence}",
            hint=f"check which reference the calls were made on; pass --genome {length_build} if the header is right",
        )
    if length_build:
        return stated, f"--genome {stated} (header agrees: {length_evidence})", warns
    if text_build and text_build != stated:
        warns.append(Warning(f"--genome {stated} was given but the header suggests {text_build} ({text_evidence})"))
        return stated, f"--genome {stated} (header tokens suggest {text_build}: {text_evidence})", warns
    if text_build:
        return stated, f"--genome {stated} (header agrees: {text_evidence})", warns
    return stated, f"--genome {stated} (header has no build evidence)", warns


def _build_from_contigs(header: VcfHeader) -> tuple[str | None, str | None]:
    lengths = {}
    for contig in header.contigs:
        if contig.get("ID") and contig.get("length", "").isdigit():
            lengths[contig["ID"]] = int(contig["length"])
    build = build_from_contig_lengths(lengths)
    if build is None:
        return None, None
    for name, length in lengths.items():
        if CONTIG_LENGTHS[build].get(normalize_chrom(name)) == length:
            return build, f"##contig length of {name} = {length} ({build})"
    return build, f"##contig lengths ({build})"  # pragma: no cover - the loop always finds one


def _build_from_tokens(header: VcfHeader) -> tuple[str | None, str | None, list[str]]:
    """First decisive text source wins; later sources that disagree are reported."""
    sources: list[tuple[str, str]] = [(f"##reference={v}", v) for v in header.values("reference")]
    sources += [(f"##assembly={v}", v) for v in header.values("assembly")]
    sources += [
        (f"##contig=<ID={c.get('ID')},assembly={c['assembly']}>", c["assembly"])
        for c in header.contigs
        if c.get("assembly")
    ]
    for value in header.values("VEP"):
        match = re.search(r'assembly="?([^"\s]+)', value)
        if match:
            sources.append((f'##VEP assembly="{match.group(1)}"', match.group(1)))
        else:
            sources.append((f"##VEP={value}", value))
    sources += [(f"##SnpEffCmd={v}", v) for v in header.values("SnpEffCmd")]
    sources += [(f"##SnpEffVersion={v}", v) for v in header.values("SnpEffVersion")]
    chosen: tuple[str, str] | None = None
    conflicts = []
    for label, text in sources:
        build = build_from_text(text)
        if build is None:
            continue
        short = label if len(label) <= 120 else label[:117] + "..."
        if chosen is None:
            chosen = (build, f"{short} ({build})")
        elif build != chosen[0]:
            conflicts.append(f"{chosen[1]} vs {short} ({build})")
    if chosen is None:
        return None, None, conflicts
    return chosen[0], chosen[1], conflicts
