"""Accounts: adding users, signing in, the first administrator; every write audited."""

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import AuditEvent, Team, User
from msp import auth, users
from msp.errors import NotAllowed, ValidationError

PASSWORD = "kettle-orbit-57-lantern"


def _count(engine, model):
    with unit_of_work(engine) as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def _actions(engine):
    with unit_of_work(engine) as session:
        return list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_first_administrator_then_sign_in(engine):
    assert not auth.has_any_user(engine)
    admin = users.create_first_administrator(
        engine, username="Pat.Admin", display_name="Pat Admin", password=PASSWORD
    )
    assert admin.role == "administrator" and admin.username == "pat.admin"
    assert auth.has_any_user(engine)
    with pytest.raises(NotAllowed):
        users.create_first_administrator(
            engine, username="second", display_name="Second", password=PASSWORD
        )
    signed_in = auth.authenticate(engine, " pat.admin ", PASSWORD)
    assert signed_in == admin
    assert auth.authenticate(engine, "pat.admin", PASSWORD + "x") is None
    assert auth.authenticate(engine, "nobody", PASSWORD) is None
    assert _actions(engine) == ["user_created", "sign_in", "sign_in_failed", "sign_in_failed"]
    with unit_of_work(engine) as session:
        stored = session.scalar(sa.select(User.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_adding_users_with_teams(engine):
    sup, created = users.add_user(
        engine,
        actor=None,
        username="sam",
        display_name="Sam Supervisor",
        role="supervisor",
        team_names=["North", "South"],
        password=PASSWORD,
        create_missing_teams=True,
    )
    assert created == ["North", "South"]
    assert sup.team_names == ("North", "South")
    prac, created = users.add_user(
        engine,
        actor=None,
        username="alex",
        display_name="Alex",
        role="practitioner",
        team_names=["North"],
        password=PASSWORD,
    )
    assert created == [] and prac.team_names == ("North",)
    rows = {r.username: r for r in users.list_users(engine)}
    assert rows["sam"].teams == ("North", "South") and rows["sam"].is_active
    assert _count(engine, Team) == 2
    assert _actions(engine) == ["team_created", "team_created", "user_created", "user_created"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": "a"}, "username"),
        ({"username": "has space"}, "username"),
        ({"display_name": "  "}, "display_name"),
        ({"role": "boss"}, "role"),
        ({"team_names": []}, "teams"),
        ({"team_names": ["North", "South"]}, "teams"),
        ({"team_names": ["Nowhere"]}, "teams"),
        ({"password": "short"}, "password"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_refused_users_write_nothing(engine, kwargs, field):
    users.add_user(
        engine,
        actor=None,
        username="taken",
        display_name="Taken",
        role="practitioner",
        team_names=["North"],
        password=PASSWORD,
        create_missing_teams=True,
    )
    before = (_count(engine, User), _count(engine, Team), _count(engine, AuditEvent))
    values = {
        "username": "newuser",
        "display_name": "New User",
        "role": "practitioner",
        "team_names": ["North"],
        "password": PASSWORD,
    }
    values.update(kwargs)
    with pytest.raises(ValidationError) as err:
        users.add_user(engine, actor=None, **values)
    assert field in err.value.problems
    assert (_count(engine, User), _count(engine, Team), _count(engine, AuditEvent)) == before


def test_duplicate_username_is_refused(engine):
    for expect_error in (False, True):
        call = lambda: users.add_user(  # noqa: E731
            engine,
            actor=None,
            username="same",
            display_name="Same",
            role="commissioner",
            password=PASSWORD,
        )
        if expect_error:
            with pytest.raises(ValidationError, match="already taken"):
                call()
        else:
            call()


def test_only_administrators_add_users(engine):
    prac, _ = users.add_user(
        engine,
        actor=None,
        username="prac",
        display_name="P",
        role="practitioner",
        team_names=["North"],
        password=PASSWORD,
        create_missing_teams=True,
    )
    with pytest.raises(NotAllowed):
        users.add_user(
            engine,
            actor=prac,
            username="x2",
            display_name="X",
            role="commissioner",
            password=PASSWORD,
        )


def test_deactivated_users_cannot_sign_in_or_load(engine):
    admin = users.create_first_administrator(
        engine, username="admin", display_name="Admin", password=PASSWORD
    )
    with unit_of_work(engine) as session:
        session.get(User, admin.id).is_active = False
    assert auth.authenticate(engine, "admin", PASSWORD) is None
    assert auth.load_user(engine, admin.id) is None
