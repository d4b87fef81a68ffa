"""Where the pharmacogene sites are, so the VCF reader can say which of them a file reports as assessed.

The VCF reader keeps ALT alleles only, so a site reported as reference (ALT ``.``, GT ``0/0``, or inside
a gVCF ``<NON_REF>`` block with INFO ``END``) never becomes a ``Variant``. The reader is given these
sites to watch (``read_vcf(watch_sites=...)``) and returns those a called genotype covers, in the same
single pass, so ``call_pharmacogenes`` can tell "assessed, reference" from "not reported". A no-call
(``./.``) does not count: the caller looked but made no call.
"""

from __future__ import annotations

from .genome import normalize_build, normalize_chrom
from .io.base import Region

__all__ = ["pgx_site_positions", "pgx_regions"]


def pgx_site_positions(kb, build: str) -> frozenset[tuple[str, int]]:
    """(chromosome, position) of every pharmacogene defining site in ``build``."""
    table = kb.pharmacogenes
    if table is None:
        return frozenset()
    genome = normalize_build(build or "") or build
    hotspots = {h.id: h for h in kb.hotspots}
    positions = set()
    for gene in table.genes:
        for site in gene.sites:
            chrom, pos, _ref, _alt = hotspots[site].coords[genome]
            positions.add((normalize_chrom(chrom), pos))
    return frozenset(positions)


def pgx_regions(kb, build: str, margin: int = 10_000) -> list[Region]:
    """The pharmacogenes' spans (plus a margin, so a gVCF reference block starting just before a
    gene is read too), for reading a germline VCF at the pharmacogenes only."""
    table = kb.pharmacogenes
    genome = normalize_build(build or "") or build
    regions = []
    for gene in (table.genes if table is not None else ()):
        if gene.gene in kb.genes and genome in kb.genes[gene.gene].coords:
            chrom, start, end = kb.genes[gene.gene].coords[genome]
            regions.append(Region(chrom, max(1, start - margin), end + margin, gene.gene))
    return regions
