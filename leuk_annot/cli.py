"""Command line: parse arguments, call the library, map errors to exit codes.

The only module that touches sys.argv, stderr or logging configuration.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import ExitStatus, LeukAnnotError, OutputError

log = logging.getLogger("leuk_annot")
SUBCOMMANDS = ("annotate", "db", "formats")


def main(argv: Sequence[str] | None = None) -> int:
    """Run leuk-annot; returns the exit status instead of exiting (tests call it directly)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in SUBCOMMANDS and argv[0] not in ("-h", "--help", "--version"):
        argv = ["annotate", *argv]  # the pipeline form: `leuk-annot SAMPLE.vcf ...`
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return ExitStatus.USAGE
    _configure_logging(args.quiet)
    try:
        return args.handler(args)
    except LeukAnnotError as exc:
        if args.debug:
            raise
        log.error("error: %s", exc)
        return exc.exit_status
    except KeyboardInterrupt:
        log.error("interrupted")
        return ExitStatus.INTERRUPTED
    except Exception as exc:  # a bug: say so plainly, keep the traceback behind --debug
        if args.debug:
            raise
        log.error("internal error: %s: %s (rerun with --debug and report it)", type(exc).__name__, exc)
        return ExitStatus.ERROR


class _StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time (so redirected or captured stderr works)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"leuk-annot: {record.getMessage()}", file=sys.stderr)


def _configure_logging(quiet: bool) -> None:
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        log.addHandler(_StderrHandler())
        log.propagate = False
    log.setLevel(logging.WARNING if quiet else logging.INFO)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    common.add_argument("-q", "--quiet", action="store_true", help="only print warnings and errors")
    common.add_argument("--db", type=Path, help="annotation database directory (default: the bundled one)")

    parser = argparse.ArgumentParser(
        prog="leuk-annot",
        description="Subtype-aware, cited reports for acute lymphoblastic leukaemia.",
        epilog="Exit codes: " + ", ".join(f"{s.value} {s.name.lower()}" for s in ExitStatus),
    )
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command")

    ann = sub.add_parser("annotate", parents=[common], help="annotate one sample (the default command)",
                         description="Annotate one sample: leuk-annot SAMPLE.vcf [--fusions F] -o OUTDIR")
    ann.add_argument("vcf", nargs="?", type=Path, help="small-variant VCF (plain, bgzipped or BCF); optional")
    ann.add_argument("--fusions", type=Path, action="append", default=[], metavar="FILE",
                     help="fusion calls (generic TSV with gene5/gene3 or fusion column); repeatable")
    ann.add_argument("--sv", type=Path, action="append", default=[], metavar="VCF",
                     help="DNA structural-variant VCF (Manta, Delly, GRIDSS); repeatable")
    ann.add_argument("--genome", default="auto", help="auto (default), GRCh37 or GRCh38")
    ann.add_argument("--tumor-id", help="VCF sample column of the tumour")
    ann.add_argument("--sample-id", help="sample id for the report and output file names")
    ann.add_argument("--include-filtered", action="store_true", help="keep records whose FILTER is not PASS")
    ann.add_argument("-o", "--outdir", type=Path, default=Path("."), help="output directory (default: .)")
    ann.add_argument("--templates", type=Path, help="report template directory (default: the bundled one)")
    ann.set_defaults(handler=_cmd_annotate)

    db = sub.add_parser("db", help="inspect or check the annotation database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    check = db_sub.add_parser("check", parents=[common], help="validate a database (schema + cross-file)")
    check.add_argument("path", nargs="?", type=Path, help="database directory (default: the bundled one)")
    check.set_defaults(handler=_cmd_db_check)
    info = db_sub.add_parser("info", parents=[common], help="print the database version and contents")
    info.set_defaults(handler=_cmd_db_info)

    formats = sub.add_parser("formats", parents=[common], help="list the registered input readers")
    formats.set_defaults(handler=_cmd_formats)
    return parser


def _cmd_annotate(args: argparse.Namespace) -> int:
    from .api import SampleInputs, annotate
    from .knowledge import load_knowledge
    from .report import render_html
    from .report.json_out import to_json
    from .report.tsv_out import to_tsv

    if args.vcf is None and not args.fusions and not args.sv:
        log.error("error: give a VCF, fusion calls (--fusions FILE), SV calls (--sv VCF), or several; "
                  "see leuk-annot annotate --help")
        return ExitStatus.USAGE
    kb = load_knowledge(args.db)
    inputs = SampleInputs(vcf=args.vcf, fusions=tuple(args.fusions), sv=tuple(args.sv), sample_id=args.sample_id,
                          tumor_id=args.tumor_id, genome=args.genome, include_filtered=args.include_filtered)
    result = annotate(inputs, kb)
    prefix = safe_file_stem(result.sample_id)
    outputs = {
        f"{prefix}.leuk-annot.json": to_json(result),
        f"{prefix}.leuk-annot.tsv": to_tsv(result),
        f"{prefix}.leuk-annot.html": render_html(result, kb, args.templates),
    }
    write_atomically(args.outdir, outputs)
    call = result.subtypes[0]
    log.info("%s: %s (%s confidence); %d lesion(s); reports in %s", result.sample_id, call.name,
             call.confidence, len(result.lesions), args.outdir)
    for warning in result.warnings:
        log.warning("warning: %s", warning.message)
    return ExitStatus.OK


def safe_file_stem(sample_id: str) -> str:
    """A sample id made safe as a file name (no path separators or shell-hostile characters)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", sample_id).strip("._")
    return stem or "sample"


def write_atomically(outdir: Path, files: dict[str, str]) -> None:
    """Write every file to a temporary name, then rename: a failed run leaves nothing partial."""
    temps: list[tuple[Path, Path]] = []
    mode = 0o666 & ~_current_umask()  # mkstemp creates 0600; reports should be readable like any file
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=outdir)
            temps.append((Path(tmp), outdir / name))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(tmp, mode)
        for tmp, final in temps:
            os.replace(tmp, final)
    except OSError as exc:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise OutputError(f"{outdir}: cannot write the reports: {exc.strerror or exc}") from None


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _cmd_db_check(args: argparse.Namespace) -> int:
    from .knowledge import load_knowledge

    kb = load_knowledge(args.path or args.db)
    print(f"OK: {kb.path} version {kb.version} (schema {kb.schema_version}): {_counts(kb)}")
    return ExitStatus.OK


def _cmd_db_info(args: argparse.Namespace) -> int:
    from .knowledge import load_knowledge

    kb = load_knowledge(args.db)
    unverified = sum(1 for c in kb.citations.values() if not c.verified)
    print(f"name: leuk-annot-db\nversion: {kb.version}\nschema_version: {kb.schema_version}\n"
          f"released: {kb.released}\npath: {kb.path}\ncontents: {_counts(kb)}\n"
          f"citations with unverified identifiers: {unverified}")
    return ExitStatus.OK


def _counts(kb) -> str:
    return (f"{len(kb.genes)} genes, {len(kb.hotspots)} hotspots, {len(kb.subtypes)} subtypes, "
            f"{len(kb.rules)} rules, {len(kb.lesion_rules)} lesion rules, {len(kb.therapies)} therapy links, "
            f"{len(kb.citations)} citations")


def _cmd_formats(args: argparse.Namespace) -> int:
    from .io import FUSION_READERS, SV_READERS, VARIANT_READERS
    from .io.sniff import describe_signatures

    signatures = dict(describe_signatures())
    print("kind\tformat\tsignature")
    for kind, registry in (("variants", VARIANT_READERS), ("fusions", FUSION_READERS), ("sv", SV_READERS)):
        for name in sorted(registry):
            print(f"{kind}\t{name}\t{signatures.get(name, 'VCF header (##fileformat=VCF)')}")
    return ExitStatus.OK
