"""The Removed records page: enquiries entered in error, each role's scope, and restoring
one after a confirmation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import Enquiry, Person, Team
from msp import retention
from msp.ui.text import plain
from tests.app.conftest import add, add_enquiry, audit_actions, signed_in

PAGE = "pages/removed.py"
REASON = "Wrong *person* <b>chosen</b>"


def removed_enquiry(engine, team: str, by) -> tuple[str, str]:
    """An enquiry of `team` marked as entered in error by `by`: (public id, case reference)."""
    add_enquiry(engine, team=team)
    with unit_of_work(engine) as session:
        enquiry = session.scalar(
            sa.select(Enquiry)
            .join(Team, Team.id == Enquiry.team_id)
            .where(Team.name == team)
            .order_by(Enquiry.id.desc())
        )
        enquiry.is_deleted = True
        enquiry.deleted_reason = REASON
        enquiry.deleted_at = sa.func.now()
        enquiry.deleted_by_id = by.id
        session.flush()
        reference = session.scalar(
            sa.select(Person.case_reference).where(Person.id == enquiry.person_id)
        )
        return enquiry.public_id, reference


def is_deleted(engine, public_id: str) -> bool:
    with unit_of_work(engine) as session:
        return session.scalar(sa.select(Enquiry.is_deleted).where(Enquiry.public_id == public_id))


def open_page(user):
    at = signed_in(user)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def headings(at) -> list[str]:
    return [s.value for s in at.subheader]


@pytest.fixture
def records(engine, people):
    west = add(engine, "practitioner", ["West"])
    return {
        "North": removed_enquiry(engine, "North", people["practitioner"]),
        "South": removed_enquiry(engine, "South", people["supervisor"]),
        "West": removed_enquiry(engine, "West", west),
    }


def test_a_supervisor_sees_their_teams_removed_enquiries(app_url, engine, people, records):
    at = open_page(people["supervisor"])

    assert [t.value for t in at.title] == ["Removed records"]
    assert sorted(headings(at)) == sorted(plain(records[t][1]) for t in ("North", "South"))
    text = [m.value for m in at.markdown]
    assert any(
        m.startswith("Team: North. Removed on ")
        and m.endswith(f"by {plain(people['practitioner'].display_name)}.")
        for m in text
    )
    # The reason is free text: shown exactly as typed, never as Markdown or HTML.
    assert [t.value for t in at.text] == [REASON, REASON]


def test_a_record_removed_outside_the_app_without_a_date_is_still_listed(
    app_url, engine, people, records
):
    public_id, reference = records["North"]
    with unit_of_work(engine) as session:
        session.execute(
            sa.update(Enquiry)
            .where(Enquiry.public_id == public_id)
            .values(deleted_at=None, deleted_by_id=None, deleted_reason=None)
        )
    at = open_page(people["supervisor"])

    assert headings(at)[-1] == plain(reference)  # undated ones last
    assert "Team: North. Removed (date not recorded) by an unknown user." in [
        m.value for m in at.markdown
    ]
    assert "No reason was recorded." in [t.value for t in at.text]


def test_an_administrator_sees_every_team(app_url, engine, people, records):
    at = open_page(people["administrator"])

    assert sorted(headings(at)) == sorted(plain(ref) for _, ref in records.values())


def test_restoring_asks_first_then_puts_the_enquiry_back(app_url, engine, people, records):
    public_id, reference = records["North"]
    at = open_page(people["supervisor"])

    at.button(key=f"restore_{public_id}").click().run()
    assert [w.value for w in at.warning] == [
        f"Restore the enquiry for {plain(reference)}? It will show again in the team's lists "
        "and figures."
    ]
    assert is_deleted(engine, public_id)

    at.button(key=f"restore_cancel_{public_id}").click().run()
    assert not at.warning
    assert is_deleted(engine, public_id)

    at.button(key=f"restore_{public_id}").click().run()
    at.button(key=f"restore_yes_{public_id}").click().run()

    assert not at.exception
    assert not is_deleted(engine, public_id)
    assert [s.value for s in at.success] == [
        plain(
            f"The enquiry for {reference} has been restored. It shows again in lists and figures."
        )
    ]
    assert plain(reference) not in headings(at)
    assert audit_actions(engine)[-1] == "enquiry_restored"


def test_a_record_restored_meanwhile_gets_a_polite_message(app_url, engine, people, records):
    public_id, _ = records["South"]
    at = open_page(people["supervisor"])
    at.button(key=f"restore_{public_id}").click().run()
    retention.restore(engine, people["administrator"], public_id)

    at.button(key=f"restore_yes_{public_id}").click().run()

    assert not at.exception
    assert plain("That removed record does not exist or is not one you can restore") in [
        e.value for e in at.error
    ]


def test_nothing_removed(app_url, engine, people):
    at = open_page(people["administrator"])

    assert "There are no removed enquiries." in [m.value for m in at.markdown]


@pytest.mark.parametrize("role", ["practitioner", "commissioner"])
def test_other_roles_cannot_open_it(app_url, engine, people, role):
    at = signed_in(people[role])
    with pytest.raises(ValueError):
        at.switch_page(PAGE)
