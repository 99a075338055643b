"""The dashboards in a real browser on the demo data (2,000 synthetic enquiries, seed 1):
a supervisor's team dashboard and supervision screen, the published figures as a
commissioner sees them, and presentation mode moved on with the arrow key. Screenshots go to
test-artifacts/ (dashboard-supervisor, supervision, commissioner, presentation-*)."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from db.engine import dispose_engines, get_engine, unit_of_work
from db.models import Enquiry, Person, User
from msp.demo import generate
from tests.e2e.conftest import WIDTH, _start, pick_option, screenshot, settle, tall_screenshot

pytestmark = pytest.mark.e2e

DEMO = {"enquiries": 2000, "seed": 1}


def _populate(engine) -> None:
    generate(engine, today=dt.date.today(), **DEMO)


@pytest.fixture(scope="module")
def dash_server(tmp_path_factory):
    yield from _start(tmp_path_factory.mktemp("dashboards"), _populate, {"MSP_DEMO": "1"})


def main(page: Page):
    return page.locator("[data-testid=stMain]")


def sidebar(page: Page):
    return page.locator("[data-testid=stSidebar]")


def charts_drawn(page: Page, count: int) -> None:
    """Wait until `count` charts are on the page and each has been drawn."""
    charts = main(page).locator("[data-testid=stVegaLiteChart]")
    expect(charts).to_have_count(count, timeout=30_000)
    for i in range(count):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=30_000)
    time.sleep(0.5)


def sign_in_as(page: Page, server, username: str) -> None:
    with unit_of_work(get_engine(server.database_url)) as session:
        user_id = session.scalar(sa.select(User.id).where(User.username == username))
    dispose_engines()
    page.goto(server.url)
    settle(page)
    page.locator(f".st-key-demo_sign_in_{user_id} button").click()
    settle(page)
    expect(page.get_by_role("heading", name="Home")).to_be_visible()


def go(page: Page, link: str) -> None:
    """Follow a link in the menu (opening the rest of a long menu first)."""
    target = sidebar(page).get_by_role("link", name=link, exact=True)
    more = sidebar(page).get_by_text(re.compile(r"^View \d+ more$"))
    if not target.is_visible() and more.count():
        more.first.click()
    target.click()
    settle(page)


def pick(page: Page, label: str, option: str) -> None:
    """Choose `option` in the drop-down list labelled `label`."""
    pick_option(page, main(page).get_by_label(label, exact=True), option)


def shoot(page: Page, name: str, *, full: bool = True) -> Path:
    """The whole page (`full`), or the window as it is."""
    if full:
        return tall_screenshot(page, name, max_height=16000, pause=0.5)
    return screenshot(page, name)


def busiest_worker(server, username: str) -> tuple[str, str, str]:
    """(team, worker, a case reference) for the supervisor's worker with most open enquiries."""
    with unit_of_work(get_engine(server.database_url)) as session:
        supervisor = session.scalar(sa.select(User).where(User.username == username))
        team_ids = {t.id: t.name for t in supervisor.teams}
        team_id, worker_id, _ = session.execute(
            sa.select(Enquiry.team_id, Enquiry.worker_id, sa.func.count().label("n"))
            .where(
                Enquiry.team_id.in_(team_ids),
                Enquiry.worker_id.is_not(None),
                Enquiry.status == "open",
                Enquiry.is_deleted.is_(False),
            )
            .group_by(Enquiry.team_id, Enquiry.worker_id)
            .order_by(sa.desc("n"), Enquiry.worker_id)
            .limit(1)
        ).one()
        worker = session.get(User, worker_id).display_name
        reference = session.scalar(
            sa.select(Person.case_reference)
            .join(Enquiry, Enquiry.person_id == Person.id)
            .where(
                Enquiry.worker_id == worker_id,
                Enquiry.team_id == team_id,
                Enquiry.status == "open",
            )
            .order_by(Enquiry.started_on)
            .limit(1)
        )
    dispose_engines()
    return team_ids[team_id], worker, reference


def test_supervisor_dashboard_and_supervision(dash_server, page):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in_as(page, dash_server, "jo.supervisor")

    go(page, "Team outcomes dashboard")
    expect(page.get_by_role("heading", name="Team outcomes dashboard")).to_be_visible()
    charts_drawn(page, 8)
    expect(main(page).get_by_text("Enquiries concluded")).to_be_visible()
    shoot(page, "dashboard-supervisor")
    shoot(page, "dashboard-supervisor-top", full=False)

    team, worker, reference = busiest_worker(dash_server, "jo.supervisor")
    go(page, "Supervision")
    pick(page, "Team", team)
    pick(page, "Worker", worker)
    expect(page.get_by_role("heading", name=f"Open enquiries of {worker}")).to_be_visible()
    pick(page, "Enquiry", reference)
    main(page).get_by_role("button", name="Show the person's journey").click()
    settle(page)
    expect(page.get_by_role("heading", name="The person's journey")).to_be_visible()
    expect(main(page).get_by_role("link", name=f"Open the overview of {reference}")).to_be_visible()
    shoot(page, "supervision")


def test_published_figures_and_presentation_mode(dash_server, page):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in_as(page, dash_server, "commissioner")
    go(page, "Published figures")
    charts_drawn(page, 7)
    expect(main(page).get_by_text("SG4a: Asked about desired outcomes")).to_be_visible()
    shoot(page, "commissioner")

    main(page).get_by_text("Presentation mode", exact=True).click()
    settle(page)
    expect(main(page).get_by_text("1 of 8")).to_be_visible()
    shoot(page, "presentation-1-headline", full=False)

    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no field
    page.keyboard.press("ArrowRight")
    settle(page)
    expect(main(page).get_by_text("2 of 8")).to_be_visible()
    charts_drawn(page, 1)
    shoot(page, "presentation-2-by-team", full=False)

    page.keyboard.press("ArrowRight")
    settle(page)
    expect(main(page).get_by_text("3 of 8")).to_be_visible()
    charts_drawn(page, 1)
    shoot(page, "presentation-3-trend", full=False)
    page.keyboard.press("ArrowLeft")
    settle(page)
    expect(main(page).get_by_text("2 of 8")).to_be_visible()
