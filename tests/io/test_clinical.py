"""The clinical file reader: documented fields, dates, MRD units, and located errors (file:line: field)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from leuk_annot.errors import InputFormatError, InputNotFoundError
from leuk_annot.io.clinical import SCHEMA_PATH, read_clinical

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "test_data" / "clinical"
BAD = FIXTURES / "bad"


def write(tmp_path: Path, text: str, name: str = "clinical.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_schema_is_valid_and_every_field_is_documented():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = (REPO / "docs" / "clinical.md").read_text()
    for name in schema["properties"]:
        assert f"`{name}`" in doc, f"docs/clinical.md does not describe {name}"


def test_very_early_fixture_reads_every_field():
    c = read_clinical(FIXTURES / "very_early_marrow.yaml")
    assert c.path.endswith("very_early_marrow.yaml")
    assert (c.patient_id, c.sample_id, c.immunophenotype) == ("PT-VE-01", "PT-VE-01-REL1", "B")
    assert c.age_at_diagnosis_years == 6
    assert c.date_of_diagnosis == dt.date(2019, 1, 10)
    assert c.first_relapse.date == dt.date(2020, 3, 15)
    assert c.first_relapse.site == "isolated_marrow"
    assert c.marrow_blasts_percent == 82
    (mrd,) = c.mrd
    assert mrd.timepoint == "end_of_induction" and mrd.fraction == pytest.approx(1e-4) and not mrd.below
    assert c.induction_failure is False and c.courses_to_first_remission == 1
    assert c.response_to_reinduction == "not_evaluated"
    assert c.first_remission == (dt.date(2019, 2, 14), "date_end_of_induction")


def test_quoted_and_unquoted_dates_read_the_same(tmp_path):
    quoted = read_clinical(write(tmp_path, 'date_of_diagnosis: "2019-01-10"\n', "q.yaml"))
    bare = read_clinical(write(tmp_path, "date_of_diagnosis: 2019-01-10\n", "b.yaml"))
    assert quoted.date_of_diagnosis == bare.date_of_diagnosis == dt.date(2019, 1, 10)


def test_relapse_list_keeps_order_and_names_its_fields():
    c = read_clinical(FIXTURES / "multiple_relapses.yaml")
    assert [(r.date, r.site) for r in c.relapses] == [(dt.date(2018, 1, 15), "combined"),
                                                      (dt.date(2019, 6, 30), "isolated_marrow")]
    assert c.relapses[1].date_field == "relapses[1].date"
    assert c.prior_therapies == ("blinatumomab", "allogeneic_hsct")


def test_missing_fields_are_none_not_guessed():
    c = read_clinical(FIXTURES / "missing_dates.yaml")
    assert c.date_of_diagnosis is None and c.date_end_of_frontline_therapy is None
    assert c.first_relapse.date is None and c.first_relapse.site == "isolated_marrow"
    assert c.first_remission[0] is None


def test_mrd_units_are_converted_to_a_fraction(tmp_path):
    c = read_clinical(write(tmp_path, "mrd:\n  - {timepoint: end_of_reinduction_block1, value: 0.1, unit: percent}\n"
                                      "  - {timepoint: other, value: 0.0001, unit: fraction, comparator: '<'}\n"))
    assert c.mrd[0].fraction == pytest.approx(0.001)
    assert c.mrd[1].fraction == pytest.approx(0.0001) and c.mrd[1].below


def test_first_remission_is_not_taken_from_induction_after_an_induction_failure(tmp_path):
    c = read_clinical(write(tmp_path, "date_end_of_induction: 2019-02-14\ninduction_failure: true\n"))
    assert c.first_remission[0] is None


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("not_yaml.yaml", r"not_yaml\.yaml:2: date_of_diagnosis: not valid YAML"),
        ("unknown_field.yaml",
         r"unknown_field\.yaml:3: relapse_date: unknown field \(hint: did you mean .*date_of_relapse"),
        ("wrong_type.yaml", r"wrong_type\.yaml:3: marrow_blasts_percent: expected number, got str 'lots'"),
        ("relapse_before_diagnosis.yaml",
         r"relapse_before_diagnosis\.yaml:4: date_of_relapse: 2019-03-01 is not after date_of_diagnosis 2019-06-01"),
        ("impossible_date.yaml",
         r"impossible_date\.yaml:2: date_of_diagnosis: '2019-02-30' is not a real calendar date"),
        ("not_iso_date.yaml", r"not_iso_date\.yaml:2: date_of_diagnosis: '10/01/2019' is not a date in YYYY-MM-DD"),
        ("bad_site.yaml", r"bad_site\.yaml:4: relapses\[0\]\.site: 'marrow' is not one of isolated_marrow"),
    ],
)
def test_bad_files_name_file_line_and_field(name, pattern):
    with pytest.raises(InputFormatError, match=pattern) as info:
        read_clinical(BAD / name)
    assert info.value.hint, "every clinical-file error carries a hint"


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("immunophenotype: B\nimmunophenotype: T\n", r"clinical\.yaml:2: immunophenotype: field given twice"),
        ("immunophenotype: X\n", r"clinical\.yaml:1: immunophenotype: 'X' is not one of B, T"),
        ("date_of_diagnosis: 2020-01-01\ndate_end_of_frontline_therapy: 2019-12-01\n",
         r"clinical\.yaml:2: date_end_of_frontline_therapy: 2019-12-01 is before date_of_diagnosis"),
        ("date_of_relapse: 2020-01-01\nrelapses:\n  - {date: 2020-01-01}\n",
         r"clinical\.yaml:1: date_of_relapse: given together with 'relapses'"),
        ("relapses:\n  - {date: 2020-05-01}\n  - {date: 2020-01-01}\n",
         r"clinical\.yaml:3: relapses\[1\]\.date: 2020-01-01 is not after relapses\[0\]\.date"),
        ("date_end_of_induction: 2020-03-01\ndate_of_relapse: 2020-02-01\n",
         r"clinical\.yaml:2: date_of_relapse: 2020-02-01 is not after date_end_of_induction"),
        ("mrd:\n  - timepoint: end_of_induction\n    value: 5\n    unit: fraction\n",
         r"clinical\.yaml:3: mrd\[0\]\.value: 5 is above 1.*did you mean unit: percent"),
        ("mrd:\n  - {timepoint: end_of_induction, value: 0.1}\n", r"clinical\.yaml:2: mrd\[0\]\.unit: required field"),
        ("courses_to_first_remission: 1.5\n", r"clinical\.yaml:1: courses_to_first_remission: expected integer"),
        ("prior_therapies: [blinatumumab]\n", r"clinical\.yaml:1: prior_therapies\[0\]: 'blinatumumab' is not one of"),
        ("- just\n- a list\n", r"clinical\.yaml:1: the clinical file must be a mapping"),
        ("# only a comment\n", r"clinical\.yaml: the clinical file is empty"),
    ],
)
def test_semantic_errors_are_located(tmp_path, text, pattern):
    with pytest.raises(InputFormatError, match=pattern):
        read_clinical(write(tmp_path, text))


def test_missing_file_is_input_not_found(tmp_path):
    with pytest.raises(InputNotFoundError, match=r"nope\.yaml: clinical file not found"):
        read_clinical(tmp_path / "nope.yaml")
