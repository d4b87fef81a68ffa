"""Command line: parse arguments, call the library, map errors to exit codes.

The only place that configures logging or turns exceptions into exit statuses; each subcommand
lives in ``leuk_annot.commands.<name>``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__
from .commands import COMMANDS
from .errors import ExitStatus, LeukAnnotError

log = logging.getLogger("leuk_annot")


def run() -> NoReturn:
    """The ``leuk-annot`` program: ``main``, then the process ends without tearing the interpreter
    down. By then every output is written, closed and renamed (``outputs.py``) and every child
    process reaped; finalising the ~100 modules and the knowledge base a run has loaded would cost
    ~40 ms, for each sample of a pipeline. (``main`` returns: tests and library callers use it.)"""
    status = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`) or stream: nothing more can be said
            pass
    os._exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run leuk-annot; returns the exit status instead of exiting (tests call it directly)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version"):
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
    subparsers = parser.add_subparsers(dest="command")
    for name in COMMANDS:
        importlib.import_module(f".commands.{name}", __package__).register(subparsers, common)
    return parser
