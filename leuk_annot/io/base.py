"""Types every reader shares: what a reader returns and the gene regions it may be asked to keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..model import Event, Warning


class Region(NamedTuple):
    """A 1-based closed interval on a prefix-free chromosome name, labelled with a gene symbol."""

    chrom: str
    start: int
    end: int
    gene: str


@dataclass
class ReadResult:
    """Events read from one file, with what the file itself says about sample and build."""

    format: str
    events: list[Event] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    sample: str | None = None
    genome_build: str | None = None  # "GRCh37" | "GRCh38" when the file says so
    build_evidence: str | None = None  # how the build was decided, for the report
    stats: dict[str, int] = field(default_factory=dict)  # e.g. records read / kept / filtered
    reported_sites: frozenset[tuple[str, int]] | None = None  # watched sites a called genotype covers
