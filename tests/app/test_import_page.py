"""The Import enquiries page (supervisors and administrators): the templates, checking a file
(a dry run), importing it all or nothing, and the report — each problem by row and column, or
what was (or would be) imported and skipped. Files are uploaded through AppTest's
`file_uploader`, as a browser would send them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
import streamlit as st

from db.engine import unit_of_work
from db.models import Enquiry
from msp.importer import COLUMNS, template_csv, template_xlsx
from msp.ui.guard import NO_ACCESS
from msp.ui.text import plain
from tests.app.conftest import ROOT, audit_actions, page_app, signed_in, texts

IMPORT = "pages/import_enquiries.py"
HEADING = {c.key: c.heading for c in COLUMNS}
CASE_REFERENCE = "PILOT-0042"
OWN_WORDS = "I want the calls asking for money to stop"


def good_row(**overrides) -> dict[str, str]:
    """An open enquiry of the North team with one outcome, as a pilot spreadsheet has it."""
    row = {
        "case_reference": CASE_REFERENCE,
        "age_band": "75-84",
        "team_id": "North",
        "enquiry_type": "Section 42",
        "concern_received_on": "2025-05-06",
        "decision_on": "2025-05-07",
        "started_on": "2025-05-08",
        "risk_types": "Financial or Material Abuse",
        "location_of_risk": "Own Home",
        "source_of_risk": "Other - Unknown to individual",
        "pre_concern_discussed": "Yes",
        "pre_concern_with": "The person",
        "pre_concern_view": "Agreed to the concern being raised",
        "outcome_1_category": "For the abuse to stop and to feel safer",
        "outcome_1_own_words": OWN_WORDS,
        "outcome_1_expressed_by": "The person",
    }
    row.update(overrides)
    return row


def csv_file(*rows: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.heading for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def open_import(user):
    at = signed_in(user)
    at.switch_page(IMPORT).run()
    assert not at.exception
    return at


def upload(at, data: bytes, name: str = "pilot.csv"):
    mime = "text/csv" if name.endswith(".csv") else "application/octet-stream"
    at.file_uploader(key="import_file").set_value((name, data, mime)).run()
    assert not at.exception
    return at


def press(at, key: str):
    at.button(key=key).click().run()
    assert not at.exception
    return at


def enquiry_count(engine) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Enquiry))


def tables(at) -> list[list[dict]]:
    return [t.value.to_dict("records") for t in at.table]


# --- Who may open it ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "administrator"])
def test_the_import_page_explains_itself_and_offers_both_templates(app_url, people, role):
    at = open_import(people[role])

    assert [t.value for t in at.title] == ["Import enquiries"]
    shown = texts(at)
    assert "one row per enquiry" in shown
    assert "nothing is imported" in shown
    assert "does not create duplicates" in shown
    assert "case reference and the date the enquiry started identify an enquiry" in shown
    downloads = {b.label: b for b in at.download_button if b.key.startswith("import_template")}
    assert set(downloads) == {"Download the Excel template (XLSX)", "Download the CSV template"}
    [uploader] = at.file_uploader
    assert sorted(uploader.allowed_type) == [".csv", ".xlsx"]
    assert {b.label for b in at.button} >= {"Check the file", "Import"}
    assert not at.table  # no report before a file is checked
    if role == "supervisor":
        assert "for your teams only: North, South" in shown
    else:
        assert "for any team" in shown


def test_the_templates_offered_are_the_importers(app_url, people, monkeypatch):
    # AppTest cannot click a download, so the files handed to Streamlit's media storage
    # (where a download button's data goes) are recorded. Streamlit is pinned.
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    served: dict[str, tuple[bytes, str]] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        served[filename] = (path_or_data, mimetype)
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    open_import(people["supervisor"])

    assert served["msp-import-template.csv"] == (template_csv(), "text/csv")
    xlsx, mimetype = served["msp-import-template.xlsx"]
    # The zip inside an XLSX carries the time it was written, so compare what it holds.
    assert _sheets(xlsx) == _sheets(template_xlsx())
    assert mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheets(xlsx: bytes) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.mark.parametrize("role", ["practitioner", "commissioner"])
def test_practitioners_and_commissioners_may_not_import(app_url, people, role):
    at = signed_in(people[role])
    with pytest.raises(ValueError):  # not in their menu
        at.switch_page(IMPORT)

    alone = page_app(ROOT / IMPORT)  # and the page's own guard stops it
    alone.session_state["user_id"] = people[role].id
    alone.run()
    assert [e.value for e in alone.error] == [NO_ACCESS]
    assert not alone.file_uploader
    assert not alone.download_button


def test_signed_out_the_import_page_shows_nothing(app_url, people):
    alone = page_app(ROOT / IMPORT).run()

    assert not alone.title
    assert not alone.file_uploader


# --- Checking and importing ---------------------------------------------------------------------


def test_checking_a_good_file_says_what_would_be_imported_and_writes_nothing(
    app_url, engine, people
):
    at = open_import(people["supervisor"])
    upload(at, csv_file(good_row()))
    press(at, "import_check")

    [info] = at.info
    assert info.value == plain(
        "File checked: 1 enquiry from pilot.csv would be imported (1 new person, 1 outcome). "
        "Nothing was written."
    )
    [rows] = at.dataframe
    assert rows.value.to_dict("records") == [{"Row": "2", "Result": "Would be imported"}]
    assert enquiry_count(engine) == 0
    assert "enquiry_imported" not in audit_actions(engine)
    assert CASE_REFERENCE not in texts(at)  # never the file's contents


def test_importing_a_good_file_imports_it_clears_the_caches_and_confirms(
    app_url, engine, people, monkeypatch
):
    cleared = []
    real_clear = st.cache_data.clear
    monkeypatch.setattr(st.cache_data, "clear", lambda: (cleared.append(1), real_clear()))
    at = open_import(people["supervisor"])
    upload(at, csv_file(good_row(), good_row(case_reference="PILOT-0043")))
    press(at, "import_run")

    assert enquiry_count(engine) == 2
    assert cleared
    [success] = at.success
    assert success.value == plain("Imported 2 enquiries from pilot.csv (2 new people, 2 outcomes).")
    assert "recorded in the audit trail as imported by you" in texts(at)
    assert audit_actions(engine).count("enquiry_imported") == 2
    [rows] = at.dataframe
    frame = rows.value
    assert list(frame.columns) == ["Row", "Result", "Enquiry id"]
    assert list(frame["Result"]) == ["Imported", "Imported"]
    assert all(frame["Enquiry id"])
    assert [link.label for link in at.get("page_link")][-1] == "Go to the enquiries"


def test_importing_the_same_file_again_skips_every_row(app_url, engine, people):
    data = csv_file(good_row())
    at = open_import(people["administrator"])
    upload(at, data)
    press(at, "import_run")
    upload(at, data, "pilot-again.csv")
    press(at, "import_run")

    assert enquiry_count(engine) == 1
    [success] = at.success
    assert success.value == plain("Nothing new to import from pilot-again.csv. 1 row skipped.")
    [rows] = at.dataframe
    assert rows.value.to_dict("records") == [
        {"Row": "2", "Result": "Skipped: already imported", "Enquiry id": ""}
    ]
    assert not at.get("page_link") or all(
        link.label != "Go to the enquiries" for link in at.get("page_link")
    )


def test_a_file_with_problems_lists_each_by_row_and_column_and_imports_nothing(
    app_url, engine, people
):
    bad = csv_file(
        good_row(),
        good_row(case_reference="PILOT-0043", started_on="31/02/2025"),
        good_row(case_reference="PILOT-0044", location_of_risk="The moon"),
    )
    at = open_import(people["supervisor"])
    upload(at, bad, "bad.csv")
    press(at, "import_run")

    assert enquiry_count(engine) == 0
    assert "enquiry_imported" not in audit_actions(engine)
    errors = [e.value for e in at.error]
    assert (
        plain(
            "2 problems found in bad.csv. Nothing was imported: correct the file and import it "
            "again."
        )
        in errors
    )
    [problems] = tables(at)
    assert [(p["Row"], p["Column"]) for p in problems] == [
        ("3", plain("Enquiry started")),
        ("4", plain("Location of risk")),
    ]
    assert "this date does not exist" in problems[0]["What to correct"]
    assert "The moon" not in texts(at) + str(problems)  # the file's cells are never shown
    assert not at.dataframe
    assert any(b.label == "Download the list of problems (CSV)" for b in at.download_button)


def test_a_supervisor_cannot_import_for_another_team(app_url, engine, people):
    at = open_import(people["supervisor"])
    upload(at, csv_file(good_row(team_id="West")))
    press(at, "import_check")

    [problems] = tables(at)
    assert [(p["Row"], p["Column"]) for p in problems] == [("2", plain("Team"))]
    assert enquiry_count(engine) == 0


def test_a_file_that_is_not_a_spreadsheet_is_a_problem_for_the_whole_file(app_url, engine, people):
    at = open_import(people["administrator"])
    upload(at, b"PK\x03\x04 this is not a workbook", "broken.xlsx")
    press(at, "import_check")

    [problems] = tables(at)
    assert [(p["Row"], p["Column"]) for p in problems] == [("Whole file", "")]
    assert "could not be opened" in problems[0]["What to correct"]


def test_pressing_a_button_without_a_file_asks_for_one(app_url, engine, people):
    at = open_import(people["supervisor"])
    press(at, "import_check")

    shown = [e.value for e in at.error]
    assert plain("Choose the file to import") in shown
    assert not at.table and not at.dataframe
    press(at, "import_run")
    assert plain("Choose the file to import") in [e.value for e in at.error]
    assert enquiry_count(engine) == 0


def test_choosing_another_file_forgets_the_last_report(app_url, engine, people):
    at = open_import(people["supervisor"])
    upload(at, csv_file(good_row(started_on="not a date")), "bad.csv")
    press(at, "import_check")
    assert at.table

    upload(at, csv_file(good_row()), "fixed.csv")

    assert not at.table
    assert not [e for e in at.error if "problem" in e.value]


def test_a_supervisor_without_a_team_is_told_they_cannot_import(app_url, engine, people):
    # The Users page never leaves a supervisor without a team; the database could.
    from db.models import team_memberships

    supervisor = people["supervisor"]
    at = open_import(supervisor)
    with unit_of_work(engine) as session:
        session.execute(
            sa.delete(team_memberships).where(team_memberships.c.user_id == supervisor.id)
        )
    upload(at, csv_file(good_row()))
    press(at, "import_run")

    assert plain("Only supervisors (for their own teams) and administrators can import") in [
        e.value for e in at.error
    ]
    assert not at.table and not at.dataframe
    assert enquiry_count(engine) == 0


def test_dates_in_the_future_are_refused_against_today(app_url, engine, people):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    at = open_import(people["supervisor"])
    upload(
        at, csv_file(good_row(concern_received_on=tomorrow, decision_on="", started_on=tomorrow))
    )
    press(at, "import_check")

    [problems] = tables(at)
    assert problems and all(p["Row"] == "2" for p in problems)
    assert enquiry_count(engine) == 0
