"""Reader registries: format name -> reader, and the entry points that dispatch through them.

Readers are referenced as ``"module:function"`` strings and imported on first use, so that the
CLI starts without importing cyvcf2 or pysam. A reader takes ``(path, **options)`` and returns
a ``ReadResult``. Adding a format = one module + one line here + one fixture folder in
``test_data/`` (a registry-wide test enforces the fixture).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from ..errors import InputNotFoundError, UnknownFormatError
from .base import ReadResult, Region

VARIANT_READERS: dict[str, str] = {
    "vcf": "leuk_annot.io.vcf:read_vcf",
}

FUSION_READERS: dict[str, str] = {
    "arriba": "leuk_annot.io.arriba:read_arriba",
    "star-fusion": "leuk_annot.io.star_fusion:read_star_fusion",
    "fusioncatcher": "leuk_annot.io.fusioncatcher:read_fusioncatcher",
    "jaffa": "leuk_annot.io.jaffa:read_jaffa",
    "cicero": "leuk_annot.io.cicero:read_cicero",
    "defuse": "leuk_annot.io.defuse:read_defuse",
    "ericscript": "leuk_annot.io.ericscript:read_ericscript",
    "pizzly": "leuk_annot.io.pizzly:read_pizzly",
    "squid": "leuk_annot.io.squid:read_squid",
    "tsv": "leuk_annot.io.fusion_tsv:read_fusion_tsv",
}

CNV_READERS: dict[str, str] = {
    "cnvkit": "leuk_annot.io.cnvkit:read_cnvkit",  # .cns / .call.cns / .cnr
    "gatk-seg": "leuk_annot.io.seg:read_gatk_seg",  # ModelSegments / CallCopyRatioSegments (@SQ header)
    "seg": "leuk_annot.io.seg:read_seg",  # generic DNAcopy / IGV .seg
    "purple": "leuk_annot.io.purple:read_purple",  # PURPLE .cnv.somatic.tsv
    "facets": "leuk_annot.io.facets:read_facets",  # FACETS cncf
    "titan": "leuk_annot.io.titan:read_titan",  # TitanCNA segs.txt
    "pcgr-cna": "leuk_annot.io.pcgr_cna:read_pcgr_cna",  # PCGR Chromosome/Start/End/nMajor/nMinor
    "cnv-vcf": "leuk_annot.io.cnv_vcf:read_cnv_vcf",  # SVTYPE=DEL/DUP/CNV records with CN
}

SV_READERS: dict[str, str] = {
    "sv-vcf": "leuk_annot.io.sv_vcf:read_sv_vcf",  # Manta, Delly, GRIDSS and other breakend VCFs
}

__all__ = [
    "VARIANT_READERS",
    "FUSION_READERS",
    "SV_READERS",
    "CNV_READERS",
    "read_copy_number",
    "ReadResult",
    "Region",
    "read_variants",
    "read_fusions",
    "read_structural_variants",
]


def _resolve(spec: str) -> Callable[..., ReadResult]:
    module_name, func_name = spec.split(":")
    return getattr(importlib.import_module(module_name), func_name)


def check_readable(path: Path) -> None:
    """Fail early, with the path, when an input is missing or is not a regular file: readers open
    a file more than once (header checks, then htslib), and a pipe can be read only once."""
    if not path.exists():
        raise InputNotFoundError(path, None, "file not found", "check the path and spelling")
    if path.is_dir():
        raise InputNotFoundError(path, None, "is a directory, not a file", "pass the file inside it")
    if not path.is_file():
        raise InputNotFoundError(path, None, "is not a regular file (a pipe or device: readers open inputs more "
                                 "than once)", "write the stream to a file first, e.g. zcat in.vcf.gz > in.vcf")


def read_variants(path: Path, fmt: str = "vcf", **options) -> ReadResult:
    """Read small variants (SNVs/indels) with the reader registered for ``fmt``."""
    return _dispatch(VARIANT_READERS, Path(path), fmt, options)


def read_fusions(path: Path, fmt: str | None = None, *, known_genes=None, **options) -> ReadResult:
    """Read fusion calls; the format is sniffed from the header unless ``fmt`` is given.

    ``known_genes`` (upper-case symbols) is offered to readers that can use it to resolve
    ambiguous names (the generic TSV's single-hyphen ``ETV6-RUNX1``); others do not need it.
    """
    path = Path(path)
    check_readable(path)
    if fmt is None:
        from .sniff import sniff_fusion_format

        fmt = sniff_fusion_format(path)
    if known_genes is not None and fmt in FUSION_READERS:
        import inspect

        if "known_genes" in inspect.signature(_resolve(FUSION_READERS[fmt])).parameters:
            options["known_genes"] = known_genes
    return _dispatch(FUSION_READERS, path, fmt, options)


def read_copy_number(path: Path, fmt: str | None = None, **options) -> ReadResult:
    """Read copy-number segments; the format is sniffed from the header unless ``fmt`` is given."""
    path = Path(path)
    check_readable(path)
    if fmt is None:
        from .cnv_sniff import sniff_cnv_format

        fmt = sniff_cnv_format(path)
    return _dispatch(CNV_READERS, path, fmt, options)


def read_structural_variants(path: Path, fmt: str = "sv-vcf", **options) -> ReadResult:
    """Read DNA structural-variant calls (breakend VCFs) with the reader registered for ``fmt``."""
    return _dispatch(SV_READERS, Path(path), fmt, options)


def _dispatch(registry: dict[str, str], path: Path, fmt: str, options: dict) -> ReadResult:
    check_readable(path)
    try:
        spec = registry[fmt]
    except KeyError:
        raise UnknownFormatError(
            path, None, f"unknown format {fmt!r}", f"choose one of: {', '.join(sorted(registry))}"
        ) from None
    return _resolve(spec)(path, **options)
