"""MultiQC custom-content table (``<prefix>.leuk-annot_mqc.tsv``): one row per sample, found with no config.

MultiQC picks up any ``*_mqc.tsv`` and reads its YAML settings from the leading ``#`` lines; every
sample's file carries the same ``id``, so a cohort's files merge into one "leuk-annot" section.
"""

from __future__ import annotations

import re

from ..model import AnnotationResult

SECTION_ID = "leuk-annot"
FILE_SUFFIX = ".leuk-annot_mqc.tsv"

COLUMNS = ("subtype", "confidence", "risk", "n_lesions", "n_actionable", "relapse_lesions")

# MultiQC's YAML header; `headers` gives each column a readable title and keeps counts numeric.
_HEADER = """\
# id: '{section_id}'
# section_name: 'leuk-annot'
# description: 'ALL subtype call, risk group and lesion counts from leuk-annot (one row per sample).'
# plot_type: 'table'
# pconfig:
#     id: '{section_id}-table'
#     title: 'leuk-annot: subtype and lesions'
#     namespace: 'leuk-annot'
#     sort_rows: false
# headers:
#     subtype:
#         title: 'Subtype'
#         description: 'Headline subtype call (WHO-HAEM5 name)'
#     confidence:
#         title: 'Confidence'
#         description: 'Confidence of the subtype call'
#     risk:
#         title: 'Risk'
#         description: 'Genetic risk group from the reported lesions'
#     n_lesions:
#         title: 'Lesions'
#         description: 'Number of reported lesions'
#         format: '{{:,.0f}}'
#         min: 0
#     n_actionable:
#         title: 'Actionable'
#         description: 'Lesions with at least one agent the lesion predicts sensitivity to'
#         format: '{{:,.0f}}'
#         min: 0
#     relapse_lesions:
#         title: 'Relapse lesions'
#         description: 'Lesions the knowledge base marks as relapse-associated'
"""

_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_NUMBER_LIKE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _cell(value: object) -> str:
    return "" if value is None else _BREAKS.sub(" ", str(value)).strip()


def _sample_cell(sample_id: str) -> str:
    # MultiQC would read a number-like first column as a number, not a sample name.
    text = _cell(sample_id)
    return f'"{text}"' if _NUMBER_LIKE.match(text) else text


def actionable_lesion_ids(result: AnnotationResult) -> list[str]:
    """Lesions (in report order) with at least one therapy link of response "sensitivity"."""
    sensitive = {lid for t in result.therapies if t.response == "sensitivity" for lid in t.lesion_ids}
    return [lesion.id for lesion in result.lesions if lesion.id in sensitive]


def summary_row(result: AnnotationResult) -> dict[str, object]:
    """The sample's values for the MultiQC table, keyed by column."""
    call = result.subtypes[0] if result.subtypes else None
    relapse = [lesion.label for lesion in result.lesions if any(r.relapse for r in lesion.roles)]
    return {
        "subtype": call.name if call else None,
        "confidence": call.confidence if call else None,
        "risk": result.prognosis.risk,
        "n_lesions": len(result.lesions),
        "n_actionable": len(actionable_lesion_ids(result)),
        "relapse_lesions": "; ".join(relapse),
    }


def to_multiqc_tsv(result: AnnotationResult) -> str:
    """The ``_mqc.tsv`` text: MultiQC YAML header comments, a column header, one row for the sample."""
    row = summary_row(result)
    lines = [
        _HEADER.format(section_id=SECTION_ID),
        "\t".join(("Sample", *COLUMNS)) + "\n",
        "\t".join((_sample_cell(result.sample_id), *(_cell(row[c]) for c in COLUMNS))) + "\n",
    ]
    return "".join(lines)
