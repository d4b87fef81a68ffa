"""Load the annotation database (annotation_db/) into an immutable, validated KnowledgeBase."""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

from ..errors import KnowledgeBaseError
from .records import (
    Citation,
    Cytoband,
    DosingRule,
    Exon,
    ExonBoundary,
    FusionIsoforms,
    Gene,
    GeneticMarker,
    Hotspot,
    KnowledgeBase,
    LesionRule,
    Marker,
    PediatricTarget,
    PgxAllele,
    Pharmacogene,
    PharmacogeneTable,
    RelapseScheme,
    RiskCategory,
    Rule,
    Subtype,
    Therapy,
    TherapyAgent,
)
from .resources import default_db_dir
from .validate import SUPPORTED_SCHEMA_VERSIONS, SchemaChecker, check_cross_references

__all__ = ["load_knowledge", "KnowledgeBase"]


def load_knowledge(path: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base at ``path`` (default: the bundled annotation_db)."""
    db_dir = Path(path) if path is not None else default_db_dir()
    return _load_cached(db_dir.resolve())


@functools.lru_cache(maxsize=4)
def _load_cached(db_dir: Path) -> KnowledgeBase:
    if not (db_dir / "manifest.yaml").is_file():
        raise KnowledgeBaseError(f"{db_dir}: not an annotation database (manifest.yaml missing)")
    checker = SchemaChecker(db_dir / "schema")
    manifest = _yaml(db_dir / "manifest.yaml")
    checker.check("manifest.schema.json", manifest, f"{db_dir.name}/manifest.yaml")
    if manifest["schema_version"] not in SUPPORTED_SCHEMA_VERSIONS:
        raise KnowledgeBaseError(
            f"{db_dir}/manifest.yaml: schema_version {manifest['schema_version']} is not supported by this "
            f"leuk-annot (supported: {', '.join(map(str, SUPPORTED_SCHEMA_VERSIONS))}); upgrade leuk-annot"
        )
    files = manifest["files"]

    citations_doc = _yaml(db_dir / files["citations"])
    checker.check("citations.schema.json", citations_doc, files["citations"])
    overlay_therapies, overlay_citations = _overlay(db_dir, files, checker)
    citations = {c["key"]: _citation(c) for c in citations_doc}
    for doc in overlay_citations:
        if doc["key"] in citations:
            raise KnowledgeBaseError(f"{files['therapies_overlay']}: citation key {doc['key']!r} is already in "
                                     f"{files['citations']}")
        citations[doc["key"]] = _citation(doc)

    gene_rows = _tsv(db_dir / files["genes"])
    for line, row in gene_rows:
        checker.check("genes.schema.json", row, f"{files['genes']}:{line}")
    genes = {row["symbol"]: _gene(row) for _, row in gene_rows}

    hotspot_rows = _tsv(db_dir / files["hotspots"])
    for line, row in hotspot_rows:
        checker.check("hotspots.schema.json", row, f"{files['hotspots']}:{line}")
    hotspots = tuple(_hotspot(row) for _, row in hotspot_rows)

    subtypes_doc = _yaml(db_dir / files["subtypes"])
    checker.check("subtypes.schema.json", subtypes_doc, files["subtypes"])
    subtypes = {s["id"]: _subtype(s) for s in subtypes_doc}

    rules: list[Rule] = []
    for rule_file in sorted((db_dir / files["rules"]).glob("*.yaml")):
        doc = _yaml(rule_file)
        checker.check("rules.schema.json", doc, f"rules/{rule_file.name}")
        rules.extend(_rule(r, rule_file.name) for r in doc)

    lesion_doc = _yaml(db_dir / files["lesion_rules"])
    checker.check("lesion_rules.schema.json", lesion_doc, files["lesion_rules"])
    therapy_doc = _yaml(db_dir / files["therapies"])
    checker.check("therapies.schema.json", therapy_doc, files["therapies"])
    marker_doc = _yaml(db_dir / files["markers"]) if "markers" in files else []
    checker.check("markers.schema.json", marker_doc, files.get("markers", "markers.yaml"))
    boundary_rows = _tsv(db_dir / files["breakpoints"]) if "breakpoints" in files else []
    for line, row in boundary_rows:
        checker.check("breakpoints.schema.json", row, f"{files['breakpoints']}:{line}")
    local_doc = _yaml(db_dir / files["local_fusions"]) if "local_fusions" in files else []
    checker.check("local_fusions.schema.json", local_doc, files.get("local_fusions", "local_fusions.yaml"))
    isoform_doc = _yaml(db_dir / files["fusion_isoforms"]) if "fusion_isoforms" in files else []
    checker.check("fusion_isoforms.schema.json", isoform_doc, files.get("fusion_isoforms", "fusion_isoforms.yaml"))
    relapse_doc = _yaml(db_dir / files["relapse_risk"]) if "relapse_risk" in files else []
    checker.check("relapse_risk.schema.json", relapse_doc, files.get("relapse_risk", "relapse_risk.yaml"))
    pgx_doc = _yaml(db_dir / files["pharmacogenes"]) if "pharmacogenes" in files else None
    if pgx_doc is not None:
        checker.check("pharmacogenes.schema.json", pgx_doc, files["pharmacogenes"])
    copy_number_doc = _yaml(db_dir / files["copy_number"]) if "copy_number" in files else {}
    if copy_number_doc:
        checker.check("copy_number.schema.json", copy_number_doc, files["copy_number"])
    exon_rows = _checked_tsv(db_dir, files, "exons", checker)
    centromere_rows = _checked_tsv(db_dir, files, "centromeres", checker)
    cytoband_rows = _checked_tsv(db_dir, files, "cytobands", checker)
    pediatric_doc = _yaml(db_dir / files["pediatric_targets"]) if "pediatric_targets" in files else []
    checker.check("pediatric_targets.schema.json", pediatric_doc,
                  files.get("pediatric_targets", "pediatric_targets.yaml"))

    kb = KnowledgeBase(
        path=str(db_dir),
        version=manifest["version"],
        schema_version=manifest["schema_version"],
        released=str(manifest["released"]),
        genes=genes,
        aliases=_aliases(genes),
        hotspots=hotspots,
        subtypes=subtypes,
        rules=tuple(rules),
        lesion_rules=tuple(_lesion_rule(r) for r in lesion_doc),
        therapies=tuple(_therapy(t) for t in [*therapy_doc, *overlay_therapies]),
        citations=citations,
        policies=manifest.get("policies", {}),
        markers=tuple(_marker(m) for m in marker_doc),
        exon_boundaries=tuple(_exon_boundary(row) for _, row in boundary_rows),
        local_fusions={d["fusion"]: tuple(d["citations"]) for d in local_doc},
        fusion_isoforms=tuple(
            FusionIsoforms(d["fusion"], d["name_format"], d["products"], tuple(d["citations"])) for d in isoform_doc
        ),
        copy_number=copy_number_doc,
        exons=tuple(_exon(row) for row in exon_rows),
        centromeres=_centromeres(centromere_rows),
        cytobands=tuple(_cytoband(row) for row in cytoband_rows),
        pediatric_targets=tuple(_pediatric_target(d) for d in pediatric_doc),
        relapse_schemes=tuple(_relapse_scheme(d) for d in relapse_doc),
        pharmacogenes=_pharmacogenes(pgx_doc) if pgx_doc is not None else None,
    )
    check_cross_references(kb, str(db_dir))
    return kb


def _overlay(db_dir: Path, files: dict, checker: SchemaChecker) -> tuple[list, list]:
    """Therapy links and citations of an optional overlay (``files: therapies_overlay``, e.g. from CIViC).

    The overlay is a mapping whose ``therapies`` and ``citations`` lists follow the schemas of
    therapies.yaml and citations.yaml; other keys (source, unused evidence) are informational.
    """
    if "therapies_overlay" not in files:
        return [], []
    name = files["therapies_overlay"]
    doc = _yaml(db_dir / name)
    if not isinstance(doc, dict):
        raise KnowledgeBaseError(f"{name}: an overlay must be a mapping with 'therapies' and 'citations' lists")
    therapies, citations = doc.get("therapies") or [], doc.get("citations") or []
    checker.check("therapies.schema.json", therapies, f"{name}: therapies")
    checker.check("citations.schema.json", citations, f"{name}: citations")
    return therapies, citations


def _yaml(path: Path) -> Any:
    import yaml

    class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 15x faster
        """Safe loader that keeps dates as text: review dates are compared as ISO strings."""

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except FileNotFoundError:
        raise KnowledgeBaseError(f"{path}: file missing from the annotation database") from None
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML: {exc}") from None


def _tsv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows as dicts without empty cells, with their 1-based line numbers."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            return [(i + 2, {k: v for k, v in row.items() if v not in ("", None)}) for i, row in enumerate(reader)]
    except FileNotFoundError:
        raise KnowledgeBaseError(f"{path}: file missing from the annotation database") from None


def _checked_tsv(db_dir: Path, files: dict, name: str, checker: SchemaChecker) -> list[dict[str, str]]:
    """Rows of an optional TSV listed in the manifest, each checked against ``<name>.schema.json``."""
    if name not in files:
        return []
    rows = _tsv(db_dir / files[name])
    for line, row in rows:
        checker.check(f"{name}.schema.json", row, f"{files[name]}:{line}")
    return [row for _, row in rows]


def _build_spans(row: dict[str, str]) -> dict[str, tuple[int, int]]:
    builds = ("GRCh37", "GRCh38")
    return {build: (int(row[f"{build.lower()}_start"]), int(row[f"{build.lower()}_end"])) for build in builds}


def _exon(row: dict[str, str]) -> Exon:
    return Exon(row["gene"], row["transcript"], int(row["exon"]), _build_spans(row), row["status"])


def _cytoband(row: dict[str, str]) -> Cytoband:
    return Cytoband(row["chrom"], row["band"], _build_spans(row), row["stain"])


def _centromeres(rows: list[dict[str, str]]) -> dict[str, dict[str, tuple[int, int]]]:
    table: dict[str, dict[str, tuple[int, int]]] = {"GRCh37": {}, "GRCh38": {}}
    for row in rows:
        for build, span in _build_spans(row).items():
            table[build][row["chrom"]] = span
    return table


def _split(value: str | None, sep: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(sep) if part.strip())


def _citation(doc: dict) -> Citation:
    return Citation(doc["key"], doc["text"], doc.get("pmid"), doc.get("doi"), doc.get("url"), doc["verified"])


def _gene(row: dict[str, str]) -> Gene:
    coords = {}
    for build in ("GRCh37", "GRCh38"):
        prefix = build.lower()
        if f"{prefix}_start" in row:
            coords[build] = (row[f"{prefix}_chrom"], int(row[f"{prefix}_start"]), int(row[f"{prefix}_end"]))
    return Gene(
        symbol=row["symbol"],
        hgnc_id=row.get("hgnc_id"),
        feature=row["feature"],
        previous_symbols=_split(row.get("previous_symbols")),
        alias_symbols=_split(row.get("alias_symbols")),
        strand=row.get("strand"),
        coords=coords,
    )


def _aliases(genes: dict[str, Gene]) -> dict[str, str]:
    """Upper-case previous symbols and aliases -> current symbol; current symbols map to themselves."""
    table = {}
    for gene in genes.values():
        for alias in gene.previous_symbols + gene.alias_symbols:
            table[alias.upper()] = gene.symbol
    for symbol in genes:
        table[symbol.upper()] = symbol  # a current symbol always wins over another gene's alias
    return table


def _hotspot(row: dict[str, str]) -> Hotspot:
    coords = {
        build: (row[f"{p}_chrom"], int(row[f"{p}_pos"]), row[f"{p}_ref"], row[f"{p}_alt"])
        for build, p in (("GRCh37", "grch37"), ("GRCh38", "grch38"))
    }
    return Hotspot(
        id=row["hotspot_id"],
        gene=row["gene"],
        hgvs_p=row["hgvs_p"],
        hgvs_p_short=row["hgvs_p_short"],
        transcript=row["transcript"],
        hgvs_c=row["hgvs_c"],
        coords=coords,
        status=row["status"],
        citations=_split(row["citations"], ";"),
    )


def _subtype(doc: dict) -> Subtype:
    return Subtype(
        id=doc["id"],
        who_name=doc["who_name"],
        icc_name=doc["icc_name"],
        lineage=doc["lineage"],
        subtype_class=doc["class"],
        risk=doc["risk"],
        detectable_from=tuple(doc["detectable_from"]),
        citations=tuple(doc["citations"]),
        note=doc.get("note"),
        risk_citations=tuple(doc.get("risk_citations", ())),
        short_name=doc.get("short_name"),
    )


def _rule(doc: dict, source_file: str) -> Rule:
    return Rule(
        id=doc["id"],
        subtype=doc["subtype"],
        role=doc["role"],
        when=doc["when"],
        confidence=doc["confidence"],
        citations=tuple(doc["citations"]),
        note=doc.get("note"),
        source_file=source_file,
    )


def _lesion_rule(doc: dict) -> LesionRule:
    return LesionRule(
        id=doc["id"],
        match=doc["match"],
        role=doc["role"],
        category=doc["category"],
        relapse=doc["relapse"],
        risk=doc["risk"],
        citations=tuple(doc["citations"]),
        note=doc.get("note"),
        flag=doc.get("flag"),
        risk_not_applied_in=tuple(doc.get("risk_not_applied_in", ())),
    )


def _exon_boundary(row: dict[str, str]) -> ExonBoundary:
    coords = {build: (row[f"{p}_chrom"], int(row[f"{p}_pos"]))
              for build, p in (("GRCh37", "grch37"), ("GRCh38", "grch38"))}
    return ExonBoundary(row["gene"], int(row["exon"]), row["boundary"], coords)


def _marker(doc: dict) -> Marker:
    return Marker(
        id=doc["id"],
        name=doc["name"],
        when=doc["when"],
        risk=doc["risk"],
        flag=doc["flag"],
        citations=tuple(doc["citations"]),
        risk_not_applied_in=tuple(doc.get("risk_not_applied_in", ())),
        requires=tuple(doc.get("requires", ())),
        note=doc.get("note"),
    )


def _pediatric_target(doc: dict) -> PediatricTarget:
    return PediatricTarget(
        target=doc["target"],
        genes=tuple(doc["genes"]),
        lesion_kinds=tuple(doc["lesion_kinds"]),
        list=doc["list"],
        list_version=doc["list_version"],
        note=" ".join(doc["note"].split()),
        source=" ".join(doc["source"].split()),
        citations=tuple(doc["citations"]),
        last_reviewed=str(doc["last_reviewed"]),
    )


def _relapse_scheme(doc: dict) -> RelapseScheme:
    params = {key: doc[key] for key in ("criteria", "immunophenotype", "blasts_at_or_above", "values") if key in doc}
    return RelapseScheme(
        id=doc["id"],
        kind=doc["kind"],
        scheme=doc["scheme"],
        definition=doc["definition"],
        citations=tuple(doc["citations"]),
        last_reviewed=str(doc["last_reviewed"]),
        note=doc.get("note"),
        categories=tuple(RiskCategory(c["value"], c["when"], c.get("note")) for c in doc.get("categories", ())),
        markers=tuple(
            GeneticMarker(
                label=m["label"],
                subtypes=tuple(m.get("subtypes", ())),
                lesion_genes=tuple(m.get("lesion_genes", ())),
                lesion_kinds=tuple(m.get("lesion_kinds", ())),
                requires=tuple(m["requires"]),
                citations=tuple(m["citations"]),
                definition=m["definition"],
                note=m.get("note"),
            )
            for m in doc.get("markers", ())
        ),
        params=params,
    )


def _therapy(doc: dict) -> Therapy:
    return Therapy(
        id=doc["id"],
        applies_to=doc["applies_to"],
        agents=tuple(TherapyAgent(a["agent"], a["response"]) for a in doc["agents"]),
        evidence_level=doc["evidence_level"],
        tier=doc["tier"],
        context=doc["context"],
        citations=tuple(doc["citations"]),
        last_reviewed=str(doc["last_reviewed"]),
    )


def _pharmacogenes(doc: dict) -> PharmacogeneTable:
    guideline, genotyping = doc["guideline"], doc["genotyping"]
    return PharmacogeneTable(
        guideline=guideline["name"],
        url=guideline["url"],
        updates_url=guideline.get("updates_url"),
        citations=tuple(guideline["citations"]),
        last_reviewed=str(guideline["last_reviewed"]),
        het_min_vaf=float(genotyping["het_min_vaf"]),
        hom_min_vaf=float(genotyping["hom_min_vaf"]),
        min_depth=int(genotyping["min_depth"]),
        phenotypes={tuple(sorted(p["functions"])): p["phenotype"] for p in doc["phenotypes"]},
        phenotype_labels=dict(doc["phenotype_labels"]),
        genes=tuple(
            Pharmacogene(
                gene=g["gene"],
                sites=tuple(g["sites"]),
                alleles=tuple(
                    PgxAllele(
                        name=a["name"],
                        defining=tuple(a["defining"]),
                        function=a["function"],
                        citations=tuple(a["citations"]),
                        indistinguishable_from=tuple(a.get("indistinguishable_from", ())),
                        note=a.get("note"),
                    )
                    for a in g["alleles"]
                ),
                phasing_note=g["phasing_note"],
                not_genotyped=g["not_genotyped"],
                indeterminate_action=g["indeterminate_action"],
            )
            for g in doc["genes"]
        ),
        dosing=tuple(
            DosingRule(
                id=r["id"],
                drug=r["drug"],
                when={gene: tuple(codes) for gene, codes in r["when"].items()},
                recommendation=" ".join(r["recommendation"].split()),
                strength=r["strength"],
                citations=tuple(r["citations"]),
                source=" ".join(r["source"].split()),
            )
            for r in doc["dosing"]
        ),
    )
