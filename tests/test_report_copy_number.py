"""Copy number in the outputs: JSON (+ schema), new evidence event types, TSV rows and the HTML section.

The result is built by hand (a high-hyperdiploid profile with +21 and a RUNX1 gain, an IKZF1
intragenic deletion, a CDKN2A deletion seen by an SV caller) so only the renderers are tested.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace

import jsonschema
import pytest

from leuk_annot.genome import CONTIG_LENGTHS
from leuk_annot.knowledge.records import Citation, KnowledgeBase
from leuk_annot.model import (
    AnnotationResult,
    ChromosomeCopyNumber,
    CopyNumberProfile,
    CopyNumberSegment,
    GeneCopyNumber,
    GeneDeletion,
    InputFile,
    Lesion,
    LesionKind,
    LesionRole,
    Prognosis,
    Provenance,
    SourceRef,
    StructuralVariant,
)
from leuk_annot.report import render_html
from leuk_annot.report.json_out import MAX_JSON_SEGMENTS, to_json, validate_result_json
from leuk_annot.report.plots import (
    PlotSegment,
    chromosome_plot,
    count_drawn_elements,
    downsample,
    genome_plot,
)
from leuk_annot.report.tsv_out import COLUMNS, to_tsv

XSS = "<script>alert(1)</script>"
CNS = "/data/P7.cns"
GAINED = ("4", "6", "10", "14", "17", "18", "21", "X")
RUNX1 = (34787801, 36004667)  # GRCh38 span used as test input only


def _segments(sample: str = f"P7{XSS}") -> tuple[CopyNumberSegment, ...]:
    """One segment per chromosome (gains on GAINED), chr21 split to show a focal RUNX1 amplification."""

    def seg(chrom, start, end, line, log2, cn, minor=None, probes=None):
        return CopyNumberSegment(chrom, start, end, "cnvkit", SourceRef(CNS, line), log2, cn, minor, probes, sample)

    segs = []
    for line, (chrom, length) in enumerate(CONTIG_LENGTHS["GRCh38"].items(), start=2):
        if chrom == "21":
            segs.append(seg("21", 1, RUNX1[0] - 1, line, 0.58, 3.0, probes=400))
            segs.append(seg("21", RUNX1[0], RUNX1[1], 90, 1.32, 5.0, probes=60))
            segs.append(seg("21", RUNX1[1] + 1, length, 91, 0.58, 3.0, minor=1.0, probes=200))
        elif chrom != "Y":
            segs.append(seg(chrom, 1, length, line, None, 3.0 if chrom in GAINED else 2.0, probes=900))
    segs.append(seg("7", 50304716, 50367353, 95, -1.0, 1.0, minor=0.0, probes=12))  # focal IKZF1 loss
    return tuple(segs)


def _profile(segments=None) -> CopyNumberProfile:
    chroms = tuple(
        ChromosomeCopyNumber(c, 3 if c in GAINED else 2, 3.0 if c in GAINED else 2.0, 3.0 if c in GAINED else 2.0, 0.97)
        for c in CONTIG_LENGTHS["GRCh38"]
        if c != "Y"
    )
    genes = (
        GeneCopyNumber("RUNX1", "21", *RUNX1, 5.0, "amplification", "whole_gene", 1.0, (SourceRef(CNS, 90),)),
        GeneCopyNumber("IKZF1", "7", 50304716, 50405101, 1.0, "hemizygous_deletion", "intragenic", 1.0,
                       detail="exons 4-7 deleted (IK6)"),
        GeneCopyNumber("CDKN2A", "9", 21967752, 21995301, 0.0, "homozygous_deletion", "whole_gene", 1.0),
        GeneCopyNumber("PAX5", "9", 36833275, 37034185, 2.0, "neutral", "whole_gene", 1.0),
    )  # fmt: skip
    return CopyNumberProfile(
        method="purity 0.80, ploidy 2 (log2 scaled to total copy number)",
        purity=0.8,
        ploidy=2.0,
        modal_number=54,
        chromosomes=chroms,
        genes=genes,
        segments=_segments() if segments is None else segments,
    )


@pytest.fixture
def result() -> AnnotationResult:
    sv_vcf = "/data/P7.sv.vcf"
    ikzf1_seg = _segments()[-1]
    ikzf1 = GeneDeletion(
        "IKZF1", "7", 50304716, 50367353, "intragenic", "cnvkit", SourceRef(CNS, 95), 1.0,
        "exons 4-7 (IK6, dominant negative)",
    )  # fmt: skip
    sv = StructuralVariant(
        "9", 21900000, "left", "9", 22100000, "right", "DEL", "manta", SourceRef(sv_vcf, 40),
        event_id="MantaDEL:1", supporting_reads=31, support_level="high",
    )  # fmt: skip
    cdkn2a = GeneDeletion("CDKN2A", "9", 21967752, 21995301, "whole_gene", "manta", SourceRef(sv_vcf, 40))
    low_sv = StructuralVariant(
        "12", 11800000, None, "12", 12000000, None, "INV", "delly", SourceRef(sv_vcf, 55),
        support_level="low", filter="LowQual", flags=("imprecise",),
    )  # fmt: skip
    heh_role = LesionRole("L-HeH", "favourable karyotype", "prognostic", False, "favourable", ("paulsson2009",))
    ikzf1_label = "IKZF1 deletion (exons 4-7 (IK6, dominant negative))"
    lesions = (
        Lesion(
            "aneuploidy:high_hyperdiploid", LesionKind.ANEUPLOIDY, (), "High hyperdiploidy (54 chromosomes)",
            evidence=_segments()[:3], roles=(heh_role,),
        ),
        Lesion(
            "deletion:IKZF1", LesionKind.GENE_DELETION, ("IKZF1",), ikzf1_label,
            evidence=(ikzf1, ikzf1_seg), consequence_class="intragenic",
        ),
        Lesion(
            "deletion:CDKN2A", LesionKind.GENE_DELETION, ("CDKN2A",), "CDKN2A deletion (whole-gene)",
            evidence=(cdkn2a, sv), consequence_class="whole_gene",
        ),
        Lesion(
            "amplification:RUNX1", LesionKind.GENE_AMPLIFICATION, ("RUNX1",), "RUNX1 amplification",
            evidence=(_segments()[20],),
        ),
    )  # fmt: skip
    low = (
        Lesion(
            "rearrangement:ETV6", LesionKind.REARRANGEMENT, ("ETV6",), "ETV6 rearrangement", (low_sv,), confidence="low"
        ),
    )
    inputs = (InputFile(CNS, "c" * 64, "cnvkit", "cnv"),)
    provenance = Provenance("0.1.0-test", "2026.01-test", 1, "GRCh38", "contig lengths", inputs, "2026-02-01T10:00:00Z")
    return AnnotationResult(
        sample_id="P7",
        genome_build="GRCh38",
        lesions=lesions,
        subtypes=(),
        therapies=(),
        prognosis=Prognosis(None, (), "none"),
        flags=(),
        warnings=(),
        provenance=provenance,
        low_confidence=low,
        copy_number=_profile(),
    )


@pytest.fixture
def kb() -> KnowledgeBase:
    cit = {"paulsson2009": Citation("paulsson2009", "Paulsson K et al. 2009.", verified=False)}
    return KnowledgeBase(
        path="<test>", version="2026.01-test", schema_version=1, released="2026-01-15", genes={}, aliases={},
        hotspots=(), subtypes={}, rules=(), lesion_rules=(), therapies=(), citations=cit,
    )  # fmt: skip


@pytest.fixture
def html(result, kb) -> str:
    return render_html(result, kb, created="2026-02-02T00:00:00Z")


def _section(html: str) -> str:
    start = html.index('<section id="copy-number"')
    return html[start : html.index("<section", start + 1)]


# -- JSON --------------------------------------------------------------------------------------


def test_json_validates_and_carries_copy_number(result):
    doc = json.loads(to_json(result))
    validate_result_json(doc)
    cn = doc["copy_number"]
    assert (cn["method"], cn["purity"], cn["ploidy"], cn["modal_number"]) == (result.copy_number.method, 0.8, 2.0, 54)
    assert {"chrom": "21", "copies": 3, "p_arm": 3.0, "q_arm": 3.0, "fraction_covered": 0.97} in cn["chromosomes"]
    ikzf1 = next(g for g in cn["genes"] if g["gene"] == "IKZF1")
    assert ikzf1 == {"gene": "IKZF1", "chrom": "7", "start": 50304716, "end": 50405101, "copy_number": 1.0,
                     "call": "hemizygous_deletion", "extent": "intragenic", "fraction_covered": 1.0,
                     "detail": "exons 4-7 deleted (IK6)"}  # fmt: skip
    assert len(cn["genes"]) == 4  # neutral genes are kept in the JSON; only the HTML table drops them
    assert cn["segments_omitted"] == 0
    assert len(cn["segments"]) == len(result.copy_number.segments)
    assert cn["segments"][-1] == {"chrom": "7", "start": 50304716, "end": 50367353, "copy_number": 1.0, "log2": -1.0}


def test_json_serialises_new_evidence_event_types(result):
    doc = json.loads(to_json(result))
    by_id = {lesion["id"]: lesion for lesion in doc["lesions"] + doc["low_confidence_lesions"]}
    deletion, segment = by_id["deletion:IKZF1"]["evidence"]
    assert deletion == {"type": "gene_deletion", "gene": "IKZF1", "chrom": "7", "start": 50304716, "end": 50367353,
                        "extent": "intragenic", "caller": "cnvkit", "copy_number": 1.0,
                        "detail": "exons 4-7 (IK6, dominant negative)",
                        "source": {"file": CNS, "line": 95, "record": None}}  # fmt: skip
    assert segment["type"] == "copy_number_segment"
    assert (segment["log2"], segment["copy_number"], segment["minor_copy_number"], segment["probes"]) == (
        -1.0,
        1.0,
        0.0,
        12,
    )
    assert segment["sample"] == f"P7{XSS}"  # JSON keeps the raw text; escaping is the HTML's job
    sv = by_id["deletion:CDKN2A"]["evidence"][1]
    assert sv == {"type": "structural_variant", "chrom1": "9", "pos1": 21900000, "keeps1": "left", "chrom2": "9",
                  "pos2": 22100000, "keeps2": "right", "svtype": "DEL", "caller": "manta", "event_id": "MantaDEL:1",
                  "supporting_reads": 31, "support_level": "high", "filter": "PASS", "flags": [],
                  "source": {"file": "/data/P7.sv.vcf", "line": 40, "record": None}}  # fmt: skip
    assert by_id["deletion:CDKN2A"]["evidence"][0]["copy_number"] is None  # SV-derived: no copy number
    assert by_id["rearrangement:ETV6"]["evidence"][0]["keeps1"] is None
    assert {lesion["kind"] for lesion in by_id.values()} == {
        "aneuploidy", "gene_deletion", "gene_amplification", "rearrangement"}  # fmt: skip


def test_json_omits_segments_above_the_limit_and_says_how_many(result):
    n = MAX_JSON_SEGMENTS + 1
    bins = tuple(
        CopyNumberSegment("1", i * 1000 + 1, i * 1000 + 1000, "cnvkit", SourceRef(CNS, i + 2), 0.0) for i in range(n)
    )
    doc = json.loads(to_json(replace(result, copy_number=_profile(bins))))
    validate_result_json(doc)
    assert doc["copy_number"]["segments"] is None
    assert doc["copy_number"]["segments_omitted"] == n
    at_limit = json.loads(to_json(replace(result, copy_number=_profile(bins[:MAX_JSON_SEGMENTS]))))
    assert len(at_limit["copy_number"]["segments"]) == MAX_JSON_SEGMENTS


def test_json_copy_number_is_null_without_profile(result):
    doc = json.loads(to_json(replace(result, copy_number=None)))
    validate_result_json(doc)
    assert doc["copy_number"] is None


@pytest.mark.parametrize(
    "path, bad",
    [
        (("copy_number", "genes", 0, "call"), "deleted"),
        (("copy_number", "chromosomes", 0, "extra"), 1),
        (("lesions", 2, "evidence", 1, "svtype"), "TRA"),
        (("lesions", 1, "evidence", 0, "extent"), "most"),
    ],
)
def test_schema_rejects_bad_copy_number_and_event_values(result, path, bad):
    doc = json.loads(to_json(result))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    with pytest.raises(jsonschema.ValidationError):
        validate_result_json(doc)


def test_event_without_json_form_is_refused(result):
    from leuk_annot.report.json_out import event_dict

    with pytest.raises(TypeError, match="no JSON form for evidence event of type str"):
        event_dict("not an event")


# -- TSV ---------------------------------------------------------------------------------------


def test_tsv_rows_for_copy_number_and_sv_lesions(result):
    lines = to_tsv(result).splitlines()
    rows = [dict(zip(COLUMNS, line.split("\t"))) for line in lines[1:]]
    assert all(len(line.split("\t")) == len(COLUMNS) for line in lines)
    assert [(r["lesion_id"], r["kind"]) for r in rows] == [
        ("aneuploidy:high_hyperdiploid", "aneuploidy"),
        ("deletion:IKZF1", "gene_deletion"),
        ("deletion:CDKN2A", "gene_deletion"),
        ("amplification:RUNX1", "gene_amplification"),
        ("rearrangement:ETV6", "rearrangement"),
    ]
    assert (rows[1]["source_file"], rows[1]["source_line"]) == (CNS, "95")
    assert rows[0]["genes"] == "" and rows[0]["role"] == "favourable karyotype"
    assert rows[4]["confidence"] == "low_confidence"


# -- HTML --------------------------------------------------------------------------------------


def test_html_copy_number_section_has_two_accessible_svgs(html):
    section = _section(html)
    svgs = re.findall(r"<svg\b.*?</svg>", section, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg
        assert re.search(r"<title id=\"[^\"]+\">[^<]+</title><desc id=\"[^\"]+\">[^<]+</desc>", svg)
        assert ">Copy number</text>" in svg  # y-axis label
        assert 'stroke-dasharray="6 4"' in svg  # neutral line at 2
    genome, chr21 = svgs
    assert "Chromosome (widths proportional to length; GRCh38 chromosome lengths)" in genome
    assert "Position on chromosome 21 (Mb)" in chr21
    assert re.search(r'<g class="marker"[^>]*><title>RUNX1 34,787,801-36,004,667</title>', chr21)
    assert "Whole-chromosome gains: 4, 6, 10, 14, 17, 18, 21, X." in genome


def test_html_gains_and_losses_differ_by_shape_not_only_colour(html):
    genome = re.findall(r"<svg\b.*?</svg>", _section(html), re.S)[0]
    gains = re.search(r'<g class="seg seg-gain"[^>]*>(.*?)</g>', genome).group(1)
    losses = re.search(r'<g class="seg seg-loss" fill="url\(#cn-genome-hatch\)"[^>]*>(.*?)</g>', genome).group(1)
    assert gains.count("<rect") == len(GAINED) + 2  # 7 gained chromosomes + 3 pieces of chr21
    assert losses.count("<rect") == 1  # the IKZF1 segment
    baseline = 34 + (300 - 52 - 34) * (6 - 2) / 6  # y of copy number 2 inside the plot frame
    gain_bottoms = {
        round(float(y) + float(h), 1) for y, h in re.findall(r'y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', gains)
    }
    loss_tops = {float(y) for y in re.findall(r'y="([\d.]+)"', losses)}
    assert gain_bottoms == {round(baseline, 1)} and loss_tops == {round(baseline, 1)}  # above vs below the line


def test_html_shows_method_modal_number_karyotype_and_tables(html):
    section = _section(html)
    assert re.search(r'id="cn-modal-number">54<', section)
    assert 'id="cn-method">purity 0.80, ploidy 2 (log2 scaled to total copy number)<' in section
    assert "<strong>High hyperdiploidy (54 chromosomes)</strong>" in section
    genes = section[section.index('id="cn-genes-table"') : section.index('id="cn-chromosomes-table"')]
    rows = re.findall(r"<tr class=\"cn-[^\"]+\">\s*(.*?)</tr>", genes, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]
    assert [c[:4] for c in cells] == [
        ["IKZF1", "hemizygous deletion", "1.0", "intragenic"],
        ["CDKN2A", "homozygous deletion", "0.0", "whole gene"],
        ["RUNX1", "amplification", "5.0", "whole gene"],
    ]  # genome order; PAX5 (neutral) is not listed
    assert "(1 further gene neutral)" in genes
    chroms = section[section.index('id="cn-chromosomes-table"') :]
    assert re.search(r'<th scope="row">21</th>\s*<td class="num">3</td>\s*<td class="num">3.0</td>', chroms)
    assert 'href="#copy-number"' in html


def test_html_escapes_segment_sample_and_stays_self_contained(html):
    assert "<script>alert" not in html
    assert len(re.findall(r"<script\b", html)) == 1  # the report's own inline sort/filter script only
    assert "Genome-wide copy number, sample P7&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)
    assert html.count("http://www.w3.org/2000/svg") == 2  # the SVG namespace is an identifier, not a fetch


def test_html_without_profile_says_not_assessed(result, kb):
    html = render_html(replace(result, copy_number=None), kb)
    section = _section(html)
    assert re.search(r'id="copy-number-not-assessed">Not assessed \(no copy-number segments given\)\.<', section)
    assert "<svg" not in html


def test_html_unknown_build_lays_out_by_segment_ends(result, kb):
    html = render_html(replace(result, genome_build="unknown"), kb)
    genome = re.findall(r"<svg\b.*?</svg>", _section(html), re.S)[0]
    assert "chromosome extents taken from the segments" in genome
    assert '<g class="seg seg-loss"' in genome


# -- plots -------------------------------------------------------------------------------------


def _noisy_bins(n: int, noise) -> list[PlotSegment]:
    """About ``n`` equal bins over GRCh38: gains on GAINED, a loss of chromosome 9, plus ``noise(i)``."""
    lengths = CONTIG_LENGTHS["GRCh38"]
    total = sum(lengths.values())
    bins = []
    for chrom, length in lengths.items():
        true_cn = 3.0 if chrom in GAINED else 1.0 if chrom == "9" else 2.0
        k = max(1, round(n * length / total))
        step = length // k
        bins += [PlotSegment(chrom, i * step + 1, (i + 1) * step, true_cn + noise(i)) for i in range(k)]
    return bins


def test_plot_downsamples_100000_bins_to_at_most_3000_elements():
    # +-0.6 alternating: neighbours never share a rounded copy number, so merging alone cannot help.
    bins = _noisy_bins(100_000, lambda i: 0.6 if i % 2 else -0.6)
    assert len(bins) > 99_000
    svg = genome_plot(bins, CONTIG_LENGTHS["GRCh38"], title="t", desc="d")
    assert count_drawn_elements(svg) <= 3000
    assert len(svg) < 100_000
    gains = re.search(r'<g class="seg seg-gain"[^>]*>(.*?)</g>', svg).group(1)
    losses = re.search(r'<g class="seg seg-loss"[^>]*>(.*?)</g>', svg).group(1)
    # Averaged windows recover the true states: one span per gained chromosome, one for chr9.
    assert (gains.count("<rect"), losses.count("<rect")) == (len(GAINED), 1)


def test_plot_element_bound_holds_for_pure_noise():
    rng = random.Random(7)
    bins = _noisy_bins(100_000, lambda i: rng.uniform(-2.0, 4.0))
    svg = genome_plot(bins, CONTIG_LENGTHS["GRCh38"], title="t", desc="d")
    assert count_drawn_elements(svg) <= 3000
    assert count_drawn_elements(svg) > 100  # still drawn, not collapsed


def test_downsample_merges_equal_rounded_neighbours_before_averaging():
    lengths = {"1": 10_000_000}
    bins = [PlotSegment("1", i * 1000 + 1, (i + 1) * 1000, 2.1 if i < 6000 else 3.9) for i in range(10_000)]
    merged = downsample(bins, lengths, max_segments=100)
    assert [(s.start, s.end, round(s.copy_number, 1)) for s in merged] == [
        (1, 6_000_000, 2.1),
        (6_000_001, 10_000_000, 3.9),
    ]
    few = bins[:50]
    assert downsample(few, lengths, max_segments=100) == few  # small inputs are drawn as given


def test_plot_text_is_escaped_and_clipped_values_stay_in_frame():
    svg = chromosome_plot([PlotSegment("21", 1, 1000, 40.0)], "21", 46_709_983, plot_id='x"y', title=XSS,
                          desc="a & b", markers=[])  # fmt: skip
    assert "<script" not in svg and "&lt;script&gt;" in svg and "a &amp; b" in svg
    assert 'id="x&quot;y"' in svg
    gain = re.search(r'<g class="seg seg-gain"[^>]*><rect x="[\d.]+" y="([\d.]+)"', svg)
    assert float(gain.group(1)) == 34.0  # clipped to the top of the frame (6+)


def test_html_gene_table_absent_when_all_genes_neutral(result, kb):
    profile = result.copy_number
    neutral = tuple(replace(g, call="neutral", copy_number=2.0) for g in profile.genes)
    html = render_html(replace(result, copy_number=replace(profile, genes=neutral)), kb)
    assert 'id="cn-genes-table"' not in html
    assert re.search(r'id="cn-genes-none">All 4 knowledge-base genes assessed are copy-number neutral\.<', html)
    assert "RUNX1 has no gene-level call" not in html  # a neutral RUNX1 is still marked on chr21
    assert "<title>RUNX1 " in html


def test_chr21_plot_marks_runx1_only_when_the_profile_has_its_call(result, kb):
    profile = result.copy_number
    without = replace(profile, genes=tuple(g for g in profile.genes if g.gene != "RUNX1"))
    html = render_html(replace(result, copy_number=without), kb)
    chr21 = re.findall(r"<svg\b.*?</svg>", _section(html), re.S)[1]
    assert 'class="marker"' not in chr21
    assert "RUNX1 has no gene-level call in this profile, so it is not marked." in chr21


def test_low_confidence_reason_reads_sv_and_deletion_evidence(result, kb):
    """SV evidence gives support, flags and FILTER; deletions and segments (no FILTER) do not crash."""
    deletion = result.lesions[1]
    html = render_html(
        replace(result, low_confidence=(*result.low_confidence, replace(deletion, confidence="low"))), kb
    )
    low = html[html.index('id="low-confidence"') : html.index('id="assessments"')]
    assert "delly support: low; flag: imprecise; FILTER LowQual" in low
    assert "<td>below the confidence threshold</td>" in low  # the IKZF1 deletion has no reason to name
