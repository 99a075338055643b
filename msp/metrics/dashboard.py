"""Team dashboard aggregates: counted by the database, returned as small tables.

Every function takes the engine, the acting user and `Filters`, checks what the user may see
(`filters.dashboard_scope`) and runs a GROUP BY over the stored reporting columns of
concluded, not deleted enquiries. Nothing here loads person-level rows to count them; the
pandas work is on the aggregate (tens of rows).

Definitions (the page shows these in words):
- An enquiry's outcome achievement is the national SG4a answer (`msp_achieved`), counted only
  for enquiries where the person was asked and expressed outcomes (`msp_asked =
  'asked_expressed'`) and an answer is recorded; percentages are of those.
- A missing "asked" or "lacked capacity" answer counts as "Not Recorded", as the national
  return would report it.
- Feedback response rate: concluded enquiries with at least one recorded feedback response,
  *declining counted as a response* (declining is a valid, recorded answer: the person was
  asked and said no). `feedback_given` counts only enquiries with an answered response.
- Achievement by standard outcome counts each active desired outcome's own rating.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import unit_of_work
from db.models import (
    DesiredOutcome,
    EnquiryRiskType,
    FeedbackAnswer,
    FeedbackQuestion,
    FeedbackQuestionVersion,
    FeedbackResponse,
    Setting,
    Team,
    User,
)
from msp import vocab
from msp.auth import CurrentUser
from msp.errors import ValidationError
from msp.metrics import stats
from msp.metrics.filters import Filters, TeamScope, conditions, dashboard_scope
from msp.metrics.sql import count_if
from msp.metrics.sql import enquiries as E
from msp.settings import TARGETS_KEY, Targets

EXPRESSED = "asked_expressed"
NOT_RECORDED = "not_recorded"
NOT_RECORDED_LABEL = "Not recorded"
PERSON_GROUP = "person"
REPRESENTATIVE_GROUP = "representative"
RESPONDENT_GROUP_LABELS = {PERSON_GROUP: "The person", REPRESENTATIVE_GROUP: "A representative"}
NO_WORKER_LABEL = "No worker allocated"

STACKED_COLUMNS = ["key", "group", "sort", "category", "category_label", "count", "total"]


def success_label(success: Sequence[str]) -> str:
    """'Fully achieved' or 'Fully or partially achieved' for a set of MSP_ACHIEVED codes."""
    labels = [vocab.OUTCOME_RATINGS.label(code).lower() for code in success]
    text = " or ".join(label.replace(" achieved", "") for label in labels) + " achieved"
    return text[0].upper() + text[1:]


def _check_success(success: Sequence[str]) -> tuple[str, ...]:
    success = tuple(success)
    if not success or any(code not in vocab.MSP_ACHIEVED for code in success):
        raise ValidationError({"success": "Choose which achievement answers count as success"})
    return success


# --- Headline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    concluded: int
    asked: dict[str, int] = field(default_factory=dict)
    achieved: dict[str, int] = field(default_factory=dict)
    achieved_not_recorded: int = 0
    lacked_capacity: int = 0
    capacity_supported: int = 0
    feedback_recorded: int = 0
    feedback_given: int = 0

    @property
    def expressed(self) -> int:
        return self.asked.get(EXPRESSED, 0)

    @property
    def achieved_total(self) -> int:
        return sum(self.achieved.values())

    @staticmethod
    def _pct(n: int, d: int) -> float | None:
        return 100.0 * n / d if d else None

    def asked_percent(self, code: str) -> float | None:
        return self._pct(self.asked.get(code, 0), self.concluded)

    def achieved_percent(self, code: str) -> float | None:
        return self._pct(self.achieved.get(code, 0), self.achieved_total)

    @property
    def capacity_supported_percent(self) -> float | None:
        return self._pct(self.capacity_supported, self.lacked_capacity)

    @property
    def feedback_response_rate(self) -> float | None:
        return self._pct(self.feedback_recorded, self.concluded)

    def table(self) -> pd.DataFrame:
        """One row per figure: section, measure, count, out_of, percent (0-100)."""
        rows: list[tuple[str, str, int, int | None]] = [
            ("Enquiries", "Enquiries concluded", self.concluded, None)
        ]
        asked = "Asked about desired outcomes"
        rows += [
            (asked, t.label, self.asked.get(t.code, 0), self.concluded) for t in vocab.MSP_ASKED
        ]
        achieved = "Outcomes achieved (of those who expressed outcomes)"
        rows += [
            (achieved, t.label, self.achieved.get(t.code, 0), self.achieved_total)
            for t in vocab.MSP_ACHIEVED
        ]
        rows.append(
            (
                "Mental capacity",
                "Lacked capacity and supported by an advocate, family or friend",
                self.capacity_supported,
                self.lacked_capacity,
            )
        )
        rows.append(
            (
                "Feedback",
                "Feedback recorded (answered or declined)",
                self.feedback_recorded,
                self.concluded,
            )
        )
        rows.append(("Feedback", "Feedback answered", self.feedback_given, self.concluded))
        frame = pd.DataFrame(rows, columns=["section", "measure", "count", "out_of"])
        frame["out_of"] = frame["out_of"].astype("float")
        frame["percent"] = [
            None if pd.isna(d) or d == 0 else 100.0 * n / d
            for n, d in zip(frame["count"], frame["out_of"], strict=True)
        ]
        return frame


def headline_statement(filters: Filters, teams: TeamScope) -> sa.Select:
    # A response of any kind (declined too) sets the stored first_feedback_days. (Responses
    # with answers are counted by feedback_given_statement: a lookup for every row here
    # would make this one covering-index pass several times slower.)
    has_response = E.c.first_feedback_days.is_not(None)
    asked = sa.func.coalesce(E.c.msp_asked, NOT_RECORDED)
    columns = [sa.func.count().label("concluded")]
    columns += [count_if(asked == code).label(f"asked_{code}") for code in vocab.MSP_ASKED.codes]
    expressed = E.c.msp_asked == EXPRESSED
    columns += [
        count_if(sa.and_(expressed, E.c.msp_achieved == code)).label(f"achieved_{code}")
        for code in vocab.MSP_ACHIEVED.codes
    ]
    lacked = E.c.lacked_capacity == "yes"
    columns += [
        count_if(sa.and_(expressed, E.c.msp_achieved.is_(None))).label("achieved_missing"),
        count_if(lacked).label("lacked"),
        count_if(sa.and_(lacked, E.c.capacity_support_provided == sa.true())).label("supported"),
        count_if(has_response).label("feedback_recorded"),
    ]
    return sa.select(*columns).select_from(E).where(*conditions(filters, teams))


def feedback_given_statement(filters: Filters, teams: TeamScope) -> sa.Select:
    """How many of the enquiries counted have a response with answers (not declined). (In
    WHERE, not in the headline's SELECT: PostgreSQL then joins once instead of looking up
    every row.)"""
    answered = sa.exists().where(
        FeedbackResponse.enquiry_id == E.c.id, FeedbackResponse.declined == sa.false()
    )
    return sa.select(sa.func.count().label("feedback_given")).where(
        *conditions(filters, teams), answered
    )


def _headline(session: Session, filters: Filters, teams: TeamScope) -> Headline:
    row = {
        **session.execute(headline_statement(filters, teams)).one()._mapping,
        **session.execute(feedback_given_statement(filters, teams)).one()._mapping,
    }
    return Headline(
        concluded=int(row["concluded"]),
        asked={code: int(row[f"asked_{code}"]) for code in vocab.MSP_ASKED.codes},
        achieved={code: int(row[f"achieved_{code}"]) for code in vocab.MSP_ACHIEVED.codes},
        achieved_not_recorded=int(row["achieved_missing"]),
        lacked_capacity=int(row["lacked"]),
        capacity_supported=int(row["supported"]),
        feedback_recorded=int(row["feedback_recorded"]),
        feedback_given=int(row["feedback_given"]),
    )


def headline(engine: Engine, user: CurrentUser, filters: Filters) -> Headline:
    """The headline figures of the team dashboard."""
    with unit_of_work(engine) as session:
        return _headline(session, filters, dashboard_scope(session, user, filters))


# --- Stacked proportions ------------------------------------------------------------------


def stacked(
    counts: Iterable[tuple[object, str, int]],
    groups: Sequence[tuple[object, str]],
    categories: vocab.Vocabulary,
) -> pd.DataFrame:
    """A long table for stacked proportion bars from (group key, category code, count) rows.

    Columns: key, group (label), sort (group order), category, category_label, count, total,
    percent (0-100 of the group's total). Every category of `categories` appears for each
    group that has any count (0 where none); groups without counts are left out."""
    by_group: dict[object, dict[str, int]] = {}
    for key, category, n in counts:
        by_group.setdefault(key, {})[category] = by_group.get(key, {}).get(category, 0) + int(n)
    rows = []
    for order, (key, label) in enumerate(groups):
        found = by_group.get(key)
        if not found:
            continue
        total = sum(found.values())
        for term in categories:
            rows.append((key, label, order, term.code, term.label, found.get(term.code, 0), total))
    frame = pd.DataFrame(rows, columns=STACKED_COLUMNS)
    frame["count"] = frame["count"].astype("int64")
    frame["total"] = frame["total"].astype("int64")
    frame["percent"] = (100.0 * frame["count"] / frame["total"]).astype(float)
    return frame


def _expressed(filters: Filters, teams: TeamScope) -> list[sa.ColumnElement[bool]]:
    return [
        *conditions(filters, teams),
        E.c.msp_asked == EXPRESSED,
        E.c.msp_achieved.is_not(None),
    ]


def achievement_cube_statement(filters: Filters, teams: TeamScope) -> sa.Select:
    """The main dashboard query: achievement answers by team x financial year x quarter.

    Everything it reads is in `ix_enquiries_reporting`, so the database answers it from the
    index alone (a covering index search)."""
    return (
        sa.select(
            E.c.team_id,
            E.c.concluded_fy,
            E.c.concluded_quarter,
            E.c.msp_achieved,
            sa.func.count().label("n"),
        )
        .where(*_expressed(filters, teams))
        # In the index's column order, so the groups come out of the index ready sorted.
        .group_by(
            E.c.concluded_fy,
            E.c.concluded_quarter,
            E.c.team_id,
            E.c.msp_achieved,
        )
    )


def _cube(session: Session, filters: Filters, teams: TeamScope) -> pd.DataFrame:
    rows = session.execute(achievement_cube_statement(filters, teams)).all()
    return pd.DataFrame(
        [tuple(r) for r in rows], columns=["team_id", "fy", "quarter", "achieved", "n"]
    )


def _team_names(session: Session, ids: Iterable[int]) -> list[tuple[int, str]]:
    ids = sorted(set(ids))
    if not ids:
        return []
    rows = session.execute(sa.select(Team.id, Team.name).where(Team.id.in_(ids))).all()
    # Sorted here, not by the database: collations differ between SQLite and PostgreSQL.
    return sorted(((r.id, r.name) for r in rows), key=lambda t: (t[1].casefold(), t[1], t[0]))


def _achievement_by_team(session: Session, filters: Filters, teams: TeamScope) -> pd.DataFrame:
    cube = _cube(session, filters, teams)
    summed = cube.groupby(["team_id", "achieved"], as_index=False)["n"].sum()
    counts = list(summed.itertuples(index=False, name=None))
    groups = _team_names(session, summed["team_id"].tolist())
    return stacked(counts, groups, vocab.MSP_ACHIEVED)


def achievement_by_team(engine: Engine, user: CurrentUser, filters: Filters) -> pd.DataFrame:
    """Outcome achievement (SG4a answer) by team, as stacked proportions (see `stacked`);
    `key` is the team id."""
    with unit_of_work(engine) as session:
        return _achievement_by_team(session, filters, dashboard_scope(session, user, filters))


def achievement_by_worker_statement(filters: Filters, teams: TeamScope) -> sa.Select:
    return (
        sa.select(E.c.worker_id, E.c.msp_achieved, sa.func.count().label("n"))
        .where(*_expressed(filters, teams))
        .group_by(E.c.worker_id, E.c.msp_achieved)
    )


def _achievement_by_worker(session: Session, filters: Filters, teams: TeamScope) -> pd.DataFrame:
    rows = session.execute(achievement_by_worker_statement(filters, teams)).all()
    counts = [(r.worker_id, r.msp_achieved, r.n) for r in rows]
    ids = sorted({r.worker_id for r in rows if r.worker_id is not None})
    named = (
        session.execute(sa.select(User.id, User.display_name).where(User.id.in_(ids))).all()
        if ids
        else []
    )
    groups: list[tuple[object, str]] = sorted(
        ((r.id, r.display_name) for r in named), key=lambda t: (t[1].casefold(), t[1], t[0])
    )
    groups.append((None, NO_WORKER_LABEL))
    return stacked(counts, groups, vocab.MSP_ACHIEVED)


def achievement_by_worker(engine: Engine, user: CurrentUser, filters: Filters) -> pd.DataFrame:
    """Outcome achievement by allocated worker (stacked proportions; `key` is the user id,
    None for enquiries with no worker)."""
    with unit_of_work(engine) as session:
        return _achievement_by_worker(session, filters, dashboard_scope(session, user, filters))


def achievement_by_risk_type_statement(filters: Filters, teams: TeamScope) -> sa.Select:
    return (
        sa.select(EnquiryRiskType.risk_type, E.c.msp_achieved, sa.func.count().label("n"))
        .select_from(E)
        .join(EnquiryRiskType, EnquiryRiskType.enquiry_id == E.c.id)
        .where(*_expressed(filters, teams))
        .group_by(EnquiryRiskType.risk_type, E.c.msp_achieved)
    )


def _achievement_by_risk_type(session: Session, filters: Filters, teams: TeamScope) -> pd.DataFrame:
    rows = session.execute(achievement_by_risk_type_statement(filters, teams)).all()
    groups = [(t.code, t.label) for t in vocab.RISK_TYPES]
    return stacked([tuple(r) for r in rows], groups, vocab.MSP_ACHIEVED)


def achievement_by_risk_type(engine: Engine, user: CurrentUser, filters: Filters) -> pd.DataFrame:
    """Outcome achievement by type of risk; an enquiry counts once under each of its types."""
    with unit_of_work(engine) as session:
        scope = dashboard_scope(session, user, filters)
        return _achievement_by_risk_type(session, filters, scope)


def achievement_by_location_statement(filters: Filters, teams: TeamScope) -> sa.Select:
    location = sa.func.coalesce(E.c.location_of_risk, NOT_RECORDED).label("location")
    return (
        sa.select(location, E.c.msp_achieved, sa.func.count().label("n"))
        .where(*_expressed(filters, teams))
        .group_by(location, E.c.msp_achieved)
    )


def _achievement_by_location(session: Session, filters: Filters, teams: TeamScope) -> pd.DataFrame:
    rows = session.execute(achievement_by_location_statement(filters, teams)).all()
    groups = [(t.code, t.label) for t in vocab.LOCATIONS] + [(NOT_RECORDED, NOT_RECORDED_LABEL)]
    return stacked([tuple(r) for r in rows], groups, vocab.MSP_ACHIEVED)


def achievement_by_location(engine: Engine, user: CurrentUser, filters: Filters) -> pd.DataFrame:
    """Outcome achievement by location of risk ('Not recorded' where none was given)."""
    with unit_of_work(engine) as session:
        scope = dashboard_scope(session, user, filters)
        return _achievement_by_location(session, filters, scope)


def achievement_by_outcome_statement(filters: Filters, teams: TeamScope) -> sa.Select:
    return (
        sa.select(DesiredOutcome.category, DesiredOutcome.rating, sa.func.count().label("n"))
        .select_from(E)
        .join(DesiredOutcome, DesiredOutcome.enquiry_id == E.c.id)
        .where(
            *conditions(filters, teams),
            DesiredOutcome.status == "active",
            DesiredOutcome.rating.is_not(None),
        )
        .group_by(DesiredOutcome.category, DesiredOutcome.rating)
    )


def _achievement_by_outcome(session: Session, filters: Filters, teams: TeamScope) -> pd.DataFrame:
    rows = session.execute(achievement_by_outcome_statement(filters, teams)).all()
    groups = [(t.code, t.label) for t in vocab.STANDARD_OUTCOMES]
    return stacked([tuple(r) for r in rows], groups, vocab.OUTCOME_RATINGS)


def achievement_by_outcome(engine: Engine, user: CurrentUser, filters: Filters) -> pd.DataFrame:
    """Ratings of active desired outcomes by standard outcome (which wishes are met least);
    `key` and `group` are the standard outcome's code and label, `category` the rating."""
    with unit_of_work(engine) as session:
        return _achievement_by_outcome(session, filters, dashboard_scope(session, user, filters))


# --- Trend (p-chart) and funnel -----------------------------------------------------------

PERIODS = ("quarter", "month")


def month_label(month_key: int) -> str:
    return dt.date(month_key // 100, month_key % 100, 1).strftime("%b %Y")


def achievement_by_month_statement(filters: Filters, teams: TeamScope) -> sa.Select:
    return (
        sa.select(E.c.concluded_month, E.c.msp_achieved, sa.func.count().label("n"))
        .where(*_expressed(filters, teams))
        .group_by(E.c.concluded_month, E.c.msp_achieved)
    )


def _trend_counts(
    session: Session, filters: Filters, teams: TeamScope, period: str, success: Sequence[str]
) -> pd.DataFrame:
    """period_key, period, n (expressed with an answer), x (successes), in period order."""
    if period not in PERIODS:
        raise ValidationError({"period": "Choose quarter or month"})
    success = _check_success(success)
    reporting = filters.reporting_year
    if period == "quarter" and reporting.is_national:
        cube = _cube(session, filters, teams)
        cube["period_key"] = cube["fy"] * 10 + cube["quarter"]
    else:
        rows = session.execute(achievement_by_month_statement(filters, teams)).all()
        cube = pd.DataFrame(
            [tuple(r) for r in rows], columns=["period_key", "achieved", "n"]
        ).astype({"period_key": "int64"})
        if period == "quarter":  # the council's own quarters, made of whole months
            keys = [reporting.period_of_month(k) for k in cube["period_key"]]
            cube["period_key"] = pd.Series([y * 10 + q for y, q in keys], dtype="int64")
    cube["x"] = cube["n"].where(cube["achieved"].isin(success), 0)
    out = cube.groupby("period_key", as_index=False)[["n", "x"]].sum().sort_values("period_key")
    if period == "quarter":
        out["period"] = [reporting.quarter_label(k // 10, k % 10) for k in out["period_key"]]
    else:
        out["period"] = [month_label(k) for k in out["period_key"]]
    return out[["period_key", "period", "n", "x"]].reset_index(drop=True)


def _p_chart(
    session: Session, filters: Filters, teams: TeamScope, period: str, success: Sequence[str]
) -> pd.DataFrame:
    counts = _trend_counts(session, filters, teams, period, success)
    limits = stats.p_chart(counts["x"].tolist(), counts["n"].tolist())
    out = counts.copy()
    for column in ("p", "centre", "lcl", "ucl", "outside"):
        out[column] = limits[column].to_numpy() if len(limits) else pd.Series(dtype=float)
    out["outside"] = out["outside"].astype(bool)
    return out


def achievement_p_chart(
    engine: Engine,
    user: CurrentUser,
    filters: Filters,
    *,
    period: str = "quarter",
    success: Sequence[str] = ("fully",),
) -> pd.DataFrame:
    """The p-chart of the share of enquiries whose outcomes were `success` (default: fully
    achieved), by quarter or month of conclusion: columns period_key, period, n, x, p,
    centre, lcl, ucl, outside (see msp.metrics.stats.p_chart)."""
    with unit_of_work(engine) as session:
        scope = dashboard_scope(session, user, filters)
        return _p_chart(session, filters, scope, period, success)


@dataclass(frozen=True)
class Funnel:
    """Funnel plot data: `points` (unit_id, unit, n, x, p, band, side), the limit curves
    `limits` (n, centre, lower_95, upper_95, lower_998, upper_998) and the overall rate."""

    points: pd.DataFrame
    limits: pd.DataFrame
    overall: float | None
    unit_kind: str
    success_label: str


def _funnel(
    session: Session, filters: Filters, teams: TeamScope, by: str, success: Sequence[str]
) -> Funnel:
    success = _check_success(success)
    if by == "team":
        frame = _achievement_by_team(session, filters, teams)
    elif by == "worker":
        frame = _achievement_by_worker(session, filters, teams)
    else:
        raise ValidationError({"by": "Compare teams or workers"})
    frame = frame.assign(x=frame["count"].where(frame["category"].isin(success), 0))
    units = (
        frame.groupby(["sort", "group"], as_index=False, dropna=False)
        .agg(unit_id=("key", "first"), n=("count", "sum"), x=("x", "sum"))
        .rename(columns={"group": "unit"})
    )
    units = units[["unit_id", "unit", "n", "x"]]
    points, overall = stats.funnel_points(units)
    limits = (
        stats.funnel_curve(overall, float(points["n"].max()))
        if overall is not None
        else pd.DataFrame(columns=["n", "centre", "lower_95", "upper_95", "lower_998", "upper_998"])
    )
    return Funnel(points, limits, overall, by, success_label(success))


def achievement_funnel(
    engine: Engine,
    user: CurrentUser,
    filters: Filters,
    *,
    by: str = "team",
    success: Sequence[str] = ("fully",),
) -> Funnel:
    """Funnel plot comparing teams (or workers): rate of `success` against the number of
    enquiries whose achievement was recorded, with 95% and 99.8% limits around the overall
    rate."""
    with unit_of_work(engine) as session:
        return _funnel(session, filters, dashboard_scope(session, user, filters), by, success)


# --- Feedback -----------------------------------------------------------------------------


def feedback_answers_statement(filters: Filters, teams: TeamScope) -> sa.Select:
    """Answers by the question wording they were given under, who answered and the answer.
    Grouped on the stored codes alone (no join to the questions, no expression per row):
    `_feedback_answers` folds wordings into questions and respondents into the person or a
    representative, over a few hundred rows at most."""
    return (
        sa.select(
            FeedbackAnswer.question_version_id,
            FeedbackResponse.respondent,
            FeedbackAnswer.answer,
            sa.func.count().label("n"),
        )
        .select_from(E)
        .join(FeedbackResponse, FeedbackResponse.enquiry_id == E.c.id)
        .join(FeedbackAnswer, FeedbackAnswer.response_id == FeedbackResponse.id)
        .where(*conditions(filters, teams), FeedbackResponse.declined == sa.false())
        .group_by(
            FeedbackAnswer.question_version_id, FeedbackResponse.respondent, FeedbackAnswer.answer
        )
    )


def respondent_group(respondent: str) -> str:
    return PERSON_GROUP if respondent == vocab.PERSON else REPRESENTATIVE_GROUP


def _question_of_versions(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """question version id -> question id."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = session.execute(
        sa.select(FeedbackQuestionVersion.id, FeedbackQuestionVersion.question_id).where(
            FeedbackQuestionVersion.id.in_(ids)
        )
    ).all()
    return dict(rows)


def _question_labels(session: Session, ids: Iterable[int]) -> dict[int, tuple[int, str, str]]:
    """question id -> (position, key, current person wording)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = session.execute(
        sa.select(
            FeedbackQuestion.id,
            FeedbackQuestion.position,
            FeedbackQuestion.key,
            FeedbackQuestionVersion.version_no,
            FeedbackQuestionVersion.person_wording,
        )
        .join(FeedbackQuestionVersion, FeedbackQuestionVersion.question_id == FeedbackQuestion.id)
        .where(FeedbackQuestion.id.in_(ids))
        .order_by(FeedbackQuestion.id, FeedbackQuestionVersion.version_no)
    ).all()
    return {r.id: (r.position, r.key, r.person_wording) for r in rows}  # last version wins


def _feedback_answers(session: Session, filters: Filters, teams: TeamScope) -> pd.DataFrame:
    rows = session.execute(feedback_answers_statement(filters, teams)).all()
    question_of = _question_of_versions(session, [r.question_version_id for r in rows])
    summed: Counter[tuple[tuple[int, str], str]] = Counter()
    for r in rows:
        key = (question_of[r.question_version_id], respondent_group(r.respondent))
        summed[key, r.answer] += r.n
    labels = _question_labels(session, [qid for (qid, _), _ in summed])
    groups = []
    for qid, (_position, _key, wording) in sorted(labels.items(), key=lambda kv: kv[1][0]):
        for g in (PERSON_GROUP, REPRESENTATIVE_GROUP):
            groups.append(((qid, g), f"{wording} ({RESPONDENT_GROUP_LABELS[g].lower()})"))
    counts = [(key, answer, n) for (key, answer), n in summed.items()]
    frame = stacked(counts, groups, vocab.FEEDBACK_ANSWERS)
    frame["question_id"] = [k[0] for k in frame["key"]]
    frame["question_key"] = [labels[k[0]][1] for k in frame["key"]]
    frame["question"] = [labels[k[0]][2] for k in frame["key"]]
    frame["question_position"] = [labels[k[0]][0] for k in frame["key"]]
    frame["respondent"] = [RESPONDENT_GROUP_LABELS[k[1]] for k in frame["key"]]
    return frame


def feedback_answers(engine: Engine, user: CurrentUser, filters: Filters) -> pd.DataFrame:
    """Feedback answers per question, person and representative apart (declined responses
    have no answers). Stacked-proportion columns plus question_id, question_key, question
    (current wording for the person), question_position and respondent."""
    with unit_of_work(engine) as session:
        return _feedback_answers(session, filters, dashboard_scope(session, user, filters))


# --- Timeliness -----------------------------------------------------------------------------


def first_conversation_statement(filters: Filters, teams: TeamScope, targets: Targets) -> sa.Select:
    """How many enquiries had their first conversation (on or after the start) within the
    target number of working days (stored per enquiry by msp.timeliness)."""
    days = E.c.first_conversation_working_days
    return sa.select(
        sa.func.count().label("total"),
        count_if(days <= targets.first_conversation_working_days).label("met"),
    ).where(*conditions(filters, teams))


def conversation_gap_statement(filters: Filters, teams: TeamScope, targets: Targets) -> sa.Select:
    """Per enquiry, the longest run of working days without a conversation while it was open
    (from the start, between conversations, to the conclusion; stored by msp.timeliness),
    counted against the target."""
    longest = E.c.longest_gap_working_days
    return sa.select(
        sa.func.count().label("total"),
        count_if(longest <= targets.max_gap_working_days).label("met"),
        sa.func.max(longest).label("longest"),
    ).where(*conditions(filters, teams))


def feedback_timeliness_statement(
    filters: Filters, teams: TeamScope, targets: Targets
) -> sa.Select:
    """Feedback recorded within the window after conclusion (the first feedback's day count,
    stored by msp.timeliness)."""
    days = E.c.first_feedback_days
    return sa.select(
        sa.func.count().label("total"),
        count_if(days <= targets.feedback_window_days).label("met"),
    ).where(*conditions(filters, teams))


def council_targets(session: Session) -> Targets:
    """The council's timescale targets (msp.settings), the defaults until changed."""
    row = session.get(Setting, TARGETS_KEY)
    return Targets.from_value(row.value if row else None)


TIMELINESS_COLUMNS = ["measure", "target", "met", "total", "percent"]


def _timeliness(
    session: Session, filters: Filters, teams: TeamScope, targets: Targets
) -> pd.DataFrame:
    first = session.execute(first_conversation_statement(filters, teams, targets)).one()
    gap = session.execute(conversation_gap_statement(filters, teams, targets)).one()
    feedback = session.execute(feedback_timeliness_statement(filters, teams, targets)).one()
    weeks = targets.feedback_window_days / 7
    weeks_text = (
        f"{weeks:g} weeks" if weeks.is_integer() else f"{targets.feedback_window_days} days"
    )
    rows = [
        (
            "First conversation about outcomes",
            f"Within {targets.first_conversation_working_days} working days of the start",
            first.met,
            first.total,
        ),
        (
            "Regular conversations",
            f"No gap longer than {targets.max_gap_working_days} working days",
            gap.met,
            gap.total,
        ),
        (
            "Feedback",
            f"Within {weeks_text} of conclusion",
            feedback.met,
            feedback.total,
        ),
    ]
    frame = pd.DataFrame(rows, columns=TIMELINESS_COLUMNS[:4])
    frame["met"] = frame["met"].astype("int64")
    frame["total"] = frame["total"].astype("int64")
    frame["percent"] = [
        100.0 * m / t if t else None for m, t in zip(frame["met"], frame["total"], strict=True)
    ]
    frame.attrs["longest_gap_working_days"] = None if gap.longest is None else int(gap.longest)
    return frame


def timeliness(
    engine: Engine, user: CurrentUser, filters: Filters, targets: Targets | None = None
) -> pd.DataFrame:
    """Timeliness against the targets, one row per measure (measure, target, met, total,
    percent): first conversation on or after the start within N working days; no stretch
    longer than N working days without a conversation while open; feedback recorded within
    N days (8 weeks) of conclusion (`days_after_conclusion`). Enquiries with no conversation
    or no feedback count as not met. `attrs['longest_gap_working_days']` holds the longest
    stretch found. `targets` default to the council's settings (msp.settings)."""
    with unit_of_work(engine) as session:
        scope = dashboard_scope(session, user, filters)
        return _timeliness(session, filters, scope, targets or council_targets(session))


# --- For EXPLAIN ------------------------------------------------------------------------------


def dashboard_statements(
    filters: Filters, teams: TeamScope, targets: Targets | None = None
) -> dict[str, sa.Select]:
    """Every query the team dashboard runs on `enquiries`, by name (for EXPLAIN checks and
    the benchmark)."""
    targets = targets or Targets()
    return {
        "headline": headline_statement(filters, teams),
        "feedback_given": feedback_given_statement(filters, teams),
        "achievement_cube": achievement_cube_statement(filters, teams),
        "achievement_by_month": achievement_by_month_statement(filters, teams),
        "achievement_by_worker": achievement_by_worker_statement(filters, teams),
        "achievement_by_risk_type": achievement_by_risk_type_statement(filters, teams),
        "achievement_by_location": achievement_by_location_statement(filters, teams),
        "achievement_by_outcome": achievement_by_outcome_statement(filters, teams),
        "feedback_answers": feedback_answers_statement(filters, teams),
        "first_conversation": first_conversation_statement(filters, teams, targets),
        "conversation_gap": conversation_gap_statement(filters, teams, targets),
        "feedback_timeliness": feedback_timeliness_statement(filters, teams, targets),
    }
