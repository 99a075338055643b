import datetime as dt

import pytest

from msp import periods

D = dt.date


@pytest.mark.parametrize(
    ("day", "fy", "quarter"),
    [
        (D(2025, 4, 1), 2025, 1),
        (D(2025, 6, 30), 2025, 1),
        (D(2025, 7, 1), 2025, 2),
        (D(2025, 12, 31), 2025, 3),
        (D(2026, 1, 1), 2025, 4),
        (D(2026, 3, 31), 2025, 4),
        (D(2026, 4, 1), 2026, 1),
    ],
)
def test_financial_year_and_quarter(day, fy, quarter):
    assert periods.financial_year(day) == fy
    assert periods.fy_quarter(day) == quarter


def test_labels_round_trip():
    assert periods.fy_label(2025) == "2025-26"
    assert periods.fy_label(1999) == "1999-00"
    assert periods.parse_fy_label("2025-26") == 2025
    assert periods.parse_fy_label("1999-00") == 1999
    for bad in ["2025", "2025-27", "25-26", "abcd-ef", "2025/26"]:
        with pytest.raises(ValueError, match="2025-26"):
            periods.parse_fy_label(bad)


def test_bounds_and_month_key():
    assert periods.fy_bounds(2025) == (D(2025, 4, 1), D(2026, 3, 31))
    assert periods.month_key(D(2026, 4, 9)) == 202604


def test_working_days():
    friday = D(2026, 11, 27)
    assert friday.weekday() == 4
    assert periods.add_working_days(friday, 1) == D(2026, 11, 30)
    assert periods.add_working_days(friday, 5) == D(2026, 12, 4)
    assert periods.add_working_days(D(2026, 11, 30), -1) == friday
    assert periods.working_days_between(friday, D(2026, 11, 30)) == 1
    assert periods.working_days_between(friday, friday) == 0
    assert periods.working_days_between(D(2026, 11, 30), D(2026, 11, 23)) == 0
    # Agrees with adding working days, over many starts and lengths.
    for start_offset in range(7):
        start = D(2026, 1, 5) + dt.timedelta(days=start_offset)
        for n in range(0, 45):
            end = periods.add_working_days(start, n)
            assert periods.working_days_between(start, end) == n


# --- A council's own reporting year -------------------------------------------------------


@pytest.mark.parametrize("start", range(1, 13))
def test_every_day_falls_in_one_year_and_quarter_of_any_reporting_year(start):
    reporting = periods.ReportingYear(start)
    day = D(2023, 1, 1)
    while day < D(2027, 1, 1):
        year, quarter = reporting.year_of(day), reporting.quarter_of(day)
        first, last = reporting.bounds(year, quarter)
        assert first <= day <= last, (day, year, quarter)
        assert reporting.bounds(year)[0] <= day <= reporting.bounds(year)[1]
        assert reporting.period_of_month(periods.month_key(day)) == (year, quarter)
        low, high = reporting.months(year, quarter)
        assert low <= periods.month_key(day) <= high
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("start", range(1, 13))
def test_the_four_quarters_make_the_year(start):
    reporting = periods.ReportingYear(start)
    quarters = [reporting.bounds(2025, q) for q in (1, 2, 3, 4)]
    assert quarters[0][0] == reporting.bounds(2025)[0] == D(2025, start, 1)
    assert quarters[3][1] == reporting.bounds(2025)[1]
    for (_, end), (next_start, _) in zip(quarters, quarters[1:], strict=False):
        assert next_start - end == dt.timedelta(days=1)
    assert (reporting.bounds(2025)[1] - reporting.bounds(2025)[0]).days + 1 in (365, 366)


def test_the_national_year_is_the_financial_year():
    national = periods.ReportingYear()
    assert national == periods.NATIONAL and national.is_national
    assert national.name == "financial year"
    assert national.label(2025) == "2025-26"
    assert national.bounds(2025) == periods.fy_bounds(2025)
    assert national.describe() == "1 April to 31 March"
    assert national.quarter_name(1) == "Q1 (April to June)"
    assert national.quarter_name(4) == "Q4 (January to March)"
    for day in (D(2025, 4, 1), D(2025, 12, 31), D(2026, 3, 31)):
        assert national.year_of(day) == periods.financial_year(day)
        assert national.quarter_of(day) == periods.fy_quarter(day)


def test_a_calendar_year_and_a_july_year():
    calendar = periods.ReportingYear(1)
    assert (calendar.name, calendar.label(2025), calendar.quarter_label(2025, 2)) == (
        "reporting year",
        "2025",
        "2025 Q2",
    )
    assert calendar.describe() == "1 January to 31 December"
    assert calendar.quarter_name(4) == "Q4 (October to December)"
    july = periods.ReportingYear(7)
    assert july.label(2025) == "2025-26"
    assert july.months(2025) == (202507, 202606)
    assert july.months(2025, 3) == (202601, 202603)
    assert july.describe() == "1 July to 30 June"
    assert july.quarter_name(4) == "Q4 (April to June)"
    assert periods.ReportingYear(3).describe() == "1 March to the end of February"
    assert periods.ReportingYear(3).bounds(2027)[1] == D(2028, 2, 29)


@pytest.mark.parametrize("bad", [0, 13, -4, "4", 4.0, True, None])
def test_a_reporting_year_starts_in_a_real_month(bad):
    with pytest.raises(ValueError, match="month from 1 to 12"):
        periods.ReportingYear(bad)
