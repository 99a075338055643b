"""The figures on the home page, counted by the database for the signed-in user's role.

Practitioners and supervisors see counts for their own teams. Administrators see accounts,
not cases. Commissioners see only figures across all teams, published under the national
small-number rule (`published_count`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from db.engine import unit_of_work
from db.models import Enquiry, Team, User
from msp import access, vocab
from msp.auth import CurrentUser
from msp.disclosure import suppress_count
from msp.metrics.filters import year_conditions
from msp.periods import ReportingYear
from msp.settings import reporting_year


def published_count(count: int | None) -> str:
    """A count as it may be shown outside the team: the national rule of msp.disclosure,
    formatted for the page ("[c]" for 0-4, others rounded to the nearest 5, "[x]" if missing)."""
    shown = suppress_count(count)
    return shown if isinstance(shown, str) else f"{shown:,}"


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


@dataclass(frozen=True)
class TeamCounts:
    team: str
    open: int
    unallocated: int
    concluded_this_year: int


@dataclass(frozen=True)
class HomeSummary:
    year_label: str  # this reporting year, e.g. "2025-26"
    year_runs: str  # when it runs, e.g. "1 April 2025 to 31 March 2026"
    figures: tuple[Figure, ...]
    teams: tuple[TeamCounts, ...] = ()


def _live() -> sa.ColumnElement[bool]:
    return Enquiry.is_deleted == sa.false()


def _concluded_in(reporting: ReportingYear, year: int) -> sa.ColumnElement[bool]:
    return sa.and_(*year_conditions(Enquiry.__table__, reporting, year))


def team_counts(
    engine: Engine, team_ids: tuple[int, ...], reporting: ReportingYear, year: int
) -> list[TeamCounts]:
    """Open, unallocated open and concluded-in-`year` enquiries per team (teams with none
    included), in team-name order."""
    if not team_ids:
        return []
    is_open = Enquiry.status == "open"
    stmt = (
        sa.select(
            Team.name,
            sa.func.count(sa.case((is_open, 1))),
            sa.func.count(sa.case((sa.and_(is_open, Enquiry.worker_id.is_(None)), 1))),
            sa.func.count(sa.case((_concluded_in(reporting, year), 1))),
        )
        .select_from(Team)
        .outerjoin(Enquiry, sa.and_(Enquiry.team_id == Team.id, _live()))
        .where(Team.id.in_(team_ids))
        .group_by(Team.id, Team.name)
        .order_by(Team.name)
    )
    with unit_of_work(engine) as session:
        return [TeamCounts(*row) for row in session.execute(stmt)]


def open_allocated_to(engine: Engine, user_id: int) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(Enquiry)
        .where(Enquiry.worker_id == user_id, Enquiry.status == "open", _live())
    )
    with unit_of_work(engine) as session:
        return session.scalar(stmt) or 0


def concluded_by_type(engine: Engine, reporting: ReportingYear, year: int) -> dict[str, int]:
    """Enquiries concluded in the reporting `year` across all teams, by enquiry type code."""
    stmt = (
        sa.select(Enquiry.enquiry_type, sa.func.count())
        .where(_concluded_in(reporting, year), _live())
        .group_by(Enquiry.enquiry_type)
    )
    with unit_of_work(engine) as session:
        return {code: n for code, n in session.execute(stmt)}


def active_users_by_role(engine: Engine) -> dict[str, int]:
    stmt = (
        sa.select(User.role, sa.func.count()).where(User.is_active == sa.true()).group_by(User.role)
    )
    with unit_of_work(engine) as session:
        return {role: n for role, n in session.execute(stmt)}


def team_count(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Team)) or 0


def _n(count: int) -> str:
    return f"{count:,}"


def home_summary(engine: Engine, user: CurrentUser, today: dt.date) -> HomeSummary:
    """The figures for `user`'s home page, with "this reporting year" (the council's
    setting: the financial year unless changed) taken from `today`."""
    reporting = reporting_year(engine)
    year = reporting.year_of(today)
    label = reporting.label(year)
    runs = reporting.span(year)
    case_teams = tuple(sorted(access.case_team_ids(user)))
    if user.role == "practitioner":
        rows = team_counts(engine, case_teams, reporting, year)
        return HomeSummary(
            year_label=label,
            year_runs=runs,
            figures=(
                Figure("Open, allocated to you", _n(open_allocated_to(engine, user.id))),
                Figure("Open in your team", _n(sum(r.open for r in rows))),
                Figure(f"Concluded in {label}", _n(sum(r.concluded_this_year for r in rows))),
            ),
        )
    if user.role == "supervisor":
        rows = team_counts(engine, case_teams, reporting, year)
        return HomeSummary(
            year_label=label,
            year_runs=runs,
            figures=(
                Figure("Open in your teams", _n(sum(r.open for r in rows))),
                Figure("Open, no worker allocated", _n(sum(r.unallocated for r in rows))),
                Figure(f"Concluded in {label}", _n(sum(r.concluded_this_year for r in rows))),
            ),
            teams=tuple(rows),
        )
    if user.role == "administrator":
        by_role = active_users_by_role(engine)
        figures = [
            Figure(f"Active {term.label.lower()}s", _n(by_role.get(term.code, 0)))
            for term in vocab.ROLES
        ]
        figures.append(Figure("Teams", _n(team_count(engine))))
        return HomeSummary(year_label=label, year_runs=runs, figures=tuple(figures))
    if user.role == "commissioner":
        by_type = concluded_by_type(engine, reporting, year)
        figures = [Figure(f"Concluded in {label}", published_count(sum(by_type.values())))]
        figures += [
            Figure(f"Of which {term.label}", published_count(by_type.get(term.code, 0)))
            for term in vocab.ENQUIRY_TYPES
        ]
        return HomeSummary(year_label=label, year_runs=runs, figures=tuple(figures))
    raise ValueError(f"unknown role {user.role!r}")
