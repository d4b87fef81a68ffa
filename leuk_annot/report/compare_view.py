"""Rendering a Comparison: the comparison JSON document (and its schema), the TSV and the HTML page."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..compare_model import (
    INPUT_NAMES,
    LESION_STATUS_ORDER,
    VAF_SHIFT_THRESHOLD,
    Comparison,
    LesionChange,
    SampleInfo,
)
from .json_out import canonical_json
from .tsv_out import _cell as _scalar_cell
from .vaf_shift_plot import pct, short_label, vaf_plot

if TYPE_CHECKING:
    from ..knowledge.records import KnowledgeBase

COMPARE_SCHEMA_VERSION = "1.0"
COMPARE_SCHEMA_PATH = Path(__file__).resolve().parents[1] / "compare.schema.json"
COMPARE_TEMPLATE = "compare.html.j2"
FILE_SUFFIXES = {"html": ".leuk-annot.compare.html", "json": ".leuk-annot.compare.json",
                 "tsv": ".leuk-annot.compare.tsv"}
VAF_NOTE = (
    "VAFs depend on the blast fraction of each sample; a shift can reflect a different tumour content "
    "as well as clonal change. Lesions not detected in a sample are drawn at 0 and have no shift."
)


def _sample_dict(info: SampleInfo) -> dict[str, Any]:
    return {
        "source": info.source, "sample_id": info.sample_id, "genome_build": info.genome_build,
        "schema_version": info.schema_version, "leuk_annot_version": info.leuk_annot_version,
        "annotation_db_version": info.annotation_db_version,
        "annotation_db_schema_version": info.annotation_db_schema_version, "created": info.created,
        "primary_subtype": info.primary_subtype, "risk": info.risk, "input_kinds": list(info.input_kinds),
    }


def _lesion_dict(c: LesionChange) -> dict[str, Any]:
    return {
        "key": c.key, "label": c.label, "kind": c.kind, "genes": list(c.genes), "status": c.status,
        "matched_by": c.matched_by, "diagnosis_id": c.diagnosis_id, "relapse_id": c.relapse_id,
        "hgvs_p": c.hgvs_p, "allele": c.allele, "diagnosis_vaf": c.diagnosis_vaf, "relapse_vaf": c.relapse_vaf,
        "vaf_shift": c.vaf_shift, "vaf_trend": c.vaf_trend, "diagnosis_confidence": c.diagnosis_confidence,
        "relapse_confidence": c.relapse_confidence, "roles": list(c.roles), "categories": list(c.categories),
        "relapse_resistance": c.relapse_resistance, "resistance_reason": c.resistance_reason,
        "citations": list(c.citations),
    }


def compare_dict(c: Comparison) -> dict[str, Any]:
    """The comparison as plain JSON data (documented by compare.schema.json)."""
    s, p, cn = c.subtype, c.prognosis, c.copy_number
    return {
        "schema_version": COMPARE_SCHEMA_VERSION,
        "diagnosis": _sample_dict(c.diagnosis),
        "relapse": _sample_dict(c.relapse),
        "genome_build": c.genome_build,
        "vaf_shift_threshold": VAF_SHIFT_THRESHOLD,
        "lesions": [_lesion_dict(x) for x in c.lesions],
        "relapse_resistance": [x.key for x in c.resistance_lesions],
        "subtype": {
            "status": s.status, "prominent": s.prominent, "diagnosis": s.diagnosis, "relapse": s.relapse,
            "message": s.message, "other_gained": list(s.other_gained), "other_lost": list(s.other_lost),
            "citations": list(s.citations), "note": s.note,
        },
        "therapies": [
            {"agent": t.agent, "response": t.response, "status": t.status, "diagnosis_level": t.diagnosis_level,
             "relapse_level": t.relapse_level, "therapy_ids": list(t.therapy_ids), "lesion_ids": list(t.lesion_ids),
             "citations": list(t.citations)}
            for t in c.therapies
        ],
        "prognosis": {"diagnosis_risk": p.diagnosis_risk, "relapse_risk": p.relapse_risk, "direction": p.direction,
                      "basis_gained": list(p.basis_gained), "basis_lost": list(p.basis_lost)},
        "copy_number": {"compared": cn.compared, "reason": cn.reason, "diagnosis_modal": cn.diagnosis_modal,
                        "relapse_modal": cn.relapse_modal, "modal_change": cn.modal_change,
                        "chromosomes": list(cn.chromosomes), "genes": list(cn.genes)},
        "warnings": [{"message": w.message} for w in c.warnings],
    }


def compare_to_json(c: Comparison) -> str:
    return canonical_json(compare_dict(c))


@cache
def load_compare_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the comparison document."""
    return json.loads(COMPARE_SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_compare_json(doc: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when ``doc`` is not a valid comparison document."""
    import jsonschema

    schema = load_compare_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(doc)


TSV_COLUMNS = (
    "lesion", "kind", "genes", "status", "matched_by", "diagnosis_id", "relapse_id", "allele",
    "diagnosis_vaf", "relapse_vaf", "vaf_shift", "vaf_trend", "relapse_resistance", "resistance_reason",
    "roles", "diagnosis_sample", "relapse_sample",
)


def _cell(value: object) -> str:
    """A TSV cell as ``tsv_out`` writes one; lists are joined with ``;``."""
    if isinstance(value, (tuple, list)):
        value = ";".join(value)
    return _scalar_cell(value)


def compare_to_tsv(c: Comparison) -> str:
    """One row per lesion followed from diagnosis to relapse (empty cell = unknown or absent)."""
    lines = ["\t".join(TSV_COLUMNS)]
    for x in c.lesions:
        row = (x.label, x.kind, x.genes, x.status, x.matched_by, x.diagnosis_id, x.relapse_id, x.allele,
               x.diagnosis_vaf, x.relapse_vaf, x.vaf_shift, x.vaf_trend, x.relapse_resistance, x.resistance_reason,
               x.roles, c.diagnosis.sample_id, c.relapse.sample_id)
        lines.append("\t".join(_cell(v) for v in row))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# HTML


def _shift_text(shift: float | None) -> str:
    return "—" if shift is None else f"{shift * 100:+.1f} pp"


_STATUS_LABEL = {
    "gained": "Gained", "lost": "Lost", "persisting": "Persisting",
    "not_assessed_at_diagnosis": "Not assessed at diagnosis", "not_assessed_at_relapse": "Not assessed at relapse",
    "newly_resistant": "Newly resistant", "newly_sensitive": "Newly sensitive", "level_changed": "Level changed",
    "unchanged": "Unchanged",
}


def _html_context(c: Comparison, kb: KnowledgeBase | None, created: str | None) -> dict[str, Any]:
    from markupsafe import Markup

    from .context import RESEARCH_USE
    from .filters import CitationIndex, risk_view

    cites = CitationIndex(kb.citations if kb is not None else {})

    def lesion_row(x: LesionChange, with_refs: bool = False) -> dict[str, Any]:
        return {
            "label": short_label(x), "kind": x.kind.replace("_", " "), "status": _STATUS_LABEL[x.status],
            "status_css": "status-" + x.status.replace("_", "-"),
            "dx_vaf": pct(x.diagnosis_vaf, x.diagnosis_id is not None),
            "rel_vaf": pct(x.relapse_vaf, x.relapse_id is not None), "shift": _shift_text(x.vaf_shift),
            "trend": x.vaf_trend or "—",
            "matched_by": (x.matched_by or "—").replace("_", " "), "roles": "; ".join(x.roles) or "—",
            "resistance": x.relapse_resistance, "reason": x.resistance_reason or "",
            "confidence": " / ".join(v or "—" for v in (x.diagnosis_confidence, x.relapse_confidence)),
            # Numbered only where shown, so citation numbers follow the page order.
            "refs": cites.refs(x.citations) if with_refs else [], "key": x.key,
        }

    resistance = [lesion_row(x, with_refs=True) for x in c.resistance_lesions]
    subtype = c.subtype
    groups = []
    for status in LESION_STATUS_ORDER:
        rows = [lesion_row(x) for x in c.lesions if x.status == status]
        if rows:
            groups.append({"id": "lesions-" + status.replace("_", "-"), "title": _STATUS_LABEL[status],
                           "rows": rows})
    subtype_refs = cites.refs(subtype.citations)
    therapies = [
        {"agent": t.agent, "response": t.response.capitalize(), "resp_css": "resp-" + t.response,
         "status": _STATUS_LABEL[t.status], "changed": t.status != "unchanged",
         "dx_level": t.diagnosis_level or "—", "rel_level": t.relapse_level or "—",
         "lesions": ", ".join(t.lesion_ids) or "—", "refs": cites.refs(t.citations)}
        for t in c.therapies
    ]
    svg = vaf_plot(c)

    def sample(info: SampleInfo) -> dict[str, Any]:
        return {"role": info.role.capitalize(), "sample_id": info.sample_id, "source": info.source,
                "genome_build": info.genome_build, "schema_version": info.schema_version,
                "leuk_annot_version": info.leuk_annot_version, "annotation_db_version": info.annotation_db_version,
                "annotation_db_schema_version": info.annotation_db_schema_version, "created": info.created,
                "primary_subtype": info.primary_subtype or "no primary subtype", "risk": risk_view(info.risk),
                "inputs": ", ".join(INPUT_NAMES.get(k, k) for k in info.input_kinds) or "—"}

    return {
        "title": f"leuk-annot comparison: {c.diagnosis.sample_id} vs {c.relapse.sample_id}",
        "research_use": RESEARCH_USE,
        "created": created,
        "diagnosis": sample(c.diagnosis),
        "relapse": sample(c.relapse),
        "genome_build": c.genome_build,
        "subtype": {"status": subtype.status, "message": subtype.message, "prominent": subtype.prominent,
                    "note": subtype.note, "refs": subtype_refs,
                    "diagnosis": subtype.diagnosis, "relapse": subtype.relapse,
                    "other_gained": ", ".join(subtype.other_gained), "other_lost": ", ".join(subtype.other_lost)},
        "resistance": resistance,
        "lesion_groups": groups,
        "counts": {s: sum(1 for x in c.lesions if x.status == s) for s in LESION_STATUS_ORDER},
        "vaf_plot": Markup(svg) if svg is not None else None,
        "vaf_note": VAF_NOTE,
        "vaf_threshold": f"{VAF_SHIFT_THRESHOLD * 100:.0f}",
        "therapies": therapies,
        "therapies_changed": sum(1 for t in therapies if t["changed"]),
        "prognosis": {"diagnosis": risk_view(c.prognosis.diagnosis_risk),
                      "relapse": risk_view(c.prognosis.relapse_risk), "direction": c.prognosis.direction,
                      "gained": list(c.prognosis.basis_gained), "lost": list(c.prognosis.basis_lost)},
        "copy_number": {
            "compared": c.copy_number.compared, "reason": c.copy_number.reason,
            "diagnosis_modal": c.copy_number.diagnosis_modal if c.copy_number.diagnosis_modal is not None else "—",
            "relapse_modal": c.copy_number.relapse_modal if c.copy_number.relapse_modal is not None else "—",
            "modal_change": "—" if c.copy_number.modal_change is None else f"{c.copy_number.modal_change:+d}",
            "chromosomes": list(c.copy_number.chromosomes),
            "genes": [{"gene": g["gene"], "diagnosis": (g["diagnosis"] or "—").replace("_", " "),
                       "relapse": (g["relapse"] or "—").replace("_", " ")} for g in c.copy_number.genes],
        },
        "warnings": [w.message for w in c.warnings],
        "citations": cites.listing(),
    }


def render_compare_html(
    c: Comparison, kb: KnowledgeBase | None = None, templates_dir: Path | None = None, *, created: str | None = None
) -> str:
    """Render ``compare.html.j2``; ``kb`` resolves citation keys (without it they are shown as keys)."""
    from datetime import datetime, timezone

    from ..errors import OutputError
    from . import inline_css, template_environment

    if templates_dir is None:
        from ..knowledge.resources import default_templates_dir

        templates_dir = default_templates_dir()
    templates_dir = Path(templates_dir)
    if not (templates_dir / COMPARE_TEMPLATE).is_file():
        raise OutputError(f"{templates_dir}: no {COMPARE_TEMPLATE}; is this a leuk-annot template folder?")
    if created is None:
        created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    ctx = _html_context(c, kb, created)
    ctx["css"] = inline_css(templates_dir)
    return template_environment(templates_dir).get_template(COMPARE_TEMPLATE).render(ctx=ctx)
