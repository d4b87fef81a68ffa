"""`leuk-annot cohort samples.tsv -o OUTDIR`: annotate many samples with the bundled Snakemake workflow.

Snakemake is an optional extra (``pip install 'leuk-annot[cohort]'``): it schedules one
``leuk-annot annotate`` job per sample (locally, or on a cluster through an executor plugin) and
a cohort summary job; reruns only redo what changed.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import subprocess
import sys
from pathlib import Path

from ..errors import ExitStatus

log = logging.getLogger("leuk_annot")

INSTALL_HINT = "install leuk-annot[cohort] (pip install 'leuk-annot[cohort]')"
DEFAULT_REMOTE_JOBS = 100


def register(subparsers, common: argparse.ArgumentParser) -> None:
    coh = subparsers.add_parser(
        "cohort", parents=[common], help="annotate every sample of a samplesheet (Snakemake workflow)",
        description="Annotate every sample listed in SAMPLES.tsv with the bundled Snakemake workflow, then write "
                    "OUTDIR/cohort_summary.tsv and .html. Columns: sample_id, vcf, fusions (';'-separated), sv "
                    "(';'-separated), tumor_id (';'-separated to annotate several samples of one multi-sample "
                    "VCF), genome; relative paths are resolved against the samplesheet's folder. A failing "
                    "sample does not stop the others; the summary lists it with its exit code and error. A rerun "
                    "only redoes samples whose inputs changed: after upgrading leuk-annot or its database, add "
                    "--snakemake-args --forceall.",
    )
    coh.add_argument("samples", type=Path, help="samplesheet (TSV with a header line)")
    coh.add_argument("-o", "--outdir", type=Path, required=True, help="output directory (Snakemake's working dir)")
    coh.add_argument("--cores", default="all", help="local CPU cores to use (default: all)")
    coh.add_argument("--executor", help="Snakemake executor plugin, e.g. slurm (needs snakemake-executor-plugin-NAME)")
    coh.add_argument("--jobs", type=int,
                     help=f"jobs queued at once with --executor (default: {DEFAULT_REMOTE_JOBS})")
    coh.add_argument("-n", "--dry-run", action="store_true", help="show the jobs Snakemake would run")
    coh.add_argument("--snakemake-args", nargs=argparse.REMAINDER, default=[], metavar="ARG",
                     help="further Snakemake options, passed as they are (must come last), "
                          "e.g. --snakemake-args --forceall --keep-incomplete")
    coh.set_defaults(handler=run)


def _module_available(name: str) -> bool:
    if name in sys.modules:  # also honours a module blocked with sys.modules[name] = None
        return sys.modules[name] is not None
    return importlib.util.find_spec(name) is not None


def snakemake_command(args: argparse.Namespace) -> list[str]:
    """The Snakemake command line for this cohort run (paths absolute: Snakemake runs in OUTDIR)."""
    from ..workflow import SNAKEFILE

    config = [f"samples={args.samples.resolve()}"]
    if args.db is not None:
        config.append(f"db={args.db.resolve()}")
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE), "--directory", str(args.outdir.resolve()),
           "--config", *config]
    if args.executor and args.executor != "local":
        cmd += ["--executor", args.executor, "--jobs", str(args.jobs or DEFAULT_REMOTE_JOBS)]
    else:
        cmd += ["--cores", str(args.cores)]
    if args.dry_run:
        cmd.append("--dry-run")
    if args.quiet:
        cmd += ["--quiet", "all"]
    return cmd + list(args.snakemake_args)


def run(args: argparse.Namespace) -> int:
    from ..workflow.samplesheet import read_samplesheet
    from ..workflow.summary import STATUS_OK

    if not _module_available("snakemake"):
        log.error("error: the cohort command needs Snakemake, which is not installed: %s", INSTALL_HINT)
        return ExitStatus.ERROR
    if args.executor and args.executor != "local" and not _module_available(
            f"snakemake_executor_plugin_{args.executor.replace('-', '_')}"):
        log.error("error: Snakemake executor %r is not installed: pip install snakemake-executor-plugin-%s",
                  args.executor, args.executor)
        return ExitStatus.USAGE
    samples = read_samplesheet(args.samples)  # bad samplesheets fail here, naming the line
    args.outdir.mkdir(parents=True, exist_ok=True)
    cmd = snakemake_command(args)
    log.info("cohort: %d sample(s); running Snakemake in %s", len(samples), args.outdir)
    proc = subprocess.run(cmd)
    if proc.returncode != 0:
        log.error("error: Snakemake failed (exit status %d); its messages are above and its log is under %s",
                  proc.returncode, args.outdir / ".snakemake" / "log")
        return ExitStatus.ERROR
    if args.dry_run:
        return ExitStatus.OK
    return _report(args.outdir, STATUS_OK)


def _report(outdir: Path, status_ok: str) -> int:
    """Say how the cohort went; failed samples are warnings (the summary lists them), not a failed run."""
    import csv

    summary = outdir / "cohort_summary.tsv"
    with summary.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    failed = [r for r in rows if r["status"] != status_ok]
    log.info("cohort: %d of %d sample(s) annotated; summary in %s and %s", len(rows) - len(failed), len(rows),
             summary, summary.with_suffix(".html"))
    for row in failed:
        log.warning("warning: sample %s failed (exit status %s): %s", row["sample"], row["exit_code"], row["error"])
    return ExitStatus.OK
