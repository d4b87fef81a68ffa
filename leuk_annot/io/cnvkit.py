"""CNVkit ``.cns`` / ``.call.cns`` segments and ``.cnr`` bins (format ``"cnvkit"``).

Format (tab-separated, one header line; source: ``etal/cnvkit:doc/fileformats.rst`` and
``cnvlib/call.py``, commit f7b2862):

``chromosome  start  end  gene  log2  [depth]  [probes]  [weight]  [baf  cn  cn1  cn2]  [ci_lo  ci_hi]``

- Coordinates are **0-based, half-open** (BED-like): a segment ``chr1 0 100`` covers bases 1-100.
  The reader converts to the model's 1-based closed form: ``start + 1``, ``end`` unchanged.
- ``log2``: log2 copy ratio (required). ``probes``: bins in the segment (absent in ``.cnr``, whose
  rows are single bins). ``gene``: comma-joined gene names of the covered bins (not kept: genes are
  assigned later from the knowledge base, not from the caller's labels). ``depth``/``weight``
  are not kept.
- ``.call.cns`` adds ``cn`` (integer total copy number) and, with allele information, ``baf``,
  ``cn1``, ``cn2`` (the two allelic copy numbers; empty when unknown). ``copy_number = cn``,
  ``minor_copy_number = min(cn1, cn2)``.
- Column order is not relied on; names are. Empty cells mean unknown. A non-numeric ``log2`` or
  ``cn`` is a located warning and the row is skipped.

Example (``.call.cns``)::

    chromosome  start   end     gene   log2      baf   cn  cn1  cn2  depth   probes  weight
    chr9        21800000 22200000 CDKN2A -3.1    0     0   0    0    2.1     40      12.5
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .base import ReadResult
from .cnv_table import Row, SegmentTable, read_segment_table

__all__ = ["read_cnvkit"]

FORMAT = "cnvkit"
LABEL = "CNVkit .cns/.cnr file"

COLUMNS = {
    "chrom": ("chromosome",),
    "start": ("start",),
    "end": ("end",),
    "log2": ("log2",),
    "cn": ("cn",),
    "cn1": ("cn1",),
    "cn2": ("cn2",),
    "probes": ("probes",),
}
REQUIRED = ("chrom", "start", "end", "log2")


def _minor_allele(row: Row, values: Mapping[str, float | None], segment: dict) -> dict:
    """minor_copy_number = min(cn1, cn2), known only when both alleles are."""
    alleles = (values["cn1"], values["cn2"])
    segment["minor_copy_number"] = min(alleles) if None not in alleles else None
    return segment


TABLE = SegmentTable(
    FORMAT,
    LABEL,
    COLUMNS,
    REQUIRED,
    fields={"log2": "log2", "copy_number": "cn", "probes": "probes"},
    numbers=("cn1", "cn2"),
    zero_based=True,
    derive=_minor_allele,
)


def read_cnvkit(path: Path) -> ReadResult:
    """Read a CNVkit segment or bin file; 0-based starts become 1-based."""
    return read_segment_table(path, TABLE)
