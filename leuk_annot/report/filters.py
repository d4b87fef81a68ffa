"""Display formatting for the report view-model: citation numbering, sources, VAF, risk, HGVS."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..knowledge.records import Citation
from ..model import SourceRef

MISSING = "—"  # shown for unknown values; the JSON keeps null

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


class CitationIndex:
    """Numbers citation keys in order of first appearance; unknown keys keep their raw key."""

    def __init__(self, known: Mapping[str, Citation]):
        self._known = known
        self._numbers: dict[str, int] = {}

    def refs(self, keys: Iterable[str]) -> list[dict[str, Any]]:
        out = []
        for key in dict.fromkeys(keys):
            number = self._numbers.setdefault(key, len(self._numbers) + 1)
            out.append({"number": number, "key": key, "anchor": f"cite-{number}"})
        return out

    def listing(self) -> list[dict[str, Any]]:
        entries = []
        for key, number in self._numbers.items():
            cit = self._known.get(key)
            link = cit.link if cit is not None else None
            # Only web links become hrefs: a curated "javascript:" or relative URL must never run.
            if link is not None and not link.startswith(("https://", "http://")):
                link = None
            entries.append(
                {
                    "number": number,
                    "anchor": f"cite-{number}",
                    "key": key,
                    "text": cit.text if cit is not None else key,
                    "known": cit is not None,
                    "link": link,
                    "link_label": link_label(cit) if cit is not None else None,
                    "verified": bool(cit.verified) if cit is not None else False,
                }
            )
        return entries


def link_label(cit: Citation) -> str | None:
    if cit.pmid:
        return f"PMID {cit.pmid}"
    if cit.doi:
        return f"doi:{cit.doi}"
    return cit.url


def text_or_missing(value: object) -> str:
    return MISSING if value is None or value == "" else str(value)


def vaf_percent(vaf: float | None) -> str:
    if vaf is None or vaf != vaf:
        return MISSING
    return f"{vaf * 100:.1f}%"


def source_view(ref: SourceRef | None) -> dict[str, str]:
    """Short "file:line" (or file + record) for tables, the full path for a tooltip."""
    if ref is None:
        return {"short": MISSING, "full": ""}
    name = ref.path.replace("\\", "/").rsplit("/", 1)[-1]
    where = f":{ref.line}" if ref.line is not None else ""
    record = f" ({ref.record})" if ref.record else ""
    full = f"{ref.path}{where}{record}"
    return {"short": f"{name}{where}{record}", "full": full}


def risk_view(risk: str | None) -> dict[str, str]:
    if risk is None:
        return {"value": "", "label": "Not determined", "css": "risk-unknown"}
    return {"value": risk, "label": risk.capitalize(), "css": "risk-" + risk.replace(" ", "-")}
