"""The supervision page through AppTest, on a small demo database: a supervisor picks a team
and a worker and sees the caseload the service computes; opens one person's journey
(audited); records a supervision note (refusals beside the fields, nothing written; the saved
note listed as text); prepares the one-page PDF (audited). Other roles cannot open it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import Enquiry, SupervisionNote
from msp import supervision as sv
from msp.ui.dashboard import FILES_KEY
from tests.app.conftest import _reset_streamlit
from tests.app.test_dashboard_pages import (
    SUPERVISION,
    audit_events,
    build_demo_template,
    not_registered,
    open_demo,
    open_page,
    refused_when_run_directly,
)
from tests.integration.journey_helpers import snapshot

SAVE = "FormSubmitter:sv_note-Save the note"


def unescape(column) -> list[str]:
    """Cells of an st.table as the reader sees them (msp.ui.text.plain escaped them)."""
    return [str(v).replace("\\", "") for v in column]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, migrated_sqlite_template):
    return build_demo_template(tmp_path_factory, migrated_sqlite_template)


@pytest.fixture
def demo(demo_template, tmp_path, monkeypatch):
    yield open_demo(demo_template, tmp_path, monkeypatch)
    _reset_streamlit()


def busiest_worker(demo, supervisor) -> tuple[int, int]:
    """(team id, worker id) of the supervisor's worker with the most open enquiries."""
    with unit_of_work(demo.engine) as session:
        team_id, worker_id, _ = session.execute(
            sa.select(Enquiry.team_id, Enquiry.worker_id, sa.func.count().label("n"))
            .where(
                Enquiry.team_id.in_(supervisor.team_ids),
                Enquiry.worker_id.is_not(None),
                Enquiry.status == "open",
                Enquiry.is_deleted.is_(False),
            )
            .group_by(Enquiry.team_id, Enquiry.worker_id)
            .order_by(sa.desc("n"), Enquiry.worker_id)
            .limit(1)
        ).one()
    return team_id, worker_id


def caseload_page(demo):
    supervisor = demo.first("supervisor")
    team_id, worker_id = busiest_worker(demo, supervisor)
    at = open_page(supervisor, SUPERVISION)
    assert at.selectbox(key="sv_team").options == list(supervisor.team_names)
    at.selectbox(key="sv_team").set_value(team_id).run()
    at.selectbox(key="sv_worker").set_value(worker_id).run()
    assert not at.exception
    caseload = sv.worker_caseload(
        demo.engine, supervisor, team_id, worker_id, today=dt.date.today()
    )
    return at, supervisor, caseload


def test_a_supervisor_sees_the_workers_caseload(demo):
    at, _, caseload = caseload_page(demo)
    assert caseload.rows
    table = at.table[0].value  # escaped for Markdown, as st.table reads it
    assert unescape(table["Enquiry"]) == [
        f"{r.case_reference} ({'Section 42' if r.enquiry_type == 's42' else 'Other'})"
        for r in caseload.rows
    ]
    assert unescape(table["What needs doing"]) == [
        "; ".join(("Overdue: " if p.overdue else "") + p.short for p in r.prompts)
        or "Nothing outstanding"
        for r in caseload.rows
    ]
    assert unescape(table["Outcomes at risk"]) == [
        "; ".join(o.label for o in r.outcomes_at_risk) or "None" for r in caseload.rows
    ]
    assert [t.split(" (")[0] for t in unescape(table["Last talked with the person"])] == [
        r.conversation_text.split(" (")[0] for r in caseload.rows
    ]
    figures = {m.label: m.value for m in at.metric}
    assert figures["Open enquiries"] == str(caseload.open_enquiries)
    assert figures["Overdue"] == str(caseload.with_overdue_prompts)
    assert figures["Something to do"] == str(caseload.with_prompts)
    assert figures["Outcomes at risk"] == str(caseload.outcomes_at_risk)
    assert at.header[0].value == f"Open enquiries of {caseload.worker_name}"


def test_the_journey_opens_read_only_and_the_view_is_audited(demo):
    at, _, caseload = caseload_page(demo)
    row = caseload.rows[0]
    at.selectbox(key="sv_enquiry").set_value(row.public_id).run()
    links = [el for el in at.get("page_link")]
    assert links and links[0].proto.page.endswith("enquiry")
    assert links[0].proto.query_string == f"enquiry={row.public_id}"
    assert not audit_events(demo.engine, "enquiry_viewed")

    at.button(key="sv_open_journey").click().run()
    assert not at.exception
    (viewed,) = audit_events(demo.engine, "enquiry_viewed")
    assert viewed.record_id == row.public_id
    timeline = at.table[1].value
    assert "Enquiry started" in unescape(timeline["What happened"])
    assert not at.text_area(key="sv_note_reflection").value
    at.run()  # a rerun shows the same journey without reading (or auditing) it again
    assert len(audit_events(demo.engine, "enquiry_viewed")) == 1


def test_a_supervision_note_is_validated_saved_and_listed_as_text(demo):
    at, supervisor, caseload = caseload_page(demo)
    row = caseload.rows[0]
    at.selectbox(key="sv_enquiry").set_value(row.public_id).run()
    before = snapshot(demo.engine)

    at.text_area(key="sv_note_reflection").input("   ")
    at.button(key=SAVE).click().run()
    assert [e.value for e in at.error][-1] == sv.EMPTY_NOTE.replace(",", "\\,")
    assert snapshot(demo.engine) == before

    at.date_input(key="sv_note_held_on").set_value(dt.date.today() - dt.timedelta(days=1))
    at.text_area(key="sv_note_reflection").input("Talked about *her* wishes <b>first</b>.")
    at.text_area(key="sv_note_agreed_actions").input("Visit with an interpreter.")
    at.button(key=SAVE).click().run()
    assert not at.exception
    assert not at.error
    assert any("Supervision note saved" in s.value for s in at.success)
    with unit_of_work(demo.engine) as session:
        notes = session.scalars(sa.select(SupervisionNote).order_by(SupervisionNote.id)).all()
        mine = [n for n in notes if n.supervisor_id == supervisor.id]
        assert mine[-1].reflection == "Talked about *her* wishes <b>first</b>."
        assert mine[-1].held_on == dt.date.today() - dt.timedelta(days=1)
    (event,) = audit_events(demo.engine, "supervision_note_added")
    assert event.record_id == row.public_id
    # Shown as typed, not as Markdown or HTML; the form is empty again.
    assert "Talked about *her* wishes <b>first</b>." in [t.value for t in at.text]
    assert not at.text_area(key="sv_note_reflection").value


def test_the_one_page_summary_is_made_when_asked_for_and_audited(demo):
    at, _, caseload = caseload_page(demo)
    assert not audit_events(demo.engine, "supervision_summary_exported")
    (prepare,) = [b for b in at.button if b.key.startswith("sv_pdf_")]
    prepare.click().run()
    assert not at.exception
    (key,) = [k for k in at.session_state[FILES_KEY] if k.startswith("sv_pdf_")]
    assert at.session_state[FILES_KEY][key][1].startswith(b"%PDF")
    assert [d.label for d in at.get("download_button")] == [
        "Download the supervision summary (PDF)"
    ]
    (event,) = audit_events(demo.engine, "supervision_summary_exported")
    assert event.details["open_enquiries"] == caseload.open_enquiries


def test_only_supervisors_can_open_supervision(demo):
    for role in ("practitioner", "administrator", "commissioner"):
        user = demo.first(role)
        assert not_registered(user, SUPERVISION), role
        assert refused_when_run_directly(user, SUPERVISION), role
