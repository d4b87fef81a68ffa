"""`leuk-annot [annotate] SAMPLE.vcf [--fusions F] [--sv SV.vcf] -o OUTDIR`: annotate one sample."""

from __future__ import annotations

import argparse
import logging
from functools import partial
from pathlib import Path

from ..errors import ExitStatus

log = logging.getLogger("leuk_annot")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    ann = subparsers.add_parser("annotate", parents=[common], help="annotate one sample (the default command)",
                                description="Annotate one sample: leuk-annot SAMPLE.vcf [--fusions F] -o OUTDIR")
    ann.add_argument("vcf", nargs="?", type=Path, help="small-variant VCF (plain, bgzipped or BCF); optional")
    ann.add_argument("--fusions", type=Path, action="append", default=[], metavar="FILE",
                     help="fusion calls (Arriba, STAR-Fusion, FusionCatcher, ... or generic TSV); repeatable")
    ann.add_argument("--sv", type=Path, action="append", default=[], metavar="VCF",
                     help="DNA structural-variant VCF (Manta, Delly, GRIDSS); repeatable")
    ann.add_argument("--cnv", type=Path, action="append", default=[], metavar="FILE",
                     help="copy-number segments (CNVkit, GATK, SEG, PURPLE, FACETS, TITAN, CNV VCF); repeatable")
    ann.add_argument("--purity", type=_fraction, help="tumour purity (0-1], for copy number and clonality")
    ann.add_argument("--ploidy", type=float, help="tumour ploidy for purity-adjusted copy number (default 2)")
    ann.add_argument("--germline", type=Path, metavar="VCF",
                     help="remission or normal VCF for TPMT/NUDT15 genotyping (else the tumour VCF, with caveats)")
    ann.add_argument("--germline-sample", help="sample column of the germline VCF when it has several")
    ann.add_argument("--clinical", type=Path, metavar="YAML",
                     help="clinical file for relapse timing and risk groups (format: docs/clinical.md)")
    ann.add_argument("--genome", default="auto", help="auto (default), GRCh37 or GRCh38")
    ann.add_argument("--tumor-id", help="VCF sample column of the tumour")
    ann.add_argument("--sample-id", help="sample id for the report and output file names")
    ann.add_argument("--include-filtered", action="store_true", help="keep records whose FILTER is not PASS")
    ann.add_argument("-o", "--outdir", type=Path, default=Path("."), help="output directory (default: .)")
    ann.add_argument("--templates", type=Path, help="report template directory (default: the bundled one)")
    ann.add_argument("--pdf", action="store_true",
                     help="also write <prefix>.leuk-annot.pdf, printed by headless Chromium (Debian package chromium)")
    ann.set_defaults(handler=run)


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction in (0, 1]")
    return value


def run(args: argparse.Namespace) -> int:
    if args.vcf is None and not args.fusions and not args.sv and not args.cnv:
        log.error("error: give a VCF, fusion calls (--fusions FILE), SV calls (--sv VCF), copy number (--cnv FILE), "
                  "or several; "
                  "see leuk-annot annotate --help")
        return ExitStatus.USAGE
    from ..checksums import Checksums

    checksums = Checksums.of(args)  # hashing starts now, on another core, while the rest is imported
    try:
        return _annotate(args, checksums)
    finally:
        checksums.stop()


def _annotate(args: argparse.Namespace, checksums) -> int:
    from ..api import SampleInputs, annotate
    from ..forked import Forked
    from ..knowledge import load_knowledge
    from ..outputs import safe_file_stem, staged
    from ..report import write_html
    from ..report.json_out import write_json
    from ..report.multiqc import FILE_SUFFIX, to_multiqc_tsv
    from ..report.pdf import find_chromium, html_to_pdf
    from ..report.tsv_out import to_tsv

    chromium = find_chromium() if args.pdf else None  # a missing browser fails before the work, not after
    kb = load_knowledge(args.db)
    inputs = SampleInputs(vcf=args.vcf, fusions=tuple(args.fusions), sv=tuple(args.sv), cnv=tuple(args.cnv),
                          purity=args.purity, ploidy=args.ploidy, sample_id=args.sample_id, tumor_id=args.tumor_id,
                          genome=args.genome, include_filtered=args.include_filtered, germline=args.germline,
                          germline_sample=args.germline_sample, clinical=args.clinical)
    result = annotate(inputs, kb, checksums=checksums)
    prefix = safe_file_stem(result.sample_id)
    # All files are staged and renamed together, so a failure (Chromium's too) leaves nothing partial.
    with staged(args.outdir) as stage:
        html_path = stage.path(f"{prefix}.leuk-annot.html")
        # The page, the largest render, is written by a child process on another core while this one
        # writes the rest; if the child fails, the page is written here (its errors then arise here).
        child = Forked(partial(write_html, html_path, result, kb, args.templates))
        try:
            write_json(stage.path(f"{prefix}.leuk-annot.json"), result)
            stage.write(f"{prefix}.leuk-annot.tsv", to_tsv(result))
            stage.write(f"{prefix}{FILE_SUFFIX}", to_multiqc_tsv(result))
            if not child.finished():
                write_html(html_path, result, kb, args.templates)
        finally:
            child.cancel()
        if chromium is not None:
            stage.write(f"{prefix}.leuk-annot.pdf", html_to_pdf(html_path.read_text(encoding="utf-8"), chromium))
    call = result.subtypes[0]
    log.info("%s: %s (%s confidence); %d lesion(s); reports in %s", result.sample_id, call.name,
             call.confidence, len(result.lesions), args.outdir)
    for warning in result.warnings:
        log.warning("warning: %s", warning.message)
    return ExitStatus.OK
