"""Consequence annotations in VCF INFO: Ensembl VEP ``CSQ``, SnpEff ``ANN`` and bcftools ``BCSQ``.

Fields are always mapped through the field list in the header description, never by position; the
producer is recognised from that description because the tag can be renamed. Pure Python: records
are only asked for ``record.INFO.get(tag)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .vcf_header import VcfHeader

__all__ = ["AnnotationSchema", "Called"]

_BCSQ_TO_SO = {
    "synonymous": "synonymous_variant",
    "missense": "missense_variant",
    "stop_lost": "stop_lost",
    "stop_gained": "stop_gained",
    "inframe_deletion": "inframe_deletion",
    "inframe_insertion": "inframe_insertion",
    "frameshift": "frameshift_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_donor": "splice_donor_variant",
    "start_lost": "start_lost",
    "splice_region": "splice_region_variant",
    "stop_retained": "stop_retained_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "non_coding": "non_coding_transcript_variant",
    "intron": "intron_variant",
    "intergenic": "intergenic_variant",
    "inframe_altering": "protein_altering_variant",
    "coding_sequence": "coding_sequence_variant",
    "feature_elongation": "feature_elongation",
    "start_retained": "start_retained_variant",
}

_AA3 = dict(
    zip(
        "ARNDCQEGHILKMFPSTWYVUO*X",
        "Ala Arg Asn Asp Cys Gln Glu Gly His Ile Leu Lys Met Phe Pro Ser Thr Trp Tyr Val Sec Pyl Ter Xaa".split(),
    )
)

# Per producer: which header field holds each value (lower-case names).
_FIELDS = {
    "vep": {
        "allele": "allele",
        "gene": "symbol",
        "consequence": "consequence",
        "hgvs_c": "hgvsc",
        "hgvs_p": "hgvsp",
        "transcript": "feature",
        "biotype": "biotype",
    },
    "snpeff": {
        "allele": "allele",
        "gene": "gene_name",
        "consequence": "annotation",
        "hgvs_c": "hgvs.c",
        "hgvs_p": "hgvs.p",
        "transcript": "feature_id",
        "biotype": "transcript_biotype",
    },
    "bcsq": {
        "allele": "",
        "gene": "gene",
        "consequence": "consequence",
        "hgvs_c": "",
        "hgvs_p": "amino_acid_change",
        "transcript": "transcript",
        "biotype": "biotype",
    },
}


@dataclass(frozen=True)
class Called:
    """What the chosen annotation entry says about one allele, HGVS without its transcript prefix."""

    gene: str | None
    consequence: tuple[str, ...]
    hgvs_c: str | None
    hgvs_p: str | None
    transcript: str | None


# The fields, besides those in _FIELDS, that choose an entry: an entry keeps only the fields read here.
_CHOICE_FIELDS = ("allele_num", "dna_change", "pick", "mane_select", "mane", "canonical")


@dataclass(frozen=True)
class AnnotationSchema:
    """One consequence tag and its field list, read from the header description."""

    kind: str  # "vep" | "snpeff" | "bcsq"
    tag: str
    fields: tuple[str, ...]  # lower-case
    # (name, position) of the fields an entry keeps: a VEP entry has dozens, and this module reads ~10
    _kept: tuple[tuple[str, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        read = {*_FIELDS[self.kind].values(), *_CHOICE_FIELDS} - {""}
        kept = {name: i for i, name in enumerate(self.fields) if name in read}  # (a repeated name: its last place)
        object.__setattr__(self, "_kept", tuple(kept.items()))

    @staticmethod
    def detect(header: VcfHeader) -> AnnotationSchema | None:
        found: dict[str, AnnotationSchema] = {}
        for tag, info in header.info.items():
            description = info.get("Description", "")
            kind, fields = _classify_description(description)
            if kind and kind not in found:
                found[kind] = AnnotationSchema(kind, tag, fields)
        for kind in ("vep", "snpeff", "bcsq"):
            if kind in found:
                return found[kind]
        return None

    def entries(self, record) -> list[dict[str, str]]:
        raw = record.INFO.get(self.tag)
        if not isinstance(raw, str) or not raw:
            return []
        parsed = []
        for entry in raw.split(","):
            if self.kind == "bcsq" and entry.startswith("@"):
                continue  # pointer to the record carrying a haplotype-aware consequence
            values = entry.split("|")
            if "%" in entry:
                values = [_percent_decode(v) for v in values]
            count = len(values)
            parsed.append({name: values[i] for name, i in self._kept if i < count})
        return parsed

    def get(self, entry: dict[str, str], what: str) -> str:
        name = _FIELDS[self.kind][what]
        return entry.get(name, "").strip() if name else ""

    def for_allele(self, entries, pos: int, ref: str, alts: list[str], i: int) -> list[dict[str, str]]:
        """Entries describing ALT number ``i``."""
        if not entries:
            return []
        if self.kind == "vep" and "allele_num" in self.fields:
            return [e for e in entries if e.get("allele_num") == str(i + 1)]
        if self.kind == "bcsq":
            wanted = f"{pos}{ref}>{alts[i]}".upper()
            own = [e for e in entries if wanted in e.get("dna_change", "").upper().split("+")]
        else:
            forms = _vep_allele_forms(ref, tuple(alts), i) if self.kind == "vep" else (alts[i].upper(),)
            own = []
            for form in forms:
                own = [e for e in entries if e.get("allele", "").upper() == form]
                if own:
                    break
        if not own and len(alts) == 1:
            own = entries if self.kind != "snpeff" else [e for e in entries if "-" not in e.get("allele", "")]
        return own

    def pick(self, entries: list[dict[str, str]], region_genes: set[str]) -> dict[str, str] | None:
        """PICK, MANE, CANONICAL, a region gene, a protein-coding entry with HGVSp, else the first."""
        has_biotype = _FIELDS[self.kind]["biotype"] in self.fields
        tests = (
            lambda e: e.get("pick") == "1",
            lambda e: bool(e.get("mane_select") or e.get("mane")),
            lambda e: e.get("canonical") == "YES",
            lambda e: bool(region_genes) and self.get(e, "gene") in region_genes,
            lambda e: bool(self.get(e, "hgvs_p")) and (not has_biotype or self.get(e, "biotype") == "protein_coding"),
        )
        for test in tests:
            for entry in entries:
                if test(entry):
                    return entry
        return entries[0] if entries else None

    def describe(self, entry: dict[str, str]) -> Called:
        consequence = tuple(t for t in self.get(entry, "consequence").split("&") if t)
        hgvs_p = _strip_prefix(self.get(entry, "hgvs_p"))
        if self.kind == "bcsq":
            consequence = tuple(_BCSQ_TO_SO.get(t.lstrip("*"), t.lstrip("*")) for t in consequence)
            hgvs_p = _bcsq_protein(self.get(entry, "hgvs_p"), consequence)
        return Called(
            gene=self.get(entry, "gene") or None,
            consequence=consequence,
            hgvs_c=_strip_prefix(self.get(entry, "hgvs_c")),
            hgvs_p=hgvs_p,
            transcript=self.get(entry, "transcript") or None,
        )


def _classify_description(description: str) -> tuple[str | None, tuple[str, ...]]:
    if "Functional annotations:" in description:
        text = description.split("Functional annotations:", 1)[1]
        return "snpeff", _field_list(text)
    if "Format:" not in description:
        return None, ()
    text = description.split("Format:", 1)[1].strip()
    if re.search(r"\bVEP\b", description):
        return "vep", _field_list(text)
    if text.startswith("'"):  # older bcftools: "'[*]consequence|gene|...[|strand|...]' or '@position'"
        text = text[1 : text.find("'", 1)]
    fields = _field_list(text.replace("[*]", "").replace("[", "").replace("]", ""))
    if "bcftools/csq" in description.lower() or fields[:3] == ("consequence", "gene", "transcript"):
        return "bcsq", fields
    return None, ()


def _field_list(text: str) -> tuple[str, ...]:
    text = text.strip().strip("'\"").strip()
    return tuple(f.strip().strip("'").strip().lower() for f in text.split("|"))


def _percent_decode(value: str) -> str:
    """VCF 4.3 percent-encoding (VEP writes '=' as %3D and ';' as %3B)."""
    if "%" not in value:
        return value
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


def _strip_prefix(hgvs: str) -> str | None:
    """'ENST00000318560.5:c.944C>T' -> 'c.944C>T'; empty -> None."""
    if not hgvs:
        return None
    return hgvs.split(":", 1)[1] if ":" in hgvs else hgvs


@lru_cache(maxsize=4096)
def _vep_allele_forms(ref: str, alts: tuple[str, ...], i: int) -> tuple[str, ...]:
    """How VEP may have written ALT ``i`` in its Allele field, most literal first (remembered: most
    records repeat a few REF/ALT pairs)."""
    ref, alt = ref.upper(), alts[i].upper()
    forms = [alt]
    alleles = [ref] + [a.upper() for a in alts]
    # VEP's default: when every allele shares its first base (indels), that base is dropped.
    if len({a[:1] for a in alleles}) == 1 and any(len(a) > 1 for a in alleles):
        forms.append(alt[1:] or "-")
    # --minimal: trim what the allele shares with REF at both ends.
    r, a = ref, alt
    while r and a and r[0] == a[0]:
        r, a = r[1:], a[1:]
    while r and a and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    forms.append(a or "-")
    return tuple(dict.fromkeys(forms))


def _bcsq_protein(change: str, consequence: tuple[str, ...]) -> str | None:
    """bcftools amino-acid change to three-letter HGVS: '315T>315I' -> 'p.Thr315Ile'."""
    match = re.fullmatch(r"(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]*))?", change or "")
    if not match or any(c not in _AA3 for c in (match.group(2) + (match.group(4) or ""))):
        return None
    pos, ref = int(match.group(1)), match.group(2)
    alt = ref if match.group(3) is None else match.group(4)
    if "frameshift_variant" in consequence:
        return f"p.{_AA3[ref[0]]}{pos}fs"
    start = pos
    while ref and alt and ref[0] == alt[0] and (len(ref) > 1 or len(alt) > 1):
        ref, alt, start = ref[1:], alt[1:], start + 1
    while ref and alt and ref[-1] == alt[-1] and (len(ref) > 1 or len(alt) > 1):
        ref, alt = ref[:-1], alt[:-1]
    if len(ref) == 1 and len(alt) == 1:
        return f"p.{_AA3[ref]}{start}{'=' if ref == alt else _AA3[alt]}"
    if not ref:
        return None  # an insertion needs both flanking residues, which bcftools does not give
    span = f"{_AA3[ref[0]]}{start}" + (f"_{_AA3[ref[-1]]}{start + len(ref) - 1}" if len(ref) > 1 else "")
    if not alt:
        return f"p.{span}del"
    return f"p.{span}delins{''.join(_AA3[c] for c in alt)}"
