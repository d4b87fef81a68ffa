"""Serialise an AnnotationResult to the canonical JSON document (schema: result.schema.json).

The JSON is the primary product and the golden artefact of the end-to-end tests, so the output
is deterministic: keys in a fixed order, lists in result order, floats rounded, ``None`` as
``null``. HTML and TSV are rendered from the same result object, not from this text.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from ..model import (
    AnnotationResult,
    Event,
    Fusion,
    Lesion,
    LesionRole,
    SourceRef,
    SubtypeCall,
    TherapyLink,
)

SCHEMA_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).resolve().parent / "result.schema.json"

# Subtype statuses whose supporting lesions count as "subtype-defining" when they have no role.
DEFINING_STATUSES = frozenset({"primary", "additional", "conflicting"})
SUBTYPE_DEFINING = "subtype-defining"


def _float(value: float | None, digits: int = 4) -> float | None:
    # NaN/inf are not JSON; a caller that produced one has produced "unknown".
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def source_dict(source: SourceRef | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {"file": source.path, "line": source.line, "record": source.record}


def event_dict(event: Event) -> dict[str, Any]:
    if isinstance(event, Fusion):
        return {
            "type": "fusion",
            "gene5": event.gene5,
            "gene3": event.gene3,
            "breakpoint5": event.breakpoint5,
            "breakpoint3": event.breakpoint3,
            "supporting_reads": event.supporting_reads,
            "support_level": event.support_level,
            "caller_confidence": event.caller_confidence,
            "caller": event.caller,
            "flags": list(event.flags),
            "source": source_dict(event.source),
        }
    return {
        "type": "variant",
        "chrom": event.chrom,
        "pos": event.pos,
        "ref": event.ref,
        "alt": event.alt,
        "filter": event.filter,
        "gene": event.gene,
        "consequence": list(event.consequence),
        "hgvs_c": event.hgvs_c,
        "hgvs_p": event.hgvs_p,
        "transcript": event.transcript,
        "vaf": _float(event.vaf),
        "depth": event.depth,
        "alt_depth": event.alt_depth,
        "annotation": event.annotation,
        "sample": event.sample,
        "source": source_dict(event.source),
    }


def defining_lesion_ids(subtypes: tuple[SubtypeCall, ...]) -> frozenset[str]:
    """Lesion ids that support a primary, additional or conflicting subtype call."""
    return frozenset(lid for call in subtypes if call.status in DEFINING_STATUSES for lid in call.supporting)


def lesion_role(lesion: Lesion, defining_ids: frozenset[str]) -> str | None:
    """The single headline role of a lesion (first KB role, else subtype-defining, else None)."""
    if lesion.roles:
        return lesion.roles[0].role
    if lesion.id in defining_ids:
        return SUBTYPE_DEFINING
    return None


def _role_dict(role: LesionRole) -> dict[str, Any]:
    return {
        "rule_id": role.rule_id,
        "role": role.role,
        "category": role.category,
        "relapse": role.relapse,
        "risk": role.risk,
        "citations": list(role.citations),
        "note": role.note,
    }


def lesion_dict(lesion: Lesion, defining_ids: frozenset[str]) -> dict[str, Any]:
    first = lesion.evidence[0] if lesion.evidence else None
    return {
        "id": lesion.id,
        "kind": lesion.kind.value,
        "genes": list(lesion.genes),
        "label": lesion.label,
        "hgvs_c": lesion.hgvs_c,
        "hgvs_p": lesion.hgvs_p,
        "vaf": _float(lesion.vaf),
        "role": lesion_role(lesion, defining_ids),
        "roles": [_role_dict(r) for r in lesion.roles],
        "hotspot_id": lesion.hotspot_id,
        "consequence_class": lesion.consequence_class,
        "confidence": lesion.confidence,
        "source": source_dict(first.source) if first is not None else None,
        "evidence": [event_dict(e) for e in lesion.evidence],
    }


def _subtype_dict(call: SubtypeCall) -> dict[str, Any]:
    return {
        "id": call.subtype_id,
        "name": call.name,
        "icc_name": call.icc_name,
        "class": call.subtype_class,
        "lineage": call.lineage,
        "confidence": call.confidence,
        "status": call.status,
        "rule_id": call.rule_id,
        "supporting_lesions": list(call.supporting),
        "citations": list(call.citations),
        "note": call.note,
    }


def _therapy_dict(link: TherapyLink) -> dict[str, Any]:
    return {
        "id": link.therapy_id,
        "agent": link.agent,
        "response": link.response,
        "evidence_level": link.evidence_level,
        "tier": link.tier,
        "lesion_ids": list(link.lesion_ids),
        "subtype_ids": list(link.subtype_ids),
        "context": link.context,
        "citations": list(link.citations),
        "last_reviewed": link.last_reviewed,
    }


def result_dict(result: AnnotationResult) -> dict[str, Any]:
    """The JSON document as plain Python data (dicts, lists, str, int, float, bool, None)."""
    defining = defining_lesion_ids(result.subtypes)
    prov = result.provenance
    return {
        "schema_version": SCHEMA_VERSION,
        "sample": {"id": result.sample_id},
        "genome_build": result.genome_build,
        "subtypes": [_subtype_dict(c) for c in result.subtypes],
        "lesions": [lesion_dict(lesion, defining) for lesion in result.lesions],
        "low_confidence_lesions": [lesion_dict(lesion, defining) for lesion in result.low_confidence],
        "therapies": [_therapy_dict(t) for t in result.therapies],
        "prognosis": {
            "risk": result.prognosis.risk,
            "basis": [
                {
                    "risk": f.risk,
                    "source": f.source,
                    "label": f.label,
                    "rule_id": f.rule_id,
                    "citations": list(f.citations),
                }
                for f in result.prognosis.basis
            ],
            "policy": result.prognosis.policy,
        },
        "flags": [
            {"id": f.id, "text": f.text, "citations": list(f.citations), "lesion_ids": list(f.lesion_ids)}
            for f in result.flags
        ],
        "warnings": [{"message": w.message, "source": source_dict(w.source)} for w in result.warnings],
        "assessments": [
            {"topic": a.topic, "assessed": a.assessed, "reason": a.reason} for a in result.assessments
        ],
        "provenance": {
            "leuk_annot_version": prov.leuk_annot_version,
            "annotation_db_version": prov.annotation_db_version,
            "annotation_db_schema_version": prov.annotation_db_schema_version,
            "genome_build": prov.genome_build,
            "genome_build_evidence": prov.genome_build_evidence,
            "created": prov.created,
            "inputs": [
                {"path": i.path, "sha256": i.sha256, "format": i.format, "kind": i.kind} for i in prov.inputs
            ],
        },
    }


def to_json(result: AnnotationResult) -> str:
    """The canonical JSON text: indent 2, UTF-8 characters kept, trailing newline."""
    # allow_nan=False: a NaN that slipped past _float would make invalid JSON; fail loudly instead.
    return json.dumps(result_dict(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


@cache
def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) shipped beside this module."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_result_json(doc: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when ``doc`` is not a valid leuk-annot result document."""
    import jsonschema  # lazy: only validators and tests need it

    schema = load_schema()
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls(schema).validate(doc)
