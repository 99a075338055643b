"""Managing accounts: adding users (the first administrator, the `msp users` command) and
listing them. Every write is validated in full before anything is written, and audited."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from db.engine import unit_of_work
from db.models import Team, User
from msp import audit, vocab
from msp.auth import CurrentUser, _to_current, hash_password, password_problem
from msp.errors import NotAllowed, ValidationError

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
TEAM_NAME_MAX = 120


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    teams: tuple[str, ...]
    is_active: bool
    email: str | None

    @property
    def role_label(self) -> str:
        return vocab.ROLES.label(self.role)


def _validate_new_user(
    session: Session,
    username: str,
    display_name: str,
    role: str,
    team_names: list[str],
    password: str | None,
    email: str | None,
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not USERNAME_PATTERN.match(username):
        problems["username"] = (
            "Enter a username of 2 to 80 characters: lower-case letters, digits, dots, "
            "hyphens or underscores, starting with a letter or digit"
        )
    elif session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        problems["username"] = f"The username {username} is already taken"
    if not display_name.strip():
        problems["display_name"] = "Enter the name to show for this user"
    elif len(display_name.strip()) > 120:
        problems["display_name"] = "Enter a name of 120 characters or fewer"
    if role not in vocab.ROLES:
        problems["role"] = "Choose a role: " + ", ".join(vocab.ROLES.codes)
    else:
        if role == "practitioner" and len(team_names) != 1:
            problems["teams"] = "A practitioner belongs to exactly one team"
        elif role == "supervisor" and not team_names:
            problems["teams"] = "Choose at least one team for a supervisor"
        elif role == "commissioner" and team_names:
            problems["teams"] = "A commissioner sees all teams' published figures and has no team"
    for name in team_names:
        if not name.strip() or len(name.strip()) > TEAM_NAME_MAX:
            problems["teams"] = f"Enter team names of 1 to {TEAM_NAME_MAX} characters"
    if password is not None:
        problem = password_problem(password)
        if problem:
            problems["password"] = problem
    if email:
        if "@" not in email or len(email) > 254:
            problems["email"] = "Enter an email address like name@council.gov.uk"
        elif session.scalar(sa.select(User.id).where(User.email == email.lower())) is not None:
            problems["email"] = "Another user already has this email address"
    return problems


def add_user(
    engine: Engine,
    *,
    actor: CurrentUser | None,
    username: str,
    display_name: str,
    role: str,
    team_names: list[str] | None = None,
    password: str | None = None,
    email: str | None = None,
    create_missing_teams: bool = False,
) -> tuple[CurrentUser, list[str]]:
    """Create an active user; returns the user and the names of any teams created.

    `actor` None means the command line run by the server's operator. Teams that do not
    exist are refused unless `create_missing_teams`."""
    if actor is not None and actor.role != "administrator":
        raise NotAllowed("Only an administrator can add users")
    username = username.strip().lower()
    team_names = [t.strip() for t in (team_names or [])]
    email = email.strip().lower() if email else None
    with unit_of_work(engine) as session:
        problems = _validate_new_user(
            session, username, display_name, role, team_names, password, email
        )
        existing = {
            t.name: t for t in session.scalars(sa.select(Team).where(Team.name.in_(team_names)))
        }
        missing = [t for t in dict.fromkeys(team_names) if t not in existing]
        if missing and not create_missing_teams and "teams" not in problems:
            problems["teams"] = "No team called " + ", ".join(missing)
        if problems:
            raise ValidationError(problems)
        actor_id = actor.id if actor else None
        actor_name = actor.username if actor else "command line"
        for name in missing:
            team = Team(name=name)
            session.add(team)
            session.flush()
            existing[name] = team
            audit.record(
                session,
                actor_id=actor_id,
                actor_username=actor_name,
                action="team_created",
                record_type="team",
                record_id=team.id,
                team_id=team.id,
            )
        user = User(
            username=username,
            display_name=display_name.strip(),
            role=role,
            email=email,
            password_hash=hash_password(password) if password else None,
            is_active=True,
            teams=[existing[n] for n in dict.fromkeys(team_names)],
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            actor_id=actor_id,
            actor_username=actor_name,
            action="user_created",
            record_type="user",
            record_id=user.id,
            details={"role": role, "teams": sorted(existing[n].id for n in team_names)},
        )
        return _to_current(user), missing


def create_first_administrator(
    engine: Engine, *, username: str, display_name: str, password: str
) -> CurrentUser:
    """The first account of a new installation. Refused once any user exists."""
    with unit_of_work(engine) as session:
        if session.scalar(sa.select(sa.func.count(User.id))):
            raise NotAllowed("An administrator already exists: sign in instead")
    user, _ = add_user(
        engine,
        actor=None,
        username=username,
        display_name=display_name,
        role="administrator",
        password=password,
    )
    return user


def list_users(engine: Engine) -> list[UserRow]:
    with unit_of_work(engine) as session:
        users = session.scalars(
            sa.select(User).options(selectinload(User.teams)).order_by(User.username)
        )
        return [
            UserRow(
                id=u.id,
                username=u.username,
                display_name=u.display_name,
                role=u.role,
                teams=tuple(sorted(t.name for t in u.teams)),
                is_active=u.is_active,
                email=u.email,
            )
            for u in users
        ]


# --- Administration (administrators only) ---------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    members: int


def list_teams(engine: Engine) -> list[TeamRow]:
    from db.models import team_memberships

    with unit_of_work(engine) as session:
        rows = session.execute(
            sa.select(Team.id, Team.name, sa.func.count(team_memberships.c.user_id))
            .outerjoin(team_memberships, team_memberships.c.team_id == Team.id)
            .group_by(Team.id, Team.name)
            .order_by(Team.name)
        ).all()
        return [TeamRow(r[0], r[1], r[2]) for r in rows]


def _admin_audit(
    session: Session,
    actor: CurrentUser,
    action: str,
    record_type: str,
    record_id: int,
    details: dict | None = None,
) -> None:
    audit.record(
        session,
        actor_id=actor.id,
        actor_username=actor.username,
        action=action,
        record_type=record_type,
        record_id=record_id,
        details=details,
    )


def _check_team_name(session: Session, name: str, *, except_id: int | None = None) -> dict:
    name = (name or "").strip()
    if not name or len(name) > TEAM_NAME_MAX:
        return {"name": f"Enter a team name of 1 to {TEAM_NAME_MAX} characters"}
    clash = session.scalar(sa.select(Team.id).where(sa.func.lower(Team.name) == name.lower()))
    if clash is not None and clash != except_id:
        return {"name": f"There is already a team called {name}"}
    return {}


def create_team(engine: Engine, actor: CurrentUser, name: str) -> int:
    if actor.role != "administrator":
        raise NotAllowed("Only an administrator can create teams")
    with unit_of_work(engine) as session:
        problems = _check_team_name(session, name)
        if problems:
            raise ValidationError(problems)
        team = Team(name=name.strip())
        session.add(team)
        session.flush()
        _admin_audit(session, actor, "team_created", "team", team.id)
        return team.id


def rename_team(engine: Engine, actor: CurrentUser, team_id: int, name: str) -> None:
    if actor.role != "administrator":
        raise NotAllowed("Only an administrator can rename teams")
    with unit_of_work(engine) as session:
        team = session.get(Team, team_id)
        if team is None:
            raise ValidationError({"team": "Choose a team"})
        problems = _check_team_name(session, name, except_id=team_id)
        if problems:
            raise ValidationError(problems)
        if team.name == name.strip():
            raise ValidationError({"name": "Enter the new name: it is the same as before"})
        team.name = name.strip()
        _admin_audit(session, actor, "team_renamed", "team", team.id, {"name": "changed"})


def _active_admins(session: Session) -> int:
    return session.scalar(
        sa.select(sa.func.count(User.id)).where(
            User.role == "administrator", User.is_active.is_(True)
        )
    )


def update_user(
    engine: Engine,
    actor: CurrentUser,
    user_id: int,
    *,
    display_name: str,
    role: str,
    team_names: list[str],
    email: str | None,
    is_active: bool,
) -> None:
    """Edit an account. Nobody is ever deleted: deactivate instead, so their history stays
    attributed. An administrator cannot remove their own administrator role, and the last
    active administrator cannot be deactivated or demoted."""
    if actor.role != "administrator":
        raise NotAllowed("Only an administrator can change users")
    team_names = [t.strip() for t in team_names]
    email = email.strip().lower() if email else None
    with unit_of_work(engine) as session:
        user = session.scalar(
            sa.select(User).options(selectinload(User.teams)).where(User.id == user_id)
        )
        if user is None:
            raise ValidationError({"user": "Choose a user"})
        problems = _validate_new_user(
            session,
            user.username,
            display_name,
            role,
            team_names,
            None,
            email if email != user.email else None,
        )
        problems.pop("username", None)  # the username itself does not change
        teams = {
            t.name: t for t in session.scalars(sa.select(Team).where(Team.name.in_(team_names)))
        }
        missing = [t for t in team_names if t not in teams]
        if missing and "teams" not in problems:
            problems["teams"] = "No team called " + ", ".join(missing)
        if not isinstance(is_active, bool):
            problems["is_active"] = "Choose whether the account is active"
        losing_admin = (
            user.role == "administrator"
            and user.is_active
            and (role != "administrator" or not is_active)
        )
        if losing_admin and user.id == actor.id:
            problems["role" if role != "administrator" else "is_active"] = (
                "You cannot remove your own administrator access: ask another administrator"
            )
        elif losing_admin and _active_admins(session) <= 1:
            problems["role" if role != "administrator" else "is_active"] = (
                "This is the last active administrator: make someone else an administrator first"
            )
        if problems:
            raise ValidationError(problems)
        before = {
            "display_name": user.display_name,
            "role": user.role,
            "email": user.email,
            "is_active": user.is_active,
            "teams": sorted(t.id for t in user.teams),
        }
        user.display_name = display_name.strip()
        user.role = role
        user.email = email
        user.is_active = is_active
        user.teams = [teams[n] for n in dict.fromkeys(team_names)]
        after = {
            "display_name": user.display_name,
            "role": role,
            "email": email,
            "is_active": is_active,
            "teams": sorted(t.id for t in user.teams),
        }
        changed = {
            k: ([before[k], after[k]] if k in {"role", "is_active", "teams"} else "changed")
            for k in after
            if before[k] != after[k]
        }
        if not changed:
            raise ValidationError({"user": "Nothing was changed"})
        _admin_audit(session, actor, "user_updated", "user", user.id, {"changed": changed})


def reset_password(engine: Engine, actor: CurrentUser, user_id: int, new_password: str) -> None:
    if actor.role != "administrator":
        raise NotAllowed("Only an administrator can reset passwords")
    problem = password_problem(new_password or "")
    if problem:
        raise ValidationError({"password": problem})
    with unit_of_work(engine) as session:
        user = session.get(User, user_id)
        if user is None:
            raise ValidationError({"user": "Choose a user"})
        user.password_hash = hash_password(new_password)
        _admin_audit(session, actor, "password_reset", "user", user.id)
