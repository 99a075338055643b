"""Access through a real browser on freshly started servers: deep links while signed out, a
practitioner's link to another team's enquiry, the administration, audit and removed-record
screens, and single sign-on with the council's account (a forged Streamlit identity cookie,
signed with the test's own cookie secret, stands in for the identity provider)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from db.engine import dispose_engines, get_engine, unit_of_work
from db.models import Enquiry, Person, Team, User
from msp.ui import gate, navigation, sso
from tests.e2e.conftest import (
    PASSWORD,
    ROOT,
    Server,
    _add,
    _start,
    _with_accounts,
    screenshot,
    settle,
)

pytestmark = pytest.mark.e2e

PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))
CASE_PAGES = [spec for spec in navigation.PAGES if spec.section == "The chosen enquiry"]
SOUTH_REFERENCE = "SOUTH-SECRET-1"
REMOVED_REFERENCE = "REMOVED-NORTH-1"
SSO_EMAIL = "sue.supervisor@council.gov.uk"
COOKIE_SECRET = "e2e-cookie-secret-not-used-anywhere-else"


def _populate(engine) -> None:
    """The usual accounts (admin; Sam, practitioner in North) plus Sue, supervisor of North
    and South (with a council email), Bea in South with one enquiry, and an enquiry of North
    marked as entered in error."""
    _with_accounts(engine)
    _add(engine, "sue", "Sue Supervisor", "supervisor", ["North", "South"])
    _add(engine, "bea", "Bea South", "practitioner", ["South"])
    with unit_of_work(engine) as session:
        sue = session.scalar(sa.select(User).where(User.username == "sue"))
        sue.email = SSO_EMAIL
        teams = {t.name: t.id for t in session.scalars(sa.select(Team))}
        session.add(
            Enquiry(
                person=Person(case_reference=SOUTH_REFERENCE, preferred_name="Mrs South"),
                team_id=teams["South"],
                enquiry_type="s42",
                concern_received_on=dt.date(2026, 4, 1),
                started_on=dt.date(2026, 4, 2),
            )
        )
        session.add(
            Enquiry(
                person=Person(case_reference=REMOVED_REFERENCE),
                team_id=teams["North"],
                enquiry_type="s42",
                concern_received_on=dt.date(2026, 4, 1),
                started_on=dt.date(2026, 4, 2),
                is_deleted=True,
                deleted_reason="Recorded against the wrong person",
                deleted_at=dt.datetime(2026, 5, 1, 10, 30, tzinfo=dt.UTC),
                deleted_by_id=sue.id,
            )
        )


def _secrets(single_sign_on: bool) -> Callable[[str], str]:
    """The secrets file: empty, or with an `[auth]` section for the server at `url`."""

    def text(url: str) -> str:
        if not single_sign_on:
            return ""
        return (
            "[auth]\n"
            f'redirect_uri = "{url}/oauth2callback"\n'
            f'cookie_secret = "{COOKIE_SECRET}"\n'
            'client_id = "msp-outcomes"\n'
            'client_secret = "not-a-real-secret"\n'
            'server_metadata_url = "https://login.microsoftonline.com/tenant/v2.0/'
            '.well-known/openid-configuration"\n'
        )

    return text


def _serve(tmp_path: Path, *, single_sign_on: bool) -> Iterator[Server]:
    """Like the shared fixtures' servers, with our accounts, and with an `[auth]` section in
    the secrets when `single_sign_on`."""
    yield from _start(tmp_path, _populate, {}, secrets=_secrets(single_sign_on))


@pytest.fixture
def access_server(tmp_path) -> Iterator[Server]:
    yield from _serve(tmp_path, single_sign_on=False)


@pytest.fixture
def sso_server(tmp_path) -> Iterator[Server]:
    yield from _serve(tmp_path, single_sign_on=True)


def public_id_of(server: Server, reference: str) -> str:
    engine = get_engine(server.database_url)
    try:
        with unit_of_work(engine) as session:
            return session.scalar(
                sa.select(Enquiry.public_id)
                .join(Person, Person.id == Enquiry.person_id)
                .where(Person.case_reference == reference)
            )
    finally:
        dispose_engines()


def headings(page) -> list[str]:
    return [h.strip() for h in page.locator("h1").all_inner_texts()]


def sign_in(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    settle(page)


def open_from_menu(page, title: str) -> None:
    page.locator("[data-testid=stSidebar]").get_by_role("link", name=title, exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()


# --- Signed out ------------------------------------------------------------------------------


def test_signed_out_deep_links_show_only_the_sign_in_form(access_server, browser):
    south = public_id_of(access_server, SOUTH_REFERENCE)
    # The first request of this fresh server is a deep link to a case, with its id.
    addresses = [f"enquiry?enquiry={south}"] + [
        navigation.spec_for_file(str(p)).url_path for p in PAGE_FILES
    ]
    # One browser context (its cache makes each load quicker); each tab is a new session.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    for address in addresses:
        page = context.new_page()
        page.goto(f"{access_server.url}/{address}")
        settle(page)

        expect(page.get_by_role("textbox", name="Username")).to_be_visible()
        assert headings(page) == ["Sign in"], address
        expect(page.get_by_text(SOUTH_REFERENCE)).to_have_count(0)
        expect(page.locator("[data-testid=stDataFrame]")).to_have_count(0)
        expect(page.locator("[data-testid=stSidebarNav]")).to_have_count(0)
        page.close()
    context.close()


# --- Another team's enquiry ------------------------------------------------------------------


def test_a_practitioner_cannot_open_another_teams_enquiry(access_server, page):
    if navigation.spec_for_file("pages/enquiry.py") is None:
        pytest.skip("there is no case page (pages/enquiry.py) yet")
    south = public_id_of(access_server, SOUTH_REFERENCE)

    # Each case page, opened by its address with the South enquiry's id: Sam (North) signs
    # in there and gets a refusal, and nothing of the case.
    for spec in CASE_PAGES:
        page.goto(f"{access_server.url}/{spec.url_path}?enquiry={south}")
        settle(page)
        sign_in(page, "sam")

        expect(page.get_by_role("heading", name=spec.title, exact=True)).to_be_visible()
        expect(page.get_by_text("You do not have access to this enquiry")).to_be_visible()
        expect(page.get_by_text(SOUTH_REFERENCE)).to_have_count(0)
        expect(page.get_by_text("Mrs South")).to_have_count(0)
        if spec.url_path == "enquiry":
            screenshot(page, "access-refused")


# --- Administration, audit and removed records -----------------------------------------------


def test_the_administration_screens(access_server, page):
    page.goto(access_server.url)
    settle(page)
    sign_in(page, "admin")

    open_from_menu(page, "Users")
    expect(page.locator("[data-testid=stDataFrame]")).to_be_visible()
    screenshot(page, "admin-users")

    page.get_by_role("tab", name="Add a user").click()
    page.get_by_label("Username").fill("Not Valid!")
    page.get_by_label("Name", exact=True).fill("Jo Smith")
    page.get_by_label("Password (optional when you give an email)").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Add user").click()
    settle(page)
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("Choose a role").last).to_be_visible()
    expect(page.get_by_text("Enter a username of 2 to 80 characters").last).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("Not Valid!")  # kept
    screenshot(page, "admin-users-problems")

    page.get_by_role("tab", name="Change a user").click()
    page.get_by_label("Choose a user").click()
    page.get_by_role("option", name="Ada Admin (admin)").click()
    settle(page)
    page.get_by_text("This person can sign in", exact=True).click()
    page.get_by_role("button", name="Save changes").click()
    settle(page)
    expect(
        page.get_by_text("You cannot remove your own administrator access").first
    ).to_be_visible()
    screenshot(page, "admin-users-own-access")

    open_from_menu(page, "Teams")
    screenshot(page, "admin-teams")

    open_from_menu(page, "Audit trail")
    expect(page.locator("[data-testid=stDataFrame]")).to_be_visible()
    expect(page.get_by_role("button", name="Download these events (CSV)")).to_be_visible()
    screenshot(page, "audit")

    open_from_menu(page, "Removed records")
    expect(page.get_by_text(REMOVED_REFERENCE)).to_be_visible()
    page.get_by_role("button", name="Restore").click()
    settle(page)
    screenshot(page, "removed-confirm")
    page.get_by_role("button", name="Yes, restore it").click()
    settle(page)
    expect(page.get_by_text("has been restored")).to_be_visible()
    expect(page.get_by_text("There are no removed enquiries.")).to_be_visible()


def test_a_supervisor_sees_their_removed_records(access_server, page):
    page.goto(f"{access_server.url}/removed")
    settle(page)
    sign_in(page, "sue")

    expect(page.get_by_role("heading", name="Removed records", exact=True)).to_be_visible()
    expect(page.get_by_text(REMOVED_REFERENCE)).to_be_visible()
    expect(page.get_by_text("Recorded against the wrong person")).to_be_visible()
    screenshot(page, "removed")


# --- Single sign-on --------------------------------------------------------------------------


def identity_cookie(server: Server, email: str) -> dict:
    """The cookie Streamlit sets after the identity provider signs someone in."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    payload = json.dumps(
        {"email": email, "origin": server.url, "is_logged_in": True, "provider": "default"}
    )
    value = create_signed_value(COOKIE_SECRET, "_streamlit_user", payload).decode("latin-1")
    return {"name": "_streamlit_user", "value": value, "url": server.url}


def test_single_sign_on(sso_server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(sso_server.url)
    settle(page)
    expect(page.get_by_role("button", name=sso.LOGIN_LABEL)).to_be_visible()
    expect(page.get_by_role("textbox", name="Username")).to_be_visible()  # passwords too
    screenshot(page, "sso-sign-in")
    context.close()

    # Someone the council's identity provider knows, with no account here.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([identity_cookie(sso_server, "stranger@council.gov.uk")])
    page = context.new_page()
    page.goto(f"{sso_server.url}/audit")
    settle(page)
    assert headings(page) == [gate.ASK_TITLE]
    expect(page.get_by_text("stranger@council.gov.uk", exact=True)).to_be_visible()
    expect(page.locator("a[href^='mailto:']")).to_have_count(0)  # text, not a link
    expect(page.get_by_role("button")).to_have_count(1)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.locator("[data-testid=stSidebarNav]")).to_have_count(0)
    screenshot(page, "sso-ask-administrator")
    context.close()

    # A known email signs in with that account's role and teams.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([identity_cookie(sso_server, SSO_EMAIL.upper())])
    page = context.new_page()
    page.goto(sso_server.url)
    settle(page)
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar.get_by_text("Sue Supervisor", exact=True)).to_be_visible()
    expect(sidebar.get_by_text("Teams: North, South")).to_be_visible()
    context.close()
