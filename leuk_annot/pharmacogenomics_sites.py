"""Which pharmacogene sites a VCF reports as assessed, including reference calls and gVCF blocks.

The VCF reader keeps ALT alleles only, so a site reported as reference (ALT ``.``, GT ``0/0``, or inside
a gVCF ``<NON_REF>`` block with INFO ``END``) never becomes a ``Variant``. This scan finds such records
so ``call_pharmacogenes`` can tell "assessed, reference" from "not reported". A record whose samples all
have a missing genotype (``./.``) does not count: the caller looked but made no call.

An indexed bgzipped VCF is queried at the sites through its index (a whole-genome file is not read a
second time); plain or unindexed gzip text is scanned once, comparing raw chromosome bytes before
decoding anything; BCF without an index gives None (unknown).
"""

from __future__ import annotations

import gzip
from pathlib import Path

from .genome import normalize_build, normalize_chrom

__all__ = ["pgx_site_positions", "reported_pgx_sites"]


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


def reported_pgx_sites(path: Path | str, kb, build: str) -> frozenset[tuple[str, int]] | None:
    """Pharmacogene sites covered by a VCF record with a called genotype; None for BCF (not scanned)."""
    targets = pgx_site_positions(kb, build)
    by_chrom: dict[str, list[int]] = {}
    for chrom, pos in targets:
        by_chrom.setdefault(chrom, []).append(pos)
    from .io.vcf import indexed_record_lines

    indexed = indexed_record_lines(Path(path), sorted(targets))
    if indexed is not None:
        return _covered(indexed, by_chrom)
    raw_names = {name.encode() for chrom in by_chrom for name in (chrom, f"chr{chrom}")}
    with _open_binary(Path(path)) as handle:
        if handle is None:
            return None
        # Compare the raw CHROM bytes first: almost every line of a genome-wide file is skipped unread.
        lines = (line.decode("utf-8", "replace") for line in handle
                 if line[:1] != b"#" and line.split(b"\t", 1)[0] in raw_names)
        return _covered(lines, by_chrom)


def _covered(lines, by_chrom: dict[str, list[int]]) -> frozenset[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for line in lines:
        if line.startswith("#") or not line.strip():
            continue
        chrom_raw, _, rest = line.partition("\t")
        chrom = normalize_chrom(chrom_raw)
        wanted = by_chrom.get(chrom)
        if not wanted:
            continue
        fields = rest.rstrip("\r\n").split("\t")
        if len(fields) < 7 or not fields[0].isdigit():
            continue
        start = int(fields[0])
        end = max(start + len(fields[2]) - 1, _info_end(fields[6]) or start)
        hits = [p for p in wanted if start <= p <= end]
        if hits and _has_called_genotype(fields):
            found.update((chrom, p) for p in hits)
    return frozenset(found)


class _Missing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _open_binary(path: Path):
    with path.open("rb") as raw:
        magic = raw.read(4)
    if magic[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as probe:
            if probe.read(3) == b"BCF":
                return _Missing()
        return gzip.open(path, "rb")
    if magic[:3] == b"BCF":
        return _Missing()
    return path.open("rb")


def _info_end(info: str) -> int | None:
    for item in info.split(";"):
        if item.startswith("END="):
            value = item[4:]
            return int(value) if value.isdigit() else None
    return None


def _has_called_genotype(fields: list[str]) -> bool:
    """True for sites-only records and for records where some sample's GT has a called allele."""
    if len(fields) < 9:  # fields[7] is FORMAT; no sample columns: a sites-only listing
        return True
    keys = fields[7].split(":")
    if "GT" not in keys:
        return True
    index = keys.index("GT")
    for sample in fields[8:]:
        values = sample.split(":")
        genotype = values[index] if index < len(values) else "."
        if any(ch.isdigit() for ch in genotype):
            return True
    return False
