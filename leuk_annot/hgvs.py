"""HGVS protein notation helpers: three-letter (JSON) <-> one-letter (tables and labels)."""

from __future__ import annotations

import re

_THREE_TO_ONE = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E", "Gly": "G",
    "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F", "Pro": "P", "Ser": "S",
    "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*", "Sec": "U", "Pyl": "O", "Xaa": "X",
}
_ONE_TO_THREE = {one: three for three, one in _THREE_TO_ONE.items()}
_THREE_RE = re.compile("|".join(_THREE_TO_ONE))
_SIMPLE_SHORT = re.compile(r"^p\.([A-Z*])(\d+)([A-Z*=])$")


def short_protein(hgvs_p: str | None) -> str | None:
    """'p.Thr315Ile' -> 'p.T315I'; 'p.(Arg139Cys)' -> 'p.R139C'; one-letter input is returned as is."""
    if not hgvs_p:
        return None
    text = hgvs_p.split(":")[-1].replace("(", "").replace(")", "")
    return _THREE_RE.sub(lambda m: _THREE_TO_ONE[m.group(0)], text)


def long_protein(hgvs_p: str | None) -> str | None:
    """'p.T315I' -> 'p.Thr315Ile' for simple substitutions; anything else is returned unchanged."""
    if not hgvs_p:
        return None
    match = _SIMPLE_SHORT.match(hgvs_p)
    if not match:
        return hgvs_p
    ref, pos, alt = match.groups()
    alt_long = "=" if alt == "=" else _ONE_TO_THREE[alt]
    return f"p.{_ONE_TO_THREE[ref]}{pos}{alt_long}"
