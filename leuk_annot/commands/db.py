"""`leuk-annot db check [PATH] | db info`: validate or describe the annotation database."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ExitStatus


def register(subparsers, common: argparse.ArgumentParser) -> None:
    db = subparsers.add_parser("db", help="inspect, check or update the annotation database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    check = db_sub.add_parser("check", parents=[common], help="validate a database (schema + cross-file)")
    check.add_argument("path", nargs="?", type=Path, help="database directory (default: the bundled one)")
    check.set_defaults(handler=run_check)
    info = db_sub.add_parser("info", parents=[common], help="print the database version and contents")
    info.set_defaults(handler=run_info)


def run_check(args: argparse.Namespace) -> int:
    from ..knowledge import load_knowledge

    kb = load_knowledge(args.path or args.db)
    print(f"OK: {kb.path} version {kb.version} (schema {kb.schema_version}): {_counts(kb)}")
    return ExitStatus.OK


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
