"""Demo mode: the same app on a database of wholly synthetic data, with one-click sign-in.

A database is a demo database when `msp.demo.generate` filled it (it leaves a
`demo_database` setting). Demo mode refuses any other database, so one-click sign-in can
never open real cases.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from db.engine import unit_of_work
from db.models import Enquiry, Person, Setting, Team, User
from msp import audit
from msp.auth import CurrentUser, _to_current
from msp.errors import NotAllowed

DEMO_SETTING = "demo_database"
DEFAULT_DEMO_ENQUIRIES = 3000
DEFAULT_DEMO_SEED = 2026


def demo_requested() -> bool:
    """True when the app was started in demo mode (`make demo` sets MSP_DEMO=1)."""
    return os.environ.get("MSP_DEMO", "").strip().lower() in {"1", "true", "yes"}


def is_demo_database(engine: Engine) -> bool:
    with unit_of_work(engine) as session:
        return session.get(Setting, DEMO_SETTING) is not None


def is_empty(engine: Engine) -> bool:
    with unit_of_work(engine) as session:
        for model in (Team, User, Person, Enquiry):
            if session.scalar(sa.select(sa.exists().where(model.id.is_not(None)))):
                return False
        return True


def prepare_demo_database(engine: Engine) -> None:
    """Fill an empty database with synthetic data; refuse a database with real data."""
    if is_demo_database(engine):
        return
    if not is_empty(engine):
        raise NotAllowed(
            "Demo mode refuses to run on this database: it holds data that was not made by "
            "the demo generator. Point MSP_DATABASE_URL at a demo database "
            "(make demo uses data/demo.sqlite3)."
        )
    from msp.demo import generate

    generate(
        engine,
        enquiries=int(os.environ.get("MSP_DEMO_ENQUIRIES", DEFAULT_DEMO_ENQUIRIES)),
        seed=int(os.environ.get("MSP_DEMO_SEED", DEFAULT_DEMO_SEED)),
    )


def demo_accounts(engine: Engine) -> list[CurrentUser]:
    """One account per role (and per team for practitioners' and supervisors' first few)."""
    if not is_demo_database(engine):
        return []
    from sqlalchemy.orm import selectinload

    with unit_of_work(engine) as session:
        users = session.scalars(
            sa.select(User)
            .options(selectinload(User.teams))
            .where(User.is_active.is_(True))
            .order_by(User.id)
        ).all()
        chosen: dict[str, CurrentUser] = {}
        for user in users:
            chosen.setdefault(user.role, _to_current(user))
        order = ["practitioner", "supervisor", "administrator", "commissioner"]
        return [chosen[r] for r in order if r in chosen]


def demo_sign_in(engine: Engine, user_id: int) -> CurrentUser:
    """Sign in without a password: only ever on a demo database."""
    if not is_demo_database(engine):
        raise NotAllowed("One-click sign-in is only available on a demo database")
    from sqlalchemy.orm import selectinload

    with unit_of_work(engine) as session:
        user = session.scalar(
            sa.select(User)
            .options(selectinload(User.teams))
            .where(User.id == user_id, User.is_active.is_(True))
        )
        if user is None:
            raise NotAllowed("That demo account is not available")
        audit.record(
            session,
            actor_id=user.id,
            actor_username=user.username,
            action="sign_in",
            record_type="user",
            record_id=user.id,
            details={"method": "demo"},
        )
        return _to_current(user)
