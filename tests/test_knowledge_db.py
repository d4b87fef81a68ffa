"""The shipped annotation_db validates, is internally consistent, and its checks catch real faults."""

from __future__ import annotations

import pytest
import yaml
from conftest import REPO, edit_yaml

from leuk_annot.errors import KnowledgeBaseError
from leuk_annot.knowledge import _load_cached, load_knowledge
from leuk_annot.knowledge.fingerprint import changelog_fingerprints, content_fingerprint
from leuk_annot.model import RISK_ORDER

DB = REPO / "annotation_db"


def test_shipped_database_loads(kb):
    assert kb.version.count(".") == 2
    assert len(kb.genes) >= 150
    assert {"BALL.BCR_ABL1", "BALL.PH_LIKE_ABL", "BALL.KMT2A", "BALL.NOS", "TALL.ETP"} <= set(kb.subtypes)


def test_content_change_requires_a_new_version():
    """The changelog heading of the manifest's version records the current data fingerprint."""
    manifest = yaml.safe_load((DB / "manifest.yaml").read_text())
    recorded = changelog_fingerprints(DB / "CHANGELOG.md")
    assert manifest["version"] in recorded, "add a '## VERSION (content sha256: ...)' heading to CHANGELOG.md"
    assert recorded[manifest["version"]] == content_fingerprint(DB), (
        "annotation_db content changed: bump manifest.yaml version and add a CHANGELOG heading with "
        f"content sha256 {content_fingerprint(DB)}"
    )


def test_every_clinical_record_is_cited_and_reviewed(kb):
    for rule in kb.rules + kb.lesion_rules:
        assert rule.citations, rule.id
    for therapy in kb.therapies:
        assert therapy.citations and therapy.last_reviewed, therapy.id
    for subtype in kb.subtypes.values():
        assert subtype.citations, subtype.id
        assert subtype.risk in RISK_ORDER or subtype.risk is None


def test_every_who_and_icc_category_has_both_names(kb):
    for subtype in kb.subtypes.values():
        assert subtype.who_name and subtype.icc_name, subtype.id


def test_aliases_resolve_previous_symbols_without_the_mll2_trap(kb):
    assert kb.aliases["MLL"] == "KMT2A"
    assert kb.aliases["MLL2"] == "KMT2D"


def test_unknown_citation_key_is_reported_with_file_and_record(db_copy):
    edit_yaml(db_copy / "rules" / "ball_fusions.yaml", lambda d: d[0]["citations"].append("nosuch2099"))
    with pytest.raises(KnowledgeBaseError, match=r"rules/ball_fusions.yaml: R-BALL-BCR_ABL1-01.citations\[2\]: "
                                                 r"unknown citation key 'nosuch2099'"):
        load_knowledge(db_copy)


def test_rule_naming_an_unknown_subtype_is_rejected(db_copy):
    edit_yaml(db_copy / "rules" / "ball_variants.yaml", lambda d: d[0].update(subtype="BALL.NOPE"))
    with pytest.raises(KnowledgeBaseError, match=r"R-BALL-PAX5_P80R-01.subtype: unknown subtype 'BALL.NOPE'"):
        load_knowledge(db_copy)


def test_fusion_gene_missing_from_gene_table_is_rejected(db_copy):
    edit_yaml(db_copy / "rules" / "ball_fusions.yaml", lambda d: d[0].update(when={"fusion": "BCR::NOTAGENE"}))
    with pytest.raises(KnowledgeBaseError, match=r"gene 'NOTAGENE' is not in genes.tsv"):
        load_knowledge(db_copy)


def test_schema_violation_names_the_field(db_copy):
    edit_yaml(db_copy / "therapies.yaml", lambda d: d[0].update(evidence_level="E"))
    with pytest.raises(KnowledgeBaseError, match=r"therapies.yaml: T-BCR_ABL1-TKI-A.evidence_level: 'E' is not one of"):
        load_knowledge(db_copy)


def _record_current_content(db):
    """Write a changelog heading for the copy's current content, as if that content were a release."""
    version = yaml.safe_load((db / "manifest.yaml").read_text())["version"]
    changelog = db / "CHANGELOG.md"
    recorded = changelog_fingerprints(changelog)[version]
    changelog.write_text(changelog.read_text().replace(recorded, content_fingerprint(db)))


def test_shipped_database_passes_the_full_schema_check():
    kb = load_knowledge(DB, full_check=True)
    assert len(kb.rules) > 10


def test_schema_pass_is_skipped_only_while_the_content_matches_its_recorded_release(db_copy):
    edit_yaml(db_copy / "therapies.yaml", lambda d: d[0].update(evidence_level="E"))
    _record_current_content(db_copy)  # a recorded heading claims the content was validated ...
    assert load_knowledge(db_copy).therapies[0].evidence_level == "E"  # ... so the schema pass is skipped,
    with pytest.raises(KnowledgeBaseError, match=r"evidence_level: 'E' is not one of"):
        load_knowledge(db_copy, full_check=True)  # but `db check` still runs it
    (db_copy / "genes.tsv").write_text((db_copy / "genes.tsv").read_text() + "\n")  # any later change ...
    _load_cached.cache_clear()  # (a process keeps what it loaded)
    with pytest.raises(KnowledgeBaseError, match=r"evidence_level: 'E' is not one of"):
        load_knowledge(db_copy)  # ... brings the schema pass back


def test_manifest_is_part_of_the_recorded_content(db_copy):
    _record_current_content(db_copy)
    edit_yaml(db_copy / "manifest.yaml", lambda d: d["files"].update(genes="hotspots.tsv"))
    with pytest.raises(KnowledgeBaseError, match=r"genes.tsv:2|hotspots.tsv:2"):
        load_knowledge(db_copy)


def test_unsupported_schema_version_is_refused(db_copy):
    edit_yaml(db_copy / "manifest.yaml", lambda d: d.update(schema_version=99))
    with pytest.raises(KnowledgeBaseError, match=r"schema_version 99 is not supported"):
        load_knowledge(db_copy)


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(KnowledgeBaseError, match=r"not an annotation database \(manifest.yaml missing\)"):
        load_knowledge(tmp_path)


def test_parsed_yaml_is_kept_between_runs_and_parsed_again_when_it_changes(db_copy, tmp_path, monkeypatch):
    """The parse cache (knowledge._yaml): a second run reads each document back instead of parsing it;
    an edited file, a damaged entry or a cache that cannot be written only mean parsing again."""
    from leuk_annot import knowledge

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    parsed = []
    original = knowledge._parse_yaml
    monkeypatch.setattr(knowledge, "_parse_yaml", lambda path, raw: parsed.append(path.name) or original(path, raw))

    def fresh_load():
        _load_cached.cache_clear()  # (a process keeps what it loaded)
        return load_knowledge(db_copy)

    first = fresh_load()
    assert "therapies.yaml" in parsed and "manifest.yaml" in parsed
    parsed.clear()
    assert fresh_load() == first and parsed == []  # every document came back from the cache
    edit_yaml(db_copy / "therapies.yaml", lambda d: d[0].update(context="edited"))
    edited = fresh_load()
    assert parsed == ["therapies.yaml"] and edited.therapies[0].context == "edited"
    entries = sorted((tmp_path / "cache" / "leuk-annot" / "yaml").iterdir())
    for entry in entries:
        entry.write_bytes(b"\xff damaged")
    parsed.clear()
    assert fresh_load() == edited and "therapies.yaml" in parsed  # parsed again, and kept again
    monkeypatch.setenv("XDG_CACHE_HOME", str(db_copy / "genes.tsv"))  # a file: no folder can be made there
    assert fresh_load() == edited


def test_a_run_on_a_warm_cache_does_not_import_yaml(tmp_path):
    """The point of the cache: a sample run without a clinical file needs neither PyYAML nor its parse."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    code = ("import sys; from leuk_annot.api import annotate; from leuk_annot.knowledge import load_knowledge; "
            "load_knowledge(); print('yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert [run.stdout.strip() for run in runs] == ["True", "False"]
