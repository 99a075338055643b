"""The whole journey in a real browser, as a new user would walk it: sign in, start an
enquiry, record two outcomes (one "Something else"), log a conversation that rewords one and
explains why the other is not achievable, record capacity and an advocacy referral,
conclude, record feedback from a representative — then the overview shows it all, in order.

Screenshots of every case screen go to test-artifacts/ (the overview's is attached to the
test's report as a property, and its path is printed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from db.engine import dispose_engines, get_engine, unit_of_work
from db.models import User
from msp import auth
from msp import enquiries as enq
from msp import outcomes as out
from msp.overview import get_enquiry
from tests.e2e.conftest import PASSWORD, pick_option, settle_after_action, tall_screenshot

pytestmark = pytest.mark.e2e

TODAY = dt.date.today()


def settle(page: Page) -> None:
    settle_after_action(page)


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


# --- Doing things as a user does -------------------------------------------------------------


def main(page: Page):
    return page.locator("[data-testid=stMain]")


def within(page: Page, key: str):
    """The element container of the widget with this key (Streamlit marks it st-key-<key>)."""
    return page.locator(f".st-key-{key}")


def type_text(page: Page, label: str, text: str, *, scope=None, area: bool = False) -> None:
    box = (scope or main(page)).get_by_label(label, exact=True)
    box.fill(text)
    box.press("Control+Enter" if area else "Enter")
    settle(page)


def pick(page: Page, label: str, option: str, *, scope=None) -> None:
    """Choose `option` in the drop-down list labelled `label`."""
    pick_option(page, (scope or main(page)).get_by_label(label, exact=True), option, wait=settle)


def pick_many(page: Page, label: str, options: list[str]) -> None:
    box = main(page).get_by_label(label, exact=True)
    for option in options:
        pick_option(page, box, option, wait=settle)
    page.keyboard.press("Escape")
    settle(page)


def choose(page: Page, question: str, answer: str, *, scope=None) -> None:
    """Answer the radio-button question `question`."""
    group = (scope or main(page)).get_by_role("radiogroup", name=question, exact=True)
    group.get_by_text(answer, exact=True).click()
    settle(page)


def enter_date(page: Page, label: str, day: dt.date, *, scope=None) -> None:
    field = (scope or main(page)).get_by_role("group", name=label, exact=True)
    field.get_by_role("spinbutton").first.click()
    page.keyboard.type(f"{day:%d%m%Y}")
    page.keyboard.press("Tab")
    settle(page)
    if page.get_by_role("dialog").count():  # the calendar may open: close it
        page.keyboard.press("Escape")


def press(page: Page, name: str) -> None:
    main(page).get_by_role("button", name=name, exact=True).click()
    settle(page)


def go_to(page: Page, link: str) -> None:
    """Follow a link between the screens of this enquiry (the header's links)."""
    main(page).get_by_role("link", name=link, exact=True).first.click()
    settle(page)


def shoot(page: Page, name: str) -> Path:
    return tall_screenshot(page, name, wait=settle)


def expect_saved(page: Page, message: str) -> None:
    try:
        expect(main(page).locator("[data-testid=stAlertContentSuccess]")).to_contain_text(
            message, timeout=15000
        )
    except AssertionError:
        shoot(page, "journey-failed")
        raise


# --- The journey -------------------------------------------------------------------------------


def test_the_whole_journey_as_a_new_user(server, page):
    page.goto(server.url)
    settle(page)
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    settle(page)

    # Enquiries: the list, then start a new one.
    page.locator("[data-testid=stSidebar]").get_by_role("link", name="Enquiries").click()
    settle(page)
    expect(page.get_by_role("heading", name="Enquiries", exact=True)).to_be_visible()
    shoot(page, "enquiries")
    main(page).get_by_role("link", name="Start a new enquiry").click()
    settle(page)
    expect(page.get_by_role("heading", name="Start a new enquiry")).to_be_visible()

    type_text(page, "Case reference", "CS-4242")
    expect(main(page).get_by_text("No one with this case reference")).to_be_visible()
    type_text(page, "Initials or preferred name (optional)", "Mrs K")
    pick(page, "Gender", "Female")
    pick(page, "Ethnicity", "White")
    pick(page, "Primary support reason", "Support with Memory and Cognition")
    choose(page, "Type of enquiry", "Section 42")
    enter_date(page, "Date the concern was received", days_ago(12))
    enter_date(page, "Date the enquiry started", days_ago(11))
    pick_many(page, "Types of risk", ["Financial or Material Abuse", "Psychological Abuse"])
    pick(page, "Where the risk is", "Own Home")
    pick(page, "Source of the risk", "Other - Known to individual")
    choose(
        page,
        "Was the concern discussed with the person or their advocate before it was raised?",
        "Yes",
    )
    pick(page, "Who was it discussed with?", "The person")
    choose(page, "What was their view?", "Did not want the concern raised")
    pick(page, "Why was the concern raised against their view?", "Coercion or undue influence")
    choose(page, "Was the reason explained to them?", "Yes")
    shoot(page, "new-enquiry")
    press(page, "Start the enquiry")

    expect(page.get_by_role("heading", name="Enquiry overview")).to_be_visible()
    expect_saved(page, "The enquiry has been started")
    assert "enquiry=" in page.url
    expect(main(page).get_by_text("Ask the person what they want to happen")).to_be_visible()

    # Desired outcomes: two, the second "Something else".
    go_to(page, "Desired outcomes")
    expect(page.get_by_role("heading", name="Desired outcomes", exact=True)).to_be_visible()
    press(page, "Add another outcome")
    first, second = within(page, "oc_new_0_category"), within(page, "oc_new_1_category")
    pick(page, "What kind of outcome is it?", "For the police to prosecute", scope=first)
    type_text(
        page,
        "What the person wants, in their own words",
        "I want him to go to court for what he did",
        scope=within(page, "oc_new_0_own_words"),
        area=True,
    )
    enter_date(
        page, "Date it was expressed", days_ago(10), scope=within(page, "oc_new_0_expressed_on")
    )
    pick(page, "What kind of outcome is it?", "Something else", scope=second)
    expect(
        main(page).get_by_text("For “Something else”, their words are the outcome")
    ).to_be_visible()
    type_text(
        page,
        "What the person wants, in their own words",
        "To keep seeing my grandson",
        scope=within(page, "oc_new_1_own_words"),
        area=True,
    )
    enter_date(
        page, "Date it was expressed", days_ago(10), scope=within(page, "oc_new_1_expressed_on")
    )
    shoot(page, "outcomes-adding")
    press(page, "Save outcomes")
    expect_saved(page, "2 desired outcomes saved.")
    shoot(page, "outcomes")

    # A conversation: reword the second, and explain why the first is not achievable.
    go_to(page, "Conversations")
    expect(page.get_by_role("heading", name="Conversations", exact=True)).to_be_visible()
    enter_date(page, "Date of the conversation", days_ago(6))
    pick(page, "Stage of the enquiry", "During the enquiry")
    choose(page, "Did the person take part?", "Yes")
    choose(page, "How did it take place?", "In person")
    pick_many(
        page,
        "Which desired outcomes did you talk about?",
        [
            "1. For the police to prosecute — “I want him to go to court for what he did”",
            "2. Something else — “To keep seeing my grandson”",
        ],
    )
    cards = main(page).locator("[class*='st-key-conversation_card_']")
    police = cards.filter(has_text="1. For the police to prosecute")
    grandson = cards.filter(has_text="2. Something else")
    choose(page, "Change agreed", "Record how achievable it is", scope=police)
    choose(page, "How achievable is it?", "Not achievable", scope=police)
    type_text(
        page,
        "What you explained about why it may not be achievable",
        "The police found no evidence they could take to court",
        scope=police,
        area=True,
    )
    choose(page, "Change agreed", "Reword it", scope=grandson)
    type_text(
        page,
        "The new wording, in their own words",
        "To see my grandson every week",
        scope=grandson,
        area=True,
    )
    type_text(page, "Why was it reworded?", "She said it more exactly", scope=grandson)
    type_text(
        page,
        "Summary of the conversation",
        "We talked about what happens next. She understands the police decision.",
        area=True,
    )
    shoot(page, "conversation")
    press(page, "Save the conversation")
    expect_saved(page, "The conversation is saved, with the changes to the outcomes.")

    # Capacity and an advocacy referral.
    go_to(page, "Capacity and advocacy")
    main(page).get_by_text("Capacity has been considered", exact=True).click()
    settle(page)
    type_text(page, "Which decision is the capacity question about?", "Taking part in the enquiry")
    enter_date(page, "Date it was considered", days_ago(9))
    type_text(page, "Who considered it?", "Sam Lee")
    choose(page, "Result", "Has capacity for this decision")
    choose(
        page, "Would the person have substantial difficulty being involved in the enquiry?", "Yes"
    )
    choose(page, "Is there an appropriate individual to support them?", "No")
    expect(main(page).get_by_text("They must be referred for independent advocacy")).to_be_visible()
    enter_date(page, "Date of the advocacy referral", days_ago(8))
    pick(page, "Kind of advocate", "Care Act independent advocate")
    shoot(page, "capacity")
    press(page, "Save capacity and advocacy")
    expect_saved(page, "Capacity and advocacy are saved.")

    # Conclude: rate each outcome; the national answer is proposed from the ratings.
    go_to(page, "Conclude")
    expect(page.get_by_role("heading", name="Conclude the enquiry")).to_be_visible()
    enter_date(page, "Date the enquiry concluded", days_ago(3))
    cards = main(page).locator("[class*='st-key-conclude_card_']")
    choose(
        page, "Was it achieved?", "Not achieved", scope=cards.filter(has_text="1. For the police")
    )
    choose(
        page, "Was it achieved?", "Fully achieved", scope=cards.filter(has_text="2. Something else")
    )
    group = main(page).get_by_role("radiogroup", name="Were their desired outcomes achieved?")
    expect(group.get_by_role("radio", name="Partially Achieved")).to_be_checked()
    pick(page, "Risk assessment outcome", "Risk identified and action taken")
    choose(page, "What happened to the risk?", "Risk reduced")
    choose(
        page,
        "Did they lack capacity to make decisions about the enquiry?",
        "No, they did not lack capacity",
    )
    shoot(page, "conclude")
    press(page, "Conclude the enquiry")
    expect_saved(page, "The enquiry is concluded.")

    # Feedback from her advocate, in the representative's wording.
    go_to(page, "Feedback")
    pick(page, "Who answered?", "Care Act independent advocate")
    goals = main(page).get_by_role("radiogroup", name="Has the person got the goals they wanted?")
    goals.get_by_text("Partly", exact=True).click()
    settle(page)
    listened = main(page).get_by_role("radiogroup", name="Do you feel the person was listened to?")
    listened.get_by_text("Yes", exact=True).click()
    settle(page)
    type_text(
        page,
        "Comments, in their own words (optional)",
        "She felt listened to, but is sad about the police",
        area=True,
    )
    choose(page, "Who asked?", "Independent person")
    pick(page, "How was it given?", "Phone")
    enter_date(page, "Date it was given", days_ago(1))
    shoot(page, "feedback")
    press(page, "Save feedback")
    expect_saved(page, "The feedback is saved.")

    # The overview shows it all, in order.
    go_to(page, "Overview")
    expect(page.get_by_role("heading", name="Enquiry overview")).to_be_visible()
    body = main(page)
    expect(body.get_by_text("To see my grandson every week", exact=True).first).to_be_visible()
    expect(
        body.get_by_text("The police found no evidence they could take to court").first
    ).to_be_visible()
    text = body.inner_text()
    timeline = text[text.index("Timeline") :]
    steps = [
        "Concern received",
        "Enquiry started",
        "Outcome 1 added",
        "Outcome 2 added",
        "Mental capacity considered",
        "Referred for independent advocacy",
        "Conversation with the person (in person)",
        "Outcome 1 achievability assessed: not achievable",
        "Outcome 2 reworded",
        "Outcome 1 rated at conclusion: not achieved",
        "Outcome 2 rated at conclusion: fully achieved",
        "Enquiry concluded",
        "Feedback from",
    ]
    positions = [timeline.index(step) for step in steps]
    assert positions == sorted(positions), list(zip(steps, positions, strict=True))
    for words in (
        "Yes they were asked and outcomes were expressed",
        "Partially Achieved",
        "Risk identified and action taken",
        "Referred for independent advocacy",
        "Has the person got the goals they wanted?",
        "She felt listened to, but is sad about the police",
    ):
        assert words in text, words
    shoot(page, "journey-overview")  # listed at the end of the test output

    # A reload asks to sign in again, then opens the same enquiry (it is in the address).
    page.reload()
    settle(page)
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name="Enquiry overview")).to_be_visible()
    expect(main(page).get_by_text("CS-4242", exact=True)).to_be_visible()


def test_a_save_after_someone_elses_is_refused_and_keeps_what_was_typed(server, page):
    """No lost updates in a real browser: typing reruns the page but keeps the version the
    screen was drawn from, so a save after another person's save is refused."""
    engine = get_engine(server.database_url)
    sam = next(u for u in _case_workers(engine) if u.username == "sam")
    public_id = enq.list_enquiries(engine, sam, enq.EnquiryFilters(mine_only=True), today=TODAY)[
        0
    ].public_id
    page.goto(f"{server.url}/outcomes?enquiry={public_id}")
    settle(page)
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name="Desired outcomes", exact=True)).to_be_visible()
    pick(page, "What kind of outcome is it?", "To make more friends")
    type_text(
        page, "What the person wants, in their own words", "To go to the lunch club", area=True
    )

    # Meanwhile someone else saves this enquiry.
    version = get_enquiry(engine, sam, public_id, today=TODAY).version
    out.add_outcomes(
        engine,
        sam,
        public_id,
        [out.NewOutcome("support", "Saved by someone else", "person", days_ago(1))],
        expected_version=version,
        today=TODAY,
    )
    enter_date(page, "Date it was expressed", days_ago(1))
    press(page, "Save outcomes")

    expect(
        main(page).get_by_text("Someone else saved this enquiry after you opened it")
    ).to_be_visible()
    box = main(page).get_by_label("What the person wants, in their own words", exact=True)
    expect(box).to_have_value("To go to the lunch club")
    assert [o.own_words for o in get_enquiry(engine, sam, public_id, today=TODAY).outcomes] == [
        "Saved by someone else"
    ]
    shoot(page, "outcomes-conflict")

    press(page, "Reload")
    expect(main(page).get_by_text("Saved by someone else", exact=True)).to_be_visible()
    press(page, "Save outcomes")
    expect_saved(page, "1 desired outcome saved.")
    dispose_engines()


def _case_workers(engine):
    with unit_of_work(engine) as session:
        ids = list(session.scalars(sa.select(User.id).where(User.role == "practitioner")))
    return [auth.load_user(engine, i) for i in ids]
