"""Load the annotation database (annotation_db/) into an immutable, validated KnowledgeBase."""

from __future__ import annotations

import csv
import functools
import hashlib
import marshal
import sys
from pathlib import Path
from typing import Any

from .. import user_cache
from ..errors import KnowledgeBaseError
from ..yaml_text import text_dates_loader
from . import builders
from .fingerprint import matches_recorded_version
from .records import FusionIsoforms, KnowledgeBase, Rule
from .resources import default_db_dir
from .validate import SUPPORTED_SCHEMA_VERSIONS, SchemaChecker, check_cross_references

__all__ = ["load_knowledge", "KnowledgeBase"]


def load_knowledge(path: Path | str | None = None, *, full_check: bool = False) -> KnowledgeBase:
    """Load and validate the knowledge base at ``path`` (default: the bundled annotation_db).

    Content that still matches the fingerprint its changelog records for its version was validated
    when that heading was written (``fingerprint.py``), so its JSON Schema pass is skipped unless
    ``full_check`` (``db check`` and ``db update-civic`` ask for it); the cross-file checks always run.
    Skipping saves about a fifth of a second per sample: importing jsonschema and walking every record.
    """
    db_dir = Path(path) if path is not None else default_db_dir()
    return _load_cached(db_dir.resolve(), full_check)


@functools.lru_cache(maxsize=4)
def _load_cached(db_dir: Path, full_check: bool = False) -> KnowledgeBase:
    if not (db_dir / "manifest.yaml").is_file():
        raise KnowledgeBaseError(f"{db_dir}: not an annotation database (manifest.yaml missing)")
    manifest = _yaml(db_dir / "manifest.yaml")
    version = manifest.get("version") if isinstance(manifest, dict) else None
    released = not full_check and matches_recorded_version(db_dir, version)
    checker = _AlreadyValidated() if released else SchemaChecker(db_dir / "schema")
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
    citations = {c["key"]: builders.citation(c) for c in citations_doc}
    for doc in overlay_citations:
        if doc["key"] in citations:
            raise KnowledgeBaseError(f"{files['therapies_overlay']}: citation key {doc['key']!r} is already in "
                                     f"{files['citations']}")
        citations[doc["key"]] = builders.citation(doc)

    gene_rows = _tsv(db_dir / files["genes"])
    for line, row in gene_rows:
        checker.check("genes.schema.json", row, f"{files['genes']}:{line}")
    genes = {row["symbol"]: builders.gene(row) for _, row in gene_rows}

    hotspot_rows = _tsv(db_dir / files["hotspots"])
    for line, row in hotspot_rows:
        checker.check("hotspots.schema.json", row, f"{files['hotspots']}:{line}")
    hotspots = tuple(builders.hotspot(row) for _, row in hotspot_rows)

    subtypes_doc = _yaml(db_dir / files["subtypes"])
    checker.check("subtypes.schema.json", subtypes_doc, files["subtypes"])
    subtypes = {s["id"]: builders.subtype(s) for s in subtypes_doc}

    rules: list[Rule] = []
    for rule_file in sorted((db_dir / files["rules"]).glob("*.yaml")):
        doc = _yaml(rule_file)
        checker.check("rules.schema.json", doc, f"rules/{rule_file.name}")
        rules.extend(builders.rule(r, rule_file.name) for r in doc)

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
        aliases=builders.aliases(genes),
        hotspots=hotspots,
        subtypes=subtypes,
        rules=tuple(rules),
        lesion_rules=tuple(builders.lesion_rule(r) for r in lesion_doc),
        therapies=tuple(builders.therapy(t) for t in [*therapy_doc, *overlay_therapies]),
        citations=citations,
        policies=manifest.get("policies", {}),
        markers=tuple(builders.marker(m) for m in marker_doc),
        exon_boundaries=tuple(builders.exon_boundary(row) for _, row in boundary_rows),
        local_fusions={d["fusion"]: tuple(d["citations"]) for d in local_doc},
        fusion_isoforms=tuple(
            FusionIsoforms(d["fusion"], d["name_format"], d["products"], tuple(d["citations"])) for d in isoform_doc
        ),
        copy_number=copy_number_doc,
        exons=tuple(builders.exon(row) for row in exon_rows),
        centromeres=builders.centromeres(centromere_rows),
        cytobands=tuple(builders.cytoband(row) for row in cytoband_rows),
        pediatric_targets=tuple(builders.pediatric_target(d) for d in pediatric_doc),
        relapse_schemes=tuple(builders.relapse_scheme(d) for d in relapse_doc),
        pharmacogenes=builders.pharmacogenes(pgx_doc) if pgx_doc is not None else None,
    )
    check_cross_references(kb, str(db_dir))
    return kb


class _AlreadyValidated:
    """Stands in for ``SchemaChecker`` when the content is a validated release, unchanged."""

    def check(self, schema_name: str, document: Any, where: str) -> None:
        pass


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
    """The document in ``path``, from the parse cache when its bytes were parsed before: building
    the objects of every YAML file costs about 30 ms per run even on libyaml, and reading them back
    with ``marshal`` under a millisecond. The key is the file's bytes, the parse rules and the
    Python version (marshal's format); a document marshal cannot hold is simply not kept."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KnowledgeBaseError(f"{path}: file missing from the annotation database") from None
    key = hashlib.sha256(_PARSE_RULES + raw).hexdigest()
    cached = user_cache.load("yaml", key)
    if cached is not None:
        try:
            return marshal.loads(cached)
        except (EOFError, ValueError, TypeError):  # a damaged entry: parse again
            pass
    document = _parse_yaml(path, raw)
    try:
        user_cache.store("yaml", key, marshal.dumps(document))
    except ValueError:
        pass
    return document


# Change the text when the parse rules change (``yaml_text.text_dates_loader``): old entries are then unused.
_PARSE_RULES = f"safe YAML, dates as text; python {sys.version_info[:2]}, marshal {marshal.version}\0".encode()


def _parse_yaml(path: Path, raw: bytes) -> Any:
    import yaml

    try:
        return yaml.load(raw.decode("utf-8"), Loader=text_dates_loader(fast=True))  # noqa: S506 - a SafeLoader subclass
    except UnicodeDecodeError as exc:
        raise KnowledgeBaseError(f"{path}: not UTF-8 text ({exc.reason})") from None
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
