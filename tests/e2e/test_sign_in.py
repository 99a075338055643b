"""Signing in through a real browser, and deep links while signed out."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from msp.ui import navigation
from tests.e2e.conftest import PASSWORD, PRACTITIONER_NAME, ROOT, screenshot, settle

pytestmark = pytest.mark.e2e

PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))


def headings(page) -> list[str]:
    return [h.strip() for h in page.locator("h1").all_inner_texts()]


def sign_in(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    settle(page)


def test_sign_in_through_the_form_and_see_home(server, page):
    page.goto(server.url)
    settle(page)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshot(page, "sign-in")

    sign_in(page, "sam", "not the password")
    expect(page.get_by_text("Enter a correct username and password.")).to_be_visible()

    sign_in(page, "sam", PASSWORD)

    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    sidebar = page.locator("[data-testid=stSidebar]")
    # The name is shown exactly as typed: no italics, no bold tag.
    expect(sidebar.get_by_text(PRACTITIONER_NAME, exact=True)).to_be_visible()
    expect(sidebar.locator("em")).to_have_count(0)
    expect(sidebar.get_by_text("Team: North")).to_be_visible()
    expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible()
    figures = page.locator("[data-testid=stMetric]")
    expect(figures.nth(0)).to_contain_text("Open, allocated to you")
    expect(figures.nth(0).locator("[data-testid=stMetricValue]")).to_have_text("2")
    expect(figures.nth(1).locator("[data-testid=stMetricValue]")).to_have_text("3")
    screenshot(page, "home-practitioner")

    sidebar.get_by_role("link", name="Privacy").click()
    settle(page)
    expect(page.get_by_role("heading", name="Privacy", exact=True)).to_be_visible()
    screenshot(page, "privacy")

    sidebar.get_by_role("button", name="Sign out").click()
    settle(page)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("What we store")).to_have_count(0)


@pytest.mark.parametrize("page_file", PAGE_FILES, ids=lambda p: p.stem)
def test_a_deep_link_on_a_fresh_server_shows_only_the_sign_in_form(server, page, page_file):
    spec = navigation.spec_for_file(str(page_file))
    assert spec is not None

    page.goto(f"{server.url}/{spec.url_path}")
    settle(page)

    expect(page.get_by_label("Username")).to_be_visible()
    assert headings(page) == ["Sign in"]
    expect(page.locator("[data-testid=stMetric]")).to_have_count(0)
    expect(page.locator("[data-testid=stSidebarNav]")).to_have_count(0)
    if Path(page_file).stem == "home":
        screenshot(page, "deep-link-signed-out")

    # Signing in there opens the page that was asked for (as someone who may see it: the
    # server's accounts are an administrator and a practitioner).
    if spec.allows("administrator"):
        username = "admin"
    elif spec.allows("practitioner"):
        username = "sam"
    else:
        return
    sign_in(page, username, PASSWORD)
    expect(page.get_by_role("heading", name=spec.title, exact=True)).to_be_visible()


def test_a_new_installation_asks_for_the_first_administrator(empty_server, page):
    page.goto(empty_server.url)
    settle(page)
    expect(page.get_by_role("heading", name="Create the first administrator")).to_be_visible()
    screenshot(page, "first-run")

    page.get_by_label("Username").fill("ada")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Confirm password").fill("shorter")
    page.get_by_role("button", name="Create administrator").click()
    settle(page)
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("ada")  # kept
    screenshot(page, "first-run-problems")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create administrator").click()
    settle(page)
    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    expect(page.get_by_text("Ada Lovelace", exact=True)).to_be_visible()


def test_demo_mode_banner_and_one_click_sign_in(demo_server, page):
    page.goto(demo_server.url)
    settle(page)
    banner = page.get_by_text("Demo — synthetic data", exact=False)
    expect(banner).to_be_visible()
    screenshot(page, "demo-sign-in")

    page.get_by_role(
        "button", name="Sign in as Sol Okafor (Supervisor, Demo North, Demo South)"
    ).click()
    settle(page)

    expect(page.get_by_role("heading", name="Home")).to_be_visible()
    expect(banner).to_be_visible()
    screenshot(page, "demo-home-supervisor")
    page.locator("[data-testid=stSidebar]").get_by_role("link", name="Privacy").click()
    settle(page)
    expect(page.get_by_role("heading", name="Privacy", exact=True)).to_be_visible()
    expect(banner).to_be_visible()
