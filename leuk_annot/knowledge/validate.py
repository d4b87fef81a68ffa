"""Two-pass validation of annotation_db: JSON Schema per file, then cross-file integrity checks.

Errors read ``annotation_db/rules/ball.yaml: R-BALL-X-01.citations[0]: unknown citation key 'x'``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import KnowledgeBaseError

SUPPORTED_SCHEMA_VERSIONS = (1,)


def _registry(schema_dir: Path):
    from referencing import Registry, Resource

    resources = []
    for path in sorted(schema_dir.glob("*.schema.json")):
        resources.append((path.name, Resource.from_contents(json.loads(path.read_text()))))
    return Registry().with_resources(resources)


class SchemaChecker:
    """Validates documents against the schemas shipped beside the data."""

    def __init__(self, schema_dir: Path):
        import jsonschema

        if not schema_dir.is_dir():
            raise KnowledgeBaseError(f"{schema_dir}: schema directory missing")
        self._dir = schema_dir
        self._registry = _registry(schema_dir)
        self._validators: dict[str, Any] = {}
        self._jsonschema = jsonschema

    def check(self, schema_name: str, document: Any, where: str) -> None:
        validator = self._validators.get(schema_name)
        if validator is None:
            schema = json.loads((self._dir / schema_name).read_text())
            cls = self._jsonschema.validators.validator_for(schema)
            validator = cls(schema, registry=self._registry)
            self._validators[schema_name] = validator
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            raise KnowledgeBaseError("\n".join(_describe(where, document, e) for e in errors[:5]))


def _describe(where: str, document: Any, error) -> str:
    path = list(error.absolute_path)
    label = ""
    if path and isinstance(path[0], int) and isinstance(document, list):
        item = document[path[0]]
        label = str(item.get("id") or item.get("key") or f"[{path[0]}]") if isinstance(item, dict) else ""
        path = path[1:]
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    return f"{where}: {label}{dotted}: {error.message}"


def check_cross_references(kb, where: str) -> None:
    """Integrity across files: ids unique, references resolve, fusion genes are known."""
    problems: list[str] = []
    citations = kb.citations
    subtypes = kb.subtypes

    def cite_check(owner: str, keys: Iterable[str], file: str) -> None:
        for i, key in enumerate(keys):
            if key not in citations:
                problems.append(f"{file}: {owner}.citations[{i}]: unknown citation key {key!r}")

    for subtype in subtypes.values():
        cite_check(subtype.id, subtype.citations + subtype.risk_citations, "subtypes.yaml")
    _unique([r.id for r in kb.rules] + [r.id for r in kb.lesion_rules] + [t.id for t in kb.therapies]
            + [m.id for m in kb.markers],
            "rule/therapy id", problems)
    _unique([h.id for h in kb.hotspots], "hotspot id", problems)
    for rule in kb.rules:
        file = f"rules/{rule.source_file}"
        if rule.subtype not in subtypes:
            problems.append(f"{file}: {rule.id}.subtype: unknown subtype {rule.subtype!r}")
        cite_check(rule.id, rule.citations, file)
        _check_condition(rule.when, kb, f"{file}: {rule.id}.when", problems)
    for rule in kb.lesion_rules:
        cite_check(rule.id, rule.citations, "lesion_rules.yaml")
        _check_condition(rule.match, kb, f"lesion_rules.yaml: {rule.id}.match", problems)
    for therapy in kb.therapies:
        cite_check(therapy.id, therapy.citations, "therapies.yaml")
        target = therapy.applies_to
        if "subtype" in target and target["subtype"] not in subtypes:
            problems.append(f"therapies.yaml: {therapy.id}.applies_to.subtype: unknown subtype {target['subtype']!r}")
        else:
            _check_condition(target, kb, f"therapies.yaml: {therapy.id}.applies_to", problems)
    for isoforms in kb.fusion_isoforms:
        cite_check(isoforms.fusion, isoforms.citations, "fusion_isoforms.yaml")
    for fusion, keys in kb.local_fusions.items():
        cite_check(fusion, keys, "local_fusions.yaml")
        for gene in fusion.split("::"):
            if gene not in kb.genes:
                problems.append(f"local_fusions.yaml: {fusion}: gene {gene!r} is not in genes.tsv")
    for boundary in kb.exon_boundaries:
        if boundary.gene not in kb.genes:
            problems.append(f"breakpoints.tsv: {boundary.gene} exon {boundary.exon}: gene is not in genes.tsv")
    for marker in kb.markers:
        cite_check(marker.id, marker.citations, "markers.yaml")
        _check_condition(marker.when, kb, f"markers.yaml: {marker.id}.when", problems)
        for subtype in marker.risk_not_applied_in:
            if subtype not in subtypes:
                problems.append(f"markers.yaml: {marker.id}.risk_not_applied_in: unknown subtype {subtype!r}")
    for rule in kb.lesion_rules:
        for subtype in rule.risk_not_applied_in:
            if subtype not in subtypes:
                problems.append(f"lesion_rules.yaml: {rule.id}.risk_not_applied_in: unknown subtype {subtype!r}")
    for hotspot in kb.hotspots:
        cite_check(hotspot.id, hotspot.citations, "hotspots.tsv")
        if hotspot.gene not in kb.genes:
            problems.append(f"hotspots.tsv: {hotspot.id}.gene: {hotspot.gene!r} is not in genes.tsv")
        for build, (chrom, pos, _ref, _alt) in hotspot.coords.items():
            gene = kb.genes.get(hotspot.gene)
            span = gene.coords.get(build) if gene else None
            if span and not (span[0] == chrom and span[1] <= pos <= span[2]):
                problems.append(f"hotspots.tsv: {hotspot.id}: {build} {chrom}:{pos} lies outside {hotspot.gene}")
    _check_copy_number(kb, cite_check, problems)
    if kb.pharmacogenes is not None:
        _check_pharmacogenes(kb, cite_check, problems)
    _check_relapse_schemes(kb, cite_check, problems)
    _check_pediatric_targets(kb, cite_check, problems)
    if problems:
        raise KnowledgeBaseError(f"{where}: {len(problems)} integrity problem(s):\n" + "\n".join(problems))


def _check_pediatric_targets(kb, cite_check, problems: list[str]) -> None:
    """pediatric_targets.yaml: targets unique, genes in genes.tsv, citation keys known."""
    file = "pediatric_targets.yaml"
    _unique([t.target for t in kb.pediatric_targets], "paediatric target", problems)
    for target in kb.pediatric_targets:
        cite_check(target.target, target.citations, file)
        for gene in target.genes:
            if gene not in kb.genes:
                problems.append(f"{file}: {target.target}.genes: {gene!r} is not in genes.tsv")


def _check_relapse_schemes(kb, cite_check, problems: list[str]) -> None:
    """relapse_risk.yaml: citations and subtype ids resolve; `item:` names an earlier record and its values."""
    file = "relapse_risk.yaml"
    _unique([s.id for s in kb.relapse_schemes], "relapse scheme id", problems)
    values: dict[str, set[str]] = {}
    for scheme in kb.relapse_schemes:
        cite_check(scheme.id, scheme.citations, file)
        for i, category in enumerate(scheme.categories):
            for ref, wanted in category.when.get("item", {}).items():
                if ref not in values:
                    problems.append(f"{file}: {scheme.id}.categories[{i}].when.item: {ref!r} is not an earlier record")
                    continue
                for value in wanted:
                    if value not in values[ref]:
                        problems.append(f"{file}: {scheme.id}.categories[{i}].when.item: {ref} has no value {value!r}")
        for i, marker in enumerate(scheme.markers):
            cite_check(f"{scheme.id}.markers[{i}]", marker.citations, file)
            if marker.definition == "verified" and not marker.citations:
                problems.append(f"{file}: {scheme.id}.markers[{i}]: a verified marker needs a citation")
            for subtype in marker.subtypes:
                if subtype not in kb.subtypes:
                    problems.append(f"{file}: {scheme.id}.markers[{i}].subtypes: unknown subtype {subtype!r}")
            for gene in marker.lesion_genes:
                if gene not in kb.genes:
                    problems.append(f"{file}: {scheme.id}.markers[{i}].lesion_genes: {gene!r} is not in genes.tsv")
        values[scheme.id] = {c.value for c in scheme.categories}


def _check_copy_number(kb, cite_check, problems: list[str]) -> None:
    """copy_number.yaml cites known keys and names known genes; exons.tsv names known genes."""
    doc = kb.copy_number
    for section, value in doc.items():
        items = value.get("classes") or value.get("deletions") or [value]
        for i, item in enumerate(items):
            cite_check(f"{section}[{i}]" if len(items) > 1 else section, item.get("citations", ()), "copy_number.yaml")
    named = [d["gene"] for d in doc.get("named_deletions", {}).get("deletions", ())]
    named += [doc[s][k] for s, k in (("iamp21", "gene"), ("par1_deletion", "gene5"), ("par1_deletion", "gene3"))
              if s in doc]
    named += list(doc.get("assessment_genes", {}).get("genes", ()))
    for gene in named + [exon.gene for exon in kb.exons]:
        if gene not in kb.genes:
            problems.append(f"copy_number.yaml/exons.tsv: gene {gene!r} is not in genes.tsv")


def _unique(ids: list[str], what: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            problems.append(f"duplicate {what} {item!r}")
        seen.add(item)


def _check_condition(node: Any, kb, where: str, problems: list[str]) -> None:
    from ..classify.predicates import PREDICATES

    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in ("all_of", "any_of", "none_of"):
            for i, child in enumerate(value):
                _check_condition(child, kb, f"{where}.{key}[{i}]", problems)
        elif key == "fusion":
            patterns = [value] if isinstance(value, str) else [value["pattern"], *value.get("except", [])]
            for pattern in patterns:
                for gene in pattern.split("::"):
                    if gene != "*" and gene not in kb.genes:
                        problems.append(f"{where}.fusion: gene {gene!r} is not in genes.tsv")
        elif key in ("variant", "deletion"):
            if value["gene"] not in kb.genes:
                problems.append(f"{where}.{key}.gene: {value['gene']!r} is not in genes.tsv")
        elif key == "predicate" and value not in PREDICATES:
            problems.append(f"{where}.predicate: unknown predicate {value!r}")


_PGX_PHENOTYPES = ("normal", "intermediate", "possible_intermediate", "poor", "indeterminate")


def _check_pharmacogenes(kb, cite_check, problems: list[str]) -> None:
    """Sites and alleles name real hotspots of the gene; every phenotype pair has one dosing row."""
    file = "pharmacogenes.yaml"
    table = kb.pharmacogenes
    hotspots = {h.id: h for h in kb.hotspots}
    cite_check("guideline", table.citations, file)
    if not table.het_min_vaf < table.hom_min_vaf:
        problems.append(f"{file}: genotyping.het_min_vaf must be below hom_min_vaf")
    genes = [g.gene for g in table.genes]
    _unique(genes, "pharmacogene", problems)
    functions = {a.function for g in table.genes for a in g.alleles}
    for first in functions:
        for second in functions:
            if tuple(sorted((first, second))) not in table.phenotypes:
                problems.append(f"{file}: phenotypes: no phenotype for allele functions {first!r} + {second!r}")
    for gene in table.genes:
        if gene.gene not in kb.genes:
            problems.append(f"{file}: {gene.gene}: gene is not in genes.tsv")
        for site in gene.sites:
            if site not in hotspots:
                problems.append(f"{file}: {gene.gene}.sites: unknown hotspot id {site!r}")
            elif hotspots[site].gene != gene.gene:
                problems.append(f"{file}: {gene.gene}.sites: hotspot {site!r} belongs to {hotspots[site].gene}")
        names = [a.name for a in gene.alleles]
        _unique([f"{gene.gene}{n}" for n in names], "allele", problems)
        if sum(1 for a in gene.alleles if not a.defining) != 1:
            problems.append(f"{file}: {gene.gene}.alleles: exactly one reference allele (empty defining) is needed")
        definitions = [frozenset(a.defining) for a in gene.alleles]
        if len(set(definitions)) != len(definitions):
            problems.append(f"{file}: {gene.gene}.alleles: two alleles have the same defining variants")
        for allele in gene.alleles:
            cite_check(f"{gene.gene}{allele.name}", allele.citations, file)
            for site in allele.defining:
                if site not in gene.sites:
                    problems.append(f"{file}: {gene.gene}{allele.name}.defining: {site!r} is not in {gene.gene}.sites")
    for rule in table.dosing:
        cite_check(rule.id, rule.citations, file)
        for gene in rule.when:
            if gene not in genes:
                problems.append(f"{file}: {rule.id}.when: unknown pharmacogene {gene!r}")
    _unique([r.id for r in table.dosing], "dosing id", problems)
    if len(genes) == 2:  # the CPIC thiopurine table is a two-gene grid: every cell needs a row
        for drug in sorted({r.drug for r in table.dosing}):
            rows = [r for r in table.dosing if r.drug == drug]
            for first in _PGX_PHENOTYPES:
                for second in _PGX_PHENOTYPES:
                    cell = {genes[0]: first, genes[1]: second}
                    if not any(all(cell[g] in codes for g, codes in r.when.items()) for r in rows):
                        problems.append(f"{file}: {drug}: no dosing row for {genes[0]} {first} / {genes[1]} {second}")
