"""The national small-number rule at its edges."""

import math

import pandas as pd
import pytest

from msp.disclosure import (
    NOT_AVAILABLE,
    SUPPRESSED,
    is_suppressed,
    round_to_5,
    suppress_count,
    suppress_frame,
    suppress_percentage,
    suppress_table,
)


@pytest.mark.parametrize(
    ("n", "shown"),
    [
        (0, SUPPRESSED),
        (1, SUPPRESSED),
        (4, SUPPRESSED),
        (5, 5),
        (6, 5),
        (7, 5),
        (8, 10),
        (10, 10),
        (12, 10),
        (13, 15),
        (17, 15),
        (18, 20),
        (1234, 1235),
        (1237, 1235),
        (1238, 1240),
    ],
)
def test_counts(n, shown):
    assert suppress_count(n) == shown


def test_rounding_halves_go_up():
    assert round_to_5(7.5) == 10
    assert round_to_5(12.5) == 15
    assert round_to_5(2.5) == 5
    assert round_to_5(7.4999) == 5
    assert round_to_5(0) == 0
    with pytest.raises(ValueError):
        round_to_5(math.nan)


def test_not_available_and_bad_counts():
    assert suppress_count(None) == NOT_AVAILABLE
    assert suppress_count(math.nan) == NOT_AVAILABLE
    assert suppress_count(pd.NA) == NOT_AVAILABLE
    assert suppress_count(SUPPRESSED) == SUPPRESSED  # already applied: left alone
    with pytest.raises(ValueError):
        suppress_count(-1)
    with pytest.raises(TypeError):
        suppress_count("12")


def test_percentages_come_from_unrounded_counts():
    # 7 of 8: both at least 5; 87.5% from the real counts (not 5 of 10 = 50%).
    assert suppress_percentage(7, 8) == 87.5
    assert suppress_percentage(5, 5) == 100.0
    assert suppress_percentage(6, 9) == 66.7
    assert suppress_percentage(5, 200) == 2.5


def test_percentages_are_withheld_for_small_numerators_or_denominators():
    assert suppress_percentage(4, 100) == SUPPRESSED  # numerator under 5
    assert suppress_percentage(0, 100) == SUPPRESSED
    assert suppress_percentage(3, 4) == SUPPRESSED  # small denominator
    assert suppress_percentage(4, 4) == SUPPRESSED
    assert suppress_percentage(0, 0) == SUPPRESSED
    assert suppress_percentage(None, 10) == NOT_AVAILABLE
    assert suppress_percentage(5, None) == NOT_AVAILABLE
    with pytest.raises(ValueError):
        suppress_percentage(6, 5)
    with pytest.raises(TypeError):
        suppress_percentage(SUPPRESSED, 10)


def test_frame_percentages_before_counts_are_rounded():
    frame = pd.DataFrame(
        {
            "team": ["North", "South", "West", "East"],
            "fully": [7, 4, 12, 0],
            "total": [8, 20, 13, 3],
            "percent": [87.5, 20.0, 92.3, 0.0],
        }
    )
    out = suppress_frame(
        frame, counts=["fully", "total"], percentages={"percent": ("fully", "total")}
    )
    assert out["team"].tolist() == ["North", "South", "West", "East"]
    assert out["fully"].tolist() == [5, SUPPRESSED, 10, SUPPRESSED]
    assert out["total"].tolist() == [10, 20, 15, SUPPRESSED]
    assert out["percent"].tolist() == [87.5, SUPPRESSED, 92.3, SUPPRESSED]
    assert frame["fully"].tolist() == [7, 4, 12, 0]  # the input is not changed
    assert [is_suppressed(v) for v in out["fully"]] == [False, True, False, True]


def test_frame_missing_values_and_unknown_columns():
    frame = pd.DataFrame({"n": [10, None], "d": [20.0, None]})
    out = suppress_frame(frame, counts=["n"], percentages={"p": ("n", "d")})
    assert out["n"].tolist() == [10, NOT_AVAILABLE]
    assert out["p"].tolist() == [50.0, NOT_AVAILABLE]
    with pytest.raises(KeyError):
        suppress_frame(frame, counts=["missing"])


def test_wide_table():
    frame = pd.DataFrame({"Label": ["Own Home", "Other"], "North": [12, 3], "Total": [27, 3]})
    out = suppress_table(frame, label_columns=["Label"])
    assert out.values.tolist() == [["Own Home", 10, 25], ["Other", SUPPRESSED, SUPPRESSED]]
