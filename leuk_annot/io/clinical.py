"""Read the clinical file (``--clinical clinical.yaml``) that relapse risk stratification needs.

The format is documented field by field in ``docs/clinical.md`` and checked against
``clinical.schema.json`` (shipped beside this module). Every problem is an ``InputFormatError``
naming ``file:line``, the field and a hint; line numbers come from the YAML node marks.

Decisions:
- Dates are ISO ``YYYY-MM-DD`` text (quoted or not); impossible dates (``2021-02-30``) and
  impossible orders (a relapse before diagnosis or before first remission, therapy ending before
  diagnosis, relapses listed out of order) are errors.
- The first relapse is given either as ``date_of_relapse`` + ``relapse_site`` or as the first
  item of ``relapses`` (a list, for patients with several relapses), never both.
- MRD values carry an explicit unit (``fraction`` or ``percent``) and are stored as a fraction.
- The date of first remission is ``date_of_first_remission`` when given, else
  ``date_end_of_induction`` unless ``induction_failure`` is true; otherwise it is unknown.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputFormatError, InputNotFoundError
from ..yaml_text import text_dates_loader

__all__ = ["ClinicalData", "MrdResult", "Relapse", "read_clinical", "SCHEMA_PATH"]

SCHEMA_PATH = Path(__file__).with_name("clinical.schema.json")


_DATE_FIELDS = (
    "date_of_diagnosis",
    "date_end_of_induction",
    "date_of_first_remission",
    "date_end_of_frontline_therapy",
    "date_of_relapse",
)


@dataclass(frozen=True, slots=True)
class Relapse:
    """One relapse; ``date_field``/``site_field`` name where it was given, for messages."""

    date: dt.date | None
    site: str | None  # "isolated_marrow" | "combined" | "isolated_extramedullary"
    date_field: str
    site_field: str


@dataclass(frozen=True, slots=True)
class MrdResult:
    timepoint: str  # e.g. "end_of_induction", "end_of_reinduction_block1"
    fraction: float  # MRD level as a fraction of nucleated cells (0.001 = 0.1 %)
    below: bool  # True when reported as "< value" (below the value, e.g. under the assay sensitivity)
    field: str  # "mrd[0]"
    date: dt.date | None = None
    method: str | None = None


@dataclass(frozen=True, slots=True)
class ClinicalData:
    """The clinical file's content; ``None`` means the field was not given (unknown)."""

    path: str
    patient_id: str | None = None
    sample_id: str | None = None
    age_at_diagnosis_years: float | None = None
    immunophenotype: str | None = None  # "B" | "T"
    date_of_diagnosis: dt.date | None = None
    date_end_of_induction: dt.date | None = None
    date_of_first_remission: dt.date | None = None
    date_end_of_frontline_therapy: dt.date | None = None
    relapses: tuple[Relapse, ...] = ()  # in date order; the first is the first relapse
    marrow_blasts_percent: float | None = None
    mrd: tuple[MrdResult, ...] = ()
    induction_failure: bool | None = None
    courses_to_first_remission: int | None = None
    response_to_reinduction: str | None = None  # "CR" | "no_CR" | "not_evaluated"
    prior_therapies: tuple[str, ...] = ()
    notes: str | None = None

    @property
    def first_relapse(self) -> Relapse | None:
        return self.relapses[0] if self.relapses else None

    @property
    def first_remission(self) -> tuple[dt.date | None, str]:
        """(date of first remission, the field it came from or the fields that would give it)."""
        if self.date_of_first_remission is not None:
            return self.date_of_first_remission, "date_of_first_remission"
        if self.date_end_of_induction is not None and self.induction_failure is not True:
            return self.date_end_of_induction, "date_end_of_induction"
        if self.induction_failure is True:
            return None, "date_of_first_remission (induction_failure is true)"
        return None, "date_of_first_remission or date_end_of_induction"


def read_clinical(path: Path | str) -> ClinicalData:
    """Parse and validate a clinical YAML file; raise ``InputFormatError`` on any problem."""
    path = Path(path)
    if not path.is_file():
        raise InputNotFoundError(path, None, "clinical file not found", "check the --clinical path")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(path, None, f"not UTF-8 text ({exc.reason})", "save the file as UTF-8 YAML") from None
    import yaml  # lazy: only a run with a clinical file reads one

    loader = text_dates_loader()
    try:
        root = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise _yaml_error(path, text, exc) from None
    if root is None:
        raise InputFormatError(path, None, "the clinical file is empty", "see docs/clinical.md for the fields")
    if not isinstance(root, yaml.MappingNode):
        raise InputFormatError(path, root.start_mark.line + 1, "the clinical file must be a mapping of 'field: value'",
                               "see docs/clinical.md for an example")
    lines: dict[tuple, int] = {}
    _index(root, (), lines, path)
    _validate(data, lines, path)
    return _build(data, lines, path)


def _yaml_error(path: Path, text: str, exc) -> InputFormatError:
    """Locate a YAML syntax error at the construct it broke (context mark) and name its field."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    line = mark.line + 1 if mark else None
    field = None
    if line is not None:
        lines = text.splitlines()
        found = re.match(r"\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*:", lines[line - 1]) if line <= len(lines) else None
        field = found.group(1) if found else None
    detail = f"{problem} ({context})" if context else problem
    return InputFormatError(path, line, f"{field + ': ' if field else ''}not valid YAML: {detail}",
                            "the clinical file is YAML 'field: value' lines; quote text containing ':' or '#'; "
                            "see docs/clinical.md")


def _index(node, path: tuple, lines: dict[tuple, int], file: Path) -> None:
    """Record the 1-based line of every key and list item; refuse duplicate keys."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InputFormatError(file, line, f"{_dotted(path + (key,))}: field given twice (first on line "
                                       f"{seen[key]})", "keep one of the two lines")
            seen[key] = line
            lines[path + (key,)] = line
            _index(value_node, path + (key,), lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _index(item, path + (i,), lines, file)


def _dotted(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line(lines: dict[tuple, int], path) -> int | None:
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _description(path) -> str | None:
    """The schema description of the field at ``path`` (used as the hint)."""
    node: dict | None = _schema()
    for part in path:
        if node is None:
            return None
        node = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
    return node.get("description") if node else None


def _validate(data: Any, lines: dict[tuple, int], file: Path) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    described = [_explain(error, lines) for error in errors]
    described.sort(key=lambda item: (item[0] is None, item[0] or 0))
    line, message, hint = described[0]
    if len(described) > 1:
        message += f" (and {len(described) - 1} more problem(s))"
    raise InputFormatError(file, line, message, hint)


def _explain(error, lines: dict[tuple, int]) -> tuple[int | None, str, str | None]:
    path = list(error.absolute_path)
    value = error.instance
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(str(k) for k in value if k not in known)[0]
        close = difflib.get_close_matches(extra, known, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(close)}?" if close else f"known fields here: {', '.join(known)}"
        return _line(lines, path + [extra]), f"{_dotted(path + [extra])}: unknown field", hint
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return (_line(lines, path), f"{_dotted(path + [missing])}: required field missing",
                _description(path + [missing]))
    field = _dotted(path)
    if error.validator == "pattern":
        message = f"{field}: {value!r} is not a date in YYYY-MM-DD form"
    elif error.validator == "enum":
        message = f"{field}: {value!r} is not one of {', '.join(map(str, error.validator_value))}"
    elif error.validator == "type":
        message = f"{field}: expected {error.validator_value}, got {type(value).__name__} {value!r}"
    else:
        message = f"{field}: {error.message}"
    return _line(lines, path), message, _description(path)


def _date(data: dict, key: str, lines, file: Path, path: tuple = ()) -> dt.date | None:
    text = data.get(key)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputFormatError(file, _line(lines, path + (key,)), f"{_dotted(path + (key,))}: {text!r} is not a "
                               "real calendar date", "dates are YYYY-MM-DD, e.g. 2021-03-14") from None


def _build(data: dict, lines: dict[tuple, int], file: Path) -> ClinicalData:
    dates = {key: _date(data, key, lines, file) for key in _DATE_FIELDS}
    relapses = _relapses(data, dates, lines, file)
    mrd = tuple(_mrd(item, i, lines, file) for i, item in enumerate(data.get("mrd", [])))
    clinical = ClinicalData(
        path=str(file),
        patient_id=data.get("patient_id"),
        sample_id=data.get("sample_id"),
        age_at_diagnosis_years=data.get("age_at_diagnosis_years"),
        immunophenotype=data.get("immunophenotype"),
        date_of_diagnosis=dates["date_of_diagnosis"],
        date_end_of_induction=dates["date_end_of_induction"],
        date_of_first_remission=dates["date_of_first_remission"],
        date_end_of_frontline_therapy=dates["date_end_of_frontline_therapy"],
        relapses=relapses,
        marrow_blasts_percent=data.get("marrow_blasts_percent"),
        mrd=mrd,
        induction_failure=data.get("induction_failure"),
        courses_to_first_remission=data.get("courses_to_first_remission"),
        response_to_reinduction=data.get("response_to_reinduction"),
        prior_therapies=tuple(data.get("prior_therapies", ())),
        notes=data.get("notes"),
    )
    _check_order(clinical, lines, file)
    return clinical


def _relapses(data: dict, dates: dict, lines, file: Path) -> tuple[Relapse, ...]:
    if "relapses" in data:
        for key in ("date_of_relapse", "relapse_site"):
            if key in data:
                raise InputFormatError(file, _line(lines, (key,)), f"{key}: given together with 'relapses'",
                                       "give the first relapse either as date_of_relapse/relapse_site or as the "
                                       "first item of relapses, not both")
        return tuple(
            Relapse(_date(item, "date", lines, file, ("relapses", i)), item.get("site"),
                    f"relapses[{i}].date", f"relapses[{i}].site")
            for i, item in enumerate(data["relapses"])
        )
    if "date_of_relapse" in data or "relapse_site" in data:
        return (Relapse(dates["date_of_relapse"], data.get("relapse_site"), "date_of_relapse", "relapse_site"),)
    return ()


def _mrd(item: dict, index: int, lines, file: Path) -> MrdResult:
    where = ("mrd", index)
    value = float(item["value"])
    if item["unit"] == "fraction" and value > 1:
        raise InputFormatError(file, _line(lines, where + ("value",)), f"mrd[{index}].value: {value:g} is above 1, "
                               "impossible for a fraction", "did you mean unit: percent?")
    if item["unit"] == "percent" and value > 100:
        raise InputFormatError(file, _line(lines, where + ("value",)), f"mrd[{index}].value: {value:g} is above "
                               "100 percent", "check the value and its unit")
    fraction = value if item["unit"] == "fraction" else value / 100
    return MrdResult(item["timepoint"], fraction, item.get("comparator") == "<", f"mrd[{index}]",
                     _date(item, "date", lines, file, where), item.get("method"))


def _check_order(c: ClinicalData, lines, file: Path) -> None:
    """Refuse date orders that cannot happen; the message names the later field."""

    def refuse(field: str, path: tuple, later: dt.date, earlier_field: str, earlier: dt.date, what: str) -> None:
        raise InputFormatError(file, _line(lines, path), f"{field}: {later.isoformat()} is {what} {earlier_field} "
                               f"{earlier.isoformat()}", "check both dates (YYYY-MM-DD); see docs/clinical.md")

    diagnosis = c.date_of_diagnosis
    if diagnosis is not None:
        for key in ("date_end_of_induction", "date_of_first_remission", "date_end_of_frontline_therapy"):
            value = getattr(c, key)
            if value is not None and value < diagnosis:
                refuse(key, (key,), value, "date_of_diagnosis", diagnosis, "before")
    remission, remission_field = c.first_remission
    previous: Relapse | None = None
    for relapse in c.relapses:
        if relapse.date is None:
            continue
        path = _field_path(relapse.date_field)
        if diagnosis is not None and relapse.date <= diagnosis:
            refuse(relapse.date_field, path, relapse.date, "date_of_diagnosis", diagnosis, "not after")
        if remission is not None and relapse.date <= remission:
            refuse(relapse.date_field, path, relapse.date, remission_field, remission, "not after")
        if previous is not None and previous.date is not None and relapse.date <= previous.date:
            refuse(relapse.date_field, path, relapse.date, previous.date_field, previous.date, "not after")
        previous = relapse


def _field_path(field: str) -> tuple:
    if field.startswith("relapses["):
        index = int(field[len("relapses["):field.index("]")])
        return ("relapses", index, "date")
    return (field,)
