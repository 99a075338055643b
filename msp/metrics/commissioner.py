"""Published figures for commissioners (and demos): the dashboard aggregates with the national
small-number rule applied in here, before any page, chart or file can see them.

Only aggregates leave this module, never a person-level row, and every count and percentage
has been through `msp.disclosure` (counts 0-4 as [c], others rounded to the nearest 5;
percentages from the unrounded counts, withheld under 5). Nothing is broken down by worker.
Supervisors and administrators may see these figures too (to check what is published).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import unit_of_work
from msp.auth import CurrentUser
from msp.disclosure import suppress_frame
from msp.metrics import dashboard as d
from msp.metrics.filters import Filters, TeamScope, commissioner_scope


def suppress_stacked(frame: pd.DataFrame) -> pd.DataFrame:
    """A stacked-proportions table (see dashboard.stacked) with the rule applied."""
    return suppress_frame(
        frame, counts=["count", "total"], percentages={"percent": ("count", "total")}
    )


def _run(
    engine: Engine,
    user: CurrentUser,
    filters: Filters,
    query: Callable[[Session, Filters, TeamScope], pd.DataFrame],
) -> pd.DataFrame:
    with unit_of_work(engine) as session:
        return query(session, filters, commissioner_scope(session, user, filters))


def commissioner_headline(engine: Engine, user: CurrentUser, filters: Filters) -> pd.DataFrame:
    """Headline figures (section, measure, count, out_of, percent), suppressed."""
    table = _run(engine, user, filters, lambda s, f, t: d._headline(s, f, t).table())
    return suppress_frame(
        table, counts=["count", "out_of"], percentages={"percent": ("count", "out_of")}
    )


def commissioner_achievement_by_team(
    engine: Engine, user: CurrentUser, filters: Filters
) -> pd.DataFrame:
    return suppress_stacked(_run(engine, user, filters, d._achievement_by_team))


def commissioner_achievement_by_risk_type(
    engine: Engine, user: CurrentUser, filters: Filters
) -> pd.DataFrame:
    return suppress_stacked(_run(engine, user, filters, d._achievement_by_risk_type))


def commissioner_achievement_by_location(
    engine: Engine, user: CurrentUser, filters: Filters
) -> pd.DataFrame:
    return suppress_stacked(_run(engine, user, filters, d._achievement_by_location))


def commissioner_achievement_by_outcome(
    engine: Engine, user: CurrentUser, filters: Filters
) -> pd.DataFrame:
    return suppress_stacked(_run(engine, user, filters, d._achievement_by_outcome))


def commissioner_feedback_answers(
    engine: Engine, user: CurrentUser, filters: Filters
) -> pd.DataFrame:
    return suppress_stacked(_run(engine, user, filters, d._feedback_answers))


def commissioner_achievement_trend(
    engine: Engine,
    user: CurrentUser,
    filters: Filters,
    *,
    period: str = "quarter",
    success: Sequence[str] = ("fully",),
) -> pd.DataFrame:
    """Share of `success` by quarter or month (period_key, period, n, x, percent), suppressed.
    No control limits: they would be worked out from the unrounded denominators."""
    counts = _run(engine, user, filters, lambda s, f, t: d._trend_counts(s, f, t, period, success))
    counts["percent"] = 0.0  # replaced from the unrounded counts below
    return suppress_frame(counts, counts=["n", "x"], percentages={"percent": ("x", "n")})


def commissioner_timeliness(
    engine: Engine, user: CurrentUser, filters: Filters, targets: d.Targets | None = None
) -> pd.DataFrame:
    table = _run(
        engine,
        user,
        filters,
        lambda s, f, t: d._timeliness(s, f, t, targets or d.council_targets(s)),
    )
    table.attrs.clear()  # the longest single gap is one enquiry's figure
    return suppress_frame(table, counts=["met", "total"], percentages={"percent": ("met", "total")})
