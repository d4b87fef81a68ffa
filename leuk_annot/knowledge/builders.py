"""Record builders: one function per annotation_db file kind, turning a checked row or document into a record.

``load_knowledge`` (``__init__.py``) reads and schema-checks each file, then builds its records here.
"""

from __future__ import annotations

from .records import (
    Citation,
    Cytoband,
    DosingRule,
    Exon,
    ExonBoundary,
    Gene,
    GeneticMarker,
    Hotspot,
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


def _build_spans(row: dict[str, str]) -> dict[str, tuple[int, int]]:
    builds = ("GRCh37", "GRCh38")
    return {build: (int(row[f"{build.lower()}_start"]), int(row[f"{build.lower()}_end"])) for build in builds}


def exon(row: dict[str, str]) -> Exon:
    return Exon(row["gene"], row["transcript"], int(row["exon"]), _build_spans(row), row["status"])


def cytoband(row: dict[str, str]) -> Cytoband:
    return Cytoband(row["chrom"], row["band"], _build_spans(row), row["stain"])


def centromeres(rows: list[dict[str, str]]) -> dict[str, dict[str, tuple[int, int]]]:
    table: dict[str, dict[str, tuple[int, int]]] = {"GRCh37": {}, "GRCh38": {}}
    for row in rows:
        for build, span in _build_spans(row).items():
            table[build][row["chrom"]] = span
    return table


def _split(value: str | None, sep: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(sep) if part.strip())


def citation(doc: dict) -> Citation:
    return Citation(doc["key"], doc["text"], doc.get("pmid"), doc.get("doi"), doc.get("url"), doc["verified"])


def gene(row: dict[str, str]) -> Gene:
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


def aliases(genes: dict[str, Gene]) -> dict[str, str]:
    """Upper-case previous symbols and aliases -> current symbol; current symbols map to themselves."""
    table = {}
    for gene in genes.values():
        for alias in gene.previous_symbols + gene.alias_symbols:
            table[alias.upper()] = gene.symbol
    for symbol in genes:
        table[symbol.upper()] = symbol  # a current symbol always wins over another gene's alias
    return table


def hotspot(row: dict[str, str]) -> Hotspot:
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


def subtype(doc: dict) -> Subtype:
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


def rule(doc: dict, source_file: str) -> Rule:
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


def lesion_rule(doc: dict) -> LesionRule:
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


def exon_boundary(row: dict[str, str]) -> ExonBoundary:
    coords = {build: (row[f"{p}_chrom"], int(row[f"{p}_pos"]))
              for build, p in (("GRCh37", "grch37"), ("GRCh38", "grch38"))}
    return ExonBoundary(row["gene"], int(row["exon"]), row["boundary"], coords)


def marker(doc: dict) -> Marker:
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


def pediatric_target(doc: dict) -> PediatricTarget:
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


def relapse_scheme(doc: dict) -> RelapseScheme:
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


def therapy(doc: dict) -> Therapy:
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


def pharmacogenes(doc: dict) -> PharmacogeneTable:
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
