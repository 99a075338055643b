"""Reading import cells: national labels and codes, dates, Yes/No; the template's shape."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from msp import vocab
from msp.importer import COLUMNS, allowed_values, template_csv, template_xlsx
from msp.importer.columns import (
    CellError,
    FileError,
    cell_text,
    lookup_table,
    match_heading,
    normalise,
    parse_code,
    parse_codes,
    parse_date,
    parse_yes_no,
    read_sheet,
)
from msp.importer.service import ImportReport, Problem, RowResult, column_letter


@pytest.mark.parametrize(
    ("vocabulary", "typed", "code"),
    [
        (vocab.LOCATIONS, "Own Home", "own_home"),
        (vocab.LOCATIONS, "  own   home ", "own_home"),
        (vocab.LOCATIONS, "OWN_HOME", "own_home"),
        (vocab.LOCATIONS, "Care Home – Nursing", "care_home_nursing"),  # en dash
        (vocab.MSP_ASKED, "Don’t Know", "dont_know"),  # curly apostrophe
        (vocab.MSP_ASKED, "No", "no"),
        (vocab.RISK_ASSESSMENT_OUTCOMES, "Risk identified and action taken", "identified_action"),
        (
            vocab.RISK_ASSESSMENT_OUTCOMES,
            "Enquiry ceased at individual's request and no action taken",
            "ceased",
        ),
        (vocab.LACKED_CAPACITY, "Yes, they lacked capacity", "yes"),
        (vocab.OUTCOME_RATINGS, "Partially achieved", "partially"),
        (vocab.MSP_ACHIEVED, "Not Achieved", "not_achieved"),
        (vocab.ENQUIRY_TYPES, "Section 42", "s42"),
        (vocab.ENQUIRY_TYPES, "s42", "s42"),
        (vocab.SPEAKERS, "Independent Mental Capacity Advocate (IMCA)", "imca"),
        (vocab.SOURCES_OF_RISK, "Other - Unknown to individual", "unknown"),
        (vocab.STANDARD_OUTCOMES, "Something else", "something_else"),
    ],
)
def test_labels_and_codes_are_read(vocabulary, typed, code):
    assert parse_code(typed, vocabulary) == code


@pytest.mark.parametrize("vocabulary", vocab.ALL_VOCABULARIES, ids=lambda v: v.name)
def test_every_label_and_code_reads_back_unambiguously(vocabulary):
    table = lookup_table(vocabulary)  # ValueError if a label of one is the code of another
    for term in vocabulary:
        assert table[normalise(term.label)] == term.code
        assert table[normalise(term.code)] == term.code


@pytest.mark.parametrize("typed", ["Own house", "Home", "own-home", "1"])
def test_an_unknown_value_says_where_the_allowed_ones_are(typed):
    with pytest.raises(CellError) as caught:
        parse_code(typed, vocab.LOCATIONS)
    assert "Allowed values" in str(caught.value) and "“Own Home”" in str(caught.value)


def test_empty_cells_are_none():
    assert parse_code(None, vocab.LOCATIONS) is None
    assert parse_code("   ", vocab.LOCATIONS) is None
    assert parse_codes("", vocab.RISK_TYPES) == []
    assert parse_date("") is None and parse_yes_no(" ") is None


def test_several_risk_types_are_separated_by_semicolons():
    assert parse_codes("Physical Abuse; neglect ;;Self-Neglect;", vocab.RISK_TYPES) == [
        "physical",
        "neglect",
        "self_neglect",
    ]
    # Repeats are kept so that the validation can say so.
    assert parse_codes("Physical Abuse;physical", vocab.RISK_TYPES) == ["physical", "physical"]
    with pytest.raises(CellError, match="separated by “;”"):
        parse_codes("Physical Abuse, Neglect and Acts of Omission", vocab.RISK_TYPES)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-04-30", dt.date(2026, 4, 30)),
        ("2026-4-3", dt.date(2026, 4, 3)),
        (" 2026-04-30 00:00:00 ", dt.date(2026, 4, 30)),
        ("30/04/2026", dt.date(2026, 4, 30)),
        ("3/4/2026", dt.date(2026, 4, 3)),
        (dt.date(2026, 4, 30), dt.date(2026, 4, 30)),
        (dt.datetime(2026, 4, 30, 0, 0), dt.date(2026, 4, 30)),
    ],
)
def test_dates(raw, expected):
    assert parse_date(raw) == expected


def test_excel_serial_days_only_in_spreadsheets():
    assert parse_date(46142, spreadsheet=True) == dt.date(2026, 4, 30)
    assert parse_date(46142.0, spreadsheet=True) == dt.date(2026, 4, 30)
    assert parse_date(1, spreadsheet=True) == dt.date(1900, 1, 1)
    assert parse_date(61, spreadsheet=True) == dt.date(1900, 3, 1)
    with pytest.raises(CellError):
        parse_date(46142.5, spreadsheet=True)
    with pytest.raises(CellError):
        parse_date("46142")


@pytest.mark.parametrize(
    "raw", ["2026/04/30", "30-04-2026", "04/30/2026", "31/02/2026", "2026-13-01", "soon"]
)
def test_unreadable_dates_say_how_to_write_them(raw):
    with pytest.raises(CellError, match="YYYY-MM-DD"):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Yes", True), ("yes ", True), ("Y", True), ("TRUE", True), (True, True)]
    + [("No", False), ("n", False), ("false", False), (False, False)],
)
def test_yes_no(raw, expected):
    assert parse_yes_no(raw) is expected


@pytest.mark.parametrize("raw", ["Maybe", "1", "Unknown"])
def test_yes_no_refuses_anything_else(raw):
    with pytest.raises(CellError, match="Enter Yes or No"):
        parse_yes_no(raw)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (None, None),
        ("  ", None),
        (" CS-1 ", "CS-1"),
        (1001, "1001"),
        (1001.0, "1001"),  # a reference typed as a number in Excel
        (2.5, "2.5"),
        ("'=SUM(A1)", "=SUM(A1)"),  # an export's neutralising apostrophe is taken off again
        ("'-1", "-1"),
        ("'quoted'", "'quoted'"),
        (dt.date(2026, 4, 30), "2026-04-30"),
    ],
)
def test_cell_text(raw, text):
    assert cell_text(raw) == text


def test_headings_match_ignoring_case_and_spacing_or_by_key():
    assert match_heading(" case  REFERENCE ").key == "case_reference"
    assert match_heading("Outcome 3 own words").key == "outcome_3_own_words"
    assert match_heading("location_of_risk").key == "location_of_risk"
    assert match_heading("Outcome 6 category") is None
    assert match_heading(None) is None


def test_column_letters():
    assert [column_letter(n) for n in (1, 26, 27, 50, 702, 703)] == [
        "A",
        "Z",
        "AA",
        "AX",
        "ZZ",
        "AAA",
    ]


def test_reading_csv_with_a_byte_order_mark_or_windows_encoding():
    sheet = read_sheet("\ufeffCase reference,Team\nCS-1,Café\n".encode(), "a.csv")
    assert sheet.headings == ["Case reference", "Team"]
    assert sheet.rows == [(2, ["CS-1", "Café"])]
    sheet = read_sheet("Case reference,Team\nCS-1,Café\n".encode("cp1252"), "a.csv")
    assert sheet.rows == [(2, ["CS-1", "Café"])]
    # A value with a line break is still one spreadsheet row.
    sheet = read_sheet(b'A,B\n"two\nlines",x\ny,z\n', "a.csv")
    assert [n for n, _ in sheet.rows] == [2, 3]


def test_old_excel_files_are_refused():
    with pytest.raises(FileError, match=r"\.xlsx"):
        read_sheet(b"\xd0\xcf\x11\xe0rest", "old.xls")


# --- The report -----------------------------------------------------------------------------------


def test_problems_read_as_row_and_column():
    problem = Problem(7, "Enquiry started", "The enquiry cannot start before the concern")
    assert str(problem) == "Row 7, Enquiry started: The enquiry cannot start before the concern"


def test_report_lines_group_skipped_rows():
    report = ImportReport(
        "pilot.csv",
        dry_run=False,
        rows_read=5,
        rows=[
            RowResult(2, "already_imported"),
            RowResult(3, "already_imported"),
            RowResult(4, "new", "abc"),
            RowResult(5, "already_imported"),
            RowResult(6, "removed"),
        ],
        people_created=1,
        outcomes_added=1,
        written=True,
    )
    assert report.lines() == [
        "Rows 2 to 3: already imported, skipped",
        "Row 5: already imported, skipped",
        "Row 6: removed from the app as entered in error, skipped",
        "Imported 1 enquiry from pilot.csv (1 new person, 1 outcome). 4 rows skipped.",
    ]


# --- The template -------------------------------------------------------------------------------


def test_the_csv_template_has_every_heading_and_one_example_row():
    data = template_csv()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [c.heading for c in COLUMNS]
    assert len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    assert example["Enquiry started"] == "2025-05-08"
    assert example["Asked about desired outcomes"] == (
        "Yes they were asked and outcomes were expressed"
    )
    assert len({c.heading for c in COLUMNS}) == len(COLUMNS)
    assert [c.heading for c in COLUMNS if c.key.startswith("outcome_5")] == [
        "Outcome 5 category",
        "Outcome 5 own words",
        "Outcome 5 expressed by",
        "Outcome 5 rating",
    ]


def test_the_xlsx_template_lists_the_exact_national_labels():
    book = load_workbook(io.BytesIO(template_xlsx()))
    assert book.sheetnames == ["Enquiries", "Allowed values", "Guidance"]
    sheet = book["Enquiries"]
    assert [c.value for c in sheet[1]] == [c.heading for c in COLUMNS]
    assert sheet.max_row == 2
    assert sheet["J2"].value.date() == dt.date(2025, 5, 6)  # a real date cell
    lists = {}
    allowed = book["Allowed values"]
    for column in allowed.iter_cols(values_only=True):
        lists[column[0]] = [v for v in column[1:] if v is not None]
    assert lists["Asked about desired outcomes"] == list(vocab.MSP_ASKED.labels)
    assert lists["Outcomes achieved"] == list(vocab.MSP_ACHIEVED.labels)
    assert lists["Lacked capacity"] == list(vocab.LACKED_CAPACITY.labels)
    assert lists["Risk assessment outcome"] == list(vocab.RISK_ASSESSMENT_OUTCOMES.labels)
    assert lists["Risk outcome"] == list(vocab.RISK_OUTCOMES.labels)
    assert lists["Location of risk"] == list(vocab.LOCATIONS.labels)
    assert lists["Types of risk (separate several with ;)"] == list(vocab.RISK_TYPES.labels)
    assert lists["Section 42 or Other"] == ["Section 42", "Other"]
    assert lists["Outcome 1 to 5 category"] == list(vocab.STANDARD_OUTCOMES.labels)
    assert lists["Outcome 1 to 5 rating"] == [
        "Fully achieved",
        "Partially achieved",
        "Not achieved",
    ]
    assert lists["Yes or No columns"] == ["Yes", "No"]
    assert allowed_values() == lists
    # Drop-down lists on the coded columns (but not on the several-values risk types).
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert "O2" in validated  # Location of risk
    assert "N2" not in validated  # Types of risk
    guidance = [row[0] for row in book["Guidance"].iter_rows(min_row=3, values_only=True)]
    assert guidance == [c.heading for c in COLUMNS]
