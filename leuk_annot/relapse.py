"""Relapse risk stratification: timing, risk groups, refractoriness, high-risk genetics, notes.

Every threshold, category and table lives in ``annotation_db/relapse_risk.yaml``; this module only
evaluates them. An item whose inputs are missing is returned with ``assessable=False`` and the
missing clinical-file fields named in ``basis``: values are never guessed.

Months are calendar months (``add_months``): "< 18 months from diagnosis" means the relapse date
is before diagnosis + 18 calendar months; a day past the end of the target month is clamped to its
last day (2019-08-31 + 6 months = 2020-02-29). Timing and risk groups describe the FIRST relapse,
the one the schemes were defined for; later relapses count towards refractoriness.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .classify.rules import pooled
from .io.clinical import ClinicalData
from .knowledge.records import KnowledgeBase, RelapseScheme
from .model import Lesion, RelapseAssessment, RiskItem, SubtypeCall

__all__ = ["add_months", "months_between", "assess_relapse"]

_NO_CLINICAL = "not assessable: no clinical file given (--clinical clinical.yaml; see docs/clinical.md)"
_NO_RELAPSE = "not assessable: no relapse in the clinical file (date_of_relapse/relapse_site or relapses)"
_INPUT_NAMES = {"fusion": "fusions", "copy_number": "copy-number", "sequence_variant": "sequence variants"}


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` + ``months`` calendar months, clamping the day to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months


def assess_relapse(
    clinical: ClinicalData | None,
    calls: Sequence[SubtypeCall],
    lesions: Sequence[Lesion],
    kb: KnowledgeBase,
    *,
    copy_number_assessed: bool,
    fusions_assessed: bool = True,
) -> RelapseAssessment:
    """Evaluate every scheme of ``kb.relapse_schemes`` in file order, one RiskItem each.

    ``copy_number_assessed``/``fusions_assessed`` say whether those input kinds were given, so that
    an absent high-risk lesion is only reported as absent when it could have been seen.
    """
    done: dict[str, _Result] = {}
    items = []
    for scheme in kb.relapse_schemes:
        if scheme.kind == "genetics":
            item = _genetics(scheme, calls, lesions, {"fusion": fusions_assessed, "copy_number": copy_number_assessed,
                                                      "sequence_variant": True})
        elif clinical is None:
            item = _item(scheme, None, _NO_CLINICAL)
        elif scheme.kind == "classification":
            result = _classify(scheme, clinical, done)
            done[scheme.id] = result
            item = _item(scheme, result.value, result.basis)
        elif scheme.kind == "refractory":
            item = _refractory(scheme, clinical)
        else:
            item = _blast_note(scheme, clinical)
        items.append(item)
    return RelapseAssessment(items=tuple(items), clinical_file=clinical.path if clinical else None)


def _item(scheme: RelapseScheme, value: str | None, basis: str, extra_citations: Iterable[str] = ()) -> RiskItem:
    if scheme.definition == "unverified" and scheme.note:
        basis = f"{basis}; definition source not verified: {scheme.note}"
    citations = tuple(dict.fromkeys((*scheme.citations, *extra_citations)))
    return RiskItem(scheme=scheme.scheme, value=value, assessable=value is not None, basis=basis, citations=citations)


# --- three-valued condition evaluation -------------------------------------------------------------


@dataclass
class _Test:
    """A condition's outcome: True/False, or None (undecidable) with the missing inputs."""

    state: bool | None
    facts: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class _Result:
    value: str | None
    basis: str
    missing: list[str] = field(default_factory=list)


def _all(tests: list[_Test]) -> _Test:
    if any(t.state is False for t in tests):
        return _Test(False)
    facts = [f for t in tests for f in t.facts]
    missing = list(dict.fromkeys(m for t in tests for m in t.missing))
    return _Test(None, facts, missing) if missing else _Test(True, facts)


def _classify(scheme: RelapseScheme, clinical: ClinicalData, done: dict[str, _Result]) -> _Result:
    relapse = clinical.first_relapse
    if relapse is None:
        return _Result(None, _NO_RELAPSE, ["date_of_relapse", "relapse_site"])
    missing: list[str] = []
    for category in scheme.categories:
        test = _all([_condition(key, spec, clinical, done) for key, spec in category.when.items()])
        if test.state is None:
            missing.extend(m for m in test.missing if m not in missing)
        elif test.state and not missing:
            facts = "; ".join(dict.fromkeys(test.facts))
            basis = f"{facts}; {category.note}" if category.note else facts
            return _Result(category.value, basis)
    if missing:
        return _Result(None, f"not assessable: missing {', '.join(missing)}", missing)
    return _Result(None, "not assessable: no category of this scheme covers the given site, timing and immunophenotype")


def _condition(key: str, spec, clinical: ClinicalData, done: dict[str, _Result]) -> _Test:
    relapse = clinical.first_relapse
    if key in ("months_from_diagnosis", "months_after_end_of_therapy"):
        start_field = "date_of_diagnosis" if key == "months_from_diagnosis" else "date_end_of_frontline_therapy"
        start = getattr(clinical, start_field)
        absent = [name for name, value in ((start_field, start), (relapse.date_field, relapse.date)) if value is None]
        if absent:
            return _Test(None, missing=absent)
        state = _months_test(start, relapse.date, spec)
        months = months_between(start, relapse.date)
        anchor = "diagnosis" if key == "months_from_diagnosis" else "end of frontline therapy"
        if months < 0 or relapse.date < start:
            fact = f"first relapse {relapse.date} is before the {anchor} ({start})"
        else:
            fact = f"first relapse {relapse.date} is {months} calendar months after {anchor} ({start})"
        return _Test(state, [fact])
    if key == "site":
        if relapse.site is None:
            return _Test(None, missing=[relapse.site_field])
        return _Test(relapse.site in spec, [f"site {relapse.site}"])
    if key == "immunophenotype":
        if clinical.immunophenotype is None:
            return _Test(None, missing=["immunophenotype"])
        return _Test(clinical.immunophenotype in spec, [f"{clinical.immunophenotype}-ALL"])
    if key == "item":
        ((ref, wanted),) = spec.items()
        result = done.get(ref)
        if result is None or result.value is None:
            missing = list(result.missing) if result and result.missing else [f"{ref} (not assessable)"]
            return _Test(None, missing=missing)
        return _Test(result.value in wanted, [f"{result.value} ({result.basis})"])
    if key == "mrd":
        return _mrd_test(spec, clinical)
    raise ValueError(f"unknown relapse condition {key!r}")  # the schema prevents this


def _months_test(start: dt.date, day: dt.date, spec: dict) -> bool:
    ok = True
    if "lt" in spec:
        ok = ok and day < add_months(start, spec["lt"])
    if "ge" in spec:
        ok = ok and day >= add_months(start, spec["ge"])
    return ok


def _mrd_test(spec: dict, clinical: ClinicalData) -> _Test:
    timepoint = spec["timepoint"]
    results = [m for m in clinical.mrd if m.timepoint == timepoint]
    if not results:
        return _Test(None, missing=[f"mrd at timepoint {timepoint}"])
    mrd = results[-1]
    shown = f"MRD {timepoint} {'< ' if mrd.below else ''}{mrd.fraction:.2g} ({mrd.fraction * 100:.3g}%)"
    threshold = spec.get("lt", spec.get("ge"))
    if mrd.below and mrd.fraction > threshold:
        return _Test(None, missing=[f"{mrd.field}: a value at or below {threshold:g} (given only as {shown})"])
    below_threshold = mrd.fraction <= threshold if mrd.below else mrd.fraction < threshold
    return _Test(below_threshold if "lt" in spec else not below_threshold, [shown])


# --- refractoriness --------------------------------------------------------------------------------


def _refractory(scheme: RelapseScheme, clinical: ClinicalData) -> RiskItem:
    criteria = scheme.params["criteria"]
    tests = {
        "induction failure": _induction_test(clinical, criteria["min_courses_without_remission"]),
        "early relapse after first remission": _early_after_remission(
            clinical, criteria["early_relapse_months_after_first_remission"]),
        "no response to reinduction": _reinduction_test(clinical),
        "multiple relapses": _Test(len(clinical.relapses) >= criteria["min_relapses"],
                                   [f"{len(clinical.relapses)} relapse(s) recorded"]),
    }
    met = [f"{name} ({'; '.join(t.facts)})" for name, t in tests.items() if t.state]
    if met:
        return _item(scheme, "refractory", "criteria met: " + "; ".join(met))
    missing = list(dict.fromkeys(m for t in tests.values() for m in t.missing))
    if missing:
        return _item(scheme, None, f"not assessable: no criterion met, missing {', '.join(missing)}")
    facts = "; ".join(f for t in tests.values() for f in t.facts)
    return _item(scheme, "not refractory", f"no criterion met: {facts}")


def _induction_test(clinical: ClinicalData, min_without: int) -> _Test:
    courses = clinical.courses_to_first_remission
    if courses is not None:
        return _Test(courses - 1 >= min_without, [f"first remission after {courses} induction course(s)"])
    if clinical.induction_failure is False:
        return _Test(False, ["no frontline induction failure"])
    return _Test(None, missing=["courses_to_first_remission"])


def _early_after_remission(clinical: ClinicalData, months: int) -> _Test:
    relapse = clinical.first_relapse
    if relapse is None:
        return _Test(False, ["no relapse"])
    remission, remission_field = clinical.first_remission
    absent = [name for name, value in ((remission_field, remission), (relapse.date_field, relapse.date))
              if value is None]
    if absent:
        return _Test(None, missing=absent)
    gap = months_between(remission, relapse.date)
    return _Test(relapse.date < add_months(remission, months),
                 [f"first relapse {gap} calendar months after first remission ({remission_field} {remission})"])


def _reinduction_test(clinical: ClinicalData) -> _Test:
    response = clinical.response_to_reinduction
    if not clinical.relapses:
        return _Test(False, ["no relapse"])
    if response in (None, "not_evaluated"):
        return _Test(None, missing=["response_to_reinduction"])
    return _Test(response == "no_CR", [f"response to reinduction {response}"])


# --- genetics and notes ----------------------------------------------------------------------------


def _genetics(scheme: RelapseScheme, calls: Sequence[SubtypeCall], lesions: Sequence[Lesion],
              assessed: dict[str, bool]) -> RiskItem:
    called = {c.subtype_id: c for c in calls if c.status != "unclassified"}
    lesions = pooled(lesions)
    present, absent, unassessed, citations = [], [], [], []
    for marker in scheme.markers:
        evidence = [called[s].name for s in marker.subtypes if s in called]
        evidence += [lesion.label for lesion in lesions.of_genes(marker.lesion_genes)
                     if lesion.confidence == "high" and lesion.kind.value in marker.lesion_kinds]
        if evidence:
            text = f"{marker.label} ({', '.join(dict.fromkeys(evidence))})"
            if marker.definition == "unverified" and marker.note:
                text += f" [source not verified: {marker.note}]"
            present.append(text)
            citations.extend(marker.citations)
            continue
        lacking = [_INPUT_NAMES[r] for r in marker.requires if not assessed[r]]
        (unassessed if lacking else absent).append((marker.label, lacking))
    parts = []
    if absent:
        parts.append("absent: " + ", ".join(label for label, _ in absent))
    if unassessed:
        inputs = sorted({name for _, lacking in unassessed for name in lacking})
        parts.append(f"not assessed ({' and '.join(inputs)} not given): " + ", ".join(lbl for lbl, _ in unassessed))
    if present:
        return _item(scheme, "present: " + "; ".join(present), "; ".join(["found: " + "; ".join(present), *parts]),
                     citations)
    if unassessed:
        inputs = sorted({name for _, lacking in unassessed for name in lacking})
        lead = f"absent among assessed lesions; {' and '.join(inputs)} not assessed"
        return _item(scheme, None, f"not assessable: {lead}; " + "; ".join(parts))
    return _item(scheme, "absent", "; ".join(parts))


def _blast_note(scheme: RelapseScheme, clinical: ClinicalData) -> RiskItem:
    lineages = scheme.params.get("immunophenotype")
    if lineages and clinical.immunophenotype is not None and clinical.immunophenotype not in lineages:
        return _item(scheme, f"not applicable ({clinical.immunophenotype}-ALL)",
                     f"applies to {'/'.join(lineages)}-ALL only; immunophenotype {clinical.immunophenotype}")
    blasts = clinical.marrow_blasts_percent
    if blasts is None:
        return _item(scheme, None, "not assessable: missing marrow_blasts_percent")
    threshold = scheme.params["blasts_at_or_above"]
    values = scheme.params["values"]
    basis = f"marrow blasts {blasts:g}% at relapse (threshold {threshold:g}%)"
    if lineages and clinical.immunophenotype is None:
        basis += f"; immunophenotype not given (the note applies to {'/'.join(lineages)}-ALL)"
    return _item(scheme, values["at_or_above"] if blasts >= threshold else values["below"], basis)
