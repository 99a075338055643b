"""Property: whatever bad input reaches a writing service, it is refused with a message for
the user and the database is unchanged, row for row (on SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from db.engine import make_engine
from msp import conversations as conv
from msp import enquiries as enq
from msp import feedback as fb
from msp import outcomes as out
from msp.errors import ValidationError
from msp.overview import get_enquiry
from tests.conftest import BACKENDS, POSTGRES_URL, drop_postgres_schema, new_postgres_schema
from tests.integration.journey_helpers import TODAY, make_world, new_enquiry, snapshot

D = dt.date

FUTURE = [D(2026, 11, 27), D(2030, 1, 1)]
TOO_EARLY = [D(1899, 12, 31), D(2020, 1, 1)]  # before 1900 / before the concern
NOT_A_DATE = ["2026-09-01", 20260901, dt.datetime(2026, 9, 1, 12, 0)]
# (An empty string means "not chosen", which is fine for an optional field.)
BAD_CODES = ["no-such-code", "Own Home", "FULLY", "yes ", 3, "'; DROP TABLE enquiries; --"]
BAD_TEXT = ["", "   ", "\x00", "x" * 6000]

bad_date = st.sampled_from(FUTURE + TOO_EARLY + NOT_A_DATE)
# A concern long ago is fine; only a date that cannot be is bad for it.
bad_concern_date = st.sampled_from([*FUTURE, D(1899, 12, 31), *NOT_A_DATE])
bad_code = st.sampled_from(BAD_CODES)
bad_required_text = st.sampled_from(BAD_TEXT)


def _corrupt(base, fields: dict[str, st.SearchStrategy]):
    """At least one field of `base` replaced with a bad value."""
    names = sorted(fields)
    return st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({n: fields[n] for n in chosen}).map(
            lambda changes: dataclasses.replace(base, **changes)
        )
    )


@pytest.fixture(scope="module", params=BACKENDS)
def scene(request, tmp_path_factory):
    """One world with an open and a concluded enquiry, on each backend (a PostgreSQL schema
    of its own when MSP_TEST_POSTGRES_URL is set)."""
    from db.engine import upgrade

    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('property') / 'msp.sqlite3'}"
    elif not POSTGRES_URL:
        pytest.skip("MSP_TEST_POSTGRES_URL is not set")
    else:
        schema, url = new_postgres_schema()
    upgrade(url)
    engine = make_engine(url)
    world = make_world(engine)
    open_id = enq.start_enquiry(engine, world.alex, new_enquiry(world), today=TODAY)
    out.add_outcomes(
        engine,
        world.alex,
        open_id,
        [out.NewOutcome("abuse_stop", "I want it to stop", "person", D(2026, 9, 3))],
        expected_version=1,
        today=TODAY,
    )
    done_id = enq.start_enquiry(
        engine,
        world.alex,
        new_enquiry(world, person=enq.PersonDetails(case_reference="CS-2")),
        today=TODAY,
    )
    v = out.record_msp_asked(engine, world.alex, done_id, "asked_none", expected_version=1)
    enq.conclude_enquiry(
        engine,
        world.alex,
        done_id,
        enq.Conclusion(
            concluded_on=D(2026, 10, 1), risk_assessment_outcome="ceased", lacked_capacity="no"
        ),
        expected_version=v,
        today=TODAY,
    )
    open_view = get_enquiry(engine, world.alex, open_id, today=TODAY)
    done_view = get_enquiry(engine, world.alex, done_id, today=TODAY)
    yield engine, world, open_view, done_view
    engine.dispose()
    if schema is not None:
        drop_postgres_schema(schema)


def _calls(world, open_view, done_view):
    """A strategy of (service, input, call) triples: a writing service given bad input."""
    outcome_id = open_view.outcomes[0].id
    questions_answer = fb.NewFeedback(method="phone", given_on=D(2026, 10, 5), declined=True)

    start = _corrupt(
        new_enquiry(world),
        {
            "concern_received_on": bad_concern_date | st.none(),
            "started_on": bad_date | st.none(),
            "enquiry_type": bad_code | st.none(),
            "location_of_risk": bad_code | st.none(),
            "source_of_risk": bad_code | st.none(),
            "risk_types": st.lists(bad_code, min_size=0, max_size=2),
            "team_id": st.sampled_from([None, world.south, 999, -1]),
            "pre_concern_discussed": st.sampled_from([None, "yes", 1]),
            "pre_concern_with": bad_code,
            "pre_concern_view": bad_code,
            "person": st.builds(
                enq.PersonDetails,
                case_reference=st.sampled_from(["", " ", "has space", "x" * 41, "\x00ab"]),
            ),
        },
    ).map(
        lambda data: (
            "start_enquiry",
            data,
            lambda engine, actor: enq.start_enquiry(engine, actor, data, today=TODAY),
        )
    )

    new_outcome = _corrupt(
        out.NewOutcome("something_else", "Words", "person", D(2026, 9, 5)),
        {
            "category": bad_code | st.none(),
            "own_words": bad_required_text | st.none(),
            "expressed_by": bad_code | st.none(),
            "expressed_on": bad_date | st.none(),
        },
    )
    add = st.lists(new_outcome, min_size=1, max_size=2).map(
        lambda items: (
            "add_outcomes",
            items,
            lambda engine, actor: out.add_outcomes(
                engine,
                actor,
                open_view.public_id,
                items,
                expected_version=open_view.version,
                today=TODAY,
            ),
        )
    )

    change = _corrupt(
        out.OutcomeChange(outcome_id, "reworded", own_words="New words", note="Because"),
        {
            "outcome_id": st.sampled_from([0, 999999, -5]),
            "kind": bad_code,
            "own_words": bad_required_text | st.none(),
            "note": bad_required_text | st.none(),
        },
    ).map(
        lambda ch: (
            "change_outcome",
            ch,
            lambda engine, actor: out.change_outcome(
                engine,
                actor,
                open_view.public_id,
                ch,
                effective_on=D(2026, 9, 10),
                expected_version=open_view.version,
                today=TODAY,
            ),
        )
    )

    conversation = _corrupt(
        conv.NewConversation(
            held_on=D(2026, 9, 9),
            with_person=True,
            method="phone",
            stage="during",
            summary="Talked",
        ),
        {
            "held_on": bad_date | st.none(),
            "with_person": st.sampled_from([None, "no", 0]),
            "representative_kind": bad_code,
            "method": bad_code | st.none(),
            "stage": bad_code | st.none() | st.just("after"),
            "summary": bad_required_text | st.none(),
            "outcome_ids": st.lists(st.integers(100000, 100010), min_size=1, max_size=2),
            "new_outcomes": st.lists(new_outcome, min_size=1, max_size=1),
        },
    ).map(
        lambda data: (
            "log_conversation",
            data,
            lambda engine, actor: conv.log_conversation(
                engine,
                actor,
                open_view.public_id,
                data,
                expected_version=open_view.version,
                today=TODAY,
            ),
        )
    )

    capacity = _corrupt(
        enq.CapacityAdvocacy(
            capacity_considered=True,
            capacity_decision="Taking part",
            capacity_assessed_on=D(2026, 9, 4),
            capacity_result="has_capacity",
            capacity_assessed_by="Alex",
        ),
        {
            "capacity_decision": bad_required_text | st.none(),
            "capacity_assessed_on": bad_date | st.none(),
            "capacity_result": bad_code | st.none(),
            "substantial_difficulty": st.sampled_from(["yes", 1]),
            "advocacy_referred_on": bad_date,
            "advocate_kind": bad_code,
            "representative_kind": bad_code,
        },
    ).map(
        lambda data: (
            "capacity",
            data,
            lambda engine, actor: enq.record_capacity_advocacy(
                engine,
                actor,
                open_view.public_id,
                data,
                expected_version=open_view.version,
                today=TODAY,
            ),
        )
    )

    conclude = _corrupt(
        enq.Conclusion(
            concluded_on=D(2026, 10, 10),
            ratings={outcome_id: enq.OutcomeRating("fully")},
            msp_achieved="fully",
            risk_assessment_outcome="none_no_action",
            lacked_capacity="no",
        ),
        {
            "concluded_on": bad_date | st.none(),
            "ratings": st.sampled_from(
                [
                    {},
                    {outcome_id: enq.OutcomeRating(None)},
                    {outcome_id: enq.OutcomeRating("great")},
                    {999: enq.OutcomeRating("fully")},
                ]
            ),
            "msp_achieved": bad_code | st.none(),
            "risk_assessment_outcome": bad_code | st.none(),
            "lacked_capacity": bad_code | st.none(),
            "risk_outcome": st.sampled_from(["reduced", "x"]),
        },
    ).map(
        lambda data: (
            "conclude",
            data,
            lambda engine, actor: enq.conclude_enquiry(
                engine,
                actor,
                open_view.public_id,
                data,
                expected_version=open_view.version,
                today=TODAY,
            ),
        )
    )

    feedback = _corrupt(
        questions_answer,
        {
            "respondent": bad_code | st.none(),
            "asked_by": bad_code | st.none(),
            "method": bad_code | st.none(),
            "given_on": bad_date | st.none() | st.just(D(2026, 9, 30)),
            "declined": st.sampled_from(["no", None]),
            "comments": st.just("x" * 6000),
        },
    ).map(
        lambda data: (
            "feedback",
            data,
            lambda engine, actor: fb.record_feedback(
                engine,
                actor,
                done_view.public_id,
                data,
                expected_version=done_view.version,
                today=TODAY,
            ),
        )
    )

    asked = bad_code.map(
        lambda code: (
            "msp_asked",
            code,
            lambda engine, actor: out.record_msp_asked(
                engine, actor, open_view.public_id, code, expected_version=open_view.version
            ),
        )
    )

    return st.one_of(start, add, change, conversation, capacity, conclude, feedback, asked)


def test_a_thousand_bad_inputs_are_refused_and_change_nothing(scene):
    engine, world, open_view, done_view = scene
    before = snapshot(engine)
    seen: dict[str, int] = {}

    @settings(
        max_examples=1000,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_calls(world, open_view, done_view))
    def check(described_call):
        name, data, call = described_call
        note(f"{name}: {data!r}")
        seen[name] = seen.get(name, 0) + 1
        with pytest.raises(ValidationError) as err:
            call(engine, world.alex)
        assert err.value.problems and all(
            isinstance(m, str) and m.strip() for m in err.value.problems.values()
        )
        assert snapshot(engine) == before

    check()
    assert sum(seen.values()) >= 1000
    assert len(seen) == 8, seen
