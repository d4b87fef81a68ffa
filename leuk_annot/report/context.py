"""Turn an AnnotationResult into the HTML view-model: sorted, formatted, citations numbered.

Templates compute nothing: every string they print, every list order and every citation
number is decided here, so the rendering logic is testable without Jinja.
"""

from __future__ import annotations

from typing import Any

from ..knowledge.records import KnowledgeBase
from ..model import AnnotationResult, Fusion, Lesion, StructuralVariant, SubtypeCall, TherapyLink, Variant
from .board_view import critical_flags, pharmacogenomics_view, relapse_headline, relapse_items, vaf_view
from .copy_number_view import copy_number_view
from .filters import (
    MISSING,
    CitationIndex,
    risk_view,
    short_hgvs_p,
    source_view,
    text_or_missing,
    vaf_percent,
)
from .json_out import defining_lesion_ids, lesion_role

RESEARCH_USE = (
    "For research use only. Not a diagnostic device. Findings must be confirmed by an accredited "
    "laboratory and interpreted by qualified clinicians."
)
_LEVEL_ORDER = {level: i for i, level in enumerate("ABCD")}
_STATUS_ORDER = {"primary": 0, "additional": 1, "conflicting": 2, "unclassified": 3}
_RESPONSE_LABEL = {"sensitivity": "Sensitive", "resistance": "Resistant"}


def _lesion_source(lesion: Lesion) -> dict[str, str]:
    return source_view(lesion.evidence[0].source if lesion.evidence else None)


def _low_confidence_reason(lesion: Lesion) -> str:
    """Why an event is low confidence, from what its evidence says (filters, fusion support, flags)."""
    reasons: list[str] = []
    for event in lesion.evidence:
        if isinstance(event, (Fusion, StructuralVariant)):
            if event.support_level in ("low", "unknown"):
                reasons.append(f"{event.caller} support: {event.support_level}")
            if isinstance(event, Fusion) and event.caller_confidence:
                reasons.append(f"caller confidence: {event.caller_confidence}")
            reasons.extend(f"flag: {flag}" for flag in event.flags)
        # Gene deletions and copy-number segments carry no FILTER; only records that do are checked.
        if isinstance(event, (Variant, StructuralVariant)) and event.filter not in ("PASS", "."):
            reasons.append(f"FILTER {event.filter}")
    return "; ".join(dict.fromkeys(reasons)) or "below the confidence threshold"


class _Builder:
    """Builds sections in document order so citation numbers follow first appearance."""

    def __init__(self, result: AnnotationResult, kb: KnowledgeBase):
        self.result = result
        self.kb = kb
        self.cites = CitationIndex(kb.citations)
        self.lesions = {lesion.id: lesion for lesion in (*result.lesions, *result.low_confidence)}
        self.subtype_names = {c.subtype_id: c.name for c in result.subtypes}
        self.defining = defining_lesion_ids(result.subtypes)
        self.actionable_order: list[dict[str, Any]] = []  # set by summary(); therapies() follows it

    def lesion_label(self, lesion_id: str) -> str:
        lesion = self.lesions.get(lesion_id)
        return lesion.label if lesion is not None else lesion_id

    def primary(self) -> SubtypeCall | None:
        return next((c for c in self.result.subtypes if c.status == "primary"), None)

    def no_primary_text(self) -> str:
        conflicting = sum(1 for c in self.result.subtypes if c.status == "conflicting")
        if conflicting:
            return f"No single subtype: {conflicting} conflicting calls"
        return "No subtype called"

    # -- sections, in the order base.html.j2 shows them --------------------------------------
    def header(self, created: str | None) -> dict[str, Any]:
        prov = self.result.provenance
        primary = self.primary()
        if primary is None:
            summary = self.no_primary_text()
        else:
            extra = sum(1 for c in self.result.subtypes if c.status in ("additional", "conflicting"))
            summary = primary.name + (f" (+{extra} further call{'s' if extra > 1 else ''})" if extra else "")
        return {
            "sample_id": self.result.sample_id,
            "subtype_summary": summary,
            "risk": risk_view(self.result.prognosis.risk),
            "leuk_annot_version": prov.leuk_annot_version,
            "annotation_db_version": prov.annotation_db_version,
            "genome_build": self.result.genome_build,
            "created": created if created is not None else prov.created,
        }

    def summary(self) -> dict[str, Any]:
        primary = self.primary()
        prog = self.result.prognosis
        primary_view = None
        if primary is not None:
            primary_view = {
                "name": primary.name,
                "icc_name": primary.icc_name,
                "class": text_or_missing(primary.subtype_class),
                "has_class": bool(primary.subtype_class),
                "lineage": primary.lineage,
                "confidence": primary.confidence,
                "rule_id": text_or_missing(primary.rule_id),
                "supporting": ", ".join(self.lesion_label(i) for i in primary.supporting) or MISSING,
                "refs": self.cites.refs(primary.citations),
            }
        others = [
            {"name": c.name, "status": c.status, "rule_id": text_or_missing(c.rule_id)}
            for c in self.result.subtypes
            if c.status in ("additional", "conflicting")
        ]
        basis = [
            {
                "label": f.label,
                "risk": risk_view(f.risk),
                "source": self._basis_source(f.source, f.label),
                "rule_id": f.rule_id,
                "refs": self.cites.refs(f.citations),
            }
            for f in prog.basis
        ]
        self.actionable_order = self.actionable()  # after basis: citations are numbered in page order
        return {
            "primary": primary_view,
            "no_primary_text": self.no_primary_text(),
            "other_calls": others,
            "risk": risk_view(prog.risk),
            "risk_basis": basis,
            "risk_policy": prog.policy,
            "actionable": self.actionable_order,
            # critical["other"] are the flags outside the three critical kinds, listed under the card
            "critical": critical_flags(self.result, self.cites, self.lesion_label),
            "relapse_items": relapse_headline(self.result),
            "not_assessed": [
                {"topic": a.topic, "reason": a.reason} for a in self.result.assessments if not a.assessed
            ],
        }

    def _basis_source(self, source: str, label: str) -> str:
        """The factor's source as a name, or "" when the label already says it."""
        name = self.lesion_label(source) if source in self.lesions else self.subtype_names.get(source, source)
        return "" if name == label else name

    def _group_label(self, link: TherapyLink) -> str:
        if link.lesion_ids:
            return " + ".join(self.lesion_label(i) for i in link.lesion_ids)
        return " + ".join(self.subtype_names.get(s, s) for s in link.subtype_ids) or MISSING

    def actionable(self) -> list[dict[str, Any]]:
        """Therapy links grouped by the lesion (or subtype) they hang on; strongest level first."""
        order = {lesion.id: i for i, lesion in enumerate(self.result.lesions)}
        groups: dict[str, list[TherapyLink]] = {}
        for link in self.result.therapies:
            groups.setdefault(self._group_label(link), []).append(link)

        def group_key(item: tuple[str, list[TherapyLink]]):
            label, links = item
            best = min(_LEVEL_ORDER.get(t.evidence_level, 9) for t in links)
            first = min((order.get(i, len(order)) for t in links for i in t.lesion_ids), default=-1)
            return (best, first, label)

        out = []
        for label, links in sorted(groups.items(), key=group_key):
            entry: dict[str, Any] = {"label": label}
            for response in ("sensitivity", "resistance"):
                chosen = sorted(
                    (t for t in links if t.response == response),
                    key=lambda t: (_LEVEL_ORDER.get(t.evidence_level, 9), t.agent),
                )
                entry[response] = [
                    {
                        "agent": t.agent,
                        "level": t.evidence_level,
                        "tier": t.tier,
                        "refs": self.cites.refs(t.citations),
                    }
                    for t in chosen
                ]
            out.append(entry)
        return out

    def subtypes(self) -> list[dict[str, Any]]:
        calls = sorted(
            enumerate(self.result.subtypes), key=lambda ic: (_STATUS_ORDER.get(ic[1].status, 9), ic[0])
        )
        rows = []
        for _, c in calls:
            supporting = []
            for lid in c.supporting:
                lesion = self.lesions.get(lid)
                src = _lesion_source(lesion) if lesion is not None else source_view(None)
                supporting.append({"label": self.lesion_label(lid), "source": src})
            rows.append(
                {
                    "name": c.name,
                    "icc_name": c.icc_name,
                    "class": text_or_missing(c.subtype_class),
                    "lineage": c.lineage,
                    "confidence": c.confidence,
                    "status": c.status,
                    "status_label": c.status.capitalize(),
                    "rule_id": text_or_missing(c.rule_id),
                    "supporting": supporting,
                    "note": c.note or "",
                    "refs": self.cites.refs(c.citations),
                }
            )
        return rows

    def _lesion_row(self, lesion: Lesion) -> dict[str, Any]:
        headline = lesion_role(lesion, self.defining)
        roles = [
            {
                "role": r.role,
                "category": r.category.replace("_", " "),
                "relapse": r.relapse,
                "risk": risk_view(r.risk) if r.risk else None,
                "rule_id": r.rule_id,
                "note": r.note or "",
                "refs": self.cites.refs(r.citations),
            }
            for r in lesion.roles
        ]
        return {
            "id": lesion.id,
            "label": lesion.label,
            "kind": lesion.kind.value.replace("_", " "),
            "genes": ", ".join(lesion.genes),
            "hgvs_c": text_or_missing(lesion.hgvs_c),
            "hgvs_p": text_or_missing(short_hgvs_p(lesion.hgvs_p)),
            "hgvs_p_full": lesion.hgvs_p or "",
            "vaf": vaf_percent(lesion.vaf),
            "vaf_sort": "" if lesion.vaf is None else f"{lesion.vaf:.4f}",
            "clonality": _clonality(lesion.clonality),
            "isoform": lesion.isoform if lesion.isoform and lesion.isoform not in lesion.label else "",
            "confidence": lesion.confidence,
            "headline_role": headline or "",
            "roles": roles,
            "relapse": any(r.relapse for r in lesion.roles),
            "source": _lesion_source(lesion),
            "evidence_count": len(lesion.evidence),
        }

    def lesions_table(self) -> list[dict[str, Any]]:
        return [self._lesion_row(lesion) for lesion in self.result.lesions]

    def therapies(self) -> list[dict[str, Any]]:
        """One row per therapy link, grouped by the lesion (or subtype) it hangs on, in summary order;
        within a group sensitivity first, then evidence level (A first) and agent."""
        rank = {g["label"]: i for i, g in enumerate(self.actionable_order)}
        ordered = sorted(
            self.result.therapies,
            key=lambda t: (
                rank.get(self._group_label(t), len(rank)),
                t.response != "sensitivity",
                _LEVEL_ORDER.get(t.evidence_level, 9),
                t.agent,
                t.therapy_id,
            ),
        )
        return [
            {
                "id": t.therapy_id,
                "group": self._group_label(t),
                "agent": t.agent,
                "response": t.response,
                "response_label": _RESPONSE_LABEL.get(t.response, t.response),
                "subtypes": ", ".join(self.subtype_names.get(s, s) for s in t.subtype_ids) or MISSING,
                "level": t.evidence_level,
                "tier": t.tier,
                "context": t.context,
                "last_reviewed": t.last_reviewed,
                "refs": self.cites.refs(t.citations),
            }
            for t in ordered
        ]

    def relapse(self) -> list[dict[str, Any]]:
        rows = []
        for lesion in (*self.result.lesions, *self.result.low_confidence):
            relapse_roles = [r for r in lesion.roles if r.relapse]
            if relapse_roles:
                rows.append(
                    {
                        "label": lesion.label,
                        "vaf": vaf_percent(lesion.vaf),
                        "vaf_sort": "" if lesion.vaf is None else f"{lesion.vaf:.4f}",
                        "clonality": _clonality(lesion.clonality),
                        "confidence": lesion.confidence,
                        "roles": "; ".join(dict.fromkeys(r.role for r in relapse_roles)),
                        "rule_ids": ", ".join(dict.fromkeys(r.rule_id for r in relapse_roles)),
                        "source": _lesion_source(lesion),
                        "refs": self.cites.refs(k for r in relapse_roles for k in r.citations),
                    }
                )
        return rows

    def low_confidence(self) -> list[dict[str, Any]]:
        rows = []
        for lesion in self.result.low_confidence:
            row = self._lesion_row(lesion)
            row["reason"] = _low_confidence_reason(lesion)
            rows.append(row)
        return rows

    def filtered(self) -> list[dict[str, Any]]:
        """Lesions kept although a record failed its caller's FILTER (only with --include-filtered)."""
        rows = []
        for lesion in self.result.lesions:
            failed = [
                e.filter
                for e in lesion.evidence
                if isinstance(e, (Variant, StructuralVariant)) and e.filter not in ("PASS", ".")
            ]
            if failed:
                row = self._lesion_row(lesion)
                row["reason"] = "FILTER " + ", ".join(dict.fromkeys(failed))
                rows.append(row)
        return rows

    def assessments(self) -> dict[str, Any]:
        items = [
            {
                "topic": a.topic,
                "assessed": a.assessed,
                "status_label": "Assessed" if a.assessed else "Not assessed",
                "css": "assessed" if a.assessed else "not-assessed",
                "reason": a.reason,
            }
            for a in sorted(self.result.assessments, key=lambda a: a.assessed)  # not-assessed first
        ]
        return {"rows": items, "any_not_assessed": any(not a.assessed for a in self.result.assessments)}

    def warnings(self) -> list[dict[str, Any]]:
        return [{"message": w.message, "source": source_view(w.source)} for w in self.result.warnings]

    def methods(self) -> list[dict[str, str]]:
        """How each part of the report was derived, in section order (texts come from the result)."""
        out = [
            {"topic": "Subtype", "text": "Knowledge-base rules (annotation_db) evaluated on the lesions; "
             "each call names its rule id. Low-confidence events never define a subtype."},
            {"topic": "Risk", "text": self.result.prognosis.policy},
            {"topic": "Therapy links", "text": "Curated knowledge-base links with AMP/ASCO/CAP evidence "
             "levels (A-D) and tiers (I-II); each link is cited."},
            {"topic": "Clonality", "text": "From the VAF and tumour purity (--purity, or the marrow blast "
             "fraction from a clinical file); not assessed without either."},
        ]
        if self.result.copy_number is not None:
            out.append({"topic": "Copy number", "text": self.result.copy_number.method})
        if self.result.pharmacogenomics is not None:
            out.append({"topic": "Pharmacogenomics", "text": self.result.pharmacogenomics.method})
        return out

    def provenance(self, created: str | None) -> dict[str, Any]:
        prov = self.result.provenance
        return {
            "leuk_annot_version": prov.leuk_annot_version,
            "annotation_db_version": prov.annotation_db_version,
            "annotation_db_schema_version": str(prov.annotation_db_schema_version),
            "kb_version": self.kb.version,
            "kb_version_differs": self.kb.version != prov.annotation_db_version,
            "genome_build": prov.genome_build,
            "genome_build_evidence": prov.genome_build_evidence,
            "created": created if created is not None else prov.created,
            "inputs": [
                {"path": i.path, "sha256": i.sha256, "format": i.format, "kind": i.kind} for i in prov.inputs
            ],
        }


def _clonality(value: str | None) -> str:
    return value if value else "not assessed"


def build_context(
    result: AnnotationResult, kb: KnowledgeBase, *, created: str | None = None
) -> dict[str, Any]:
    """The one object templates see. ``created`` overrides the shown creation time everywhere
    in the page (stable HTML snapshots); the JSON keeps the real one."""
    b = _Builder(result, kb)
    # Order matters: citations are numbered as each section is built, in the order shown.
    header = b.header(created)
    summary = b.summary()
    subtypes = b.subtypes()
    lesions = b.lesions_table()
    vaf = vaf_view(result)
    therapies = b.therapies()
    relapse = {"risk": relapse_items(result, b.cites), "lesions": b.relapse()}
    pharmacogenomics = pharmacogenomics_view(result, b.cites)
    copy_number = copy_number_view(result, b.cites)
    low_confidence = b.low_confidence()
    return {
        "title": f"leuk-annot report: {result.sample_id}",
        "research_use": RESEARCH_USE,
        "header": header,
        "summary": summary,
        "subtypes": subtypes,
        "lesions": lesions,
        "vaf": vaf,
        "therapies": therapies,
        "relapse": relapse,
        "pharmacogenomics": pharmacogenomics,
        "copy_number": copy_number,
        "low_confidence": low_confidence,
        "filtered": b.filtered(),
        "assessments": b.assessments(),
        "warnings": b.warnings(),
        "provenance": b.provenance(created),
        "methods": b.methods(),
        "citations": b.cites.listing(),
    }
