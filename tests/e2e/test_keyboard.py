"""WCAG 2.2 AA, 2.1.1 Keyboard: the main journey can be done with the keyboard alone.

In a real browser, with nothing but key presses (Tab, Shift+Tab, Enter, Space, arrow keys,
Escape and typed text; no click, fill or programmatic focus), a practitioner signs in, opens
one of their enquiries from the list, records a desired outcome (a standard outcome chosen
from a drop-down list, their own words, who expressed it, the date) and logs a conversation
about it (date, stage, who took part, how, the outcome talked about, a summary). Both are
then read back from the database.

At every control reached, the focus must be on that control (not lost to the page body) and
the control must be on screen, so a sighted keyboard user can see where they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from db.engine import dispose_engines, get_engine
from db.models import Conversation, DesiredOutcome, Enquiry, Person, User
from tests.e2e.conftest import PASSWORD, screenshot, settle_after_action

pytestmark = pytest.mark.e2e

TODAY = dt.date.today()
OWN_WORDS = "I want to go to the lunch club again"
SUMMARY = "We talked about the lunch club. Her daughter will find out the days it meets."

# What has the focus: its role and accessible name (text hidden from screen readers left
# out), its value, the question of a radio button, where it is (sidebar or main) and whether
# it is on screen.
FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return {tag: 'BODY', role: '', name: '', onScreen: false};
    const text = n => n.nodeType === Node.TEXT_NODE ? n.textContent
        : n.nodeType !== Node.ELEMENT_NODE || n.getAttribute('aria-hidden') === 'true' ? ''
        : [...n.childNodes].map(text).join(' ');
    const nameOf = n => {
        const ids = (n.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
        return (n.getAttribute('aria-label')
            || ids.map(i => document.getElementById(i)).filter(Boolean).map(text).join(' ')
            || (n.labels && n.labels.length ? text(n.labels[0]) : '')
            || text(n)).replace(/\\s+/g, ' ').trim();
    };
    const group = e.closest('[role=radiogroup]');
    const implicit = {A: 'link', BUTTON: 'button', TEXTAREA: 'textbox', MAIN: 'main'};
    const role = e.getAttribute('role') || implicit[e.tagName]
        || (e.tagName === 'INPUT' ? ({radio: 'radio', checkbox: 'checkbox'}[e.type] || 'textbox')
                                  : e.tagName.toLowerCase());
    const r = e.getBoundingClientRect();
    return {
        tag: e.tagName,
        role,
        name: nameOf(e),
        group: group ? nameOf(group) : null,
        value: e.value ?? null,
        checked: e.checked ?? null,
        region: e.closest('[data-testid=stSidebar]') ? 'sidebar' : 'main',
        onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
            && r.top < window.innerHeight && r.left < window.innerWidth,
        // The focus ring drawn: on the element, or on the label of a hidden radio input.
        ring: (() => {
            const drawn = (e.type === 'radio' || e.type === 'checkbox') ? e.closest('label') : e;
            const style = drawn ? getComputedStyle(drawn) : null;
            return style && style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0;
        })(),
    };
}"""


def settle(page: Page) -> None:
    settle_after_action(page)


# --- Moving and acting with the keyboard -------------------------------------------------------


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def describe(info: dict) -> str:
    return f"{info['role']} {info['name'][:60]!r} ({info['region']})" if info["role"] else "body"


def assert_focus_visible(page: Page, info: dict | None = None) -> dict:
    info = info or focused(page)
    assert info["tag"] != "BODY", "the focus was lost to the page body"
    assert info["onScreen"], f"the focused {describe(info)} is off screen"
    if info["role"] in ("link", "radio"):  # Streamlit's own focus on these is too faint
        assert info["ring"] >= 3, f"the focused {describe(info)} has no clear focus ring"
    return info


def tab_to(
    page: Page,
    target: str | Callable[[dict], bool],
    *,
    role: str | None = None,
    region: str = "main",
    backwards: bool = False,
    max_presses: int = 80,
) -> dict:
    """Press Tab (or Shift+Tab) until the focus is on `target` (unless it is there already):
    a control with this accessible name (and `role`, in `region`), or one the predicate
    accepts."""

    def wanted(info: dict) -> bool:
        if callable(target):
            return target(info)
        return (
            info["name"] == target
            and info.get("region") == region
            and (role is None or info["role"] == role)
        )

    key = "Shift+Tab" if backwards else "Tab"
    info = focused(page)
    trail = [describe(info)]
    while not wanted(info):
        if len(trail) > max_presses:
            path = screenshot(page, "keyboard-not-reached")
            raise AssertionError(
                f"{target!r} was not reached in {max_presses} presses of {key} "
                f"(screenshot {path}). Focused on the way:\n  " + "\n  ".join(trail)
            )
        page.keyboard.press(key)
        info = focused(page)
        trail.append(describe(info))
    return assert_focus_visible(page, info)


def answer(question: str, name: str) -> Callable[[dict], bool]:
    """The radio button `name` of the question `question`, for `tab_to`."""
    return lambda f: (f["role"], f["group"], f["name"]) == ("radio", question, name)


def press(page: Page, key: str) -> None:
    """Press a key that makes the app run (Enter on a button or a link, Space on a radio)."""
    page.keyboard.press(key)
    settle(page)


def type_into(page: Page, label: str, text: str) -> None:
    """Type into a text box; leaving it with Tab hands the text to the app."""
    tab_to(page, label, role="textbox")
    page.keyboard.type(text)
    page.keyboard.press("Tab")
    settle(page)


def select(page: Page, label: str, option: str, *, typed: str, many: bool = False) -> None:
    """Open the drop-down list `label` with ArrowDown, narrow it by typing `typed`, and choose
    `option` with Enter (a list of several choices is then closed with Escape)."""
    tab_to(page, label, role="combobox")
    page.keyboard.press("ArrowDown")
    page.get_by_role("listbox").wait_for(timeout=10000)
    page.keyboard.type(typed)
    first = page.get_by_role("listbox").get_by_role("option").first
    expect(first).to_have_text(option, timeout=10000)
    page.keyboard.press("Enter")
    settle(page)
    if many:
        page.keyboard.press("Escape")
        settle(page)
    expect(page.get_by_role("listbox")).to_have_count(0)
    chosen = assert_focus_visible(page)
    assert chosen["name"] == label, chosen
    if not many:
        assert chosen["value"] == option, chosen


def enter_date(page: Page, label: str, day: dt.date) -> None:
    """Type the date's digits into its day, month and year boxes."""
    tab_to(page, f"day, {label}", role="spinbutton")
    page.keyboard.type(f"{day:%d%m%Y}")
    page.keyboard.press("Tab")
    settle(page)
    assert page.get_by_role("dialog").count() == 0, "the calendar opened while typing a date"
    group = page.get_by_role("group", name=label, exact=True)
    expect(group.get_by_role("spinbutton", name=f"year, {label}")).to_have_text(f"{day:%Y}")


def expect_saved(page: Page, message: str) -> None:
    success = page.locator("[data-testid=stMain] [data-testid=stAlertContentSuccess]")
    try:
        expect(success).to_contain_text(message, timeout=20000)
    except AssertionError:
        screenshot(page, "keyboard-not-saved")
        raise


# --- The journey -------------------------------------------------------------------------------


def test_the_main_journey_with_the_keyboard_alone(server, page):
    engine = get_engine(server.database_url)
    with Session(engine) as db:
        case_references = set(
            db.scalars(
                sa.select(Person.case_reference)
                .join(Enquiry.person)
                .join(User, Enquiry.worker_id == User.id)
                .where(User.username == "sam")
            )
        )
    assert len(case_references) == 2

    page.goto(server.url)
    settle(page)

    # 1. Sign in.
    tab_to(page, "Username", role="textbox")
    page.keyboard.type("sam")
    tab_to(page, "Password", role="textbox")
    page.keyboard.type(PASSWORD)
    press(page, "Enter")
    expect(page.get_by_role("heading", name="Home", exact=True)).to_be_visible()

    # 2. The list of enquiries, from the menu; open one of Sam's.
    tab_to(page, "Enquiries", role="link", region="sidebar")
    press(page, "Enter")
    expect(page.get_by_role("heading", name="Enquiries", exact=True)).to_be_visible()
    opened = tab_to(page, lambda f: f["role"] == "link" and f["name"] in case_references)
    press(page, "Enter")
    expect(page.get_by_role("heading", name="Enquiry overview")).to_be_visible()
    case_reference = opened["name"]
    expect(page.get_by_text(case_reference, exact=True)).to_be_visible()

    # 3. Desired outcomes: record one.
    tab_to(page, "Desired outcomes", role="link")
    press(page, "Enter")
    expect(page.get_by_role("heading", name="Desired outcomes", exact=True)).to_be_visible()
    select(page, "What kind of outcome is it?", "To make more friends", typed="friends")
    type_into(page, "What the person wants, in their own words", OWN_WORDS)
    select(page, "Who expressed it?", "Family member", typed="Family")
    enter_date(page, "Date it was expressed", TODAY - dt.timedelta(days=10))
    tab_to(page, "Save outcomes", role="button")
    press(page, "Enter")
    expect_saved(page, "1 desired outcome saved.")
    assert_focus_visible(page)

    # 4. Conversations: log one about that outcome.
    tab_to(page, "Conversations", role="link", backwards=True)
    press(page, "Enter")
    expect(page.get_by_role("heading", name="Conversations", exact=True)).to_be_visible()
    enter_date(page, "Date of the conversation", TODAY - dt.timedelta(days=3))
    select(page, "Stage of the enquiry", "During the enquiry", typed="During")
    tab_to(page, answer("Did the person take part?", "Yes"))  # none is chosen yet
    press(page, "Space")
    assert focused(page)["checked"] is True
    tab_to(page, answer("How did it take place?", "In person"))
    press(page, "ArrowRight")  # an arrow key moves to, and chooses, the next answer
    chosen = assert_focus_visible(page)
    assert (chosen["name"], chosen["checked"]) == ("Phone", True), chosen
    select(
        page,
        "Which desired outcomes did you talk about?",
        f"1. To make more friends — “{OWN_WORDS}”",
        typed="friends",
        many=True,
    )
    type_into(page, "Summary of the conversation", SUMMARY)
    tab_to(page, "Save the conversation", role="button")
    press(page, "Enter")
    expect_saved(page, "The conversation is saved.")
    assert_focus_visible(page)

    # Both are in the database.
    with Session(engine) as db:
        enquiry = db.scalars(
            sa.select(Enquiry).join(Enquiry.person).where(Person.case_reference == case_reference)
        ).one()
        outcome = db.scalars(
            sa.select(DesiredOutcome).where(DesiredOutcome.enquiry_id == enquiry.id)
        ).one()
        talk = db.scalars(
            sa.select(Conversation).where(Conversation.enquiry_id == enquiry.id)
        ).one()
        discussed = [o.id for o in talk.outcomes_discussed]
    assert (
        outcome.category,
        outcome.own_words,
        outcome.expressed_by,
        outcome.expressed_on,
    ) == ("friends", OWN_WORDS, "family_member", TODAY - dt.timedelta(days=10))
    assert (
        talk.held_on,
        talk.stage,
        talk.with_person,
        talk.representative_kind,
        talk.method,
        talk.summary,
    ) == (TODAY - dt.timedelta(days=3), "during", True, None, "phone", SUMMARY)
    assert discussed == [outcome.id]
    dispose_engines()
