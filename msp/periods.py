"""Reporting periods: the English local-government financial year runs 1 April - 31 March.

Enquiries are counted in the period in which they *concluded* (as the national return
counts them). The national financial year, quarter and month of conclusion are computed
once, when the date is written, and stored, so the database never converts dates row by
row to count them.

A council may report on its own year (`ReportingYear`, e.g. January to December): its
periods are whole months, so they are counted on the stored month of conclusion. The
national return (the SAC tables) always uses the financial year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FY_START_MONTH = 4  # April
MONTH_NAMES = tuple(dt.date(2000, m, 1).strftime("%B") for m in range(1, 13))


def financial_year(day: dt.date) -> int:
    """The calendar year in which the financial year containing `day` starts (2025 = 2025-26)."""
    return NATIONAL.year_of(day)


def fy_quarter(day: dt.date) -> int:
    """1 for April-June, 2 for July-September, 3 for October-December, 4 for January-March."""
    return NATIONAL.quarter_of(day)


def month_key(day: dt.date) -> int:
    """A sortable month number, e.g. 202604 for April 2026."""
    return day.year * 100 + day.month


def fy_label(start_year: int) -> str:
    """'2025-26' for 2025."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def parse_fy_label(label: str) -> int:
    """2025 for '2025-26'; ValueError for anything else."""
    try:
        start, end = label.strip().split("-")
        year = int(start)
        if len(start) != 4 or len(end) != 2 or int(end) != (year + 1) % 100:
            raise ValueError
    except ValueError:
        raise ValueError(f"Enter a financial year like 2025-26, not {label!r}") from None
    return year


def fy_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a financial year."""
    return NATIONAL.bounds(start_year)


def long_date(day: dt.date) -> str:
    """'1 April 2025' (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def date_span(first: dt.date, last: dt.date) -> str:
    """'1 April 2025 to 31 March 2026'."""
    return f"{long_date(first)} to {long_date(last)}"


def month_key_of(year: int, month: int) -> int:
    """month_key for a month given as a year and a month number that may run past 12."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return year * 100 + month


@dataclass(frozen=True)
class ReportingYear:
    """Twelve months from `start_month` (1 = January ... 12 = December), in four quarters of
    three months. A year is named by the calendar year in which it starts; the national
    financial year (`start_month` 4) is `ReportingYear()`."""

    start_month: int = FY_START_MONTH

    def __post_init__(self) -> None:
        month = self.start_month
        if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
            raise ValueError(f"A reporting year starts in a month from 1 to 12, not {month!r}")

    @property
    def is_national(self) -> bool:
        """True for the national financial year (April to March)."""
        return self.start_month == FY_START_MONTH

    @property
    def name(self) -> str:
        """'financial year' for April to March, 'reporting year' otherwise."""
        return "financial year" if self.is_national else "reporting year"

    def year_of(self, day: dt.date) -> int:
        """The calendar year in which the reporting year containing `day` starts."""
        return day.year if day.month >= self.start_month else day.year - 1

    def quarter_of(self, day: dt.date) -> int:
        """1 for the year's first three months ... 4 for its last three."""
        return ((day.month - self.start_month) % 12) // 3 + 1

    def period_of_month(self, key: int) -> tuple[int, int]:
        """(year, quarter) of a month_key such as 202604."""
        day = dt.date(key // 100, key % 100, 1)
        return self.year_of(day), self.quarter_of(day)

    def label(self, year: int) -> str:
        """'2025-26' for a year that spans two calendar years; '2025' for January to December."""
        return str(year) if self.start_month == 1 else fy_label(year)

    def quarter_label(self, year: int, quarter: int) -> str:
        return f"{self.label(year)} Q{quarter}"

    def span(self, year: int) -> str:
        """'1 April 2025 to 31 March 2026'."""
        return date_span(*self.bounds(year))

    def months(self, year: int, quarter: int | None = None) -> tuple[int, int]:
        """First and last month_key of the year, or of one of its quarters."""
        first = self.start_month + (3 * (quarter - 1) if quarter else 0)
        length = 3 if quarter else 12
        return month_key_of(year, first), month_key_of(year, first + length - 1)

    def bounds(self, year: int, quarter: int | None = None) -> tuple[dt.date, dt.date]:
        """First and last day of the year, or of one of its quarters."""
        first, last = self.months(year, quarter)
        after = month_key_of(last // 100, last % 100 + 1)
        return (
            dt.date(first // 100, first % 100, 1),
            dt.date(after // 100, after % 100, 1) - dt.timedelta(days=1),
        )

    def quarter_name(self, quarter: int) -> str:
        """'Q1 (April to June)'."""
        first = self.start_month - 1 + 3 * (quarter - 1)
        return f"Q{quarter} ({MONTH_NAMES[first % 12]} to {MONTH_NAMES[(first + 2) % 12]})"

    def describe(self) -> str:
        """'1 April to 31 March'."""
        last = MONTH_NAMES[(self.start_month + 10) % 12]
        end = "the end of February" if last == "February" else f"{self.bounds(2001)[1].day} {last}"
        return f"1 {MONTH_NAMES[self.start_month - 1]} to {end}"


NATIONAL = ReportingYear()


def add_working_days(day: dt.date, n: int) -> dt.date:
    """`day` plus `n` working days (Monday to Friday; bank holidays are not known here)."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    current = day
    while remaining:
        current += dt.timedelta(days=step)
        if current.weekday() < 5:
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    days = (end - start).days
    full_weeks, extra = divmod(days, 7)
    count = full_weeks * 5
    for i in range(1, extra + 1):
        if (start + dt.timedelta(days=i)).weekday() < 5:
            count += 1
    return count
