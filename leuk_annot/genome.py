"""Reference-genome facts: chromosome naming and build detection from header evidence.

These are properties of the GRC assemblies (primary-assembly lengths), not clinical knowledge.
"""

from __future__ import annotations

import re

BUILDS = ("GRCh37", "GRCh38")

# Primary-assembly chromosome lengths (GRC; identical in the UCSC and Ensembl flavours of each
# build). Every chromosome differs between the builds, so any one ##contig line can decide.
_CHROMS = [str(i) for i in range(1, 23)] + ["X", "Y"]
CONTIG_LENGTHS: dict[str, dict[str, int]] = {
    "GRCh37": dict(zip(_CHROMS, (
        249250621, 243199373, 198022430, 191154276, 180915260, 171115067, 159138663, 146364022,
        141213431, 135534747, 135006516, 133851895, 115169878, 107349540, 102531392, 90354753,
        81195210, 78077248, 59128983, 63025520, 48129895, 51304566, 155270560, 59373566,
    ))),
    "GRCh38": dict(zip(_CHROMS, (
        248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973, 145138636,
        138394717, 133797422, 135086622, 133275309, 114364328, 107043718, 101991189, 90338345,
        83257441, 80373285, 58617616, 64444167, 46709983, 50818468, 156040895, 57227415,
    ))),
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
    """Decide the build from ``##contig`` lengths of the primary chromosomes; None if silent or mixed."""
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
