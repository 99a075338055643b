"""A small world of teams and staff, and builders for the journey services' inputs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import AuditEvent, Base, Team, User
from msp import auth
from msp.auth import CurrentUser
from msp.enquiries import NewEnquiry, PersonDetails

TODAY = dt.date(2026, 11, 26)


@dataclass
class World:
    north: int
    south: int
    alex: CurrentUser  # practitioner, North
    bea: CurrentUser  # practitioner, South
    sam: CurrentUser  # supervisor, North and South
    ada: CurrentUser  # administrator
    cal: CurrentUser  # commissioner


def make_world(engine) -> World:
    with unit_of_work(engine) as session:
        north, south = Team(name="North"), Team(name="South")
        people = [
            User(username="alex", display_name="Alex North", role="practitioner", teams=[north]),
            User(username="bea", display_name="Bea South", role="practitioner", teams=[south]),
            User(username="sam", display_name="Sam Sup", role="supervisor", teams=[north, south]),
            User(username="ada", display_name="Ada Admin", role="administrator"),
            User(username="cal", display_name="Cal Commissioner", role="commissioner"),
        ]
        session.add_all([north, south, *people])
        session.flush()
        ids = [u.id for u in people]
        team_ids = (north.id, south.id)
    loaded = [auth.load_user(engine, i) for i in ids]
    return World(team_ids[0], team_ids[1], *loaded)


def new_enquiry(world: World, **overrides) -> NewEnquiry:
    values = dict(
        person=PersonDetails(
            case_reference="CS-1001",
            preferred_name="Mrs B",
            age_band="75-84",
            gender="female",
            ethnicity="white",
            primary_support_reason="physical",
        ),
        team_id=world.north,
        worker_id=world.alex.id,
        enquiry_type="s42",
        concern_received_on=dt.date(2026, 9, 1),
        decision_on=dt.date(2026, 9, 2),
        started_on=dt.date(2026, 9, 3),
        risk_types=["financial", "psychological"],
        location_of_risk="own_home",
        source_of_risk="known",
        pre_concern_discussed=True,
        pre_concern_with="person",
        pre_concern_view="agreed",
    )
    values.update(overrides)
    return NewEnquiry(**values)


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: to prove a refused write changed nothing."""
    out = {}
    with engine.connect() as conn:
        for name, table in Base.metadata.tables.items():
            rows = conn.execute(sa.select(table)).all()
            out[name] = sorted(tuple(map(repr, r)) for r in rows)
    return out


def audit_count(engine) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(sa.select(sa.func.count(AuditEvent.id)))


def last_audit(engine) -> AuditEvent:
    with unit_of_work(engine) as session:
        event = session.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        session.expunge(event)
        return event
