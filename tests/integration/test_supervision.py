"""Supervision service on SQLite and PostgreSQL: a worker's caseload, supervision notes and
the one-page summary PDF.

The caseload of Alex (practitioner, North) on TODAY, Thursday 26 November 2026, with the
default targets (a conversation at least every 20 working days):

  CS-A7  open, started 2026-06-01; last conversation (with the person) 2026-07-01
         -> 148 days; overdue "no conversation" prompt, so it comes first
  CS-A1  open, started 2026-09-01; with the person 2026-10-01, with a family member only
         2026-11-20 -> 56 days since the person (the prompts count any conversation: 4
         working days, no gap prompt); no outcomes, capacity not considered
  CS-A2  open, started 2026-11-02 (18 working days ago: no gap prompt yet), no conversation
         -> 24 days; capacity considered; outcomes 1 likely, 2 not achievable (unexplained),
         3 partly, 4 withdrawn while not achievable -> outcomes 2 and 3 at risk
Not in it: CS-A3 (removed as entered in error), CS-A4 (concluded), CS-N1 (North, nobody
allocated), CS-S1 (South, Bea's).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import (
    AuditEvent,
    Conversation,
    DesiredOutcome,
    Enquiry,
    Person,
    SupervisionNote,
    Team,
    User,
)
from msp import auth
from msp import supervision as sv
from msp.errors import NotAllowed, NotFound, ValidationError
from msp.periods import financial_year, fy_quarter, month_key
from msp.settings import Targets
from tests.integration.journey_helpers import (
    World,
    audit_count,
    last_audit,
    make_world,
    snapshot,
)

TODAY = dt.date(2026, 11, 26)
REFLECTION = "Mrs B's daughter worries about the lodger; talked through her wishes."


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def summary_texts(chart) -> list[str]:
    """Every line of text the summary page draws."""
    datasets = chart.to_dict()["datasets"].values()
    return [row["text"] for rows in datasets for row in rows if "text" in row]


def _enquiry(session, team_id, worker_id, reference, started, **values) -> Enquiry:
    e = Enquiry(
        person=Person(case_reference=reference, preferred_name="Mrs B"),
        team_id=team_id,
        worker_id=worker_id,
        enquiry_type=values.pop("enquiry_type", "s42"),
        concern_received_on=started,
        started_on=started,
        **values,
    )
    session.add(e)
    session.flush()
    return e


def _talk(session, enquiry, on, *, with_person=True):
    session.add(
        Conversation(
            enquiry_id=enquiry.id,
            held_on=on,
            with_person=with_person,
            representative_kind=None if with_person else "family_member",
            method="phone",
            stage="during",
            summary="Talked about what they want to happen.",
        )
    )


def _outcome(session, enquiry, position, achievability, status="active"):
    session.add(
        DesiredOutcome(
            enquiry_id=enquiry.id,
            position=position,
            category=["abuse_stop", "involved", "support", "friends"][position - 1],
            own_words=f"Wish number {position}",
            expressed_by="person",
            expressed_on=enquiry.started_on,
            status=status,
            achievability=achievability,
        )
    )


class Data:
    def __init__(self, world: World, ids: dict[str, str], sue):
        self.world = world
        self.ids = ids  # case reference -> public id
        self.sue = sue  # supervisor of South only


@pytest.fixture
def data(engine) -> Data:
    w = make_world(engine)
    with unit_of_work(engine) as session:
        south = session.get(Team, w.south)
        sue = User(username="sue", display_name="Sue South", role="supervisor", teams=[south])
        session.add(sue)
        a7 = _enquiry(session, w.north, w.alex.id, "CS-A7", dt.date(2026, 6, 1))
        _talk(session, a7, dt.date(2026, 7, 1))
        a1 = _enquiry(session, w.north, w.alex.id, "CS-A1", dt.date(2026, 9, 1))
        _talk(session, a1, dt.date(2026, 10, 1))
        _talk(session, a1, dt.date(2026, 11, 20), with_person=False)
        a2 = _enquiry(
            session,
            w.north,
            w.alex.id,
            "CS-A2",
            dt.date(2026, 11, 2),
            capacity_considered=True,
            capacity_decision="Taking part in the enquiry",
            capacity_assessed_on=dt.date(2026, 11, 2),
            capacity_result="has_capacity",
            capacity_assessed_by="Alex North",
        )
        _outcome(session, a2, 1, "likely")
        _outcome(session, a2, 2, "not_achievable")
        _outcome(session, a2, 3, "partly")
        _outcome(session, a2, 4, "not_achievable", status="withdrawn")
        a3 = _enquiry(session, w.north, w.alex.id, "CS-A3", dt.date(2026, 9, 1), is_deleted=True)
        concluded = dt.date(2026, 10, 1)
        a4 = _enquiry(
            session,
            w.north,
            w.alex.id,
            "CS-A4",
            dt.date(2026, 9, 1),
            status="concluded",
            concluded_on=concluded,
            concluded_fy=financial_year(concluded),
            concluded_quarter=fy_quarter(concluded),
            concluded_month=month_key(concluded),
        )
        n1 = _enquiry(session, w.north, None, "CS-N1", dt.date(2026, 9, 1))
        s1 = _enquiry(session, w.south, w.bea.id, "CS-S1", dt.date(2026, 9, 1))
        session.flush()
        ids = {e.person.case_reference: e.public_id for e in (a7, a1, a2, a3, a4, n1, s1)}
        sue_id = sue.id
    return Data(w, ids, auth.load_user(engine, sue_id))


# --- The caseload ---------------------------------------------------------------------------


def test_caseload_lists_open_enquiries_with_gaps_prompts_and_outcomes_at_risk(engine, data):
    w = data.world
    caseload = sv.worker_caseload(engine, w.sam, w.north, w.alex.id, today=TODAY)

    assert (caseload.team_name, caseload.worker_name) == ("North", "Alex North")
    assert [r.case_reference for r in caseload.rows] == ["CS-A7", "CS-A1", "CS-A2"]
    a7, a1, a2 = caseload.rows
    assert [r.days_since_conversation for r in caseload.rows] == [148, 56, 24]
    assert a7.last_conversation_with_person == dt.date(2026, 7, 1)
    assert a1.last_conversation_with_person == dt.date(2026, 10, 1)  # not the family member's
    assert a2.last_conversation_with_person is None
    assert a2.conversation_text == "None yet (started 24 days ago)"
    assert a1.conversation_text == "56 days ago"

    assert [p.code for p in a7.prompts] == ["conversation_gap", "no_outcomes", "capacity"]
    assert a7.overdue and not a1.overdue and not a2.overdue
    assert [p.code for p in a1.prompts] == ["no_outcomes", "capacity"]
    assert [p.code for p in a2.prompts] == ["unexplained_unachievable"]

    assert a7.outcomes_at_risk == a1.outcomes_at_risk == ()
    assert [(o.position, o.achievability, o.explained) for o in a2.outcomes_at_risk] == [
        (2, "not_achievable", False),
        (3, "partly", False),
    ]
    assert a2.outcomes_at_risk[1].label == (
        "Outcome 3 (partly achievable): To access any support available"
    )
    assert a2.active_outcomes == 3
    assert caseload.open_enquiries == 3
    assert caseload.with_overdue_prompts == 1
    assert caseload.with_prompts == 3
    assert caseload.outcomes_at_risk == 2
    assert caseload.enquiries_with_outcomes_at_risk == 1


def test_only_a_supervisor_of_the_team_sees_a_caseload(engine, data):
    w = data.world
    for actor in (w.alex, w.ada, w.cal):  # practitioner, administrator, commissioner
        with pytest.raises(NotAllowed):
            sv.worker_caseload(engine, actor, w.north, w.alex.id, today=TODAY)
    with pytest.raises(NotAllowed):  # Sue supervises South, not North
        sv.worker_caseload(engine, data.sue, w.north, w.alex.id, today=TODAY)
    with pytest.raises(NotFound):  # Bea is not in North
        sv.worker_caseload(engine, w.sam, w.north, w.bea.id, today=TODAY)
    south = sv.worker_caseload(engine, data.sue, w.south, w.bea.id, today=TODAY)
    assert [r.case_reference for r in south.rows] == ["CS-S1"]


# --- Notes ----------------------------------------------------------------------------------


def test_a_supervision_note_is_saved_listed_and_audited_without_its_text(engine, data):
    w = data.world
    before = audit_count(engine)
    note_id = sv.add_supervision_note(
        engine,
        w.sam,
        data.ids["CS-A1"],
        dt.date(2026, 11, 25),
        f"  {REFLECTION}  ",
        "Alex to visit with an interpreter by Friday.",
        None,
        today=TODAY,
    )
    assert audit_count(engine) == before + 1
    event = last_audit(engine)
    assert (event.action, event.username, event.record_id, event.team_id) == (
        "supervision_note_added",
        "sam",
        data.ids["CS-A1"],
        w.north,
    )
    assert event.details == {
        "note": note_id,
        "held_on": "2026-11-25",
        "recorded": ["reflection", "agreed_actions"],
    }
    assert "lodger" not in json.dumps(event.details)

    sv.add_supervision_note(
        engine, w.sam, data.ids["CS-A1"], dt.date(2026, 11, 26), None, None, "Ask sooner.",
        today=TODAY,
    )  # fmt: skip
    notes = sv.list_supervision_notes(engine, w.alex, data.ids["CS-A1"])  # the worker reads
    assert [n.held_on for n in notes] == [dt.date(2026, 11, 26), dt.date(2026, 11, 25)]
    earlier = notes[1]
    assert earlier.id == note_id
    assert earlier.reflection == REFLECTION  # stripped
    assert earlier.agreed_actions == "Alex to visit with an interpreter by Friday."
    assert earlier.lessons is None
    assert earlier.supervisor_name == "Sam Sup"
    assert notes[0].lessons == "Ask sooner."
    assert sv.list_supervision_notes(engine, w.sam, data.ids["CS-A2"]) == []


@pytest.mark.parametrize(
    "held_on, texts, fields",
    [
        (None, (REFLECTION, None, None), {"held_on"}),
        (TODAY + dt.timedelta(days=1), (REFLECTION, None, None), {"held_on"}),
        (dt.date(2026, 8, 31), (REFLECTION, None, None), {"held_on"}),  # before the concern
        (TODAY, (None, None, None), {"reflection"}),
        (TODAY, ("   ", "", "\n"), {"reflection"}),
        (TODAY, ("x" * 5001, "fine", None), {"reflection"}),
        (TODAY, ("fine", "bad\x00text", None), {"agreed_actions"}),
        (None, (None, None, "y" * 6000), {"held_on", "lessons"}),
    ],
)
def test_a_refused_note_writes_nothing_and_says_what_to_do(engine, data, held_on, texts, fields):
    before = snapshot(engine)
    with pytest.raises(ValidationError) as refused:
        sv.add_supervision_note(
            engine, data.world.sam, data.ids["CS-A1"], held_on, *texts, today=TODAY
        )
    assert set(refused.value.problems) == fields
    assert snapshot(engine) == before
    messages = refused.value.problems
    if held_on is None:
        assert messages["held_on"] == "Enter the date of the supervision"
    if texts == (None, None, None):
        assert messages["reflection"] == sv.EMPTY_NOTE


def test_only_a_supervisor_of_the_enquirys_team_may_record_a_note(engine, data):
    w = data.world
    before = snapshot(engine)
    refusals = [
        (w.alex, data.ids["CS-A1"], NotAllowed),  # the practitioner
        (w.ada, data.ids["CS-A1"], NotAllowed),  # an administrator
        (w.cal, data.ids["CS-A1"], NotAllowed),  # a commissioner
        (data.sue, data.ids["CS-A1"], NotAllowed),  # a supervisor of another team
        (w.sam, data.ids["CS-A3"], NotFound),  # removed as entered in error
        (w.sam, "no-such-enquiry", NotFound),
    ]
    for actor, public_id, error in refusals:
        with pytest.raises(error):
            sv.add_supervision_note(
                engine, actor, public_id, TODAY, REFLECTION, None, None, today=TODAY
            )
    assert snapshot(engine) == before
    with pytest.raises(NotAllowed):
        sv.list_supervision_notes(engine, w.bea, data.ids["CS-A1"])  # another team's worker
    with pytest.raises(NotAllowed):
        sv.list_supervision_notes(engine, data.sue, data.ids["CS-A1"])


def test_a_note_on_a_concluded_enquiry_is_allowed(engine, data):
    sv.add_supervision_note(
        engine, data.world.sam, data.ids["CS-A4"], TODAY, "Looking back.", None, None, today=TODAY
    )
    with unit_of_work(engine) as session:
        assert session.scalar(sa.select(sa.func.count(SupervisionNote.id))) == 1


# --- The one-page summary -------------------------------------------------------------------


def test_the_summary_is_a_one_page_pdf_and_its_export_is_audited(engine, data):
    w = data.world
    before = audit_count(engine)
    pdf = sv.supervision_summary_pdf(engine, w.sam, w.north, w.alex.id, today=TODAY)
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) == 1
    assert audit_count(engine) == before + 1
    event = last_audit(engine)
    assert (event.action, event.record_type, event.record_id, event.team_id) == (
        "supervision_summary_exported",
        "user",
        str(w.alex.id),
        w.north,
    )
    assert event.details == {"format": "pdf", "open_enquiries": 3}

    for actor in (w.alex, data.sue):
        with pytest.raises(NotAllowed):
            sv.supervision_summary_pdf(engine, actor, w.north, w.alex.id, today=TODAY)
    assert audit_count(engine) == before + 1
    with unit_of_work(engine) as session:
        actions = session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("supervision_summary_exported") == 1


def test_the_summary_names_people_only_by_case_reference(engine, data):
    w = data.world
    caseload = sv.worker_caseload(engine, w.sam, w.north, w.alex.id, today=TODAY)
    chart = sv.summary_chart(caseload, prepared_by="Sam Sup")
    text = " ".join(summary_texts(chart))
    for reference in ("CS-A7", "CS-A1", "CS-A2"):
        assert reference in text
    for hidden in ("CS-A3", "CS-A4", "CS-N1", "CS-S1", "Mrs B", "Wish number"):
        assert hidden not in text
    assert "Open enquiries of Alex North, North, on 26 November 2026" in text
    assert "Outcome 2 (not achievable): To be involved in what happens next" in " ".join(
        text.split()
    )  # wrapped over two lines


def test_a_long_caseload_still_fits_one_page():
    """60 open enquiries, each with three prompts: what does not fit is counted instead."""
    from msp.prompts import Prompt

    prompt = Prompt("conversation_gap", "No conversation for 45 working days", "…", True)
    rows = tuple(
        sv.CaseloadRow(
            public_id=f"p{i}",
            case_reference=f"CS-{i:04d}",
            enquiry_type="s42",
            started_on=dt.date(2026, 1, 5),
            last_conversation_with_person=dt.date(2026, 9, 1),
            days_since_conversation=86,
            active_outcomes=2,
            prompts=(prompt, prompt, prompt),
            outcomes_at_risk=(sv.OutcomeAtRisk(1, "prosecute", "partly", False),),
        )
        for i in range(60)
    )
    caseload = sv.Caseload(1, "North", 2, "Alex North", TODAY, Targets(), rows)
    chart = sv.summary_chart(caseload, prepared_by="Sam Sup")
    texts = summary_texts(chart)
    shown = [t for t in texts if t.startswith("CS-")]
    assert 5 < len(shown) < 60
    assert any(t.startswith(f"… and {60 - len(shown)} more open enquiries") for t in texts)
    pdf = sv.caseload_pdf(caseload, prepared_by="Sam Sup")
    assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1
