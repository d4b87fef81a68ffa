"""Serialise an AnnotationResult to the canonical JSON document (schema: result.schema.json).

The JSON is the primary product and the golden artefact of the end-to-end tests, so the output
is deterministic: keys in a fixed order, lists in result order, floats rounded, ``None`` as
``null``. HTML and TSV are rendered from the same result object, not from this text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from functools import cache, partial
from pathlib import Path
from typing import Any

from ..model import (
    AnnotationResult,
    CopyNumberProfile,
    CopyNumberSegment,
    Event,
    Fusion,
    GeneDeletion,
    Lesion,
    LesionRole,
    Pharmacogenomics,
    RelapseAssessment,
    SourceRef,
    StructuralVariant,
    SubtypeCall,
    TherapyLink,
    Variant,
)

SCHEMA_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).resolve().parent / "result.schema.json"

# Subtype statuses whose supporting lesions count as "subtype-defining" when they have no role.
DEFINING_STATUSES = frozenset({"primary", "additional", "conflicting"})
SUBTYPE_DEFINING = "subtype-defining"

# Bin-level profiles (CNVkit .cnr) hold hundreds of thousands of rows: the JSON carries the
# compact segment list only up to this many, and otherwise just says how many were left out.
MAX_JSON_SEGMENTS = 5000


def _float(value: float | None, digits: int = 4) -> float | None:
    # NaN/inf are not JSON; a caller that produced one has produced "unknown".
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def source_dict(source: SourceRef | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {"file": source.path, "line": source.line, "record": source.record}


def _fusion_dict(event: Fusion) -> dict[str, Any]:
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


def _variant_dict(event: Variant) -> dict[str, Any]:
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


def _sv_dict(event: StructuralVariant) -> dict[str, Any]:
    return {
        "type": "structural_variant",
        "chrom1": event.chrom1,
        "pos1": event.pos1,
        "keeps1": event.keeps1,
        "chrom2": event.chrom2,
        "pos2": event.pos2,
        "keeps2": event.keeps2,
        "svtype": event.svtype,
        "caller": event.caller,
        "event_id": event.event_id,
        "supporting_reads": event.supporting_reads,
        "support_level": event.support_level,
        "filter": event.filter,
        "flags": list(event.flags),
        "source": source_dict(event.source),
    }


def _gene_deletion_dict(event: GeneDeletion) -> dict[str, Any]:
    return {
        "type": "gene_deletion",
        "gene": event.gene,
        "chrom": event.chrom,
        "start": event.start,
        "end": event.end,
        "extent": event.extent,
        "caller": event.caller,
        "copy_number": _float(event.copy_number),
        "detail": event.detail,
        "source": source_dict(event.source),
    }


def _segment_event_dict(event: CopyNumberSegment) -> dict[str, Any]:
    return {
        "type": "copy_number_segment",
        "chrom": event.chrom,
        "start": event.start,
        "end": event.end,
        "caller": event.caller,
        "log2": _float(event.log2),
        "copy_number": _float(event.copy_number),
        "minor_copy_number": _float(event.minor_copy_number),
        "probes": event.probes,
        "sample": event.sample,
        "source": source_dict(event.source),
    }


# Dispatch by exact type (habit 1: a dict, not an if-chain); a new Event type without an entry
# here fails loudly in event_dict instead of being written as something it is not.
_EVENT_WRITERS = {
    Variant: _variant_dict,
    Fusion: _fusion_dict,
    StructuralVariant: _sv_dict,
    GeneDeletion: _gene_deletion_dict,
    CopyNumberSegment: _segment_event_dict,
}


def event_dict(event: Event) -> dict[str, Any]:
    writer = _EVENT_WRITERS.get(type(event))
    if writer is None:
        raise TypeError(f"no JSON form for evidence event of type {type(event).__name__}")
    return writer(event)


def copy_number_dict(profile: CopyNumberProfile | None) -> dict[str, Any] | None:
    """The sample's copy-number view; raw segments only when there are few enough to stay readable."""
    if profile is None:
        return None
    n_segments = len(profile.segments)
    segments = None
    if n_segments <= MAX_JSON_SEGMENTS:
        segments = [
            {
                "chrom": seg.chrom,
                "start": seg.start,
                "end": seg.end,
                "copy_number": _float(seg.copy_number),
                "log2": _float(seg.log2),
            }
            for seg in profile.segments
        ]
    return {
        "method": profile.method,
        "purity": _float(profile.purity),
        "ploidy": _float(profile.ploidy),
        "modal_number": profile.modal_number,
        "chromosomes": [
            {
                "chrom": c.chrom,
                "copies": c.copies,
                "p_arm": _float(c.p_arm),
                "q_arm": _float(c.q_arm),
                "fraction_covered": _float(c.fraction_covered),
            }
            for c in profile.chromosomes
        ],
        "genes": [
            {
                "gene": g.gene,
                "chrom": g.chrom,
                "start": g.start,
                "end": g.end,
                "copy_number": _float(g.copy_number),
                "call": g.call,
                "extent": g.extent,
                "fraction_covered": _float(g.fraction_covered),
                "detail": g.detail,
            }
            for g in profile.genes
        ],
        "segments": segments,
        "segments_omitted": 0 if segments is not None else n_segments,
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
        "isoform": lesion.isoform,
        "vaf": _float(lesion.vaf),
        "clonality": lesion.clonality,
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


def pharmacogenomics_dict(pgx: Pharmacogenomics | None) -> dict[str, Any] | None:
    """TPMT/NUDT15 genotype calls and CPIC dosing; null when no VCF could be genotyped."""
    if pgx is None:
        return None
    return {
        "method": pgx.method,
        "calls": [
            {
                "gene": c.gene,
                "diplotype": c.diplotype,
                "phenotype": c.phenotype,
                "observations": list(c.observations),
                "sample_kind": c.sample_kind,
                "caveats": list(c.caveats),
            }
            for c in pgx.calls
        ],
        "recommendations": [
            {
                "drug": r.drug,
                "phenotypes": r.phenotypes,
                "recommendation": r.recommendation,
                "strength": r.strength,
                "citations": list(r.citations),
                "guideline": r.guideline,
            }
            for r in pgx.recommendations
        ],
    }


def relapse_dict(relapse: RelapseAssessment | None) -> dict[str, Any] | None:
    """Relapse-risk items (timing, risk groups, ...), each assessable or saying what is missing."""
    if relapse is None:
        return None
    return {
        "clinical_file": relapse.clinical_file,
        "items": [
            {
                "scheme": i.scheme,
                "value": i.value,
                "assessable": i.assessable,
                "basis": i.basis,
                "citations": list(i.citations),
            }
            for i in relapse.items
        ],
    }


class Items:
    """A list of the document whose items are made one at a time, as the JSON is written: a whole
    genome gives thousands of lesions, and their dicts need never exist all at once."""

    def __init__(self, make: Callable[[Any], dict[str, Any]], source: Sequence[Any]):
        self._make, self._source = make, source

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._make, self._source)

    def __len__(self) -> int:
        return len(self._source)


def result_dict(result: AnnotationResult, *, lazy: bool = False) -> dict[str, Any]:
    """The JSON document as plain Python data (dicts, lists, str, int, float, bool, None); with
    ``lazy`` the lesion lists are ``Items``, for ``canonical_parts``."""
    defining = defining_lesion_ids(result.subtypes)
    prov = result.provenance
    lesions = partial(lesion_dict, defining_ids=defining)
    listed = Items if lazy else (lambda make, source: [make(item) for item in source])
    return {
        "schema_version": SCHEMA_VERSION,
        "sample": {"id": result.sample_id},
        "genome_build": result.genome_build,
        "subtypes": [_subtype_dict(c) for c in result.subtypes],
        "lesions": listed(lesions, result.lesions),
        "low_confidence_lesions": listed(lesions, result.low_confidence),
        "copy_number": copy_number_dict(result.copy_number),
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
        "relapse": relapse_dict(result.relapse),
        "pharmacogenomics": pharmacogenomics_dict(result.pharmacogenomics),
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
    return canonical_json(result_dict(result))


def write_json(path: Path, result: AnnotationResult) -> None:
    """``to_json`` straight into the file at ``path``, never holding the text or the lesion dicts whole."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(canonical_parts(result_dict(result, lazy=True)))


def canonical_json(document: dict[str, Any]) -> str:
    """leuk-annot's JSON text: one top-level key per line and one list item (a lesion, a therapy
    link ...) per line, UTF-8 characters kept, trailing newline.

    Items stay greppable and diff line by line, and each is encoded by the json module's C encoder
    (any ``indent`` falls back to its pure-Python encoder: ~4x the time and the memory of thousands
    of small strings for a large result).
    """
    return "".join(canonical_parts(document))


def canonical_parts(document: dict[str, Any]) -> Iterator[str]:
    """The text of ``canonical_json``, piece by piece (each list item is one piece)."""
    yield "{\n"
    for number, (key, value) in enumerate(document.items()):
        yield ",\n" if number else ""
        if isinstance(value, (list, Items)) and len(value):
            yield f"  {_compact(key)}: [\n    "
            for index, item in enumerate(value):
                yield ",\n    " + _compact(item) if index else _compact(item)
            yield "\n  ]"
        else:
            yield f"  {_compact(key)}: {_compact(list(value) if isinstance(value, Items) else value)}"
    yield "\n}\n"


def _compact(value: Any) -> str:
    # allow_nan=False: a NaN that slipped past _float would make invalid JSON; fail loudly instead.
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


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
