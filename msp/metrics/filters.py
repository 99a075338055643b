"""What a dashboard counts (`Filters`) and whose enquiries it may count (the team scope).

Every aggregate counts **concluded** enquiries that are not soft-deleted, by the reporting
year / quarter in which they concluded, as the national return does. A filter on the stored
reporting column `concluded_fy` implies the enquiry is concluded (the model's CHECK
constraints tie `concluded_fy` to `concluded_on` and `status = 'concluded'`), so the queries
need not read `status` and stay inside the covering index `ix_enquiries_reporting`.

The reporting year is the national financial year unless the council chose another start
month (`Filters.year_start`); such a year is counted on the stored month of conclusion,
within the one or two financial years it overlaps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from db.models import EnquiryRiskType, Team
from msp import access, vocab
from msp.auth import CurrentUser
from msp.errors import NotAllowed, ValidationError
from msp.metrics.sql import enquiries as E
from msp.periods import FY_START_MONTH, ReportingYear, date_span, financial_year, month_key

TeamScope = frozenset[int] | None
"""The teams a query may count: a set of team ids, or None for every team."""


@dataclass(frozen=True)
class Filters:
    """A reporting period and optional narrowing.

    The period is either a reporting `year` (its start year: 2025 is 2025-26) with an
    optional `quarter` (1 = its first three months, e.g. April-June ... 4 = January-March),
    or a custom range of conclusion dates `date_from`..`date_to` (both inclusive). The
    reporting year starts in month `year_start` (4, April: the national financial year).
    """

    year: int | None = None
    quarter: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    team_ids: tuple[int, ...] = ()
    worker_id: int | None = None
    enquiry_type: str | None = None
    risk_type: str | None = None
    location: str | None = None
    year_start: int = FY_START_MONTH

    @property
    def reporting_year(self) -> ReportingYear:
        return ReportingYear(self.year_start)

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        try:
            year_name = self.reporting_year.name
        except ValueError:
            found["year_start"] = "Choose the month the reporting year starts in"
            year_name = "reporting year"
        has_range = self.date_from is not None or self.date_to is not None
        if self.year is None and not has_range:
            found["year"] = f"Choose a {year_name}, or enter a start and end date"
        if self.year is not None and has_range:
            found["date_from"] = f"Choose a {year_name} or enter dates, not both"
        if has_range and (self.date_from is None or self.date_to is None):
            found["date_to"] = "Enter both a start date and an end date"
        if self.date_from and self.date_to and self.date_to < self.date_from:
            found["date_to"] = "Enter an end date on or after the start date"
        if self.quarter is not None:
            if self.year is None:
                found["quarter"] = f"Choose a {year_name} for the quarter"
            elif self.quarter not in (1, 2, 3, 4):
                found["quarter"] = "Choose a quarter from 1 to 4"
        checks = (
            ("enquiry_type", self.enquiry_type, vocab.ENQUIRY_TYPES),
            ("risk_type", self.risk_type, vocab.RISK_TYPES),
            ("location", self.location, vocab.LOCATIONS),
        )
        for field, code, vocabulary in checks:
            if code is not None and code not in vocabulary:
                found[field] = f"Choose a {vocabulary.name.replace('_', ' ')} from the list"
        return found

    def validate(self) -> None:
        found = self.problems()
        if found:
            raise ValidationError(found)

    def period_label(self) -> str:
        """'2025-26', '2025-26 Q2' or '1 April 2025 to 30 June 2025'."""
        if self.year is not None:
            label = self.reporting_year.label(self.year)
            return f"{label} Q{self.quarter}" if self.quarter else label
        assert self.date_from and self.date_to
        return date_span(self.date_from, self.date_to)


def _financial_years(table: Any, first: dt.date, last: dt.date) -> sa.ColumnElement[bool]:
    start, end = financial_year(first), financial_year(last)
    column = table.c.concluded_fy
    return column == start if start == end else column.between(start, end)


def year_conditions(
    table: Any, reporting: ReportingYear, year: int, quarter: int | None = None
) -> list[sa.ColumnElement[bool]]:
    """Conditions on the `enquiries` table (or an alias of it) for enquiries concluded in a
    reporting year, or one quarter of it.

    Always on the stored `concluded_fy` (and `concluded_quarter`), the leading columns of
    `ix_enquiries_reporting`; a council's own year adds its months, found in that index."""
    if reporting.is_national:
        conds = [table.c.concluded_fy == year]
        if quarter is not None:
            conds.append(table.c.concluded_quarter == quarter)
        return conds
    first, last = reporting.bounds(year, quarter)
    return [
        _financial_years(table, first, last),
        table.c.concluded_month.between(month_key(first), month_key(last)),
    ]


def conditions(filters: Filters, teams: TeamScope) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions on `enquiries` for concluded, not deleted enquiries in the filters.

    The period is always expressed on the stored `concluded_fy`, the leading column of
    `ix_enquiries_reporting` (see `year_conditions`); a custom date range adds the
    financial years it spans, so the index narrows the search before `concluded_on` is
    checked."""
    filters.validate()
    conds: list[sa.ColumnElement[bool]] = []
    if filters.year is not None:
        conds += year_conditions(E, filters.reporting_year, filters.year, filters.quarter)
    else:
        assert filters.date_from and filters.date_to
        conds.append(_financial_years(E, filters.date_from, filters.date_to))
        conds.append(E.c.concluded_on.between(filters.date_from, filters.date_to))
    conds.append(E.c.is_deleted == sa.false())
    if teams is not None:
        conds.append(E.c.team_id.in_(sorted(teams)))
    if filters.enquiry_type is not None:
        conds.append(E.c.enquiry_type == filters.enquiry_type)
    if filters.worker_id is not None:
        conds.append(E.c.worker_id == filters.worker_id)
    if filters.location is not None:
        conds.append(E.c.location_of_risk == filters.location)
    if filters.risk_type is not None:
        # An alias, so a query that itself joins enquiry_risk_types keeps its own join.
        risk = aliased(EnquiryRiskType, name="risk_filter")
        conds.append(
            sa.select(risk.enquiry_id)
            .where(risk.enquiry_id == E.c.id, risk.risk_type == filters.risk_type)
            .exists()
        )
    return conds


def _all_team_ids(session: Session) -> frozenset[int]:
    return frozenset(session.scalars(sa.select(Team.id)))


def dashboard_scope(session: Session, user: CurrentUser, filters: Filters) -> TeamScope:
    """The teams the (unsuppressed) team dashboard may count for this user and filters.

    Practitioners: their own team; supervisors: their teams; administrators: every team.
    Asking for a team outside that raises NotAllowed; commissioners are refused here (they
    use the suppressed commissioner figures)."""
    access.require_dashboard(user)
    filters.validate()
    all_ids = _all_team_ids(session)
    allowed = access.dashboard_team_ids(user, all_ids)
    if filters.team_ids:
        requested = frozenset(filters.team_ids)
        if not requested <= allowed:
            raise NotAllowed("You do not have access to that team's figures")
        return None if user.role == "administrator" and requested == all_ids else requested
    if user.role == "administrator":
        return None
    return allowed


def commissioner_scope(session: Session, user: CurrentUser, filters: Filters) -> TeamScope:
    """Teams counted in the published (suppressed) figures: any team, never one worker."""
    access.require_commissioner_figures(user)
    filters.validate()
    if filters.worker_id is not None:
        raise NotAllowed("Published figures are not broken down by worker")
    if filters.team_ids:
        requested = frozenset(filters.team_ids)
        unknown = requested - _all_team_ids(session)
        if unknown:
            raise ValidationError({"team_ids": "Choose teams from the list"})
        return requested
    return None
