"""Recognise a fusion file's format from declared header signatures, reading at most 50 lines.

Signatures are data (MultiQC ``search_patterns.yaml`` style): each names a format, a priority and a
test on the first lines. The most specific signatures carry the highest priority, so a producer's
own header (Arriba's ``#gene1<TAB>gene2<TAB>strand1(gene/fusion)``) wins over the generic TSV,
whose column aliases would also accept it. A signature whose format has no registered reader
yields a clear ``UnknownFormatError`` instead of a silent misreading; registering the reader in
``io.FUSION_READERS`` is all it takes for the same signature to start dispatching to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from . import FUSION_READERS
from .signatures import (
    SNIFF_LINES,
    VCF_REDIRECT,
    InputKind,
    Signature,
    describe,
    head_lines,
    header_has_columns,
    header_line,
    header_regex,
    header_starts,
    open_text,
    sniff_format,
)

__all__ = [
    "SNIFF_LINES",
    "Signature",
    "FUSION_SIGNATURES",
    "open_text",
    "head_lines",
    "header_line",
    "sniff_fusion_format",
    "describe_signatures",
]


def _generic_tsv(lines: Sequence[str]) -> bool:
    # Lazy: fusion_tsv is loaded only when this signature is tried; its alias table is the signature.
    from .fusion_tsv import header_fields, resolve_columns

    header = header_line(lines)
    if header is None:
        return False
    columns = resolve_columns(header_fields(header))
    return {"gene5", "gene3"} <= columns.keys() or "fusion" in columns


_SIGNATURES = (
    Signature(
        "vcf",
        "VCF",
        "first line starts with '##fileformat=VCF'",
        100,
        lambda lines: bool(lines) and lines[0].startswith("##fileformat=VCF"),
        redirect="this is a VCF file, not a fusion table",
    ),
    Signature(
        "arriba",
        "Arriba fusions.tsv",
        "header starts with '#gene1<TAB>gene2<TAB>strand1(gene/fusion)'",
        50,
        header_starts("#gene1\tgene2\tstrand1(gene/fusion)"),
    ),
    Signature(
        "star-fusion",
        "STAR-Fusion fusion_predictions.tsv",
        "header starts with '#FusionName<TAB>JunctionReadCount<TAB>'",
        50,
        header_starts("#FusionName\tJunctionReadCount\t"),
    ),
    Signature(
        "fusioncatcher",
        "FusionCatcher final-list_candidate-fusion-genes.txt",
        "header starts with 'Gene_1_symbol(5end_fusion_partner)<TAB>'",
        50,
        header_starts("Gene_1_symbol(5end_fusion_partner)\t"),
    ),
    Signature(
        "jaffa",
        "JAFFA jaffa_results.csv",
        "comma-separated header starting with 'sample,fusion genes' (quoted or not)",
        50,
        header_regex(r'^"?sample"?,"?fusion genes"?,'),
    ),
    Signature(
        "cicero",
        "CICERO final_fusions.txt",
        "header has columns geneA, geneB, chrA, chrB, posA, posB, ortA, ortB",
        50,
        header_has_columns("geneA", "geneB", "chrA", "chrB", "posA", "posB", "ortA", "ortB"),
    ),
    Signature(
        "defuse",
        "deFuse results.tsv",
        "header has columns cluster_id, gene_name1, gene_name2, genomic_break_pos1, span_count, splitr_count",
        50,
        header_has_columns(
            "cluster_id", "gene_name1", "gene_name2", "genomic_break_pos1", "span_count", "splitr_count"
        ),
    ),
    Signature(
        "ericscript",
        "EricScript results.tsv",
        "header has columns GeneName1, GeneName2, Breakpoint1, Breakpoint2, crossingreads, EricScore",
        50,
        header_has_columns("GeneName1", "GeneName2", "Breakpoint1", "Breakpoint2", "crossingreads", "EricScore"),
    ),
    Signature(
        "pizzly",
        "pizzly flattened fusion table",
        "header has columns geneA.name, geneB.name, paircount, splitcount",
        50,
        header_has_columns("geneA.name", "geneB.name", "paircount", "splitcount"),
    ),
    Signature(
        "squid",
        "SQUID annotated _sv.txt",
        "header '# chrom1<TAB>start1<TAB>end1<TAB>chrom2<TAB>start2<TAB>end2<TAB>...' ending in FusedGenes",
        50,
        header_regex(r"^#\s*chrom1\tstart1\tend1\tchrom2\tstart2\tend2\t.*\tFusedGenes\s*$"),
    ),
    Signature(
        "cnvkit",
        "CNVkit .cns/.cnr",
        "header has columns chromosome, start, end, log2",
        40,
        header_has_columns("chromosome", "start", "end", "log2"),
        redirect="this looks like a CNVkit copy-number file, not a fusion table",
    ),
    Signature(
        "tsv",
        "generic fusion TSV",
        "tab-separated header with gene5 + gene3 columns or one fusion column (aliases accepted; "
        "see leuk_annot.io.fusion_tsv)",
        0,
        _generic_tsv,
    ),
)

FUSION_SIGNATURES: dict[str, Signature] = {sig.format: sig for sig in _SIGNATURES}
"""Format name -> signature. Add a format here and in ``io.FUSION_READERS``; priority orders tries."""

FUSION_TABLES = InputKind(
    empty_hint="a fusion table needs a header line and one row per fusion",
    refused_status="not a fusion table: refused with a pointer to the right option",
    no_reader="looks like {label}; a native reader for it is not available yet",
    no_reader_hint="convert it to the generic TSV (columns gene5, gene3; optional breakpoint5, breakpoint3, "
    "supporting_reads, confidence); registered formats: {registered}",
    unrecognised="unrecognised fusion file; header seen: {header!r}",
    unrecognised_hint="registered formats: {registered}; "
    "the generic TSV needs gene5 + gene3 columns or a fusion column",
    redirect_hints={"vcf": VCF_REDIRECT, "cnvkit": "pass it with --cnv; --fusions takes fusion tables"},
    comma_hint=True,
)
"""How fusion-table refusals read (see ``signatures.InputKind``)."""


def sniff_fusion_format(
    path: Path | str,
    *,
    readers: Mapping[str, object] | None = None,
    signatures: Mapping[str, Signature] | None = None,
) -> str:
    """Return the reader key for a fusion file, or raise UnknownFormatError saying what it is.

    ``readers`` defaults to ``io.FUSION_READERS``: a recognised format without a reader there is
    refused rather than read by a less specific reader.
    """
    readers = FUSION_READERS if readers is None else readers
    return sniff_format(path, FUSION_TABLES, FUSION_SIGNATURES if signatures is None else signatures, readers)


def describe_signatures(readers: Mapping[str, object] | None = None) -> list[tuple[str, str]]:
    """(format, signature in words) in the order they are tried, for a ``leuk-annot formats`` listing."""
    return describe(FUSION_TABLES, FUSION_SIGNATURES, FUSION_READERS if readers is None else readers)
