"""Diagnosis vs relapse: compare two leuk-annot result documents (schema: compare.schema.json).

The inputs are the JSON results ``leuk-annot annotate`` writes, not AnnotationResult objects: a
comparison is usually made months after both annotations, from their stored JSON. Lesions are
matched by lesion id, then (sequence variants) by genomic allele, then (fusions) by gene pair in
either orientation. ``compare_results`` returns a ``Comparison``; ``compare_to_json``,
``compare_to_tsv`` and ``render_compare_html`` render it (JSON is canonical, as for results).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CompareError, InputFormatError, InputNotFoundError
from .model import Warning
from .report.json_out import SCHEMA_VERSION as RESULT_SCHEMA_VERSION
from .report.json_out import load_schema as load_result_schema

if TYPE_CHECKING:
    from .knowledge.records import KnowledgeBase

COMPARE_SCHEMA_VERSION = "1.0"
COMPARE_SCHEMA_PATH = Path(__file__).resolve().parent / "compare.schema.json"
COMPARE_TEMPLATE = "compare.html.j2"
FILE_SUFFIXES = {"html": ".leuk-annot.compare.html", "json": ".leuk-annot.compare.json",
                 "tsv": ".leuk-annot.compare.tsv"}

UNKNOWN_BUILD = "unknown"
RESULT_HINT = "give the .leuk-annot.json written by `leuk-annot annotate`"

VAF_SHIFT_THRESHOLD = 0.10
"""Absolute VAF change that counts as expanded/contracted: below it, sampling noise at ~100x depth
and differing blast fractions explain the shift as well as clonal change does."""

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
INPUT_NAMES = {"vcf": "VCF", "fusions": "fusion calls", "sv": "SV calls", "cnv": "copy number"}

RISK_ORDER = {"favourable": 0, "intermediate": 1, "high": 2, "very high": 3}
LEVEL_ORDER = {level: i for i, level in enumerate("ABCD")}
LESION_STATUS_ORDER = ("gained", "not_assessed_at_diagnosis", "persisting", "lost", "not_assessed_at_relapse")
THERAPY_STATUS_ORDER = ("newly_resistant", "newly_sensitive", "lost", "level_changed", "unchanged")
PROMINENT_SUBTYPE_STATUSES = frozenset({"changed", "lost", "gained", "not_assessed"})

LINEAGE_NOTE = (
    "leuk-annot reads genomic lesions only: a lineage switch (for example a KMT2A-rearranged B-ALL "
    "relapsing as AML, notably after CD19-directed therapy) keeps the same fusion and cannot be seen "
    "here. Confirm the relapse lineage by immunophenotyping."
)
VAF_NOTE = (
    "VAFs depend on the blast fraction of each sample; a shift can reflect a different tumour content "
    "as well as clonal change. Lesions not detected in a sample are drawn at 0 and have no shift."
)


# --------------------------------------------------------------------------------------------
# Comparison model


@dataclass(frozen=True, slots=True)
class SampleInfo:
    """What the comparison shows about one of the two results."""

    role: str  # "diagnosis" | "relapse"
    source: str  # file path or name given to compare_results
    sample_id: str
    genome_build: str
    schema_version: str
    leuk_annot_version: str
    annotation_db_version: str
    annotation_db_schema_version: int
    created: str
    primary_subtype: str | None
    risk: str | None
    input_kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LesionChange:
    """One lesion followed from diagnosis to relapse."""

    key: str  # relapse lesion id when present, else the diagnosis one
    label: str
    kind: str
    genes: tuple[str, ...]
    status: str  # one of LESION_STATUS_ORDER
    matched_by: str | None  # "id" | "allele" | "fusion_pair"; None when only one side has it
    diagnosis_id: str | None
    relapse_id: str | None
    hgvs_p: str | None
    allele: str | None  # "chrom:pos:ref>alt" of the first variant evidence
    diagnosis_vaf: float | None
    relapse_vaf: float | None
    vaf_shift: float | None  # relapse - diagnosis, when both known
    vaf_trend: str | None  # "expanded" | "contracted" | "stable"
    diagnosis_confidence: str | None
    relapse_confidence: str | None
    roles: tuple[str, ...]
    categories: tuple[str, ...]
    relapse_resistance: bool
    resistance_reason: str | None
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SubtypeChange:
    """Whether the primary subtype call held from diagnosis to relapse."""

    status: str  # stable | changed | lost | gained | not_assessed | none
    diagnosis: dict[str, Any] | None  # {id, name, icc_name, lineage, confidence}
    relapse: dict[str, Any] | None
    message: str
    prominent: bool
    other_gained: tuple[str, ...]
    other_lost: tuple[str, ...]
    citations: tuple[str, ...]
    note: str = LINEAGE_NOTE


@dataclass(frozen=True, slots=True)
class TherapyChange:
    """One agent and response direction, before and after (best AMP/ASCO/CAP level on each side)."""

    agent: str
    response: str  # sensitivity | resistance
    status: str  # one of THERAPY_STATUS_ORDER
    diagnosis_level: str | None
    relapse_level: str | None
    therapy_ids: tuple[str, ...]
    lesion_ids: tuple[str, ...]
    citations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PrognosisChange:
    diagnosis_risk: str | None
    relapse_risk: str | None
    direction: str  # higher | lower | unchanged | unknown
    basis_gained: tuple[str, ...]
    basis_lost: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CopyNumberChange:
    compared: bool
    reason: str | None  # why not compared
    diagnosis_modal: int | None = None
    relapse_modal: int | None = None
    modal_change: int | None = None
    chromosomes: tuple[dict[str, Any], ...] = ()  # {chrom, diagnosis, relapse} whole-chromosome copies
    genes: tuple[dict[str, Any], ...] = ()  # {gene, diagnosis, relapse} KB gene calls that changed


@dataclass(frozen=True, slots=True)
class Comparison:
    diagnosis: SampleInfo
    relapse: SampleInfo
    genome_build: str
    lesions: tuple[LesionChange, ...]
    subtype: SubtypeChange
    therapies: tuple[TherapyChange, ...]
    prognosis: PrognosisChange
    copy_number: CopyNumberChange
    warnings: tuple[Warning, ...] = field(default=())

    @property
    def resistance_lesions(self) -> tuple[LesionChange, ...]:
        return tuple(c for c in self.lesions if c.relapse_resistance)


# --------------------------------------------------------------------------------------------
# Reading and checking the two results


def load_result(path: Path) -> dict[str, Any]:
    """Parse a result file; a malformed one fails naming file, line and column."""
    path = Path(path)
    if not path.is_file():
        raise InputNotFoundError(path, None, "no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputFormatError(path, None, "not UTF-8 text, so not a leuk-annot result", RESULT_HINT) from None
    except OSError as exc:
        raise InputNotFoundError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFormatError(path, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})",
                               RESULT_HINT) from None
    if not isinstance(doc, dict):
        raise InputFormatError(path, None, "not a leuk-annot result: the JSON is not an object", RESULT_HINT)
    return doc


def _major(version: str) -> str:
    return version.split(".", 1)[0]


@cache
def _relaxed_result_schema() -> dict[str, Any]:
    """The result schema without ``additionalProperties: false`` and the version constant, for results
    of another minor version (minor versions only add fields)."""

    def relax(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: relax(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)}
        if isinstance(node, list):
            return [relax(v) for v in node]
        return node

    schema = relax(load_result_schema())
    schema["properties"]["schema_version"] = {"type": "string"}
    return schema


def check_result(doc: dict[str, Any], name: str) -> list[Warning]:
    """Refuse what is not a comparable leuk-annot result; ``name`` (a path) goes into the message."""
    import jsonschema  # lazy: only compare and tests need it

    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or "provenance" not in doc:
        raise InputFormatError(name, None, "not a leuk-annot result (no schema_version and provenance)", RESULT_HINT)
    warnings: list[Warning] = []
    if _major(version) != _major(RESULT_SCHEMA_VERSION):
        raise CompareError(f"{name}: result schema {version} cannot be compared by this leuk-annot, which reads "
                           f"{_major(RESULT_SCHEMA_VERSION)}.x; annotate both samples with the same leuk-annot major "
                           "version")
    schema = load_result_schema()
    if version != RESULT_SCHEMA_VERSION:
        schema = _relaxed_result_schema()
        warnings.append(Warning(f"{name}: result schema {version} differs from {RESULT_SCHEMA_VERSION} written by "
                                "this leuk-annot; compared on the fields both versions share"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        where = error.json_path if error.json_path != "$" else "the document"
        raise InputFormatError(name, None, f"not a leuk-annot result: {error.message} (at {where})", RESULT_HINT)
    return warnings


def _check_pair(dx: dict[str, Any], rel: dict[str, Any], names: tuple[str, str]) -> tuple[str, list[Warning]]:
    """The genome build both are compared in, refusing mismatched builds and knowledge-base schemas."""
    warnings: list[Warning] = []
    dx_kb = dx["provenance"]["annotation_db_schema_version"]
    rel_kb = rel["provenance"]["annotation_db_schema_version"]
    if dx_kb != rel_kb:
        raise CompareError(f"knowledge-base schema versions differ ({names[0]}: {dx_kb}, {names[1]}: {rel_kb}); "
                           "lesion roles and therapy links are not comparable: annotate both samples with the "
                           "same annotation database")
    dx_build, rel_build = dx["genome_build"], rel["genome_build"]
    if dx_build != rel_build and UNKNOWN_BUILD not in (dx_build, rel_build):
        raise CompareError(f"genome builds differ ({names[0]}: {dx_build}, {names[1]}: {rel_build}); annotate both "
                           "samples on the same build (--genome) before comparing")
    build = dx_build if dx_build != UNKNOWN_BUILD else rel_build
    if UNKNOWN_BUILD in (dx_build, rel_build) and dx_build != rel_build:
        unknown = names[0] if dx_build == UNKNOWN_BUILD else names[1]
        warnings.append(Warning(f"{unknown}: genome build unknown (e.g. a fusion-only run); sequence variants are "
                                "matched by lesion id only, not by genomic position"))
    if dx["sample"]["id"] != rel["sample"]["id"]:
        warnings.append(Warning(f"sample ids differ (diagnosis {dx['sample']['id']!r}, relapse "
                                f"{rel['sample']['id']!r}): the comparison assumes both come from the same patient"))
    dx_db = dx["provenance"]["annotation_db_version"]
    rel_db = rel["provenance"]["annotation_db_version"]
    if dx_db != rel_db:
        warnings.append(Warning(f"annotated with different knowledge-base versions (diagnosis {dx_db}, relapse "
                                f"{rel_db}): some role or therapy differences may reflect curation, not the disease"))
    return build, warnings


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
    build, pair_warnings = _check_pair(diagnosis, relapse, names)
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


# --------------------------------------------------------------------------------------------
# JSON and TSV


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
    return json.dumps(compare_dict(c), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


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
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, (tuple, list)):
        value = ";".join(value)
    return _BREAKS.sub(" ", str(value)).strip()


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


_PLOT = {"size": 420, "left": 56, "right": 130, "top": 16, "bottom": 48}
_RES_INK, _INK, _GRID, _POINT = "#8a1f17", "#1b1f24", "#c9d1da", "#1f4e79"


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _short_label(c: LesionChange) -> str:
    from .report.filters import short_hgvs_p

    if c.kind == "sequence_variant" and c.hgvs_p and c.genes:
        return f"{c.genes[0]} {short_hgvs_p(c.hgvs_p)}"
    return c.label


def vaf_plot(c: Comparison, plot_id: str = "vaf-shift") -> str | None:
    """Inline SVG: diagnosis VAF (x) against relapse VAF (y), diagonal = unchanged; None if nothing to draw.

    Every text inserted is escaped here, so the caller may mark the string safe.
    """
    points = [x for x in c.lesions if _plottable(x)]
    if not points:
        return None
    size, left, top = _PLOT["size"], _PLOT["left"], _PLOT["top"]
    width, height = left + size + _PLOT["right"], top + size + _PLOT["bottom"]

    def px(v: float) -> str:
        return f"{left + v * size:.1f}"

    def py(v: float) -> str:
        return f"{top + size - v * size:.1f}"

    desc = "; ".join(
        f"{_short_label(x)}: {_pct(x.diagnosis_vaf)} at diagnosis, {_pct(x.relapse_vaf)} at relapse"
        + (" (relapse resistance)" if x.relapse_resistance else "") for x in points)
    pid = _esc(plot_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vaf-plot" id="{pid}" role="img" viewBox="0 0 {width} '
        f'{height}" width="100%" style="max-width:{width}px" aria-labelledby="{pid}-title {pid}-desc" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{pid}-title">VAF at diagnosis (x) against VAF at relapse (y)</title>',
        f'<desc id="{pid}-desc">{_esc(desc)}. Points on the diagonal did not change; above it they expanded.</desc>',
        f'<g stroke="{_GRID}" fill="{_INK}">',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        label = f"{tick * 100:.0f}%"
        out.append(f'<line x1="{px(0)}" x2="{px(1)}" y1="{py(tick)}" y2="{py(tick)}"/>')
        out.append(f'<line x1="{px(tick)}" x2="{px(tick)}" y1="{py(0)}" y2="{py(1)}"/>')
        out.append(f'<text x="{left - 6}" y="{py(tick)}" dy="4" text-anchor="end" stroke="none">{label}</text>')
        out.append(f'<text x="{px(tick)}" y="{top + size + 16}" text-anchor="middle" stroke="none">{label}</text>')
    out.append("</g>")
    out.append(f'<line class="diagonal" x1="{px(0)}" y1="{py(0)}" x2="{px(1)}" y2="{py(1)}" stroke="{_INK}" '
               'stroke-dasharray="5 4"/>')
    out.append(f'<text x="{left + size / 2:.1f}" y="{height - 8}" text-anchor="middle">VAF at diagnosis</text>')
    out.append(f'<text transform="translate(14 {top + size / 2:.1f}) rotate(-90)" text-anchor="middle">'
               "VAF at relapse</text>")
    for x in points:
        dx, rel = x.diagnosis_vaf or 0.0, x.relapse_vaf or 0.0
        ink = _RES_INK if x.relapse_resistance else _POINT
        cx, cy = px(dx), py(rel)
        if x.diagnosis_vaf is None:  # gained: triangle on the y axis
            shape = (f'<polygon points="{float(cx)},{float(cy) - 6} {float(cx) - 6},{float(cy) + 5} '
                     f'{float(cx) + 6},{float(cy) + 5}" fill="{ink}"/>')
        elif x.relapse_vaf is None:  # lost: square on the x axis
            shape = f'<rect x="{float(cx) - 5}" y="{float(cy) - 5}" width="10" height="10" fill="{ink}"/>'
        else:
            shape = f'<circle cx="{cx}" cy="{cy}" r="5" fill="{ink}"/>'
        weight = ' font-weight="700"' if x.relapse_resistance else ""
        out.append(f'<g class="point" data-lesion="{_esc(x.key)}"><title>{_esc(_short_label(x))}: '
                   f'{_esc(_pct(x.diagnosis_vaf))} -> {_esc(_pct(x.relapse_vaf))}</title>{shape}'
                   f'<text x="{float(cx) + 8:.1f}" y="{float(cy) - 6:.1f}" fill="{ink}"{weight}>'
                   f"{_esc(_short_label(x))}</text></g>")
    out.append("</svg>")
    return "".join(out)


def _plottable(x: LesionChange) -> bool:
    """A point needs a VAF on each side where the lesion was found (absent = drawn at 0)."""
    dx_ok = x.diagnosis_vaf is not None if x.diagnosis_id is not None else True
    rel_ok = x.relapse_vaf is not None if x.relapse_id is not None else True
    return dx_ok and rel_ok and (x.diagnosis_vaf is not None or x.relapse_vaf is not None)


def _pct(vaf: float | None, found: bool = False) -> str:
    """A VAF as a percentage; a lesion not found in the sample reads "not detected", one without a VAF "—"."""
    if vaf is None:
        return "—" if found else "not detected"
    return f"{vaf * 100:.1f}%"


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

    from .report.context import RESEARCH_USE
    from .report.filters import CitationIndex, risk_view

    cites = CitationIndex(kb.citations if kb is not None else {})

    def lesion_row(x: LesionChange, with_refs: bool = False) -> dict[str, Any]:
        return {
            "label": _short_label(x), "kind": x.kind.replace("_", " "), "status": _STATUS_LABEL[x.status],
            "status_css": "status-" + x.status.replace("_", "-"),
            "dx_vaf": _pct(x.diagnosis_vaf, x.diagnosis_id is not None),
            "rel_vaf": _pct(x.relapse_vaf, x.relapse_id is not None), "shift": _shift_text(x.vaf_shift),
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

    from .errors import OutputError
    from .report import inline_css, template_environment

    if templates_dir is None:
        from .knowledge.resources import default_templates_dir

        templates_dir = default_templates_dir()
    templates_dir = Path(templates_dir)
    if not (templates_dir / COMPARE_TEMPLATE).is_file():
        raise OutputError(f"{templates_dir}: no {COMPARE_TEMPLATE}; is this a leuk-annot template folder?")
    if created is None:
        created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    ctx = _html_context(c, kb, created)
    ctx["css"] = inline_css(templates_dir)
    return template_environment(templates_dir).get_template(COMPARE_TEMPLATE).render(ctx=ctx)
