"""Copy-number interpretation on synthetic GRCh38 segment sets: ploidy classes, iAMP21, gene deletions,
IKZF1 exon naming, PAR1, IKZF1plus and UKALL-CNA markers, purity adjustment and the stated method."""

from __future__ import annotations

import math

import pytest
from conftest import CASES

from leuk_annot.classify import classify, derive_lesions
from leuk_annot.classify.copy_number import interpret_copy_number, purity_adjusted, threshold_copies
from leuk_annot.genome import CONTIG_LENGTHS
from leuk_annot.model import CopyNumberSegment, SourceRef
from leuk_annot.therapy import collect_flags, evaluate_markers

LENGTHS = CONTIG_LENGTHS["GRCh38"]
AUTOSOMES = [str(i) for i in range(1, 23)]

# GRCh38 spans (annotation_db/genes.tsv and exons.tsv) used to place focal changes.
IKZF1_INTRON3, IKZF1_INTRON7 = 50_340_000, 50_395_000  # exon 3 ends 50,327,757; exon 8 starts 50,399,918
CDKN2AB = (21_900_000, 22_100_000)  # CDKN2A 21,967,752-21,995,301; CDKN2B 22,002,903-22,009,305
PAR1_LOSS = (1_250_000, 1_500_000)  # CRLF2 ends 1,212,723; P2RY8 spans 1,462,581-1,537,185
ERG_LOSS = (38_450_000, 38_500_000)  # inside ERG 38,380,027-38,661,780
ETV6_LOSS = (11_700_000, 11_800_000)


def genome(copies: dict[str, float] | None = None, focal=(), *, base: float = 2, sex: str = "female"):
    """Whole-chromosome segments at ``base`` copies (or ``copies[chrom]``), split by focal changes."""
    copies = dict(copies or {})
    copies.setdefault("X", 1 if sex == "male" else base)
    chroms = AUTOSOMES + ["X"] + (["Y"] if sex == "male" else [])
    if sex == "male":  # a male has two copies of PAR1 (X + Y), which callers report on X
        copies.setdefault("Y", 1)
        focal = [("X", 10_001, 2_781_479, 2), *focal]
    segments = []
    for chrom in chroms:
        level = copies.get(chrom, base)
        cuts = sorted((s, e, cn) for c, s, e, cn in focal if c == chrom)
        pos = 1
        for start, end, cn in cuts:
            if start > pos:
                segments.append(_seg(chrom, pos, start - 1, level))
            segments.append(_seg(chrom, start, end, cn))
            pos = end + 1
        segments.append(_seg(chrom, pos, LENGTHS[chrom], level))
    return segments


def _seg(chrom, start, end, cn=None, log2=None):
    return CopyNumberSegment(chrom, start, end, "seg", SourceRef("synthetic.seg", None, f"{chrom}:{start}-{end}"),
                             log2=log2, copy_number=cn)


def interpret(kb, segments, **kw):
    return interpret_copy_number(segments, kb, "GRCh38", **kw)


def lesions_of(kb, result):
    derived = derive_lesions([], [], kb, "GRCh38", result.deletions)
    return derived.lesions + result.lesions


def ids(lesions):
    return {lesion.id for lesion in lesions}


def markers(kb, lesions, assessed=("copy_number",)):
    return {marker.id for marker, _ in evaluate_markers(lesions, kb, assessed)}


def test_diploid_male_is_a_negative_control(kb):
    result = interpret(kb, genome(sex="male"))
    assert result.profile.modal_number == 46
    assert result.lesions == [] and result.deletions == []
    assert result.profile.genes == ()  # X genes at 1 copy are normal in a male
    assert result.masked_hypodiploidy_hint is None


def test_missing_chrY_is_warned_and_x_taken_as_two_copies(kb):
    result = interpret(kb, genome())
    assert result.profile.modal_number == 46
    assert any("chrY is not in the copy-number input" in w.message for w in result.warnings)
    assert result.profile.genes == ()


def test_high_hyperdiploid_with_tetrasomy_21_is_not_iamp21(kb):
    gains = {"X": 3, "4": 3, "6": 3, "10": 3, "14": 3, "17": 3, "18": 3, "21": 4}
    result = interpret(kb, genome(gains))
    assert result.profile.modal_number == 55
    (lesion,) = [x for x in result.lesions if x.id.startswith("karyotype:")]
    assert lesion.id == "karyotype:high_hyperdiploid"
    assert "modal number 55" in lesion.label and "+X,+4,+6,+10,+14,+17,+18,+21,+21" in lesion.label
    assert "+4 and +10 present" in lesion.label
    assert "karyotype:iAMP21" not in ids(result.lesions)
    assert "amplification:RUNX1" not in ids(result.lesions)  # 4 copies is a gain, not an amplification
    calls = classify(lesions_of(kb, result), kb)
    assert calls[0].subtype_id == "BALL.HYPERDIPLOID" and calls[0].rule_id == "R-BALL-HYPERDIPLOID-01"


def iamp21_chr21():
    """21q copy levels 2-3-1-4-6-2-1 with RUNX1 (34.79-36.00 Mb) in the 6-copy segment."""
    return [("21", 15_000_001, 25_000_000, 3), ("21", 25_000_001, 30_000_000, 1), ("21", 30_000_001, 34_000_000, 4),
            ("21", 34_000_001, 36_500_000, 6), ("21", 36_500_001, 38_000_000, 2), ("21", 38_000_001, LENGTHS["21"], 1)]


def test_iamp21_from_alternating_21q_levels(kb):
    result = interpret(kb, genome(focal=iamp21_chr21()))
    (lesion,) = [x for x in result.lesions if x.id == "karyotype:iAMP21"]
    assert lesion.label.startswith("iAMP21 (RUNX1 region copy number 6;")
    assert "amplification:RUNX1" in ids(result.lesions)
    assert all(s.chrom == "21" for s in lesion.evidence)
    calls = classify(lesions_of(kb, result), kb)
    assert "BALL.IAMP21" in {c.subtype_id for c in calls}


def test_focal_runx1_amplification_alone_is_not_iamp21(kb):
    result = interpret(kb, genome(focal=[("21", 34_500_000, 36_200_000, 6)]))
    assert "amplification:RUNX1" in ids(result.lesions)
    assert "karyotype:iAMP21" not in ids(result.lesions)


def test_near_haploid(kb):
    copies = {c: 1 for c in AUTOSOMES} | {"14": 2, "21": 2, "X": 2}
    result = interpret(kb, genome(copies))
    assert result.profile.modal_number == 26
    assert "karyotype:near_haploid" in ids(result.lesions)
    calls = classify(lesions_of(kb, result), kb)
    assert calls[0].subtype_id == "BALL.NEAR_HAPLOID"


def test_low_hypodiploid_raises_the_germline_tp53_prompt(kb):
    monosomies = ["2", "3", "4", "7", "9", "12", "13", "15", "16", "17", "20"]
    result = interpret(kb, genome({c: 1 for c in monosomies}))
    assert result.profile.modal_number == 35
    lesions = lesions_of(kb, result)
    assert "karyotype:low_hypodiploid" in ids(lesions)
    flags = {f.id: f for f in collect_flags(lesions, kb, assessed=("copy_number",))}
    assert "germline TP53" in flags["M-LOW_HYPODIPLOID_TP53-01"].text


def test_high_hypodiploid(kb):
    result = interpret(kb, genome({c: 1 for c in ["3", "7", "9", "13", "16"]}))
    assert result.profile.modal_number == 41
    assert "karyotype:high_hypodiploid" in ids(result.lesions)


def test_doubled_near_haploid_is_hinted_and_not_called_hyperdiploid(kb):
    # near-haploid 27 (disomies X, 14, 18, 21) doubled: chromosomes at 2 and 4 copies only, 54 in all
    copies = {c: 2 for c in AUTOSOMES} | {"14": 4, "18": 4, "21": 4, "X": 4}
    result = interpret(kb, genome(copies))
    assert result.profile.modal_number == 54
    assert result.masked_hypodiploidy_hint is not None
    assert "14,18,21" in result.masked_hypodiploidy_hint and "original about 27" in result.masked_hypodiploidy_hint
    assert "karyotype:high_hyperdiploid" not in ids(result.lesions)


def test_doubled_low_hypodiploid_is_hinted(kb):
    disomic = ["1", "5", "6", "8", "10", "11", "14", "18", "19", "21", "22"]
    copies = {c: 4 if c in disomic else 2 for c in AUTOSOMES} | {"X": 4}
    result = interpret(kb, genome(copies))
    assert result.profile.modal_number == 70
    assert "original about 35" in result.masked_hypodiploidy_hint


def test_true_hyperdiploid_with_trisomies_gets_no_masked_hint(kb):
    result = interpret(kb, genome({"4": 3, "6": 3, "10": 3, "14": 4, "21": 4, "X": 3, "17": 3, "18": 3}))
    assert result.masked_hypodiploidy_hint is None


def ikzf1plus_focal(extra=()):
    return [("7", IKZF1_INTRON3, IKZF1_INTRON7, 1), ("9", *CDKN2AB, 0), ("X", *PAR1_LOSS, 1), *extra]


def test_ikzf1_delta_4_7_with_cdkn2a_b_and_par1_is_ikzf1plus(kb):
    result = interpret(kb, genome(focal=ikzf1plus_focal()))
    deletions = {d.gene: d for d in result.deletions}
    assert deletions["IKZF1"].extent == "intragenic"
    assert deletions["IKZF1"].detail == "exons 4-7: IK6, dominant negative"
    assert deletions["IKZF1"].copy_number == 1
    assert deletions["CDKN2A"].copy_number == 0 and deletions["CDKN2A"].extent == "whole_gene"
    genes = {g.gene: g for g in result.profile.genes}
    assert genes["CDKN2B"].call == "homozygous_deletion" and genes["IKZF1"].call == "hemizygous_deletion"
    assert "CRLF2" not in deletions  # the PAR1 loss stops short of CRLF2
    lesions = lesions_of(kb, result)
    par1 = next(x for x in lesions if x.id == "deletion:PAR1")
    assert par1.label == "PAR1 deletion (P2RY8::CRLF2 inferred)" and par1.genes == ("P2RY8", "CRLF2")
    assert next(x for x in lesions if x.id == "deletion:IKZF1").label == (
        "IKZF1 deletion (exons 4-7: IK6, dominant negative)")
    found = markers(kb, lesions)
    assert "M-IKZF1PLUS-01" in found and "M-UKALL_CNA-01" in found and "M-UKALL_CNA-02" not in found
    calls = classify(lesions, kb)
    assert any(c.subtype_id == "BALL.PH_LIKE_JAK_STAT" and c.rule_id == "R-BALL-PH_LIKE_JAK_STAT-03"
               for c in calls)


def test_erg_deletion_vetoes_ikzf1plus(kb):
    result = interpret(kb, genome(focal=ikzf1plus_focal([("21", *ERG_LOSS, 1)])))
    lesions = lesions_of(kb, result)
    assert "deletion:ERG" in ids(lesions)
    assert "M-IKZF1PLUS-01" not in markers(kb, lesions)


def test_whole_ikzf1_deletion_has_no_exon_name(kb):
    result = interpret(kb, genome(focal=[("7", 50_200_000, 50_500_000, 1)]))
    (deletion,) = [d for d in result.deletions if d.gene == "IKZF1"]
    assert deletion.extent == "whole_gene" and deletion.detail == "all exons"


def test_isolated_etv6_deletion_is_ukall_cna_good_risk(kb):
    result = interpret(kb, genome(focal=[("12", *ETV6_LOSS, 1)]))
    found = markers(kb, lesions_of(kb, result))
    assert "M-UKALL_CNA-02" in found and "M-UKALL_CNA-01" not in found


def test_copy_number_markers_are_not_assessed_without_copy_number_input(kb):
    """'No deletion' is unknown without segments: no good-risk UKALL-CNA flag from a VCF-only run."""
    result = interpret(kb, genome(focal=[("12", *ETV6_LOSS, 1)]))
    assert markers(kb, lesions_of(kb, result), assessed=("sequence_variant", "fusion")) == set()
    assert markers(kb, [], assessed=()) == set()


def test_cdkn2a_deletion_without_etv6_is_ukall_cna_poor_risk(kb):
    result = interpret(kb, genome(focal=[("9", *CDKN2AB, 1)]))
    assert "M-UKALL_CNA-01" in markers(kb, lesions_of(kb, result))


def test_purity_adjustment_reveals_a_diluted_hemizygous_deletion(kb):
    log2 = math.log2((0.3 * 1 + 0.7 * 2) / 2)  # one copy lost in 30% of cells: log2 -0.234
    segments = [_seg(s.chrom, s.start, s.end, None, log2 if s.chrom == "9" and s.start == CDKN2AB[0] else 0.0)
                for s in genome(focal=[("9", *CDKN2AB, 1)])]
    plain = interpret(kb, segments)
    assert "CDKN2A" not in {d.gene for d in plain.deletions}
    adjusted = interpret(kb, segments, purity=0.3)
    (cdkn2a,) = [d for d in adjusted.deletions if d.gene == "CDKN2A"]
    assert cdkn2a.copy_number == pytest.approx(1.0, abs=0.01)
    assert "purity 0.30" in adjusted.profile.method


def test_method_states_the_log2_thresholds(kb):
    result = interpret(kb, [_seg("1", 1, LENGTHS["1"], None, 0.0)])
    assert "-1.1, -0.25, 0.2, 0.7" in result.profile.method
    assert any("not assessable" in w.message for w in result.warnings)  # most chromosomes missing


@pytest.mark.parametrize("log2, copies", [(-2.0, 0), (-1.0, 1), (0.0, 2), (0.5, 3), (1.0, 4), (1.58, 6)])
def test_threshold_copies_follow_cnvkit_defaults(log2, copies):
    assert threshold_copies(log2, [-1.1, -0.25, 0.2, 0.7]) == copies


def test_purity_model_round_trips():
    observed = math.log2((0.6 * 4 + 0.4 * 2) / 2)
    assert purity_adjusted(observed, 0.6) == pytest.approx(4.0)


def test_unknown_build_is_a_warning_not_a_guess(kb):
    result = interpret_copy_number(genome(), kb, "unknown")
    assert result.lesions == [] and result.deletions == []
    assert any("genome build is unknown" in w.message for w in result.warnings)


# --- SEG fixtures for end-to-end cases (test_data/cases/<case>/sample.seg) ---------------------------

SEG_CASES = {
    "cnv_iamp21": ("BALL.IAMP21", lambda: genome(focal=iamp21_chr21())),
    "cnv_high_hyperdiploid": ("BALL.HYPERDIPLOID", lambda: genome(
        {"X": 3, "4": 3, "6": 3, "10": 3, "14": 3, "17": 3, "18": 3, "21": 4})),
    "cnv_ikzf1plus_par1": ("BALL.PH_LIKE_JAK_STAT", lambda: genome(focal=ikzf1plus_focal())),
}


def _seg_text(sample: str, segments) -> str:
    """IGV SEG, 1-based starts; seg.mean = log2(CN/2), nudged down so CNVkit thresholds give CN back."""
    lines = ["ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean"]
    for s in segments:
        nudge = 0.001 if s.copy_number > 3 else 0.0
        mean = -5.0 if s.copy_number == 0 else round(math.log2(s.copy_number / 2) - nudge, 4)
        lines.append(f"{sample}\tchr{s.chrom}\t{s.start}\t{s.end}\t{max(10, (s.end - s.start) // 20000)}\t{mean}")
    return "\n".join(lines) + "\n"


def _read_seg(path):
    rows = [line.split("\t") for line in path.read_text().splitlines()[1:]]
    return [_seg(r[1].removeprefix("chr"), int(r[2]), int(r[3]), None, float(r[5])) for r in rows]


@pytest.mark.parametrize("case", sorted(SEG_CASES))
def test_seg_fixture_matches_its_synthetic_source_and_call(kb, case, update_golden):
    subtype, build_segments = SEG_CASES[case]
    path = CASES / case / "sample.seg"
    expected = _seg_text(case, build_segments())
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(expected)
    assert path.read_text() == expected, "regenerate with --update-golden"
    result = interpret(kb, _read_seg(path))
    assert subtype in {c.subtype_id for c in classify(lesions_of(kb, result), kb)}
