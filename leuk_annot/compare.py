"""Diagnosis vs relapse: compare two leuk-annot result documents (schema: compare.schema.json).

The inputs are the JSON results ``leuk-annot annotate`` writes, not AnnotationResult objects: a
comparison is usually made months after both annotations, from their stored JSON. Lesions are
matched by lesion id, then (sequence variants) by genomic allele, then (fusions) by gene pair in
either orientation. ``compare_results`` returns a ``Comparison`` (``compare_model.py``);
``compare_to_json``, ``compare_to_tsv`` and ``render_compare_html`` (``report/compare_view.py``,
re-exported here) render it (JSON is canonical, as for results).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .compare_input import (
    RESULT_HINT,
    RESULT_SCHEMA_VERSION,
    UNKNOWN_BUILD,
    check_pair,
    check_result,
    load_result,
    load_result_schema,
)
from .compare_model import (
    INPUT_NAMES,
    LESION_STATUS_ORDER,
    LINEAGE_NOTE,
    VAF_SHIFT_THRESHOLD,
    Comparison,
    CopyNumberChange,
    LesionChange,
    PrognosisChange,
    SampleInfo,
    SubtypeChange,
    TherapyChange,
)
from .model import Warning
from .report.compare_view import (
    COMPARE_SCHEMA_PATH,
    COMPARE_SCHEMA_VERSION,
    COMPARE_TEMPLATE,
    FILE_SUFFIXES,
    TSV_COLUMNS,
    VAF_NOTE,
    compare_dict,
    compare_to_json,
    compare_to_tsv,
    load_compare_schema,
    render_compare_html,
    validate_compare_json,
)
from .report.vaf_shift_plot import vaf_plot

__all__ = [
    "ABL1_KINASE_DOMAIN", "COMPARE_SCHEMA_PATH", "COMPARE_SCHEMA_VERSION", "COMPARE_TEMPLATE", "DETECTED_BY",
    "FILE_SUFFIXES", "INPUT_NAMES", "LESION_STATUS_ORDER", "LEVEL_ORDER", "LINEAGE_NOTE",
    "PROMINENT_SUBTYPE_STATUSES", "RESISTANCE_CATEGORIES", "RESISTANCE_GENES", "RESISTANCE_KINDS", "RESULT_HINT",
    "RESULT_SCHEMA_VERSION", "RISK_ORDER", "THERAPY_STATUS_ORDER", "TSV_COLUMNS", "UNKNOWN_BUILD", "VAF_NOTE",
    "VAF_SHIFT_THRESHOLD", "Comparison", "CopyNumberChange", "LesionChange", "PrognosisChange", "SampleInfo",
    "SubtypeChange", "TherapyChange", "check_result", "compare_dict", "compare_results", "compare_to_json",
    "compare_to_tsv", "load_compare_schema", "load_result", "load_result_schema", "render_compare_html",
    "resistance_reason", "validate_compare_json", "vaf_plot",
]

RESISTANCE_CATEGORIES = frozenset({"relapse_resistance", "tki_resistance"})
# Relapse-resistance genes highlighted even when no KB rule matched the exact change (a custom KB,
# a non-hotspot NT5C2 missense): thiopurine (NT5C2, PRPS1), glucocorticoid (NR3C1, CREBBP), TP53.
RESISTANCE_GENES = frozenset({"NT5C2", "PRPS1", "NR3C1", "CREBBP", "TP53"})
RESISTANCE_KINDS = frozenset({"sequence_variant", "gene_deletion"})
# ABL1 protein kinase domain, UniProt P00519 (isoform 1a numbering, the one T315I is named in).
ABL1_KINASE_DOMAIN = (242, 493)

# Which inputs can detect each lesion kind (provenance.inputs[].kind): a lesion missing from a
# result without such an input was not looked for, which is not the same as lost.
DETECTED_BY = {
    "sequence_variant": frozenset({"vcf"}),
    "fusion": frozenset({"fusions", "sv"}),
    "rearrangement": frozenset({"fusions", "sv"}),
    "gene_deletion": frozenset({"sv", "cnv"}),
    "gene_amplification": frozenset({"cnv"}),
    "aneuploidy": frozenset({"cnv"}),
}

RISK_ORDER = {"favourable": 0, "intermediate": 1, "high": 2, "very high": 3}
LEVEL_ORDER = {level: i for i, level in enumerate("ABCD")}
THERAPY_STATUS_ORDER = ("newly_resistant", "newly_sensitive", "lost", "level_changed", "unchanged")
PROMINENT_SUBTYPE_STATUSES = frozenset({"changed", "lost", "gained", "not_assessed"})


# --------------------------------------------------------------------------------------------
# Lesions


@dataclass(slots=True)
class _Entry:
    lesion: dict[str, Any]
    used: bool = False


def _all_lesions(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return list(doc["lesions"]) + list(doc["low_confidence_lesions"])


def _allele(lesion: dict[str, Any]) -> tuple[str, int, str, str] | None:
    for event in lesion["evidence"]:
        if event["type"] == "variant":
            return (event["chrom"], event["pos"], event["ref"], event["alt"])
    return None


def _fusion_pair(lesion: dict[str, Any]) -> frozenset[str] | None:
    if lesion["kind"] != "fusion":
        return None
    genes = set(lesion["genes"][:2])
    for event in lesion["evidence"]:
        if event["type"] == "fusion":
            genes = {event["gene5"], event["gene3"]}
            break
    return frozenset(genes) if len(genes) == 2 else None


def _match(dx_lesions: list[dict[str, Any]], rel_lesions: list[dict[str, Any]], use_alleles: bool):
    """Pairs (diagnosis lesion | None, relapse lesion | None, matched_by): relapse order, then the rest."""
    entries = [_Entry(lesion) for lesion in dx_lesions]

    def find(test) -> _Entry | None:
        return next((e for e in entries if not e.used and test(e.lesion)), None)

    pairs = []
    for rel in rel_lesions:
        found, how = find(lambda d, r=rel: d["id"] == r["id"]), "id"
        allele = _allele(rel)
        if found is None and use_alleles and allele is not None:
            found, how = find(lambda d, a=allele: d["kind"] == "sequence_variant" and _allele(d) == a), "allele"
        pair = _fusion_pair(rel)
        if found is None and pair is not None:
            found, how = find(lambda d, p=pair: _fusion_pair(d) == p), "fusion_pair"
        if found is not None:
            found.used = True
            pairs.append((found.lesion, rel, how))
        else:
            pairs.append((None, rel, None))
    pairs.extend((e.lesion, None, None) for e in entries if not e.used)
    return pairs


def _input_kinds(doc: dict[str, Any]) -> frozenset[str]:
    return frozenset(i["kind"] for i in doc["provenance"]["inputs"])


def _protein_position(hgvs_p: str | None) -> int | None:
    match = re.match(r"p\.\(?(?:[A-Z][a-z]{2}|[A-Z*])(\d+)", hgvs_p or "")
    return int(match.group(1)) if match else None


def resistance_reason(lesion: dict[str, Any]) -> str | None:
    """Why a lesion counts as relapse-specific resistance, or None when it does not."""
    for role in lesion["roles"]:
        if role["category"] in RESISTANCE_CATEGORIES:
            return f"{role['category'].replace('_', ' ')} ({role['rule_id']}): {role['role']}"
    if lesion["kind"] not in RESISTANCE_KINDS:
        return None
    genes = set(lesion["genes"])
    hit = sorted(genes & RESISTANCE_GENES)
    if hit:
        role = f" ({lesion['roles'][0]['role']})" if lesion["roles"] else ""
        return f"{hit[0]}: relapse-resistance gene{role}"
    if "ABL1" in genes and lesion["kind"] == "sequence_variant":
        pos = _protein_position(lesion["hgvs_p"])
        low, high = ABL1_KINASE_DOMAIN
        if pos is not None and low <= pos <= high:
            return f"ABL1 kinase domain (residue {pos}): TKI resistance"
    return None


def _status(dx: dict | None, rel: dict | None, dx_kinds: frozenset[str], rel_kinds: frozenset[str]) -> str:
    if dx is not None and rel is not None:
        return "persisting"
    if rel is not None:
        detectable = DETECTED_BY.get(rel["kind"], frozenset())
        return "gained" if not detectable or detectable & dx_kinds else "not_assessed_at_diagnosis"
    detectable = DETECTED_BY.get(dx["kind"], frozenset())
    return "lost" if not detectable or detectable & rel_kinds else "not_assessed_at_relapse"


def _trend(shift: float | None) -> str | None:
    if shift is None:
        return None
    if shift >= VAF_SHIFT_THRESHOLD - 1e-9:
        return "expanded"
    if shift <= -VAF_SHIFT_THRESHOLD + 1e-9:
        return "contracted"
    return "stable"


def _lesion_change(dx, rel, how, dx_kinds, rel_kinds) -> LesionChange:
    main = rel if rel is not None else dx
    status = _status(dx, rel, dx_kinds, rel_kinds)
    dx_vaf = dx["vaf"] if dx is not None else None
    rel_vaf = rel["vaf"] if rel is not None else None
    shift = round(rel_vaf - dx_vaf, 4) if dx_vaf is not None and rel_vaf is not None else None
    trend = _trend(shift)
    reason = None
    if rel is not None and (status in ("gained", "not_assessed_at_diagnosis") or trend == "expanded"):
        reason = resistance_reason(rel)
    allele = _allele(main)
    roles = main["roles"]
    return LesionChange(
        key=main["id"], label=main["label"], kind=main["kind"], genes=tuple(main["genes"]), status=status,
        matched_by=how, diagnosis_id=dx["id"] if dx is not None else None,
        relapse_id=rel["id"] if rel is not None else None, hgvs_p=main["hgvs_p"],
        allele=f"{allele[0]}:{allele[1]}:{allele[2]}>{allele[3]}" if allele else None,
        diagnosis_vaf=dx_vaf, relapse_vaf=rel_vaf, vaf_shift=shift, vaf_trend=trend,
        diagnosis_confidence=dx["confidence"] if dx is not None else None,
        relapse_confidence=rel["confidence"] if rel is not None else None,
        roles=tuple(dict.fromkeys(r["role"] for r in roles)),
        categories=tuple(dict.fromkeys(r["category"] for r in roles)),
        relapse_resistance=reason is not None, resistance_reason=reason,
        citations=tuple(dict.fromkeys(c for r in roles for c in r["citations"])),
    )


# --------------------------------------------------------------------------------------------
# Subtype, therapies, prognosis, copy number


def _primary(doc: dict[str, Any]) -> dict[str, Any] | None:
    return next((s for s in doc["subtypes"] if s["status"] == "primary"), None)


def _subtype_view(call: dict[str, Any] | None) -> dict[str, Any] | None:
    if call is None:
        return None
    return {k: call[k] for k in ("id", "name", "icc_name", "lineage", "confidence")}


def _subtype_change(dx: dict, rel: dict, lesions: tuple[LesionChange, ...]) -> SubtypeChange:
    a, b = _primary(dx), _primary(rel)
    if a is None and b is None:
        status, message = "none", "No primary subtype at diagnosis or at relapse."
    elif a is not None and b is not None and a["id"] == b["id"]:
        status, message = "stable", f"Stable: {a['name']} at diagnosis and at relapse."
    elif a is not None and b is not None:
        status = "changed"
        message = f"Subtype changed: {a['name']} at diagnosis, {b['name']} at relapse."
        if a["lineage"] != b["lineage"]:
            message += f" The lineage changed ({a['lineage']} -> {b['lineage']})."
    elif b is None:
        by_id = {c.diagnosis_id: c for c in lesions if c.diagnosis_id}
        defining = [by_id[i] for i in a["supporting_lesions"] if i in by_id]
        if defining and all(c.status == "not_assessed_at_relapse" for c in defining):
            status = "not_assessed"
            message = (f"{a['name']} at diagnosis; its defining lesion was not assessed at relapse "
                       "(the relapse run lacks the input that detects it).")
        else:
            status = "lost"
            message = (f"Subtype call lost: {a['name']} at diagnosis, no primary subtype at relapse. "
                       "Check the relapse inputs and consider a lineage switch or a second leukaemia.")
    else:
        status, message = "gained", f"No primary subtype at diagnosis; {b['name']} at relapse."

    def others(doc: dict) -> set[str]:
        return {s["id"] for s in doc["subtypes"] if s["status"] in ("additional", "conflicting")}

    cites = [c for call in (a, b) if call is not None for c in call["citations"]]
    return SubtypeChange(
        status=status, diagnosis=_subtype_view(a), relapse=_subtype_view(b), message=message,
        prominent=status in PROMINENT_SUBTYPE_STATUSES,
        other_gained=tuple(sorted(others(rel) - others(dx))), other_lost=tuple(sorted(others(dx) - others(rel))),
        citations=tuple(dict.fromkeys(cites)),
    )


def _therapy_index(doc: dict) -> dict[tuple[str, str], list[dict]]:
    index: dict[tuple[str, str], list[dict]] = {}
    for link in doc["therapies"]:
        index.setdefault((link["agent"], link["response"]), []).append(link)
    return index


def _best_level(links: list[dict] | None) -> str | None:
    if not links:
        return None
    return min((link["evidence_level"] for link in links), key=LEVEL_ORDER.__getitem__)


def _therapy_changes(dx: dict, rel: dict) -> tuple[TherapyChange, ...]:
    a, b = _therapy_index(dx), _therapy_index(rel)
    changes = []
    for key in dict.fromkeys([*b, *a]):
        agent, response = key
        dx_level, rel_level = _best_level(a.get(key)), _best_level(b.get(key))
        if dx_level is None:
            status = "newly_resistant" if response == "resistance" else "newly_sensitive"
        elif rel_level is None:
            status = "lost"
        else:
            status = "unchanged" if dx_level == rel_level else "level_changed"
        links = b.get(key) or a.get(key)
        changes.append(TherapyChange(
            agent=agent, response=response, status=status, diagnosis_level=dx_level, relapse_level=rel_level,
            therapy_ids=tuple(dict.fromkeys(link["id"] for link in links)),
            lesion_ids=tuple(dict.fromkeys(i for link in links for i in link["lesion_ids"])),
            citations=tuple(dict.fromkeys(c for link in links for c in link["citations"])),
        ))
    changes.sort(key=lambda c: (THERAPY_STATUS_ORDER.index(c.status), c.agent.lower(), c.response))
    return tuple(changes)


def _prognosis_change(dx: dict, rel: dict) -> PrognosisChange:
    a, b = dx["prognosis"]["risk"], rel["prognosis"]["risk"]
    if a is None or b is None:
        direction = "unknown"
    else:
        diff = RISK_ORDER[b] - RISK_ORDER[a]
        direction = "higher" if diff > 0 else "lower" if diff < 0 else "unchanged"
    dx_basis = [f"{x['label']} ({x['risk']})" for x in dx["prognosis"]["basis"]]
    rel_basis = [f"{x['label']} ({x['risk']})" for x in rel["prognosis"]["basis"]]
    return PrognosisChange(a, b, direction, tuple(x for x in rel_basis if x not in dx_basis),
                           tuple(x for x in dx_basis if x not in rel_basis))


def _copy_number_change(dx: dict, rel: dict) -> CopyNumberChange:
    a, b = dx["copy_number"], rel["copy_number"]
    if a is None or b is None:
        missing = [name for name, cn in (("diagnosis", a), ("relapse", b)) if cn is None]
        return CopyNumberChange(False, f"no copy-number input at {' and '.join(missing)}")
    modal_change = None
    if a["modal_number"] is not None and b["modal_number"] is not None:
        modal_change = b["modal_number"] - a["modal_number"]
    a_chr = {c["chrom"]: c["copies"] for c in a["chromosomes"]}
    b_chr = {c["chrom"]: c["copies"] for c in b["chromosomes"]}
    chroms = tuple({"chrom": c, "diagnosis": a_chr[c], "relapse": b_chr[c]} for c in a_chr
                   if c in b_chr and None not in (a_chr[c], b_chr[c]) and a_chr[c] != b_chr[c])
    a_gene = {g["gene"]: g["call"] for g in a["genes"]}
    b_gene = {g["gene"]: g["call"] for g in b["genes"]}
    genes = tuple({"gene": g, "diagnosis": a_gene.get(g), "relapse": b_gene.get(g)}
                  for g in dict.fromkeys([*a_gene, *b_gene]) if a_gene.get(g) != b_gene.get(g))
    return CopyNumberChange(True, None, a["modal_number"], b["modal_number"], modal_change, chroms, genes)


def _sample_info(doc: dict, role: str, source: str) -> SampleInfo:
    prov = doc["provenance"]
    primary = _primary(doc)
    return SampleInfo(
        role=role, source=source, sample_id=doc["sample"]["id"], genome_build=doc["genome_build"],
        schema_version=doc["schema_version"], leuk_annot_version=prov["leuk_annot_version"],
        annotation_db_version=prov["annotation_db_version"],
        annotation_db_schema_version=prov["annotation_db_schema_version"], created=prov["created"],
        primary_subtype=primary["name"] if primary else None, risk=doc["prognosis"]["risk"],
        input_kinds=tuple(sorted(_input_kinds(doc))),
    )


def _input_warnings(dx: dict, rel: dict) -> list[Warning]:
    out = []
    a, b = _input_kinds(dx), _input_kinds(rel)
    for kind in sorted((a ^ b) & set(INPUT_NAMES)):
        given, missing = ("diagnosis", "relapse") if kind in a else ("relapse", "diagnosis")
        out.append(Warning(f"{INPUT_NAMES[kind]} given at {given} but not at {missing}: lesions only that input "
                           f"detects are reported as not assessed at {missing}, not as gained or lost"))
    return out


def compare_results(
    diagnosis: dict[str, Any], relapse: dict[str, Any], *, names: tuple[str, str] = ("diagnosis", "relapse")
) -> Comparison:
    """Compare two result documents (parsed JSON). ``names`` (usually the file paths) go into errors.

    Raises InputFormatError for a document that is not a leuk-annot result and CompareError for two
    results that cannot be compared (genome builds, result or knowledge-base schema majors differ).
    """
    warnings = check_result(diagnosis, names[0]) + check_result(relapse, names[1])
    build, pair_warnings = check_pair(diagnosis, relapse, names)
    warnings += pair_warnings + _input_warnings(diagnosis, relapse)
    dx_kinds, rel_kinds = _input_kinds(diagnosis), _input_kinds(relapse)
    pairs = _match(_all_lesions(diagnosis), _all_lesions(relapse), use_alleles=UNKNOWN_BUILD not in (
        diagnosis["genome_build"], relapse["genome_build"]))
    changes = [_lesion_change(dx, rel, how, dx_kinds, rel_kinds) for dx, rel, how in pairs]
    # Stable sort: the status groups in a fixed order, lesions within a group in result order.
    changes.sort(key=lambda c: LESION_STATUS_ORDER.index(c.status))
    lesions = tuple(changes)
    return Comparison(
        diagnosis=_sample_info(diagnosis, "diagnosis", names[0]),
        relapse=_sample_info(relapse, "relapse", names[1]),
        genome_build=build,
        lesions=lesions,
        subtype=_subtype_change(diagnosis, relapse, lesions),
        therapies=_therapy_changes(diagnosis, relapse),
        prognosis=_prognosis_change(diagnosis, relapse),
        copy_number=_copy_number_change(diagnosis, relapse),
        warnings=tuple(warnings),
    )
