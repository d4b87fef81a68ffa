"""VCF/BCF reader for small variants (SNVs and indels); the only module that imports cyvcf2.

Format (VCF 4.2/4.3, plain, bgzipped or BCF): ``##`` meta lines, one ``#CHROM`` line, then one record
per line. What is used:
- ``#CHROM POS REF ALT FILTER``; multi-allelic records are split into one ``Variant`` per ALT.
  ``*``, ``<NON_REF>``/``<*>`` and ``.`` ALTs are skipped; symbolic SV ALTs (``<DEL>``...) and
  breakends are skipped with a count in ``stats`` (SV files have their own reader).
- FILTER ``PASS`` and ``.`` are kept by default; ``include_filtered=True`` keeps everything.
- Consequences from INFO ``CSQ`` (Ensembl VEP), ``ANN`` (SnpEff) or ``BCSQ`` (bcftools csq), always
  mapped through the field list in the header, never by position; the producer is recognised from
  the header description because the tag can be renamed (``consequence.py``).
- Tumour allele fraction from the tumour sample's FORMAT fields, in the order vcf2maf uses:
  ``AD`` -> ``AF`` -> Strelka tier-1 ``AU/CU/GU/TU`` (SNVs) -> ``TAR/TIR`` (indels) -> ``AO/RO``;
  sites-only files use INFO ``AF`` when it is ``Number=A`` (``vcf_depth.py``).
- Genome build from ``##contig`` lengths, then ``##reference``/``assembly=``/VEP/SnpEff tokens
  (``vcf_build.py``).

htslib reports problems on the process's stderr; that stream is captured while a file is read, so
its messages become warnings or part of one clear ``InputFormatError`` instead of noise
(``htslib_quiet.py``). Records become variants in ``vcf_records.py``.

With ``regions``, an indexed bgzipped VCF is queried region by region through tabix, which hands
over raw lines (a BCF goes through cyvcf2's own queries); an unindexed text or gzipped VCF is
pre-filtered on CHROM/POS, keeping line numbers (``vcf_prefilter.py``). Either way the reader
then settles from the text alone the in-region lines that cannot give a lesion (filtered out, or
annotated with no protein-level term anywhere in INFO) and cyvcf2 parses only the rest, from a small
temporary VCF. Records outside the regions, and settled ones, are never parsed: a malformed record
there is not reported, nor is an htslib warning only such a record would raise (an undeclared
FILTER or INFO tag; undeclared contigs still are).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import suppress
from functools import partial
from itertools import accumulate
from pathlib import Path

import cyvcf2

from ..errors import InputFormatError
from ..forked import Forked
from ..forked import Tickets as _Tickets
from .base import ReadResult, Region

# Imported under their pre-split private names too, which other readers (the SV VCF reader) use.
from .htslib_quiet import Stderr as _Stderr
from .htslib_quiet import captured_stderr as _captured_stderr
from .htslib_quiet import htslib_warnings as _htslib_warnings
from .vcf_build import decide_build as _decide_build
from .vcf_header import VcfHeader as _Header
from .vcf_header import scan_header as _scan_header
from .vcf_prefilter import indexed as _indexed_text
from .vcf_prefilter import is_gzip as _is_gzip
from .vcf_prefilter import prefiltered as _prefiltered
from .vcf_records import RecordReader as _RecordReader
from .vcf_records import RegionIndex as _RegionIndex

__all__ = ["detect_vcf_build", "read_vcf"]

FORK_MIN_BYTES = 4 << 20  # a smaller file is read in one process: a child would cost more than it saves
TABIX_RUNS = 32  # a larger one's regions are shared with a child in this many runs, taken in turn


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
    watch_sites: Sequence[tuple[str, int]] | None = None,
    protein_terms: frozenset[str] | None = None,
    keep_sites: Sequence[tuple[str, int]] | None = None,
) -> ReadResult:
    """Read small variants, one ``Variant`` per ALT allele of the tumour sample.

    With ``regions`` only alleles whose POS lies in a region are kept; an indexed bgzipped VCF or
    BCF is then queried region by region instead of being streamed. ``watch_sites`` (chrom, pos)
    inside the regions are returned in ``ReadResult.reported_sites`` when a record with a called
    genotype covers them, ALT or not (pharmacogene sites: reference calls count as assessed).
    With ``protein_terms`` (Sequence Ontology terms) annotated alleles with none of them are counted
    in ``stats["silent"]`` instead of kept, except at ``keep_sites``.
    """
    path = Path(path)
    header_lines, is_bcf = _scan_header(path)
    with _captured_stderr() as stderr:
        raw_header, samples = _read_header(path, stderr)
        header = _Header.parse(raw_header)
        build, evidence, build_warnings = _decide_build(path, header, genome)
        sample, sample_index = _choose_sample(path, samples, header, tumor_id)
        reader = _RecordReader(
            path=path,
            header=header,
            sample=sample,
            sample_index=sample_index,
            include_filtered=include_filtered,
            regions=_RegionIndex(regions) if regions is not None else None,
            watch_sites=watch_sites,
            protein_terms=protein_terms,
            keep_sites=keep_sites,
        )
        result = ReadResult(format="vcf", sample=sample, genome_build=build, build_evidence=evidence)
        result.warnings.extend(build_warnings)
        # (an index beside an uncompressed file is stale or wrong: only a gzipped file is queried)
        queryable = regions is not None and _index_path(path) is not None and _is_gzip(path)
        if queryable and not is_bcf and _read_tabix(path, raw_header, reader, stderr):
            pass
        elif queryable and _read_queried(path, reader, stderr):
            pass
        elif regions is not None and not is_bcf:
            _read_prefiltered(path, header_lines, reader, stderr)
        else:
            _read_stream(path, None if is_bcf else header_lines + 1, reader, stderr)
        reader.finish()
        result.events.extend(reader.kept)
        result.stats.update(reader.stats)
        if watch_sites is not None:
            result.reported_sites = frozenset(reader.reported)
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
        raw_header, _ = _read_header(path, stderr)
    build, evidence, _ = _decide_build(path, _Header.parse(raw_header), genome)
    return build, evidence


def _read_tabix(path: Path, raw_header: str, reader: _RecordReader, stderr: _Stderr) -> bool:
    """Indexed bgzipped text with regions: tabix fetches each region's lines, and cyvcf2 parses only
    those the reader could not settle from their text (``RecordReader.settled_by_text``). False when
    tabix cannot open the file or its index (the caller then queries through cyvcf2).

    A large file's regions are cut into runs that this process and a child on the other core take in
    turn (``forked.Tickets``), so neither waits long for the other however the work falls. If the
    child fails in any way, this process reads the runs it took; an error is the one a single read
    meets first in file order. Kept variants and htslib's messages are put back in file order.
    """
    index = _index_path(path)
    if path.stat().st_size < FORK_MIN_BYTES:  # a small file: a child would cost more than it saves
        tabix = _open_tabix(path, index)
        if tabix is None:
            return False
        with tabix:
            header = _with_indexed_contigs(raw_header, reader, tabix)
            _read_tabix_part(tabix, header, reader.region_queries(tabix.contigs), reader, stderr)
        return True
    pieces: dict[int, tuple[list, bytes]] = {}
    with _Tickets(TABIX_RUNS) as tickets:
        # The child starts first and opens the file itself (a descriptor shared across a fork shares its
        # read offset): both processes load the index at once.
        child = Forked(partial(_read_runs_in_child, path, index, raw_header, tickets, reader))
        try:
            tabix = _open_tabix(path, index)
            if tabix is None:
                return False
            with tabix:
                header, runs = _with_indexed_contigs(raw_header, reader, tabix), _runs(reader, tabix)
                try:
                    _read_runs(tabix, header, runs, tickets, reader, stderr, pieces)
                except Exception:
                    child.cancel()  # a run the child took may hold an earlier error: find it here
                    _read_runs(tabix, header, runs, _missing(runs, pieces), reader, stderr, pieces)
                    raise
                part = child.result()
                if part is None:  # no child, or it failed: the runs it took are read here
                    _read_runs(tabix, header, runs, _missing(runs, pieces), reader, stderr, pieces)
        finally:
            child.cancel()
    if part is not None:
        child_pieces, state = part
        pieces.update(child_pieces)
        reader.take_over(state)
    for number in sorted(pieces):
        kept, messages = pieces[number]
        reader.kept.extend(kept)
        os.write(2, messages)
    return True


def _read_runs(tabix, header: bytes, runs, numbers, reader: _RecordReader, stderr: _Stderr, pieces: dict) -> None:
    """Read the runs ``numbers`` gives, into ``pieces``: run number -> (its kept variants, its htslib
    messages, taken out of the capture so they can be put back in run order)."""
    for number in numbers:
        if number >= len(runs):  # (there are more tickets than runs when few regions are indexed)
            continue
        mark = stderr.size()
        _read_tabix_part(tabix, header, runs[number], reader, stderr)
        pieces[number] = reader.kept, stderr.cut(mark)
        reader.kept = []


def _read_runs_in_child(path: Path, index: Path, raw_header: str, tickets, reader: _RecordReader):
    """In the forked child: read the runs it takes with its copy of the (still empty) reader; return
    them and what else the reader found. The child captures htslib's messages on its own stderr."""
    pieces: dict[int, tuple[list, bytes]] = {}
    with _captured_stderr() as stderr:
        tabix = _open_tabix(path, index)
        if tabix is None:
            raise OSError("tabix cannot open the file")
        with tabix:
            header = _with_indexed_contigs(raw_header, reader, tabix)
            _read_runs(tabix, header, _runs(reader, tabix), tickets, reader, stderr, pieces)
    return pieces, reader.handover()


def _with_indexed_contigs(raw_header: str, reader: _RecordReader, tabix) -> bytes:
    """The header for the parsed lines, with a ``##contig`` line for each contig the index lists and
    the header does not declare, as htslib adds when it opens an indexed file by name: their records
    parse without a warning, as they always have on this path (the header itself is read without the
    index: ``_read_header``)."""
    declared = {contig.get("ID") for contig in reader.header.contigs}
    missing = [f"##contig=<ID={name}>\n" for name in tabix.contigs if name not in declared]
    if not missing:
        return raw_header.encode()
    meta, _, columns = raw_header.rstrip("\n").rpartition("\n")
    return (meta + "\n" + "".join(missing) + columns + "\n").encode()


def _read_tabix_part(tabix, header: bytes, queries, reader: _RecordReader, stderr: _Stderr) -> None:
    with _indexed_text(tabix, header, queries, reader.settled_by_text) as kept:
        parsed = _open(str(kept), reader.path, stderr)
        try:
            reader.read_stream(parsed, stderr, None)
        finally:
            parsed.close()


def _missing(runs: list, pieces: dict) -> list[int]:
    return [number for number in range(len(runs)) if number not in pieces]


def _runs(reader: _RecordReader, tabix) -> list[list[tuple[str, int, int]]]:
    """The reader's region queries on the contigs the index lists (only those hold records), as at
    most ``TABIX_RUNS`` runs of consecutive queries, cut where the bases covered so far pass a multiple
    of an equal share. Parent and child each work them out alike from their own index."""
    queries = reader.region_queries(tabix.contigs)
    if not queries:
        return []
    spans = list(accumulate(end - start + 1 for _, start, end in queries))
    runs: list[list[tuple[str, int, int]]] = [[] for _ in range(TABIX_RUNS)]
    for query, covered in zip(queries, spans):
        runs[min(TABIX_RUNS - 1, (covered - 1) * TABIX_RUNS // spans[-1])].append(query)
    return [run for run in runs if run]


def _read_prefiltered(path: Path, header_lines: int, reader: _RecordReader, stderr: _Stderr) -> None:
    """Unindexed text with regions: cyvcf2 parses only the lines whose CHROM/POS lie in a region and
    that the reader could not settle from their text."""
    assert reader.regions is not None
    with _prefiltered(path, header_lines, reader.regions.merged, reader.settled_by_text) as kept:
        vcf = _open(str(kept.path), path, stderr)
        try:
            reader.read_prefiltered(vcf, stderr, kept)
        finally:
            vcf.close()


def _read_queried(path: Path, reader: _RecordReader, stderr: _Stderr) -> bool:
    """Regions queried through cyvcf2 (a BCF, or a file tabix cannot read); False without a usable index."""
    vcf = _open(str(path), path, stderr)
    try:
        try:
            vcf.set_index(str(_index_path(path)))
        except Exception:
            return False
        reader.read_indexed(vcf, stderr)
    finally:
        vcf.close()
    return True


def _read_stream(path: Path, first_line: int | None, reader: _RecordReader, stderr: _Stderr) -> None:
    """Every record in file order (no regions, or a BCF without a usable index)."""
    vcf = _open(str(path), path, stderr)
    try:
        reader.read_stream(vcf, stderr, first_line)
    finally:
        vcf.close()


# --------------------------------------------------------------------------------------------
# opening and indexes
# --------------------------------------------------------------------------------------------


def _open(source: str | int, path: Path, stderr: _Stderr):
    """cyvcf2 on ``source`` (a file name or a descriptor); a failure is reported against ``path``."""
    try:
        return cyvcf2.VCF(source, lazy=True)
    except Exception as exc:  # cyvcf2 raises OSError or a bare Exception
        detail = "; ".join(stderr.errors()) or str(exc)
        raise InputFormatError(
            path, None, f"htslib cannot read this file as VCF/BCF ({detail})", "check the header lines"
        ) from None


def _read_header(path: Path, stderr: _Stderr) -> tuple[str, list[str]]:
    """(header text as htslib normalises it, sample names), read through a descriptor: opened by name,
    htslib would also load a bgzipped VCF's tabix index, to look for contigs the header leaves out
    (~40 ms for a whole genome, paid again at every open). The tabix path adds those itself, from
    the index it loads anyway (``_with_indexed_contigs``)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        vcf = _open(descriptor, path, stderr)
        try:
            return vcf.raw_header, list(vcf.samples)
        finally:
            vcf.close()
    finally:
        with suppress(OSError):  # (cyvcf2 0.30 leaves the descriptor open; a later one may close it)
            os.close(descriptor)


def _open_tabix(path: Path, index: Path):
    """pysam's tabix reader handing over raw lines, or None when it cannot open the file or index."""
    import pysam  # lazy: only this path needs it

    try:
        return pysam.TabixFile(str(path), index=str(index), encoding="latin-1")
    except (OSError, ValueError):
        return None


def _index_path(path: Path) -> Path | None:
    """The tabix/CSI index beside ``path``, looked up here so htslib never complains of its absence."""
    for suffix in (".tbi", ".csi"):
        candidate = path.with_name(path.name + suffix)
        if candidate.is_file():
            return candidate
    return None


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

