"""Stored timeliness agrees with working days counted in Python, whoever wrote the data:
the services, the demo generator or the importer."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import Conversation, Enquiry, FeedbackResponse
from msp import conversations as conv
from msp import enquiries as enq
from msp import feedback as fb
from msp import outcomes as out
from msp.demo import generate
from msp.periods import working_days_between
from tests.integration.journey_helpers import TODAY, make_world, new_enquiry

D = dt.date


def expected(started, concluded, held, feedback_days):
    after = sorted(d for d in held if d >= started and (concluded is None or d <= concluded))
    first = working_days_between(started, after[0]) if after else None
    points = [started, *after] + ([concluded] if concluded else [])
    gaps = [working_days_between(a, b) for a, b in zip(points, points[1:], strict=False)]
    return first, (max(gaps) if gaps else None), (min(feedback_days) if feedback_days else None)


def stored(engine) -> dict[int, tuple]:
    with unit_of_work(engine) as session:
        rows = session.execute(
            sa.select(
                Enquiry.id,
                Enquiry.started_on,
                Enquiry.concluded_on,
                Enquiry.first_conversation_working_days,
                Enquiry.longest_gap_working_days,
                Enquiry.first_feedback_days,
            )
        ).all()
        held: dict[int, list] = {}
        for enquiry_id, day in session.execute(
            sa.select(Conversation.enquiry_id, Conversation.held_on)
        ):
            held.setdefault(enquiry_id, []).append(day)
        fbd: dict[int, list] = {}
        for enquiry_id, days in session.execute(
            sa.select(FeedbackResponse.enquiry_id, FeedbackResponse.days_after_conclusion)
        ):
            fbd.setdefault(enquiry_id, []).append(days)
    return {
        r.id: (
            (r.first_conversation_working_days, r.longest_gap_working_days, r.first_feedback_days),
            expected(r.started_on, r.concluded_on, held.get(r.id, []), fbd.get(r.id, [])),
        )
        for r in rows
    }


def test_services_keep_timeliness_up_to_date(engine):
    world = make_world(engine)
    public_id = enq.start_enquiry(
        engine, world.alex, new_enquiry(world, started_on=D(2026, 9, 3)), today=TODAY
    )
    v = 1
    for day in (D(2026, 9, 10), D(2026, 9, 4), D(2026, 10, 20)):  # out of order on purpose
        v = conv.log_conversation(
            engine,
            world.alex,
            public_id,
            conv.NewConversation(
                held_on=day, with_person=True, method="phone", stage="during", summary="Talk"
            ),
            expected_version=v,
            today=TODAY,
        )
    v = out.record_msp_asked(engine, world.alex, public_id, "asked_none", expected_version=v)
    v = enq.conclude_enquiry(
        engine,
        world.alex,
        public_id,
        enq.Conclusion(
            concluded_on=D(2026, 10, 30), risk_assessment_outcome="ceased", lacked_capacity="no"
        ),
        expected_version=v,
        today=TODAY,
    )
    fb.record_feedback(
        engine,
        world.alex,
        public_id,
        fb.NewFeedback(method="phone", given_on=D(2026, 11, 9), declined=True),
        expected_version=v,
        today=TODAY,
    )
    (pair,) = stored(engine).values()
    got, want = pair
    # First talk Fri 4 Sep: 1 working day after Thu 3 Sep. Longest gap 10 Sep -> 20 Oct.
    assert want == (1, working_days_between(D(2026, 9, 10), D(2026, 10, 20)), 10)
    assert got == want


def test_demo_data_timeliness_matches_a_recount(engine):
    generate(engine, enquiries=400, seed=11, today=TODAY)
    pairs = stored(engine)
    assert len(pairs) == 400
    mismatched = {k: v for k, v in pairs.items() if v[0] != v[1]}
    assert not mismatched, list(mismatched.items())[:5]
    assert sum(1 for got, _ in pairs.values() if got[1] is not None) > 300
