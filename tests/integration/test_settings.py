"""Settings: timescale targets and the feedback question bank — validated, audited, and
effective at once; answers keep the wording they were given under."""

from __future__ import annotations

import datetime as dt

import pytest

from msp import enquiries as enq
from msp import feedback as fb
from msp import outcomes as out
from msp import question_bank as qb
from msp.errors import NotAllowed, ValidationError
from msp.overview import get_enquiry
from msp.periods import ReportingYear
from msp.settings import (
    Targets,
    get_targets,
    idle_timeout_minutes,
    reporting_year,
    update_idle_timeout,
    update_reporting_year,
    update_targets,
)
from tests.integration.journey_helpers import (
    TODAY,
    last_audit,
    make_world,
    new_enquiry,
    snapshot,
)

D = dt.date
GOOD = {
    "decision_working_days": 3,
    "first_conversation_working_days": 5,
    "max_gap_working_days": 10,
    "feedback_window_days": 42,
}


@pytest.fixture
def world(engine):
    return make_world(engine)


def test_targets_default_then_change_and_take_effect(engine, world):
    assert get_targets(engine) == Targets()
    public_id = enq.start_enquiry(
        engine, world.alex, new_enquiry(world, started_on=D(2026, 11, 5)), today=TODAY
    )

    def codes():
        view = get_enquiry(engine, world.alex, public_id, today=TODAY)
        return [p.code for p in view.prompts]

    assert "conversation_gap" not in codes()  # 15 working days < 20
    update_targets(engine, world.ada, GOOD)
    event = last_audit(engine)
    assert event.action == "settings_changed"
    assert event.details["changed"]["max_gap_working_days"] == [20, 10]
    assert get_targets(engine).max_gap_working_days == 10
    assert "conversation_gap" in codes()  # 15 > 10, at once


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"max_gap_working_days": 0}, "max_gap_working_days"),
        ({"feedback_window_days": "56"}, "feedback_window_days"),
        ({"decision_working_days": True}, "decision_working_days"),
        ({"first_conversation_working_days": 61}, "first_conversation_working_days"),
        ({"colour": 3}, "targets"),
    ],
)
def test_bad_targets_are_refused(engine, world, change, field):
    before = snapshot(engine)
    with pytest.raises(ValidationError) as err:
        update_targets(engine, world.ada, {**GOOD, **change})
    assert field in err.value.problems
    assert snapshot(engine) == before


def test_only_administrators_change_settings(engine, world):
    for user in (world.alex, world.sam, world.cal):
        with pytest.raises(NotAllowed):
            update_targets(engine, user, GOOD)
        with pytest.raises(NotAllowed):
            qb.add_question(engine, user, "Q?", "Q for rep?")
        with pytest.raises(NotAllowed):
            update_idle_timeout(engine, user, 10)
        with pytest.raises(NotAllowed):
            update_reporting_year(engine, user, 1)
    assert idle_timeout_minutes(engine) == 30
    assert reporting_year(engine).start_month == 4


def test_the_idle_timeout_is_changed_and_audited_old_to_new(engine, world):
    assert idle_timeout_minutes(engine) == 30
    update_idle_timeout(engine, world.ada, 15)
    event = last_audit(engine)
    assert (event.action, event.record_id) == ("settings_changed", "session")
    assert event.details == {"changed": {"idle_timeout_minutes": [30, 15]}}
    update_idle_timeout(engine, world.ada, 480)
    assert idle_timeout_minutes(engine) == 480
    assert last_audit(engine).details == {"changed": {"idle_timeout_minutes": [15, 480]}}


@pytest.mark.parametrize("minutes", [4, 481, "20", 12.5, True, None, 30])
def test_a_bad_idle_timeout_is_refused_and_writes_nothing(engine, world, minutes):
    before = snapshot(engine)
    with pytest.raises(ValidationError) as err:
        update_idle_timeout(engine, world.ada, minutes)
    assert list(err.value.problems) == ["idle_timeout_minutes"]
    assert snapshot(engine) == before


def test_the_reporting_year_is_changed_audited_and_counted_by_at_once(engine, world):
    from msp import metrics
    from msp.home import home_summary
    from msp.metrics import Filters

    assert reporting_year(engine) == ReportingYear()  # April to March until changed
    _concluded(engine, world, "JAN-1")  # concluded on 1 October 2026 (2026-27 Q3)
    assert home_summary(engine, world.alex, TODAY).year_label == "2026-27"

    assert update_reporting_year(engine, world.ada, 1) == ReportingYear(1)
    event = last_audit(engine)
    assert (event.action, event.record_id) == ("settings_changed", "reporting")
    assert event.details == {"changed": {"year_start_month": [4, 1]}}
    assert reporting_year(engine) == ReportingYear(1)
    summary = home_summary(engine, world.alex, TODAY)
    assert (summary.year_label, summary.year_runs) == ("2026", "1 January 2026 to 31 December 2026")
    assert {f.label: f.value for f in summary.figures}["Concluded in 2026"] == "1"
    calendar = Filters(year=2026, quarter=4, year_start=1)
    assert metrics.headline(engine, world.alex, calendar).concluded == 1

    update_reporting_year(engine, world.ada, 4)
    assert last_audit(engine).details == {"changed": {"year_start_month": [1, 4]}}
    assert reporting_year(engine).is_national


@pytest.mark.parametrize("month", [0, 13, "1", 1.0, True, None, 4])
def test_a_bad_reporting_year_start_is_refused_and_writes_nothing(engine, world, month):
    before = snapshot(engine)
    with pytest.raises(ValidationError) as err:
        update_reporting_year(engine, world.ada, month)
    assert list(err.value.problems) == ["year_start_month"]
    if month == 4:
        assert (
            err.value.problems["year_start_month"] == "The reporting year already starts in April"
        )
    assert snapshot(engine) == before


def _concluded(engine, world, reference):
    public_id = enq.start_enquiry(
        engine,
        world.alex,
        new_enquiry(world, person=enq.PersonDetails(case_reference=reference)),
        today=TODAY,
    )
    v = out.record_msp_asked(engine, world.alex, public_id, "asked_none", expected_version=1)
    v = enq.conclude_enquiry(
        engine,
        world.alex,
        public_id,
        enq.Conclusion(
            concluded_on=D(2026, 10, 1), risk_assessment_outcome="ceased", lacked_capacity="no"
        ),
        expected_version=v,
        today=TODAY,
    )
    return public_id, v


def test_rewording_keeps_old_answers_in_their_wording(engine, world):
    first_id, v1 = _concluded(engine, world, "A-1")
    questions = fb.question_bank(engine)
    goals = questions[0]
    fb.record_feedback(
        engine,
        world.alex,
        first_id,
        fb.NewFeedback(
            method="phone", given_on=D(2026, 10, 5), answers={goals.question_version_id: "yes"}
        ),
        expected_version=v1,
        today=TODAY,
    )
    bank = qb.list_questions(engine)
    assert (
        qb.reword_question(
            engine,
            world.ada,
            bank[0].id,
            "Did you get what you wanted?",
            "Did they get what they wanted?",
        )
        == 2
    )
    with pytest.raises(ValidationError):
        qb.reword_question(
            engine,
            world.ada,
            bank[0].id,
            "Did you get what you wanted?",
            "Did they get what they wanted?",
        )
    new_goals = fb.question_bank(engine)[0]
    assert new_goals.person_wording == "Did you get what you wanted?"
    second_id, v2 = _concluded(engine, world, "A-2")
    fb.record_feedback(
        engine,
        world.alex,
        second_id,
        fb.NewFeedback(
            method="phone", given_on=D(2026, 10, 5), answers={new_goals.question_version_id: "no"}
        ),
        expected_version=v2,
        today=TODAY,
    )
    old = get_enquiry(engine, world.alex, first_id, today=TODAY).feedback[0].answers[0]
    new = get_enquiry(engine, world.alex, second_id, today=TODAY).feedback[0].answers[0]
    assert old == ("Have you got the goals you wanted?", "yes")
    assert new == ("Did you get what you wanted?", "no")


def test_add_and_retire_questions(engine, world):
    question_id = qb.add_question(
        engine, world.ada, "Was it easy to talk to us?", "Was it easy for them to talk to us?"
    )
    assert fb.question_bank(engine)[-1].person_wording == "Was it easy to talk to us?"
    with pytest.raises(ValidationError) as err:
        qb.add_question(engine, world.ada, " ", "x")
    assert "person_wording" in err.value.problems
    qb.retire_question(engine, world.ada, question_id)
    assert len(fb.question_bank(engine)) == 6
    assert [q.is_active for q in qb.list_questions(engine)].count(False) == 1
    for q in qb.list_questions(engine)[:-1]:
        if q.is_active and len(fb.question_bank(engine)) > 1:
            qb.retire_question(engine, world.ada, q.id)
    with pytest.raises(ValidationError, match="at least one"):
        qb.retire_question(
            engine,
            world.ada,
            fb.question_bank(engine)[0].question_version_id and qb.list_questions(engine)[0].id,
        )
