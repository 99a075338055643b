"""Settings and Import enquiries in a real browser, as an administrator: screenshots of both
pages for people to look at (test-artifacts/settings.png, settings-refused.png,
settings-retire.png, settings-year.png, import.png, import-problems.png, import-done.png),
a refused and an accepted change of targets, the step that asks before a question is
retired, a new reporting year, and a file uploaded the way a browser sends it — a bad one
(problems by row and column, nothing imported), then a good one (imported)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from db.engine import dispose_engines, get_engine, unit_of_work
from db.models import Enquiry
from msp.importer import COLUMNS
from msp.settings import Targets, get_targets, reporting_year
from tests.e2e.conftest import PASSWORD, pick_option, settle, tall_screenshot

pytestmark = pytest.mark.e2e

DECISION = "Decision on whether to make an enquiry, in working days"


def good_row(**overrides) -> dict[str, str]:
    row = {
        "case_reference": "PILOT-0042",
        "team_id": "North",
        "enquiry_type": "Section 42",
        "concern_received_on": "2025-05-06",
        "started_on": "2025-05-08",
        "risk_types": "Financial or Material Abuse",
        "location_of_risk": "Own Home",
        "source_of_risk": "Other - Unknown to individual",
        "pre_concern_discussed": "No",
        "outcome_1_category": "For the abuse to stop and to feel safer",
        "outcome_1_own_words": "I want the calls asking for money to stop",
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


def main(page: Page):
    return page.locator("[data-testid=stMain]")


def press(page: Page, name: str) -> None:
    main(page).get_by_role("button", name=name, exact=True).click()
    settle(page)


def pick(page: Page, label: str, option: str) -> None:
    """Choose `option` in the drop-down list labelled `label`."""
    pick_option(page, main(page).get_by_label(label, exact=True), option)


def shoot(page: Page, name: str) -> Path:
    return tall_screenshot(page, name)


def upload(page: Page, name: str, data: bytes) -> None:
    uploader = main(page).locator("[data-testid=stFileUploader]")
    uploader.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )
    expect(uploader.get_by_role("button", name=f"Remove {name}")).to_be_visible()
    settle(page)


def enquiries(database_url: str) -> int:
    try:
        with unit_of_work(get_engine(database_url)) as session:
            return session.scalar(sa.select(sa.func.count()).select_from(Enquiry))
    finally:
        dispose_engines()


def targets(database_url: str) -> Targets:
    try:
        return get_targets(get_engine(database_url))
    finally:
        dispose_engines()


def reporting_start(database_url: str) -> int:
    try:
        return reporting_year(get_engine(database_url)).start_month
    finally:
        dispose_engines()


def test_settings_and_import_as_an_administrator(server, page):
    # A deep link while signed out: sign in, and the page asked for opens.
    page.goto(f"{server.url}/settings")
    settle(page)
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    settle(page)

    # --- Settings --------------------------------------------------------------------------
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    expect(main(page).get_by_label(DECISION)).to_have_value("2")
    expect(main(page).get_by_role("table").first).to_contain_text("Have you got the goals")
    shoot(page, "settings")

    box = main(page).get_by_label(DECISION)
    box.fill("0")
    press(page, "Save targets")
    message = "Enter the decision target between 1 and 60"
    expect(main(page).get_by_text(message)).to_have_count(2)  # the summary and beside the field
    expect(box).to_have_value("0")  # kept as typed
    assert targets(server.database_url) == Targets()
    shoot(page, "settings-refused")

    box.fill("3")
    press(page, "Save targets")
    expect(main(page).locator("[data-testid=stAlertContentSuccess]")).to_contain_text(
        "The timescale targets have been saved"
    )
    assert targets(server.database_url).decision_working_days == 3

    # Retiring asks first; "No, keep it" leaves the question in use.
    pick(page, "Question to retire", "3. Did you feel you were listened to?")
    press(page, "Retire question")
    expect(main(page).get_by_text("Are you sure you want to retire question 3")).to_be_visible()
    shoot(page, "settings-retire")
    press(page, "No, keep it")
    expect(main(page).get_by_text("Are you sure")).to_have_count(0)

    # The reporting year: a council that reports January to December.
    pick(page, "The reporting year starts in", "January")
    press(page, "Save reporting year")
    expect(main(page).locator("[data-testid=stAlertContentSuccess]")).to_contain_text(
        "The reporting year has been saved"
    )
    expect(main(page).get_by_text("This reporting year is ")).to_contain_text("1 January")
    assert reporting_start(server.database_url) == 1
    shoot(page, "settings-year")

    # --- Import ------------------------------------------------------------------------------
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_role("link", name="Import enquiries", exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name="Import enquiries", exact=True)).to_be_visible()
    expect(main(page).get_by_role("button", name="Download the CSV template")).to_be_visible()
    shoot(page, "import")

    bad = csv_file(
        good_row(),
        good_row(case_reference="PILOT-0043", started_on="31/02/2025"),
        good_row(case_reference="PILOT-0044", location_of_risk="The moon", team_id="Nowhere"),
    )
    upload(page, "pilot-with-problems.csv", bad)
    press(page, "Check the file")
    problems = main(page).get_by_role("table")
    expect(problems).to_contain_text("Enquiry started")
    expect(problems).to_contain_text("Location of risk")
    expect(main(page).get_by_text("3 problems found in pilot-with-problems.csv")).to_be_visible()
    expect(main(page).get_by_text("The moon")).to_have_count(0)
    assert enquiries(server.database_url) == 3  # the fixture's own, nothing imported
    shoot(page, "import-problems")

    upload(page, "pilot.csv", csv_file(good_row(), good_row(case_reference="PILOT-0043")))
    expect(main(page).get_by_role("table")).to_have_count(0)  # the old report is gone
    press(page, "Import")
    expect(main(page).locator("[data-testid=stAlertContentSuccess]")).to_contain_text(
        "Imported 2 enquiries from pilot.csv"
    )
    assert enquiries(server.database_url) == 5
    shoot(page, "import-done")
