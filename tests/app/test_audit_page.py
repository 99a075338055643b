"""The Audit trail page: filters, each role's scope, and a download that neutralises
spreadsheet formulas and is itself audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import AuditEvent
from msp import audit, auth, exports
from msp.ui.text import plain
from tests.app.conftest import PASSWORD, add, audit_actions, signed_in

PAGE = "pages/audit.py"
SHOW = "FormSubmitter:audit_filters-Show events"


def open_audit(user):
    at = signed_in(user)
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def table(at):
    [frame] = at.dataframe
    return frame.value


def add_event(engine, **values) -> None:
    with unit_of_work(engine) as session:
        audit.record(session, **{"actor_id": None, "actor_username": None, **values})


def test_an_administrator_sees_every_event_newest_first(app_url, engine, people):
    at = open_audit(people["administrator"])

    assert [t.value for t in at.title] == ["Audit trail"]
    frame = table(at)
    assert list(frame.columns) == [
        "When (UK time)",
        "User",
        "Action",
        "Record type",
        "Record",
        "Team",
        "Details",
    ]
    assert list(frame["Action"]).count("User created") == 4
    assert list(frame["Action"]).count("Team created") == 2
    assert audit_actions(engine)[-1] == "audit_viewed"  # reading the trail is recorded


def test_filters_by_action_user_record_and_date(app_url, engine, people):
    assert auth.authenticate(engine, people["practitioner"].username, PASSWORD)
    add_event(engine, action="enquiry_viewed", record_type="enquiry", record_id="abc123")
    at = open_audit(people["administrator"])

    at.selectbox(key="audit_action").select("sign_in")
    at.button(key=SHOW).click().run()
    frame = table(at)
    assert list(frame["Action"]) == ["Sign in"]
    assert list(frame["User"]) == [people["practitioner"].username]

    at.selectbox(key="audit_action").select(None)
    at.text_input(key="audit_username").input(people["practitioner"].username.upper())
    at.button(key=SHOW).click().run()
    assert set(table(at)["User"]) == {people["practitioner"].username}

    at.text_input(key="audit_username").input("")
    at.text_input(key="audit_record_id").input("abc123")
    at.button(key=SHOW).click().run()
    assert list(table(at)["Action"]) == ["Enquiry viewed"]

    at.text_input(key="audit_record_id").input("")
    at.date_input(key="audit_date_from").set_value(dt.date.today() + dt.timedelta(days=30))
    at.button(key=SHOW).click().run()
    assert not at.dataframe
    assert "No events match these filters." in [m.value for m in at.markdown]


def test_dates_the_wrong_way_round_are_refused_beside_the_field(app_url, engine, people):
    at = open_audit(people["administrator"])
    at.date_input(key="audit_date_from").set_value(dt.date(2026, 5, 2))
    at.date_input(key="audit_date_to").set_value(dt.date(2026, 5, 1))
    at.button(key=SHOW).click().run()

    message = plain("Enter a 'to' date that is the same as or after the 'from' date")
    assert message in [e.value for e in at.error]
    assert not at.dataframe
    assert at.date_input(key="audit_date_from").value == dt.date(2026, 5, 2)  # kept


def test_a_supervisor_sees_only_their_teams(app_url, engine, people):
    west = add(engine, "practitioner", ["West"])
    for person in (people["practitioner"], west):
        assert auth.authenticate(engine, person.username, PASSWORD)
    north = people["practitioner"].team_ids[0]
    add_event(engine, action="enquiry_viewed", record_id="in-north", team_id=north)
    add_event(engine, action="enquiry_viewed", record_id="in-west", team_id=west.team_ids[0])

    at = open_audit(people["supervisor"])

    frame = table(at)
    assert people["practitioner"].username in set(frame["User"])
    assert west.username not in set(frame["User"])
    assert "in-north" in set(frame["Record"])
    assert "in-west" not in set(frame["Record"])
    assert "teams" in " ".join(m.value for m in at.markdown)


def test_the_download_neutralises_formulas_and_is_audited(app_url, engine, people, monkeypatch):
    written: list[str] = []
    real_to_csv = exports.to_csv

    def recording_to_csv(frame, out=None):
        text = real_to_csv(frame, out)
        written.append(text)
        return text

    monkeypatch.setattr(exports, "to_csv", recording_to_csv)
    add_event(engine, actor_username='=HYPERLINK("http://x.example")', action="sign_in_failed")
    at = open_audit(people["administrator"])
    at.selectbox(key="audit_action").select("sign_in_failed")
    at.button(key=SHOW).click().run()

    rows = list(csv.reader(io.StringIO(written[-1])))
    assert rows[0][:3] == ["When (UK time)", "User", "Action"]
    assert rows[1][1] == "'" + '=HYPERLINK("http://x.example")'

    at.download_button(key="audit_download").click().run()

    assert not at.exception
    with unit_of_work(engine) as session:
        event = session.scalar(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "audit_exported")
            .order_by(AuditEvent.id.desc())
        )
        assert event.username == people["administrator"].username
        assert event.details == {
            "format": "csv",
            "filters": {"action": "sign_in_failed"},
            "rows": 1,
        }


@pytest.mark.parametrize("role", ["practitioner", "commissioner"])
def test_other_roles_cannot_open_it(app_url, engine, people, role):
    at = signed_in(people[role])
    with pytest.raises(ValueError):
        at.switch_page(PAGE)
