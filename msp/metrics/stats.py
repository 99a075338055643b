"""Pure statistics for the dashboards: p-chart (statistical process control) limits and
funnel-plot limits. No database, no pandas magic beyond building the result tables.

p-chart (proportion control chart): for periods i with x_i successes out of n_i,
the centre line is p-bar = sum(x) / sum(n) and each point gets its own 3-sigma limits
p-bar +/- 3 * sqrt(p-bar * (1 - p-bar) / n_i), clipped to [0, 1]. A point outside its limits
is "special cause" variation worth a look; points inside are ordinary noise.

Funnel plot: each unit (team or worker) is a point (n, x / n); around the overall rate p0 the
limits p0 +/- z * sqrt(p0 * (1 - p0) / n) narrow as n grows. z = 1.96 gives 95% limits and
z = 3.09 gives 99.8% limits (normal approximation to the binomial).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

SIGMA = 3.0
Z_95 = 1.96
Z_998 = 3.09

WITHIN = "Within 95% limits"
BETWEEN = "Outside 95% limits"
OUTSIDE = "Outside 99.8% limits"
FUNNEL_BANDS = (WITHIN, BETWEEN, OUTSIDE)


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def binomial_limits(p: float, n: float, z: float) -> tuple[float, float]:
    """(lower, upper) = p -/+ z * sqrt(p (1 - p) / n), clipped to [0, 1]."""
    if n <= 0:
        raise ValueError(f"n must be positive, not {n!r}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a proportion, not {p!r}")
    half_width = z * math.sqrt(p * (1.0 - p) / n)
    return _clip(p - half_width), _clip(p + half_width)


def p_chart(x: Sequence[float], n: Sequence[float], *, sigma: float = SIGMA) -> pd.DataFrame:
    """Per-point p-chart values: columns x, n, p, centre, lcl, ucl, outside.

    `outside` is True where p lies strictly beyond its own limits."""
    x = [float(v) for v in x]
    n = [float(v) for v in n]
    if len(x) != len(n):
        raise ValueError("x and n must have the same length")
    columns = ["x", "n", "p", "centre", "lcl", "ucl", "outside"]
    if not x:
        return pd.DataFrame(columns=columns)
    if any(v <= 0 for v in n):
        raise ValueError("every point needs a denominator above 0")
    if any(xi < 0 or xi > ni for xi, ni in zip(x, n, strict=True)):
        raise ValueError("each x must lie between 0 and its n")
    centre = sum(x) / sum(n)
    rows = []
    for xi, ni in zip(x, n, strict=True):
        p = xi / ni
        lcl, ucl = binomial_limits(centre, ni, sigma)
        rows.append((xi, ni, p, centre, lcl, ucl, p < lcl or p > ucl))
    frame = pd.DataFrame(rows, columns=columns)
    frame["outside"] = frame["outside"].astype(bool)
    return frame


def funnel_band(p: float, p0: float, n: float) -> str:
    """Which band a unit's rate falls in around p0 for its n."""
    low_998, high_998 = binomial_limits(p0, n, Z_998)
    if p < low_998 or p > high_998:
        return OUTSIDE
    low_95, high_95 = binomial_limits(p0, n, Z_95)
    if p < low_95 or p > high_95:
        return BETWEEN
    return WITHIN


def funnel_points(units: pd.DataFrame) -> tuple[pd.DataFrame, float | None]:
    """Units (columns unit, n, x; n > 0) with p, band and side added, and the overall rate
    p0 = sum(x) / sum(n) (None when there is nothing to compare)."""
    out = units.loc[units["n"] > 0].copy()
    if out.empty or out["n"].sum() == 0:
        out["p"] = pd.Series(dtype=float)
        out["band"] = pd.Series(dtype=object)
        out["side"] = pd.Series(dtype=object)
        return out.reset_index(drop=True), None
    p0 = float(out["x"].sum()) / float(out["n"].sum())
    out["p"] = out["x"] / out["n"]
    out["band"] = [
        funnel_band(p, p0, n) for p, n in zip(out["p"].tolist(), out["n"].tolist(), strict=True)
    ]
    out["side"] = [
        "" if band == WITHIN else ("above" if p > p0 else "below")
        for p, band in zip(out["p"].tolist(), out["band"].tolist(), strict=True)
    ]
    return out.reset_index(drop=True), p0


def funnel_curve(p0: float, n_max: float, *, points: int = 120) -> pd.DataFrame:
    """Funnel limits for n from 1 to n_max: columns n, centre, lower_95, upper_95,
    lower_998, upper_998. Every whole n while there are few; otherwise `points` values
    spaced evenly on a log scale (plus n_max), enough for a smooth curve."""
    n_max = max(1, int(math.ceil(n_max)))
    if n_max <= points:
        ns = list(range(1, n_max + 1))
    else:
        step = math.log(n_max) / (points - 1)
        ns = sorted({max(1, round(math.exp(i * step))) for i in range(points)} | {n_max})
    rows = []
    for n in ns:
        lo95, hi95 = binomial_limits(p0, n, Z_95)
        lo998, hi998 = binomial_limits(p0, n, Z_998)
        rows.append((n, p0, lo95, hi95, lo998, hi998))
    return pd.DataFrame(
        rows, columns=["n", "centre", "lower_95", "upper_95", "lower_998", "upper_998"]
    )
