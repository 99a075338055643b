"""SQL pieces shared by the aggregates: counting helpers and working-day arithmetic that
runs the same on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.sql.functions import FunctionElement

# A Monday long before any enquiry: day numbers count from here, so whole weeks line up
# with Monday-Friday and no weekday table or per-dialect weekday function is needed.
EPOCH = dt.date(1900, 1, 1)
assert EPOCH.weekday() == 0


class day_number(FunctionElement):  # noqa: N801 - used like a SQL function
    """Whole days from EPOCH to a DATE column."""

    type = sa.Integer()
    name = "day_number"
    inherit_cache = True


@compiles(day_number)
def _day_number_default(element: day_number, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return f"({compiler.process(arg, **kw)} - DATE '{EPOCH.isoformat()}')"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(arg, **kw)}) - julianday('{EPOCH.isoformat()}') "
        "AS INTEGER)"
    )


def weekdays_through(column: Any) -> sa.ColumnElement[int]:
    """The number of Mondays-to-Fridays from EPOCH up to and including the date in `column`.

    The working days after date a up to and including date b (b >= a) are then
    weekdays_through(b) - weekdays_through(a): the same as msp.periods.working_days_between
    (bank holidays are not known)."""
    days = day_number(column) + 1  # days in [EPOCH, column]
    rest = days % 7
    return 5 * (days // 7) + sa.case((rest < 5, rest), else_=5)


def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    """COALESCE(SUM(CASE WHEN condition THEN 1 ELSE 0 END), 0)."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


# --- The enquiries table, read through the reporting index ---------------------------------

REPORTING_INDEX = "ix_enquiries_reporting"


class IndexedTable(TableClause):
    """A lightweight copy of a table that SQLite reads through one named index
    (``FROM enquiries INDEXED BY ix_enquiries_reporting``); other databases see the plain
    table. With statistics (after ANALYZE) SQLite's planner sometimes prefers to walk a team
    index end to end so that GROUP BY team needs no sort: at national scale that full scan is
    several times slower than searching the financial year in the reporting index."""

    inherit_cache = True
    index_name: str = REPORTING_INDEX


@compiles(IndexedTable, "sqlite")
def _indexed_table_sqlite(element: IndexedTable, compiler: Any, **kw: Any) -> str:
    text = compiler.visit_table(element, **kw)
    if kw.get("asfrom") and not kw.get("ashint"):
        text += f" INDEXED BY {element.index_name}"
    return text


def _reporting_table() -> IndexedTable:
    from db.models import Enquiry

    table = Enquiry.__table__
    return IndexedTable(table.name, *(sa.column(c.name, c.type) for c in table.columns))


enquiries = _reporting_table()
"""`enquiries` for counting: use ``enquiries.c.<column>`` in every aggregate query."""
