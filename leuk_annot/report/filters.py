"""Display formatting for the report view-model (plain functions; context.py calls them)."""

from __future__ import annotations

import re

# IUPAC three-letter amino-acid codes (plus Ter for stop) -> one-letter codes used in tables.
_AA3 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Sec": "U",
    "Pyl": "O", "Ter": "*", "Xaa": "X",
}  # fmt: skip
_AA3_RE = re.compile("|".join(_AA3))


def short_hgvs_p(hgvs_p: str | None) -> str | None:
    """``p.Thr315Ile`` -> ``p.T315I``; ``p.Arg100GlyfsTer12`` -> ``p.R100Gfs*12``.

    The JSON keeps the three-letter form; tables use the one-letter form clinicians read.
    Text that is not a protein change is returned unchanged.
    """
    if not hgvs_p or not hgvs_p.startswith("p."):
        return hgvs_p
    return _AA3_RE.sub(lambda m: _AA3[m.group(0)], hgvs_p)
