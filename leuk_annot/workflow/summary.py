"""Cohort summary: one row per sample from the job status files and the per-sample JSON results.

``python -m leuk_annot.workflow.summary OUT.tsv OUT.html STATUS.json...`` (the workflow's last job).
Writes ``cohort_summary.tsv`` and a self-contained ``cohort_summary.html`` (subtype distribution,
actionable lesions per sample, failed samples and why).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import ExitStatus
from ..outputs import write_atomically
from ..report.context import RESEARCH_USE
from .run_sample import STATUS_FAILED, STATUS_OK

TEMPLATE = "cohort.html.j2"
STATUS_SUFFIX = ".status.json"
RESULT_SUFFIX = ".leuk-annot.json"
REPORT_SUFFIX = ".leuk-annot.html"

COLUMNS = (
    "sample",
    "status",
    "exit_code",
    "subtype_id",
    "primary_subtype",
    "icc_name",
    "confidence",
    "risk",
    "n_lesions",
    "n_actionable",
    "actionable_lesions",
    "report",
    "error",
)

MAX_LABEL = 72  # characters of a subtype name shown beside its bar (the full name is in the table)
_LEVEL_ORDER = {level: i for i, level in enumerate("ABCD")}
_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def actionable(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Lesions with a "sensitivity" therapy link, in report order, each with its agents (strongest first)."""
    by_lesion: dict[str, list[dict[str, Any]]] = {}
    for link in doc.get("therapies", []):
        if link.get("response") == "sensitivity":
            for lesion_id in link.get("lesion_ids", []):
                by_lesion.setdefault(lesion_id, []).append(link)
    out = []
    for lesion in doc.get("lesions", []):
        links = by_lesion.get(lesion["id"])
        if links:
            links = sorted(links, key=lambda t: (_LEVEL_ORDER.get(t.get("evidence_level"), 9), t["agent"]))
            agents = list(dict.fromkeys(t["agent"] for t in links))
            out.append({"lesion": lesion.get("label") or lesion["id"], "agents": agents})
    return out


def _exit_name(code: int | None) -> str | None:
    try:
        return ExitStatus(code).name.lower() if code is not None else None
    except ValueError:
        return None


def sample_row(status_path: Path) -> dict[str, Any]:
    """The summary row for one sample; a missing or unreadable result counts as a failure."""
    sample = status_path.name.removesuffix(STATUS_SUFFIX)
    row: dict[str, Any] = {c: None for c in COLUMNS}
    row.update(sample=sample, actionable=[], log=None)
    try:
        status = json.loads(status_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {**row, "status": STATUS_FAILED, "error": f"no readable job status: {exc}"}
    row.update(status=status.get("status"), exit_code=status.get("exit_code"), error=status.get("error"),
               log=status.get("log"))
    if row["status"] != STATUS_OK:
        return row
    result_path = status_path.parent / f"{sample}{RESULT_SUFFIX}"
    try:
        doc = json.loads(result_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {**row, "status": STATUS_FAILED, "error": f"annotation reported success but {result_path}: {exc}"}
    call = (doc.get("subtypes") or [{}])[0]
    row.update(
        subtype_id=call.get("id"),
        primary_subtype=call.get("name"),
        icc_name=call.get("icc_name"),
        confidence=call.get("confidence"),
        risk=(doc.get("prognosis") or {}).get("risk"),
        n_lesions=len(doc.get("lesions", [])),
        actionable=actionable(doc),
        report=f"samples/{sample}/{sample}{REPORT_SUFFIX}",
    )
    row["n_actionable"] = len(row["actionable"])
    row["actionable_lesions"] = "; ".join(f"{a['lesion']}: {', '.join(a['agents'])}" for a in row["actionable"])
    return row


def _cell(value: object) -> str:
    return "" if value is None else _BREAKS.sub(" ", str(value)).strip()


def to_tsv(rows: Sequence[dict[str, Any]]) -> str:
    lines = ["\t".join(COLUMNS)] + ["\t".join(_cell(row[c]) for c in COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def _bar_chart(counts: list[tuple[str, int]]) -> dict[str, Any]:
    """Geometry for a horizontal SVG bar chart (computed here so the template only places shapes)."""
    bar_width, row_height = 300, 22
    # About 7-8 px per character of 13 px text; long names are cut at MAX_LABEL in the template.
    label_width = 10 + 8 * min(MAX_LABEL, max((len(label) for label, _ in counts), default=10))
    top = max((n for _, n in counts), default=1)
    bars = [
        {
            "label": label,
            "count": n,
            "y": i * row_height,
            "width": max(1, round(bar_width * n / top)),
            "text_y": i * row_height + 15,
        }
        for i, (label, n) in enumerate(counts)
    ]
    return {"bars": bars, "label_width": label_width, "max_label": MAX_LABEL, "width": label_width + bar_width + 40,
            "height": max(row_height, len(bars) * row_height)}


def context(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if r["status"] == STATUS_OK]
    failed = [r for r in rows if r["status"] != STATUS_OK]
    counts = Counter(r["primary_subtype"] or "(no call)" for r in ok)
    distribution = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {
        "version": __version__,
        "research_use": RESEARCH_USE,
        "n_samples": len(rows),
        "n_ok": len(ok),
        "n_failed": len(failed),
        "distribution": [
            {"subtype": s, "count": n, "percent": round(100 * n / len(ok), 1)} for s, n in distribution
        ],
        "chart": _bar_chart(distribution),
        "ok": ok,
        "failed": [{**r, "exit_name": _exit_name(r["exit_code"])} for r in failed],
    }


def render_html(rows: Sequence[dict[str, Any]], templates_dir: Path | None = None) -> str:
    import jinja2  # lazy, as in report/

    if templates_dir is None:
        from ..knowledge.resources import default_templates_dir

        templates_dir = default_templates_dir()
    # autoescape=True: sample ids, subtype names and error messages all come from user input.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    return env.get_template(TEMPLATE).render(ctx=context(rows))


def write_summary(tsv_path: Path, html_path: Path, status_paths: Sequence[Path]) -> list[dict[str, Any]]:
    rows = [sample_row(Path(p)) for p in status_paths]
    write_atomically(tsv_path.parent, {tsv_path.name: to_tsv(rows)})
    write_atomically(html_path.parent, {html_path.name: render_html(rows)})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 2:
        print("usage: python -m leuk_annot.workflow.summary OUT.tsv OUT.html STATUS.json...", file=sys.stderr)
        return 2
    write_summary(Path(argv[0]), Path(argv[1]), [Path(p) for p in argv[2:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
