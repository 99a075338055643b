"""A button's callback runs before the frame and the page's guard, with whatever user the
screen was drawn for. Each save therefore reads the signed-in user again: someone idle for
longer than the timeout, switched off, or moved to another team since the screen was drawn
writes nothing through it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import Team, User, team_memberships
from msp.ui import session
from tests.app.conftest import audit_actions
from tests.app.test_journey_pages import (
    Case,
    days_ago,
    fill_new_enquiry,
    make_case,
    open_page,
)
from tests.integration.journey_helpers import snapshot


@pytest.fixture
def case(app_url, engine) -> Case:
    return make_case(engine)


def idle(at, engine, user) -> None:
    at.session_state[session.LAST_ACTIVE] = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)


def switched_off(at, engine, user) -> None:
    with unit_of_work(engine) as db:
        db.execute(sa.update(User).where(User.id == user.id).values(is_active=False))


def moved_team(at, engine, user) -> None:
    with unit_of_work(engine) as db:
        south = db.scalar(sa.select(Team.id).where(Team.name == "South"))
        db.execute(sa.delete(team_memberships).where(team_memberships.c.user_id == user.id))
        db.execute(sa.insert(team_memberships).values(user_id=user.id, team_id=south))


def without_audit(engine) -> dict:
    rows = snapshot(engine)
    rows.pop("audit_events")
    return rows


@pytest.mark.parametrize("change", [idle, switched_off, moved_team])
def test_an_outcome_typed_before_the_change_is_not_saved_after_it(case, change):
    at = open_page(case.alex, "pages/outcomes.py", case.public_id)
    at.selectbox(key="oc_new_0_category").set_value("abuse_stop")
    at.text_area(key="oc_new_0_own_words").input("I want him to leave me alone")
    at.date_input(key="oc_new_0_expressed_on").set_value(days_ago(30)).run()
    change(at, case.engine, case.alex)
    before = without_audit(case.engine)
    at.button(key="oc_add").click().run()

    assert not at.exception
    assert without_audit(case.engine) == before
    assert "outcomes_added" not in audit_actions(case.engine)
    if change is moved_team:  # still signed in, but the enquiry is no longer theirs
        assert not at.success
    else:
        assert [t.value for t in at.title] == ["Sign in"]


def fill_a_whole_new_enquiry(at) -> None:
    """Every field the new-enquiry form needs, so that only a sign-out can stop the save."""
    fill_new_enquiry(at, "CS-7007")
    at.selectbox(key="ne_gender").set_value("male")
    at.selectbox(key="ne_ethnicity").set_value("asian")
    at.selectbox(key="ne_primary_support_reason").set_value("memory_cognition")
    at.selectbox(key="ne_against_view_reason").set_value("other").run()
    at.text_input(key="ne_against_view_reason_other").input("Her son asked us to act")
    at.radio(key="ne_against_view_explained").set_value(True).run()


@pytest.mark.parametrize("change", [idle, switched_off])
def test_a_new_enquiry_is_not_started_after_signing_out(case, change):
    at = open_page(case.alex, "pages/new_enquiry.py", None)
    fill_a_whole_new_enquiry(at)
    change(at, case.engine, case.alex)
    before = without_audit(case.engine)
    at.button(key="new_enquiry_save").click().run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert without_audit(case.engine) == before


def test_the_same_new_enquiry_is_started_when_nothing_changed(case):
    at = open_page(case.alex, "pages/new_enquiry.py", None)
    fill_a_whole_new_enquiry(at)
    at.button(key="new_enquiry_save").click().run()

    assert [t.value for t in at.title] == ["Enquiry overview"]
