"""Turn VCF records into ``Variant`` objects: FILTER, regions, allele splitting and annotation choice."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from ..errors import InputFormatError
from ..genome import normalize_chrom
from ..model import SourceRef, Variant, Warning
from .base import Region
from .consequence import AnnotationSchema
from .htslib_quiet import Stderr
from .vcf_depth import allele_fraction

if TYPE_CHECKING:
    from .vcf_prefilter import Prefiltered

__all__ = ["RecordReader", "RegionIndex"]

_GVCF_ALTS = {"<NON_REF>", "<*>", "*", "."}
_T = TypeVar("_T", str, tuple)


class RegionIndex:
    """Regions by prefix-free chromosome, sorted by start, plus their merged spans for queries."""

    def __init__(self, regions: Sequence[Region]):
        self.by_chrom: dict[str, list[Region]] = {}
        for region in regions:
            chrom = normalize_chrom(region.chrom)
            self.by_chrom.setdefault(chrom, []).append(region._replace(chrom=chrom))
        for chrom_regions in self.by_chrom.values():
            chrom_regions.sort(key=lambda r: (r.start, r.end))
        self.genes = {r.gene for rs in self.by_chrom.values() for r in rs}
        # Each chromosome cut at every region boundary: one bisection per record finds its piece,
        # and each piece knows its answer (regions overlap, so no single sorted list would do).
        self._pieces = {chrom: _pieces(chrom_regions) for chrom, chrom_regions in self.by_chrom.items()}

    def gene_at(self, chrom: str, pos: int) -> tuple[bool, str | None]:
        """(pos lies in a region, gene of the first such region by start)."""
        pieces = self._pieces.get(chrom)
        if pieces is None:
            return False, None
        starts, answers = pieces
        index = bisect_right(starts, pos) - 1
        return answers[index] if index >= 0 else (False, None)

    def merged(self, chrom: str) -> list[tuple[int, int]]:
        spans: list[list[int]] = []
        for region in self.by_chrom.get(chrom, ()):
            if spans and region.start <= spans[-1][1] + 1:
                spans[-1][1] = max(spans[-1][1], region.end)
            else:
                spans.append([region.start, region.end])
        return [(s, e) for s, e in spans]


class RecordReader:
    """Turns cyvcf2 records into kept ``Variant`` objects, counting what it drops."""

    def __init__(self, *, path, header, sample, sample_index, include_filtered, regions, watch_sites=None,
                 protein_terms=None, keep_sites=None):
        self.path = path
        self._source_path = str(path)
        self._strings: dict = {}  # one copy of each chromosome, FILTER, gene, transcript and consequence
        self._chroms: dict[str, str] = {}  # CHROM as written -> normalised
        self.header = header
        self.sample = sample
        self.sample_index = sample_index
        self.include_filtered = include_filtered
        self.regions: RegionIndex | None = regions
        # Sites to report as "assessed" when a record with a called genotype covers them, even with no
        # ALT allele (GT 0/0, ALT '.', gVCF blocks): "not reported" must not be read as wild type.
        self.watch: dict[str, list[int]] = {}
        for chrom, pos in watch_sites or ():
            self.watch.setdefault(chrom, []).append(pos)
        self.reported: set[tuple[str, int]] = set()
        # With ``protein_terms`` an annotated allele whose chosen consequence has none of these SO terms
        # (intronic, synonymous, UTR ...) is counted, not kept, unless it sits at one of ``keep_sites``
        # (known hotspots): memory then follows the lesions, not the records in the gene regions.
        self.protein_terms: frozenset[str] | None = protein_terms
        self.keep_sites: frozenset[tuple[str, int]] = frozenset(keep_sites or ())
        # A cheap text test on the raw annotation first: when no stem of those terms appears in any
        # transcript's entry ("missense", "frameshift", ... also BCSQ's short names), no entry can
        # qualify, so the annotation is not parsed at all (nor, through ``settled_by_text``, the
        # record). It can only pass more records, never fewer.
        self.annotation = AnnotationSchema.detect(header)
        self._protein_text = (
            re.compile(_any_of({t.removesuffix("_variant") for t in protein_terms}))
            if protein_terms and self.annotation else None
        )
        self._annotation_key = f"{self.annotation.tag}=" if self.annotation else ""
        # Lines settled from their text, counted by (ALT, FILTER passed): ``finish`` turns them
        # into the per-allele counts a parse would give, once per distinct pair instead of per line.
        self._settled: Counter[tuple[str, bool]] = Counter()
        self.kept: list[Variant] = []
        self.warnings: list[Warning] = []
        self.stats = dict.fromkeys(
            (
                "records",
                "alleles",
                "kept",
                "filtered",
                "outside_regions",
                "skipped_sv",
                "skipped_non_ref",
                "silent",
                "blank_lines",
            ),
            0,
        )
        info_af = header.info.get("AF", {})
        self.info_af_per_alt = info_af.get("Number") == "A"

    # -- iteration ---------------------------------------------------------------------------

    def read_stream(self, vcf, stderr: Stderr, first_line: int | None) -> None:
        """Every record in file order; line numbers count on from ``first_line`` (None for BCF)."""
        self._read_records(vcf, stderr, itertools.count(first_line) if first_line is not None else None)

    def read_prefiltered(self, vcf, stderr: Stderr, kept: Prefiltered) -> None:
        """The records a pre-filter kept (``vcf`` reads its file); the rest count as outside the regions."""
        self.stats["records"] += kept.skipped
        self.stats["outside_regions"] += kept.skipped
        self._read_records(vcf, stderr, iter(kept.lines))

    def _read_records(self, vcf, stderr: Stderr, numbers: Iterator[int] | None) -> None:
        line = next(numbers, None) if numbers is not None else None
        iterator = iter(vcf)
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                break
            except Exception:
                raise self._record_error(stderr, line) from None
            self.stats["records"] += 1
            self._take(record, line)
            if numbers is not None:
                line = next(numbers, None)
        if stderr.errors():  # htslib may stop early on a damaged file without raising
            raise self._record_error(stderr, line)

    def region_queries(self, seqnames: Sequence[str]) -> list[tuple[str, int, int]]:
        """(contig as the index names it, start, end) of each merged region, in the index's order."""
        assert self.regions is not None
        contigs = {normalize_chrom(name): name for name in seqnames}
        order = {name: i for i, name in enumerate(seqnames)}
        queries = []
        for chrom in self.regions.by_chrom:
            if chrom in contigs:
                for start, end in self.regions.merged(chrom):
                    queries.append((order[contigs[chrom]], start, end, contigs[chrom]))
        return [(contig, start, end) for _, start, end, contig in sorted(queries)]

    def read_indexed(self, vcf, stderr: Stderr) -> None:
        """Query each region through cyvcf2 (a BCF, or a file tabix cannot read as text)."""
        for contig, start, end in self.region_queries(vcf.seqnames):
            try:
                for record in vcf(f"{contig}:{start}-{end}"):
                    if start <= record.POS <= end:  # a query also returns records that merely overlap
                        self.stats["records"] += 1
                        self._take(record, None)
            except Exception:
                raise self._record_error(stderr, None) from None
        if stderr.errors():
            raise self._record_error(stderr, None)

    def _record_error(self, stderr: Stderr, line: int | None) -> InputFormatError:
        errors = stderr.errors()
        detail = errors[-1] if errors else "htslib could not parse the record"
        detail = re.sub(r"^\[E::[^\]]*\]\s*", "", detail)
        if "parse the position" in detail:
            match = re.search(r"'([^']*)'", detail)
            value = match.group(1) if match else "?"
            return InputFormatError(
                self.path, line, f"POS {value!r} is not a number", "POS must be a 1-based integer position"
            )
        if re.search(r"bgzf|gzip|inflate|CRC|EOF", detail, re.I):
            where = f" after line {line - 1}" if line else ""
            return InputFormatError(
                self.path,
                None,
                f"the compressed file is truncated or corrupt{where} ({detail})",
                "re-create it with bgzip from the original VCF",
            )
        return InputFormatError(self.path, line, f"malformed record ({detail})", "check this line's columns")

    # -- one record --------------------------------------------------------------------------

    def _take(self, record, line: int | None) -> None:
        raw_chrom = record.CHROM
        if not raw_chrom:
            self.stats["blank_lines"] += 1
            return
        chrom = self._chroms.get(raw_chrom) or self._normalized_chrom(raw_chrom)
        pos = record.POS
        if chrom in self.watch:
            self._note_watched(record, chrom, pos)
        region_gene = None
        if self.regions is not None:
            inside, region_gene = self.regions.gene_at(chrom, pos)
            if not inside:
                self.stats["outside_regions"] += 1
                return
        filters = record.FILTERS
        filter_text = self._shared(";".join(filters)) if filters else "."
        passed = filter_text in ("PASS", ".")
        ref = record.REF
        alts = record.ALT
        if not alts:  # ALT "." : a reference-only site
            self.stats["skipped_non_ref"] += 1
            return
        entries = None
        silent_text = (passed or self.include_filtered) and self._silent_by_text(record, chrom, pos)
        for alt_index in self._counted_alleles(alts, passed):
            if silent_text:
                self.stats["silent"] += 1
                continue
            if entries is None:
                entries = self.annotation.entries(record) if self.annotation else []
            site = _Site(raw_chrom, chrom, pos, ref, alts, filter_text, region_gene)
            variant = self._variant(record, line, site, alt_index, entries)
            if variant is None:
                self.stats["silent"] += 1
                continue
            self.kept.append(variant)
            self.stats["kept"] += 1

    def _counted_alleles(self, alts: Sequence[str], passed: bool, records: int = 1) -> Iterator[int]:
        """Indexes of the ALT alleles that may become variants; every other allele is counted where it
        belongs (``records`` times: for that many records with these ALTs and this FILTER verdict)."""
        stats = self.stats
        for alt_index, alt in enumerate(alts):
            if alt in _GVCF_ALTS:
                stats["skipped_non_ref"] += records
                continue
            if _is_structural(alt):
                stats["skipped_sv"] += records
                continue
            stats["alleles"] += records
            if not passed:
                stats["filtered"] += records
                if not self.include_filtered:
                    continue
            yield alt_index

    def settled_by_text(self, line: str) -> bool:
        """Count a raw VCF data line without parsing it, when its text alone shows that ``_take`` would
        keep nothing from it (filtered out, or annotated without any protein-level term); else False.
        The caller has already found the line's POS inside a region.

        Any doubt returns False, so the line is parsed: a short or odd line (htslib shall judge it),
        a known hotspot, a watched pharmacogene site it may cover, an unannotated file. The counts
        are ``_take``'s own (``_counted_alleles``), made by ``finish``.
        """
        if self._protein_text is None:
            return False
        fields = line.split("\t", 8)
        if len(fields) < 8 or not fields[0] or not fields[1].isdigit() or len(fields[1]) > 18:
            return False
        raw_chrom, pos_text, _, ref, alt_text, _, filter_text, info = fields[:8]
        chrom = self._chroms.get(raw_chrom) or self._normalized_chrom(raw_chrom)
        pos = int(pos_text)
        if (chrom, pos) in self.keep_sites or (chrom in self.watch and self._may_cover_watched(chrom, pos, ref, info)):
            return False
        passed = filter_text in ("PASS", ".")
        # No annotation key at all gives no consequence either: silent, as ``_silent_by_text`` finds.
        if (passed or self.include_filtered) and self._annotation_key in info and self._protein_text.search(info):
            return False
        self._settled[alt_text, passed] += 1
        return True

    def handover(self) -> tuple:
        """What this reader found, for another reader's ``take_over`` (from a child process)."""
        return self.kept, self.stats, self.warnings, self.reported, self._settled

    def take_over(self, state: tuple) -> None:
        """Add what another reader found (its ``handover``) to this one's findings, after them."""
        kept, stats, warnings, reported, settled = state
        self.kept.extend(kept)
        for key, count in stats.items():
            self.stats[key] += count
        self.warnings.extend(warnings)
        self.reported.update(reported)
        self._settled.update(settled)

    def finish(self) -> None:
        """After the last record (however many pieces the file was read in): add the lines
        ``settled_by_text`` took to ``stats``, as ``_take`` would have counted them, and warn of blank lines."""
        for (alt_text, passed), lines in self._settled.items():
            self.stats["records"] += lines
            alts = alt_text.split(",") if alt_text != "." else []
            if not alts:
                self.stats["skipped_non_ref"] += lines
            for _ in self._counted_alleles(alts, passed, lines):
                self.stats["silent"] += lines
        self._settled.clear()
        if self.stats["blank_lines"]:
            count = self.stats["blank_lines"]
            self.warnings.append(Warning(f"{count} blank line(s) skipped", SourceRef(self._source_path)))

    def _may_cover_watched(self, chrom: str, pos: int, ref: str, info: str) -> bool:
        end = pos + max(len(ref), 1) - 1
        return "END=" in info or any(pos <= site <= end for site in self.watch[chrom])

    def _silent_by_text(self, record, chrom: str, pos: int) -> bool:
        if self._protein_text is None or self.annotation is None or (chrom, pos) in self.keep_sites:
            return False
        raw = record.INFO.get(self.annotation.tag)
        # No annotation at all on this record gives no consequence either: silent, as a parse would find.
        return not isinstance(raw, str) or self._protein_text.search(raw) is None

    def _note_watched(self, record, chrom: str, pos: int) -> None:
        end = max(record.end, pos)  # cyvcf2's end honours INFO END (gVCF reference blocks)
        hits = [p for p in self.watch[chrom] if pos <= p <= end]
        if hits and self._genotype_called(record):
            self.reported.update((chrom, p) for p in hits)

    def _genotype_called(self, record) -> bool:
        """Sites-only records and records without GT count; a no-call (./.) in the chosen sample does not."""
        # Read GT from the record text: cyvcf2's FORMAT and genotype accessors crash on lazily parsed
        # records, and this runs only at the few watched sites.
        columns = str(record).rstrip("\n").split("\t")
        if self.sample_index is None or len(columns) <= 9 + self.sample_index:
            return True
        keys, sample = columns[8].split(":"), columns[9 + self.sample_index].split(":")
        if "GT" not in keys:
            return True
        index = keys.index("GT")
        genotype = sample[index] if index < len(sample) else "."
        return any(ch.isdigit() for ch in genotype)

    def _variant(self, record, line, site: _Site, alt_index: int, entries) -> Variant | None:
        ref, alts = site.ref, site.alts
        alt = alts[alt_index]
        source = SourceRef(self._source_path, line, f"{site.raw_chrom}:{site.pos} {ref}>{alt}")
        gene, consequence, hgvs_c, hgvs_p, transcript, kind = site.region_gene, (), None, None, None, "none"
        if self.annotation is not None:
            kind = self.annotation.kind
            own = self.annotation.for_allele(entries, site.pos, ref, alts, alt_index)
            chosen = self.annotation.pick(own, self.regions.genes if self.regions else set())
            if chosen is not None:
                called = self.annotation.describe(chosen)
                gene = self._shared(called.gene) if called.gene else site.region_gene
                consequence, hgvs_c, hgvs_p = self._shared(called.consequence), called.hgvs_c, called.hgvs_p
                transcript = self._shared(called.transcript) if called.transcript else None
            if self.protein_terms is not None and (site.chrom, site.pos) not in self.keep_sites and not any(
                part in self.protein_terms for term in consequence for part in term.split("&")
            ):
                return None
        vaf, depth, alt_depth = allele_fraction(record, ref, alts, alt_index, self.sample_index, self.info_af_per_alt)
        return Variant(
            chrom=site.chrom,
            pos=site.pos,
            ref=ref,
            alt=alt,
            source=source,
            filter=site.filter_text,
            gene=gene,
            consequence=consequence,
            hgvs_c=hgvs_c,
            hgvs_p=hgvs_p,
            transcript=transcript,
            vaf=vaf,
            depth=depth,
            alt_depth=alt_depth,
            annotation=kind,
            sample=self.sample,
        )

    def _normalized_chrom(self, raw_chrom: str) -> str:
        """The prefix-free name of CHROM as written, remembered (one normalisation per contig)."""
        chrom = self._chroms[raw_chrom] = self._shared(normalize_chrom(raw_chrom))
        return chrom

    def _shared(self, value: _T) -> _T:
        """The first equal value seen (a string or a tuple of them): thousands of variants share one copy."""
        return self._strings.setdefault(value, value)


class _Site(NamedTuple):
    """What all ALT alleles of one record share."""

    raw_chrom: str
    chrom: str
    pos: int
    ref: str
    alts: list[str]
    filter_text: str
    region_gene: str | None


def _any_of(words: set[str]) -> str:
    """A regex finding any of ``words`` (a word holding another one needs no branch of its own)."""
    return _trie({w for w in words if not any(other != w and other in w for other in words)})


def _trie(words: set[str]) -> str:
    """The alternation written as a trie: Python's re tries a flat alternation's branches one by one
    at every position, a trie only the branch of the character it sees."""
    groups: dict[str, set[str]] = {}
    for word in words:
        groups.setdefault(word[0], set()).add(word[1:])
    parts = [re.escape(first) + ("" if "" in rest else _trie(rest)) for first, rest in sorted(groups.items())]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _pieces(regions: list[Region]) -> tuple[list[int], list[tuple[bool, str | None]]]:
    """Piece starts and, for each piece, (inside a region, gene of the first region by start covering it)."""
    starts = sorted({r.start for r in regions} | {r.end + 1 for r in regions})
    answers = []
    for start in starts:
        covering = next((r for r in regions if r.start <= start <= r.end), None)
        answers.append((covering is not None, covering.gene if covering else None))
    return starts, answers


def _is_structural(alt: str) -> bool:
    """Symbolic (<DEL>) or breakend (N[1:100[, .N) ALT alleles."""
    return alt.startswith("<") or "[" in alt or "]" in alt or (len(alt) > 1 and "." in (alt[0], alt[-1]))
