"""Small builders for test data, written straight through the model."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from db.models import Enquiry, Person, Team, User

_counter = itertools.count(1)


def team(session: Session, name: str | None = None) -> Team:
    t = Team(name=name or f"Team {next(_counter)}")
    session.add(t)
    session.flush()
    return t


def user(session: Session, *, role: str = "practitioner", teams: list[Team] | None = None) -> User:
    n = next(_counter)
    u = User(username=f"user{n}", display_name=f"User {n}", role=role, teams=teams or [])
    session.add(u)
    session.flush()
    return u


def person(session: Session, reference: str | None = None) -> Person:
    p = Person(case_reference=reference or f"REF-{next(_counter):06d}")
    session.add(p)
    session.flush()
    return p


def enquiry(session: Session, *, team: Team, person: Person | None = None, **values) -> Enquiry:
    defaults = {
        "enquiry_type": "s42",
        "concern_received_on": dt.date(2026, 5, 1),
        "started_on": dt.date(2026, 5, 4),
    }
    defaults.update(values)
    e = Enquiry(person=person or globals()["person"](session), team=team, **defaults)
    session.add(e)
    session.flush()
    return e
