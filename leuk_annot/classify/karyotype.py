"""Chromosome-level copy number: whole-chromosome and arm copies, modal number, ploidy class, iAMP21.

Whole-chromosome copies are the length-weighted mode of the (rounded) segment copy numbers, so a
focal change never alters the count. The modal number sums the chromosomes the input covers
(autosomes, X, and Y when present); missing chromosomes are named in a warning and no ploidy class
is called without all autosomes and X. Sex is inferred from chrY outside the pseudoautosomal
regions (PARs): covered at one or more copies = male. The ranges, the iAMP21 parameters and the
masked-hypodiploidy heuristic are knowledge-base data (copy_number.yaml).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..genome import CONTIG_LENGTHS
from ..model import ChromosomeCopyNumber, Lesion, LesionKind, Warning

CHROMOSOMES = tuple(str(i) for i in range(1, 23)) + ("X", "Y")

# Pseudoautosomal regions of X and Y (GRC assembly definitions), 1-based closed.
PARS = {
    "GRCh37": {"X": ((60001, 2699520), (154931044, 155260560)), "Y": ((10001, 2649520), (59034050, 59363566))},
    "GRCh38": {"X": ((10001, 2781479), (155701383, 156030895)), "Y": ((10001, 2781479), (56887903, 57217415))},
}


@dataclass
class Karyotype:
    chromosomes: tuple[ChromosomeCopyNumber, ...] = ()
    modal_number: int | None = None
    lesions: list[Lesion] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    masked_hint: str | None = None


def in_par(chrom: str, pos: int, build: str) -> bool:
    return any(a <= pos <= b for a, b in PARS[build].get(chrom, ()))


def expected_copies(chrom: str, pos: int, build: str, sex: str | None) -> int:
    """Copies a normal cell has at a locus; X is taken as 2 copies when the sex is unknown."""
    if chrom not in ("X", "Y") or in_par(chrom, pos, build):
        return 2
    if chrom == "X":
        return 1 if sex == "male" else 2
    return 1 if sex == "male" else 0


def infer_sex(by_chrom, build: str) -> str | None:
    """'male' when chrY outside the PARs is covered (>= 1 Mb) at >= 0.5 copies; None without chrY data."""
    parts = [s for s in by_chrom.get("Y", ()) if not (in_par("Y", s.start, build) and in_par("Y", s.end, build))]
    length = sum(s.end - s.start + 1 for s in parts)
    if length < 1_000_000:
        return None
    mean = sum((s.end - s.start + 1) * s.copy_number for s in parts) / length
    return "male" if mean >= 0.5 else "female"


def assess(by_chrom, kb, build: str, sex: str | None) -> Karyotype:
    params = kb.copy_number
    out = Karyotype()
    min_fraction = params["chromosome_calls"]["min_fraction_covered"]
    centromeres = kb.centromeres.get(build, {})
    rows = []
    for chrom in CHROMOSOMES:
        segments = by_chrom.get(chrom, [])
        length = CONTIG_LENGTHS[build][chrom]
        cen = centromeres.get(chrom)
        whole, fraction = _mode(segments, 1, length, min_fraction if chrom != "Y" else 0.0)
        if chrom == "Y" and sex is None:
            whole = None
        p_arm = _mode(segments, 1, cen[0] - 1, min_fraction)[0] if cen else None
        q_arm = _mode(segments, cen[1] + 1, length, min_fraction)[0] if cen else None
        rows.append(ChromosomeCopyNumber(chrom, whole, p_arm, q_arm, round(fraction, 3)))
    out.chromosomes = tuple(rows)
    counted = {r.chrom: r.copies for r in rows if r.copies is not None}
    missing = [c for c in CHROMOSOMES[:23] if c not in counted]
    if not counted:
        return out
    out.modal_number = sum(counted.values())
    if missing:
        out.warnings.append(Warning(
            f"chromosome copies not assessable for {', '.join(missing)} (under {min_fraction:.0%} covered): "
            f"the modal number {out.modal_number} counts covered chromosomes only and no ploidy class is called"))
    elif "Y" not in counted:
        out.warnings.append(Warning(
            "chrY is not in the copy-number input: the sex was not inferred, X is expected at 2 copies and the "
            "modal number counts no Y (a male sample has one more chromosome)"))
    iamp = _iamp21(by_chrom, kb, build, counted)
    if iamp is not None:
        out.lesions.append(iamp)
    out.masked_hint = _masked_hypodiploidy(counted, out.modal_number, params["masked_hypodiploidy"])
    if out.masked_hint:
        out.warnings.append(Warning(out.masked_hint))
    if not missing:
        ploidy = _ploidy_lesion(counted, out.modal_number, by_chrom, build, sex, params, bool(out.masked_hint))
        if ploidy is not None:
            out.lesions.insert(0, ploidy)
    return out


def _mode(segments, start: int, end: int, min_fraction: float) -> tuple[int | None, float]:
    """Length-weighted mode of rounded copies over [start, end], and the covered fraction."""
    weights: Counter[int] = Counter()
    for s in segments:
        overlap = min(s.end, end) - max(s.start, start) + 1
        if overlap > 0:
            weights[int(round(s.copy_number))] += overlap
    fraction = sum(weights.values()) / (end - start + 1) if end >= start else 0.0
    if not weights or fraction < min_fraction or fraction == 0:
        return None, fraction
    return weights.most_common(1)[0][0], fraction


def _ploidy_lesion(counted, modal, by_chrom, build, sex, params, masked) -> Lesion | None:
    for klass in params["ploidy_classes"]["classes"]:
        if not klass["min"] <= modal <= klass["max"]:
            continue
        if klass["id"] == "high_hyperdiploid" and masked:
            return None  # a doubled hypodiploid clone must not read as favourable hyperdiploidy
        iscn_order = ("X", "Y") + CHROMOSOMES[:22]  # ISCN lists sex chromosomes first
        changed = [c for c in iscn_order if c in counted and counted[c] != _normal(c, build, sex)]
        label = f"{klass['label']} (modal number {modal}"
        if klass["id"] == "high_hyperdiploid":
            gains = [f"+{c}" for c in changed for _ in range(max(0, counted[c] - _normal(c, build, sex)))]
            label += f"; {','.join(gains)}" if gains else ""
            combo = params["high_hyperdiploid_gains"]["favourable_combination"]
            if all(counted.get(c, 0) > _normal(c, build, sex) for c in combo):
                label += f"; {' and '.join('+' + c for c in combo)} present"
        evidence = tuple(s for c in changed for s in by_chrom.get(c, ()))
        return Lesion(
            id=f"karyotype:{klass['id']}",
            kind=LesionKind.ANEUPLOIDY,
            genes=(),
            label=label + ")",
            evidence=evidence,
        )
    return None


def _normal(chrom: str, build: str, sex: str | None) -> int:
    return expected_copies(chrom, 10_000_000, build, sex)  # a position outside both PARs


def _iamp21(by_chrom, kb, build, counted) -> Lesion | None:
    """High-level RUNX1 gain on a 21q with alternating copy levels (not a whole-chromosome gain)."""
    rules = kb.copy_number["iamp21"]
    chrom = rules["chromosome"]
    gene = kb.genes.get(rules["gene"])
    cen = kb.centromeres.get(build, {}).get(chrom)
    if gene is None or build not in gene.coords or cen is None or chrom not in counted:
        return None
    _, g_start, g_end = gene.coords[build]
    q_arm = [s for s in by_chrom.get(chrom, ()) if s.end > cen[1]]
    at_gene = [s.copy_number for s in q_arm if s.start <= g_end and s.end >= g_start]
    if not at_gene:
        return None
    runx1 = max(at_gene)
    levels: list[int] = []
    for s in q_arm:
        level = int(round(s.copy_number))
        if not levels or level != levels[-1]:
            levels.append(level)
    steps = [b - a for a, b in zip(levels, levels[1:]) if abs(b - a) >= rules["min_level_step"]]
    alternating = any(x > 0 for x in steps) and any(x < 0 for x in steps)
    if (runx1 < rules["min_runx1_copies"] or runx1 - counted[chrom] < rules["min_extra_copies"]
            or len(steps) < rules["min_level_changes"] or not alternating):
        return None
    return Lesion(
        id="karyotype:iAMP21",
        kind=LesionKind.ANEUPLOIDY,
        genes=(rules["gene"],),
        label=f"iAMP21 ({rules['gene']} region copy number {runx1:g}; 21q copy levels {'-'.join(map(str, levels))})",
        evidence=tuple(q_arm),
    )


def _masked_hypodiploidy(counted, modal, rules) -> str | None:
    autosomes = [counted[c] for c in CHROMOSOMES[:22] if c in counted]
    n = Counter(autosomes)
    if (modal < rules["min_modal"] or n[3] > rules["max_trisomies"] or n[4] < rules["min_tetrasomies"]
            or n[1] or n[0] or set(n) - {2, 3, 4}):
        return None
    tetrasomic = ",".join(c for c in CHROMOSOMES[:22] if counted.get(c) == 4)
    return " ".join(rules["hint"].format(n2=n[2], n4=n[4], tetrasomic=tetrasomic, modal=modal,
                                         original=round(modal / 2)).split())
