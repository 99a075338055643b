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
