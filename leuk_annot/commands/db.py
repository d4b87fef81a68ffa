"""`leuk-annot db check [PATH] | db info | db update-civic`: validate, describe or extend the annotation database."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ..errors import ExitStatus

log = logging.getLogger("leuk_annot")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    db = subparsers.add_parser("db", help="inspect, check or update the annotation database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    check = db_sub.add_parser("check", parents=[common], help="validate a database (schema + cross-file)")
    check.add_argument("path", nargs="?", type=Path, help="database directory (default: the bundled one)")
    check.set_defaults(handler=run_check)
    info = db_sub.add_parser("info", parents=[common], help="print the database version and contents")
    info.set_defaults(handler=run_info)
    civic = db_sub.add_parser(
        "update-civic", parents=[common], help="download CIViC's ALL evidence into an overlay database",
        description="Download CIViC's accepted evidence export, keep the ALL items and write a complete "
                    "database (the base database + civic_overlay.yaml) at --out; use it with --db DIR. "
                    "The only command that uses the network; --db names the base (default: bundled).")
    civic.add_argument("--url", help="evidence TSV to download, plain or gzip (default: CIViC nightly, "
                                     "https://civicdb.org/downloads/nightly/nightly-ClinicalEvidenceSummaries.tsv)")
    civic.add_argument("--out", type=Path, default=Path("leuk-annot-db-civic"),
                       help="database directory to write or replace (default: ./leuk-annot-db-civic)")
    civic.add_argument("--timeout", type=_seconds, default=60.0, metavar="S",
                       help="give up when the server is silent this long (default: 60)")
    civic.set_defaults(handler=run_update_civic)


def run_check(args: argparse.Namespace) -> int:
    from ..knowledge import load_knowledge

    kb = load_knowledge(args.path or args.db, full_check=True)
    print(f"OK: {kb.path} version {kb.version} (schema {kb.schema_version}): {_counts(kb)}")
    return ExitStatus.OK


def run_update_civic(args: argparse.Namespace) -> int:
    from ..knowledge.civic import DEFAULT_URL, update_civic

    url = args.url or DEFAULT_URL
    log.info("downloading %s", url)
    prov = update_civic(url, args.out, args.timeout, base=args.db)
    counts = prov["counts"]
    print(f"OK: {args.out} version {prov['base_version']}+civic.{prov['downloaded'][:10].replace('-', '')}: "
          f"{counts['therapy_links']} therapy links and {counts['other_evidence']} prognostic/diagnostic items "
          f"from {counts['evidence_items']} CIViC evidence items (sha256 {prov['sha256'][:12]}...); "
          f"use it with --db {args.out}")
    return ExitStatus.OK


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def run_info(args: argparse.Namespace) -> int:
    from ..knowledge import load_knowledge

    kb = load_knowledge(args.db)
    unverified = sum(1 for c in kb.citations.values() if not c.verified)
    print(f"name: leuk-annot-db\nversion: {kb.version}\nschema_version: {kb.schema_version}\n"
          f"released: {kb.released}\npath: {kb.path}\ncontents: {_counts(kb)}\n"
          f"citations with unverified identifiers: {unverified}")
    return ExitStatus.OK


def _counts(kb) -> str:
    return (f"{len(kb.genes)} genes, {len(kb.hotspots)} hotspots, {len(kb.subtypes)} subtypes, "
            f"{len(kb.rules)} rules, {len(kb.lesion_rules)} lesion rules, {len(kb.therapies)} therapy links, "
            f"{len(kb.markers)} markers, {len(kb.citations)} citations")
