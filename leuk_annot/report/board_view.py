"""View-model parts for the tumour-board report: critical flags, relapse risk, pharmacogenomics, VAF plot.

Like ``context.py``, these functions decide every string and order the templates print; they
take the shared ``CitationIndex`` so references are numbered in the order the page shows them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..model import AnnotationResult, Flag, LesionKind
from .filters import MISSING, CitationIndex, text_or_missing, vaf_percent
from .vaf_plot import VafPoint, vaf_plot

# The three findings a tumour board must not miss, in the order the summary card shows them.
CRITICAL_KINDS = (
    ("germline", "Germline testing"),
    ("pgx", "PGx dosing"),
    ("immunotherapy", "Immunotherapy escape"),
)
# Flags are curated text; these words place a flag under a critical heading. Lesion-rule flags
# whose rule has category "pharmacogenomic" go to PGx dosing whatever their wording.
_IMMUNO_RE = re.compile(r"\b(CD19|CD22|blinatumomab|inotuzumab|CAR-?T|lineage switch|immunotherapy)\b", re.I)
_GERMLINE_RE = re.compile(r"\bgermline\b", re.I)
_NORMAL_PHENOTYPE = "normal metabolizer"
_URL_RE = re.compile(r"https?://\S+")


def _flag_kind(flag: Flag, pgx_rules: frozenset[str]) -> str:
    if flag.id in pgx_rules:
        return "pgx"
    if _IMMUNO_RE.search(flag.text):
        return "immunotherapy"
    if _GERMLINE_RE.search(flag.text):
        return "germline"
    return "other"


def critical_flags(
    result: AnnotationResult, cites: CitationIndex, lesion_label: Callable[[str], str]
) -> dict[str, Any]:
    """Germline testing, PGx dosing and immunotherapy escape, each stated even when nothing was raised.

    Returns ``{"kinds": [...], "other": [...]}``; ``other`` holds the remaining flags (shown below
    the first screen). With a pharmacogenomics result, PGx dosing comes from the genotype calls and
    the per-variant PGx flags are not repeated.
    """
    pgx_rules = frozenset(
        role.rule_id
        for lesion in (*result.lesions, *result.low_confidence)
        for role in lesion.roles
        if role.category == "pharmacogenomic"
    )
    grouped: dict[str, list[dict[str, Any]]] = {kind: [] for kind, _ in CRITICAL_KINDS}
    other: list[dict[str, Any]] = []
    pgx = result.pharmacogenomics
    for flag in result.flags:
        kind = _flag_kind(flag, pgx_rules)
        if kind == "pgx" and pgx is not None:
            continue
        item = {
            "text": flag.text,
            "lesions": ", ".join(lesion_label(i) for i in flag.lesion_ids),
            "refs": cites.refs(flag.citations),
        }
        (other if kind == "other" else grouped[kind]).append(item)
    if pgx is not None:
        grouped["pgx"] = _pgx_flag_items(result, cites)
    kinds = []
    for kind, label in CRITICAL_KINDS:
        items = grouped[kind]
        if kind == "pgx" and pgx is None:
            none_text = "Not assessed (no VCF to genotype TPMT/NUDT15)."
        else:
            none_text = "None raised."
        kinds.append(
            {
                "kind": kind,
                "label": label,
                "entries": items,
                "none_text": none_text,
                "action": any(i.get("action", True) for i in items),
                "not_assessed": kind == "pgx" and pgx is None,
            }
        )
    return {"kinds": kinds, "other": other}


def _pgx_flag_items(result: AnnotationResult, cites: CitationIndex) -> list[dict[str, Any]]:
    """One short line per pharmacogene, then the germline-confirmation note; CPIC refs on the last line."""
    pgx = result.pharmacogenomics
    assert pgx is not None
    items = []
    for call in pgx.calls:
        phenotype = call.phenotype or "indeterminate"
        diplotype = f" {call.diplotype}" if call.diplotype else ""
        if phenotype == "indeterminate":
            note = "genotype before thiopurines"
        elif phenotype != _NORMAL_PHENOTYPE:
            note = "adjust thiopurine starting dose"
        else:
            note = "standard thiopurine dosing"
        items.append(
            {
                "text": f"{call.gene}{diplotype}: {phenotype} — {note}",
                "lesions": "",
                "refs": [],
                "action": phenotype != _NORMAL_PHENOTYPE,
            }
        )
    if any(call.sample_kind != "germline" for call in pgx.calls):
        items.append(
            {
                "text": "Genotyped from tumour DNA: confirm on a germline sample before dosing.",
                "lesions": "",
                "refs": [],
                "action": True,
            }
        )
    if items and pgx.recommendations:
        items[-1]["refs"] = cites.refs(k for r in pgx.recommendations for k in r.citations)
    return items


def relapse_items(result: AnnotationResult, cites: CitationIndex) -> dict[str, Any]:
    """Relapse-risk items for the relapse section (assessable first keeps file order within each group)."""
    relapse = result.relapse
    if relapse is None:
        return {"evaluated": False, "clinical_file": MISSING, "entries": []}
    items = [
        {
            "scheme": item.scheme,
            "value": item.value if item.assessable and item.value else "Not assessable",
            "assessable": item.assessable,
            "css": "assessed" if item.assessable else "not-assessed",
            "basis": item.basis,
            "refs": cites.refs(item.citations),
        }
        for item in relapse.items
    ]
    return {"evaluated": True, "clinical_file": text_or_missing(relapse.clinical_file), "entries": items}


def relapse_headline(result: AnnotationResult) -> list[dict[str, str]]:
    """Assessable relapse-risk items for the summary card, values cut before any bracketed remark
    (the relapse section shows them whole, with references)."""
    if result.relapse is None:
        return []
    out = []
    for item in result.relapse.items:
        if not item.assessable:
            continue
        value = item.value or MISSING
        short = value.split(" [", 1)[0]
        out.append({"scheme": item.scheme, "value": short, "more": short != value})
    return out


def _split_url(text: str) -> tuple[str, str | None]:
    """Guideline text and its web link, so the link can be a real (and printed) href."""
    match = _URL_RE.search(text)
    if match is None:
        return text, None
    rest = (text[: match.start()] + text[match.end() :]).strip().rstrip(";,").strip()
    return rest, match.group(0).rstrip(").,;")


def pharmacogenomics_view(result: AnnotationResult, cites: CitationIndex) -> dict[str, Any]:
    pgx = result.pharmacogenomics
    if pgx is None:
        return {
            "assessed": False,
            "not_assessed_text": "Not assessed: no small-variant VCF was given to genotype TPMT and NUDT15.",
            "calls": [],
            "doses": [],
            "method": "",
        }
    calls = [
        {
            "gene": c.gene,
            "diplotype": text_or_missing(c.diplotype),
            "phenotype": text_or_missing(c.phenotype),
            "sample_kind": c.sample_kind,
            "observations": list(c.observations),
            "caveats": list(c.caveats),
        }
        for c in pgx.calls
    ]
    doses = []
    for r in pgx.recommendations:
        guideline, link = _split_url(r.guideline)
        doses.append(
            {
                "drug": r.drug,
                "phenotypes": r.phenotypes,
                "recommendation": r.recommendation,
                "strength": text_or_missing(r.strength),
                "guideline": guideline,
                "link": link,
                "refs": cites.refs(r.citations),
            }
        )
    return {"assessed": True, "not_assessed_text": "", "calls": calls, "doses": doses, "method": pgx.method}


def vaf_view(result: AnnotationResult) -> dict[str, Any]:
    """The VAF dot plot of the sequence-variant lesions (high confidence), or why there is none."""
    points = [
        VafPoint(lesion.label, lesion.vaf, lesion.clonality)
        for lesion in result.lesions
        if lesion.kind is LesionKind.SEQUENCE_VARIANT
    ]
    if not points:
        return {"svg": None, "count": 0, "caption": ""}
    clonality_known = any(p.clonality for p in points)
    caption = (
        f"Variant allele fraction of the {len(points)} sequence-variant lesion(s), in table order. "
        "The dashed line marks 50%, expected for a heterozygous variant in a pure tumour. "
        + (
            "Marker shape shows clonality (circle clonal, triangle subclonal)."
            if clonality_known
            else "Clonality not assessed (give --purity, or the marrow blast % in a clinical file): hollow squares."
        )
    )
    from markupsafe import Markup  # lazy, like jinja2: JSON/TSV-only runs do not need it

    # Markup: vaf_plot escapes every text it inserts (see its module docstring).
    return {
        "svg": Markup(vaf_plot(points)),
        "count": len(points),
        "caption": caption,
        "rows": [{"label": p.label, "vaf": vaf_percent(p.vaf)} for p in points],
    }
