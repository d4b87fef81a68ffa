"""Germline thiopurine pharmacogenes (TPMT, NUDT15): genotype, CPIC phenotype and starting-dose advice.

Everything clinical is knowledge-base data (annotation_db/pharmacogenes.yaml); this module applies it.
How a call is made:

- Each defining site is a hotspot (hotspots.tsv) looked up by the build's chromosome, position, REF and
  ALT. Zygosity comes from the allele fraction with the thresholds of pharmacogenes.yaml (by default
  heterozygous 0.2 <= VAF < 0.8, homozygous VAF >= 0.8). An ALT below 0.2 is not a germline genotype:
  it is counted as absent, with a caveat.
- Not reported is not wild type. A variant-only VCF lists no reference sites, so a site is called
  reference only when the input shows it was assessed: an allele there with no alternate reads, another
  allele at the same position, or ``reported_sites`` (records with ALT ``.``/GT 0/0 and gVCF reference
  blocks, found by ``read_vcf(watch_sites=...)``). When no site of a gene was assessed
  and no variant allele was found, the gene is **indeterminate** (no diplotype); when a variant allele
  was found but other sites were not reported, the diplotype treats them as reference and a caveat says
  that a poor metabolizer is not excluded.
- Phase is not observed: of the diplotypes that fit the site genotypes, the one with the fewest variant
  alleles is reported (TPMT c.460G>A + c.719A>G both heterozygous -> *1/*3A, as CPIC advises) and the
  alternatives with another phenotype are named in a caveat.
- Germline TPMT/NUDT15 loss predicts thiopurine toxicity (myelosuppression); it is a different class of
  finding from somatic relapse lesions (NT5C2, PRPS1), which are reported with the lesions.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .errors import KnowledgeBaseError
from .genome import normalize_build, normalize_chrom
from .model import DosingRecommendation, PharmacogeneCall, Pharmacogenomics, Variant

__all__ = ["SAMPLE_KINDS", "call_pharmacogenes"]

SAMPLE_KINDS = ("germline", "tumour")


@dataclass(frozen=True)
class _Site:
    """One defining site: alternate-allele copies (None = not assessed), what was seen, any caveat."""

    hotspot_id: str
    copies: int | None
    text: str
    caveat: str | None = None


def call_pharmacogenes(
    variants: Sequence[Variant],
    kb,
    build: str,
    *,
    sample_kind: str,
    reported_sites: Collection[tuple[str, int]] | None = None,
) -> Pharmacogenomics:
    """Genotype TPMT and NUDT15 from one sample's VCF alleles and give the CPIC starting-dose advice.

    ``reported_sites`` holds (chromosome without "chr", position) pairs the VCF reports even without an
    ALT allele (see ``read_vcf(watch_sites=...)``); None when unknown.
    """
    if sample_kind not in SAMPLE_KINDS:
        raise ValueError(f"sample_kind must be one of {', '.join(SAMPLE_KINDS)}, not {sample_kind!r}")
    table = kb.pharmacogenes
    if table is None:
        raise KnowledgeBaseError(f"{kb.path}: the annotation database has no pharmacogenes table")
    genome = normalize_build(build or "")
    if genome is None:
        raise ValueError(f"unknown genome build {build!r} for pharmacogene sites (use GRCh37 or GRCh38)")
    hotspots = {h.id: h for h in kb.hotspots}
    by_position: dict[tuple[str, int], list[Variant]] = {}
    for variant in variants:
        by_position.setdefault((normalize_chrom(variant.chrom), variant.pos), []).append(variant)
    reported = {(normalize_chrom(c), p) for c, p in reported_sites} if reported_sites is not None else None

    calls, codes = [], {}
    for gene in table.genes:
        sites = [_genotype_site(hotspots[s], genome, by_position, reported, table) for s in gene.sites]
        call, code = _call_gene(gene, sites, table, sample_kind)
        calls.append(call)
        codes[gene.gene] = code
    return Pharmacogenomics(
        calls=tuple(calls),
        recommendations=_recommend(table, codes, sample_kind),
        method=_method(table, genome, sample_kind, reported is not None),
    )


# --------------------------------------------------------------------------------------------
# one site
# --------------------------------------------------------------------------------------------


def _genotype_site(hotspot, build, by_position, reported, table) -> _Site:
    chrom, pos, ref, alt = hotspot.coords[build]
    chrom = normalize_chrom(chrom)
    name = f"{hotspot.gene} {hotspot.hgvs_c} ({hotspot.hgvs_p})"
    where = f"{chrom}:{pos} {ref}>{alt} ({build})"
    present = by_position.get((chrom, pos), [])
    matching = [v for v in present if _trim(v.ref, v.alt) == (ref.upper(), alt.upper())]
    if not matching:
        if present:
            others = ", ".join(sorted({f"{v.ref}>{v.alt}" for v in present}))
            return _Site(hotspot.id, 0, f"{name} not found: another allele ({others}) is reported at {where}")
        if reported is not None and (chrom, pos) in reported:
            return _Site(hotspot.id, 0, f"{name} not found: {where} reported as reference")
        return _Site(hotspot.id, None, f"{name}: {where} not reported in the input")
    variant = max(matching, key=lambda v: (v.vaf is not None, v.vaf or 0.0))
    vaf = variant.vaf
    if vaf is None and variant.alt_depth is not None and variant.depth:
        vaf = variant.alt_depth / variant.depth
    reads = f", {variant.alt_depth}/{variant.depth} reads" if variant.alt_depth is not None and variant.depth else ""
    caveats = []
    if variant.filter not in ("PASS", "."):
        caveats.append(f"{name}: the VCF record failed its caller's filter ({variant.filter})")
    if variant.depth is not None and variant.depth < table.min_depth:
        caveats.append(f"{name}: only {variant.depth} reads (fewer than {table.min_depth}); zygosity uncertain")
    if vaf is None:
        caveats.append(f"{name}: the VCF gives no allele fraction; counted as heterozygous, homozygous not excluded")
        copies, state = 1, "present, zygosity unknown"
    elif vaf >= table.hom_min_vaf:
        copies, state = 2, "homozygous"
    elif vaf >= table.het_min_vaf:
        copies, state = 1, "heterozygous"
    elif vaf > 0 or (variant.alt_depth or 0) > 0:
        copies, state = 0, "below the heterozygous threshold"
        caveats.append(
            f"{name} at VAF {vaf:.2f} (< {table.het_min_vaf:g}) is not consistent with a germline allele "
            "(subclone, contamination or artefact); counted as absent, confirm by germline testing"
        )
    else:
        copies, state = 0, "not found (no alternate reads)"
    text = f"{name} {state} ({'VAF ' + format(vaf, '.2f') if vaf is not None else 'no VAF'}{reads}) at {where}"
    return _Site(hotspot.id, copies, text, "; ".join(caveats) or None)


def _trim(ref: str, alt: str) -> tuple[str, str]:
    """Drop a shared trailing base so 'CA>TA' (split from a multi-allelic record) compares as 'C>T'."""
    ref, alt = ref.upper(), alt.upper()
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    return ref, alt


# --------------------------------------------------------------------------------------------
# one gene
# --------------------------------------------------------------------------------------------


def _call_gene(gene, sites: list[_Site], table, sample_kind: str) -> tuple[PharmacogeneCall, str]:
    labels = table.phenotype_labels
    observations = tuple(s.text for s in sites)
    caveats = [s.caveat for s in sites if s.caveat]
    unassessed = [s for s in sites if s.copies is None]
    found = any(s.copies for s in sites)
    if sample_kind == "tumour":
        caveats.append(_tumour_caveat(gene.gene, table))
    caveats.append(f"Not genotyped: {_flat(gene.not_genotyped)}")

    def result(diplotype: str | None, code: str, extra: list[str]) -> tuple[PharmacogeneCall, str]:
        call = PharmacogeneCall(gene.gene, diplotype, labels[code], observations, sample_kind,
                                tuple(extra + caveats))
        return call, code

    if unassessed and not found:
        return result(None, "indeterminate", [
            f"No {gene.gene} defining site was assessed in the input, and not reported is not wild type: a "
            "variant-only VCF lists no reference sites, so *1/*1 cannot be assumed. Provide a germline gVCF "
            f"or all-sites VCF, or a {gene.gene} genotyping assay. {gene.indeterminate_action}"
            if len(unassessed) == len(sites) else
            f"{gene.gene} sites not reported in the input ({_site_list(unassessed)}), and not reported is "
            f"not wild type, so *1/*1 cannot be assumed. {gene.indeterminate_action}"
        ])
    counts = {s.hotspot_id: s.copies or 0 for s in sites}
    fits = _diplotypes(gene, counts)
    if not fits:
        seen = ", ".join(f"{s.hotspot_id} x{s.copies}" for s in sites if s.copies)
        return result(None, "indeterminate", [
            f"The {gene.gene} site genotypes ({seen}) do not fit two alleles (copy-number change, "
            f"artefact or an allele not in the knowledge base). {gene.indeterminate_action}"
        ])
    best = fits[0]
    code = _phenotype(best, table)
    extra = []
    if len(fits) > 1:
        names = ", ".join(f"{_name(f)} ({labels[_phenotype(f, table)]})" for f in fits[1:])
        note = f" ({_flat(gene.phasing_note)})" if gene.phasing_note else ""
        extra.append(f"Phase not observed: {_name(best)} reported; {names} also fits the site genotypes{note}")
    if unassessed:
        worse = "a poor metabolizer" if code != "poor" else "another diplotype"
        extra.append(
            f"{gene.gene} sites not reported in the input ({_site_list(unassessed)}) were treated as reference "
            f"to name the diplotype; not reported is not wild type, so {worse} is not excluded"
        )
    for allele in dict.fromkeys(best):  # once per allele, also when homozygous
        if allele.note:
            extra.append(f"{gene.gene}{allele.name}: {_flat(allele.note)}")
    return result(_name(best, alternatives=True), code, extra)


def _diplotypes(gene, counts: dict[str, int]) -> list[tuple]:
    """Allele pairs whose defining variants add up to the observed copies, fewest variant alleles first."""
    order = {a.name: i for i, a in enumerate(gene.alleles)}
    fits = []
    for first, second in itertools.combinations_with_replacement(gene.alleles, 2):
        total = dict.fromkeys(counts, 0)
        for allele in (first, second):
            for site in allele.defining:
                total[site] += 1
        if total == counts:
            pair = tuple(sorted((first, second), key=lambda a: order[a.name]))
            fits.append(pair)
    return sorted(fits, key=lambda p: (sum(1 for a in p if a.defining), [order[a.name] for a in p]))


def _phenotype(pair: tuple, table) -> str:
    return table.phenotypes.get(tuple(sorted(a.function for a in pair)), "indeterminate")


def _name(pair: tuple, alternatives: bool = False) -> str:
    """'*1/*3A'; with ``alternatives``, alleles the sites cannot tell apart: '*1/*3 (or *1/*2)'."""
    main = "/".join(a.name for a in pair)
    if not alternatives:
        return main
    options = [(a.name, *a.indistinguishable_from) for a in pair]
    seen, others = {tuple(sorted(a.name for a in pair))}, []
    for combo in itertools.product(*options):
        if tuple(sorted(combo)) not in seen:
            seen.add(tuple(sorted(combo)))
            others.append("/".join(combo))
    return f"{main} (or {', '.join(others)})" if others else main


def _site_list(sites: list[_Site]) -> str:
    return ", ".join(s.hotspot_id for s in sites)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _tumour_caveat(gene: str, table) -> str:
    return (
        f"Genotyped from a tumour sample (heterozygous {table.het_min_vaf:g} <= VAF < {table.hom_min_vaf:g}, "
        f"homozygous VAF >= {table.hom_min_vaf:g}): high blast content with loss of heterozygosity or a "
        f"deletion at the {gene} locus can make a heterozygous germline genotype look homozygous or wild "
        "type; confirm on a germline sample (remission blood or normal tissue) before dosing"
    )


# --------------------------------------------------------------------------------------------
# dosing and method
# --------------------------------------------------------------------------------------------


def _recommend(table, codes: dict[str, str], sample_kind: str) -> tuple[DosingRecommendation, ...]:
    labels = table.phenotype_labels
    basis = " / ".join(f"{gene} {labels[code]}" for gene, code in codes.items())
    if sample_kind == "tumour":
        basis += " (genotyped from a tumour sample; confirm on germline DNA)"
    guideline = f"{table.guideline}; {table.url}"
    out, done = [], set()
    for rule in table.dosing:
        if rule.drug in done:
            continue
        if all(codes.get(gene) in wanted for gene, wanted in rule.when.items()):
            out.append(DosingRecommendation(rule.drug, basis, rule.recommendation, rule.strength,
                                            rule.citations, guideline))
            done.add(rule.drug)
    return tuple(out)


def _method(table, build: str, sample_kind: str, reported_known: bool) -> str:
    genes = "; ".join(
        f"{g.gene} {', '.join(_allele_label(a) for a in g.alleles if a.defining)}" for g in table.genes
    )
    source = (
        "a germline sample (remission blood or normal tissue)" if sample_kind == "germline"
        else "a tumour sample (germline confirmation advised)"
    )
    reference = (
        "sites the VCF reports without an alternate allele (ALT '.', GT 0/0, gVCF blocks) count as reference"
        if reported_known else "reference-only records were not checked, so only sites with a called allele count"
    )
    return (
        f"Alleles genotyped ({genes}) from {source} at the knowledge-base sites ({build}); zygosity from the "
        f"allele fraction: heterozygous {table.het_min_vaf:g} <= VAF < {table.hom_min_vaf:g}, homozygous "
        f">= {table.hom_min_vaf:g}, below {table.het_min_vaf:g} not a germline genotype. Not reported is not "
        f"wild type: {reference}; a gene with no assessed site is indeterminate. Phase is not observed (the "
        "diplotype with the fewest variant alleles is reported). Germline TPMT/NUDT15 loss predicts thiopurine "
        "toxicity (myelosuppression), a different class of finding from somatic relapse lesions such as NT5C2 "
        f"or PRPS1. Dosing: {table.guideline} ({table.url}), reviewed {table.last_reviewed}; azathioprine omitted "
        "(not used for leukaemia)."
    )


def _allele_label(allele) -> str:
    if allele.indistinguishable_from:
        return f"{allele.name} (or {', '.join(allele.indistinguishable_from)})"
    return allele.name
