"""Copy-number records in a VCF (format ``"cnv-vcf"``): GATK gCNV, Canvas, DRAGEN CNV, Delly CNV, CNVkit export.

Format (VCF 4.1-4.4, plain or gzip/bgzip text):

- A record is a copy-number call when ``INFO/SVTYPE`` is ``DEL``, ``DUP`` or ``CNV``, or its ALT is
  ``<DEL>``, ``<DUP>``, ``<DUP:TANDEM>``, ``<CNV>`` or ``<CN#>``. Other records (SNVs, breakends,
  inversions) are ignored and counted; one warning says how many. A VCF with records but none of
  them copy-number calls is refused (``UnknownFormatError``): it was passed to the wrong option.
- Extent: ``POS`` is the padding base before the event (VCF 4.3 section 1.6.1) and ``INFO/END``
  the last affected base, so the segment is ``POS+1 .. END`` (``END`` missing: ``POS + |SVLEN|``).
  Callers that put the first affected base in ``POS`` (gCNV) are off by one base at the start;
  this is irrelevant for copy number and is not guessed per caller.
- Copy number: ``FORMAT/CN`` per sample (one segment per sample with a value; several samples
  give one warning), else ``INFO/CN`` (one segment). ``INFO/FOLD_CHANGE_LOG`` (CNVkit ``export vcf``)
  -> ``log2``; ``INFO/PROBES`` -> ``probes``. A call with neither a copy number nor a log2 value
  (a plain SV deletion) is skipped and counted; one warning names the first such line.
- ``FILTER`` other than ``PASS``/``.``: skipped and counted (segments carry no filter field).
- Genome build from the header exactly as the VCF readers decide it (``vcf_build.decide_build``:
  ``##contig`` lengths, then ``##reference``/assembly tokens); None when the header is silent.

Why plain text and not cyvcf2: only ``vcf.py`` may import cyvcf2, CNV VCFs are small (one record
per segment), and reading the text keeps the physical line of every record for ``SourceRef``.
BCF is refused with a conversion hint.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..errors import GenomeBuildError, InputFormatError, UnknownFormatError
from .base import ReadResult
from .cnv_table import MISSING, SegmentSink
from .signatures import open_text
from .vcf_build import decide_build
from .vcf_header import VcfHeader, scan_header

__all__ = ["read_cnv_vcf", "is_copy_number_record"]

FORMAT = "cnv-vcf"
_CNV_SVTYPES = frozenset({"DEL", "DUP", "CNV"})
_CNV_ALT = re.compile(r"^<(DEL|DUP|DUP:TANDEM|CNV|CN\d+)>$")


def is_copy_number_record(alt: str, info: dict[str, str]) -> bool:
    """True for DEL/DUP/CNV records (by ``SVTYPE`` or symbolic ALT); breakends and SNVs are not."""
    if info.get("SVTYPE") in _CNV_SVTYPES:
        return True
    return any(_CNV_ALT.match(allele) for allele in alt.split(","))


def read_cnv_vcf(path: Path) -> ReadResult:
    """Read DEL/DUP/CNV records with a copy number (or log2) from a VCF as segments."""
    path = Path(path)
    _, is_bcf = scan_header(path)
    if is_bcf:
        raise InputFormatError(
            path, None, "BCF is not read as copy-number input", "convert it: bcftools view -Ov -o calls.vcf calls.bcf"
        )
    sink = SegmentSink(path, FORMAT)
    header_text: list[str] = []
    samples: list[str] = []
    counts = {"other_records": 0, "filtered": 0, "no_copy_number": 0}
    first_without_cn: int | None = None
    with open_text(path) as handle:
        for line, raw in enumerate(handle, start=1):
            text = raw.rstrip("\n").rstrip("\r")
            if text.startswith("##"):
                header_text.append(text)
                continue
            if text.startswith("#"):
                samples = text.split("\t")[9:]
                continue
            if not text.strip():
                continue
            outcome = _record(sink, line, text, samples)
            if outcome in counts:
                counts[outcome] += 1
                if outcome == "no_copy_number" and first_without_cn is None:
                    first_without_cn = line
    if counts["other_records"] and not sink.rows:
        raise UnknownFormatError(
            path,
            None,
            f"none of the {counts['other_records']} records is a DEL/DUP/CNV call: not a copy-number VCF",
            "pass small-variant VCFs as the main input and structural-variant VCFs with --sv",
        )
    _summarise(sink, counts, first_without_cn)
    build, evidence = _build(path, sink, "\n".join(header_text))
    result = sink.result(
        FORMAT, sample=samples[0] if len(samples) == 1 else None, genome_build=build, build_evidence=evidence
    )
    result.stats.update(counts)
    return result


def _record(sink: SegmentSink, line: int, text: str, samples: list[str]) -> str:
    """Add the segment(s) of one record; return what happened when nothing was added."""
    fields = text.split("\t")
    if len(fields) < 8:
        raise InputFormatError(
            sink.path,
            line,
            f"a VCF record needs 8 tab-separated columns, this one has {len(fields)}",
            "check that the file is tab-separated and not truncated",
        )
    chrom, pos_text, _, _, alt, _, filters, info_text = fields[:8]
    info = _info(info_text)
    if not is_copy_number_record(alt, info):
        return "other_records"
    sink.rows += 1
    if filters not in ("PASS", ".", ""):
        sink.skip()
        return "filtered"
    if not pos_text.isdigit():
        raise InputFormatError(sink.path, line, f"POS {pos_text!r} is not a whole number", "POS must be 1-based")
    pos = int(pos_text)
    end = _end(sink, line, pos, info)
    if end is None:
        sink.skip()
        return "skipped"
    start = pos + 1 if end > pos else pos
    log2 = _number(sink, line, "INFO/FOLD_CHANGE_LOG", info.get("FOLD_CHANGE_LOG"))
    probes = _number(sink, line, "INFO/PROBES", info.get("PROBES"))
    if log2 is False or probes is False:
        sink.skip()
        return "skipped"
    if probes is not None and (probes < 0 or not probes.is_integer()):
        sink.warn(line, f"INFO/PROBES {info['PROBES']!r} is not a whole number; left unknown")
        probes = None
    shared = {"log2": log2, "record": f"{chrom}:{pos} {alt}", "probes": int(probes) if probes is not None else None}
    per_sample = _format_cn(fields, samples)
    if per_sample:
        before, malformed = len(sink.events), False
        for sample, value in per_sample:
            cn = _number(sink, line, f"FORMAT/CN of {sample}", value)
            malformed = malformed or cn is False
            if cn is False or (cn is None and log2 is None):
                continue
            sink.add(line, chrom, start, end, copy_number=cn, sample=sample, **shared)
        if len(sink.events) > before:
            return "added"
        sink.skip()
        return "skipped" if malformed else "no_copy_number"
    cn = _number(sink, line, "INFO/CN", info.get("CN"))
    if cn is False:
        sink.skip()
        return "skipped"
    if cn is None and log2 is None:
        sink.skip()
        return "no_copy_number"
    sink.add(line, chrom, start, end, copy_number=cn, sample=samples[0] if len(samples) == 1 else None, **shared)
    return "added"


def _info(text: str) -> dict[str, str]:
    info: dict[str, str] = {}
    for item in text.split(";"):
        key, _, value = item.partition("=")
        if key:
            info[key] = value
    return info


def _end(sink: SegmentSink, line: int, pos: int, info: dict[str, str]) -> int | None:
    if info.get("END", "").isdigit():
        return int(info["END"])
    svlen = info.get("SVLEN", "").split(",")[0].lstrip("-")
    if svlen.isdigit():
        return pos + int(svlen)
    sink.warn(line, "copy-number record without INFO/END or SVLEN; its extent is unknown; record skipped")
    return None


def _number(sink: SegmentSink, line: int, what: str, value: str | None) -> float | None | bool:
    """The value as a float, None when absent/unknown, or False (after a located warning) when malformed."""
    if value is None or value.strip().lower() in MISSING:
        return None
    try:
        number = float(value.split(",")[0])
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        sink.warn(line, f"{what} {value!r} is not a number; skipped")
        return False
    return number


def _format_cn(fields: list[str], samples: list[str]) -> list[tuple[str, str]]:
    """(sample, CN text) for every sample column, when FORMAT has CN; [] otherwise."""
    if len(fields) < 10 or not samples:
        return []
    keys = fields[8].split(":")
    if "CN" not in keys:
        return []
    index = keys.index("CN")
    values = []
    for sample, cell in zip(samples, fields[9:]):
        parts = cell.split(":")
        values.append((sample, parts[index] if index < len(parts) else "."))
    return values


def _summarise(sink: SegmentSink, counts: dict[str, int], first_without_cn: int | None) -> None:
    if counts["no_copy_number"]:
        sink.warn(
            first_without_cn,
            f"{counts['no_copy_number']} DEL/DUP/CNV record(s) without a copy number or log2 value skipped "
            "(first one on this line); structural-variant VCFs belong to --sv",
        )
    if counts["filtered"]:
        sink.warn(None, f"{counts['filtered']} copy-number record(s) with a FILTER other than PASS skipped")
    if counts["other_records"]:
        sink.warn(None, f"{counts['other_records']} record(s) that are not DEL/DUP/CNV calls ignored")


def _build(path: Path, sink: SegmentSink, header_text: str) -> tuple[str | None, str | None]:
    try:
        build, evidence, warnings = decide_build(path, VcfHeader.parse(header_text), "auto")
    except GenomeBuildError:
        return None, None  # the header is silent; the caller decides (--genome or other inputs)
    sink.warnings.extend(warnings)
    return build, evidence
