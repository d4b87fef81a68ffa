"""Output side: canonical JSON (+ schema), per-lesion TSV and the self-contained HTML report.

The fixtures build a small AnnotationResult and KnowledgeBase by hand, so these tests check the
renderers only, not the annotation logic (that is what the golden end-to-end cases are for).
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import hashlib
import json
import re
from html import unescape
from pathlib import Path

import jinja2
import jsonschema
import pytest

from leuk_annot.knowledge.records import Citation, KnowledgeBase
from leuk_annot.model import (
    AnnotationResult,
    Assessment,
    Flag,
    Fusion,
    InputFile,
    Lesion,
    LesionKind,
    LesionRole,
    Prognosis,
    PrognosticFactor,
    Provenance,
    SourceRef,
    SubtypeCall,
    TherapyLink,
    Variant,
)
from leuk_annot.model import (
    Warning as DataWarning,
)
from leuk_annot.report import render_html
from leuk_annot.report.context import RESEARCH_USE, build_context
from leuk_annot.report.json_out import to_json, validate_result_json
from leuk_annot.report.tsv_out import COLUMNS, to_tsv

XSS = "<script>alert(1)</script>"
SHA_VCF = "a" * 63 + "1"
SHA_FUS = "b" * 63 + "2"


@pytest.fixture
def result() -> AnnotationResult:
    fusion = Fusion(
        gene5="BCR",
        gene3="ABL1",
        caller="tsv",
        source=SourceRef("/data/P1.fusions.tsv", 2),
        breakpoint5="22:23290555",
        breakpoint3="9:130714455",
        supporting_reads=41,
        support_level="high",
        flags=(),
    )
    t315i = Variant(
        chrom="9",
        pos=130872896,
        ref="C",
        alt="T",
        source=SourceRef("/data/P1.vcf.gz", None, "9:130872896 C>T"),
        gene="ABL1",
        consequence=("missense_variant",),
        hgvs_c="c.944C>T",
        hgvs_p="p.Thr315Ile",
        transcript="NM_005157.6",
        vaf=0.123456,
        depth=500,
        alt_depth=62,
        annotation="vep",
        sample="P1\ttumour",  # a tab inside a value must not break the TSV
    )
    nt5c2 = Variant(
        chrom="10",
        pos=103089677,
        ref="G",
        alt="A",
        source=SourceRef("/data/P1.vcf.gz", 88),
        filter="LowVAF",
        gene="NT5C2",
        hgvs_p="p.Arg367Gln",
        vaf=0.02,
    )
    readthrough = Fusion(
        gene5="P2RY8",
        gene3="CRLF2",
        caller="tsv",
        source=SourceRef("/data/P1.fusions.tsv", 3),
        support_level="low",
        flags=("read-through",),
    )
    lesions = (
        Lesion(
            id="fusion:BCR::ABL1",
            kind=LesionKind.FUSION,
            genes=("BCR", "ABL1"),
            label="BCR::ABL1",
            evidence=(fusion,),
        ),
        Lesion(
            id="variant:ABL1:p.Thr315Ile",
            kind=LesionKind.SEQUENCE_VARIANT,
            genes=("ABL1",),
            label="ABL1 p.T315I",
            evidence=(t315i,),
            hgvs_c="c.944C>T",
            hgvs_p="p.Thr315Ile",
            vaf=0.123456,
            hotspot_id="ABL1_T315I",
            consequence_class="missense",
            roles=(
                LesionRole(
                    rule_id="L-ABL1-T315I",
                    role="TKI resistance",
                    category="relapse_resistance",
                    relapse=True,
                    risk="high",
                    citations=("soverini2011", "nosuchkey"),
                    note="gatekeeper\nmutation",
                ),
            ),
        ),
    )
    low = (
        Lesion(
            id="variant:NT5C2:p.Arg367Gln",
            kind=LesionKind.SEQUENCE_VARIANT,
            genes=("NT5C2",),
            label="NT5C2 p.R367Q",
            evidence=(nt5c2,),
            hgvs_p="p.Arg367Gln",
            vaf=0.02,
            confidence="low",
            roles=(
                LesionRole(
                    rule_id="L-NT5C2-HOT",
                    role="thiopurine resistance",
                    category="relapse_resistance",
                    relapse=True,
                    risk=None,
                    citations=("meyer2013",),
                ),
            ),
        ),
        Lesion(
            id="fusion:P2RY8::CRLF2",
            kind=LesionKind.FUSION,
            genes=("P2RY8", "CRLF2"),
            label="P2RY8::CRLF2",
            evidence=(readthrough,),
            confidence="low",
        ),
    )
    subtypes = (
        SubtypeCall(
            subtype_id="BALL.BCR_ABL1",
            name="B-ALL with BCR::ABL1 fusion",
            icc_name="B-ALL with t(9;22)(q34.1;q11.2)/BCR::ABL1",
            subtype_class=None,
            lineage="B",
            confidence="high",
            rule_id="R-BALL-BCR_ABL1-01",
            supporting=("fusion:BCR::ABL1",),
            citations=("who2022",),
        ),
        SubtypeCall(
            subtype_id="BALL.PH_LIKE",
            name="B-ALL, BCR::ABL1-like",
            icc_name="B-ALL, BCR::ABL1-like, ABL-1 class rearranged",
            subtype_class="ABL-class",
            lineage="B",
            confidence="low",
            rule_id="R-BALL-PHLIKE-02",
            supporting=("fusion:BCR::ABL1",),
            citations=("icc2022",),
            status="conflicting",
        ),
    )
    therapies = (
        TherapyLink(
            therapy_id="T-BCR_ABL1-TKI",
            agent="imatinib",
            response="sensitivity",
            evidence_level="A",
            tier="I",
            lesion_ids=("fusion:BCR::ABL1",),
            context="Ph+ B-ALL with chemotherapy",
            citations=("who2022",),
            last_reviewed="2026-01-15",
        ),
        TherapyLink(
            therapy_id="T-T315I-PON",
            agent="ponatinib",
            response="sensitivity",
            evidence_level="B",
            tier="I",
            lesion_ids=("variant:ABL1:p.Thr315Ile",),
            context="T315I after TKI",
            citations=("soverini2011",),
            last_reviewed="2026-01-15",
        ),
        TherapyLink(
            therapy_id="T-T315I-RES",
            agent="dasatinib",
            response="resistance",
            evidence_level="A",
            tier="I",
            lesion_ids=("variant:ABL1:p.Thr315Ile",),
            context="gatekeeper mutation",
            citations=("soverini2011",),
            last_reviewed="2026-01-15",
            subtype_ids=("BALL.BCR_ABL1",),
        ),
    )
    prognosis = Prognosis(
        risk="high",
        basis=(
            PrognosticFactor(
                risk="high",
                source="BALL.BCR_ABL1",
                label="Ph+ B-ALL",
                rule_id="P-BCR_ABL1",
                citations=("who2022",),
            ),
        ),
        policy="highest risk among the factors found",
    )
    provenance = Provenance(
        leuk_annot_version="0.1.0-test",
        annotation_db_version="2026.01-test",
        annotation_db_schema_version=1,
        genome_build="GRCh38",
        genome_build_evidence="contig lengths in the VCF header",
        inputs=(
            InputFile("/data/P1.vcf.gz", SHA_VCF, "vcf", "vcf"),
            InputFile("/data/P1.fusions.tsv", SHA_FUS, "tsv", "fusions"),
        ),
        created="2026-02-01T10:00:00Z",
    )
    return AnnotationResult(
        sample_id=f"P1{XSS}",
        genome_build="GRCh38",
        lesions=lesions,
        subtypes=subtypes,
        therapies=therapies,
        prognosis=prognosis,
        flags=(Flag("F-T315I", "Consider ponatinib", ("soverini2011",), ("variant:ABL1:p.Thr315Ile",)),),
        warnings=(
            DataWarning(f"odd value {XSS}", SourceRef("/data/P1.vcf.gz", 12)),
            DataWarning("no source for this one"),
        ),
        provenance=provenance,
        assessments=(
            Assessment("fusion-defined subtypes", True, "fusion calls given"),
            Assessment("copy-number lesions", False, "no copy-number input"),
        ),
        low_confidence=low,
    )


@pytest.fixture
def kb() -> KnowledgeBase:
    citations = {
        "who2022": Citation(
            "who2022", "Alaggio R et al. WHO-HAEM5. Leukemia 2022.", pmid="35732831", verified=True
        ),
        "soverini2011": Citation(
            "soverini2011", "Soverini S et al. Blood 2011.", doi="10.1182/x", verified=False
        ),
        "icc2022": Citation("icc2022", "Arber DA et al. ICC. Blood 2022.", url="javascript:alert(2)"),
        "meyer2013": Citation("meyer2013", "Meyer JA et al. Nat Genet 2013.", pmid="23377183", verified=True),
    }
    return KnowledgeBase(
        path="<test>",
        version="2026.01-test",
        schema_version=1,
        released="2026-01-15",
        genes={},
        aliases={},
        hotspots=(),
        subtypes={},
        rules=(),
        lesion_rules=(),
        therapies=(),
        citations=citations,
    )


# -- JSON --------------------------------------------------------------------------------------


def test_to_json_validates_against_schema_and_round_trips(result):
    text = to_json(result)
    assert text.endswith("}\n")
    doc = json.loads(text)
    validate_result_json(doc)
    assert list(doc) == [
        "schema_version", "sample", "genome_build", "subtypes", "lesions", "low_confidence_lesions",
        "copy_number", "therapies", "prognosis", "relapse", "pharmacogenomics", "flags", "warnings",
        "assessments", "provenance",
    ]  # fmt: skip
    assert doc["schema_version"] == "1.0"
    assert doc["sample"] == {"id": result.sample_id}


def test_to_json_is_deterministic_and_keeps_unicode(result):
    assert to_json(result) == to_json(result)
    assert "<script>" in to_json(result)  # JSON is data, not HTML: no escaping here
    assert to_json(result).startswith('{\n  "schema_version"')


def test_json_and_html_written_piece_by_piece_are_the_whole_texts(result, kb, tmp_path):
    """The command line streams both files (a whole genome's lesions are never held as one text);
    the bytes are those of ``to_json`` and ``render_html``."""
    from leuk_annot.report import write_html
    from leuk_annot.report.json_out import write_json

    assert len(result.lesions) > 1 and len(result.low_confidence) >= 1
    for case in (result, dataclasses.replace(result, low_confidence=())):  # lesion lists full and empty
        write_json(tmp_path / "r.json", case)
        assert (tmp_path / "r.json").read_text(encoding="utf-8") == to_json(case)
    write_html(tmp_path / "r.html", result, kb)
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == render_html(result, kb)


def test_to_json_lesion_shape_roles_sources_and_evidence(result):
    doc = json.loads(to_json(result))
    fusion, t315i = doc["lesions"]
    assert fusion["kind"] == "fusion"
    assert fusion["genes"] == ["BCR", "ABL1"]  # tuple became list
    assert fusion["role"] == "subtype-defining"  # supports the primary call, has no KB role
    assert fusion["source"] == {"file": "/data/P1.fusions.tsv", "line": 2, "record": None}
    assert fusion["evidence"][0]["type"] == "fusion"
    assert fusion["evidence"][0]["flags"] == []
    assert t315i["role"] == "TKI resistance"
    assert t315i["roles"][0]["citations"] == ["soverini2011", "nosuchkey"]
    assert t315i["source"] == {"file": "/data/P1.vcf.gz", "line": None, "record": "9:130872896 C>T"}
    ev = t315i["evidence"][0]
    assert ev["type"] == "variant" and ev["consequence"] == ["missense_variant"]
    assert ev["hgvs_p"] == "p.Thr315Ile"  # three-letter form kept in JSON


def test_to_json_rounds_vaf_to_four_decimals(result):
    doc = json.loads(to_json(result))
    assert doc["lesions"][1]["vaf"] == 0.1235
    assert doc["lesions"][1]["evidence"][0]["vaf"] == 0.1235
    assert doc["lesions"][0]["vaf"] is None


def test_to_json_low_confidence_subtypes_therapies_provenance(result):
    doc = json.loads(to_json(result))
    assert [lesion["id"] for lesion in doc["low_confidence_lesions"]] == [
        "variant:NT5C2:p.Arg367Gln",
        "fusion:P2RY8::CRLF2",
    ]
    assert doc["low_confidence_lesions"][1]["role"] is None
    assert [s["status"] for s in doc["subtypes"]] == ["primary", "conflicting"]
    assert doc["subtypes"][0]["id"] == "BALL.BCR_ABL1"
    assert doc["subtypes"][0]["supporting_lesions"] == ["fusion:BCR::ABL1"]
    assert doc["therapies"][2]["subtype_ids"] == ["BALL.BCR_ABL1"]
    assert doc["prognosis"]["basis"][0]["citations"] == ["who2022"]
    assert doc["warnings"][1] == {"message": "no source for this one", "source": None}
    assert doc["provenance"]["inputs"][0] == {
        "path": "/data/P1.vcf.gz",
        "sha256": SHA_VCF,
        "format": "vcf",
        "kind": "vcf",
    }


@pytest.mark.parametrize(
    "path, bad",
    [
        (("therapies", 0, "response"), "maybe"),
        (("therapies", 0, "evidence_level"), "E"),
        (("prognosis", "risk"), "low"),
        (("lesions", 0, "kind"), "snv"),
        (("lesions", 1, "confidence"), "medium"),
        (("schema_version",), "0.9"),
    ],
)
def test_validate_result_json_rejects_bad_values(result, path, bad):
    doc = json.loads(to_json(result))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    with pytest.raises(jsonschema.ValidationError, match=re.escape(repr(bad))):
        validate_result_json(doc)


def test_validate_result_json_rejects_missing_key_and_unknown_key(result):
    doc = json.loads(to_json(result))
    broken = copy.deepcopy(doc)
    del broken["provenance"]
    with pytest.raises(jsonschema.ValidationError, match="'provenance' is a required property"):
        validate_result_json(broken)
    extra = copy.deepcopy(doc)
    extra["lesions"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError, match="colour"):
        validate_result_json(extra)


def test_risk_null_is_valid(result):
    doc = json.loads(to_json(result))
    doc["prognosis"]["risk"] = None
    validate_result_json(doc)


# -- TSV ---------------------------------------------------------------------------------------


def _tsv_rows(text: str) -> list[list[str]]:
    assert text.endswith("\n")
    return [line.split("\t") for line in text[:-1].split("\n")]


def test_tsv_header_and_one_row_per_lesion_then_low_confidence(result):
    rows = _tsv_rows(to_tsv(result))
    assert rows[0] == list(COLUMNS)
    assert rows[0][:3] == ["sample_id", "lesion_id", "kind"]
    assert len(rows) == 1 + len(result.lesions) + len(result.low_confidence)
    assert all(len(r) == len(COLUMNS) for r in rows)
    ids = [r[COLUMNS.index("lesion_id")] for r in rows[1:]]
    assert ids == [lesion.id for lesion in (*result.lesions, *result.low_confidence)]
    conf = [r[COLUMNS.index("confidence")] for r in rows[1:]]
    assert conf == ["high", "high", "low_confidence", "low_confidence"]


def test_tsv_cells_have_no_embedded_tabs_or_newlines(result):
    text = to_tsv(result)
    rows = _tsv_rows(text)
    # the sample id contains no tab, but the evidence sample name and a role note did: count columns
    assert text.count("\n") == len(rows)
    assert {len(r) for r in rows} == {len(COLUMNS)}


def test_tsv_row_content(result):
    rows = _tsv_rows(to_tsv(result))
    col = {name: i for i, name in enumerate(COLUMNS)}
    fusion, t315i, nt5c2, _ = rows[1:]
    assert fusion[col["role"]] == "subtype-defining"
    assert fusion[col["subtype_calls"]] == "B-ALL with BCR::ABL1 fusion;B-ALL, BCR::ABL1-like"
    assert fusion[col["agents_sensitive"]] == "imatinib[A]"
    assert fusion[col["vaf"]] == ""
    assert fusion[col["source_file"]] == "/data/P1.fusions.tsv" and fusion[col["source_line"]] == "2"
    assert t315i[col["agents_sensitive"]] == "ponatinib[B]"
    assert t315i[col["agents_resistant"]] == "dasatinib[A]"
    assert t315i[col["evidence_levels"]] == "A;B"
    assert t315i[col["relapse_relevant"]] == "yes"
    assert t315i[col["vaf"]] == "0.1235"
    assert t315i[col["citations"]] == "soverini2011;nosuchkey"
    assert t315i[col["source_line"]] == "" and t315i[col["source_record"]] == "9:130872896 C>T"
    assert nt5c2[col["role"]] == "thiopurine resistance"
    assert fusion[col["relapse_relevant"]] == "no"


# -- HTML --------------------------------------------------------------------------------------


@pytest.fixture
def html(result, kb) -> str:
    return render_html(result, kb, created="2026-02-02T00:00:00Z")


def test_html_escapes_untrusted_text(html):
    assert "<script>alert" not in html
    assert "P1&lt;script&gt;alert(1)&lt;/script&gt;" in html  # sample id
    assert "odd value &lt;script&gt;alert(1)&lt;/script&gt;" in html  # warning message


def test_html_is_self_contained(html):
    assert not re.search(r"""\bsrc\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"""<link\b[^>]*\bhref\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", html, re.I)
    assert "<link" not in html  # no stylesheets to fetch
    # one script only: ours, inline (no src), allowed by the page's Content-Security-Policy by hash
    assert len(re.findall(r"<script\b", html)) == 1
    script = re.search(r"<script>(.*?)</script>\s*</body>", html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1))
    assert "default-src 'none'" in csp and f"script-src 'sha256-{digest}'" in csp
    assert re.search(r"<style>\s*/\* report_templates/static/report\.css", html)  # CSS inlined
    assert "@media print" in html


def test_html_semantic_structure(html):
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert '<meta charset="utf-8">' in html
    assert '<meta name="viewport"' in html
    n_tables = html.count("<table")
    assert n_tables >= 6
    assert html.count("<caption>") == n_tables
    assert "<th>" not in html  # every header cell carries a scope


def test_html_shows_key_facts(html, result):
    assert re.search(r'id="primary-subtype">B-ALL with BCR::ABL1 fusion<', html)
    assert "R-BALL-BCR_ABL1-01" in html
    assert "R-BALL-PHLIKE-02" in html  # conflicting calls shown with their rule
    for link in result.therapies:
        assert link.agent in html
    assert RESEARCH_USE in html
    assert "0.1.0-test" in html and "2026.01-test" in html
    assert SHA_VCF in html and SHA_FUS in html
    assert "GRCh38" in html and "contig lengths in the VCF header" in html
    assert re.search(r'id="risk">High<', html)  # risk as text, not colour alone
    assert "2026-02-02T00:00:00Z" in html  # created override
    assert "12.3%" in html  # VAF as a percentage
    assert "P1.fusions.tsv:2" in html  # source file:line


def test_html_not_assessed_is_prominent(html):
    callout = html.index('id="not-assessed-callout"')
    assert callout < html.index('id="primary-subtype"')
    assert "copy-number lesions" in html[callout : callout + 400]
    assert "Not assessed" in html


def test_html_low_confidence_and_relapse_sections(html):
    relapse = html[html.index('id="relapse"') : html.index('id="low-confidence"')]
    assert "ABL1 p.T315I" in relapse and "NT5C2 p.R367Q" in relapse
    low = html[html.index('id="low-confidence"') : html.index('id="assessments"')]
    assert "P2RY8::CRLF2" in low and "flag: read-through" in low
    assert "FILTER LowVAF" in low


def test_citations_numbered_in_order_of_first_appearance(result, kb):
    ctx = build_context(result, kb)
    keys = [c["key"] for c in ctx["citations"]]
    assert [c["number"] for c in ctx["citations"]] == list(range(1, len(keys) + 1))
    # summary first: primary subtype, then prognosis basis, then actionable therapies
    assert keys[:2] == ["who2022", "soverini2011"]
    assert set(keys) == {"who2022", "soverini2011", "nosuchkey", "icc2022", "meyer2013"}
    by_key = {c["key"]: c for c in ctx["citations"]}
    assert by_key["nosuchkey"]["text"] == "nosuchkey" and not by_key["nosuchkey"]["known"]
    assert by_key["who2022"]["link"] == "https://pubmed.ncbi.nlm.nih.gov/35732831/"
    assert by_key["icc2022"]["link"] is None  # javascript: URL never becomes an href


def test_html_citation_list_links_and_verification_marks(html):
    cites = html[html.index('id="citations"') :]
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/35732831/"' in cites
    assert 'href="https://doi.org/10.1182/x"' in cites
    assert not re.search(r"href=\"\s*javascript:", html, re.I)  # shown as text at most, never a link
    soverini = cites[cites.index("Soverini") : cites.index("</li>", cites.index("Soverini"))]
    assert "(identifier not verified)" in soverini
    who = cites[cites.index("Alaggio") : cites.index("</li>", cites.index("Alaggio"))]
    assert "not verified" not in who
    assert "nosuchkey" in cites and "(not found in the knowledge base)" in cites
    assert 'href="#cite-1"' in html  # inline refs link to the list


def test_render_html_uses_strict_undefined(result, kb, tmp_path):
    (tmp_path / "base.html.j2").write_text("<p>{{ ctx.header.sample_id }} {{ ctx.no_such_key }}</p>")
    with pytest.raises(jinja2.UndefinedError, match="no_such_key"):
        render_html(result, kb, tmp_path)


def test_render_html_custom_templates_are_autoescaped(result, kb, tmp_path):
    (tmp_path / "base.html.j2").write_text("<p>{{ ctx.header.sample_id }}</p>")
    assert render_html(result, kb, tmp_path) == "<p>P1&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_compiled_templates_are_kept_between_runs_and_an_edit_is_compiled_afresh(result, kb, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.html.j2").write_text("<p>{{ ctx.header.sample_id }}</p>")
    first = render_html(result, kb, templates)
    cached = sorted((tmp_path / "cache" / "leuk-annot" / "templates").iterdir())
    assert len(cached) == 1
    cached[0].write_bytes(cached[0].read_bytes().replace(b"<p>", b"<b>"))  # what a cache hit would render
    assert render_html(result, kb, templates) == first.replace("<p>", "<b>")  # compiled code came from the cache
    (templates / "base.html.j2").write_text("<i>{{ ctx.header.sample_id }}</i>")
    assert render_html(result, kb, templates) == "<i>P1&lt;script&gt;alert(1)&lt;/script&gt;</i>"


def test_a_cache_directory_that_cannot_be_made_only_costs_compile_time(result, kb, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    html = render_html(result, kb, created="2026-02-02T00:00:00Z")
    assert html.startswith("<!DOCTYPE html>") and "P1&lt;script&gt;" in html


def test_render_html_missing_templates_dir_is_reported(result, kb, tmp_path):
    from leuk_annot.errors import OutputError

    with pytest.raises(OutputError, match=r"no base\.html\.j2"):
        render_html(result, kb, tmp_path / "nowhere")


def test_every_template_opens_with_a_header_comment():
    root = Path(__file__).resolve().parents[1] / "report_templates"
    templates = sorted(root.rglob("*.j2"))
    assert {p.name for p in (root / "sections").glob("*.html.j2")} >= {
        f"{name}.html.j2"
        for name in (
            "summary",
            "subtypes",
            "lesions",
            "therapies",
            "relapse",
            "low_confidence",
            "assessments",
            "warnings",
            "provenance",
            "citations",
        )  # fmt: skip
    }
    for path in templates:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        rel = path.relative_to(root).as_posix()
        assert first.startswith("{# " + rel + " — ") and "reads:" in first and first.endswith("#}"), rel


@pytest.mark.parametrize(
    "full, short",
    [
        ("p.Thr315Ile", "p.T315I"),
        ("p.Arg100GlyfsTer12", "p.R100Gfs*12"),
        ("p.(Arg367Gln)", "p.(R367Q)"),
        ("p.Gln61Ter", "p.Q61*"),
        ("c.944C>T", "c.944C>T"),  # not a protein change: unchanged
        (None, None),
    ],
)
def test_short_hgvs_p(full, short):
    from leuk_annot.report.filters import short_hgvs_p

    assert short_hgvs_p(full) == short


def test_html_lesion_table_uses_one_letter_protein_change(html):
    lesions = html[html.index('id="lesions-table"') : html.index('id="therapies"')]
    assert 'title="p.Thr315Ile">p.T315I<' in lesions


def test_render_html_minimal_result_takes_every_empty_branch(result, kb):
    """No calls, lesions, therapies, risk or inputs: every section still renders, nothing crashes."""
    from dataclasses import replace

    empty = replace(
        result,
        sample_id="S0",
        lesions=(),
        low_confidence=(),
        subtypes=(),
        therapies=(),
        flags=(),
        warnings=(),
        assessments=(),
        prognosis=Prognosis(risk=None, basis=(), policy="none"),
        provenance=replace(result.provenance, inputs=()),
    )
    html = render_html(empty, kb)
    assert re.search(r'id="primary-subtype">No subtype called<', html)
    assert re.search(r'id="risk">Not determined<', html)
    assert "No warnings." in html and "No citations." in html
    assert 'id="not-assessed-callout"' not in html
    doc = json.loads(to_json(empty))
    validate_result_json(doc)
    assert to_tsv(empty) == "\t".join(COLUMNS) + "\n"


def test_created_override_applies_to_whole_page(html):
    assert "2026-02-02T00:00:00Z" in html
    assert "2026-02-01T10:00:00Z" not in html


def test_importing_report_modules_does_not_import_jinja2_or_jsonschema():
    """Lazy imports keep `leuk-annot --version` and JSON-only runs fast."""
    import subprocess
    import sys

    code = (
        "import sys, leuk_annot.report, leuk_annot.report.json_out, leuk_annot.report.tsv_out;"
        "print(sorted(m for m in ('jinja2', 'jsonschema') if m in sys.modules))"
    )
    repo = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo)
    assert out.stdout.strip() == "[]"


def test_html_without_primary_names_the_conflict(result, kb):
    from dataclasses import replace

    conflicting = replace(result, subtypes=tuple(replace(c, status="conflicting") for c in result.subtypes))
    html = render_html(conflicting, kb)
    assert re.search(r'id="primary-subtype">No single subtype: 2 conflicting calls<', html)
    others = html[html.index('aria-label="Further subtype calls"') : html.index('id="risk"')]
    assert others.count(">conflicting</span>") == 2


# -- tumour-board parts: pharmacogenomics, relapse risk, clonality, critical flags, VAF plot, PDF ---


def _board(result):
    """The fixture result with the newer parts filled in (pharmacogenomics, relapse, isoform, clonality)."""
    from dataclasses import replace

    from leuk_annot.model import DosingRecommendation, PharmacogeneCall, Pharmacogenomics, RelapseAssessment, RiskItem

    fusion, t315i = result.lesions[:2]
    lesions = (replace(fusion, isoform="e1a2"), replace(t315i, clonality="subclonal"), *result.lesions[2:])
    pgx = Pharmacogenomics(
        calls=(
            PharmacogeneCall("TPMT", "*1/*3A", "intermediate metabolizer", ("TPMT c.719A>G heterozygous",), "tumour",
                             (f"confirm on germline DNA {XSS}",)),
            PharmacogeneCall("NUDT15", None, "indeterminate", (), "tumour", ()),
        ),
        recommendations=(
            DosingRecommendation("mercaptopurine", "TPMT IM / NUDT15 indeterminate", "start at 30-80% of the dose",
                                 "Strong", ("meyer2013",), "CPIC thiopurines 2018; https://cpicpgx.org/x/"),
        ),
        method="genotyped at the KB sites",
    )
    relapse = RelapseAssessment(
        items=(
            RiskItem("BFM time to relapse", "very early", True, "diagnosis 2024-01-01, relapse 2025-01-01",
                     ("who2022",)),
            RiskItem("BFM strategic group", None, False, "not assessable: no relapse site"),
        ),
        clinical_file="/data/P1.clinical.yaml",
    )
    flags = (
        *result.flags,
        Flag("L-CD19-01", "CD19 truncating variant: risk of resistance to blinatumomab and CD19 CAR-T"),
        Flag("M-LOWHYPO-01", "Low hypodiploid: offer germline TP53 testing"),
    )
    return replace(result, lesions=lesions, pharmacogenomics=pgx, relapse=relapse, flags=flags)


def test_to_json_carries_pharmacogenomics_relapse_isoform_and_clonality(result):
    doc = json.loads(to_json(_board(result)))
    validate_result_json(doc)
    fusion, t315i = doc["lesions"][:2]
    assert (fusion["isoform"], fusion["clonality"]) == ("e1a2", None)
    assert (t315i["isoform"], t315i["clonality"]) == (None, "subclonal")
    assert list(fusion).index("isoform") == list(fusion).index("hgvs_p") + 1
    pgx = doc["pharmacogenomics"]
    assert pgx["calls"][0] == {
        "gene": "TPMT", "diplotype": "*1/*3A", "phenotype": "intermediate metabolizer",
        "observations": ["TPMT c.719A>G heterozygous"], "sample_kind": "tumour",
        "caveats": [f"confirm on germline DNA {XSS}"],
    }  # fmt: skip
    assert pgx["recommendations"][0]["citations"] == ["meyer2013"] and pgx["recommendations"][0]["strength"] == "Strong"
    assert doc["relapse"]["clinical_file"] == "/data/P1.clinical.yaml"
    assert doc["relapse"]["items"][1] == {
        "scheme": "BFM strategic group", "value": None, "assessable": False,
        "basis": "not assessable: no relapse site", "citations": [],
    }  # fmt: skip
    plain = json.loads(to_json(result))
    assert plain["pharmacogenomics"] is None and plain["relapse"] is None


@pytest.mark.parametrize(
    "path, bad",
    [
        (("pharmacogenomics", "calls", 0, "sample_kind"), "blood"),
        (("relapse", "items", 0, "assessable"), "yes"),
        (("lesions", 1, "clonality"), "mostly"),
    ],
)
def test_schema_rejects_bad_new_values(result, path, bad):
    doc = json.loads(to_json(_board(result)))
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = bad
    with pytest.raises(jsonschema.ValidationError):
        validate_result_json(doc)


def test_tsv_has_isoform_and_clonality_columns(result):
    lines = to_tsv(_board(result)).splitlines()
    col = {name: i for i, name in enumerate(lines[0].split("\t"))}
    fusion, t315i = (line.split("\t") for line in lines[1:3])
    assert fusion[col["isoform"]] == "e1a2" and t315i[col["clonality"]] == "subclonal"
    assert fusion[col["clonality"]] == ""


def test_critical_flags_are_sorted_into_the_three_kinds(result, kb):
    summary = build_context(_board(result), kb)["summary"]
    kinds = {k["kind"]: k for k in summary["critical"]["kinds"]}
    assert [k["label"] for k in summary["critical"]["kinds"]] == [
        "Germline testing", "PGx dosing", "Immunotherapy escape"]  # fmt: skip
    assert [e["text"] for e in kinds["germline"]["entries"]] == ["Low hypodiploid: offer germline TP53 testing"]
    assert "blinatumomab" in kinds["immunotherapy"]["entries"][0]["text"]
    pgx = [e["text"] for e in kinds["pgx"]["entries"]]
    assert pgx[0] == "TPMT *1/*3A: intermediate metabolizer — adjust thiopurine starting dose"
    assert pgx[1] == "NUDT15: indeterminate — genotype before thiopurines"
    assert "confirm on a germline sample" in pgx[2]
    assert [f["text"] for f in summary["critical"]["other"]] == ["Consider ponatinib"]
    empty = {k["kind"]: k for k in build_context(result, kb)["summary"]["critical"]["kinds"]}
    assert empty["germline"]["entries"] == [] and empty["germline"]["none_text"] == "None raised."
    assert empty["pgx"]["none_text"].startswith("Not assessed")


def test_html_pharmacogenomics_relapse_and_clonality(result, kb):
    html = render_html(_board(result), kb)
    pgx = html[html.index('<section id="pharmacogenomics"') : html.index('<section id="copy-number"')]
    assert "*1/*3A" in pgx and "intermediate metabolizer" in pgx
    assert f"confirm on germline DNA {XSS}" not in pgx and "confirm on germline DNA &lt;script&gt;" in pgx
    dosing = pgx[pgx.index('id="pgx-dosing-table"') :]
    assert '<th scope="row">mercaptopurine</th>' in dosing
    assert '<a class="guideline-link" href="https://cpicpgx.org/x/"' in dosing  # printed by the print CSS
    assert re.search(r'href="#cite-\d+"', dosing)  # CPIC citation numbered
    relapse = html[html.index('<section id="relapse"') : html.index('<section id="pharmacogenomics"')]
    assert "very early" in relapse and "Not assessable" in relapse and "P1.clinical.yaml" in relapse
    assert "subclonal" in relapse
    summary = html[html.index('<section id="summary"') : html.index('<section id="subtypes"')]
    assert "BFM time to relapse: <strong>very early</strong>" in summary
    assert re.search(r'id="critical-pgx">\s*<dt>PGx dosing <span class="flag-label">Action</span>', summary)


def test_vaf_plot_has_one_labelled_dot_per_sequence_variant(result, kb):
    from leuk_annot.report.vaf_plot import VafPoint, vaf_plot

    html = render_html(_board(result), kb)
    svg = re.search(r'<svg[^>]*id="vaf-plot".*?</svg>', html, re.S).group(0)
    assert '<title id="vaf-plot-title">' in svg and '<desc id="vaf-plot-desc">' in svg
    assert svg.count('<g class="dot">') == 1  # ABL1 p.T315I; the NT5C2 variant is low confidence
    assert "ABL1 p.T315I: VAF 12.3%, subclonal" in svg
    assert 'class="half-line"' in svg and 'stroke-dasharray="6 4"' in svg
    plot = vaf_plot([VafPoint(f"G {XSS}", 0.5, "clonal"), VafPoint("H", 0.2, "subclonal"), VafPoint("I", None, None)])
    assert "<script" not in plot and "G &lt;script&gt;" in plot
    dots = plot[plot.index('<g class="dots"') :]
    assert dots.count("<circle") == 1 and dots.count("<polygon") == 1  # shape carries clonality
    assert "no VAF" in dots and dots.count('<g class="dot">') == 2
    assert "No sequence variants." in vaf_plot([])


def test_vaf_plot_legend_fits_inside_the_plot_however_few_the_variants():
    """Each legend text, at ~0.62 em per character (a generous mean for system sans-serif fonts at
    11 px), ends inside the view box; a one-variant plot once cut the last words off."""
    from leuk_annot.report.vaf_plot import VafPoint, vaf_plot

    svg = vaf_plot([VafPoint("ABL1 p.T315I", 0.4, None)])
    width = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    legend = re.search(r'<g class="legend" font-size="11".*?</g>', svg, re.S).group(0)
    texts = re.findall(r'<text x="(\d+)" y="\d+">([^<]+)</text>', legend)
    assert [t for _, t in texts][-1] == "50% (heterozygous, pure sample)"
    assert all(int(x) + len(text) * 0.62 * 11 <= width for x, text in texts), (width, texts)


def test_therapies_are_grouped_by_lesion_in_summary_order(result, kb):
    ctx = build_context(result, kb)
    groups = [row["group"] for row in ctx["therapies"]]
    summary_order = [g["label"] for g in ctx["summary"]["actionable"]]
    assert list(dict.fromkeys(groups)) == [g for g in summary_order if g in groups]
    first = [row for row in ctx["therapies"] if row["group"] == groups[0]]
    assert [r["response"] for r in first] == sorted((r["response"] for r in first), key=lambda x: x != "sensitivity")


def test_tables_are_interactive_and_script_has_no_closing_tag_sequence(html):
    assert len(re.findall(r'<table id="[^"]+" class="[^"]*\binteractive\b', html)) >= 6
    js = (Path(__file__).resolve().parents[1] / "report_templates" / "static" / "report.js").read_text()
    assert "</" not in js and "aria-sort" in js


def test_custom_script_with_closing_tag_is_refused(result, kb, tmp_path):
    from leuk_annot.errors import OutputError

    (tmp_path / "static").mkdir()
    (tmp_path / "base.html.j2").write_text("{{ ctx.title }}", encoding="utf-8")
    (tmp_path / "static" / "report.js").write_text("x = '</script><b>';", encoding="utf-8")
    with pytest.raises(OutputError, match=r"report\.js: script contains '</'"):
        render_html(result, kb, tmp_path)


def test_write_atomically_writes_bytes_and_text(tmp_path):
    from leuk_annot.outputs import write_atomically

    write_atomically(tmp_path, {"a.txt": "é\n", "b.pdf": b"%PDF-1.4\x00\xff"})
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "é\n"
    assert (tmp_path / "b.pdf").read_bytes() == b"%PDF-1.4\x00\xff"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.pdf"]


def test_find_chromium_missing_is_a_clear_output_error(monkeypatch, tmp_path):
    from leuk_annot.errors import OutputError
    from leuk_annot.report import pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf, "DEFAULT_CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(OutputError, match=r"--pdf needs Chromium.*apt-get install chromium"):
        pdf.find_chromium()


def test_html_to_pdf_reports_a_failing_browser(tmp_path):
    from leuk_annot.errors import OutputError
    from leuk_annot.report.pdf import html_to_pdf

    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(OutputError, match=r"failed to print the report \(exit 3\): cannot open display"):
        html_to_pdf("<p>x</p>", fake)


def test_annotate_pdf_failure_leaves_no_partial_output(monkeypatch, tmp_path, capsys):
    from conftest import CASES

    from leuk_annot import cli
    from leuk_annot.errors import ExitStatus, OutputError
    from leuk_annot.report import pdf

    monkeypatch.setattr(pdf, "find_chromium", lambda: Path("/usr/bin/chromium"))

    def broken(html, chromium=None, **_):
        raise OutputError("--pdf: chromium failed to print the report (exit 1): boom")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    out = tmp_path / "out"
    demo = CASES / "demo"
    status = cli.main(["annotate", str(demo / "DEMO_REL.vcf"), "--fusions", str(demo / "DEMO_REL.fusions.tsv"),
                       "-o", str(out), "--pdf"])
    assert status == ExitStatus.OUTPUT_ERROR
    assert "boom" in capsys.readouterr().err
    assert not out.exists() or list(out.iterdir()) == []  # not even the HTML, JSON or TSV
