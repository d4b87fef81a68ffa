"""Reference-genome facts: chromosome naming and build detection from header evidence.

These are properties of the GRC assemblies (primary-assembly lengths), not clinical knowledge.
"""

from __future__ import annotations

import re

BUILDS = ("GRCh37", "GRCh38")

# Primary-assembly lengths that differ between the builds (GRC; identical in UCSC/Ensembl flavours).
CONTIG_LENGTHS: dict[str, dict[str, int]] = {
    "GRCh37": {"1": 249250621, "2": 243199373, "X": 155270560, "Y": 59373566},
    "GRCh38": {"1": 248956422, "2": 242193529, "X": 156040895, "Y": 57227415},
}

_TOKENS = {
    "GRCh37": re.compile(r"(grch37|hg19|\bb37\b|hs37d5|human_g1k_v37|g1k_v37|grch37-lite)", re.I),
    "GRCh38": re.compile(r"(grch38|hg38|hs38|assembly38|homo_sapiens_assembly38|grch38_no_alt)", re.I),
}

_ALIASES = {"grch37": "GRCh37", "hg19": "GRCh37", "b37": "GRCh37", "grch38": "GRCh38", "hg38": "GRCh38"}


def normalize_build(name: str) -> str | None:
    """'hg19'/'grch37'/'GRCh37' -> 'GRCh37'; unknown names -> None."""
    return _ALIASES.get(name.strip().lower())


def normalize_chrom(name: str) -> str:
    """'chr1' -> '1', 'chrM'/'M' -> 'MT'; other names are returned without a 'chr' prefix."""
    chrom = name[3:] if name[:3].lower() == "chr" else name
    return "MT" if chrom in ("M", "m") else chrom


def build_from_contig_lengths(lengths: dict[str, int]) -> str | None:
    """Decide the build from ``##contig`` lengths of chromosomes 1, 2, X or Y; None if silent."""
    votes = set()
    for raw, length in lengths.items():
        chrom = normalize_chrom(raw)
        for build, table in CONTIG_LENGTHS.items():
            if table.get(chrom) == length:
                votes.add(build)
    return votes.pop() if len(votes) == 1 else None


def build_from_text(text: str) -> str | None:
    """Decide the build from assembly tokens (``##reference``, ``assembly=``); None if absent or mixed."""
    hits = {build for build, pattern in _TOKENS.items() if pattern.search(text)}
    return hits.pop() if len(hits) == 1 else None
