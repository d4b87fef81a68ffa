"""Who called an SV VCF and how well each event is supported: caller, tumour sample, reads, support level.

Caller (``StructuralVariant.caller``): ``manta`` (``##source=GenerateSVCandidates``), ``gridss``
(``##source`` naming GRIDSS, or an ``ASSR`` INFO field), ``delly`` (``##source`` naming DELLY, or a
``CT`` INFO field), else ``vcf-sv``.

Tumour sample: ``tumor_id``; ``##tumor_sample``; a column named ``TUMOR``; the only sample; else for
Manta and GRIDSS the LAST sample (Manta somatic writes normal then tumour; GRIDSS asks for the
normal first); else none (a warning; support then comes from INFO only).

``supporting_reads`` (alt-supporting reads of the tumour sample, from the first record of a pair):
Manta FORMAT ``PR`` + ``SR`` alt counts; Delly FORMAT ``DV`` + ``RV``, else INFO ``PE`` + ``SR``; GRIDSS
FORMAT ``VF``, else INFO ``VF``, else INFO ``SR`` + ``RSR`` + ``RP`` (symmetric between mates); other
files try those in turn and INFO ``SU`` (LUMPY). None when nothing applies.

``support_level``: FILTER not PASS/. -> ``low``; tumour support known and 0 -> ``low``; PASS and
``IMPRECISE`` -> ``medium``; PASS and precise -> ``high``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputFormatError
from .sv_records import _int_sum, _Record
from .vcf import _choose_sample, _Header


def _detect_caller(header: _Header) -> str:
    sources = " ".join(header.values("source")).lower()
    if "generatesvcandidates" in sources or "manta" in sources:
        return "manta"
    if "gridss" in sources or "ASSR" in header.info:
        return "gridss"
    if "delly" in sources or "CT" in header.info:
        return "delly"
    return "vcf-sv"


def _tumour(
    path: Path, samples: list[str], header: _Header, tumor_id: str | None, caller: str
) -> tuple[str | None, int | None, str | None]:
    """(sample, index, warning text) following the rules in the module docstring."""
    try:
        name, index = _choose_sample(path, samples, header, tumor_id)
        return name, index, None
    except InputFormatError:
        if tumor_id is not None:
            raise
    if caller in ("manta", "gridss"):
        return samples[-1], len(samples) - 1, None
    return None, None, (
        f"cannot tell which of the samples {', '.join(samples)} is the tumour; supporting reads come from INFO"
        " (pass --tumor-id NAME to use the tumour's own counts)"
    )


def _alt_of_pair(value: str | None) -> int | None:
    """Manta 'ref,alt' -> alt."""
    if not value:
        return None
    parts = value.split(",")
    return _int_sum(parts[1]) if len(parts) == 2 else None


def _summed(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _support(caller: str, rec: _Record) -> int | None:
    s = rec.sample or {}
    manta = _summed(_alt_of_pair(s.get("PR")), _alt_of_pair(s.get("SR")))
    delly = _summed(_int_sum(s.get("DV")), _int_sum(s.get("RV"))) if "DV" in s or "RV" in s else None
    delly_info = _summed(rec.info_int("PE"), rec.info_int("SR"))
    gridss = _int_sum(s.get("VF"))
    gridss_info = rec.info_int("VF")
    if gridss_info is None and any(k in rec.info for k in ("RSR", "RP")):
        gridss_info = _summed(rec.info_int("SR"), rec.info_int("RSR"), rec.info_int("RP"))
    order = {
        "manta": (manta,),
        "delly": (delly, delly_info),
        "gridss": (gridss, gridss_info),
        "vcf-sv": (manta, delly, gridss, gridss_info, rec.info_int("SU")),
    }[caller]
    return next((v for v in order if v is not None), None)


def _support_level(filter_text: str, imprecise: bool, reads: int | None) -> str:
    if filter_text not in ("PASS", ".") or reads == 0:
        return "low"
    return "medium" if imprecise else "high"
