"""The person's journey through the services, on SQLite and PostgreSQL: every rule, the
refusals (nothing written), the concurrent-edit case and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from msp import conversations as conv
from msp import enquiries as enq
from msp import feedback as fb
from msp import outcomes as out
from msp.errors import ConcurrentEdit, NotAllowed, NotFound, ValidationError
from msp.overview import get_enquiry
from tests.integration.journey_helpers import (
    TODAY,
    audit_count,
    last_audit,
    make_world,
    new_enquiry,
    snapshot,
)

D = dt.date


@pytest.fixture
def world(engine):
    return make_world(engine)


def _start(engine, world, **overrides):
    return enq.start_enquiry(engine, world.alex, new_enquiry(world, **overrides), today=TODAY)


def _view(engine, world, public_id, user=None):
    return get_enquiry(engine, user or world.alex, public_id, today=TODAY)


def _refused(engine, call, *fields):
    """The call is refused naming each field, and the database is unchanged."""
    before = snapshot(engine)
    with pytest.raises(ValidationError) as err:
        call()
    for f in fields:
        assert f in err.value.problems, err.value.problems
    assert snapshot(engine) == before
    return err.value.problems


# --- Starting an enquiry ----------------------------------------------------------------


def test_start_enquiry_creates_person_and_enquiry(engine, world):
    public_id = _start(engine, world)
    assert len(public_id) == 32
    view = _view(engine, world, public_id)
    assert view.case_reference == "CS-1001" and view.preferred_name == "Mrs B"
    assert view.team_name == "North" and view.worker_name == "Alex North"
    assert view.risk_types == ("psychological", "financial")  # national order
    assert view.status == "open" and view.version == 1
    assert [p.code for p in view.prompts] == ["conversation_gap", "no_outcomes", "capacity"]
    # Starting another enquiry about the same person reuses them, unchanged.
    second = _start(engine, world, person=enq.PersonDetails(case_reference="CS-1001"))
    assert _view(engine, world, second).preferred_name == "Mrs B"
    found = enq.find_person(engine, world.alex, " CS-1001 ")
    assert found and found.age_band == "75-84"


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"concern_received_on": D(2026, 11, 27)}, ["concern_received_on"]),
        ({"started_on": D(2026, 8, 31)}, ["started_on"]),
        ({"decision_on": D(2026, 8, 1)}, ["decision_on"]),
        ({"started_on": None, "concern_received_on": None}, ["started_on", "concern_received_on"]),
        ({"risk_types": []}, ["risk_types"]),
        ({"risk_types": ["theft"]}, ["risk_types"]),
        ({"enquiry_type": "maybe"}, ["enquiry_type"]),
        ({"location_of_risk": "Own Home"}, ["location_of_risk"]),
        ({"team_id": None}, ["team_id"]),
        ({"pre_concern_discussed": None}, ["pre_concern_discussed"]),
        ({"pre_concern_view": "disagreed"}, ["against_view_reason"]),
        (
            {"pre_concern_view": "disagreed", "against_view_reason": "other"},
            ["against_view_reason_other", "against_view_explained"],
        ),
        (
            {"pre_concern_view": "agreed", "against_view_reason": "coercion"},
            ["against_view_reason"],
        ),
        ({"person": enq.PersonDetails(case_reference="")}, ["case_reference"]),
        ({"person": enq.PersonDetails(case_reference="has space")}, ["case_reference"]),
        (
            {"person": enq.PersonDetails(case_reference="CS-9", birth_year=2015)},
            ["birth_year"],
        ),
        ({"person": enq.PersonDetails(case_reference="CS-9", gender="M")}, ["gender"]),
    ],
)
def test_start_enquiry_refusals_write_nothing(engine, world, overrides, fields):
    _refused(engine, lambda: _start(engine, world, **overrides), *fields)


def test_the_messages_say_what_to_do(engine, world):
    problems = _refused(
        engine,
        lambda: _start(engine, world, started_on=D(2026, 8, 31), decision_on=None),
        "started_on",
    )
    assert problems["started_on"] == "The enquiry cannot start before the concern was received"


def test_a_practitioner_cannot_start_an_enquiry_for_another_team(engine, world):
    _refused(engine, lambda: _start(engine, world, team_id=world.south), "team_id")
    _refused(engine, lambda: _start(engine, world, worker_id=world.bea.id), "worker_id")


def test_against_their_view_with_a_reason_explained(engine, world):
    public_id = _start(
        engine,
        world,
        pre_concern_view="disagreed",
        against_view_reason="others_at_risk",
        against_view_explained=True,
    )
    view = _view(engine, world, public_id)
    assert view.against_view_reason == "others_at_risk" and view.against_view_explained


# --- Outcomes -----------------------------------------------------------------------------


def _two_outcomes(engine, world, public_id, version=1):
    return out.add_outcomes(
        engine,
        world.alex,
        public_id,
        [
            out.NewOutcome(
                "abuse_stop", "I want my nephew to stop taking my money", "person", D(2026, 9, 3)
            ),
            out.NewOutcome("something_else", "To keep my dog with me", "person", D(2026, 9, 3)),
        ],
        expected_version=version,
        today=TODAY,
    )


def test_add_outcomes_records_versions_and_the_asked_answer(engine, world):
    public_id = _start(engine, world)
    version = _two_outcomes(engine, world, public_id)
    assert version == 2
    view = _view(engine, world, public_id)
    assert [o.category for o in view.outcomes] == ["abuse_stop", "something_else"]
    assert view.outcomes[1].own_words == "To keep my dog with me"
    assert [v.reason for v in view.outcomes[0].versions] == ["added"]
    assert view.msp_asked == "asked_expressed"
    assert "no_outcomes" not in [p.code for p in view.prompts]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (out.NewOutcome("something_else", "  ", "person", D(2026, 9, 3)), "outcomes.0.own_words"),
        (out.NewOutcome("abuse_stop", "", "person", D(2026, 9, 3)), "outcomes.0.own_words"),
        (out.NewOutcome("stop", "words", "person", D(2026, 9, 3)), "outcomes.0.category"),
        (out.NewOutcome("friends", "words", "neighbour", D(2026, 9, 3)), "outcomes.0.expressed_by"),
        (out.NewOutcome("friends", "words", "person", D(2026, 12, 1)), "outcomes.0.expressed_on"),
        (out.NewOutcome("friends", "words", "person", D(2026, 8, 1)), "outcomes.0.expressed_on"),
    ],
)
def test_add_outcome_refusals(engine, world, item, field):
    public_id = _start(engine, world)
    problems = _refused(
        engine,
        lambda: out.add_outcomes(
            engine, world.alex, public_id, [item], expected_version=1, today=TODAY
        ),
        field,
    )
    if item.category == "something_else":
        assert "Something else" in problems[field]


def test_reword_withdraw_and_achievability_keep_history(engine, world):
    public_id = _start(engine, world)
    v = _two_outcomes(engine, world, public_id)
    first, second = (o.id for o in _view(engine, world, public_id).outcomes)
    v = out.change_outcome(
        engine,
        world.alex,
        public_id,
        out.OutcomeChange(first, "reworded", own_words="I want my money back", note="Clarified"),
        effective_on=D(2026, 9, 10),
        expected_version=v,
        today=TODAY,
    )
    v = out.change_outcome(
        engine,
        world.alex,
        public_id,
        out.OutcomeChange(second, "withdrawn", note="She no longer wants this"),
        effective_on=D(2026, 9, 11),
        expected_version=v,
        today=TODAY,
    )
    view = _view(engine, world, public_id)
    o1, o2 = view.outcomes
    assert o1.own_words == "I want my money back"
    assert [(x.reason, x.own_words) for x in o1.versions] == [
        ("added", "I want my nephew to stop taking my money"),
        ("reworded", "I want my money back"),
    ]
    assert o2.status == "withdrawn" and [x.reason for x in o2.versions] == ["added", "withdrawn"]
    assert view.active_outcomes == (o1,)
    # Withdrawn outcomes cannot change; rewording to the same words is refused.
    _refused(
        engine,
        lambda: out.change_outcome(
            engine,
            world.alex,
            public_id,
            out.OutcomeChange(second, "reworded", own_words="x", note="n"),
            effective_on=D(2026, 9, 12),
            expected_version=v,
            today=TODAY,
        ),
        "outcome",
    )
    _refused(
        engine,
        lambda: out.change_outcome(
            engine,
            world.alex,
            public_id,
            out.OutcomeChange(first, "reworded", own_words="I want my money back", note="n"),
            effective_on=D(2026, 9, 12),
            expected_version=v,
            today=TODAY,
        ),
        "own_words",
    )
    _refused(
        engine,
        lambda: out.change_outcome(
            engine,
            world.alex,
            public_id,
            out.OutcomeChange(first, "withdrawn", note=""),
            effective_on=D(2026, 9, 12),
            expected_version=v,
            today=TODAY,
        ),
        "note",
    )
    _refused(
        engine,
        lambda: out.change_outcome(
            engine,
            world.alex,
            public_id,
            out.OutcomeChange(first, "withdrawn", note="x"),
            effective_on=D(2026, 9, 1),
            expected_version=v,
            today=TODAY,
        ),
        "effective_on",
    )


def test_unachievable_outcome_prompts_until_explained_in_a_conversation(engine, world):
    public_id = _start(engine, world)
    v = _two_outcomes(engine, world, public_id)
    first = _view(engine, world, public_id).outcomes[0].id
    _refused(
        engine,
        lambda: out.change_outcome(
            engine,
            world.alex,
            public_id,
            out.OutcomeChange(first, "achievability", achievability="not_achievable"),
            effective_on=D(2026, 9, 5),
            expected_version=v,
            today=TODAY,
        ),
        "explanation",
    )
    v = out.change_outcome(
        engine,
        world.alex,
        public_id,
        out.OutcomeChange(
            first,
            "achievability",
            achievability="not_achievable",
            explanation="The bank cannot refund transfers she agreed to",
        ),
        effective_on=D(2026, 9, 5),
        expected_version=v,
        today=TODAY,
    )
    assert "unexplained_unachievable" in [p.code for p in _view(engine, world, public_id).prompts]
    v = conv.log_conversation(
        engine,
        world.alex,
        public_id,
        conv.NewConversation(
            held_on=D(2026, 9, 8),
            with_person=True,
            method="in_person",
            stage="during",
            summary="Explained why the money cannot be recovered through us",
            changes=[
                out.OutcomeChange(
                    first,
                    "achievability",
                    achievability="not_achievable",
                    explanation="No route to recover the money",
                )
            ],
        ),
        expected_version=v,
        today=TODAY,
    )
    view = _view(engine, world, public_id)
    conversation = view.conversations[-1]
    assert view.outcomes[0].explained_in_id == conversation.id
    assert conversation.outcome_ids == (first,)
    assert "unexplained_unachievable" not in [p.code for p in view.prompts]
    assert view.outcomes[0].versions[-1].conversation_id == conversation.id


def test_explanation_linked_to_an_earlier_conversation(engine, world):
    public_id = _start(engine, world)
    v = _two_outcomes(engine, world, public_id)
    v = conv.log_conversation(
        engine,
        world.alex,
        public_id,
        conv.NewConversation(
            held_on=D(2026, 9, 4),
            with_person=True,
            method="phone",
            stage="start",
            summary="Talked it through",
        ),
        expected_version=v,
        today=TODAY,
    )
    view = _view(engine, world, public_id)
    talk, first = view.conversations[0].id, view.outcomes[0].id
    out.change_outcome(
        engine,
        world.alex,
        public_id,
        out.OutcomeChange(
            first,
            "achievability",
            achievability="not_achievable",
            explanation="No evidence of a crime",
            explained_in_id=talk,
        ),
        effective_on=D(2026, 9, 5),
        expected_version=v,
        today=TODAY,
    )
    assert _view(engine, world, public_id).outcomes[0].explained_in_id == talk


# --- Conversations --------------------------------------------------------------------------


def test_conversation_rewords_and_adds_outcomes_in_one_save(engine, world):
    public_id = _start(engine, world)
    v = _two_outcomes(engine, world, public_id)
    first = _view(engine, world, public_id).outcomes[0].id
    events = audit_count(engine)
    conv.log_conversation(
        engine,
        world.alex,
        public_id,
        conv.NewConversation(
            held_on=D(2026, 9, 9),
            with_person=False,
            representative_kind="care_act_advocate",
            method="video",
            stage="during",
            summary="Her advocate explained her wishes",
            next_steps="Meet the bank",
            outcome_ids=[first],
            changes=[
                out.OutcomeChange(
                    first,
                    "reworded",
                    own_words="I want him out of my life",
                    note="Said in her words with her advocate",
                )
            ],
            new_outcomes=[
                out.NewOutcome(
                    "involved", "I want to be at the meeting", "care_act_advocate", D(2026, 9, 9)
                )
            ],
        ),
        expected_version=v,
        today=TODAY,
    )
    assert audit_count(engine) == events + 1
    view = _view(engine, world, public_id)
    talk = view.conversations[0]
    assert talk.with_whom == "Care Act independent advocate"
    assert set(talk.outcome_ids) == {first, view.outcomes[2].id}
    assert view.outcomes[0].versions[-1].reason == "reworded"
    assert view.outcomes[0].versions[-1].conversation_id == talk.id
    assert view.outcomes[2].expressed_by == "care_act_advocate"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"held_on": None}, "held_on"),
        ({"held_on": D(2027, 1, 1)}, "held_on"),
        ({"held_on": D(2026, 8, 1)}, "held_on"),
        ({"with_person": False}, "with_whom"),
        ({"method": "carrier pigeon"}, "method"),
        ({"stage": None}, "stage"),
        ({"stage": "after"}, "stage"),
        ({"summary": "   "}, "summary"),
        ({"outcome_ids": [999999]}, "outcome_ids"),
    ],
)
def test_conversation_refusals(engine, world, values, field):
    public_id = _start(engine, world)
    data = dict(
        held_on=D(2026, 9, 9), with_person=True, method="phone", stage="during", summary="A talk"
    )
    data.update(values)
    _refused(
        engine,
        lambda: conv.log_conversation(
            engine,
            world.alex,
            public_id,
            conv.NewConversation(**data),
            expected_version=1,
            today=TODAY,
        ),
        field,
    )


def test_conversation_gap_prompt_follows_the_target(engine, world):
    public_id = _start(
        engine, world, concern_received_on=D(2026, 9, 1), decision_on=None, started_on=D(2026, 9, 1)
    )
    view = _view(engine, world, public_id)
    gap = next(p for p in view.prompts if p.code == "conversation_gap")
    assert gap.overdue and "working days" in gap.message
    conv.log_conversation(
        engine,
        world.alex,
        public_id,
        conv.NewConversation(
            held_on=D(2026, 11, 20),
            with_person=True,
            method="phone",
            stage="during",
            summary="Catch-up",
        ),
        expected_version=1,
        today=TODAY,
    )
    assert "conversation_gap" not in [p.code for p in _view(engine, world, public_id).prompts]


# --- Capacity and advocacy ------------------------------------------------------------------


def test_capacity_and_advocacy(engine, world):
    public_id = _start(engine, world)
    v = enq.record_capacity_advocacy(
        engine,
        world.alex,
        public_id,
        enq.CapacityAdvocacy(
            capacity_considered=False, substantial_difficulty=True, appropriate_individual=False
        ),
        expected_version=1,
        today=TODAY,
    )
    codes = [p.code for p in _view(engine, world, public_id).prompts]
    assert codes[0] == "advocacy" and "capacity" in codes
    _refused(
        engine,
        lambda: enq.record_capacity_advocacy(
            engine,
            world.alex,
            public_id,
            enq.CapacityAdvocacy(
                capacity_considered=True,
                capacity_decision="",
                capacity_assessed_on=D(2026, 12, 1),
                capacity_result="lacks",
                advocacy_referred_on=D(2026, 9, 4),
            ),
            expected_version=v,
            today=TODAY,
        ),
        "capacity_decision",
        "capacity_assessed_on",
        "capacity_result",
        "capacity_assessed_by",
        "advocate_kind",
    )
    v = enq.record_capacity_advocacy(
        engine,
        world.alex,
        public_id,
        enq.CapacityAdvocacy(
            capacity_considered=True,
            capacity_decision="Taking part in the enquiry",
            capacity_assessed_on=D(2026, 9, 4),
            capacity_result="lacks_capacity",
            capacity_assessed_by="Alex North",
            substantial_difficulty=True,
            appropriate_individual=False,
            advocacy_referred_on=D(2026, 9, 4),
            advocate_kind="care_act_advocate",
        ),
        expected_version=v,
        today=TODAY,
    )
    view = _view(engine, world, public_id)
    assert {"advocacy", "capacity"}.isdisjoint(p.code for p in view.prompts)
    assert [t.kind for t in view.timeline][:5] == [
        "concern",
        "decision",
        "started",
        "capacity",
        "advocacy",
    ]
    event = last_audit(engine)
    assert event.action == "enquiry_viewed"


def test_audit_records_coded_values_but_not_free_text(engine, world):
    public_id = _start(engine, world)
    enq.record_capacity_advocacy(
        engine,
        world.alex,
        public_id,
        enq.CapacityAdvocacy(
            capacity_considered=True,
            capacity_decision="Secret decision text",
            capacity_assessed_on=D(2026, 9, 4),
            capacity_result="has_capacity",
            capacity_assessed_by="Alex",
        ),
        expected_version=1,
        today=TODAY,
    )
    event = last_audit(engine)
    assert event.action == "capacity_advocacy_recorded"
    changed = event.details["changed"]
    assert changed["capacity_result"] == [None, "has_capacity"]
    assert changed["capacity_decision"] == "changed"
    assert "Secret decision text" not in repr(event.details)


# --- Conclusion and feedback ------------------------------------------------------------


def _concluded(engine, world):
    public_id = _start(engine, world)
    v = _two_outcomes(engine, world, public_id)
    first, second = (o.id for o in _view(engine, world, public_id).outcomes)
    v = enq.conclude_enquiry(
        engine,
        world.alex,
        public_id,
        enq.Conclusion(
            concluded_on=D(2026, 10, 15),
            ratings={
                first: enq.OutcomeRating("fully", "Relieved"),
                second: enq.OutcomeRating("partially"),
            },
            msp_achieved="partially",
            risk_assessment_outcome="identified_action",
            risk_outcome="reduced",
            lacked_capacity="no",
        ),
        expected_version=v,
        today=TODAY,
    )
    return public_id, v, first, second


def test_conclude_refuses_unrated_outcomes_and_names_them(engine, world):
    public_id = _start(engine, world)
    v = _two_outcomes(engine, world, public_id)
    first, _ = (o.id for o in _view(engine, world, public_id).outcomes)
    conclusion = enq.Conclusion(
        concluded_on=D(2026, 10, 15),
        ratings={first: enq.OutcomeRating("fully")},
        msp_achieved="fully",
        risk_assessment_outcome="none_no_action",
        lacked_capacity="no",
    )
    problems = _refused(
        engine,
        lambda: enq.conclude_enquiry(
            engine, world.alex, public_id, conclusion, expected_version=v, today=TODAY
        ),
    )
    unrated = [m for k, m in problems.items() if k.startswith("rating_")]
    assert unrated == ["Rate the outcome “To keep my dog with me”"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"concluded_on": D(2026, 9, 1)}, "concluded_on"),
        ({"concluded_on": D(2026, 12, 1)}, "concluded_on"),
        ({"risk_outcome": None}, "risk_outcome"),
        ({"risk_assessment_outcome": "none_no_action"}, "risk_outcome"),
        ({"lacked_capacity": "yes"}, "capacity_support_provided"),
        ({"msp_achieved": "fully"}, "msp_achieved_reason"),
        ({"msp_asked": "no"}, "msp_asked"),
    ],
)
def test_conclusion_refusals(engine, world, change, field):
    public_id = _start(engine, world)
    v = _two_outcomes(engine, world, public_id)
    first, second = (o.id for o in _view(engine, world, public_id).outcomes)
    values = dict(
        concluded_on=D(2026, 10, 15),
        ratings={first: enq.OutcomeRating("fully"), second: enq.OutcomeRating("not_achieved")},
        msp_achieved="partially",
        risk_assessment_outcome="identified_action",
        risk_outcome="removed",
        lacked_capacity="no",
    )
    values.update(change)
    _refused(
        engine,
        lambda: enq.conclude_enquiry(
            engine, world.alex, public_id, enq.Conclusion(**values), expected_version=v, today=TODAY
        ),
        field,
    )


def test_conclusion_sets_reporting_columns_and_ratings(engine, world):
    public_id, v, first, second = _concluded(engine, world)
    view = _view(engine, world, public_id)
    assert view.status == "concluded" and view.concluded_on == D(2026, 10, 15)
    assert [o.rating for o in view.outcomes] == ["fully", "partially"]
    assert view.outcomes[0].person_view == "Relieved"
    assert view.outcomes[0].versions[-1].reason == "rated"
    assert view.msp_achieved == "partially" and view.risk_outcome == "reduced"
    from db.engine import unit_of_work
    from db.models import Enquiry

    with unit_of_work(engine) as session:
        row = session.query(Enquiry).filter_by(public_id=public_id).one()
        assert (row.concluded_fy, row.concluded_quarter, row.concluded_month) == (2026, 3, 202610)
    # After conclusion, outcomes cannot change.
    _refused(
        engine,
        lambda: out.change_outcome(
            engine,
            world.alex,
            public_id,
            out.OutcomeChange(first, "withdrawn", note="x"),
            effective_on=D(2026, 10, 20),
            expected_version=v,
            today=TODAY,
        ),
        "outcome",
    )
    assert enq.propose_achieved(["fully", "fully"]) == "fully"
    assert enq.propose_achieved(["not_achieved"]) == "not_achieved"
    assert enq.propose_achieved(["fully", "not_achieved"]) == "partially"
    assert enq.propose_achieved([]) is None


def test_asked_none_concludes_without_an_achieved_answer(engine, world):
    public_id = _start(engine, world)
    v = out.record_msp_asked(engine, world.alex, public_id, "asked_none", expected_version=1)
    assert "no_outcomes" not in [p.code for p in _view(engine, world, public_id).prompts]
    enq.conclude_enquiry(
        engine,
        world.alex,
        public_id,
        enq.Conclusion(
            concluded_on=D(2026, 10, 1),
            risk_assessment_outcome="ceased",
            lacked_capacity="yes",
            capacity_support_provided=True,
        ),
        expected_version=v,
        today=TODAY,
    )
    view = _view(engine, world, public_id)
    assert view.msp_asked == "asked_none" and view.msp_achieved is None


def test_feedback_from_a_representative_in_their_wording(engine, world):
    public_id, v, *_ = _concluded(engine, world)
    questions = fb.question_bank(engine)
    assert len(questions) == 6
    _refused(
        engine,
        lambda: fb.record_feedback(
            engine,
            world.alex,
            public_id,
            fb.NewFeedback(respondent="family_member", method="phone", given_on=D(2026, 10, 1)),
            expected_version=v,
            today=TODAY,
        ),
        "given_on",
    )
    v2, warning = fb.record_feedback(
        engine,
        world.alex,
        public_id,
        fb.NewFeedback(
            respondent="family_member",
            asked_by="independent_person",
            method="phone",
            given_on=D(2026, 10, 20),
            answers={questions[0].question_version_id: "partly"},
            comments="She felt listened to",
        ),
        expected_version=v,
        today=TODAY,
    )
    assert warning is None and v2 == v + 1
    view = _view(engine, world, public_id)
    (response,) = view.feedback
    assert response.answers[0] == ("Has the person got the goals they wanted?", "partly")
    assert [a for _, a in response.answers[1:]] == ["not_answered"] * 5
    assert response.days_after_conclusion == 5
    assert view.timeline[-1].kind == "feedback"


def test_feedback_declined_late_and_refusals(engine, world):
    public_id, v, *_ = _concluded(engine, world)
    _refused(
        engine,
        lambda: fb.record_feedback(
            engine,
            world.alex,
            public_id,
            fb.NewFeedback(method="phone", given_on=D(2026, 10, 20)),
            expected_version=v,
            today=TODAY,
        ),
        "answers",
    )
    v, warning = fb.record_feedback(
        engine,
        world.alex,
        public_id,
        fb.NewFeedback(method="letter_easy_read", given_on=D(2026, 12, 20), declined=True),
        expected_version=v,
        today=D(2027, 1, 4),
    )
    assert warning == (
        "This feedback was given 10 days after the 8-week window after conclusion closed. "
        "It will be saved, and counted as late."
    )
    view = _view(engine, world, public_id)
    assert view.feedback[0].declined and view.feedback[0].answers == ()
    open_id = _start(engine, world, person=enq.PersonDetails(case_reference="CS-2"))
    _refused(
        engine,
        lambda: fb.record_feedback(
            engine,
            world.alex,
            open_id,
            fb.NewFeedback(method="phone", given_on=D(2026, 10, 20), declined=True),
            expected_version=1,
            today=TODAY,
        ),
        "given_on",
    )


def test_feedback_prompt_when_window_closing_or_passed(engine, world):
    public_id, *_ = _concluded(engine, world)  # concluded 15 Oct; window closes 10 Dec
    view = get_enquiry(engine, world.alex, public_id, today=D(2026, 11, 30))
    assert [p.code for p in view.prompts] == ["feedback_closing"]
    view = get_enquiry(engine, world.alex, public_id, today=D(2026, 12, 11))
    assert [p.code for p in view.prompts] == ["feedback_overdue"]
    view = get_enquiry(engine, world.alex, public_id, today=D(2026, 10, 20))
    assert view.prompts == ()


# --- No lost updates ------------------------------------------------------------------------


def test_a_stale_save_is_refused_and_the_other_persons_data_stays(engine, world):
    public_id = _start(engine, world)
    # Two people open version 1; Sam saves first.
    out.add_outcomes(
        engine,
        world.sam,
        public_id,
        [out.NewOutcome("friends", "Sam's entry", "person", D(2026, 9, 3))],
        expected_version=1,
        today=TODAY,
    )
    before = snapshot(engine)
    for call in (
        lambda: out.add_outcomes(
            engine,
            world.alex,
            public_id,
            [out.NewOutcome("friends", "Alex's entry", "person", D(2026, 9, 3))],
            expected_version=1,
            today=TODAY,
        ),
        lambda: conv.log_conversation(
            engine,
            world.alex,
            public_id,
            conv.NewConversation(
                held_on=D(2026, 9, 9), method="phone", stage="during", summary="x"
            ),
            expected_version=1,
            today=TODAY,
        ),
        lambda: enq.record_capacity_advocacy(
            engine, world.alex, public_id, enq.CapacityAdvocacy(), expected_version=1, today=TODAY
        ),
    ):
        with pytest.raises(ConcurrentEdit, match="Someone else saved"):
            call()
    assert snapshot(engine) == before
    assert [o.own_words for o in _view(engine, world, public_id).outcomes] == ["Sam's entry"]


# --- Access -----------------------------------------------------------------------------


def test_other_teams_and_other_roles_are_refused(engine, world):
    public_id = _start(engine, world)
    before = snapshot(engine)
    for user in (world.bea, world.ada, world.cal):
        with pytest.raises(NotAllowed):
            _view(engine, world, public_id, user=user)
        with pytest.raises(NotAllowed):
            out.add_outcomes(
                engine,
                user,
                public_id,
                [out.NewOutcome("friends", "x", "person", D(2026, 9, 3))],
                expected_version=1,
                today=TODAY,
            )
    for user in (world.ada, world.cal):
        with pytest.raises(NotAllowed):
            enq.list_enquiries(engine, user, enq.EnquiryFilters(), today=TODAY)
    assert snapshot(engine) == before
    assert enq.list_enquiries(engine, world.bea, enq.EnquiryFilters(), today=TODAY) == []
    assert _view(engine, world, public_id, user=world.sam).team_name == "North"
    with pytest.raises(NotFound):
        _view(engine, world, "0" * 32)


def test_list_enquiries_filters_and_next_action(engine, world):
    first = _start(engine, world)
    _start(
        engine,
        world,
        person=enq.PersonDetails(case_reference="CS-2002"),
        worker_id=None,
        enquiry_type="other",
    )
    rows = enq.list_enquiries(engine, world.alex, enq.EnquiryFilters(), today=TODAY)
    assert {r.case_reference for r in rows} == {"CS-1001", "CS-2002"}
    by_ref = {r.case_reference: r for r in rows}
    assert by_ref["CS-1001"].public_id == first
    assert by_ref["CS-1001"].next_action.startswith("No conversation for")
    mine = enq.list_enquiries(engine, world.alex, enq.EnquiryFilters(mine_only=True), today=TODAY)
    assert [r.case_reference for r in mine] == ["CS-1001"]
    other = enq.list_enquiries(
        engine, world.alex, enq.EnquiryFilters(enquiry_type="other"), today=TODAY
    )
    assert [r.case_reference for r in other] == ["CS-2002"]
    by_worker = enq.list_enquiries(
        engine, world.sam, enq.EnquiryFilters(worker_id=world.alex.id), today=TODAY
    )
    assert [r.case_reference for r in by_worker] == ["CS-1001"]
    assert (
        enq.list_enquiries(
            engine, world.sam, enq.EnquiryFilters(worker_id=world.sam.id), today=TODAY
        )
        == []
    )
    found = enq.list_enquiries(engine, world.alex, enq.EnquiryFilters(search="2002"), today=TODAY)
    assert [r.case_reference for r in found] == ["CS-2002"]
    assert enq.list_enquiries(engine, world.alex, enq.EnquiryFilters(search="%"), today=TODAY) == []
    assert (
        enq.list_enquiries(engine, world.alex, enq.EnquiryFilters(status="concluded"), today=TODAY)
        == []
    )
    assert [w.display_name for w in enq.team_workers(engine, world.alex, world.north)] == [
        "Alex North",
        "Sam Sup",
    ]
    with pytest.raises(NotAllowed):
        enq.team_workers(engine, world.alex, world.south)


def test_every_write_leaves_exactly_one_audit_event(engine, world):
    counts = [audit_count(engine)]
    public_id = _start(engine, world)
    counts.append(audit_count(engine))
    v = _two_outcomes(engine, world, public_id)
    counts.append(audit_count(engine))
    v = enq.record_capacity_advocacy(
        engine, world.alex, public_id, enq.CapacityAdvocacy(), expected_version=v, today=TODAY
    )
    counts.append(audit_count(engine))
    v = out.record_msp_asked(engine, world.alex, public_id, "asked_expressed", expected_version=v)
    counts.append(audit_count(engine))
    assert [b - a for a, b in zip(counts, counts[1:], strict=False)] == [1, 1, 1, 1]
