"""FDA paediatric molecular target list: the entries validate, and matching lesions raise RMTL flags."""

from __future__ import annotations

import pytest
from conftest import edit_yaml

from leuk_annot.classify.lesions import derive_lesions
from leuk_annot.errors import KnowledgeBaseError
from leuk_annot.knowledge import load_knowledge
from leuk_annot.model import Fusion, Lesion, LesionKind, SourceRef
from leuk_annot.therapy import collect_flags, pediatric_target_flags


def _fusion(gene5: str, gene3: str, support: str = "high") -> Fusion:
    return Fusion(gene5, gene3, caller="tsv", source=SourceRef("fusions.tsv", 2), supporting_reads=40,
                  support_level=support)


def _rmtl(flags) -> dict:
    return {flag.id: flag for flag in flags if flag.id.startswith("RMTL-")}


def test_entries_load_with_known_genes_kinds_and_verified_sources(kb):
    assert kb.pediatric_targets
    kinds = {kind.value for kind in LesionKind}
    for target in kb.pediatric_targets:
        assert set(target.genes) <= set(kb.genes), target.target
        assert set(target.lesion_kinds) <= kinds, target.target
        assert target.list_version and target.source and target.last_reviewed, target.target
        for key in target.citations:
            citation = kb.citations[key]
            assert citation.verified and citation.url, key


def test_bcr_abl1_raises_the_abl1_flag_and_nothing_for_bcr(kb):
    abl1 = next(t for t in kb.pediatric_targets if "ABL1" in t.genes)
    assert "fusion" in abl1.lesion_kinds
    derived = derive_lesions([], [_fusion("BCR", "ABL1")], kb, "GRCh38")
    flags = _rmtl(collect_flags(derived.lesions, kb))
    assert list(flags) == [f"RMTL-{abl1.target}"]  # BCR, the other partner, is not a listed target
    flag = flags[f"RMTL-{abl1.target}"]
    assert flag.lesion_ids == ("fusion:BCR::ABL1",)
    assert flag.citations == abl1.citations
    assert abl1.list_version in flag.text and abl1.list in flag.text


def test_lesion_in_a_gene_not_on_the_list_raises_none(kb):
    listed = {gene for target in kb.pediatric_targets for gene in target.genes}
    assert not {"ETV6", "RUNX1"} & listed
    derived = derive_lesions([], [_fusion("ETV6", "RUNX1")], kb, "GRCh38")
    assert [lesion.id for lesion in derived.lesions] == ["fusion:ETV6::RUNX1"]
    assert _rmtl(collect_flags(derived.lesions, kb)) == {}


def test_low_confidence_fusion_raises_none(kb):
    derived = derive_lesions([], [_fusion("BCR", "ABL1", support="low")], kb, "GRCh38")
    assert derived.lesions == [] and [lesion.id for lesion in derived.low_confidence] == ["fusion:BCR::ABL1"]
    assert pediatric_target_flags(derived.low_confidence, kb) == []


def test_a_fusion_counts_only_for_targets_that_list_fusions(kb):
    target = next(t for t in kb.pediatric_targets
                  if "sequence_variant" in t.lesion_kinds and "fusion" not in t.lesion_kinds)
    gene = target.genes[0]
    fusion = Lesion(f"fusion:ETV6::{gene}", LesionKind.FUSION, ("ETV6", gene), f"ETV6::{gene}", ())
    variant = Lesion(f"variant:{gene}:p.Arg1Cys", LesionKind.SEQUENCE_VARIANT, (gene,), f"{gene} p.R1C", ())
    assert pediatric_target_flags([fusion], kb) == []
    flags = pediatric_target_flags([fusion, variant], kb)
    assert [(f.id, f.lesion_ids) for f in flags] == [(f"RMTL-{target.target}", (variant.id,))]


def _edit_first_entry(db_dir, edit) -> dict:
    return edit_yaml(db_dir / "pediatric_targets.yaml", lambda doc: edit(doc[0]))[0]


def test_gene_missing_from_gene_table_is_rejected(db_copy):
    name = _edit_first_entry(db_copy, lambda d: d["genes"].append("NOSUCHGENE1"))["target"]
    with pytest.raises(KnowledgeBaseError, match=rf"pediatric_targets\.yaml: {name}\.genes: 'NOSUCHGENE1' is not in"):
        load_knowledge(db_copy)


def test_unknown_citation_key_is_rejected(db_copy):
    entry = _edit_first_entry(db_copy, lambda d: d["citations"].append("nosuch2099"))
    where = rf"{entry['target']}\.citations\[{len(entry['citations']) - 1}\]"
    with pytest.raises(KnowledgeBaseError, match=rf"pediatric_targets\.yaml: {where}: unknown citation key 'nosuch"):
        load_knowledge(db_copy)


def test_unknown_lesion_kind_is_a_schema_error(db_copy):
    entry = _edit_first_entry(db_copy, lambda d: d["lesion_kinds"].append("translocation"))
    where = rf"\[0\]\.lesion_kinds\[{len(entry['lesion_kinds']) - 1}\]"
    with pytest.raises(KnowledgeBaseError, match=rf"pediatric_targets\.yaml: {where}: 'translocation' is not one of"):
        load_knowledge(db_copy)
