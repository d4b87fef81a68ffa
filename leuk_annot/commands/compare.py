"""`leuk-annot compare DIAGNOSIS.json RELAPSE.json -o OUTDIR`: what changed between diagnosis and relapse."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ..errors import ExitStatus

log = logging.getLogger("leuk_annot")


def register(subparsers, common: argparse.ArgumentParser) -> None:
    cmp = subparsers.add_parser(
        "compare", parents=[common], help="compare a diagnosis and a relapse result of one patient",
        description="Compare two results written by `leuk-annot annotate` (the .leuk-annot.json files): lesions "
                    "gained, lost and persisting with their VAF shift, relapse-specific resistance lesions, subtype "
                    "stability, therapy and risk changes. Writes PREFIX.leuk-annot.compare.{html,json,tsv}. Refuses "
                    "results from different genome builds or schema major versions (exit status 11).")
    cmp.add_argument("diagnosis", type=Path, help="result JSON of the diagnosis sample")
    cmp.add_argument("relapse", type=Path, help="result JSON of the relapse sample")
    cmp.add_argument("-o", "--outdir", type=Path, default=Path("."), help="output directory (default: .)")
    cmp.add_argument("--prefix", help="output file name prefix (default: the sample id, or DIAG_vs_REL when the "
                                      "ids differ)")
    cmp.add_argument("--templates", type=Path, help="report template directory (default: the bundled one)")
    cmp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..compare import (
        FILE_SUFFIXES,
        compare_results,
        compare_to_json,
        compare_to_tsv,
        load_result,
        render_compare_html,
    )
    from ..knowledge import load_knowledge
    from ..outputs import safe_file_stem, write_atomically

    diagnosis = load_result(args.diagnosis)
    relapse = load_result(args.relapse)
    comparison = compare_results(diagnosis, relapse, names=(str(args.diagnosis), str(args.relapse)))
    kb = load_knowledge(args.db)  # citation texts and links for the HTML only
    dx_id, rel_id = comparison.diagnosis.sample_id, comparison.relapse.sample_id
    prefix = safe_file_stem(args.prefix or (dx_id if dx_id == rel_id else f"{dx_id}_vs_{rel_id}"))
    write_atomically(args.outdir, {
        prefix + FILE_SUFFIXES["json"]: compare_to_json(comparison),
        prefix + FILE_SUFFIXES["tsv"]: compare_to_tsv(comparison),
        prefix + FILE_SUFFIXES["html"]: render_compare_html(comparison, kb, args.templates),
    })
    counts = {s: sum(1 for x in comparison.lesions if x.status == s) for s in ("gained", "lost", "persisting")}
    log.info("%s vs %s: %d gained, %d lost, %d persisting lesion(s); subtype %s; %d relapse-resistance lesion(s); "
             "reports in %s", dx_id, rel_id, counts["gained"], counts["lost"], counts["persisting"],
             comparison.subtype.status, len(comparison.resistance_lesions), args.outdir)
    if comparison.subtype.prominent:
        log.warning("warning: %s", comparison.subtype.message)
    for warning in comparison.warnings:
        log.warning("warning: %s", warning.message)
    return ExitStatus.OK
