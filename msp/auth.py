"""Local accounts: argon2 password hashes, sign-in and the signed-in user.

A signed-in user is a plain `CurrentUser` value; pages keep only its id between reruns and
reload it with `load_user` on every run, so deactivation or a team move takes effect at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload

from db.engine import unit_of_work
from db.models import AuditEvent, Team, User
from msp import audit, vocab
from msp.errors import SignInLocked

MIN_PASSWORD_LENGTH = 12
MAX_FAILED_SIGN_INS = 5
LOCK_OUT = dt.timedelta(minutes=15)
LOCKED_MESSAGE = (
    "There have been too many attempts to sign in with this username. Wait 15 minutes, "
    "then try again, or ask your administrator to reset your password."
)
# Refused whatever their length: the most common choices of people told "at least 12".
COMMON_PASSWORDS = frozenset(
    {
        "password1234",
        "password12345",
        "password123456",
        "123456789012",
        "1234567890123",
        "qwertyuiop12",
        "qwertyuiopas",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "changeme1234",
        "administrator",
        "safeguarding",
        "safeguarding1",
        "safeguarding123",
        "passwordpassword",
        "aaaaaaaaaaaa",
        "abcdefghijkl",
        "abc123abc123",
        "football1234",
        "monkey123456",
        "sunshine1234",
        "princess1234",
        "trustno1trustno1",
        "correcthorsebatterystaple",
    }
)

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    role: str
    team_ids: tuple[int, ...]
    team_names: tuple[str, ...]

    @property
    def role_label(self) -> str:
        return vocab.ROLES.label(self.role)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        _hasher_verify_dummy(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _hasher_verify_dummy(password: str) -> None:
    with contextlib.suppress(VerificationError):
        _hasher.verify(_DUMMY_HASH, password)


def password_problem(password: str) -> str | None:
    """What is wrong with a new password, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Enter a password of at least {MIN_PASSWORD_LENGTH} characters"
    if password.strip().lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "Choose a password that is harder to guess"
    return None


def _to_current(user: User) -> CurrentUser:
    teams = sorted(user.teams, key=lambda t: t.name)
    return CurrentUser(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        team_ids=tuple(t.id for t in teams),
        team_names=tuple(t.name for t in teams),
    )


def load_user(engine: Engine, user_id: int) -> CurrentUser | None:
    """The active user with this id, or None (unknown or deactivated)."""
    with unit_of_work(engine) as session:
        user = session.scalar(
            sa.select(User)
            .options(selectinload(User.teams))
            .where(User.id == user_id, User.is_active.is_(True))
        )
        return _to_current(user) if user else None


def _recent_failures(session, username: str, now: dt.datetime) -> int:
    """Failed sign-ins for `username` in the lock-out period since its last success."""
    since = now - LOCK_OUT
    last_success = session.scalar(
        sa.select(sa.func.max(AuditEvent.occurred_at)).where(
            AuditEvent.username == username,
            AuditEvent.action == "sign_in",
            AuditEvent.occurred_at >= since,
        )
    )
    if last_success is not None:
        since = last_success
    return session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.username == username,
            AuditEvent.action == "sign_in_failed",
            AuditEvent.occurred_at > since,
        )
    )


def authenticate(
    engine: Engine, username: str, password: str, *, now: dt.datetime | None = None
) -> CurrentUser | None:
    """The user when the username and password match an active account, else None.
    Both outcomes are audited; neither says which of the two was wrong. After
    MAX_FAILED_SIGN_INS failures in LOCK_OUT, raises SignInLocked for that username, whether
    or not it exists (so the message reveals nothing)."""
    username = username.strip()[:80]
    now = now or dt.datetime.now(dt.UTC)
    with unit_of_work(engine) as session:
        if username and _recent_failures(session, username, now) >= MAX_FAILED_SIGN_INS:
            locked = True
        else:
            locked = False
        user = session.scalar(
            sa.select(User).options(selectinload(User.teams)).where(User.username == username)
        )
        ok = verify_password(user.password_hash if user else None, password)
        if not locked and ok and user is not None and user.is_active:
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            audit.record(
                session,
                actor_id=user.id,
                actor_username=user.username,
                action="sign_in",
                record_type="user",
                record_id=user.id,
                occurred_at=now,
            )
            return _to_current(user)
        audit.record(
            session,
            actor_id=user.id if user else None,
            actor_username=username or None,
            action="sign_in_locked" if locked else "sign_in_failed",
            record_type="user" if user else None,
            record_id=user.id if user else None,
            occurred_at=now,
        )
    if locked:
        raise SignInLocked(LOCKED_MESSAGE)
    return None


def user_for_email(engine: Engine, email: str) -> CurrentUser | None:
    """The active user whose email matches (for single sign-on), or None."""
    email = (email or "").strip().lower()
    if not email:
        return None
    with unit_of_work(engine) as session:
        user = session.scalar(
            sa.select(User)
            .options(selectinload(User.teams))
            .where(sa.func.lower(User.email) == email, User.is_active.is_(True))
        )
        return _to_current(user) if user else None


def record_sign_out(engine: Engine, user: CurrentUser) -> None:
    with unit_of_work(engine) as session:
        audit.record(
            session,
            actor_id=user.id,
            actor_username=user.username,
            action="sign_out",
            record_type="user",
            record_id=user.id,
        )


SSO_METHOD = "sso"  # how a single sign-on is marked in the audit trail


def record_sso_sign_in(engine: Engine, user: CurrentUser) -> None:
    """A sign-in through the council's identity provider, matched to an active account."""
    with unit_of_work(engine) as session:
        audit.record(
            session,
            actor_id=user.id,
            actor_username=user.username,
            action="sign_in",
            record_type="user",
            record_id=user.id,
            details={"method": SSO_METHOD},
        )


def record_sso_refusal(engine: Engine, email: str) -> None:
    """A provider sign-in that matches no active account, with the email it gave (as a
    refused password sign-in keeps the username typed)."""
    with unit_of_work(engine) as session:
        audit.record(
            session,
            actor_id=None,
            actor_username=email[:80] or None,
            action="sign_in_failed",
            details={"method": SSO_METHOD, "reason": "no_active_account"},
        )


def has_any_user(engine: Engine) -> bool:
    with unit_of_work(engine) as session:
        return session.scalar(sa.select(sa.exists().where(User.id.is_not(None)))) or False


def team_names(engine: Engine) -> list[str]:
    with unit_of_work(engine) as session:
        return list(session.scalars(sa.select(Team.name).order_by(Team.name)))
