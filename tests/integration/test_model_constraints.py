"""The database itself refuses what the model forbids, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.models import (
    AuditEvent,
    Conversation,
    DesiredOutcome,
    Enquiry,
    EnquiryRiskType,
    OutcomeVersion,
)
from tests.integration import factories as f

D = dt.date


def _fails(engine, build, error=IntegrityError):
    with pytest.raises(error), Session(engine) as session, session.begin():
        build(session)


def test_a_valid_enquiry_with_history_saves(engine):
    with Session(engine) as session, session.begin():
        team = f.team(session)
        e = f.enquiry(
            session,
            team=team,
            status="concluded",
            concluded_on=D(2026, 6, 1),
            concluded_fy=2026,
            concluded_quarter=1,
            concluded_month=202606,
            msp_asked="asked_expressed",
            msp_achieved="fully",
            risk_types=[
                EnquiryRiskType(risk_type="neglect"),
                EnquiryRiskType(risk_type="financial"),
            ],
        )
        outcome = DesiredOutcome(
            enquiry=e,
            position=1,
            category="abuse_stop",
            own_words="I want it to stop",
            expressed_by="person",
            expressed_on=D(2026, 5, 4),
        )
        outcome.versions.append(
            OutcomeVersion(
                version_no=1,
                reason="added",
                effective_on=D(2026, 5, 4),
                category="abuse_stop",
                own_words="I want it to stop",
                expressed_by="person",
                status="active",
            )
        )
        session.add(outcome)
        session.add(
            Conversation(
                enquiry=e,
                held_on=D(2026, 5, 4),
                with_person=True,
                method="in_person",
                stage="start",
                summary="Talked about what she wants",
                outcomes_discussed=[outcome],
            )
        )
    with Session(engine) as session:
        saved = session.scalar(sa.select(Enquiry))
        assert saved.public_id and len(saved.public_id) == 32
        assert {r.risk_type for r in saved.risk_types} == {"neglect", "financial"}
        assert saved.outcomes[0].versions[0].reason == "added"
        assert saved.conversations[0].outcomes_discussed[0].id == saved.outcomes[0].id
        assert saved.version == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("enquiry_type", "section 42"),
        ("location_of_risk", "Own Home"),
        ("msp_asked", "yes"),
        ("msp_achieved", "Fully Achieved"),
        ("risk_assessment_outcome", "unknown"),
        ("lacked_capacity", "maybe"),
        ("status", "closed"),
    ],
)
def test_codes_outside_the_vocabulary_are_refused(engine, field, value):
    _fails(engine, lambda s: f.enquiry(s, team=f.team(s), **{field: value}))


def test_unknown_risk_type_is_refused(engine):
    _fails(
        engine,
        lambda s: f.enquiry(s, team=f.team(s), risk_types=[EnquiryRiskType(risk_type="theft")]),
    )


@pytest.mark.parametrize(
    "values",
    [
        {"started_on": D(2026, 4, 30)},  # before the concern
        {"decision_on": D(2026, 4, 1)},  # decision before the concern
        {
            "status": "concluded",
            "concluded_on": D(2026, 5, 1),  # before it started
            "concluded_fy": 2026,
            "concluded_quarter": 1,
            "concluded_month": 202605,
        },
        {"status": "concluded"},  # concluded without a date
        {"concluded_on": D(2026, 6, 1)},  # a date but still open
        {
            "status": "concluded",
            "concluded_on": D(2026, 6, 1),  # reporting columns missing
        },
    ],
)
def test_impossible_dates_and_states_are_refused(engine, values):
    _fails(engine, lambda s: f.enquiry(s, team=f.team(s), **values))


def test_case_references_are_unique(engine):
    def build(session):
        f.person(session, "REF-1")
        f.person(session, "REF-1")

    _fails(engine, build)


def test_foreign_keys_are_enforced(engine):
    def build(session):
        session.execute(
            sa.insert(Enquiry).values(
                public_id="x" * 32,
                person_id=999,
                team_id=999,
                enquiry_type="s42",
                status="open",
                concern_received_on=D(2026, 5, 1),
                started_on=D(2026, 5, 1),
                capacity_considered=False,
                is_deleted=False,
                version=1,
                created_at=dt.datetime.now(dt.UTC),
                updated_at=dt.datetime.now(dt.UTC),
            )
        )

    _fails(engine, build)


def test_something_else_needs_words_and_a_conversation_needs_someone(engine):
    def empty_words(session):
        e = f.enquiry(session, team=f.team(session))
        session.add(
            DesiredOutcome(
                enquiry=e,
                position=1,
                category="something_else",
                own_words="",
                expressed_by="person",
                expressed_on=D(2026, 5, 4),
            )
        )
        session.flush()

    def nobody(session):
        e = f.enquiry(session, team=f.team(session))
        session.add(
            Conversation(
                enquiry=e,
                held_on=D(2026, 5, 4),
                with_person=False,
                method="phone",
                stage="during",
                summary="x",
            )
        )
        session.flush()

    _fails(engine, empty_words)
    _fails(engine, nobody)


def test_outcome_positions_and_versions_are_unique(engine):
    def build(session):
        e = f.enquiry(session, team=f.team(session))
        for _ in range(2):
            session.add(
                DesiredOutcome(
                    enquiry=e,
                    position=1,
                    category="friends",
                    own_words="More friends",
                    expressed_by="person",
                    expressed_on=D(2026, 5, 4),
                )
            )
        session.flush()

    _fails(engine, build)


def test_a_stale_save_of_an_enquiry_is_refused(engine):
    with Session(engine) as session, session.begin():
        enquiry_id = f.enquiry(session, team=f.team(session)).id
    first, second = Session(engine), Session(engine)
    try:
        a = first.get(Enquiry, enquiry_id)
        b = second.get(Enquiry, enquiry_id)
        a.location_of_risk = "own_home"
        first.commit()
        b.location_of_risk = "community"
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()
    with Session(engine) as session:
        saved = session.get(Enquiry, enquiry_id)
        assert saved.location_of_risk == "own_home"
        assert saved.version == 2


def test_audit_events_cannot_be_changed_or_deleted(engine):
    with Session(engine) as session, session.begin():
        session.add(AuditEvent(action="sign_in", username="someone"))
    for statement in (
        sa.update(AuditEvent).values(action="nothing"),
        sa.delete(AuditEvent),
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(statement)
    with Session(engine) as session:
        assert session.scalar(sa.select(AuditEvent.action)) == "sign_in"


def test_sqlite_connections_are_set_up_for_the_app(sqlite_url):
    from db.engine import make_engine

    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("foreign_keys") == 1
            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") > 0
            assert pragma("synchronous") == 1  # NORMAL: safe with WAL
            assert pragma("threads") == 2
    finally:
        engine.dispose()
