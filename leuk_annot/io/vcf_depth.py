"""Tumour allele fraction and read depths of one VCF allele, from FORMAT (or INFO ``AF``) fields.

The order is vcf2maf's: ``AD`` -> ``AF`` -> Strelka tier-1 ``AU/CU/GU/TU`` (SNVs) -> ``TAR/TIR``
(indels) -> ``AO/RO``; sites-only files use INFO ``AF`` when it is ``Number=A``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy

__all__ = ["allele_fraction"]

_MISSING_INT = -2147483648  # htslib bcf_int32_missing
_VECTOR_END_INT = -2147483647  # htslib bcf_int32_vector_end (padding of shorter per-sample lists)


def allele_fraction(
    record, ref: str, alts: list[str], i: int, sample_index: int | None, info_af_per_alt: bool
) -> tuple[float | None, int | None, int | None]:
    """(vaf, depth, alt_depth) of ALT ``i``; when all three are known, vaf == alt_depth / depth.

    ``sample_index`` is the tumour column (None for a sites-only file, which falls back to INFO
    ``AF`` when ``info_af_per_alt``, i.e. the header declares it ``Number=A``).
    """
    if sample_index is None:
        return _info_af(record, i, info_af_per_alt), None, None
    s = sample_index
    ad = _ints(record, "AD", s)
    ad_alt = None
    if ad is not None and len(ad) == len(alts) + 1:
        ad_alt = ad[i + 1]
        if ad_alt is not None and None not in ad:
            return _fraction(ad_alt, sum(ad))
    dp = _ints(record, "DP", s)  # only read when AD does not decide (each FORMAT read costs)
    total_dp = dp[0] if dp and dp[0] is not None else None
    af = _floats(record, "AF", s)
    if af is not None and len(af) == len(alts) and af[i] is not None:
        return af[i], total_dp, None
    if len(ref) == 1 and len(alts[i]) == 1 and ref.upper() in "ACGT" and alts[i].upper() in "ACGT":
        ref_tier = _ints(record, f"{ref.upper()}U", s)
        alt_tier = _ints(record, f"{alts[i].upper()}U", s)
        if ref_tier and alt_tier and ref_tier[0] is not None and alt_tier[0] is not None:
            return _fraction(alt_tier[0], ref_tier[0] + alt_tier[0])
    tar, tir = _ints(record, "TAR", s), _ints(record, "TIR", s)
    if tar and tir and tar[0] is not None and tir[0] is not None:
        return _fraction(tir[0], tar[0] + tir[0])
    ao, ro = _ints(record, "AO", s), _ints(record, "RO", s)
    if ao and ro and len(ao) == len(alts) and ro[0] is not None and None not in ao:
        return _fraction(ao[i], ro[0] + sum(ao))
    if ad_alt is not None and total_dp:  # AD with a missing REF count: alt reads over DP
        return ad_alt / total_dp, total_dp, ad_alt
    return None, total_dp, ad_alt


def _ints(record, name: str, s: int) -> list[int | None] | None:
    values = _format(record, name)
    if values is None:
        return None
    if values.dtype.kind in "SUO":  # used but not declared in the header: htslib keeps text
        return _parse_number_list(values[s], int)
    if values.dtype.kind not in "iu":
        return None
    return [None if v == _MISSING_INT else v for v in values[s].tolist() if v != _VECTOR_END_INT]


def _floats(record, name: str, s: int) -> list[float | None] | None:
    values = _format(record, name)
    if values is None:
        return None
    if values.dtype.kind in "SUO":
        return _parse_number_list(values[s], float)
    if values.dtype.kind != "f":
        return None
    return [None if v != v else _float32(v) for v in values[s].tolist()]


def _info_af(record, i: int, per_alt: bool) -> float | None:
    if not per_alt:
        return None
    value = record.INFO.get("AF")
    if isinstance(value, tuple):
        value = value[i] if i < len(value) else None
    elif i > 0:
        return None
    return None if value is None or value != value else _float32(value)


def _format(record, name: str):
    """FORMAT values of all samples, or None when the field is absent (cyvcf2 raises KeyError)."""
    try:
        return record.format(name)
    except KeyError:
        return None


def _parse_number_list(raw, kind) -> list | None:
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    try:
        return [None if v in (".", "") else kind(v) for v in text.split(",")]
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # the same few written values recur on many records
def _float32(value) -> float:
    """htslib stores floats as float32: 0.31 arrives as 0.3100000023841858; keep the written value."""
    return float(str(numpy.float32(value)))


def _fraction(alt: int, depth: int) -> tuple[float | None, int, int]:
    return (alt / depth if depth > 0 else None), depth, alt
