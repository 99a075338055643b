"""AppTest fixtures: the app pointed at a test's own database, and a few accounts.

Streamlit's caches are process-wide, so each test clears them (and the engines) when it
ends: the next test's database must never meet this test's cached engine or migration.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from db.engine import dispose_engines, get_engine, unit_of_work
from db.models import AuditEvent, Enquiry, Person, Setting, Team, User
from msp import auth
from msp.auth import CurrentUser
from msp.periods import financial_year, fy_quarter, month_key
from msp.users import add_user

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "streamlit_app.py"
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))
PASSWORD = "correct horse battery"
TIMEOUT = 30


def app() -> AppTest:
    return AppTest.from_file(str(ENTRYPOINT), default_timeout=TIMEOUT)


def page_app(page: Path) -> AppTest:
    return AppTest.from_file(str(page), default_timeout=TIMEOUT)


def _reset_streamlit() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()
    dispose_engines()


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Screens do not need production-strength hashing: argon2 with its defaults takes a
    few tenths of a second per account, which would dominate these tests. (The hashing
    itself is tested in tests/unit.)"""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def app_url(sqlite_url, monkeypatch):
    """The URL of a fresh migrated SQLite database that the app under test will use."""
    monkeypatch.setenv("MSP_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("MSP_DEMO", raising=False)
    _reset_streamlit()
    yield sqlite_url
    _reset_streamlit()


@pytest.fixture
def engine(app_url):
    return get_engine(app_url)


_numbers = itertools.count(1)


def add(
    engine,
    role: str,
    teams: list[str] | None = None,
    *,
    username: str | None = None,
    display_name: str | None = None,
) -> CurrentUser:
    n = next(_numbers)
    user, _ = add_user(
        engine,
        actor=None,
        username=username or f"{role}{n}",
        display_name=display_name or f"{role.title()} {n}",
        role=role,
        team_names=teams or [],
        password=PASSWORD,
        create_missing_teams=True,
    )
    return user


@pytest.fixture
def people(engine) -> dict[str, CurrentUser]:
    """One account per role: a practitioner in North, a supervisor of North and South."""
    return {
        "practitioner": add(engine, "practitioner", ["North"]),
        "supervisor": add(engine, "supervisor", ["North", "South"]),
        "administrator": add(engine, "administrator"),
        "commissioner": add(engine, "commissioner"),
    }


def signed_in(user: CurrentUser) -> AppTest:
    """The app, run once with `user` signed in (as the sign-in form would leave it)."""
    at = app()
    at.session_state["user_id"] = user.id
    return at.run()


def make_demo_database(engine) -> None:
    """What makes a database a demo database, without running the generator."""
    with unit_of_work(engine) as session:
        session.add(Setting(key="demo_database", value={"synthetic": True}))
    add(engine, "practitioner", ["Demo North"], display_name="Priya Practitioner")
    add(engine, "supervisor", ["Demo North"], display_name="Sam Supervisor")
    add(engine, "administrator", display_name="Ada Administrator")
    add(engine, "commissioner", display_name="Cole Commissioner")


def add_enquiry(
    engine,
    *,
    team: str,
    worker: CurrentUser | None = None,
    concluded_on: dt.date | None = None,
    enquiry_type: str = "s42",
    deleted: bool = False,
    started_on: dt.date = dt.date(2024, 4, 2),
) -> None:
    with unit_of_work(engine) as session:
        team_id = session.scalar(sa.select(Team.id).where(Team.name == team))
        person = Person(case_reference=f"REF-{next(_numbers):06d}")
        session.add(
            Enquiry(
                person=person,
                team_id=team_id,
                worker_id=worker.id if worker else None,
                enquiry_type=enquiry_type,
                status="concluded" if concluded_on else "open",
                concern_received_on=started_on,
                started_on=started_on,
                concluded_on=concluded_on,
                concluded_fy=financial_year(concluded_on) if concluded_on else None,
                concluded_quarter=fy_quarter(concluded_on) if concluded_on else None,
                concluded_month=month_key(concluded_on) if concluded_on else None,
                is_deleted=deleted,
            )
        )


def audit_actions(engine) -> list[str]:
    with unit_of_work(engine) as session:
        return list(session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def user_count(engine) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(sa.select(sa.func.count()).select_from(User))


def texts(at: AppTest) -> str:
    """Everything the run showed as text, in one string (to look for words)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text"):
        parts += [str(el.value) for el in at.get(kind)]
    for kind in ("error", "warning", "info", "success"):
        parts += [str(el.value) for el in at.get(kind)]
    parts += [el.label for el in at.metric]
    parts += [el.label for el in at.button]
    return "\n".join(parts)


def sidebar_lines(at: AppTest) -> list[str]:
    """The sidebar's Markdown, one entry per line."""
    return [line for m in at.sidebar.markdown for line in m.value.split("  \n")]


def registered_scripts(at: AppTest) -> set[Path]:
    """The page files the last run's `st.navigation` offered (AppTest keeps the registry
    privately; Streamlit is pinned, so this is stable for this version)."""
    return {
        Path(info["script_path"]).resolve()
        for info in at._registered_pages.values()
        if info.get("script_path")
    }
