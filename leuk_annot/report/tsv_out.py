"""Flat per-lesion TSV (one row per lesion, then low-confidence lesions) for spreadsheets and cohorts.

Lists inside a cell are joined with ``;``; missing values are empty cells; tabs and newlines
inside values become spaces so every record is exactly one line.
"""

from __future__ import annotations

import re

from ..model import AnnotationResult, Lesion
from .json_out import defining_lesion_ids

COLUMNS = (
    "sample_id",
    "lesion_id",
    "kind",
    "label",
    "genes",
    "hgvs_c",
    "hgvs_p",
    "isoform",
    "vaf",
    "clonality",
    "confidence",
    "role",
    "relapse_relevant",
    "subtype_calls",
    "agents_sensitive",
    "agents_resistant",
    "evidence_levels",
    "citations",
    "source_file",
    "source_line",
    "source_record",
)

LOW_CONFIDENCE = "low_confidence"
"""Value of the ``confidence`` cell for rows from ``result.low_confidence``."""

# Tabs and every character str.splitlines() treats as a line break.
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_LEVEL_ORDER = {level: i for i, level in enumerate("ABCD")}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value == value else ""
    return _BREAKS.sub(" ", str(value)).strip()


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def _row(result: AnnotationResult, lesion: Lesion, defining: frozenset[str], low: bool) -> list[str]:
    calls = [c for c in result.subtypes if lesion.id in c.supporting]
    links = [t for t in result.therapies if lesion.id in t.lesion_ids]

    def agents(response: str) -> str:
        chosen = sorted(
            (t for t in links if t.response == response),
            key=lambda t: (_LEVEL_ORDER.get(t.evidence_level, 9), t.agent),
        )
        return ";".join(_unique(f"{t.agent}[{t.evidence_level}]" for t in chosen))

    if lesion.roles:
        role = ";".join(_unique(r.role for r in lesion.roles))
    else:
        role = "subtype-defining" if lesion.id in defining else None
    citations = _unique(
        [k for r in lesion.roles for k in r.citations]
        + [k for c in calls for k in c.citations]
        + [k for t in links for k in t.citations]
    )
    first = lesion.evidence[0].source if lesion.evidence else None
    values = (
        result.sample_id,
        lesion.id,
        lesion.kind.value,
        lesion.label,
        ";".join(lesion.genes),
        lesion.hgvs_c,
        lesion.hgvs_p,
        lesion.isoform,
        lesion.vaf,
        lesion.clonality,
        LOW_CONFIDENCE if low else lesion.confidence,
        role,
        any(r.relapse for r in lesion.roles),
        ";".join(_unique(c.name for c in calls)),
        agents("sensitivity"),
        agents("resistance"),
        ";".join(sorted(_unique(t.evidence_level for t in links), key=lambda x: _LEVEL_ORDER.get(x, 9))),
        ";".join(citations),
        first.path if first else None,
        first.line if first else None,
        first.record if first else None,
    )
    return [_cell(v) for v in values]


def to_tsv(result: AnnotationResult) -> str:
    """Header plus one row per lesion; low-confidence lesions last, marked in ``confidence``."""
    defining = defining_lesion_ids(result.subtypes)
    rows = [list(COLUMNS)]
    rows += [_row(result, lesion, defining, low=False) for lesion in result.lesions]
    rows += [_row(result, lesion, defining, low=True) for lesion in result.low_confidence]
    return "".join("\t".join(row) + "\n" for row in rows)
