"""CIViC evidence export -> overlay records: parse the TSV, keep the ALL items, map each to a therapy link.

Offline and pure: ``civic.py`` downloads the export and writes the overlay database from what this returns.

Source: CIViC's nightly accepted-evidence export (CC0), ``civic.DEFAULT_URL``; the monthly releases have
the same format at ``https://civicdb.org/downloads/<DD-Mon-YYYY>/<DD-Mon-YYYY>-ClinicalEvidenceSummaries.tsv``.
Both column layouts are read: CIViC v1 (to early 2023: ``gene``, ``variant``, ``drugs``,
``drug_interaction_type``, ``clinical_significance``) and v2 (``molecular_profile``, ``therapies``,
``therapy_interaction_type``, ``significance``); plain or gzip-compressed; one row per evidence item,
or one row per drug of an item (rows are grouped by ``evidence_id``).

What is kept (everything else is counted as skipped, by reason, in the overlay's provenance):
- evidence_status ``accepted`` (when the column is present);
- disease is ALL: its DOID is one of ``ALL_DOIDS`` or its name matches ``ALL_DISEASE_RE``;
- evidence types Predictive (-> therapy links), Prognostic and Diagnostic (recorded under
  ``other_evidence`` for review; not used by annotation, whose risk comes from curated rules);
- a molecular profile leuk-annot can match: a fusion ("BCR::ABL1", "BCR-ABL", v2 "BCR::ABL1 Fusion",
  optionally an isoform "e13a2"), a protein change ("T315I" -> p.T315I; a residue "R882" -> any change
  there), gene-level "Mutation" (any protein-altering change) or "Deletion"/"Loss"; genes must be in
  genes.tsv (previous symbols and aliases resolve, so "ABL" is ABL1).
Predictive items become therapy links only with direction ``Supports`` and significance
Sensitivity/Response (-> sensitivity) or Resistance (-> resistance); "Does Not Support", "Reduced
Sensitivity", "Adverse Response" and the like are skipped.

Evidence levels (``LEVEL_MAP``) follow the AMP/ASCO/CAP definitions (li2017amp) conservatively: one
CIViC item is one publication, so CIViC A (validated) -> A, B (clinical study) -> B, C (case study)
-> D (AMP D includes case reports), D (preclinical) -> D, E (inferential) -> D. Tier I = A/B, II = C/D.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputFormatError

# Disease Ontology ids of ALL and its subtypes as named in CIViC exports (names from the 01-Dec-2022
# export): 9952 acute lymphoblastic leukemia; 80146 childhood B-cell ALL; 80630 B-lymphoblastic
# leukemia/lymphoma; 80638 B-cell ALL; 80650 B-lymphoblastic leukemia/lymphoma, BCR-ABL1-like;
# 5603 T-cell acute lymphoblastic leukemia.
ALL_DOIDS = frozenset({"9952", "80146", "80630", "80638", "80650", "5603"})
ALL_DISEASE_RE = re.compile(
    r"acute lymphoblastic leuk|\b[bt][- ](cell )?lymphoblastic|precursor [bt][- ]?(cell )?lymphoblastic"
    r"|lymphoblastic leuk(a)?emia|\bph(iladelphia)?[ +-].*lymphoblastic|\bph\+ all\b|\b[bt]-all\b",
    re.IGNORECASE,
)
EVIDENCE_TYPES = ("Predictive", "Prognostic", "Diagnostic")
LEVEL_MAP = {"A": "A", "B": "B", "C": "D", "D": "D", "E": "D"}
LEVEL_NAMES = {"A": "validated association", "B": "clinical evidence", "C": "case study",
               "D": "preclinical evidence", "E": "inferential association"}
RESPONSES = {"sensitivity/response": "sensitivity", "sensitivity": "sensitivity", "response": "sensitivity",
             "resistance": "resistance"}

# Columns every export must have, and the alternatives between the v1 and v2 layouts.
_REQUIRED = ("evidence_id", "disease", "evidence_type", "evidence_direction", "evidence_level")
_ONE_OF = {
    "significance": ("significance", "clinical_significance"),
    "therapies": ("therapies", "drugs"),
    "citation": ("citation_id", "pubmed_id"),
}
_PROTEIN_RE = re.compile(r"([ACDEFGHIKLMNPQRSTVWY])([1-9][0-9]*)([ACDEFGHIKLMNPQRSTVWY*]|fs|del|dup)?")
_ISOFORM_RE = re.compile(r"e[0-9]+a[0-9]+")
_FUSION_RE = re.compile(r"([A-Za-z0-9.]+)(::|-)([A-Za-z0-9.]+)(?:\s+(.+))?")
_PROTEIN_ALTERING = ["missense", "truncating", "inframe", "splice", "start_lost", "stop_lost"]


@dataclass
class Selection:
    """What was kept from an export, and how many items were skipped for which reason."""

    therapies: list[dict] = field(default_factory=list)
    other_evidence: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    rows: int = 0
    items: int = 0
    layout: str = ""
    skipped: Counter = field(default_factory=Counter)


def parse_export(data: bytes, where: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows (with line numbers) of a CIViC evidence TSV, plain or gzip; malformed -> InputFormatError."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFormatError(where, None, f"not a valid gzip file ({exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(where, None, f"not UTF-8 text (byte {exc.start}); not a CIViC evidence TSV") from None
    head = text.lstrip()[:200].lower()
    if head.startswith("<"):
        raise InputFormatError(where, 1, "looks like an HTML/XML page, not a CIViC evidence TSV",
                               "check --url; it should name ...ClinicalEvidenceSummaries.tsv")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    header = next(reader, None)
    if not header or len(header) < 2:
        raise InputFormatError(where, 1, "no tab-separated header line; not a CIViC evidence TSV")
    header = [h.strip() for h in header]
    missing = [c for c in _REQUIRED if c not in header]
    missing += ["/".join(alts) for alts in _ONE_OF.values() if not any(a in header for a in alts)]
    if "molecular_profile" not in header and not {"gene", "variant"} <= set(header):
        missing.append("molecular_profile (or gene and variant)")
    if missing:
        raise InputFormatError(where, 1, f"missing CIViC column(s): {', '.join(missing)}",
                               "is this CIViC's ClinicalEvidenceSummaries.tsv?")
    rows = []
    for fields in reader:
        line = reader.line_num
        if not fields or fields == [""]:
            continue
        if len(fields) != len(header):
            raise InputFormatError(where, line, f"{len(fields)} fields where the header has {len(header)}",
                                   "the download may be truncated; run the update again")
        rows.append((line, {k: v.strip() for k, v in zip(header, fields)}))
    if not rows:
        raise InputFormatError(where, 2, "the export has a header but no evidence rows")
    return header, rows


def is_all_disease(name: str, doid: str) -> bool:
    doid = re.sub(r"^DOID:|\.0$", "", doid.strip())
    return doid in ALL_DOIDS or bool(ALL_DISEASE_RE.search(name))


def select(header: list[str], rows: list[tuple[int, dict[str, str]]], kb, today: str,
           where: str = "CIViC export") -> Selection:
    """The ALL-relevant accepted items as overlay records (therapy links, other evidence, citations)."""
    pick = {key: next(a for a in alts if a in header) for key, alts in _ONE_OF.items()}
    sel = Selection(rows=len(rows), layout="v2 (molecular_profile)" if "molecular_profile" in header
                    else "v1 (gene, variant)")
    items: dict[str, list[dict[str, str]]] = {}
    for line, row in rows:
        eid = row["evidence_id"].removesuffix(".0")
        if not eid.isdigit():
            raise InputFormatError(where, line, f"evidence_id {row['evidence_id']!r} is not a number")
        items.setdefault(eid, []).append(row)
    sel.items = len(items)
    for eid in sorted(items, key=int):
        group = items[eid]
        row = group[0]
        reason = _skip_reason(row)
        if reason:
            sel.skipped[reason] += 1
            continue
        target = _target(row, kb)
        if isinstance(target, str):
            sel.skipped[target] += 1
            continue
        if row["evidence_type"] == "Predictive":
            therapy = _therapy(eid, group, row, pick, target, today)
            if isinstance(therapy, str):
                sel.skipped[therapy] += 1
                continue
            sel.therapies.append(therapy)
        else:
            sel.other_evidence.append(_other(eid, row, pick, target))
        sel.citations.append(_citation(eid, row, pick))
    return sel


def _skip_reason(row: dict[str, str]) -> str | None:
    status = row.get("evidence_status", "accepted").lower()
    if status != "accepted":
        return f"status {status or 'missing'}"
    if not is_all_disease(row["disease"], row.get("doid", "")):
        return "disease not ALL"
    if row["evidence_type"] not in EVIDENCE_TYPES:
        return f"evidence type {row['evidence_type'] or 'missing'}"
    if row["evidence_level"] not in LEVEL_MAP:
        return f"evidence level {row['evidence_level'] or 'missing'}"
    return None


def _gene(symbol: str, kb, hint: str = "") -> str | None:
    """Current symbol for ``symbol``; an abbreviated partner ("ABL" for gene column "ABL1") uses the hint."""
    found = kb.aliases.get(symbol.upper())
    if found:
        return found
    if hint and hint.upper().startswith(symbol.upper()):
        return kb.aliases.get(hint.upper())
    return None


def _target(row: dict[str, str], kb) -> dict[str, Any] | str:
    """The applies_to matcher for the item's molecular profile, or the reason it cannot be matched."""
    if "molecular_profile" in row and row.get("molecular_profile"):
        profile = row["molecular_profile"]
        if re.search(r"\s(AND|OR|NOT)\s", profile):
            return "compound molecular profile"
        first, _, rest = profile.partition(" ")
        gene_hint, variant = ("", profile) if "::" in first else (first, rest)
    else:
        gene_hint, variant = row.get("gene", ""), row.get("variant", "")
    variant = variant.strip()
    fusion = _FUSION_RE.fullmatch(variant)
    if fusion:
        five, sep, three, rest = fusion.groups()
        genes = _gene(five, kb, gene_hint), _gene(three, kb, gene_hint)
        if genes[0] and genes[1] and (sep == "::" or not _PROTEIN_RE.fullmatch(three)):
            if not rest or rest.lower() in ("fusion", "fusions"):
                return {"fusion": f"{genes[0]}::{genes[1]}"}
            if _ISOFORM_RE.fullmatch(rest):
                return {"fusion": {"pattern": f"{genes[0]}::{genes[1]}", "isoform": [rest]}}
            change = _PROTEIN_RE.fullmatch(rest)
            if change and change.group(3):  # "BCR::ABL T315I": the kinase-domain change in the 3' gene
                return _protein_target(genes[1], change)
            return f"fusion variant not matchable ({rest})"
        if sep == "::":
            return "fusion gene not in genes.tsv"
    gene = _gene(gene_hint, kb) if gene_hint else None
    if not gene:
        return "gene not in genes.tsv"
    change = _PROTEIN_RE.fullmatch(variant)
    if change:
        return _protein_target(gene, change)
    if variant.lower() in ("mutation", "mutations"):
        return {"variant": {"gene": gene, "consequence_class": list(_PROTEIN_ALTERING)}}
    if variant.lower() in ("deletion", "loss"):
        return {"deletion": {"gene": gene}}
    return "variant type not matchable"


def _protein_target(gene: str, change: re.Match) -> dict[str, Any]:
    ref, pos, alt = change.groups()
    if alt and len(alt) == 1:
        return {"variant": {"gene": gene, "protein": [f"p.{ref}{pos}{alt}"]}}
    if alt:  # fs, del, dup at a residue
        return {"variant": {"gene": gene, "protein_regex": rf"p\.{ref}{pos}\S*{alt}\S*"}}
    return {"variant": {"gene": gene, "protein_regex": rf"p\.{ref}{pos}(?![0-9=]).+"}}


def _agent(name: str) -> str | None:
    agent = re.sub(r"[^a-z0-9 -]+", " ", name.lower())
    agent = re.sub(r"\s+", " ", agent).strip()
    return agent if re.fullmatch(r"[a-z][a-z0-9 -]+", agent) else None


def _therapy(eid: str, group: list[dict], row: dict, pick: dict, target: dict, today: str) -> dict | str:
    if row["evidence_direction"] != "Supports":
        return f"direction {row['evidence_direction'] or 'missing'}"
    response = RESPONSES.get(row[pick["significance"]].lower())
    if not response:
        return f"significance {row[pick['significance']] or 'missing'}"
    names: list[str] = []
    for member in group:
        for name in member[pick["therapies"]].split(","):
            if name.strip() and name.strip() not in names:
                names.append(name.strip())
    agents = [a for a in dict.fromkeys(_agent(n) for n in names) if a]
    if not agents:
        return "no therapy name usable as an agent"
    level = LEVEL_MAP[row["evidence_level"]]
    interaction = (row.get("therapy_interaction_type") or row.get("drug_interaction_type") or "").lower()
    together = {"combination": "in combination", "sequential": "in sequence"}.get(interaction)
    context = (f"CIViC EID{eid}, {row['disease']}"
               + (f"; {together}: {' + '.join(names)}" if together and len(names) > 1 else "")
               + f"; CIViC level {row['evidence_level']} ({LEVEL_NAMES[row['evidence_level']]}) -> AMP {level}"
               + "; imported from CIViC, not reviewed by leuk-annot curators.")
    return {
        "id": f"T-CIVIC-EID{eid}",
        "applies_to": target,
        "agents": [{"agent": a, "response": response} for a in agents],
        "evidence_level": level,
        "tier": "I" if level in ("A", "B") else "II",
        "context": context,
        "citations": [f"civic_eid{eid}"],
        "last_reviewed": _date(row.get("last_review_date", "")) or today,
    }


def _other(eid: str, row: dict, pick: dict, target: dict) -> dict:
    return {
        "id": f"CIVIC-EID{eid}",
        "evidence_type": row["evidence_type"],
        "applies_to": target,
        "direction": row["evidence_direction"],
        "significance": row[pick["significance"]],
        "disease": row["disease"],
        "civic_level": row["evidence_level"],
        "amp_level": LEVEL_MAP[row["evidence_level"]],
        "citations": [f"civic_eid{eid}"],
    }


def _citation(eid: str, row: dict, pick: dict) -> dict:
    raw = row[pick["citation"]]
    source = row.get("source_type") or ("PubMed" if "PubMed" in raw or pick["citation"] == "pubmed_id" else "")
    number = re.match(r"\s*([0-9]+)", raw)
    url = row.get("evidence_civic_url") or f"https://civicdb.org/links/evidence_items/{eid}"
    text = f"{row.get('citation') or raw or 'CIViC source'}. Via CIViC evidence item EID{eid}."
    doc: dict[str, Any] = {"key": f"civic_eid{eid}", "text": text}
    if source.lower() == "pubmed" and number and re.fullmatch(r"[0-9]{5,9}", number.group(1)):
        doc["pmid"] = number.group(1)
    doc["url"] = url if re.match(r"https?://", url) else f"https://civicdb.org/links/evidence_items/{eid}"
    doc["verified"] = False
    listed = "pmid, url" if "pmid" in doc else "url"
    doc["verification"] = f"{listed} from the CIViC export (EID{eid}), not independently verified"
    return doc


def _date(text: str) -> str | None:
    match = re.match(r"([0-9]{4}-[0-9]{2}-[0-9]{2})", text)
    return match.group(1) if match else None
