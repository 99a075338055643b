"""Reporting periods: the English local-government financial year runs 1 April - 31 March.

Dashboards group by the financial year and quarter in which an enquiry *concluded* (as the
national return does). These are computed once, when the date is written, and stored, so the
database never converts dates row by row to count them.
"""

from __future__ import annotations

import datetime as dt

FY_START_MONTH = 4  # April


def financial_year(day: dt.date) -> int:
    """The calendar year in which the financial year containing `day` starts (2025 = 2025-26)."""
    return day.year if day.month >= FY_START_MONTH else day.year - 1


def fy_quarter(day: dt.date) -> int:
    """1 for April-June, 2 for July-September, 3 for October-December, 4 for January-March."""
    return ((day.month - FY_START_MONTH) % 12) // 3 + 1


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
    return dt.date(start_year, FY_START_MONTH, 1), dt.date(
        start_year + 1, FY_START_MONTH, 1
    ) - dt.timedelta(days=1)


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
