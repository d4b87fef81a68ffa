"""VCF/BCF reader for small variants (SNVs and indels); the only module that imports cyvcf2.

Format (VCF 4.2/4.3, plain, bgzipped or BCF): ``##`` meta lines, one ``#CHROM`` line, then one record
per line. What is used:
- ``#CHROM POS REF ALT FILTER``; multi-allelic records are split into one ``Variant`` per ALT.
  ``*``, ``<NON_REF>``/``<*>`` and ``.`` ALTs are skipped; symbolic SV ALTs (``<DEL>``...) and
  breakends are skipped with a count in ``stats`` (SV files have their own reader).
- FILTER ``PASS`` and ``.`` are kept by default; ``include_filtered=True`` keeps everything.
- Consequences from INFO ``CSQ`` (Ensembl VEP), ``ANN`` (SnpEff) or ``BCSQ`` (bcftools csq), always
  mapped through the field list in the header, never by position; the producer is recognised from
  the header description because the tag can be renamed.
- Tumour allele fraction from the tumour sample's FORMAT fields, in the order vcf2maf uses:
  ``AD`` -> ``AF`` -> Strelka tier-1 ``AU/CU/GU/TU`` (SNVs) -> ``TAR/TIR`` (indels) -> ``AO/RO``;
  sites-only files use INFO ``AF`` when it is ``Number=A``.
- Genome build from ``##contig`` lengths, then ``##reference``/``assembly=``/VEP/SnpEff tokens.

htslib reports problems on the process's stderr; that stream is captured while a file is read, so
its messages become warnings or part of one clear ``InputFormatError`` instead of noise.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
import warnings
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import cyvcf2
import numpy

from ..errors import GenomeBuildError, InputFormatError, UnknownFormatError
from ..genome import (
    CONTIG_LENGTHS,
    build_from_contig_lengths,
    build_from_text,
    normalize_build,
    normalize_chrom,
)
from ..model import SourceRef, Variant, Warning
from .base import ReadResult, Region

__all__ = ["detect_vcf_build", "read_vcf"]

_MISSING_INT = -2147483648  # htslib bcf_int32_missing
_VECTOR_END_INT = -2147483647  # htslib bcf_int32_vector_end (padding of shorter per-sample lists)
_GVCF_ALTS = {"<NON_REF>", "<*>", "*", "."}
_MAX_HTSLIB_WARNINGS = 20
_COLUMNS = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------


def read_vcf(
    path: Path,
    *,
    tumor_id: str | None = None,
    include_filtered: bool = False,
    regions: Sequence[Region] | None = None,
    genome: str = "auto",
) -> ReadResult:
    """Read small variants, one ``Variant`` per ALT allele of the tumour sample.

    With ``regions`` only alleles whose POS lies in a region are kept; an indexed bgzipped VCF or
    BCF is then queried region by region instead of being streamed.
    """
    path = Path(path)
    header_lines, is_bcf = _scan_header(path)
    with _captured_stderr() as stderr:
        vcf = _open(path, stderr)
        try:
            header = _Header.parse(vcf.raw_header)
            build, evidence, build_warnings = _decide_build(path, header, genome)
            samples = list(vcf.samples)
            sample, sample_index = _choose_sample(path, samples, header, tumor_id)
            reader = _RecordReader(
                path=path,
                header=header,
                sample=sample,
                sample_index=sample_index,
                include_filtered=include_filtered,
                regions=_RegionIndex(regions) if regions is not None else None,
            )
            result = ReadResult(format="vcf", sample=sample, genome_build=build, build_evidence=evidence)
            result.warnings.extend(build_warnings)
            index = _index_path(path) if regions is not None else None
            if index is not None and _can_query(vcf, path):
                reader.read_indexed(vcf, stderr)
            else:
                first_line = None if is_bcf else header_lines + 1
                reader.read_stream(vcf, stderr, first_line)
        finally:
            vcf.close()
        result.events.extend(reader.kept)
        result.stats.update(reader.stats)
        result.warnings.extend(reader.warnings)
        result.warnings.extend(_htslib_warnings(path, stderr.text()))
    return result


def detect_vcf_build(path: Path, genome: str = "auto") -> tuple[str, str]:
    """(build, evidence) from the header alone, so gene regions can be chosen before reading records.

    Applies the same checks and rules as ``read_vcf`` (including the bad-input errors).
    """
    path = Path(path)
    _scan_header(path)
    with _captured_stderr() as stderr:
        vcf = _open(path, stderr)
        try:
            build, evidence, _ = _decide_build(path, _Header.parse(vcf.raw_header), genome)
        finally:
            vcf.close()
    return build, evidence


# --------------------------------------------------------------------------------------------
# opening, header checks and htslib's stderr
# --------------------------------------------------------------------------------------------


class _Stderr:
    """Text htslib wrote to file descriptor 2 while the reader held it."""

    def __init__(self, handle=None):
        self._handle = handle

    def text(self) -> str:
        if self._handle is None:
            return ""
        self._handle.seek(0)
        return self._handle.read().decode("utf-8", "replace")

    def errors(self) -> list[str]:
        return [line for line in self.text().splitlines() if line.startswith("[E::")]


@contextmanager
def _captured_stderr() -> Iterator[_Stderr]:
    """Point fd 2 at a temporary file (htslib writes there directly, bypassing ``sys.stderr``)."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to silence
        yield _Stderr()
        return
    with tempfile.TemporaryFile() as handle, warnings.catch_warnings():
        # cyvcf2 also warns in Python, e.g. "no intervals found" for an empty region.
        warnings.simplefilter("ignore")
        os.dup2(handle.fileno(), 2)
        try:
            yield _Stderr(handle)
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _scan_header(path: Path) -> tuple[int, bool]:
    """Check the text header before htslib sees it; return (header line count, is BCF).

    htslib's own messages for a TSV, an empty file or a broken gzip are cryptic, and it does not
    tell line numbers; this pass reads only the header lines.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFormatError(path, None, f"cannot read the file ({exc.strerror})") from None
    if size == 0:
        raise InputFormatError(
            path, None, "the file is empty (0 bytes)", "expected a VCF starting with ##fileformat=VCFv4.x"
        )
    with open(path, "rb") as raw:
        magic = raw.read(4)
    opener = gzip.open if magic[:2] == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as handle:
            if handle.read(3) == b"BCF":
                return 0, True
            handle.seek(0)
            return _count_header_lines(path, handle)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputFormatError(
            path,
            None,
            f"the compressed file is truncated or corrupt ({exc})",
            "re-create it with bgzip, or pass the uncompressed VCF",
        ) from None


def _count_header_lines(path: Path, handle) -> tuple[int, bool]:
    count = 0
    for number, raw in enumerate(handle, start=1):
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if number == 1 and not line.startswith("##fileformat=VCF"):
            raise UnknownFormatError(path, 1, f"not a VCF: the first line is {_preview(line)}", _not_vcf_hint(line))
        if line.startswith("##"):
            count += 1
            continue
        if line.startswith("#"):
            _check_column_line(path, number, line)
            return count + 1, False
        raise InputFormatError(
            path,
            number,
            "the '#CHROM' header line is missing before the first record",
            "add the '#CHROM POS ID REF ALT QUAL FILTER INFO' line (tab-separated)",
        )
    raise InputFormatError(
        path,
        None,
        f"the '#CHROM' header line is missing (the file ends after {count} header lines)",
        "a VCF needs a '#CHROM POS ID REF ALT QUAL FILTER INFO' line; is the file truncated?",
    )


def _check_column_line(path: Path, number: int, line: str) -> None:
    columns = line.split("\t")
    if tuple(columns[:8]) != _COLUMNS or (len(columns) > 8 and columns[8] != "FORMAT"):
        raise InputFormatError(
            path,
            number,
            f"the column header line is {_preview(line)}",
            "expected tab-separated '#CHROM POS ID REF ALT QUAL FILTER INFO [FORMAT samples...]'",
        )


def _preview(line: str) -> str:
    shown = line if len(line) <= 80 else line[:77] + "..."
    return repr(shown)


def _not_vcf_hint(line: str) -> str:
    if "\t" in line or "," in line:
        return "it looks like a delimited table; pass variants as a VCF, and fusion tables with --fusions"
    return "expected a VCF whose first line is '##fileformat=VCFv4.x'"


def _open(path: Path, stderr: _Stderr):
    try:
        return cyvcf2.VCF(str(path), lazy=True)
    except Exception as exc:  # cyvcf2 raises OSError or a bare Exception
        detail = "; ".join(stderr.errors()) or str(exc)
        raise InputFormatError(
            path, None, f"htslib cannot read this file as VCF/BCF ({detail})", "check the header lines"
        ) from None


def _htslib_warnings(path: Path, text: str) -> list[Warning]:
    """Turn htslib's warnings into report warnings, once per distinct message."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        match = re.match(r"\[[WE]::[^\]]*\]\s*(.*)", line)
        if match:
            seen.setdefault(match.group(1).split(" (Quick workaround")[0], None)
    messages = list(seen)
    result = [Warning(f"htslib: {m}", SourceRef(str(path))) for m in messages[:_MAX_HTSLIB_WARNINGS]]
    if len(messages) > _MAX_HTSLIB_WARNINGS:
        extra = len(messages) - _MAX_HTSLIB_WARNINGS
        result.append(Warning(f"htslib: {extra} further distinct messages", SourceRef(str(path))))
    return result


def _index_path(path: Path) -> Path | None:
    """The tabix/CSI index beside ``path``, looked up here so htslib never complains of its absence."""
    for suffix in (".tbi", ".csi"):
        candidate = path.with_name(path.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def _can_query(vcf, path: Path) -> bool:
    with open(path, "rb") as raw:
        if raw.read(2) != b"\x1f\x8b":  # an index beside an uncompressed file is stale or wrong
            return False
    try:
        vcf.set_index(str(_index_path(path)))
    except Exception:
        return False
    return True


# --------------------------------------------------------------------------------------------
# header
# --------------------------------------------------------------------------------------------

_STRUCTURED = re.compile(r'([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|[^,>]*)')


def _fields_of(value: str) -> dict[str, str]:
    """``<ID=X,Number=1,Description="a, b">`` -> {"ID": "X", "Number": "1", "Description": "a, b"}."""
    inner = value.strip()
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    return {k: (v[1:-1].replace('\\"', '"') if v.startswith('"') else v) for k, v in _STRUCTURED.findall(inner)}


@dataclass
class _Header:
    """The parts of a VCF header this reader uses."""

    meta: list[tuple[str, str]] = field(default_factory=list)  # every ##key=value, in order
    info: dict[str, dict[str, str]] = field(default_factory=dict)
    contigs: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def parse(cls, raw_header: str) -> _Header:
        header = cls()
        for line in raw_header.splitlines():
            if not line.startswith("##") or "=" not in line:
                continue
            key, _, value = line[2:].partition("=")
            header.meta.append((key, value))
            if key == "INFO":
                fields = _fields_of(value)
                header.info[fields.get("ID", "")] = fields
            elif key == "contig":
                header.contigs.append(_fields_of(value))
        return header

    def values(self, key: str) -> list[str]:
        return [value for k, value in self.meta if k == key]


# --------------------------------------------------------------------------------------------
# genome build
# --------------------------------------------------------------------------------------------


def _decide_build(path: Path, header: _Header, genome: str) -> tuple[str, str, list[Warning]]:
    """Return (build, evidence, warnings); contig lengths outrank text tokens, both outrank nothing."""
    length_build, length_evidence = _build_from_contigs(header)
    text_build, text_evidence, conflicts = _build_from_tokens(header)
    warns = [Warning(f"genome build evidence disagrees: {c}", SourceRef(str(path))) for c in conflicts]
    if genome == "auto":
        if length_build:
            if text_build and text_build != length_build:
                warns.append(Warning(f"header tokens say {text_build} ({text_evidence}) but {length_evidence}"))
            return length_build, length_evidence, warns
        if text_build:
            return text_build, text_evidence, warns
        raise GenomeBuildError(
            path,
            None,
            "cannot determine the genome build: the header has no ##contig length for chromosome 1, 2,"
            " X or Y and no GRCh37/GRCh38 token in ##reference, ##contig assembly=, ##VEP or ##SnpEff lines",
            hint="pass --genome GRCh37 or --genome GRCh38",
        )
    stated = normalize_build(genome)
    if stated is None:
        raise GenomeBuildError(
            path, None, f"unknown genome build {genome!r}", hint="use GRCh37 (hg19) or GRCh38 (hg38)"
        )
    if length_build and length_build != stated:
        raise GenomeBuildError(
            path,
            None,
            f"--genome {stated} was given but the VCF header says {length_build}: {length_evidence}",
            hint=f"check which reference the calls were made on; pass --genome {length_build} if the header is right",
        )
    if length_build:
        return stated, f"--genome {stated} (header agrees: {length_evidence})", warns
    if text_build and text_build != stated:
        warns.append(Warning(f"--genome {stated} was given but the header suggests {text_build} ({text_evidence})"))
        return stated, f"--genome {stated} (header tokens suggest {text_build}: {text_evidence})", warns
    if text_build:
        return stated, f"--genome {stated} (header agrees: {text_evidence})", warns
    return stated, f"--genome {stated} (header has no build evidence)", warns


def _build_from_contigs(header: _Header) -> tuple[str | None, str | None]:
    lengths = {}
    for contig in header.contigs:
        if contig.get("ID") and contig.get("length", "").isdigit():
            lengths[contig["ID"]] = int(contig["length"])
    build = build_from_contig_lengths(lengths)
    if build is None:
        return None, None
    for name, length in lengths.items():
        if CONTIG_LENGTHS[build].get(normalize_chrom(name)) == length:
            return build, f"##contig length of {name} = {length} ({build})"
    return build, f"##contig lengths ({build})"  # pragma: no cover - the loop always finds one


def _build_from_tokens(header: _Header) -> tuple[str | None, str | None, list[str]]:
    """First decisive text source wins; later sources that disagree are reported."""
    sources: list[tuple[str, str]] = [(f"##reference={v}", v) for v in header.values("reference")]
    sources += [(f"##assembly={v}", v) for v in header.values("assembly")]
    sources += [
        (f"##contig=<ID={c.get('ID')},assembly={c['assembly']}>", c["assembly"])
        for c in header.contigs
        if c.get("assembly")
    ]
    for value in header.values("VEP"):
        match = re.search(r'assembly="?([^"\s]+)', value)
        if match:
            sources.append((f'##VEP assembly="{match.group(1)}"', match.group(1)))
        else:
            sources.append((f"##VEP={value}", value))
    sources += [(f"##SnpEffCmd={v}", v) for v in header.values("SnpEffCmd")]
    sources += [(f"##SnpEffVersion={v}", v) for v in header.values("SnpEffVersion")]
    chosen: tuple[str, str] | None = None
    conflicts = []
    for label, text in sources:
        build = build_from_text(text)
        if build is None:
            continue
        short = label if len(label) <= 120 else label[:117] + "..."
        if chosen is None:
            chosen = (build, f"{short} ({build})")
        elif build != chosen[0]:
            conflicts.append(f"{chosen[1]} vs {short} ({build})")
    if chosen is None:
        return None, None, conflicts
    return chosen[0], chosen[1], conflicts


# --------------------------------------------------------------------------------------------
# tumour sample
# --------------------------------------------------------------------------------------------


def _choose_sample(
    path: Path, samples: list[str], header: _Header, tumor_id: str | None
) -> tuple[str | None, int | None]:
    """Tumour column: --tumor-id, ##tumor_sample (Mutect2), TUMOR (Strelka), the only sample."""
    listed = ", ".join(samples) if samples else "none (sites-only VCF)"
    if tumor_id is not None:
        if tumor_id in samples:
            return tumor_id, samples.index(tumor_id)
        raise InputFormatError(
            path,
            None,
            f"tumour sample {tumor_id!r} is not in this VCF; samples: {listed}",
            hint=f"pass --tumor-id with one of: {listed}" if samples else "omit --tumor-id for a sites-only VCF",
        )
    if not samples:
        return None, None
    for name in header.values("tumor_sample"):
        if name.strip() in samples:
            return name.strip(), samples.index(name.strip())
    if "TUMOR" in samples:
        return "TUMOR", samples.index("TUMOR")
    if len(samples) == 1:
        return samples[0], 0
    raise InputFormatError(
        path,
        None,
        f"cannot tell which of the {len(samples)} samples is the tumour: {listed}",
        hint="pass --tumor-id NAME (no ##tumor_sample header line and no column named TUMOR)",
    )


# --------------------------------------------------------------------------------------------
# regions
# --------------------------------------------------------------------------------------------


class _RegionIndex:
    """Regions by prefix-free chromosome, sorted by start, plus their merged spans for queries."""

    def __init__(self, regions: Sequence[Region]):
        self.by_chrom: dict[str, list[Region]] = {}
        for region in regions:
            chrom = normalize_chrom(region.chrom)
            self.by_chrom.setdefault(chrom, []).append(region._replace(chrom=chrom))
        for chrom_regions in self.by_chrom.values():
            chrom_regions.sort(key=lambda r: (r.start, r.end))
        self.genes = {r.gene for rs in self.by_chrom.values() for r in rs}

    def gene_at(self, chrom: str, pos: int) -> tuple[bool, str | None]:
        """(pos lies in a region, gene of the first such region by start)."""
        for region in self.by_chrom.get(chrom, ()):
            if region.start > pos:
                break
            if region.end >= pos:
                return True, region.gene
        return False, None

    def merged(self, chrom: str) -> list[tuple[int, int]]:
        spans: list[list[int]] = []
        for region in self.by_chrom.get(chrom, ()):
            if spans and region.start <= spans[-1][1] + 1:
                spans[-1][1] = max(spans[-1][1], region.end)
            else:
                spans.append([region.start, region.end])
        return [(s, e) for s, e in spans]


# --------------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------------


class _RecordReader:
    """Turns cyvcf2 records into kept ``Variant`` objects, counting what it drops."""

    def __init__(self, *, path, header, sample, sample_index, include_filtered, regions):
        self.path = path
        self.header = header
        self.sample = sample
        self.sample_index = sample_index
        self.include_filtered = include_filtered
        self.regions: _RegionIndex | None = regions
        self.annotation = _AnnotationSchema.detect(header)
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
                "blank_lines",
            ),
            0,
        )
        info_af = header.info.get("AF", {})
        self.info_af_per_alt = info_af.get("Number") == "A"

    # -- iteration ---------------------------------------------------------------------------

    def read_stream(self, vcf, stderr: _Stderr, first_line: int | None) -> None:
        line = first_line
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
            if line is not None:
                line += 1
        if stderr.errors():  # htslib may stop early on a damaged file without raising
            raise self._record_error(stderr, line)
        if self.stats["blank_lines"]:
            count = self.stats["blank_lines"]
            self.warnings.append(Warning(f"{count} blank line(s) skipped", SourceRef(str(self.path))))

    def read_indexed(self, vcf, stderr: _Stderr) -> None:
        assert self.regions is not None
        contigs = {normalize_chrom(name): name for name in vcf.seqnames}
        order = {name: i for i, name in enumerate(vcf.seqnames)}
        queries = []
        for chrom in self.regions.by_chrom:
            if chrom in contigs:
                for start, end in self.regions.merged(chrom):
                    queries.append((order[contigs[chrom]], start, end, contigs[chrom]))
        for _, start, end, contig in sorted(queries):
            try:
                for record in vcf(f"{contig}:{start}-{end}"):
                    if start <= record.POS <= end:  # a query also returns records that merely overlap
                        self.stats["records"] += 1
                        self._take(record, None)
            except Exception:
                raise self._record_error(stderr, None) from None
        if stderr.errors():
            raise self._record_error(stderr, None)

    def _record_error(self, stderr: _Stderr, line: int | None) -> InputFormatError:
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
        chrom = normalize_chrom(raw_chrom)
        pos = record.POS
        region_gene = None
        if self.regions is not None:
            inside, region_gene = self.regions.gene_at(chrom, pos)
            if not inside:
                self.stats["outside_regions"] += 1
                return
        filters = record.FILTERS
        filter_text = ";".join(filters) if filters else "."
        passed = filter_text in ("PASS", ".")
        ref = record.REF
        alts = record.ALT
        if not alts:  # ALT "." : a reference-only site
            self.stats["skipped_non_ref"] += 1
            return
        entries = None
        for alt_index, alt in enumerate(alts):
            if alt in _GVCF_ALTS:
                self.stats["skipped_non_ref"] += 1
                continue
            if _is_structural(alt):
                self.stats["skipped_sv"] += 1
                continue
            self.stats["alleles"] += 1
            if not passed:
                self.stats["filtered"] += 1
                if not self.include_filtered:
                    continue
            if entries is None:
                entries = self.annotation.entries(record) if self.annotation else []
            self.kept.append(
                self._variant(record, line, chrom, ref, alts, alt_index, filter_text, entries, region_gene)
            )
            self.stats["kept"] += 1

    def _variant(self, record, line, chrom, ref, alts, alt_index, filter_text, entries, region_gene):
        alt = alts[alt_index]
        source = SourceRef(str(self.path), line, f"{record.CHROM}:{record.POS} {ref}>{alt}")
        gene, consequence, hgvs_c, hgvs_p, transcript, kind = region_gene, (), None, None, None, "none"
        if self.annotation is not None:
            kind = self.annotation.kind
            own = self.annotation.for_allele(entries, record.POS, ref, alts, alt_index)
            chosen = self.annotation.pick(own, self.regions.genes if self.regions else set())
            if chosen is not None:
                called = self.annotation.describe(chosen)
                gene = called.gene or region_gene
                consequence, hgvs_c, hgvs_p, transcript = (
                    called.consequence,
                    called.hgvs_c,
                    called.hgvs_p,
                    called.transcript,
                )
        vaf, depth, alt_depth = self._allele_fraction(record, ref, alts, alt_index)
        return Variant(
            chrom=chrom,
            pos=record.POS,
            ref=ref,
            alt=alt,
            source=source,
            filter=filter_text,
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

    # -- allele fraction ---------------------------------------------------------------------

    def _allele_fraction(self, record, ref, alts, i) -> tuple[float | None, int | None, int | None]:
        """(vaf, depth, alt_depth); when all three are known, vaf == alt_depth / depth."""
        if self.sample_index is None:
            return self._info_af(record, i), None, None
        s = self.sample_index
        dp = self._ints(record, "DP", s)
        total_dp = dp[0] if dp and dp[0] is not None else None
        ad = self._ints(record, "AD", s)
        ad_alt = None
        if ad is not None and len(ad) == len(alts) + 1:
            ad_alt = ad[i + 1]
            if ad_alt is not None and all(v is not None for v in ad):
                return _fraction(ad_alt, sum(ad))
        af = self._floats(record, "AF", s)
        if af is not None and len(af) == len(alts) and af[i] is not None:
            return af[i], total_dp, None
        if len(ref) == 1 and len(alts[i]) == 1 and ref.upper() in "ACGT" and alts[i].upper() in "ACGT":
            ref_tier = self._ints(record, f"{ref.upper()}U", s)
            alt_tier = self._ints(record, f"{alts[i].upper()}U", s)
            if ref_tier and alt_tier and ref_tier[0] is not None and alt_tier[0] is not None:
                return _fraction(alt_tier[0], ref_tier[0] + alt_tier[0])
        tar, tir = self._ints(record, "TAR", s), self._ints(record, "TIR", s)
        if tar and tir and tar[0] is not None and tir[0] is not None:
            return _fraction(tir[0], tar[0] + tir[0])
        ao, ro = self._ints(record, "AO", s), self._ints(record, "RO", s)
        if ao and ro and len(ao) == len(alts) and ro[0] is not None and None not in ao:
            return _fraction(ao[i], ro[0] + sum(ao))
        if ad_alt is not None and total_dp:  # AD with a missing REF count: alt reads over DP
            return ad_alt / total_dp, total_dp, ad_alt
        return None, total_dp, ad_alt

    def _ints(self, record, name: str, s: int) -> list[int | None] | None:
        values = _format(record, name)
        if values is None:
            return None
        if values.dtype.kind in "SUO":  # used but not declared in the header: htslib keeps text
            return _parse_number_list(values[s], int)
        if values.dtype.kind not in "iu":
            return None
        row = [int(v) for v in values[s] if v != _VECTOR_END_INT]
        return [None if v == _MISSING_INT else v for v in row]

    def _floats(self, record, name: str, s: int) -> list[float | None] | None:
        values = _format(record, name)
        if values is None:
            return None
        if values.dtype.kind in "SUO":
            return _parse_number_list(values[s], float)
        if values.dtype.kind != "f":
            return None
        return [None if v != v else _float32(v) for v in values[s]]

    def _info_af(self, record, i: int) -> float | None:
        if not self.info_af_per_alt:
            return None
        value = record.INFO.get("AF")
        if isinstance(value, tuple):
            value = value[i] if i < len(value) else None
        elif i > 0:
            return None
        return None if value is None or value != value else _float32(value)


def _format(record, name: str):
    """FORMAT values of all samples, or None when the field is absent (cyvcf2 raises KeyError)."""
    try:
        return record.format(name)
    except KeyError:
        return None


def _parse_number_list(raw, kind) -> list | None:
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    try:
        return [None if v in (".", "") else kind(v) for v in text.split(",")]
    except ValueError:
        return None


def _float32(value) -> float:
    """htslib stores floats as float32: 0.31 arrives as 0.3100000023841858; keep the written value."""
    return float(str(numpy.float32(value)))


def _fraction(alt: int, depth: int) -> tuple[float | None, int, int]:
    return (alt / depth if depth > 0 else None), depth, alt


def _is_structural(alt: str) -> bool:
    """Symbolic (<DEL>) or breakend (N[1:100[, .N) ALT alleles."""
    return alt.startswith("<") or "[" in alt or "]" in alt or (len(alt) > 1 and "." in (alt[0], alt[-1]))


# --------------------------------------------------------------------------------------------
# consequence annotations: VEP CSQ, SnpEff ANN, bcftools BCSQ
# --------------------------------------------------------------------------------------------

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
class _Called:
    gene: str | None
    consequence: tuple[str, ...]
    hgvs_c: str | None
    hgvs_p: str | None
    transcript: str | None


@dataclass(frozen=True)
class _AnnotationSchema:
    """One consequence tag and its field list, read from the header description."""

    kind: str  # "vep" | "snpeff" | "bcsq"
    tag: str
    fields: tuple[str, ...]  # lower-case

    @staticmethod
    def detect(header: _Header) -> _AnnotationSchema | None:
        found: dict[str, _AnnotationSchema] = {}
        for tag, info in header.info.items():
            description = info.get("Description", "")
            kind, fields = _classify_description(description)
            if kind and kind not in found:
                found[kind] = _AnnotationSchema(kind, tag, fields)
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
            values = [_percent_decode(v) for v in entry.split("|")]
            parsed.append(dict(zip(self.fields, values)))
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
            forms = _vep_allele_forms(ref, alts, i) if self.kind == "vep" else [alts[i].upper()]
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

    def describe(self, entry: dict[str, str]) -> _Called:
        consequence = tuple(t for t in self.get(entry, "consequence").split("&") if t)
        hgvs_p = _strip_prefix(self.get(entry, "hgvs_p"))
        if self.kind == "bcsq":
            consequence = tuple(_BCSQ_TO_SO.get(t.lstrip("*"), t.lstrip("*")) for t in consequence)
            hgvs_p = _bcsq_protein(self.get(entry, "hgvs_p"), consequence)
        return _Called(
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


def _vep_allele_forms(ref: str, alts: list[str], i: int) -> list[str]:
    """How VEP may have written ALT ``i`` in its Allele field, most literal first."""
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
    return list(dict.fromkeys(forms))


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
